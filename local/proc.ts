/**
 * Process trees and their memory, read from Linux's /proc: the runtime's own measurements, the
 * bench and the tests that check no process is left behind share these.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Whether /proc can be read here; elsewhere trees hold only the root and memory is unknown. */
export const PROC = existsSync('/proc/self/status');

/** `root` and its descendants, parents first. */
export function processTree(root: number): number[] {
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0 && tree.length < 10_000) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...childrenOf(pid));
  }
  return tree;
}

// /proc/<pid>/task/<tid>/children lists the children each thread forked; it needs
// CONFIG_PROC_CHILDREN. Without it, scan every process's parent id.
const HAS_CHILDREN_FILE = PROC && existsSync(`/proc/self/task/${process.pid}/children`);

function childrenOf(pid: number): number[] {
  if (HAS_CHILDREN_FILE) {
    const children: number[] = [];
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
        if (text) children.push(...text.split(/\s+/).map(Number));
      }
    } catch {
      // the process (or thread) ended while we looked
    }
    return children;
  }
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces) start after the last ')'.
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return children;
}

/**
 * Sends `signal` to `root` and every descendant it has now, children first, so that none is left
 * running when its parent goes (an orphan would be re-parented away and never be found again).
 */
export function killTree(root: number, signal: NodeJS.Signals): void {
  for (const pid of processTree(root).reverse()) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** VmRSS and VmHWM (peak RSS) of one process in kB; undefined once it is gone. */
export function readStatus(pid: number): { rssKb: number; hwmKb: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
    if (!rss) return undefined; // a zombie has no memory left
    return { rssKb: Number(rss[1]), hwmKb: Number(hwm?.[1] ?? rss[1]) };
  } catch {
    return undefined;
  }
}

/**
 * CPU time (user + system) a process has used so far, in ms; undefined once it is gone. /proc
 * reports it in clock ticks of USER_HZ, which Linux fixes at 100 per second for user space.
 */
export function readCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // utime and stime are fields 14 and 15; counting starts after the command name's closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}
