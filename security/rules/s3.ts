/** Rules for the S3 buckets, with the companion-resource readers they share. */
import { block, valueAt } from '../../local/terraform/document';
import { connected, type Rule, type RuleContext } from '../engine';
import { type NormalizedStatement, principalValues, statementsOf } from '../iam-policy';
import type { ScannedResource } from '../terraform';
import { fail, pass, present } from './verdicts';

/** `aws_s3_bucket_*` companions of a bucket are connected by their `bucket` argument. */
function bucketCompanions(context: RuleContext, bucket: ScannedResource, type: string): ScannedResource[] {
  return connected(context, bucket, type, 'bucket', bucket.config['bucket']);
}

/** The default-encryption algorithms a bucket ends up with (inline legacy block or companion resource). */
function sseAlgorithms(context: RuleContext, bucket: ScannedResource): { algorithm: unknown; kmsKey: unknown }[] {
  const rulesOf = (cfg: Readonly<Record<string, unknown>>) => {
    const rules = cfg['rule'];
    return (Array.isArray(rules) ? rules : [rules]).map((r) =>
      block(block(r)?.['apply_server_side_encryption_by_default']),
    );
  };
  const inline = block(bucket.config['server_side_encryption_configuration']);
  const blocks = [
    ...(inline ? rulesOf(inline) : []),
    ...bucketCompanions(context, bucket, 'aws_s3_bucket_server_side_encryption_configuration').flatMap((r) =>
      rulesOf(r.config),
    ),
  ];
  return blocks
    .filter((b) => b !== undefined)
    .map((b) => ({ algorithm: b!['sse_algorithm'], kmsKey: b!['kms_master_key_id'] }));
}

/** One public-access-block setting of a bucket: trivy fails a bucket without the block, checkov a false setting. */
function publicAccessBlockRule(ids: readonly string[], title: string, attribute: string): Rule {
  return {
    ids,
    title,
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      `checkov ${ids[0]} reads \`${attribute}\` of each aws_s3_bucket_public_access_block and fails unless true; trivy ${ids[1]} fails a bucket that has no public access block or has the setting off. ` +
      'We check each bucket: it must have a connected public access block (same `bucket`) with the setting true, which covers both.',
    check: (bucket, context) => {
      const blocks = bucketCompanions(context, bucket, 'aws_s3_bucket_public_access_block');
      if (blocks.length === 0) return fail('the bucket has no aws_s3_bucket_public_access_block');
      return blocks.some((b) => b.config[attribute] === true) ? pass : fail(`${attribute} is not true`);
    },
  };
}

/** Resource policies of a bucket whose policy statements we read. */
function bucketPolicies(context: RuleContext, bucket: ScannedResource): NormalizedStatement[] {
  return bucketCompanions(context, bucket, 'aws_s3_bucket_policy').flatMap((p) => statementsOf(p.config['policy']));
}

