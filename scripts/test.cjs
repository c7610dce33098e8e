#!/usr/bin/env node
/**
 * `npm test`: type-checks (`tsc --noEmit` for the project, then for the dashboard's browser code)
 * while jest runs, instead of before it. On a 2-core machine the two tsc passes took 16 s of one core
 * before jest started (cold cache), and jest alone, in band by default there (cores - 1 workers),
 * left the other core idle whenever a test waited on a process or a socket (issue 22). Both cores
 * now work from the start: jest gets {@link workerCount} workers unless told otherwise.
 *
 * Arguments go to jest (`npm test -- __tests__/stacks`). The exit code is non-zero when jest or
 * either tsc pass fails; tsc's errors are printed after jest's output, under a heading, so the two
 * never interleave.
 */
'use strict';
require('./require-node.cjs');
const { spawn } = require('node:child_process');
const { availableParallelism, totalmem } = require('node:os');
const { join } = require('node:path');
const { OPTIMIZE_VARIABLE } = require('./jest-workers.cjs');

const ROOT = join(__dirname, '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const JEST = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

/** The tsc passes, in order: arguments after `tsc`. */
const TYPE_CHECKS = [['--noEmit'], ['--noEmit', '-p', 'local/dashboard/ui']];

/**
 * How large a worker's heap may grow before jest replaces it, for the whole suite. jest.config.js says
 * 200 MB and has a worker collect its garbage from 150 MB (__tests__/worker-memory.ts), which keeps the
 * unit suites' largest process under the inner loop's 400 MB (issue 22). Over all files, replacing
 * workers cost about a tenth of the run's CPU, and collecting at 150 MB after the runtime's heavy test
 * files cost 9 s of CPU (129.8 s against 120.3 s, `/usr/bin/time npm test`), so the whole suite lets a
 * worker grow to 1 GB and collect from {@link WHOLE_RUN_COLLECT_AT_MB}.
 */
const WHOLE_RUN_WORKER_MEMORY = '1GB';
/** Heap, in MB, from which a worker of the whole suite collects its garbage after a file: 3/4 of its limit. */
const WHOLE_RUN_COLLECT_AT_MB = '768';

/** Workers beyond the cores for the whole suite: see {@link workerCount}. */
const WHOLE_RUN_EXTRA_WORKERS = 2;
/** Memory a worker of the whole suite is budgeted: its 1 GB limit plus what the run's other processes use. */
const WHOLE_RUN_MEMORY_PER_WORKER = 1.5 * 1024 ** 3;

/**
 * Workers for a run with these arguments. A run of only some files (any argument that is not a flag,
 * such as a folder) gets one per core: the unit suites keep both cores busy, and each extra worker
 * loads cdktf and our stacks again (the inner loop took longer with more). The whole suite gets
 * {@link WHOLE_RUN_EXTRA_WORKERS} more, as the machine's memory allows: many of its files wait on a
 * timer, a socket or a child process, and a worker waiting leaves its core idle. Timed with
 * `/usr/bin/time npm test -- --maxWorkers=N`, alternating N, on the 2-core machine of docs/bench.md.
 * @param {readonly string[]} args
 * @param {number} cores
 * @param {number} memoryBytes
 * @returns {number}
 */
function workerCount(args, cores, memoryBytes) {
  if (someFiles(args)) return cores;
  const affordable = Math.floor(memoryBytes / WHOLE_RUN_MEMORY_PER_WORKER);
  return Math.max(cores, Math.min(cores + WHOLE_RUN_EXTRA_WORKERS, affordable));
}

/**
 * jest's arguments: the caller's, plus {@link workerCount} workers unless they chose (-w, --maxWorkers,
 * -i, --runInBand, --watch), and {@link WHOLE_RUN_WORKER_MEMORY} unless they chose a limit.
 * @param {readonly string[]} args
 * @param {number} cores
 * @param {number} [memoryBytes] the machine's memory
 * @returns {string[]}
 */
function jestArgs(args, cores, memoryBytes = totalmem()) {
  const chosen = args.some((arg) => /^(-w|-i|--maxWorkers|--runInBand|--watch(All)?)(=|$)/.test(arg));
  return [
    ...(chosen ? [] : [`--maxWorkers=${workerCount(args, cores, memoryBytes)}`]),
    ...(choseMemoryLimit(args) ? [] : [`--workerIdleMemoryLimit=${WHOLE_RUN_WORKER_MEMORY}`]),
    ...args,
  ];
}

/**
 * Whether the run is of some files (an argument that is not a flag, such as a folder), not the whole suite.
 * @param {readonly string[]} args
 */
function someFiles(args) {
  return args.some((arg) => !arg.startsWith('-'));
}

/** Whether the caller set jest's worker memory limit. @param {readonly string[]} args */
function choseMemoryLimit(args) {
  return args.some((arg) => /^--workerIdleMemoryLimit(=|$)/.test(arg));
}

/**
 * jest's environment: the caller's, and with {@link WHOLE_RUN_WORKER_MEMORY} (no limit of the caller's)
 * the heap its workers collect from, `ASYNC_API_JEST_COLLECT_AT_MB` (__tests__/worker-memory.ts). For
 * the whole suite, workers that keep V8's optimizing compilers (./jest-workers.cjs).
 * @param {readonly string[]} args
 * @param {Readonly<Record<string, string | undefined>>} env
 * @returns {Record<string, string | undefined>}
 */
function jestEnv(args, env) {
  return {
    ...env,
    ...(choseMemoryLimit(args) ? {} : { ASYNC_API_JEST_COLLECT_AT_MB: WHOLE_RUN_COLLECT_AT_MB }),
    ...(someFiles(args) ? {} : { [OPTIMIZE_VARIABLE]: '1' }),
  };
}

/** Runs `node <script> <args>` in the root; resolves to its exit code and, if piped, its output. */
function run(script, args, pipe, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: ROOT,
      env,
      stdio: pipe ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    });
    running.add(child);
    let output = '';
    if (pipe) for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => (output += chunk));
    child.on('error', (err) => {
      output += `${err.message}\n`;
    });
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code: code ?? (signal ? 1 : 0), output });
    });
  });
}

const running = new Set();

async function typeCheck() {
  for (const args of TYPE_CHECKS) {
    const result = await run(TSC, args, true);
    if (result.code !== 0) return { ...result, command: `tsc ${args.join(' ')}` };
  }
  return { code: 0, output: '', command: '' };
}

async function main(args) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      for (const child of running) child.kill(signal);
    });
  }
  const [types, tests] = await Promise.all([
    typeCheck(),
    run(JEST, jestArgs(args, availableParallelism()), false, jestEnv(args, process.env)),
  ]);
  // Silent when clean, so jest's closing count stays the last line.
  if (types.code !== 0) process.stderr.write(`\nType check failed (${types.command}):\n${types.output}`);
  return types.code !== 0 ? types.code : tests.code;
}

module.exports = { jestArgs, jestEnv, TYPE_CHECKS };

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
