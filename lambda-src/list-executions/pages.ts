import {
  type ExecutionListItem,
  type ExecutionStatus,
  ListExecutionsCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { JobMachine } from '../shared/jobs-config';
import type { Anchor, JobCursor, Mark, PageState } from './token';

/** Executions asked of Step Functions per call, whatever the page size (one size keeps its tokens valid). */
export const SFN_PAGE_SIZE = 100;

/** One execution read, with its job's place in the registry and the Step Functions page it came from. */
export interface Seen {
  readonly item: ExecutionListItem;
  readonly order: number;
  /** The `nextToken` the page was read with; undefined for the newest page. */
  readonly page: string | undefined;
}

/** The listing's order: newest start first, then registry order, then ARN. Negative: `a` comes first. */
export function compare(a: Anchor, b: Anchor): number {
  return (
    b.startDate - a.startDate ||
    a.order - b.order ||
    (a.executionArn < b.executionArn ? -1 : a.executionArn > b.executionArn ? 1 : 0)
  );
}

/** An execution's place in the listing's order. */
export function anchorOf(seen: Pick<Seen, 'item' | 'order'>): Anchor {
  return {
    startDate: seen.item.startDate?.getTime() ?? 0,
    order: seen.order,
    executionArn: seen.item.executionArn ?? '',
  };
}

/** Whether an execution comes at or before the mark in Step Functions' order (newest start first). */
function atOrBefore(item: ExecutionListItem, mark: Mark): boolean {
  return time(item) > mark.startDate || item.executionArn === mark.executionArn;
}

/**
 * Reads one job until it holds `size` executions after the anchor, and every execution that started in
 * the same millisecond as the last of them (so a tie is never split between pages), or until the job
 * ends. It starts at the cursor's Step Functions token only when that page still begins at or before
 * the cursor's mark (no execution left to list comes before the mark): a page that begins later may
 * have skipped executions (an offset-like token shifted by executions leaving a status filter), so
 * the job is then read again from the newest. So is a token Step Functions refuses (expired).
 */
export async function readJob(
  client: SFNClient,
  machine: JobMachine & { readonly order: number },
  cursor: JobCursor,
  state: Pick<PageState, 'anchor' | 'status'>,
  size: number,
): Promise<{ readonly seen: readonly Seen[]; readonly more: boolean }> {
  const { anchor } = state;
  const isAfter = (s: Seen) => anchor === undefined || compare(anchorOf(s), anchor) > 0;
  let at = cursor.token;
  let mark = at === undefined ? undefined : cursor.mark;
  let seen: Seen[] = [];
  for (;;) {
    let page: { executions?: ExecutionListItem[]; nextToken?: string };
    try {
      page = await listOnce(client, machine.stateMachineArn, state.status, at);
    } catch (err) {
      if ((err as Error).name !== 'InvalidToken' || mark === undefined) throw err;
      ({ at, mark, seen } = { at: undefined, mark: undefined, seen: [] });
      continue;
    }
    const read = (page.executions ?? []).map((item) => ({ item, order: machine.order, page: at }));
    if (mark !== undefined && (read.length === 0 || !atOrBefore(read[0]!.item, mark))) {
      ({ at, mark, seen } = { at: undefined, mark: undefined, seen: [] });
      continue;
    }
    mark = undefined;
    seen.push(...read);
    const after = seen.filter(isAfter);
    const last = read.at(-1);
    const boundary = after[size - 1];
    const complete = boundary !== undefined && last !== undefined && time(last.item) < time(boundary.item);
    if (!page.nextToken || complete) return { seen, more: page.nextToken !== undefined };
    at = page.nextToken;
  }
}

function listOnce(client: SFNClient, stateMachineArn: string, status: string | null, nextToken: string | undefined) {
  return client.send(
    new ListExecutionsCommand({
      stateMachineArn,
      maxResults: SFN_PAGE_SIZE,
      ...(nextToken !== undefined ? { nextToken } : {}),
      ...(status !== null ? { statusFilter: status as ExecutionStatus } : {}),
    }),
  );
}

function time(item: ExecutionListItem): number {
  return item.startDate?.getTime() ?? 0;
}
