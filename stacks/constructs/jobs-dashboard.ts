import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { Construct } from 'constructs';
import type { Naming } from '../naming';

/** Props of {@link JobsDashboard}. */
export interface JobsDashboardProps {
  readonly naming: Naming;
  /** Each job's state machine ARN, by job name, in registry order. */
  readonly stateMachineArns: Readonly<Record<string, string>>;
  readonly region: string;
}

/** The execution metrics each job's column shows, as [title, metric, statistics]. */
export const DASHBOARD_ROWS: readonly (readonly [string, string, readonly string[]])[] = [
  ['Started', 'ExecutionsStarted', ['Sum']],
  ['Succeeded', 'ExecutionsSucceeded', ['Sum']],
  ['Failed', 'ExecutionsFailed', ['Sum']],
  ['Duration (ms)', 'ExecutionTime', ['p50', 'p99']],
  ['Throttled', 'ExecutionThrottled', ['Sum']],
];

const WIDTH = 8;
const HEIGHT = 5;

/**
 * One CloudWatch dashboard per stage with the jobs side by side: a column per job, a row per metric
 * (started, succeeded, failed, duration p50/p99, throttles), five-minute sums.
 *
 * Every resource it creates is a public readonly property.
 */
export class JobsDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: JobsDashboardProps) {
    super(scope, id);
    const jobs = Object.entries(props.stateMachineArns);
    const widgets = jobs.flatMap(([job, arn], column) =>
      DASHBOARD_ROWS.map(([title, metric, stats], row) => ({
        type: 'metric',
        x: (column * WIDTH) % 24,
        y: (Math.floor((column * WIDTH) / 24) * DASHBOARD_ROWS.length + row) * HEIGHT,
        width: WIDTH,
        height: HEIGHT,
        properties: {
          title: `${job}: ${title}`,
          region: props.region,
          view: 'timeSeries',
          period: 300,
          metrics: stats.map((stat) => ['AWS/States', metric, 'StateMachineArn', arn, { stat, label: stat }]),
        },
      })),
    );
    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: props.naming.name('jobs', 255),
      dashboardBody: JSON.stringify({ widgets }),
    });
  }
}
