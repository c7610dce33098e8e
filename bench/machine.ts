/**
 * Describes the machine a bench ran on, so figures can be compared (and doubted) later: CPU, cores,
 * memory, OS, Node.js, load when the run started, how long a fixed piece of CPU work took at its start
 * and end, the commit measured, and whether a `terraform` binary was on PATH (`cdktf synth` runs
 * `terraform version` when there is one).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import * as os from 'node:os';
import { delimiter, join } from 'node:path';

/** The machine and checkout a bench ran on. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly totalMemoryGb: number;
  readonly os: string;
  readonly node: string;
  /** 1-, 5- and 15-minute load averages at the start (other work on a shared machine skews timings). */
  readonly loadAverage: readonly number[];
  /**
   * {@link probeCpuMs} when the run started and when it ended. A shared machine's speed drifts with its
   * neighbours' work, which the load average does not show; absent in runs recorded before it existed.
   */
  readonly cpuProbe?: { readonly startMs: number; readonly endMs?: number };
  /** Path and version of `terraform` on PATH, or null. */
  readonly terraform: { readonly path: string; readonly version: string | null } | null;
  /** Commit measured and whether the work tree had changes; null outside a git checkout. */
  readonly git: { readonly commit: string; readonly dirty: boolean } | null;
}

/** Collects {@link MachineInfo}; `path` is the PATH the bench's commands run with. */
export function describeMachine(repoRoot: string, path: string | undefined): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    cpuProbe: { startMs: probeCpuMs() },
    terraform: findTerraform(path),
    git: gitState(repoRoot),
  };
}

/** One line for the report header. */
export function machineLine(m: MachineInfo): string {
  const tf = m.terraform ? `terraform ${m.terraform.version ?? '?'} on PATH` : 'no terraform on PATH';
  const probe = m.cpuProbe
    ? `, CPU probe ${m.cpuProbe.startMs} ms at start${m.cpuProbe.endMs === undefined ? '' : ` and ${m.cpuProbe.endMs} ms at end`}`
    : '';
  return `${m.cpuModel}, ${m.cores} cores, ${m.totalMemoryGb} GB, ${m.os}, Node ${m.node}, load ${m.loadAverage.join('/')} at start${probe}, ${tf}`;
}

/** A fixed buffer for {@link probeCpuMs}'s hashing (4 MiB). */
const PROBE_BUFFER = Buffer.alloc(4 * 1024 * 1024, 7);

/**
 * Milliseconds a fixed piece of CPU work takes in this process: an integer loop and a SHA-256 of
 * 4 MiB, the median of `repeats` (each a few tens of milliseconds). Lower is faster. It moves when
 * the machine does, not when the code does, so two runs whose probes differ were not measured on the
 * same machine of the moment.
 */
export function probeCpuMs(repeats = 5): number {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    let x = 0;
    for (let i = 0; i < 20_000_000; i++) x = (x + i * 7) % 1_000_003;
    createHash('sha256').update(PROBE_BUFFER).update(String(x)).digest();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]!);
}

function findTerraform(path: string | undefined): MachineInfo['terraform'] {
  for (const dir of (path ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, process.platform === 'win32' ? 'terraform.exe' : 'terraform');
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    let version: string | null = null;
    try {
      const out = execFileSync(candidate, ['version', '-json'], {
        encoding: 'utf8',
        timeout: 10_000,
        env: { CHECKPOINT_DISABLE: '1' },
      });
      version = (JSON.parse(out) as { terraform_version?: string }).terraform_version ?? null;
    } catch {
      // an old terraform without -json, or one that fails: the path alone still says it was there
    }
    return { path: candidate, version };
  }
  return null;
}

function gitState(repoRoot: string): MachineInfo['git'] {
  try {
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', timeout: 10_000 }).trim();
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain').length > 0 };
  } catch {
    return null;
  }
}
