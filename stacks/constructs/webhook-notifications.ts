import { join } from 'node:path';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsSecretsmanagerRandomPassword } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-random-password';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import { STATUS_CHANGE_DETAIL_TYPE, TERMINAL_STATUSES } from '../../lambda-src/shared/step-functions-arn';
import { ENVELOPE_INPUT_PREFIX } from '../../lambda-src/shared/webhook-envelope';
import { apiResourceNames } from '../job';
import type { Naming } from '../naming';
import { NodejsFunction } from './nodejs-function';

/** Entry of the webhook sender Lambda. */
export const WEBHOOK_SENDER_ENTRY = join(__dirname, '..', '..', 'lambda-src', 'webhook-sender', 'index.ts');

/** SQS's longest retention: a dead letter waits two weeks for someone to look at it. */
const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/** Props of {@link WebhookNotifications}. */
export interface WebhookNotificationsProps {
  /** Derives every resource name. */
  readonly naming: Naming;
  /** The state machines whose terminal status changes are sent (one per job). */
  readonly stateMachineArns: readonly string[];
  /** Folder for the sender's bundle, outside the source tree. */
  readonly buildDir: string;
  /** Retention of the sender's log group. */
  readonly logRetentionDays: number;
  /** ARN partition of the region. */
  readonly partition: string;
}

/**
 * Tells callers when a job ends. EventBridge rules match the terminal "Step Functions Execution
 * Status Change" events of this API's state machines and deliver each to:
 * - an SNS topic (encrypted with its own KMS key, which EventBridge may use) that users subscribe to;
 * - for executions started with a webhook (a second rule), the webhook sender Lambda, which posts a Standard Webhooks-signed payload to the URL the caller gave
 *   at start (if any), retrying on its own, and whose failures land in an encrypted SQS dead-letter
 *   queue (the function's own DLQ, and the target's DLQ for events EventBridge could not hand over).
 * The signing secret is a Secrets Manager secret created here; only the sender may read it.
 *
 * The rule needs no role: SNS, Lambda and SQS targets in the same account are authorized by their
 * resource policies, each scoped to this rule's ARN (docs/aws-behaviour.md §11).
 *
 * Every resource it creates is a public readonly property.
 */
export class WebhookNotifications extends Construct {
  readonly key: KmsKey;
  readonly topic: SnsTopic;
  readonly topicPolicy: SnsTopicPolicy;
  readonly deadLetterQueue: SqsQueue;
  readonly deadLetterQueuePolicy: SqsQueuePolicy;
  readonly secret: SecretsmanagerSecret;
  readonly secretVersion: SecretsmanagerSecretVersion;
  readonly sender: NodejsFunction;
  readonly senderInvokeConfig: LambdaFunctionEventInvokeConfig;
  /** Every terminal status change of the API's executions, for the topic. */
  readonly rule: CloudwatchEventRule;
  /** The same, for executions started with a webhook only (their input begins with the envelope). */
  readonly senderRule: CloudwatchEventRule;
  readonly topicTarget: CloudwatchEventTarget;
  readonly senderTarget: CloudwatchEventTarget;
  readonly senderPermission: LambdaPermission;

  constructor(scope: Construct, id: string, props: WebhookNotificationsProps) {
    super(scope, id);
    const { naming } = props;
    const account = new DataAwsCallerIdentity(this, 'account').accountId;
    ({ rule: this.rule, senderRule: this.senderRule } = this.createRules(naming, props.stateMachineArns));
    ({ key: this.key, topic: this.topic, topicPolicy: this.topicPolicy } = this.createTopic(naming, props, account));
    ({ queue: this.deadLetterQueue, policy: this.deadLetterQueuePolicy } = this.createDeadLetterQueue(naming));
    ({ secret: this.secret, version: this.secretVersion } = this.createSigningSecret(naming));
    ({
      sender: this.sender,
      invokeConfig: this.senderInvokeConfig,
      permission: this.senderPermission,
    } = this.createSender(naming, props));
    this.topicTarget = new CloudwatchEventTarget(this, 'topic-target', {
      rule: this.rule.name,
      arn: this.topic.arn,
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
    });
    this.senderTarget = new CloudwatchEventTarget(this, 'sender-target', {
      rule: this.senderRule.name,
      arn: this.sender.function.arn,
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
      retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
    });
  }