/** See `security/rules.ts`. */
export const S3_RULES: readonly Rule[] = [
  // --- S3 -------------------------------------------------------------------------------------
  {
    ids: ['CKV_AWS_21', 'AWS-0090'],
    title: 'S3 buckets are versioned',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      'checkov graph check: the bucket\'s inline `versioning.enabled` is true, or a connected aws_s3_bucket_versioning has `versioning_configuration.status` = Enabled. trivy: versioning enabled. Same here ("connected" = same `bucket` value).',
    check: (bucket, context) => {
      if (valueAt(bucket.config, 'versioning.enabled') === true) return pass;
      const versioning = bucketCompanions(context, bucket, 'aws_s3_bucket_versioning');
      return versioning.some((v) => valueAt(v.config, 'versioning_configuration.status') === 'Enabled')
        ? pass
        : fail('versioning is not Enabled');
    },
  },
  {
    ids: ['CKV_AWS_19'],
    title: 'S3 buckets declare default encryption (SSE-S3 or SSE-KMS)',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      "checkov graph check: `sse_algorithm` (inline or in a connected aws_s3_bucket_server_side_encryption_configuration) is aws:kms or AES256, and a bucket with no encryption configuration at all passes (S3 encrypts new objects by default since 2023). We are stricter: the configuration must be declared, so the choice is visible and reviewed. (trivy's AWS-0088 is deprecated.)",
    check: (bucket, context) => {
      const algorithms = sseAlgorithms(context, bucket);
      if (algorithms.length === 0) return fail('no default encryption configuration');
      return algorithms.every(
        (a) => a.algorithm === 'aws:kms' || a.algorithm === 'AES256' || a.algorithm === 'aws:kms:dsse',
      )
        ? pass
        : fail(`sse_algorithm ${algorithms.map((a) => JSON.stringify(a.algorithm)).join(', ')}`);
    },
  },
  {
    ids: ['CKV_AWS_145'],
    title: 'S3 buckets are encrypted with KMS by default',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      'checkov graph check: `sse_algorithm` (inline or connected) equals aws:kms; any KMS key, the AWS managed one included. Same here.',
    check: (bucket, context) =>
      sseAlgorithms(context, bucket).some((a) => a.algorithm === 'aws:kms')
        ? pass
        : fail('default encryption is not aws:kms'),
  },
  {
    ids: ['AWS-0132'],
    title: 'S3 buckets are encrypted with a customer managed KMS key',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      "trivy: the bucket's encryption names a KMS key (`kms_master_key_id`), except log-delivery buckets. Same here.",
    check: (bucket, context) =>
      sseAlgorithms(context, bucket).some((a) => a.algorithm === 'aws:kms' && present(a.kmsKey))
        ? pass
        : fail('no kms_master_key_id'),
  },
  publicAccessBlockRule(['CKV_AWS_53', 'AWS-0086'], 'S3 buckets block public ACLs', 'block_public_acls'),
  publicAccessBlockRule(['CKV_AWS_54', 'AWS-0087'], 'S3 buckets block public policies', 'block_public_policy'),
  publicAccessBlockRule(['CKV_AWS_55', 'AWS-0091'], 'S3 buckets ignore public ACLs', 'ignore_public_acls'),
  publicAccessBlockRule(
    ['CKV_AWS_56', 'AWS-0093'],
    'S3 buckets restrict public bucket policies',
    'restrict_public_buckets',
  ),
  {
    ids: ['CKV2_AWS_6'],
    title: 'S3 buckets have a public access block',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      'checkov graph check: a connected aws_s3_bucket_public_access_block exists with block_public_acls and block_public_policy true. Same here.',
    check: (bucket, context) =>
      bucketCompanions(context, bucket, 'aws_s3_bucket_public_access_block').some(
        (b) => b.config['block_public_acls'] === true && b.config['block_public_policy'] === true,
      )
        ? pass
        : fail('no public access block with block_public_acls and block_public_policy'),
  },
  {
    ids: ['AAPI_S3_TLS_ONLY'],
    title: 'S3 bucket policies deny every request not made over TLS',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      'Own rule. checkov\'s CKV_AWS_379 applies its TLS test only to public-ACL buckets; we apply the same policy test to every bucket, stricter: a connected bucket policy has a Deny statement for every principal ("*"), action s3:* (or "*"), both the bucket ARN and its objects (`<arn>/*`), with Condition Bool aws:SecureTransport = "false". The least-privilege tests also simulate it.',
    check: (bucket, context) => {
      const arn = `arn:aws:s3:::${String(bucket.config['bucket'])}`;
      const denies = bucketPolicies(context, bucket).filter(
        (s) =>
          s.effect === 'Deny' &&
          (s.principal === '*' || principalValues(s.principal, 'AWS').includes('*')) &&
          s.actions.some((a) => a === 's3:*' || a === '*') &&
          s.resources.some((r) => r.replace(/^arn:[^:]+:/, 'arn:aws:') === arn) &&
          s.resources.some((r) => r.replace(/^arn:[^:]+:/, 'arn:aws:') === `${arn}/*`) &&
          String(block(s.condition?.['Bool'])?.['aws:SecureTransport']).toLowerCase() === 'false',
      );
      return denies.length > 0
        ? pass
        : fail('no bucket policy statement denies s3:* on the bucket and its objects without TLS');
    },
  },
  {
    ids: ['CKV2_AWS_61'],
    title: 'S3 buckets have a lifecycle configuration',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      'checkov graph check: a connected aws_s3_bucket_lifecycle_configuration exists, or the inline `lifecycle_rule`. Same here.',
    check: (bucket, context) =>
      present(bucket.config['lifecycle_rule']) ||
      bucketCompanions(context, bucket, 'aws_s3_bucket_lifecycle_configuration').length > 0
        ? pass
        : fail('no lifecycle configuration'),
  },
  {
    ids: ['CKV_AWS_18', 'AWS-0089'],
    title: 'S3 buckets have server access logging',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      'checkov graph check: inline `logging` or a connected aws_s3_bucket_logging. trivy: logging enabled. Same here.',
    check: (bucket, context) =>
      present(bucket.config['logging']) || bucketCompanions(context, bucket, 'aws_s3_bucket_logging').length > 0
        ? pass
        : fail('no access logging'),
  },
  {
    ids: ['CKV_AWS_144'],
    title: 'S3 buckets replicate to another region',
    resourceTypes: ['aws_s3_bucket'],
    mirrors:
      'checkov graph check: an inline replication rule or a connected aws_s3_bucket_replication_configuration with a rule of status Enabled. Same here.',
    check: (bucket, context) => {
      const rules = [
        ...((valueAt(bucket.config, 'replication_configuration.rules') as unknown[] | undefined) ?? []),
        ...bucketCompanions(context, bucket, 'aws_s3_bucket_replication_configuration').flatMap((r) => {
          const rule = r.config['rule'];
          return Array.isArray(rule) ? rule : [rule];
        }),
      ];
      return rules.some((r) => block(r)?.['status'] === 'Enabled') ? pass : fail('no enabled replication rule');
    },
  },
  {
    ids: ['CKV2_AWS_62'],
    title: 'S3 buckets send event notifications',
    resourceTypes: ['aws_s3_bucket'],
    mirrors: 'checkov graph check: a connected aws_s3_bucket_notification exists. Same here.',
    check: (bucket, context) =>
      bucketCompanions(context, bucket, 'aws_s3_bucket_notification').length > 0 ? pass : fail('no event notification'),
  },
];
