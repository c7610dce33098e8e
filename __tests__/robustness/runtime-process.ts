/**
 * The local runtime as its own process, started the way `npm start` does (`node --import tsx
 * local/index.ts`) over an existing synthesis, on a free port and a given data folder. The crash test
 * kills it with SIGKILL; the load driver keeps its event loop apart from the runtime's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processTree } from '../../local/proc';
import { REPO_ROOT } from '../../local/runtime';

/** A runtime process. */
export interface RuntimeProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  /** Developer credentials the runtime wrote to `<dataDir>/credentials.json`. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGINT (a clean stop), then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Options of {@link spawnRuntime}. */
export interface SpawnOptions {
  /** A synthesized cdktf output folder (served as it is). */
  readonly outdir: string;
  readonly dataDir: string;
  /** Extra environment, e.g. `LOCAL_ACCESS_LOG: '0'`. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for the banner (default 30 s). */
  readonly startTimeoutMs?: number;
}

/** Starts the runtime process; resolves once its banner shows the endpoint. */
export async function spawnRuntime(options: SpawnOptions): Promise<RuntimeProcess> {
  // `node --import tsx` rather than the tsx CLI, which would put a second process in between.
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'local', 'index.ts')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: '0',
      LOCAL_OUTDIR: options.outdir,
      LOCAL_DATA_DIR: options.dataDir,
      LOCAL_SKIP_SYNTH: '1',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the runtime printed no endpoint within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const check = (): void => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the runtime exited (${String(code ?? signal)}) before serving:\n${out}`));
    });
  });
  const credentials = JSON.parse(
    readFileSync(join(options.dataDir, 'credentials.json'), 'utf8'),
  ) as RuntimeProcess['credentials'];
  return {
    child,
    pid: child.pid!,
    url,
    credentials,
    output: () => out,
    exited,
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Process ids of every descendant of `pid` (Linux /proc). */
export function descendants(pid: number): number[] {
  return processTree(pid).slice(1);
}

/** True while a process with this pid exists (zombies count as gone). */
export function isRunning(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return state.slice(state.lastIndexOf(')') + 2, state.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
