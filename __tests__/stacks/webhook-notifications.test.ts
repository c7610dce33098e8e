/**
 * The webhook signing secret survives a destroy-then-deploy: a deleted secret keeps its name for the
 * recovery window, so the stack must never give a recoverable secret a fixed name
 * (docs/aws-behaviour.md §11.6). The sender finds it by ARN, and the local runtime resolves that ARN.
 */
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
