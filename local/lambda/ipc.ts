/**
 * The IPC protocol between a function host (function-host.ts) and its process (bootstrap.cjs), and the
 * process's output read line by line.
 */
import type { FunctionErrorPayload } from './errors';
import type { MemoryReport } from './memory';

/** Messages the bootstrap sends (see bootstrap.cjs). */
export type ChildMessage =
  | { readonly t: 'ready' }
  | { readonly t: 'initError'; readonly error: FunctionErrorPayload }
  | { readonly t: 'pong'; readonly n: number }
  | ResultMessage;

export interface ResultMessage extends MemoryReport {
  readonly t: 'result';
  readonly id: string;
  readonly body?: string;
  readonly error?: FunctionErrorPayload;
}

/** Messages to the bootstrap. */
export type ParentMessage =
  | { readonly t: 'invoke'; readonly id: string; readonly event: string; readonly deadline: number }
  | { readonly t: 'ping'; readonly n: number };

/** Calls `onLine` for every complete line of a text stream (and for a last unterminated one). */
export function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
    rest = '';
  });
}
