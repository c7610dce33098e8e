/**
 * What the dashboard's server sends its page: shared by `server.ts` and `ui/app.ts`, so the two sides
 * cannot drift. Types only, with no imports: the page is type-checked without Node's types.
 */

/** An execution as the list shows it (dates in epoch milliseconds). */
export interface ExecutionSummary {
  readonly executionArn: string;
  readonly job: string;
  readonly name: string;
  readonly status: string;
  readonly startDate: number;
  readonly stopDate: number | null;
}
