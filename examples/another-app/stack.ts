/**
 * Using `AsyncJobApi` from another cdktf app: a team's own stack puts its own job behind an HTTP
 * API. The job below shows the two things a real job often needs beyond Lambda: a value that only
 * exists at deploy time (an SQS queue's URL, as an ASL substitution) and a step that is not a Lambda
 * invocation (`sqs:sendMessage.waitForTaskToken`, with the IAM statement it needs). The tests compile
 * and synthesize this file (`__tests__/jobs/another-app.test.ts`); docs/jobs.md walks through it.
 */
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
// In your own repository, import these from where you vendored or published async-api's stacks/.
import { AsyncJobApi } from '../../stacks/constructs/async-job-api';
import type { JobDefinition } from '../../stacks/job';
import { Naming } from '../../stacks/naming';

/** Settings the app's entry point (its main.ts) reads from its own environment and hands down. */
export interface ReportsStackProps {
  readonly region: string;
  readonly stage: string;
  /** Folder for Lambda bundles, outside the source tree. */
  readonly buildDir: string;
}

/** A stack with one job, `nightly-report`: build the report, then wait until a person approves it. */
export class ReportsStack extends TerraformStack {
  readonly api: AsyncJobApi;

  constructor(scope: Construct, id: string, props: ReportsStackProps) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: props.region });
    const naming = new Naming('reports', props.stage);

    // The approvers' queue: a message carries the task token; the approval tool calls SendTaskSuccess.
    const approvals = new SqsQueue(this, 'approvals', {
      name: naming.name('approvals', 80),
      sqsManagedSseEnabled: true,
    });

    const jobs: JobDefinition[] = [
      {
        name: 'nightly-report',
        description: 'Builds the nightly report and waits for its approval.',
        definitionFile: join(__dirname, 'nightly-report.asl.json'),
        functions: [
          {
            name: 'build-report',
            description: 'Builds the report.',
            entry: join(__dirname, 'build-report.ts'),
            timeoutSeconds: 300,
            memorySizeMb: 1024,
          },
        ],
        // A token: Terraform fills it in at apply time, the ASL renderer passes it through.
        substitutions: { ApprovalQueueUrl: approvals.url },
        // The non-Lambda step's permission, on exactly its queue.
        statements: [{ sid: 'SendApprovalRequests', actions: ['sqs:SendMessage'], resources: [approvals.arn] }],
        exampleInput: { date: '2026-12-01' },
        // No executionTimeoutSeconds: computed from the ASL, the worst case of every task and retry
        // (the approval step waits up to a day, see its TimeoutSeconds).
      },
    ];

    this.api = new AsyncJobApi(this, 'reports', {
      naming,
      jobs,
      region: props.region,
      buildDir: props.buildDir,
      auth: { mode: 'AWS_IAM' },
      throttling: { rateLimit: 10, burstLimit: 20 },
      logRetentionDays: 90,
    });
    new TerraformOutput(this, 'nightly_report_url', { value: this.api.jobs['nightly-report']!.startUrl });
    new TerraformOutput(this, 'describe_execution_url', { value: this.api.urls.describe });
  }
}
