/**
 * Describes the machine a bench ran on, so figures can be compared (and doubted) later: CPU, cores,
 * memory, OS, Node.js, load when the run started, the commit measured, and whether a `terraform`
 * binary was on PATH (`cdktf synth` runs `terraform version` when there is one).
 */
import { execFileSync } from 'node:child_process';
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
    terraform: findTerraform(path),
    git: gitState(repoRoot),
  };
}

/** One line for the report header. */
export function machineLine(m: MachineInfo): string {
  const tf = m.terraform ? `terraform ${m.terraform.version ?? '?'} on PATH` : 'no terraform on PATH';
  return `${m.cpuModel}, ${m.cores} cores, ${m.totalMemoryGb} GB, ${m.os}, Node ${m.node}, load ${m.loadAverage.join('/')} at start, ${tf}`;
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
