#!/usr/bin/env node
/**
 * The cdktf CLI behind `npm run plan`, `npm run deploy` and `npm run destroy`: `node scripts/cdktf.cjs
 * <cdktf arguments>` runs the documented `cdktf` command (cdktf-cli 0.21) where it can start, and the
 * maintained fork's CLI, cdktn-cli 0.24, where it cannot. cdktf-cli loads a native module
 * (@cdktf/node-pty-prebuilt-multiarch) that ships builds up to Node.js 22 (ABI 127), so on Node.js 23+
 * it exits 1 before doing anything (`Cannot find module '../build/Debug/pty.node'`). cdktn-cli reads the same cdktf.json, runs the
 * same app (still built on the `cdktf` library) and writes the same cdktf.out; a test compares them.
 *
 * cdktn-cli lives in scripts/cdktn-cli/ with its own lock file: its peer dependencies (cdktn,
 * constructs < 10.8, jsii) conflict with the app's. `npm ci` installs it there (the `prepare` script,
 * `node scripts/cdktf.cjs --install-cdktn-cli`), so tests never download it; the wrapper still
 * installs it on first use if it is missing (`npm ci --ignore-scripts`). `CDKTF_CLI=cdktf|cdktn` forces one. `CHECKPOINT_DISABLE=1` is set unless already set:
 * both CLIs otherwise call HashiCorp's checkpoint service and print a red ENOTFOUND offline.
 */
'use strict';
require('./require-node.cjs');
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/** The newest Node.js major cdktf-cli 0.21's native module has a build for. */
const NEWEST_CDKTF_CLI_MAJOR = 22;
const ROOT = join(__dirname, '..');
/** Where cdktn-cli is installed, apart from the app. */
const CDKTN_DIR = join(__dirname, 'cdktn-cli');

/**
 * Which CLI runs on Node.js `version`.
 * @param {string} version process.version
 * @param {string | undefined} forced the CDKTF_CLI variable
 * @returns {'cdktf' | 'cdktn'}
 */
function chooseCli(version, forced) {
  if (forced !== undefined && forced !== '') {
    if (forced !== 'cdktf' && forced !== 'cdktn') throw new Error(`CDKTF_CLI must be cdktf or cdktn, not "${forced}"`);
    return forced;
  }
  const major = Number(String(version).replace(/^v/, '').split('.')[0]);
  return major > NEWEST_CDKTF_CLI_MAJOR ? 'cdktn' : 'cdktf';
}

/** The CLI's entry script (run with this Node.js, so no shell or .cmd shim is involved). */
function cliScript(cli) {
  return cli === 'cdktf'
    ? join(ROOT, 'node_modules', 'cdktf-cli', 'bundle', 'bin', 'cdktf')
    : join(CDKTN_DIR, 'node_modules', 'cdktn-cli', 'bin', 'cdktn'); // as in cdktnCliProblem
}

/** The environment both CLIs run with: the caller's, with the checkpoint call off unless asked for. */
function cliEnv(env) {
  return { ...env, CHECKPOINT_DISABLE: env.CHECKPOINT_DISABLE ?? '1' };
}

/** The cdktn-cli version `dir`/package-lock.json pins, and the one installed (or undefined). */
function cdktnVersions(dir) {
  const read = (path) => {
    try {
      return JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return undefined;
    }
  };
  const lock = read(join(dir, 'package-lock.json'));
  const installed = read(join(dir, 'node_modules', 'cdktn-cli', 'package.json'));
  return { locked: lock?.packages?.['node_modules/cdktn-cli']?.version, installed: installed?.version };
}

/**
 * One line saying why cdktn-cli cannot run from `dir` as its lock file says, or undefined when it
 * can. Tests call this instead of installing: they never download anything.
 * @param {string} [dir] default scripts/cdktn-cli
 * @returns {string | undefined}
 */
function cdktnCliProblem(dir = CDKTN_DIR) {
  const { locked, installed } = cdktnVersions(dir);
  const script = join(dir, 'node_modules', 'cdktn-cli', 'bin', 'cdktn');
  if (installed !== undefined && installed === locked && existsSync(script)) return undefined;
  return `cdktn-cli ${locked} is not installed in ${dir} (found: ${installed ?? 'none'}); \`npm ci\` installs it, which needs the npm registry`;
}

/**
 * Installs cdktn-cli from scripts/cdktn-cli/package-lock.json unless that version is there already.
 * @param {(line: string) => void} log
 * @returns {string} the CLI's entry script
 * @throws Error when npm fails
 */
