/**
 * The scan's matching at its edges: an IAM wildcard matches the whole name, never a prefix; a waiver
 * scoped to a construct path covers that path only; a runtime warns exactly from 180 days before its
 * deprecation day and fails on that day.
 */
import type { Violation } from '../../security/engine';
import { wildcardRegExp } from '../../security/iam-policy';
import { DEPRECATION_WARNING_DAYS, LAMBDA_RUNTIME_DEPRECATIONS, runtimeStatus } from '../../security/lambda-runtimes';
import { type Waiver, waiverCovers } from '../../security/waivers';

describe('IAM wildcards', () => {
  it.each([
    ['arn:aws:s3:::bucket', 'arn:aws:s3:::bucket', true],
    ['arn:aws:s3:::bucket', 'arn:aws:s3:::bucket-evil', false],
    ['arn:aws:s3:::bucket', 'x-arn:aws:s3:::bucket', false],
    ['s3:Get*', 's3:GetObject', true],
    ['s3:Get*', 's3:PutObject', false],
    ['s3:Get?bject', 's3:GetObject', true],
    ['s3:Get?bject', 's3:GetOObject', false],
    ['S3:GETOBJECT', 's3:GetObject', true],
  ])('%s against %s: %s', (pattern, name, matches) => {
    expect(wildcardRegExp(pattern).test(name)).toBe(matches);
  });
});

describe('a waiver scoped to a construct path', () => {
  const waiver: Waiver = {
    ids: ['CKV_TEST_1'],
    resources: [{ type: 'aws_s3_bucket', path: 'state-bucket/*' }],
    reason: 'test',
  };
  const violation = (path: string, type = 'aws_s3_bucket', ruleIds = ['CKV_TEST_1']): Violation => ({
    ruleId: ruleIds[0]!,
    ruleIds,
    address: `stack:${type}.x`,
    type,
    path,
    message: 'm',
  });

  it.each([
    ['its own path', violation('state-bucket/bucket'), true],
    ['another bucket', violation('async-api-dev/logs/bucket'), false],
    ['a path that only contains it', violation('other/state-bucket/bucket'), false],
    ['another type at its path', violation('state-bucket/bucket', 'aws_s3_bucket_policy'), false],
    ['another check at its path', violation('state-bucket/bucket', 'aws_s3_bucket', ['CKV_TEST_2']), false],
  ])('%s: covered %s', (_label, v, covered) => {
    expect(waiverCovers(waiver, v)).toBe(covered);
  });
});

describe('a Lambda runtime near its deprecation day', () => {
  const [runtime, day] = Object.entries(LAMBDA_RUNTIME_DEPRECATIONS)[0]!;
  const daysBefore = (n: number) => new Date(Date.parse(`${day}T12:00:00Z`) - n * 86_400_000);

  it.each([
    [DEPRECATION_WARNING_DAYS + 1, 'supported'],
    [DEPRECATION_WARNING_DAYS, 'deprecating-soon'],
    [1, 'deprecating-soon'],
    [0, 'deprecated'],
  ])('%i days before: %s', (n, kind) => {
    expect(runtimeStatus(runtime, daysBefore(n)).kind).toBe(kind);
  });
});