  private createRules(naming: Naming, stateMachineArns: readonly string[]) {
    const terminal = { status: [...TERMINAL_STATUSES], stateMachineArn: [...stateMachineArns] };
    const rule = new CloudwatchEventRule(this, 'rule', {
      name: naming.name('execution-ended'),
      description: "Terminal status changes of this API's executions, for the topic.",
      eventPattern: JSON.stringify({
        source: ['aws.states'],
        'detail-type': [STATUS_CHANGE_DETAIL_TYPE],
        detail: terminal,
      }),
    });
    // A second rule, so the sender is invoked only for executions that carry a webhook: the input's
    // text starts with the envelope (EventBridge prefix matching; docs/aws-behaviour.md §11.2).
    const senderRule = new CloudwatchEventRule(this, 'sender-rule', {
      name: naming.name('execution-ended-webhook'),
      description: "Terminal status changes of this API's executions started with a webhook, for the sender.",
      eventPattern: JSON.stringify({
        source: ['aws.states'],
        'detail-type': [STATUS_CHANGE_DETAIL_TYPE],
        detail: { ...terminal, input: [{ prefix: ENVELOPE_INPUT_PREFIX }] },
      }),
    });
    return { rule, senderRule };
  }

  private createTopic(naming: Naming, props: WebhookNotificationsProps, account: string) {
    // EventBridge cannot publish to a topic encrypted with the AWS-managed SNS key: it needs a key whose
    // policy lets events.amazonaws.com use it (docs/aws-behaviour.md §11).
    const key = new KmsKey(this, 'key', {
      description: 'Encrypts the execution-ended topic; EventBridge may use it to publish.',
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AccountAdministers',
            Effect: 'Allow',
            Principal: { AWS: `arn:${props.partition}:iam::${account}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
          {
            Sid: 'EventBridgePublishes',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
            Resource: '*',
          },
        ],
      }),
    });
    const topic = new SnsTopic(this, 'topic', {
      name: naming.name('execution-ended'),
      kmsMasterKeyId: key.arn,
    });
    const topicPolicy = new SnsTopicPolicy(this, 'topic-policy', {
      arn: topic.arn,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'RulePublishes',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: topic.arn,
            Condition: { ArnEquals: { 'aws:SourceArn': this.rule.arn } },
          },
        ],
      }),
    });
    return { key, topic, topicPolicy };
  }

  private createDeadLetterQueue(naming: Naming) {
    const queue = new SqsQueue(this, 'dead-letters', {
      name: naming.name('webhook-dead-letters'),
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
    });
    const policy = new SqsQueuePolicy(this, 'dead-letters-policy', {
      queueUrl: queue.url,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'RuleDeadLetters',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: queue.arn,
            Condition: { ArnEquals: { 'aws:SourceArn': [this.rule.arn, this.senderRule.arn] } },
          },
        ],
      }),
    });
    return { queue, policy };
  }

  private createSigningSecret(naming: Naming) {
    const secret = new SecretsmanagerSecret(this, 'signing-secret', {
      // A prefix, not a fixed name: a deleted secret keeps its name for the recovery window, so a fixed
      // name would make deploying again within 7 days of a destroy fail (docs/aws-behaviour.md §11.6).
      // The sender finds the secret by the ARN in its environment, never by name.
      namePrefix: `${naming.name('webhook-signing-secret')}-`,
      description: 'Standard Webhooks signing secret of the webhook sender (raw text; its UTF-8 bytes are the key).',
      recoveryWindowInDays: 7,
    });
    const generated = new DataAwsSecretsmanagerRandomPassword(this, 'signing-secret-value', {
      passwordLength: 48,
      excludePunctuation: true,
    });
    const version = new SecretsmanagerSecretVersion(this, 'signing-secret-version', {
      secretId: secret.id,
      secretString: generated.randomPassword,
      // The data source draws a new password at every plan; the first one stays until rotated on purpose.
      lifecycle: { ignoreChanges: ['secret_string'] },
    });
    return { secret, version };
  }

  private createSender(naming: Naming, props: WebhookNotificationsProps) {
    const senderName = apiResourceNames(naming).webhookSenderFunction;
    const sender = new NodejsFunction(this, 'sender', {
      functionName: senderName,
      description: 'Posts a signed webhook when an execution that was started with one ends.',
      entry: WEBHOOK_SENDER_ENTRY,
      buildDir: props.buildDir,
      environment: { SIGNING_SECRET_ARN: this.secret.arn },
      // Three attempts of at most 5 s plus backoff (lambda-src/webhook-sender/handler.ts).
      timeoutSeconds: 30,
      memorySizeMb: 128,
      logGroupName: naming.lambdaLogGroup(senderName),
      logRetentionDays: props.logRetentionDays,
      deadLetterQueueArn: this.deadLetterQueue.arn,
      statements: [
        { sid: 'ReadSigningSecret', actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.arn] },
        { sid: 'DeadLetter', actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.arn] },
      ],
    });
    // The handler's own attempts are the whole schedule: Lambda's two asynchronous retries would repeat a 4xx.
    const invokeConfig = new LambdaFunctionEventInvokeConfig(this, 'sender-invoke-config', {
      functionName: sender.function.functionName,
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: 3600,
    });
    const permission = new LambdaPermission(this, 'sender-permission', {
      statementId: 'AllowExecutionEndedRule',
      action: 'lambda:InvokeFunction',
      functionName: sender.function.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: this.senderRule.arn,
    });
    return { sender, invokeConfig, permission };
  }
}
