/**
 * A JSONPath state machine with `Assign` and a `.waitForTaskToken` step, created and answered over
 * HTTP with the real `@aws-sdk/client-sfn` against `npm start`'s runtime: the default job's function
 * gets the token, SendTaskSuccess resumes the execution, and the variable reaches the next state.
 * The token is sent once with the SDK and once with the AWS CLI v2 (Debian's `awscli`, which
 * `.ci/run` installs), the client docs/jobs.md shows for an approval.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { machineStartedBy } from '../../../local/terraform/model';
import { defaultJob } from '../../../stacks/job';
import { JOBS } from '../../../stacks/jobs';
import { startTestRuntime, type TestRuntime, uniqueName } from '../helpers';

jest.setTimeout(60_000);

const AWS_CLI_V2 = '/usr/bin/aws';

// The FunctionName of the first lambda:invoke Task of a definition.
function firstFunction(definition: Record<string, unknown>): string {
  const states = Object.values(definition['States'] as Record<string, Record<string, unknown>>);
  const task = states.find((s) => String(s['Resource']).includes(':lambda:invoke'));
  const parameters = (task?.['Parameters'] ?? task?.['Arguments']) as { FunctionName?: string } | undefined;
  if (!parameters?.FunctionName) throw new Error('the default job has no lambda:invoke Task');
  return parameters.FunctionName;
}

describe('callbacks over the local Step Functions API (SDK)', () => {
  let t: TestRuntime;
  let sfn: SFNClient;

  beforeAll(async () => {
    t = await startTestRuntime();
    sfn = new SFNClient({ endpoint: t.url, region: t.runtime.model.region, credentials: t.runtime.credentials });
  });
  afterAll(async () => {
    sfn.destroy();
    await t.close();
  });

  /** Sends the token with the AWS CLI v2, as a user answering an approval would. */
  const sendWithCli = async (token: string, output: string) => {
    if (!existsSync(AWS_CLI_V2))
      throw new Error(`${AWS_CLI_V2} not found: install Debian's awscli (apt-get install -y awscli)`);
    const { accessKeyId, secretAccessKey } = t.runtime.credentials;
    await promisify(execFile)(
      AWS_CLI_V2,
      ['stepfunctions', 'send-task-success', '--endpoint-url', t.url, '--task-token', token, '--task-output', output],
      {
        env: {
          PATH: process.env['PATH'],
          HOME: t.dataDir,
          AWS_ACCESS_KEY_ID: accessKeyId,
          AWS_SECRET_ACCESS_KEY: secretAccessKey,
          AWS_REGION: t.runtime.model.region,
          AWS_DEFAULT_REGION: t.runtime.model.region,
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      },
    );
  };
  const sendWithSdk = async (token: string, output: string) => {
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output }));
  };

  it.each([
    ['the SDK', sendWithSdk],
    ['the AWS CLI v2', sendWithCli],
  ])(
    'waits for SendTaskSuccess (sent with %s), then assigns from its output and reads the variable in the next state',
    async (_client, send) => {
      // Prepare: the default job's own role and function, asked with the job's example input and the token
      const job = machineStartedBy(t.runtime.model);
      const definition = {
        StartAt: 'Ask',
        States: {
          Ask: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Parameters: {
              FunctionName: firstFunction(job.definition),
              Payload: { ...(defaultJob(JOBS).exampleInput as object), 'token.$': '$$.Task.Token' },
            },
            HeartbeatSeconds: 30,
            Assign: { 'approver.$': '$.by' },
            ResultPath: null,
            Next: 'Use',
          },
          Use: { Type: 'Pass', Parameters: { 'approvedBy.$': '$approver' }, End: true },
        },
      };
      const { stateMachineArn } = await sfn.send(
        new CreateStateMachineCommand({
          name: uniqueName('cb'),
          roleArn: job.roleArn,
          definition: JSON.stringify(definition),
        }),
      );

      try {
        // Act
        const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{}' }));
        let token: string | undefined;
        for (let i = 0; i < 100 && token === undefined; i++) {
          const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
          const scheduled = events?.find((e) => e.type === 'TaskScheduled');
          if (events?.some((e) => e.type === 'TaskSubmitted') && scheduled) {
            token = JSON.parse(scheduled.taskScheduledEventDetails!.parameters!).Payload.token;
          } else await new Promise((r) => setTimeout(r, 50));
        }
        await send(token!, '{"by":"ana"}');
        let described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        for (let i = 0; i < 100 && described.status === 'RUNNING'; i++) {
          await new Promise((r) => setTimeout(r, 50));
          described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        }
        const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));

        // Assess
        expect(described).toMatchObject({ status: 'SUCCEEDED', output: '{"approvedBy":"ana"}' });
        const exited = events!.find((e) => e.type === 'TaskStateExited')!;
        expect(exited.stateExitedEventDetails).toMatchObject({ assignedVariables: { approver: '"ana"' } });
      } finally {
        await sfn.send(new DeleteStateMachineCommand({ stateMachineArn }));
      }
    },
  );
});
