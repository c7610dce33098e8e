import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';

/** Days a superseded state version is kept before it expires: long enough to roll back a bad apply. */
export const NONCURRENT_STATE_VERSION_DAYS = 90;

export interface StateBucketStackProps {
  readonly bucketName: string;
  readonly region: string;
  /**
   * Lets Terraform destroy the bucket: lifts `prevent_destroy` and sets `force_destroy`, which
   * deletes every object version first (S3 refuses to delete a bucket that is not empty, and with
   * versioning on, the old state versions count). Only `npm run destroy -- --state-bucket` sets it,
   * applying it before destroying (Terraform reads `force_destroy` from the state). Default false.
   */
  readonly allowDestroy?: boolean;
}

/**
 * Bootstrap stack: the S3 bucket that holds every other stack's Terraform state. It keeps its own
 * state locally (it cannot live in the bucket it creates), so it is deployed once, by hand.
 *
 * Versioning keeps every previous state; old versions expire after
 * {@link NONCURRENT_STATE_VERSION_DAYS} days. Objects
 * are encrypted with the AWS-managed KMS key, public access is blocked, ACLs are disabled, and the
 * bucket policy refuses any request not made over TLS.
 */
export class StateBucketStack extends TerraformStack {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: StateBucketStackProps) {
    super(scope, id);
    new AwsProvider(this, 'aws', {
      region: props.region,
      defaultTags: [{ tags: { project: 'async-api', 'managed-by': 'cdktf' } }],
    });

    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: props.bucketName,
      // Losing this bucket loses every stack's state: Terraform must refuse to destroy it.
      lifecycle: { preventDestroy: props.allowDestroy !== true },
      ...(props.allowDestroy === true ? { forceDestroy: true } : {}),
    });
    new S3BucketVersioningA(this, 'versioning', {
      bucket: this.bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' }, bucketKeyEnabled: true }],
    });
    new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', {
      bucket: this.bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketPolicy(this, 'tls-only', {
      bucket: this.bucket.id,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-old-state-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: NONCURRENT_STATE_VERSION_DAYS }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });

    new TerraformOutput(this, 'state_bucket', { value: this.bucket.bucket });
  }
}
