/**
 * Watch mode of `npm start`: a change to a source the stack is synthesized from re-synthesizes the
 * app into a new folder and reloads the runtime from it, on the same port, keeping every execution
 * (see {@link Runtime.reload}). A change that fails to synthesize or to load is printed and the
 * runtime keeps serving the last good stack.
 *
 * Watching uses `node:fs` `watch` on each folder under the sources (no dependency for what a few
 * dozen lines do; see below why not `recursive: true`). Editors save in bursts (a temporary file, a
 * rename, a chmod), so events are debounced and a change during a synthesis triggers one more
 * synthesis after it, never two at once.
 */
import { existsSync, type FSWatcher, readdirSync, rmSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import type { Runtime } from './runtime';
import { SOURCES, synthesize } from './synth';

/** Default quiet time after the last event before a reload starts. */
export const DEFAULT_DEBOUNCE_MS = 300;

/** Prefix of the folders reloads synthesize into, inside the data folder. */
const RELOAD_DIR_PREFIX = 'cdktf.out.reload-';

/** Options of {@link watchAndReload}. */
export interface WatchOptions {
  readonly repoRoot: string;
  readonly runtime: Runtime;
  /** Where reloads synthesize (`<dataDir>/cdktf.out.reload-<n>`). */
  readonly dataDir: string;
  /** The environment to synthesize with. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stackId?: string;
  readonly log: (line: string) => void;
  /** Quiet time after the last change (default {@link DEFAULT_DEBOUNCE_MS}). */
  readonly debounceMs?: number;
  /** Sources to watch, relative to `repoRoot` (default {@link SOURCES}). */
  readonly sources?: readonly string[];
}

/** A running watcher. */
export interface Watcher {
  /** Resolves after the reload in progress (if any) and the ones it queued have finished. */
  idle(): Promise<void>;
  /** Stops watching and removes the reload folders. */
  close(): Promise<void>;
}

/** Starts watching; returns at once. */
export function watchAndReload(options: WatchOptions): Watcher {
  const sources = options.sources ?? SOURCES;
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  removeReloadFolders(options.dataDir);
  const changed = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let generation = 0;
  let closed = false;

  const schedule = (path: string): void => {
    if (closed) return;
    changed.add(path);
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!running) running = reloadLoop().finally(() => (running = undefined));
    }, debounceMs);
  };

  // Runs reloads until no change is pending; changes that arrive meanwhile are picked up by the next round.
  const reloadLoop = async (): Promise<void> => {
    while (changed.size > 0 && !closed) {
      const paths = [...changed];
      changed.clear();
      const startedAt = performance.now();
      const outdir = join(options.dataDir, `${RELOAD_DIR_PREFIX}${++generation}`);
      options.log(`${describe(paths)} changed: synthesizing...`);
      try {
        // Each reload gets its own folder: executions still running on the replaced stack may start
        // a function process again, and must find the code they started with.
        await synthesize({ repoRoot: options.repoRoot, outdir, env: options.env });
        if (closed) return;
        await options.runtime.reload({ outdir, ...(options.stackId ? { stackId: options.stackId } : {}) });
        options.log(
          `Reloaded in ${((performance.now() - startedAt) / 1000).toFixed(1)} s; running executions finish on the code they started with.`,
        );
      } catch (err) {
        rmSync(outdir, { recursive: true, force: true });
        options.log(
          `Reload failed; still serving the last good stack.\n${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
  };

  const folders = watchSources(options.repoRoot, sources, schedule);

  return {
    idle: async () => {
      while (timer || running) await (running ?? new Promise((resolve) => setTimeout(resolve, debounceMs)));
    },
    close: async () => {
      closed = true;
      if (timer) clearTimeout(timer);
      folders.close();
      await running;
      removeReloadFolders(options.dataDir);
    },
  };
}

/**
 * Watches `sources` (relative to `root`) folder by folder, new folders included, and calls `onChange`
 * with each changed path.
 */
function watchSources(root: string, sources: readonly string[], onChange: (path: string) => void): { close(): void } {
  let closed = false;
  // One non-recursive watch per folder, not `recursive: true`: on Linux, Node's recursive mode
  // watches files one by one and loses a file that an editor (or `sed -i`) replaces by a rename;
  // a folder's own watch sees every entry created, renamed or changed in it.
  const watchers = new Map<string, FSWatcher>();
  const topLevelFiles = new Set(sources.filter((source) => !isDirectory(join(root, source))));
  const watchFolder = (relativeDir: string): void => {
    if (closed || watchers.has(relativeDir)) return;
    const dir = relativeDir === '' ? root : join(root, relativeDir);
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, (_event, name) => {
        if (name === null) return;
        const file = relativeDir === '' ? String(name) : `${relativeDir}/${String(name)}`;
        if (relativeDir === '') {
          if (!topLevelFiles.has(file)) return;
        } else if (ignored(file)) return;
        // A new (or renamed) folder gets its own watch; a removed one ends its watch by itself.
        if (relativeDir !== '' && isDirectory(join(root, file))) watchTree(file);
        onChange(file);
      });
    } catch {
      return; // removed meanwhile
    }
    watcher.on('error', () => {
      watcher.close();
      watchers.delete(relativeDir);
    });
    watchers.set(relativeDir, watcher);
  };
  const watchTree = (relativeDir: string): void => {
    watchFolder(relativeDir);
    for (const entry of safeReaddir(join(root, relativeDir))) {
      const child = `${relativeDir}/${entry}`;
      if (!ignored(child) && isDirectory(join(root, child))) watchTree(child);
    }
  };
  for (const source of sources) if (!topLevelFiles.has(source)) watchTree(source);
  // Files at the top are watched through the root folder, for the same reason.
  if (topLevelFiles.size > 0) watchFolder('');

  return {
    close: () => {
      closed = true;
      for (const watcher of watchers.values()) watcher.close();
    },
  };
}

// Editor droppings, dot-folders and dependencies are not sources.
function ignored(path: string): boolean {
  const parts = path.split(/[\\/]/);
  const name = parts[parts.length - 1]!;
  // vim's write test file is a bare number; `sed -i` writes sedXXXXXX before its rename.
  return (
    parts.some((p) => p === 'node_modules' || p.startsWith('.')) ||
    name.endsWith('~') ||
    name.endsWith('.swp') ||
    /^\d+$/.test(name) ||
    /^sed[A-Za-z0-9]{6}$/.test(name)
  );
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

function describe(paths: readonly string[]): string {
  const sorted = [...paths].sort();
  return sorted.length <= 3 ? sorted.join(', ') : `${sorted.slice(0, 3).join(', ')} and ${sorted.length - 3} more`;
}

function removeReloadFolders(dataDir: string): void {
  if (!existsSync(dataDir)) return;
  for (const entry of readdirSync(dataDir)) {
    if (entry.startsWith(RELOAD_DIR_PREFIX)) rmSync(join(dataDir, entry), { recursive: true, force: true });
  }
}
