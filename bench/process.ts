/**
 * Runs a command and measures its wall time and peak memory. Memory comes from Linux's /proc: every
 * `pollMs` each process of the tree (the command and all its descendants) is read, giving
 *  - the largest single process: the highest VmHWM (the kernel's own per-process RSS high-water
 *    mark, what `/usr/bin/time -f %M` reports) seen in the tree, and
 *  - the summed peak: the highest sum of VmRSS over the tree at one sample (sampled, so a peak
 *    shorter than `pollMs` can be missed).
 * The tree itself is walked again every `treeMs`: walking it reads a file per thread of every
 * process, and walking it every 20 ms took about 5 % of a core from the command measured on a
 * 2-core machine (the bench's own CPU during the inner loop: `process.cpuUsage()`). A process that
 * starts and ends between two walks is not seen.
 * Elsewhere (no /proc) both memory figures are null.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { PROC, processTree, readStatus } from '../local/proc';

/** Options of {@link measureCommand}. */
export interface CommandOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Sampling period of the tree's memory (default 20 ms). */
  readonly pollMs?: number;
  /** How often the tree is walked again for new processes (default 100 ms). */
  readonly treeMs?: number;
  /** The tree is killed after this long (default 180 s). */
  readonly timeoutMs?: number;
}

/** What one run of a command cost. */
export interface CommandMeasurement {
  readonly wallMs: number;
  /** Exit code, or null when ended by a signal (e.g. the timeout). */
  readonly exitCode: number | null;
  /** Highest VmHWM of any one process of the tree, MB; null without /proc. */
  readonly peakProcessMb: number | null;
  /** Command line of that process (truncated). */
  readonly peakProcessCommand: string | null;
  /** Highest sampled sum of VmRSS over the tree, MB; null without /proc. */
  readonly peakTreeMb: number | null;
  /** Processes seen in the tree over the run. */
  readonly processesSeen: number;
  /** Last few KB of stdout and stderr together, for error messages. */
  readonly outputTail: string;
}

/** Runs `command args` to completion and measures it (never throws for a non-zero exit). */
export function measureCommand(
  command: string,
  args: readonly string[],
  options: CommandOptions,
): Promise<CommandMeasurement> {
  const pollMs = options.pollMs ?? 20;
  const treeMs = options.treeMs ?? 100;
  const timeoutMs = options.timeoutMs ?? 180_000;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);

    let peakProcessKb = 0;
    let peakProcessCommand: string | null = null;
    let peakTreeKb = 0;
    // Each process's command line as first seen, the fallback for a peak read while it exits: an
    // exiting process still reports its high-water mark in /proc/<pid>/status, but an empty cmdline.
    const seen = new Map<number, string | null>();
    let lastTree: number[] = [];
    let walkedAt = Number.NEGATIVE_INFINITY;
    const sample = (): void => {
      if (!PROC || child.pid === undefined) return;
      const now = performance.now();
      if (now - walkedAt >= treeMs) {
        lastTree = processTree(child.pid);
        walkedAt = now;
      }
      let sum = 0;
      for (const pid of lastTree) {
        if (!seen.has(pid)) seen.set(pid, commandLine(pid));
        const status = readStatus(pid);
        if (!status) continue;
        sum += status.rssKb;
        if (status.hwmKb > peakProcessKb) {
          peakProcessKb = status.hwmKb;
          peakProcessCommand = commandLine(pid) ?? seen.get(pid) ?? null;
        }
      }
      peakTreeKb = Math.max(peakTreeKb, sum);
    };
    sample();
    const poller = setInterval(sample, pollMs);
    const timer = setTimeout(() => {
      // Only processes this run started: the child and what it spawned, as they are now.
      if (PROC && child.pid !== undefined) lastTree = processTree(child.pid);
      for (const pid of [...lastTree].reverse()) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }, timeoutMs);

    child.on('error', (err) => {
      clearInterval(poller);
      clearTimeout(timer);
      reject(err);
    });
    // Wall time ends at exit; 'close' (all pipes closed) is awaited only for the output.
    let wallMs = 0;
    child.on('exit', () => {
      wallMs = performance.now() - started;
      clearInterval(poller);
      clearTimeout(timer);
    });
    child.on('close', (code) => {
      resolve({
        wallMs,
        exitCode: code,
        peakProcessMb: PROC ? peakProcessKb / 1024 : null,
        peakProcessCommand,
        peakTreeMb: PROC ? peakTreeKb / 1024 : null,
        processesSeen: seen.size,
        outputTail: output,
      });
    });
  });
}

function commandLine(pid: number): string | null {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 160);
    return command === '' ? null : command;
  } catch {
    return null;
  }
}
