import { PlanFormatError, parsePlanJson, summarizePlan, type TerraformPlan } from '../../scripts/plan/plan-json';
import {
  COMMENT_MARKER,
  MAX_COMMENT_CHARS,
  renderComment,
  renderFailureComment,
  type StackResult,
  summaryLine,
} from '../../scripts/plan/render-comment';
import { EXAMPLE_CONTEXT, exampleResults, fixture } from './fixtures';

/** A plan with one resource per action list. */
function planOf(...actions: string[][]): TerraformPlan {
  return {
    resource_changes: actions.map((a, i) => ({ address: `aws_thing.t${i}`, mode: 'managed', change: { actions: a } })),
  };
}

describe('summarizePlan', () => {
  it('counts the fixture like Terraform\'s own "Plan:" line', () => {
    // Prepare
    const text = fixture('async-api-dev.plan.txt');
    const terraformLine = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\./.exec(text)!;

    // Act
    const s = summarizePlan(parsePlanJson(fixture('async-api-dev.plan.json')));

    // Assess
    expect([s.add, s.change, s.destroy]).toEqual(terraformLine.slice(1).map(Number));
    expect(s.replaced).toEqual([
      { address: 'aws_apigatewayv2_stage.http-api_stage_00809DE4', order: '+/-' },
      { address: 'aws_sfn_state_machine.state-machine_77B0DFEF', order: '-/+' },
    ]);
    expect(s.destroyed).toEqual(['aws_cloudwatch_log_group.legacy-logs_1A2B3C4D']);
    expect(s.outputsChanged).toBe(1);
  });

  it.each([
    [['create'], { add: 1, change: 0, destroy: 0 }],
    [['update'], { add: 0, change: 1, destroy: 0 }],
    [['delete'], { add: 0, change: 0, destroy: 1 }],
    [['delete', 'create'], { add: 1, change: 0, destroy: 1 }],
    [['create', 'delete'], { add: 1, change: 0, destroy: 1 }],
    [['no-op'], { add: 0, change: 0, destroy: 0 }],
    [['read'], { add: 0, change: 0, destroy: 0 }],
  ])('counts %j', (actions, expected) => {
    const s = summarizePlan(planOf(actions));

    expect({ add: s.add, change: s.change, destroy: s.destroy }).toEqual(expected);
    expect(s.unrecognized).toEqual([]);
  });

  it('counts imports and forgotten resources separately and flags unknown action lists', () => {
    const plan: TerraformPlan = {
      resource_changes: [
        { address: 'aws_thing.imported', change: { actions: ['no-op'], importing: { id: 'x' } } },
        { address: 'aws_thing.forgotten', change: { actions: ['forget'] } },
        { address: 'aws_thing.future', change: { actions: ['teleport'] } },
      ],
    };

    const s = summarizePlan(plan);

    expect({ import: s.import, forget: s.forget, unrecognized: s.unrecognized }).toEqual({
      import: 1,
      forget: 1,
      unrecognized: ['aws_thing.future'],
    });
  });
});

describe('parsePlanJson', () => {
  it.each([
    ['not json', /not JSON/],
    ['[]', /not an object/],
    ['{"resource_changes": {}}', /resource_changes is not an array/],
    [
      '{"resource_changes": [{"address": "a", "change": {"actions": "create"}}]}',
      /resource_changes\[0\]\.change\.actions/,
    ],
    ['{"output_changes": {"url": {"actions": [1]}}}', /output_changes\.url\.actions/],
  ])('rejects %s naming the problem', (text, message) => {
    expect(() => parsePlanJson(text)).toThrow(PlanFormatError);
    expect(() => parsePlanJson(text)).toThrow(message);
  });
});

