/**
 * A function's memory limit over its whole process tree, as Lambda's cgroup limit covers the whole
 * execution environment (docs/aws-behaviour.md §3.4), read as cheaply as gives the same answer.
 *
 * The tree's peak is the sum of its members' VmHWM. A process without descendants is a tree of one, so
 * its own VmHWM (one read of /proc/<pid>/status) is the same answer as the walk of every thread's
 * `children` file; the walk is needed only when the function has started processes. The bootstrap
 * reports with every result how many child processes it started (child_process, seen through the
 * `child_process` diagnostics channel) are still running; the 100 ms poll walks the tree regardless.
 *
 * Not the bootstrap's `process.resourceUsage().maxRSS`: Linux carries the parent's peak RSS across
 * fork and exec into ru_maxrss, so in a function process it reads at least the runtime's own peak.
 */
import { PROC, processTree, readStatus } from '../proc';

/** What the bootstrap sends with each result about its process (see bootstrap.cjs). */
export interface MemoryReport {
  /** Child processes it started that have not exited yet; absent when none. */
  readonly children?: number;
}

/** Peak RSS of a process and all its descendants, in kB (their VmHWM summed); 0 without /proc. */
export function treePeakKb(pid: number): { readonly peakKb: number; readonly processes: number } {
  if (!PROC) return { peakKb: 0, processes: 1 };
  const tree = processTree(pid);
  let peakKb = 0;
  for (const member of tree) peakKb += readStatus(member)?.hwmKb ?? 0;
  return { peakKb, processes: tree.length };
}

/** One process's memory readings against its function's memory size. */
export class MemoryLimit {
  /**
   * Whether the last walk of the tree found descendants. A process the bootstrap cannot see start (one
   * forked by a native addon or started from a worker thread) is found by the next poll, and from then
   * on every result walks the tree until a poll finds it gone.
   */
  private descendants = false;

  constructor(readonly limitMb: number) {}

  /** The periodic reading: always walks the tree. @returns the tree's peak RSS in kB. */
  poll(pid: number): number {
    const { peakKb, processes } = treePeakKb(pid);
    this.descendants = processes > 1;
    return peakKb;
  }

  /** The reading taken before a result is returned. @returns the tree's peak RSS in kB (0 without /proc). */
  atResult(pid: number, report: MemoryReport): number {
    if (!PROC) return 0;
    if (this.descendants || report.children) return this.poll(pid);
    return readStatus(pid)?.hwmKb ?? 0;
  }

  /** Whether a peak (kB) is over the function's memory size. */
  isOver(peakKb: number): boolean {
    return peakKb > this.limitMb * 1024;
  }
}