function ensureCdktnCli(log) {
  const script = cliScript('cdktn');
  if (cdktnCliProblem() === undefined) return script;
  log(`Installing cdktn-cli into ${CDKTN_DIR} (once; npm ci from its lock file)...`);
  // npm run sets npm_execpath; run that npm with this Node.js. Outside npm, npm on PATH.
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli && /npm-cli\.js$/.test(npmCli) ? [process.execPath, [npmCli]] : ['npm', []];
  const result = spawnSync(command, [...args, 'ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: CDKTN_DIR,
    stdio: ['ignore', 'inherit', 'inherit'],
    shell: process.platform === 'win32' && command === 'npm',
  });
  if (result.status !== 0 || !existsSync(script)) {
    throw new Error(
      `installing cdktn-cli failed (npm ci in ${CDKTN_DIR} exited ${String(result.status ?? result.error)})`,
    );
  }
  return script;
}

/** cdktf commands (and their aliases) that synthesize the app and then reach AWS through Terraform. */
const AWS_COMMANDS = new Set(['diff', 'plan', 'deploy', 'apply', 'destroy']);

/**
 * Whether the AWS SDK's default chain finds credentials with `env` (the same sources Terraform's S3
 * backend and AWS provider read): undefined when it does, else the SDK's reason.
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<string | undefined>}
 */
async function awsCredentialsProblem(env) {
  const { fromNodeProviderChain } = require('@aws-sdk/credential-providers');
  const saved = process.env;
  process.env = env; // the chain's environment step reads process.env
  try {
    await fromNodeProviderChain()();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message.split('\n')[0] : String(err);
  } finally {
    process.env = saved;
  }
}

/**
 * What `diff`, `deploy` and `destroy` need, checked before the CLI starts, each reported in one line:
 * the app's settings (`main.ts --check-config`; cdktf would print a problem twice, inside its own
 * synth error) and AWS credentials (cdktn-cli prints two stack traces around Terraform's message).
 * @returns {Promise<number>} 0 to go on, else the exit code
 */
async function preflight(args, env, log, credentialsProblem = awsCredentialsProblem) {
  if (!AWS_COMMANDS.has(args[0])) return 0;
  const check = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts', '--check-config'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (check.status !== 0) return check.status ?? 1;
  const problem = await credentialsProblem(env);
  if (problem === undefined) return 0;
  log(
    `no AWS credentials for Terraform (${problem.replace(/\.$/, '')}): set AWS_PROFILE (after \`aws sso login\` or \`aws configure\`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
  );
  return 1;
}

/**
 * Runs the chosen CLI with `args` in the repository root and resolves to its exit code. The CLI
 * gets the terminal: Ctrl-C reaches it (and Terraform) directly, and this wrapper waits for it to
 * finish cleaning up (a state lock, a half-written plan) instead of exiting first.
 */
async function runCli(args, options = {}) {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const stop = await preflight(args, env, log, options.credentialsProblem);
  if (stop !== 0) return stop;
  const cli = chooseCli(options.version ?? process.version, env.CDKTF_CLI);
  if (cli === 'cdktn' && env.CDKTF_CLI !== 'cdktn') {
    log(
      `cdktf-cli 0.21 cannot start on Node.js ${options.version ?? process.version} (native module built up to Node.js ${NEWEST_CDKTF_CLI_MAJOR}): using the maintained fork's CLI, cdktn-cli.`,
    );
  }
  const script = cli === 'cdktn' ? ensureCdktnCli(log) : cliScript('cdktf');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, env: cliEnv(env), stdio: 'inherit' });
    const ignore = () => undefined;
    process.on('SIGINT', ignore);
    process.on('SIGTERM', ignore);
    child.on('error', (err) => {
      log(`cannot run ${cli}: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', ignore);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

module.exports = {
  NEWEST_CDKTF_CLI_MAJOR,
  CDKTN_DIR,
  chooseCli,
  cliScript,
  cliEnv,
  cdktnCliProblem,
  ensureCdktnCli,
  preflight,
  runCli,
};

/** `npm ci`'s prepare step: installs cdktn-cli where its engines allow, else says why not and goes on. */
function installForNpmCi() {
  const log = (line) => process.stderr.write(`${line}\n`);
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major === 22 && minor < 19) {
    log(
      `cdktn-cli needs Node.js 22.19 or newer (this is ${process.version}): not installed; cdktf-cli serves Node.js 22.`,
    );
    return;
  }
  ensureCdktnCli(log);
}

if (require.main === module && process.argv[2] === '--install-cdktn-cli') {
  try {
    installForNpmCi();
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
} else if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
