/**
 * What the provider calls for the types of the two stacks a person applies with administrator
 * rights: `ci-access` (the plan role plans it, so its reads matter to CI) and `state-bucket` (its
 * state is local: CI only validates it). Same conventions as `application.ts`.
 */
import { roleNameOf } from '../../local/terraform/computed';
import { arg, call, PROVIDER_SOURCE, type Target, type TypeActions, tagged } from './types';

const src = (files: string) => `${PROVIDER_SOURCE}/${files}`;

export const CI_ACCESS_ACTIONS: Readonly<Record<string, TypeActions>> = {
  aws_iam_openid_connect_provider: {
    source: src('iam/openid_connect_provider.go'),
    read: [call('iam:GetOpenIDConnectProvider')],
    apply: [tagged('iam:CreateOpenIDConnectProvider'), tagged('iam:TagOpenIDConnectProvider')],
    destroy: [call('iam:DeleteOpenIDConnectProvider')],
  },
  aws_iam_policy: {
    source: src('iam/policy.go'),
    read: [call('iam:GetPolicy'), call('iam:GetPolicyVersion')],
    apply: [tagged('iam:CreatePolicy'), tagged('iam:TagPolicy'), call('iam:CreatePolicyVersion')],
    destroy: [call('iam:ListPolicyVersions'), call('iam:DeletePolicy')],
  },
  aws_iam_role_policy_attachment: {
    // The deploy role's own managed policies. Read: findAttachedRolePolicyByTwoPartKey lists the
    // role's attached policies.
    source: src('iam/role_policy_attachment.go (resourceRolePolicyAttachmentRead, attachPolicyToRole)'),
    read: [call('iam:ListAttachedRolePolicies', { on: attachedRole })],
    apply: [call('iam:AttachRolePolicy', { on: attachedRole })],
    destroy: [call('iam:DetachRolePolicy', { on: attachedRole })],
  },
};

function attachedRole(t: Target): string {
  return `arn:${t.partition}:iam::${t.accountId}:role/${roleNameOf(arg(t, 'role'))}`;
}

/** Bucket settings are one resource type each; every one is read with its Get and written with its Put. */
function bucketSetting(file: string, get: string, put: string, remove?: string): TypeActions {
  return {
    source: src(`s3/${file}`),
    read: [call(get, { on: bucketOf })],
    apply: [call(put, { on: bucketOf })],
    destroy: remove ? [call(remove, { on: bucketOf })] : [],
  };
}

function bucketOf(t: { config: Readonly<Record<string, unknown>>; partition: string }): string {
  return `arn:${t.partition}:s3:::${String(t.config['bucket'])}`;
}

export const STATE_BUCKET_ACTIONS: Readonly<Record<string, TypeActions>> = {
  aws_s3_bucket: {
    source: src('s3/bucket.go'),
    read: [call('s3:ListBucket'), call('s3:GetBucketTagging'), call('s3:GetBucketPolicy'), call('s3:GetBucketAcl')],
    apply: [call('s3:CreateBucket'), tagged('s3:PutBucketTagging')],
    destroy: [call('s3:DeleteBucket')],
  },
  aws_s3_bucket_versioning: bucketSetting('bucket_versioning.go', 's3:GetBucketVersioning', 's3:PutBucketVersioning'),
  aws_s3_bucket_server_side_encryption_configuration: bucketSetting(
    'bucket_server_side_encryption_configuration.go',
    's3:GetEncryptionConfiguration',
    's3:PutEncryptionConfiguration',
  ),
  aws_s3_bucket_public_access_block: bucketSetting(
    'bucket_public_access_block.go',
    's3:GetBucketPublicAccessBlock',
    's3:PutBucketPublicAccessBlock',
  ),
  aws_s3_bucket_ownership_controls: bucketSetting(
    'bucket_ownership_controls.go',
    's3:GetBucketOwnershipControls',
    's3:PutBucketOwnershipControls',
  ),
  aws_s3_bucket_policy: bucketSetting(
    'bucket_policy.go',
    's3:GetBucketPolicy',
    's3:PutBucketPolicy',
    's3:DeleteBucketPolicy',
  ),
  aws_s3_bucket_lifecycle_configuration: bucketSetting(
    'bucket_lifecycle_configuration.go',
    's3:GetLifecycleConfiguration',
    's3:PutLifecycleConfiguration',
  ),
};
