/**
 * The webhook signing secret survives a destroy-then-deploy: a deleted secret keeps its name for the
 * recovery window, so the stack must never give a recoverable secret a fixed name
 * (docs/aws-behaviour.md §11.6). The sender finds it by ARN, and the local runtime resolves that ARN.
 *
 * The execution-ended rule, its targets and the topic's key are what AWS alone acts on (the local
 * runtime feeds the sender itself, docs/webhooks.md): read here from the synthesized stack.
 */
import { JOBS } from '../../stacks/jobs';
import { checkAwsLimits, type TerraformJson } from '../../stacks/validation/aws-limits';
import { synthesizedStacks } from '../app-synth';
import { SCAN_ENV } from '../security/fixtures';

type Json = Record<string, any>;

// The real app, as main.ts synthesizes it (once per run and settings).
function stacksOf(): Json[] {
  return synthesizedStacks(SCAN_ENV).map((s) => s.json as Json);
}

const stacks = stacksOf();
const app = stacks.find((s) => s.resource?.aws_secretsmanager_secret !== undefined)!;
const secrets = Object.entries(app.resource.aws_secretsmanager_secret as Record<string, Json>);

describe('the signing secret', () => {
  it('has a name prefix, not a fixed name, and keeps its 7-day recovery window', () => {
    expect(secrets).toHaveLength(1);
    const [, secret] = secrets[0]!;
    expect(secret.name).toBeUndefined();
    expect(secret.name_prefix).toBe('async-api-dev-webhook-signing-secret-');
    expect(secret.recovery_window_in_days).toBe(7);
  });

  it('is found by the sender through its ARN, never by name', () => {
    const [id] = secrets[0]!;
    const functions = Object.values(app.resource.aws_lambda_function as Record<string, Json>);
    const sender = functions.find((f) => f.environment?.variables?.SIGNING_SECRET_ARN !== undefined)!;
    expect(sender.environment.variables.SIGNING_SECRET_ARN).toBe(`\${aws_secretsmanager_secret.${id}.arn}`);
  });

  it('no recoverable secret in any stack has a fixed name', () => {
    const all = stacks.flatMap((s) =>
      Object.values((s.resource?.aws_secretsmanager_secret ?? {}) as Record<string, Json>),
    );
    const fixed = all.filter((s) => s.recovery_window_in_days !== 0 && s.name !== undefined);
    expect(fixed).toEqual([]);
  });

  it.each([
    [486, []],
    [487, [/"name_prefix"\): .* is 487 characters; the limit is 486 \(Secrets Manager CreateSecret Name/]],
  ])('a name prefix of %i characters (Terraform appends 26, Secrets Manager allows 512)', (length, problems) => {
    const doc = structuredClone(app);
    const [id] = secrets[0]!;
    doc.resource.aws_secretsmanager_secret[id].name_prefix = 'p'.repeat(length);
    const found = checkAwsLimits(doc as TerraformJson).filter((p) => p.includes('name_prefix'));
    expect(found).toHaveLength(problems.length);
    for (const [i, re] of problems.entries()) expect(found[i]).toMatch(re);
  });
});

describe('the execution-ended rule, its targets and the topic key', () => {
  const resources = (type: string) => Object.entries((app.resource[type] ?? {}) as Record<string, Json>);
  const [ruleId, rule] = resources('aws_cloudwatch_event_rule').find(
    ([, r]) => r.name === 'async-api-dev-execution-ended',
  )!;
  const targets = resources('aws_cloudwatch_event_target')
    .map(([, t]) => t)
    .filter((t) => t.rule === `\${aws_cloudwatch_event_rule.${ruleId}.name}`);
  const [queueId] = resources('aws_sqs_queue').find(([, q]) => String(q.name).includes('webhook-dead-letters'))!;

  it("matches only the terminal status changes of this API's job state machines", () => {
    // Prepare: each job's state machine, as the rule must name it
    const jobMachines = resources('aws_sfn_state_machine')
      .filter(([, m]) => JOBS.some((job) => m.name === `async-api-dev-${job.name}`))
      .map(([id]) => `\${aws_sfn_state_machine.${id}.arn}`);

    // Act
    const pattern = JSON.parse(rule.event_pattern);

    // Assess
    expect(jobMachines).toHaveLength(JOBS.length);
    expect(Object.keys(pattern).sort()).toEqual(['detail', 'detail-type', 'source']);
    expect(pattern.source).toEqual(['aws.states']);
    expect(pattern['detail-type']).toEqual(['Step Functions Execution Status Change']);
    expect(Object.keys(pattern.detail).sort()).toEqual(['stateMachineArn', 'status']);
    expect([...pattern.detail.status].sort()).toEqual(['ABORTED', 'FAILED', 'SUCCEEDED', 'TIMED_OUT']);
    expect([...pattern.detail.stateMachineArn].sort()).toEqual([...jobMachines].sort());
  });

  it('sends what neither target could take to the dead-letter queue, and retries the sender for a day', () => {
    expect(targets).toHaveLength(2);
    for (const target of targets) {
      expect(target.dead_letter_config).toEqual({ arn: `\${aws_sqs_queue.${queueId}.arn}` });
    }
    const sender = targets.find((t) => String(t.arn).startsWith('${aws_lambda_function.'))!;
    expect(sender.retry_policy).toEqual({ maximum_retry_attempts: 185, maximum_event_age_in_seconds: 86_400 });
  });

  it("lets EventBridge use the topic's key, as publishing to an encrypted topic needs", () => {
    // Prepare
    const [, topic] = resources('aws_sns_topic').find(([, t]) => t.name === 'async-api-dev-execution-ended')!;
    const keyId = /^\$\{aws_kms_key\.([^.]+)\.(?:arn|id)\}$/.exec(String(topic.kms_master_key_id))![1]!;

    // Act
    const policy = JSON.parse(app.resource.aws_kms_key[keyId].policy) as { Statement: Json[] };

    // Assess
    const forEvents = policy.Statement.filter((st) => st.Principal?.Service === 'events.amazonaws.com');
    expect(forEvents).toHaveLength(1);
    expect([forEvents[0]!.Action].flat().sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
    expect(forEvents[0]!.Effect).toBe('Allow');
  });
});
