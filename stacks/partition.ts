import { partition } from '@aws-sdk/core/client';

/**
 * The ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`, …), from the AWS SDK's own
 * partition table (`@aws-sdk/core`, the same data the SDK resolves endpoints with). Known at synth,
 * unlike the `aws_partition` data source, so every ARN the stacks write is complete in the plan and
 * tests can read it. A region the table does not know falls back to `aws`, as the SDK does.
 */
export function partitionOf(region: string): string {
  return partition(region).name;
}
