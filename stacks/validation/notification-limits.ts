/**
 * Limits of what the end-of-job notifications create (EventBridge, SNS, SQS, Secrets Manager, KMS,
 * Lambda's asynchronous invocation). These services' API models are not in `aws-api-limits.json`, so
 * each limit is the documented one, with its source. Data only; `limit-rules.ts` merges it in.
 */
import type { AttributeRule, Stricter } from './limit-rules';

/** Documented limits of the notification resources' request members. */
export const NOTIFICATION_STRICTER: Readonly<Record<string, Stricter>> = {
  'events:PutRule.Name': {
    min: 1,
    max: 64,
    pattern: '^[\\.\\-_A-Za-z0-9]+$',
    source: 'EventBridge PutRule Name: 1-64 characters of letters, digits, ".", "-" and "_"',
  },
  'events:PutRule.Description': { max: 512, source: 'EventBridge PutRule Description: at most 512 characters' },
  'events:PutRule.EventPattern': { max: 4096, source: 'EventBridge PutRule EventPattern: at most 4,096 characters' },
  'sns:CreateTopic.Name': {
    min: 1,
    max: 256,
    pattern: '^[A-Za-z0-9_-]+$',
    source: 'SNS CreateTopic Name: 1-256 characters of letters, digits, "-" and "_" (standard topics)',
  },
  'sqs:CreateQueue.QueueName': {
    min: 1,
    max: 80,
    pattern: '^[A-Za-z0-9_-]+$',
    source: 'SQS CreateQueue QueueName: 1-80 characters of letters, digits, "-" and "_" (standard queues)',
  },
  'sqs:CreateQueue.MessageRetentionPeriod': {
    min: 60,
    max: 1_209_600,
    source: 'SQS MessageRetentionPeriod: 60 seconds to 1,209,600 seconds (14 days)',
  },
  'secretsmanager:CreateSecret.Name': {
    min: 1,
    max: 512,
    pattern: '^[A-Za-z0-9/_+=.@-]+$',
    source: 'Secrets Manager CreateSecret Name: 1-512 characters of letters, digits and /_+=.@-',
  },
  'secretsmanager:CreateSecret.Name (name_prefix)': {
    min: 1,
    max: 512 - 26,
    pattern: '^[A-Za-z0-9/_+=.@-]+$',
    source:
      'Secrets Manager CreateSecret Name: at most 512 characters, less the 26 Terraform appends to a name_prefix (terraform-plugin-sdk id.UniqueIDSuffixLength)',
  },
  'secretsmanager:CreateSecret.RecoveryWindowInDays': {
    enum: [0, ...Array.from({ length: 24 }, (_, i) => i + 7)],
    source: 'Secrets Manager DeleteSecret RecoveryWindowInDays: 7-30 days (0 deletes at once in Terraform)',
  },
  'lambda:PutFunctionEventInvokeConfig.MaximumRetryAttempts': {
    min: 0,
    max: 2,
    source: 'Lambda asynchronous invocation: MaximumRetryAttempts 0-2',
  },
  'lambda:PutFunctionEventInvokeConfig.MaximumEventAgeInSeconds': {
    min: 60,
    max: 21_600,
    source: 'Lambda asynchronous invocation: MaximumEventAgeInSeconds 60-21,600',
  },
  'events:PutTargets.RetryPolicy.MaximumRetryAttempts': {
    min: 0,
    max: 185,
    source: 'EventBridge RetryPolicy MaximumRetryAttempts: 0-185',
  },
  'events:PutTargets.RetryPolicy.MaximumEventAgeInSeconds': {
    min: 60,
    max: 86_400,
    source: 'EventBridge RetryPolicy MaximumEventAgeInSeconds: 60-86,400',
  },
  'kms:CreateKey.Description': { max: 8192, source: 'KMS CreateKey Description: at most 8,192 characters' },
  'kms:ScheduleKeyDeletion.PendingWindowInDays': {
    min: 7,
    max: 30,
    source: 'KMS ScheduleKeyDeletion PendingWindowInDays: 7-30',
  },
};

/** Which member limits each attribute of the notification resources. */
export const NOTIFICATION_RULES: Readonly<Record<string, readonly AttributeRule[]>> = {
  aws_cloudwatch_event_rule: [
    { attribute: 'name', member: 'events:PutRule.Name' },
    { attribute: 'description', member: 'events:PutRule.Description' },
    { attribute: 'event_pattern', member: 'events:PutRule.EventPattern' },
  ],
  aws_cloudwatch_event_target: [
    { attribute: 'retry_policy.maximum_retry_attempts', member: 'events:PutTargets.RetryPolicy.MaximumRetryAttempts' },
    {
      attribute: 'retry_policy.maximum_event_age_in_seconds',
      member: 'events:PutTargets.RetryPolicy.MaximumEventAgeInSeconds',
    },
    { attribute: 'dead_letter_config.arn', arnOf: 'sqs:queue' },
  ],
  aws_sns_topic: [{ attribute: 'name', member: 'sns:CreateTopic.Name' }],
  aws_sns_topic_policy: [{ attribute: 'arn', arnOf: 'sns:topic' }],
  aws_sqs_queue: [
    { attribute: 'name', member: 'sqs:CreateQueue.QueueName' },
    { attribute: 'message_retention_seconds', member: 'sqs:CreateQueue.MessageRetentionPeriod' },
  ],
  aws_secretsmanager_secret: [
    { attribute: 'name', member: 'secretsmanager:CreateSecret.Name' },
    { attribute: 'name_prefix', member: 'secretsmanager:CreateSecret.Name (name_prefix)' },
    { attribute: 'recovery_window_in_days', member: 'secretsmanager:CreateSecret.RecoveryWindowInDays' },
  ],
  aws_lambda_function_event_invoke_config: [
    { attribute: 'maximum_retry_attempts', member: 'lambda:PutFunctionEventInvokeConfig.MaximumRetryAttempts' },
    {
      attribute: 'maximum_event_age_in_seconds',
      member: 'lambda:PutFunctionEventInvokeConfig.MaximumEventAgeInSeconds',
    },
  ],
  aws_kms_key: [
    { attribute: 'description', member: 'kms:CreateKey.Description' },
    { attribute: 'deletion_window_in_days', member: 'kms:ScheduleKeyDeletion.PendingWindowInDays' },
  ],
};
