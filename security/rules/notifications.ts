/**
 * Rules for the end-of-job notifications: the EventBridge rule's targets, the SNS topic, the queues,
 * the key, and the webhook registration table.
 */
import { valueAt } from '../../local/terraform/document';
import type { Rule } from '../engine';
import { fail, pass, present } from './verdicts';

/** See `security/rules.ts`. */
export const NOTIFICATION_RULES: readonly Rule[] = [
  // --- Notifications (EventBridge, SNS, SQS, KMS) ---------------------------------------------
  {
    ids: ['AAPI_SNS_ENCRYPTED'],
    title: 'SNS topics are encrypted with a KMS key',
    resourceTypes: ['aws_sns_topic'],
    mirrors:
      'Own rule, like checkov CKV_AWS_26 (`kms_master_key_id` set). Ours also refuses `alias/aws/sns`: EventBridge cannot publish to a topic encrypted with the AWS-managed key (docs/aws-behaviour.md §11).',
    check: (topic) => {
      const key = topic.config['kms_master_key_id'];
      if (!present(key)) return fail('kms_master_key_id is not set');
      return key === 'alias/aws/sns' ? fail('the AWS-managed key alias/aws/sns cannot be used by EventBridge') : pass;
    },
  },
  {
    ids: ['AAPI_SQS_ENCRYPTED'],
    title: 'SQS queues are encrypted at rest',
    resourceTypes: ['aws_sqs_queue'],
    mirrors: 'Own rule, like checkov CKV_AWS_27: `sqs_managed_sse_enabled` is true or `kms_master_key_id` is set.',
    check: (queue) =>
      queue.config['sqs_managed_sse_enabled'] === true || present(queue.config['kms_master_key_id'])
        ? pass
        : fail('neither sqs_managed_sse_enabled nor kms_master_key_id'),
  },
  {
    ids: ['AAPI_DLQ_RETENTION'],
    title: "Dead-letter queues keep messages for SQS's longest retention (14 days)",
    resourceTypes: ['aws_sqs_queue'],
    mirrors:
      "Own rule: a queue named as a dead-letter target (a Lambda function's `dead_letter_config.target_arn`, an EventBridge target's `dead_letter_config.arn` or a schedule's `target.dead_letter_config.arn`) has `message_retention_seconds` = 1209600, so a failed delivery waits two weeks for someone to look, not SQS's default 4 days.",
    check: (queue, context) => {
      const name = String(queue.config['name'] ?? '');
      const targets = context.resources.flatMap((r) =>
        r.type === 'aws_lambda_function'
          ? [valueAt(r.config, 'dead_letter_config.target_arn')]
          : r.type === 'aws_cloudwatch_event_target'
            ? [valueAt(r.config, 'dead_letter_config.arn')]
            : r.type === 'aws_scheduler_schedule'
              ? [valueAt(r.config, 'target.dead_letter_config.arn')]
              : [],
      );
      const isDeadLetterQueue = targets.some((t) => typeof t === 'string' && t.endsWith(`:${name}`));
      if (!isDeadLetterQueue) return pass;
      const retention = queue.config['message_retention_seconds'];
      return retention === 1209600 ? pass : fail(`message_retention_seconds is ${JSON.stringify(retention ?? 345600)}`);
    },
  },
  {
    ids: ['AAPI_ASYNC_LAMBDA_DLQ'],
    title: 'Functions invoked by EventBridge keep failed events in a dead-letter queue',
    resourceTypes: ['aws_lambda_function'],
    mirrors:
      "Own rule, the part of checkov CKV_AWS_116 that matters here: a function an aws_cloudwatch_event_target invokes (asynchronously) has `dead_letter_config.target_arn`. Functions invoked synchronously are left to CKV_AWS_116's waiver.",
    check: (fn, context) => {
      const name = String(fn.config['function_name'] ?? '');
      const targeted = context.resources.some(
        (r) => r.type === 'aws_cloudwatch_event_target' && String(r.config['arn'] ?? '').endsWith(`:function:${name}`),
      );
      return !targeted || present(valueAt(fn.config, 'dead_letter_config.target_arn'))
        ? pass
        : fail('invoked by an EventBridge rule without dead_letter_config');
    },
  },
  {
    ids: ['CKV_AWS_119', 'AWS-0025'],
    title: 'DynamoDB tables are encrypted with a customer managed KMS key',
    resourceTypes: ['aws_dynamodb_table'],
    mirrors:
      'checkov: `server_side_encryption.enabled` is true and `kms_key_arn` is set (DynamoDBTablesEncrypted.py); trivy: the same. Same here.',
    check: (table) =>
      valueAt(table.config, 'server_side_encryption.enabled') === true &&
      present(valueAt(table.config, 'server_side_encryption.kms_key_arn'))
        ? pass
        : fail('no server_side_encryption with a kms_key_arn'),
  },
  {
    ids: ['CKV_AWS_28'],
    title: 'DynamoDB tables have point-in-time recovery',
    resourceTypes: ['aws_dynamodb_table'],
    mirrors: 'checkov: `point_in_time_recovery.enabled` is true (DynamodbRecovery.py). Same here.',
    check: (table) =>
      valueAt(table.config, 'point_in_time_recovery.enabled') === true ? pass : fail('point_in_time_recovery is off'),
  },
  {
    ids: ['AAPI_KMS_ROTATION'],
    title: 'Customer managed KMS keys rotate',
    resourceTypes: ['aws_kms_key'],
    mirrors: 'Own rule, like checkov CKV_AWS_7: `enable_key_rotation` is true.',
    check: (key) => (key.config['enable_key_rotation'] === true ? pass : fail('enable_key_rotation is not true')),
  },
];
