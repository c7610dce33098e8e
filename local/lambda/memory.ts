/**
 * A function's memory limit over its whole process tree, as Lambda's cgroup limit covers the whole
 * execution environment (docs/aws-behaviour.md §3.4), read as cheaply as gives the same answer.
 *
 * The bootstrap reports with every result its own peak RSS (`process.resourceUsage().maxRSS`, one
 * getrusage call) and how many child processes it started are still running. Only when the process has
 * (or at the last poll had) descendants is the tree walked in /proc; otherwise the process's own peak is
 * the tree's peak, and reading it from /proc would give the same number at a few dozen system calls more.
 */
import { PROC, processTree, readStatus } from '../proc';

/** What the bootstrap sends with each result about its process (see bootstrap.cjs). */
export interface MemoryReport {
  /** Peak RSS of the function's own process, in kB (getrusage's ru_maxrss, Linux's VmHWM). */
  readonly peakKb?: number;
  /** Child processes it started (child_process) that have not exited yet; absent when none. */
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
   * forked by a native addon or started in a worker thread) is found by the next poll, and from then on
   * every result walks the tree until a poll finds it gone.
   */
  private descendants = false;

  constructor(readonly limitMb: number) {}

  /** The periodic reading: always walks the tree. @returns the tree's peak RSS in kB. */
  poll(pid: number): number {
    const { peakKb, processes } = treePeakKb(pid);
    this.descendants = processes > 1;
    return peakKb;
  }

  /**
   * The reading taken before a result is returned. @returns the tree's peak RSS in kB: the reported
   * peak when the process has no descendants, else the larger of it and a walk of the tree.
   */
  atResult(pid: number, report: MemoryReport): number {
    const own = report.peakKb ?? 0;
    if (!this.descendants && !report.children && own > 0) return own;
    return Math.max(own, this.poll(pid));
  }

  /** Whether a peak (kB) is over the function's memory size. */
  isOver(peakKb: number): boolean {
    return peakKb > this.limitMb * 1024;
  }
}
