import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Aspects } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';

/** One IAM policy statement. Resources and conditions may hold cdktf tokens. */
export interface PolicyStatement {
  readonly sid: string;
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** Renders statements as an IAM policy document (JSON text; tokens inside are resolved by cdktf). */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      Sid: s.sid,
      Effect: s.effect ?? 'Allow',
      Action: s.actions.length === 1 ? s.actions[0] : s.actions,
      Resource: s.resources.length === 1 ? s.resources[0] : s.resources,
      ...(s.condition ? { Condition: s.condition } : {}),
    })),
  });
}

/** Throws when a statement grants `*` or `service:*`: every policy here names its actions. */
export function refuseWildcardActions(label: string, statements: readonly PolicyStatement[]): void {
  for (const s of statements) {
    if (s.actions.some((a) => a === '*' || a.endsWith(':*'))) {
      throw new Error(`${label}: statement ${s.sid} grants a wildcard action; name the actions`);
    }
  }
}

/** Props of {@link InlinePolicyRole}. */
export interface InlinePolicyRoleProps {
  readonly roleName: string;
  /** Default: none. */
  readonly description?: string;
  /** Who may assume the role. */
  readonly trustPolicy: unknown;
  /** The role's only permissions (one inline policy); at least one, none with a wildcard action. */
  readonly statements: readonly PolicyStatement[];
  /** Longest session, in seconds. Default: IAM's (3600). */
  readonly maxSessionDuration?: number;
}

/**
 * An IAM role with one inline policy: the only way stacks here create roles. {@link ServiceRole} and
 * `GithubActionsRole` differ only in who may assume it. Permissions boundaries are set for a whole
 * stack by {@link applyPermissionsBoundary}, never per role.
 */
export class InlinePolicyRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: InlinePolicyRoleProps) {
    super(scope, id);
    // Errors name the construct the caller wrote (ServiceRole, GithubActionsRole).
    const label = `${new.target.name} ${props.roleName}`;
    if (props.statements.length === 0) throw new Error(`${label}: at least one statement is required`);
    refuseWildcardActions(label, props.statements);
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: props.description,
      assumeRolePolicy: JSON.stringify(props.trustPolicy),
      maxSessionDuration: props.maxSessionDuration,
    });
    this.policy = new IamRolePolicy(this, 'policy', {
      name: props.roleName,
      role: this.role.id,
      policy: policyDocument(props.statements),
    });
  }
}

/** Props of {@link ServiceRole}. */
export interface ServiceRoleProps {
  readonly roleName: string;
  /** Service principal that assumes the role, e.g. `lambda.amazonaws.com`. */
  readonly servicePrincipal: string;
  /**
   * When set, the trust policy only lets the service assume the role on behalf of this account
   * (`aws:SourceAccount`), which AWS recommends against the confused-deputy problem. Refused for
   * services that send no such key when they assume a role ({@link SERVICES_WITHOUT_SOURCE_KEYS}):
   * the condition would never match and every call would fail.
   */
  readonly sourceAccount?: string;
  /**
   * When set, the trust policy also requires `aws:SourceArn` to equal this ARN (`ArnEquals`): the
   * service may assume the role only on behalf of this one resource, the narrowest protection AWS
   * documents against the confused deputy. What the ARN must name is the service's choice (for
   * EventBridge Scheduler, the schedule group). Refused like {@link sourceAccount} for services that
   * send no such key.
   */
  readonly sourceArn?: string;
  /** The role's only permissions (one inline policy). */
  readonly statements: readonly PolicyStatement[];
}

/**
 * Services that send no `aws:SourceAccount` or `aws:SourceArn` when they assume a role. API Gateway
 * assumes an integration's credentials role without them (docs/aws-behaviour.md, "Credentials
 * roles of API Gateway integrations"): a trust condition on either key denies every request.
 */
export const SERVICES_WITHOUT_SOURCE_KEYS: readonly string[] = ['apigateway.amazonaws.com'];

/** An IAM role for one AWS service with one inline policy. */
export class ServiceRole extends InlinePolicyRole {
  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    const keyed = props.sourceAccount !== undefined || props.sourceArn !== undefined;
    if (keyed && SERVICES_WITHOUT_SOURCE_KEYS.includes(props.servicePrincipal)) {
      throw new Error(
        `ServiceRole ${props.roleName}: ${props.servicePrincipal} sends no aws:SourceAccount or aws:SourceArn when it assumes a role, so a trust condition on either would deny every call; leave sourceAccount and sourceArn unset (docs/aws-behaviour.md)`,
      );
    }
    const condition = {
      ...(props.sourceAccount ? { StringEquals: { 'aws:SourceAccount': props.sourceAccount } } : {}),
      ...(props.sourceArn ? { ArnEquals: { 'aws:SourceArn': props.sourceArn } } : {}),
    };
    super(scope, id, {
      roleName: props.roleName,
      statements: props.statements,
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: props.servicePrincipal },
            Action: 'sts:AssumeRole',
            ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
          },
        ],
      },
    });
  }
}

/**
 * Sets `policyArn` as the permissions boundary of every IAM role under `scope` when the app is
 * synthesized. A stack calls it once rather than handing the ARN through each construct, so a role
 * added later cannot be left out. A role that already names another boundary is an error, never
 * silently overwritten.
 */
export function applyPermissionsBoundary(scope: IConstruct, policyArn: string): void {
  Aspects.of(scope).add({
    visit(node: IConstruct) {
      if (!(node instanceof IamRole)) return;
      const own = node.permissionsBoundaryInput;
      if (own !== undefined && own !== policyArn) {
        throw new Error(
          `IAM role ${node.node.path} has the permissions boundary ${own}; the stack requires ${policyArn}`,
        );
      }
      node.permissionsBoundary = policyArn;
    },
  });
}

/**
 * X-Ray's write actions. AWS requires `Resource: "*"` for them: X-Ray has no resource-level
 * permissions (Service Authorization Reference, "Actions defined by AWS X-Ray").
 */
export const XRAY_WRITE: PolicyStatement = {
  sid: 'XRayWriteNoResourceLevelPermissions',
  actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
  resources: ['*'],
};

/**
 * CloudWatch Logs' log-delivery actions: what a service needs to deliver its logs to a log group
 * (Step Functions execution logs, HTTP API access logs). They have no resource-level permissions, so
 * AWS requires `Resource: "*"` for them (Step Functions developer guide, "IAM policies for logging
 * to CloudWatch Logs"; API Gateway developer guide, "Configuring logging for an HTTP API").
 */
export const LOG_DELIVERY_ACTIONS: readonly string[] = [
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
];