describe('summaryLine', () => {
  it('gives counts only, with a check mark, when nothing is destroyed', () => {
    const line = summaryLine({
      stack: 'async-api-dev',
      status: 'planned',
      summary: summarizePlan(planOf(['create'], ['create'], ['update'])),
      planText: '',
    });

    expect(line).toBe('✅ **async-api-dev**: 2 to add, 1 to change, 0 to destroy');
  });

  it('warns and names replacements and destroys', () => {
    const line = summaryLine({
      stack: 'async-api-dev',
      status: 'planned',
      summary: summarizePlan(parsePlanJson(fixture('async-api-dev.plan.json'))),
      planText: '',
    });

    expect(line.startsWith('⚠️ **async-api-dev**: 3 to add, 2 to change, 3 to destroy')).toBe(true);
    expect(line).toContain(
      'replaces `aws_apigatewayv2_stage.http-api_stage_00809DE4` (+/-), `aws_sfn_state_machine.state-machine_77B0DFEF` (-/+)',
    );
    expect(line).toContain('destroys `aws_cloudwatch_log_group.legacy-logs_1A2B3C4D`');
    expect(line).toContain('1 output changes');
  });

  it('says "no changes" for a plan without changes', () => {
    const line = summaryLine({
      stack: 'ci-access',
      status: 'planned',
      summary: summarizePlan(parsePlanJson(fixture('ci-access.plan.json'))),
      planText: '',
    });

    expect(line).toBe('✅ **ci-access**: no changes');
  });

  it('names the failed step and its exit code', () => {
    const line = summaryLine({
      stack: 'async-api-dev',
      status: 'failed',
      step: 'terraform init',
      exitCode: 1,
      errorText: 'boom',
    });

    expect(line).toMatch(/^❌ \*\*async-api-dev\*\*: plan failed at `terraform init` \(exit code 1\)/);
  });

  it('shortens long address lists', () => {
    const summary = summarizePlan(planOf(...Array.from({ length: 8 }, () => ['delete'])));

    const line = summaryLine({ stack: 's', status: 'planned', summary, planText: '' });

    expect(line).toContain('`aws_thing.t4` and 3 more');
    expect(line).not.toContain('aws_thing.t5');
  });
});

describe('renderComment', () => {
  it('starts with the hidden marker, lists one line per stack, then folds each full plan', () => {
    // Act
    const body = renderComment(exampleResults(), EXAMPLE_CONTEXT);

    // Assess
    const lines = body.split('\n');
    expect(lines[0]).toBe(COMMENT_MARKER);
    expect(lines.filter((l) => l.startsWith('- '))).toEqual(exampleResults().map((r) => `- ${summaryLine(r)}`));
    expect(body).toContain(
      'Commit `4f9c2e1` · Terraform 1.12.2 · [workflow run](https://github.com/octo-org/async-api/actions/runs/1234567890)',
    );
    expect(body).toContain('<details><summary>Full plan of async-api-dev</summary>');
    expect(body).toContain('Plan: 3 to add, 2 to change, 3 to destroy.');
    // The skipped stack has a summary line but no section.
    expect(body).not.toContain('Full plan of state-bucket');
  });

  it('shows the error of a failed stack unfolded', () => {
    const results: StackResult[] = [
      {
        stack: 'async-api-dev',
        status: 'failed',
        step: 'terraform plan',
        exitCode: 1,
        errorText: fixture('plan-access-denied.stderr.txt'),
      },
    ];

    const body = renderComment(results);

    expect(body).toContain('**async-api-dev**: `terraform plan` failed (exit code 1):');
    expect(body).toContain('is not authorized to perform: lambda:GetFunction');
    expect(body).not.toContain('<details>');
  });

  it('fences text that contains backticks with a longer fence', () => {
    const results: StackResult[] = [
      { stack: 's', status: 'failed', step: 'terraform init', exitCode: 1, errorText: 'before\n````\nafter' },
    ];

    const body = renderComment(results);

    expect(body).toContain('`````text\nbefore\n````\nafter\n`````');
  });

  it("stays under GitHub's comment limit, cutting the plan and saying where the rest is", () => {
    // Prepare: two plans of 50,000 characters each.
    const big = Array.from({ length: 1000 }, (_, i) => `  + line ${i} ${'x'.repeat(40)}`).join('\n');
    const results: StackResult[] = ['a', 'b'].map((stack) => ({
      stack,
      status: 'planned',
      summary: summarizePlan(planOf(['create'])),
      planText: big,
    }));

    // Act
    const body = renderComment(results, EXAMPLE_CONTEXT);

    // Assess
    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body.match(/more characters; the complete output is in the workflow log/g)).toHaveLength(2);
    expect(body).toContain('  + line 0 ');
  });

  it('keeps the end of a long error, where Terraform puts the cause', () => {
    const error = `${'noise\n'.repeat(20_000)}Error: the actual cause`;

    const body = renderComment([
      { stack: 's', status: 'failed', step: 'terraform plan', exitCode: 1, errorText: error },
    ]);

    expect(body.length).toBeLessThanOrEqual(MAX_COMMENT_CHARS);
    expect(body).toContain('Error: the actual cause');
  });
});

describe('renderFailureComment', () => {
  it('says that no stack was planned and why', () => {
    const body = renderFailureComment(
      'cdktf.out/manifest.json does not exist: `npm run synth` did not run or failed.',
      EXAMPLE_CONTEXT,
    );

    expect(body.split('\n')[0]).toBe(COMMENT_MARKER);
    expect(body).toContain('❌ **No stack was planned.** cdktf.out/manifest.json does not exist');
  });
});
