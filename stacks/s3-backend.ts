import { S3Backend, TerraformStack } from 'cdktf';
import { StateBackendConfig } from './config';

/**
 * Stores the stack's state in S3, encrypted, with S3-native locking (`use_lockfile`, Terraform
 * 1.10+; no DynamoDB table). cdktf 0.21's `S3Backend` has no `useLockfile` option, so it is set with
 * an override on the generated backend block.
 */
export function addS3Backend(stack: TerraformStack, state: StateBackendConfig): S3Backend {
  const backend = new S3Backend(stack, {
    bucket: state.bucket,
    key: state.key,
    region: state.region,
    encrypt: true,
  });
  stack.addOverride('terraform.backend.s3.use_lockfile', true);
  return backend;
}
