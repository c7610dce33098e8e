import { join } from 'node:path';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsSecretsmanagerRandomPassword } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-random-password';
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
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
import { apiResourceNames } from '../job';
import type { Naming } from '../naming';
import { NodejsFunction } from './nodejs-function';
import { topicKey } from './topic-key';
import type { WebhookRegistrationTable } from './webhook-registrations';

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
  /** Where the webhook start function kept each execution's URL (`AsyncJobApi.webhookRegistrations`). */
  readonly registrations: WebhookRegistrationTable;
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
 * - the webhook sender Lambda, which looks up the URL the caller gave at start (the registration
 *   table), and if there is one posts a Standard Webhooks-signed payload to it, retrying on its own;
 *   its failures land in an encrypted SQS dead-letter queue (the function's own DLQ, and the target's
 *   DLQ for events EventBridge could not hand over).
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
  /** Every terminal status change of the API's executions, for the topic and the sender. */
  readonly rule: CloudwatchEventRule;
  readonly topicTarget: CloudwatchEventTarget;
  readonly senderTarget: CloudwatchEventTarget;
  readonly senderPermission: LambdaPermission;

  constructor(scope: Construct, id: string, props: WebhookNotificationsProps) {
    super(scope, id);
    const { naming } = props;
    const account = new DataAwsCallerIdentity(this, 'account').accountId;
    this.rule = this.createRule(naming, props.stateMachineArns);
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
      rule: this.rule.name,
      arn: this.sender.function.arn,
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
      retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
    });
  }

  private createRule(naming: Naming, stateMachineArns: readonly string[]) {
    // One rule for both targets: whether an execution has a webhook is in the registration table, not
    // in the event, so the sender sees every end and skips those without one.
    return new CloudwatchEventRule(this, 'rule', {
      name: naming.name('execution-ended'),
      description: "Terminal status changes of this API's executions, for the topic and the webhook sender.",
      eventPattern: JSON.stringify({
        source: ['aws.states'],
        'detail-type': [STATUS_CHANGE_DETAIL_TYPE],
        detail: { status: [...TERMINAL_STATUSES], stateMachineArn: [...stateMachineArns] },
      }),
    });
  }

  private createTopic(naming: Naming, props: WebhookNotificationsProps, account: string) {
    // EventBridge cannot publish to a topic encrypted with the AWS-managed SNS key: it needs a key whose
    // policy lets events.amazonaws.com use it (docs/aws-behaviour.md §11).
    const key = topicKey(this, {
      description: 'Encrypts the execution-ended topic; EventBridge may use it to publish.',
      partition: props.partition,
      account,
      publisher: { sid: 'EventBridgePublishes', service: 'events.amazonaws.com' },
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
            Condition: { ArnEquals: { 'aws:SourceArn': this.rule.arn } },
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
      environment: { SIGNING_SECRET_ARN: this.secret.arn, ...props.registrations.environment },
      // Three attempts of at most 5 s plus backoff (lambda-src/webhook-sender/handler.ts).
      timeoutSeconds: 30,
      memorySizeMb: 128,
      logGroupName: naming.lambdaLogGroup(senderName),
      logRetentionDays: props.logRetentionDays,
      deadLetterQueueArn: this.deadLetterQueue.arn,
      statements: [
        { sid: 'ReadSigningSecret', actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.arn] },
        props.registrations.lookupStatement,
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
      sourceArn: this.rule.arn,
    });
    return { sender, invokeConfig, permission };
  }
}
