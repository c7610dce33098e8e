/**
 * Each execution is drawn from the definition it ran: the local store keeps every definition text
 * once, each execution its revision, and DescribeStateMachineForExecution (what the dashboard draws
 * from) answers it after a watch-mode reload and after a restart, while DescribeStateMachine answers
 * today's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DASHBOARD_PATH } from '../../../local/dashboard/server';
import { DefinitionRevisions, KEPT_IDS } from '../../../local/stepfunctions/definitions';
import type { TerraformJson } from '../../../local/terraform/document';
import { machineStartedBy } from '../../../local/terraform/model';
import { loadSynthesizedStack } from '../../../local/terraform/stack';
import { defaultJob } from '../../../stacks/job';
import { JOBS } from '../../../stacks/jobs';
import { startTestRuntime, synthesize, type TestRuntime, uniqueName } from '../helpers';

jest.setTimeout(60_000);

const DEV = { kind: 'developer' } as const;
const ARN = 'arn:aws:states:us-east-1:123456789012:execution:m:run-1';

describe('DefinitionRevisions', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'async-api-definitions-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps each definition text once, under one id, and what each execution ran, across a reopen', () => {
    // Prepare
    const revisions = new DefinitionRevisions(dir);

    // Act
    const a = revisions.keep('{"StartAt":"A"}', 1000);
    const again = revisions.keep('{"StartAt":"A"}', 2000);
    const b = revisions.keep('{"StartAt":"B"}', 3000);
    revisions.ran(ARN, '{"StartAt":"A"}');
    revisions.ran(`${ARN}-2`, '{"StartAt":"B"}');
    revisions.dispose();
    const reopened = new DefinitionRevisions(dir);

    // Assess
    expect(again).toBe(a);
    expect(b).not.toBe(a);
    expect(reopened.of(ARN)).toEqual({ definition: '{"StartAt":"A"}', firstServed: 1000 });
    expect(reopened.of(`${ARN}-2`)).toEqual({ definition: '{"StartAt":"B"}', firstServed: 3000 });
    expect(reopened.of(`${ARN}-unknown`)).toBeUndefined();
    reopened.dispose();
  });

  it('holds at most KEPT_IDS texts in memory, and a text forgotten there keeps its id and first date', () => {
    // Prepare: one text more than are held (watch mode serves a new text per edit)
    const revisions = new DefinitionRevisions(dir);
    const texts = Array.from({ length: KEPT_IDS + 1 }, (_, i) => `{"StartAt":"S${i}"}`);

    // Act
    const ids = texts.map((text, i) => revisions.keep(text, 1000 + i));
    const atBound = revisions.textsInMemory;
    const firstAgain = revisions.keep(texts[0]!, 9999);
    revisions.ran(ARN, texts[0]!);

    // Assess
    expect(atBound).toBe(KEPT_IDS);
    expect(revisions.textsInMemory).toBe(KEPT_IDS);
    expect(new Set(ids).size).toBe(KEPT_IDS + 1);
    expect(firstAgain).toBe(ids[0]);
    expect(revisions.of(ARN)).toEqual({ definition: texts[0], firstServed: 1000 });
    revisions.dispose();
  });

  it("keeps an execution's first record: a redrive reruns the definition it started with", () => {
    const revisions = new DefinitionRevisions(dir);

    revisions.ran(ARN, '{"StartAt":"A"}');
    revisions.ran(ARN, '{"StartAt":"B"}');

    expect(revisions.of(ARN)?.definition).toBe('{"StartAt":"A"}');
    revisions.dispose();
  });
});

describe('an execution after its definition changed', () => {
  const job = defaultJob(JOBS);
  let rt: TestRuntime | undefined;
  let dataDir: string;
  let machineArn: string;
  let first: string;
  let original: Record<string, unknown>;

  /** The served stack with the default job's first state renamed (an edit in watch mode). */
  function renamed(): { doc: TerraformJson; stackDir: string; startAt: string } {
    const read = loadSynthesizedStack(synthesize());
    const doc = structuredClone(read.doc) as TerraformJson & {
      resource: Record<string, Record<string, Record<string, unknown>>>;
    };
    let startAt = '';
    for (const machine of Object.values(doc.resource['aws_sfn_state_machine'] ?? {})) {
      if (!String(machine['name']).endsWith(`-${job.name}`)) continue;
      const definition = JSON.parse(String(machine['definition'])) as {
        StartAt: string;
        States: Record<string, unknown>;
      };
      startAt = `${definition.StartAt} (renamed)`;
      const text = JSON.stringify(definition).replaceAll(JSON.stringify(definition.StartAt), JSON.stringify(startAt));
      machine['definition'] = text;
    }
    return { doc, stackDir: read.stackDir, startAt };
  }

  const run = async (runtime: TestRuntime): Promise<string> => {
    const { executionArn } = (await runtime.runtime.sfn.call('StartExecution', DEV, {
      stateMachineArn: machineArn,
      name: uniqueName('drawn'),
      input: JSON.stringify(job.exampleInput),
    })) as { executionArn: string };
    return executionArn;
  };
  const ran = async (runtime: TestRuntime, executionArn: string) => {
    const answer = (await runtime.runtime.sfn.call('DescribeStateMachineForExecution', DEV, { executionArn })) as {
      definition: string;
    };
    return JSON.parse(answer.definition) as { StartAt: string; States: Record<string, unknown> };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'async-api-drawn-'));
    rt = await startTestRuntime({ dataDir });
    machineArn = rt.runtime.model.stateMachines.find((m) => m.name.endsWith(`-${job.name}`))!.arn;
    original = JSON.parse(machineStartedBy(rt.runtime.model).definitionText);
    first = await run(rt);
  });
  afterAll(async () => {
    await rt?.close({ keepData: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is described, and drawn by the dashboard, with the definition it ran; the machine with today’s', async () => {
    // Act: the edit, then a second execution on the new definition
    const edit = renamed();
    await rt!.runtime.reload({ stack: { doc: edit.doc, stackDir: edit.stackDir } });
    const second = await run(rt!);
    const today = (await rt!.runtime.sfn.call('DescribeStateMachine', DEV, { stateMachineArn: machineArn })) as {
      definition: string;
    };
    const drawn = (await (
      await fetch(`${rt!.url}${DASHBOARD_PATH}api/execution?arn=${encodeURIComponent(first)}`)
    ).json()) as { definition: { StartAt: string } };

    // Assess
    expect((await ran(rt!, first)).StartAt).toBe((original as { StartAt: string }).StartAt);
    expect(drawn.definition.StartAt).toBe((original as { StartAt: string }).StartAt);
    expect((await ran(rt!, second)).StartAt).toBe(edit.startAt);
    expect(JSON.parse(today.definition).StartAt).toBe(edit.startAt);
  });

  it('keeps what each execution ran across a restart serving yet another definition', async () => {
    // Prepare: the second execution ran the renamed definition; the restart serves the original
    const second = (
      (await rt!.runtime.sfn.call('ListExecutions', DEV, { stateMachineArn: machineArn, maxResults: 1 })) as {
        executions: { executionArn: string }[];
      }
    ).executions[0]!.executionArn;
    await rt!.close({ keepData: true });

    // Act
    rt = await startTestRuntime({ dataDir });

    // Assess
    expect((await ran(rt, first)).StartAt).toBe((original as { StartAt: string }).StartAt);
    expect((await ran(rt, second)).StartAt).toMatch(/\(renamed\)$/);
  });
});
