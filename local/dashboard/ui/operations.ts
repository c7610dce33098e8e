/**
 * The dashboard's "Schedules" section: each job's counts from the runtime's store (started,
 * succeeded, failed, running) and its schedules with their next run and a "run now" button.
 */

interface Schedule {
  readonly name: string;
  readonly job: string | null;
  readonly expression: string;
  readonly timeZone: string;
  readonly enabled: boolean;
  readonly nextRun: number | null;
}
type Counts = Record<string, { started: number; succeeded: number; failed: number; running: number }>;

/** The page's helpers this section uses. */
export interface SectionTools {
  h<K extends keyof HTMLElementTagNameMap>(
    tag: K,
    attrs?: Record<string, string>,
    ...children: (Node | string)[]
  ): HTMLElementTagNameMap[K];
  api<T>(path: string, body?: unknown): Promise<T>;
  time(ms: number | null): string;
}

/** The section and a refresh to call when an execution changes. */
export function operationsSection(tools: SectionTools): { element: HTMLElement; refresh: () => void } {
  const { h, api, time } = tools;
  const countRows = h('tbody', {});
  const scheduleRows = h('tbody', {});
  const message = h('p', { class: 'info', 'data-testid': 'schedule-message' });
  const element = h(
    'section',
    { class: 'operations' },
    h('h2', {}, 'Per job'),
    h(
      'table',
      { class: 'counts' },
      h('thead', {}, h('tr', {}, ...['Job', 'Started', 'Succeeded', 'Failed', 'Running'].map((t) => h('th', {}, t)))),
      countRows,
    ),
    h('h2', {}, 'Schedules'),
    h(
      'table',
      { class: 'schedules' },
      h(
        'thead',
        {},
        h('tr', {}, ...['Job', 'Schedule', 'Expression', 'Time zone', 'Next run', ''].map((t) => h('th', {}, t))),
      ),
      scheduleRows,
    ),
    message,
  );
  const runNow = async (name: string): Promise<void> => {
    try {
      const outcome = await api<{ kind: string; executionArn?: string }>('schedules/run', { name });
      message.textContent = outcome.executionArn ? `Started ${outcome.executionArn}` : `Run: ${outcome.kind}`;
    } catch (err) {
      message.textContent = (err as Error).message;
    }
  };
  const refresh = (): void => {
    void api<{ counts: Counts }>('counts').then(({ counts }) =>
      countRows.replaceChildren(
        ...Object.entries(counts).map(([job, c]) =>
          h(
            'tr',
            { 'data-job': job },
            h('td', {}, job),
            ...[c.started, c.succeeded, c.failed, c.running].map((n) => h('td', {}, String(n))),
          ),
        ),
      ),
    );
    void api<{ schedules: Schedule[] }>('schedules').then(({ schedules }) => {
      scheduleRows.replaceChildren(
        ...schedules.map((s) => {
          const button = h('button', { 'data-testid': `run-${s.name}` }, 'Run now');
          button.addEventListener('click', () => void runNow(s.name));
          return h(
            'tr',
            { 'data-schedule': s.name },
            h('td', {}, s.job ?? ''),
            h('td', {}, s.name),
            h('td', {}, s.expression),
            h('td', {}, s.timeZone),
            h('td', {}, s.enabled ? time(s.nextRun) : 'disabled'),
            h('td', {}, button),
          );
        }),
      );
      if (schedules.length === 0)
        scheduleRows.append(h('tr', {}, h('td', { colspan: '6', class: 'empty' }, 'No job has a schedule.')));
    });
  };
  refresh();
  return { element, refresh };
}
