/**
 * The application stack's webhook types (KMS key, topic, queue, rule target, signing secret,
 * registration table) and its data sources: what the provider calls for each. Same conventions as
 * `application.ts`.
 */
import { arg, call, PROVIDER_SOURCE, type Target, type TypeActions, tagged, unscoped } from './types';

const src = (files: string, docs = '') => `${PROVIDER_SOURCE}/${files}${docs ? `; ${docs}` : ''}`;

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` to the queue's ARN. */
function queueArnOfUrl(t: Target): string {
  const [, , , account, name] = arg(t, 'queue_url').split('/');
  return `arn:${t.partition}:sqs:${t.region}:${account}:${name}`;
}

/** Every call on an existing key is decided by its key policy too (ours delegates to IAM). */
const keyPolicy = { resourcePolicy: (t: Target) => JSON.parse(arg(t, 'policy')) as unknown };
/** Calls made in the seconds after CreateKey, when the new key's tags may not count yet (up to five minutes). */
const beforeTagsCount = { tags: 'none', ...keyPolicy } as const;

export const MESSAGING_ACTIONS: Readonly<Record<string, TypeActions>> = {
  aws_kms_key: {
    source: src(
      'kms/key.go (resourceKeyCreate, findKeyInfo, resourceKeyUpdate, resourceKeyDelete)',
      'KMS developer guide, "Tagging permissions" and "ABAC for AWS KMS"',
    ),
    read: [
      call('kms:DescribeKey', keyPolicy),
      call('kms:GetKeyPolicy', keyPolicy),
      call('kms:GetKeyRotationStatus', keyPolicy),
      call('kms:ListResourceTags', keyPolicy),
    ],
    apply: [
      tagged('kms:CreateKey', { on: () => '*' }),
      // CreateKey with tags is authorized as TagResource on the key too.
      tagged('kms:TagResource', keyPolicy),
      call('kms:EnableKeyRotation', beforeTagsCount),
      call('kms:GetKeyPolicy', beforeTagsCount),
      call('kms:ListResourceTags', beforeTagsCount),
      call('kms:DescribeKey', beforeTagsCount),
      call('kms:GetKeyRotationStatus', beforeTagsCount),
      // A later apply: the key's tags count by then.
      call('kms:PutKeyPolicy', keyPolicy),
      call('kms:UpdateKeyDescription', keyPolicy),
      call('kms:UntagResource', keyPolicy),
    ],
    destroy: [call('kms:ScheduleKeyDeletion', keyPolicy), call('kms:DescribeKey', keyPolicy)],
  },
  aws_sns_topic: {
    source: src('sns/topic.go'),
    read: [call('sns:GetTopicAttributes'), call('sns:ListTagsForResource')],
    apply: [tagged('sns:CreateTopic'), tagged('sns:TagResource'), call('sns:SetTopicAttributes')],
    destroy: [call('sns:DeleteTopic')],
  },
  aws_sns_topic_policy: {
    // Destroying the policy puts the topic's default policy back.
    source: src('sns/topic_policy.go'),
    read: [call('sns:GetTopicAttributes', { on: (t) => arg(t, 'arn') })],
    apply: [call('sns:SetTopicAttributes', { on: (t) => arg(t, 'arn') })],
    destroy: [call('sns:SetTopicAttributes', { on: (t) => arg(t, 'arn') })],
  },
  aws_sqs_queue: {
    source: src('sqs/queue.go', 'SQS developer guide, "Tagging your queues" (CreateQueue with tags needs TagQueue)'),
    read: [call('sqs:GetQueueAttributes'), call('sqs:ListQueueTags')],
    apply: [tagged('sqs:CreateQueue'), tagged('sqs:TagQueue'), call('sqs:SetQueueAttributes')],
    destroy: [call('sqs:DeleteQueue')],
  },
  aws_sqs_queue_policy: {
    source: src('sqs/queue_policy.go'),
    read: [call('sqs:GetQueueAttributes', { on: queueArnOfUrl })],
    apply: [call('sqs:SetQueueAttributes', { on: queueArnOfUrl })],
    destroy: [call('sqs:SetQueueAttributes', { on: queueArnOfUrl })],
  },
  aws_secretsmanager_secret: {
    source: src(
      'secretsmanager/secret.go',
      'Secrets Manager user guide, "Tag secrets" (CreateSecret with tags needs TagResource)',
    ),
    read: [call('secretsmanager:DescribeSecret'), call('secretsmanager:GetResourcePolicy')],
    apply: [
      tagged('secretsmanager:CreateSecret'),
      tagged('secretsmanager:TagResource'),
      call('secretsmanager:UpdateSecret'),
    ],
    destroy: [call('secretsmanager:DeleteSecret')],
  },
  aws_secretsmanager_secret_version: {
    // Destroying a version whose only stage is AWSCURRENT calls nothing: that label cannot be removed.
    source: src('secretsmanager/secret_version.go (resourceSecretVersionDelete)'),
    read: [call('secretsmanager:GetSecretValue', { on: (t) => arg(t, 'secret_id') })],
    apply: [call('secretsmanager:PutSecretValue', { on: (t) => arg(t, 'secret_id') })],
    destroy: [],
  },
  aws_dynamodb_table: {
    // Read from a stored copy at another commit than PROVIDER_SOURCE (the only one the index holds).
    // AWS-managed encryption: the `aws/dynamodb` key's own policy lets DynamoDB use it for the
    // account's principals, so no KMS call is authorized against the role.
    source:
      'hashicorp/terraform-provider-aws@f583d818dd34f1ee2cdd6664b33ef588c860412a internal/service/dynamodb/table.go ' +
      '(resourceTableCreate, resourceTableRead, resourceTableUpdate, resourceTableDelete, updateTimeToLive, updatePITR, ' +
      'waitTableActive, waitTableDeleted); DynamoDB developer guide, "Tagging resources" (CreateTable with tags needs TagResource)',
    read: [
      call('dynamodb:DescribeTable'),
      call('dynamodb:DescribeContinuousBackups'),
      call('dynamodb:DescribeTimeToLive'),
      call('dynamodb:ListTagsOfResource'),
    ],
    apply: [
      tagged('dynamodb:CreateTable'),
      tagged('dynamodb:TagResource'),
      // Waits for ACTIVE, then turns TTL and point-in-time recovery on and waits for each.
      call('dynamodb:DescribeTable'),
      call('dynamodb:UpdateTimeToLive'),
      call('dynamodb:DescribeTimeToLive'),
      call('dynamodb:UpdateContinuousBackups'),
      call('dynamodb:DescribeContinuousBackups'),
      call('dynamodb:ListTagsOfResource'),
      // A later apply: billing mode, streams, table class or encryption changed; a tag removed.
      call('dynamodb:UpdateTable'),
      call('dynamodb:UntagResource'),
    ],
    // Deletes, then waits until DescribeTable answers ResourceNotFoundException.
    destroy: [call('dynamodb:DeleteTable'), call('dynamodb:DescribeTable')],
  },
  'data.aws_secretsmanager_random_password': {
    // Read at every refresh and plan: the plan role calls it too.
    source: src('secretsmanager/random_password_data_source.go'),
    read: [unscoped('secretsmanager:GetRandomPassword')],
    apply: [],
    destroy: [],
  },
  'data.aws_caller_identity': {
    source: src(
      'sts/caller_identity_data_source.go',
      'STS API reference, GetCallerIdentity: "No permissions are required"',
    ),
    read: [],
    apply: [],
    destroy: [],
  },
};
