import { S3Backend, type TerraformStack } from 'cdktf';
import type { StateBackendConfig } from './config';

/**
 * Oldest Terraform that reads the backend block below: S3-native locking (`use_lockfile`) is an
 * experiment in 1.10 and generally available from 1.11. Older versions reject the argument; this
 * constraint makes them say why instead.
 */
export const REQUIRED_TERRAFORM_VERSION = '>= 1.11.0';

/**
 * Stores the stack's state in S3 with S3-native locking (`use_lockfile`; no DynamoDB table) and a
 * `required_version` that Terraform checks before anything else. cdktf 0.21's `S3Backend` has no
 * `useLockfile` option, so it is set with an override on the generated backend block.
 *
 * No `encrypt: true`: with it and no `kms_key_id`, Terraform sends `x-amz-server-side-encryption:
 * AES256` on every write, which overrides the state bucket's default (SSE-KMS under `aws/s3`, with
 * an S3 Bucket Key) with SSE-S3. Left out, S3 applies the bucket's default, which is what the README
 * says state is encrypted with (docs/aws-behaviour.md, "State encryption").
 */
export function addS3Backend(stack: TerraformStack, state: StateBackendConfig): S3Backend {
  const backend = new S3Backend(stack, {
    bucket: state.bucket,
    key: state.key,
    region: state.region,
  });
  stack.addOverride('terraform.backend.s3.use_lockfile', true);
  stack.addOverride('terraform.required_version', REQUIRED_TERRAFORM_VERSION);
  return backend;
}
