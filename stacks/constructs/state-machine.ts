import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { AslValue, renderAslFile } from '../asl';
import { PolicyStatement, ServiceRole, XRAY_WRITE } from './service-role';

/** Step Functions execution-log level (`OFF` is not offered: the stack always logs). */
export type StateMachineLogLevel = 'ALL' | 'ERROR' | 'FATAL';

export interface StateMachineProps {
  readonly stateMachineName: string;
  /** Name of the machine's execution role; must differ from every other role's. */
  readonly roleName: string;
  /** Path of the hand-written ASL file. */
  readonly definitionFile: string;
  /** One value per `${Name}` placeholder of the file (see `renderAsl`). */
  readonly substitutions: Readonly<Record<string, AslValue>>;
  /** Lambda functions the machine may invoke (their versions and aliases too). */
  readonly invokableFunctionArns: readonly string[];
  /** Extra statements for tasks that are not Lambda invocations (SQS callbacks, ECS `.sync`, ...). */
  readonly statements?: readonly PolicyStatement[];
  /** Restricts the role's trust policy to this account. */
  readonly accountId: string;
  readonly logGroupName: string;
  readonly logRetentionDays: number;
  readonly logLevel: StateMachineLogLevel;
  /** Whether input and output appear in the logs; off by default because they may hold user data. */
  readonly includeExecutionData: boolean;
}

/**
 * CloudWatch Logs delivery actions Step Functions needs to write execution logs. AWS requires
 * `Resource: "*"`: these actions do not support resource-level permissions (Step Functions
 * developer guide, "IAM policies for logging to CloudWatch Logs").
 */
export const LOG_DELIVERY: PolicyStatement = {
  sid: 'LogDeliveryNoResourceLevelPermissions',
  actions: [
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
    'logs:DescribeLogGroups',
  ],
  resources: ['*'],
};

/** A STANDARD state machine from a hand-written ASL file, with its role, logs and X-Ray tracing. */
export class StateMachine extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly role: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  /** The rendered definition (what Terraform receives), for tests and the local runtime. */
  readonly definition: unknown;

  constructor(scope: Construct, id: string, props: StateMachineProps) {
    super(scope, id);
    this.definition = renderAslFile(props.definitionFile, props.substitutions);

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: props.logGroupName,
      retentionInDays: props.logRetentionDays,
    });

    this.role = new ServiceRole(this, 'role', {
      roleName: props.roleName,
      servicePrincipal: 'states.amazonaws.com',
      sourceAccount: props.accountId,
      statements: [
        {
          sid: 'InvokeWorkers',
          actions: ['lambda:InvokeFunction'],
          // The bare ARN and its qualified forms (versions, aliases), nothing else.
          resources: props.invokableFunctionArns.flatMap((arn) => [arn, `${arn}:*`]),
        },
        ...(props.statements ?? []),
        LOG_DELIVERY,
        XRAY_WRITE,
      ],
    });

    this.stateMachine = new SfnStateMachine(this, 'state-machine', {
      name: props.stateMachineName,
      type: 'STANDARD',
      roleArn: this.role.role.arn,
      definition: JSON.stringify(this.definition),
      loggingConfiguration: {
        logDestination: `${this.logGroup.arn}:*`,
        includeExecutionData: props.includeExecutionData,
        level: props.logLevel,
      },
      tracingConfiguration: { enabled: true },
      // The role's policy must be in place before the first execution can invoke anything.
      dependsOn: [this.role.policy],
    });
  }
}
