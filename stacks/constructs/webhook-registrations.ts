import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Construct } from 'constructs';
import { REGISTRATION_KEY, REGISTRATION_TTL_ATTRIBUTE, WEBHOOK_TABLE_VAR } from '../../lambda-src/shared/webhook-table';
import type { PolicyStatement } from './service-role';

/** Props of {@link WebhookRegistrationTable}. */
export interface WebhookRegistrationTableProps {
  /** The table's name (`Naming`). */
  readonly tableName: string;
}

/**
 * Where the webhook start function keeps a caller's webhook URL, one item per execution ARN, for the
 * sender to read when the execution ends (lambda-src/shared/webhook-registration.ts). The URL stays out
 * of the execution's input, history and definition, so the stack never rewrites a job's ASL
 * (docs/architecture.md). Items expire through DynamoDB's TTL.
 *
 * On-demand billing (a few writes per start, nothing when idle); encrypted at rest under the AWS managed
 * key `aws/dynamodb`, so the functions need no KMS permission (docs/security.md's waivers say why no
 * customer managed key); point-in-time recovery on.
 *
 * Every resource it creates is a public readonly property.
 */
export class WebhookRegistrationTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: WebhookRegistrationTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, 'table', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: REGISTRATION_KEY,
      attribute: [{ name: REGISTRATION_KEY, type: 'S' }],
      ttl: { attributeName: REGISTRATION_TTL_ATTRIBUTE, enabled: true },
      serverSideEncryption: { enabled: true },
      pointInTimeRecovery: { enabled: true },
    });
  }

  /** The environment a function that uses the table gets. */
  get environment(): Record<string, string> {
    return { [WEBHOOK_TABLE_VAR]: this.table.name };
  }

  /** What the start function may do: write a registration, and take back one whose start was refused. */
  get registerStatement(): PolicyStatement {
    return {
      sid: 'RegisterWebhooks',
      actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
      resources: [this.table.arn],
    };
  }

  /** What the sender may do: read a registration. */
  get lookupStatement(): PolicyStatement {
    return { sid: 'ReadWebhookRegistrations', actions: ['dynamodb:GetItem'], resources: [this.table.arn] };
  }
}
