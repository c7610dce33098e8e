import { operationsCost, PRICES, renderAlarmTable, renderOperationsCost } from '../../scripts/cost/operations-cost';
import type { JobDefinition } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { docSection } from '../doc-section';

// The cost and alarm tables in docs/jobs.md are what `npm run cost:operations` prints, never typed in.
describe('npm run cost:operations', () => {
  it('docs/jobs.md shows the cost table exactly as printed', () => {
    expect(docSection('docs/jobs.md', 'operations-cost')).toBe(renderOperationsCost());
  });

  it('docs/jobs.md shows the alarm table exactly as printed', () => {
    expect(docSection('docs/jobs.md', 'alarms')).toBe(renderAlarmTable());
  });

  it('counts per job from the stack: a job with an alarm off costs its share less', () => {
    const [first, ...rest] = JOBS;
    const rows = operationsCost([
      { ...first!, alarms: { executionsAborted: { off: true } } } as JobDefinition,
      ...rest,
    ]);
    const perJob = rows.find((r) => r[1] === 'per job')!;
    // Two jobs, seven alarms: 3.5 per job on average.
    expect(perJob[2]).toBe('3.5 alarms, 3.5 metrics');
    expect(perJob[3]).toBe(`$${(3.5 * PRICES.alarmMetric.usd).toFixed(2)}`);
  });
});
