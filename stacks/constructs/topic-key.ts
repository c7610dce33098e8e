import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { Construct } from 'constructs';

/** Props of {@link topicKey}. */
export interface TopicKeyProps {
  readonly description: string;
  /** ARN partition of the region. */
  readonly partition: string;
  /** The account that owns the key (its root administers it). */
  readonly account: string;
  /** The AWS service that publishes to the topic, and so must use the key. */
  readonly publisher: {
    readonly sid: string;
    /** Service principal, e.g. `events.amazonaws.com`. */
    readonly service: string;
    /** Condition of the service's statement, when it is limited further. */
    readonly condition?: Readonly<Record<string, unknown>>;
  };
}

/**
 * The customer-managed KMS key of an SNS topic an AWS service publishes to: a service cannot publish
 * to a topic encrypted with the AWS-managed SNS key (docs/aws-behaviour.md §11). The account
 * administers the key; the publisher may generate data keys and decrypt. Rotated yearly, 30 days'
 * deletion window.
 *
 * Created as `key` in `scope`, the construct that owns the topic, so the key's address is that
 * construct's own.
 */
export function topicKey(scope: Construct, props: TopicKeyProps): KmsKey {
  const { publisher } = props;
  return new KmsKey(scope, 'key', {
    description: props.description,
    enableKeyRotation: true,
    deletionWindowInDays: 30,
    policy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AccountAdministers',
          Effect: 'Allow',
          Principal: { AWS: `arn:${props.partition}:iam::${props.account}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: publisher.sid,
          Effect: 'Allow',
          Principal: { Service: publisher.service },
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: '*',
          ...(publisher.condition ? { Condition: publisher.condition } : {}),
        },
      ],
    }),
  });
}
