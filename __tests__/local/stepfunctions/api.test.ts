/**
 * The runtime's Step Functions API through the real AWS SDK client: the read operations the AWS CLI
 * uses (ListStateMachines, DescribeStateMachineForExecution, ListTagsForResource) and page tokens
 * that stay right while executions start between pages and refuse what the runtime did not issue.
 */
import {
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { machineStartedBy } from '../../../local/terraform/model';
import { loadSynthesizedStack } from '../../../local/terraform/stack';
import { defaultJob } from '../../../stacks/job';
import { JOBS } from '../../../stacks/jobs';
import { startTestRuntime, synthesize, type TestRuntime, uniqueName } from '../helpers';

jest.setTimeout(60_000);

describe('Step Functions API (SDK)', () => {
  let t: TestRuntime;
  let sfn: SFNClient;
  let machineArn: string;

  beforeAll(async () => {
    t = await startTestRuntime();
    sfn = new SFNClient({ endpoint: t.url, region: t.runtime.model.region, credentials: t.runtime.credentials });
    machineArn = machineStartedBy(t.runtime.model).arn;
  });
  afterAll(async () => {
    sfn.destroy();
    await t.close();
  });

  // The default job's machine and example input; the other machines are listed too.
  const start = async (): Promise<string> =>
    (
      await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: machineArn,
          name: uniqueName('api'),
          input: JSON.stringify(defaultJob(JOBS).exampleInput),
        }),
      )
    ).executionArn!;
  const machine = () => machineStartedBy(t.runtime.model);

  it('lists every state machine: one per job, and the schedule launcher (ListStateMachines)', async () => {
    // Act
    const listed = await sfn.send(new ListStateMachinesCommand({}));

    // Assess
    expect(listed.stateMachines).toEqual(
      t.runtime.model.stateMachines.map((m) =>
        expect.objectContaining({
          stateMachineArn: m.arn,
          name: m.name,
          type: 'STANDARD',
          creationDate: expect.any(Date),
        }),
      ),
    );
    const launcher = JOBS.some((job) => (job.schedules ?? []).length > 0) ? 1 : 0;
    expect(listed.stateMachines).toHaveLength(JOBS.length + launcher);
    expect(listed.nextToken).toBeUndefined();
  });

  it("describes an execution's state machine (DescribeStateMachineForExecution)", async () => {
    // Prepare
    const executionArn = await start();

    // Act
    const described = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));

    // Assess
    expect(described).toMatchObject({
      stateMachineArn: machineArn,
      name: machine().name,
      roleArn: machine().roleArn,
      updateDate: expect.any(Date),
      tracingConfiguration: { enabled: machine().tracingEnabled },
    });
    expect(JSON.parse(described.definition!)).toEqual(machine().definition);
    await expect(
      sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: `${executionArn}-missing` })),
    ).rejects.toMatchObject({
      name: 'ExecutionDoesNotExist',
    });
  });

  it("lists the state machine's tags: the provider's default_tags and its own (ListTagsForResource)", async () => {
    // Prepare: what the synthesized stack says.
    const doc = loadSynthesizedStack(synthesize()).doc as {
      provider: { aws: { default_tags?: { tags: Record<string, string> }[] }[] };
    };
    const defaults = doc.provider.aws[0]!.default_tags![0]!.tags;
    const address = machine().address.split('.');
    const own =
      (doc as unknown as { resource: Record<string, Record<string, { tags?: Record<string, string> }>> }).resource[
        address[0]!
      ]![address[1]!]!.tags ?? {};

    // Act
    const listed = await sfn.send(new ListTagsForResourceCommand({ resourceArn: machineArn }));

    // Assess
    const tags = Object.fromEntries(listed.tags!.map((tag) => [tag.key, tag.value]));
    expect(tags).toEqual({ ...defaults, ...own });
    expect(tags).toMatchObject({ project: 'async-api', 'managed-by': 'cdktf' });
    await expect(
      sfn.send(new ListTagsForResourceCommand({ resourceArn: `${machineArn}-other` })),
    ).rejects.toMatchObject({ name: 'ResourceNotFound' });
    await expect(sfn.send(new ListTagsForResourceCommand({ resourceArn: 'not-an-arn' }))).rejects.toMatchObject({
      name: 'InvalidArn',
    });
  });

  it('pages ListExecutions without repeating or hiding an item when an execution starts between pages', async () => {
    // Prepare: a fresh runtime, so the listing holds just these.
    const own = await startTestRuntime();
    const client = new SFNClient({
      endpoint: own.url,
      region: own.runtime.model.region,
      credentials: own.runtime.credentials,
    });
    try {
      const arns: string[] = [];
      for (let i = 0; i < 5; i++) {
        arns.push(
          (
            await client.send(
              new StartExecutionCommand({
                stateMachineArn: machineArn,
                name: uniqueName(`page-${i}`),
                input: '{"seconds": 0}',
              }),
            )
          ).executionArn!,
        );
      }

      // Act: a page, a new execution, then the remaining pages.
      const seen: string[] = [];
      let page = await client.send(new ListExecutionsCommand({ stateMachineArn: machineArn, maxResults: 2 }));
      seen.push(...page.executions!.map((e) => e.executionArn!));
      await client.send(
        new StartExecutionCommand({
          stateMachineArn: machineArn,
          name: uniqueName('between'),
          input: '{"seconds": 0}',
        }),
      );
      while (page.nextToken) {
        page = await client.send(
          new ListExecutionsCommand({ stateMachineArn: machineArn, maxResults: 2, nextToken: page.nextToken }),
        );
        seen.push(...page.executions!.map((e) => e.executionArn!));
      }

      // Assess: the five listed once each, newest first.
      expect(seen).toEqual([...arns].reverse());
    } finally {
      client.destroy();
      await own.close();
    }
  });

  it('refuses page tokens it did not issue, or issued for another request, with InvalidToken', async () => {
    // Prepare: a real token.
    await start();
    await start();
    const first = await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, maxResults: 1 }));
    const token = first.nextToken!;
    expect(token).toEqual(expect.any(String));

    // Act / Assess
    const list = (nextToken: string, statusFilter?: 'SUCCEEDED') =>
      sfn.send(
        new ListExecutionsCommand({
          stateMachineArn: machineArn,
          maxResults: 1,
          nextToken,
          ...(statusFilter ? { statusFilter } : {}),
        }),
      );
    await expect(list(token)).resolves.toMatchObject({ executions: [expect.anything()] });
    const offsetStyle = Buffer.from('offset:1').toString('base64url');
    const [payload, signature] = token.split('.');
    const altered = `${Buffer.from(JSON.stringify({ p: 0 })).toString('base64url')}.${signature!}`;
    for (const forged of [offsetStyle, altered, `${payload!}.`, 'x'.repeat(2000)]) {
      await expect(list(forged)).rejects.toMatchObject({ name: 'InvalidToken' });
    }
    await expect(list(token, 'SUCCEEDED')).rejects.toMatchObject({ name: 'InvalidToken' });
  });

  it('pages GetExecutionHistory in both orders, each event once', async () => {
    // Prepare
    const executionArn = await start();
    for (let i = 0; i < 100; i++) {
      const d = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }));
      if (/Execution(Succeeded|Failed)/.test(d.events![0]!.type!)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const all = (await sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events!.map((e) => e.id);

    for (const reverseOrder of [false, true]) {
      // Act
      const ids: number[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(
          new GetExecutionHistoryCommand({ executionArn, reverseOrder, maxResults: 2, nextToken }),
        );
        ids.push(...page.events!.map((e) => e.id!));
        nextToken = page.nextToken;
      } while (nextToken);

      // Assess
      expect(ids).toEqual(reverseOrder ? [...all].reverse() : all);
    }
  });
});
