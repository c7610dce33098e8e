/** How the banner lists the served stack's schedules. */
import type { ScheduleListing } from './scheduler';

/** The banner's schedule lines: none without schedules, else a blank line, a title and one line each. */
export function scheduleLines(schedules: readonly ScheduleListing[]): string[] {
  if (schedules.length === 0) return [];
  return [
    '',
    'Schedules (fired on this clock; a run missed while stopped is started once at the next start):',
    ...schedules.map(
      (s) =>
        `  ${s.name}: ${s.expression} (${s.timeZone}) ${s.enabled ? `next run ${s.nextRun?.toISOString() ?? 'never'}` : 'disabled (run it from the dashboard)'}`,
    ),
  ];
}
