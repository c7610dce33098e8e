import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { type App, Testing } from 'cdktf';
import { StateBucketStack } from '../../stacks/state-bucket-stack';
import { parse, statementsOf } from './helpers';

describe('StateBucketStack', () => {
  const stack = new StateBucketStack(Testing.app() as App, 'state-bucket', {
    bucketName: 'my-state',
    region: 'eu-west-1',
  });
  const text = Testing.synth(stack);
  const out = parse(text);

  it('keeps its own state locally (it cannot live in the bucket it creates)', () => {
    expect(JSON.parse(text).terraform.backend).toBeUndefined();
  });

  it('refuses to be destroyed by Terraform', () => {
    expect(out.one('aws_s3_bucket')).toMatchObject({ bucket: 'my-state', lifecycle: { prevent_destroy: true } });
  });

  it('can be destroyed, emptied first, only when asked to (npm run destroy -- --state-bucket)', () => {
    const destroyable = parse(
      Testing.synth(
        new StateBucketStack(Testing.app() as App, 'state-bucket', {
          bucketName: 'my-state',
          region: 'eu-west-1',
          allowDestroy: true,
        }),
      ),
    );

    expect(destroyable.one('aws_s3_bucket')).toMatchObject({
      lifecycle: { prevent_destroy: false },
      force_destroy: true,
    });
    expect(out.one('aws_s3_bucket')['force_destroy']).toBeUndefined();
  });

  it('versions, encrypts and blocks public access', () => {
    expect(text).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
    expect(text).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' }, bucket_key_enabled: true }],
    });
    expect(text).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  it('denies every request that is not over TLS', () => {
    const [deny] = statementsOf(out.one('aws_s3_bucket_policy').policy);

    expect(deny).toMatchObject({
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    expect(deny!.Resource).toHaveLength(2);
    expect(deny!.Resource[1]).toMatch(/\/\*$/);
  });

  it('expires superseded state versions', () => {
    expect(text).toHaveResourceWithProperties(S3BucketLifecycleConfiguration, {
      rule: [expect.objectContaining({ status: 'Enabled', noncurrent_version_expiration: [{ noncurrent_days: 90 }] })],
    });
  });
});
