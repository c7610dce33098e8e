import { readFileSync } from 'node:fs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { Construct } from 'constructs';
import { type AslValue, renderAsl } from '../asl';
import { EXECUTION_TIMEOUT_SLACK_SECONDS, worstCase } from '../timeouts';
import { validateDefinition } from '../validation/definition';
import { LOG_DELIVERY_ACTIONS, type PolicyStatement, ServiceRole, XRAY_WRITE } from './service-role';

/** Step Functions execution-log level (`OFF` is not offered: the stack always logs). */
export type StateMachineLogLevel = 'ALL' | 'ERROR' | 'FATAL';

export interface StateMachineProps {
  readonly stateMachineName: string;
  /** Name of the machine's execution role; must differ from every other role's. */
  readonly roleName: string;
  /** Path of the hand-written ASL file. */
  readonly definitionFile: string;
  /**
   * One value per `${Name}` placeholder of the file (see `renderAsl`), except `${Partition}`, which
   * the construct supplies from {@link StateMachineProps.partition}, and `${ExecutionTimeoutSeconds}`,
   * which it computes from the definition's retriers when left out (`executionTimeoutSeconds`).
   */
  readonly substitutions: Readonly<Record<string, AslValue>>;
  /** ARN partition of the region (`partitionOf`), for `arn:${Partition}:` in the template. */
  readonly partition: string;
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
  // The developer guide's logging policy lists DescribeLogGroups as well.
  actions: [...LOG_DELIVERY_ACTIONS, 'logs:DescribeLogGroups'],
  resources: ['*'],
};

/**
 * Renders a state machine's ASL as the construct does: `${Partition}` from `partition`, and
 * `${ExecutionTimeoutSeconds}`, when not among the substitutions, computed from the retriers' worst
 * case. An execution timeout shorter than the worst case is refused: AWS accepts it, and then ends
 * executions that would have succeeded. With a Map state the worst case depends on the item count,
 * so the timeout must be given, and is checked against one iteration (a lower bound). Nothing else
 * is added: the job's states are exactly the ones it wrote. A definition AWS would refuse
 * (validation/definition.ts: the graph, fields of the other query language, JSONata syntax and
 * functions, variables out of scope) is refused, naming each state and field.
 * @throws Error naming the state machine (and AslTemplateError for placeholder mismatches).
 */
export function renderStateMachineDefinition(
  template: string,
  options: {
    readonly source: string;
    readonly name: string;
    readonly substitutions: Readonly<Record<string, AslValue>>;
    readonly partition: string;
  },
): unknown {
  if ('Partition' in options.substitutions) {
    throw new Error(
      `StateMachine ${options.name}: Partition is supplied by the construct from props.partition; remove it from substitutions`,
    );
  }
  // Only when used: a template with no ARN needs no partition, and an unused value is an error.
  const partition: Record<string, AslValue> = template.includes('${Partition}') ? { Partition: options.partition } : {};
  const values: Record<string, AslValue> = { ...options.substitutions, ...partition };
  if (template.includes('${ExecutionTimeoutSeconds}') && !('ExecutionTimeoutSeconds' in values)) {
    // Rendered once with a stand-in to read the retriers, then for real.
    const worst = worstCase(renderAsl(template, { ...values, ExecutionTimeoutSeconds: 0 }, options.source));
    if (worst.lowerBoundBecause) {
      throw new Error(
        `StateMachine ${options.name}: ${worst.lowerBoundBecause}, so its execution timeout cannot be computed; give ExecutionTimeoutSeconds`,
      );
    }
    values['ExecutionTimeoutSeconds'] = Math.ceil(worst.seconds) + EXECUTION_TIMEOUT_SLACK_SECONDS;
  }
  const definition = renderAsl(template, values, options.source);
  const timeout = (definition as { TimeoutSeconds?: unknown }).TimeoutSeconds;
  const worst = worstCase(definition);
  if (typeof timeout !== 'number' || timeout < worst.seconds) {
    throw new Error(
      `StateMachine ${options.name}: TimeoutSeconds ${String(timeout)} is shorter than the worst case of its tasks and retries, ${worst.seconds} s${worst.lowerBoundBecause ? ' (at least)' : ''}; leave ExecutionTimeoutSeconds out to have it computed`,
    );
  }
  // What AWS would refuse fails here, not at deploy (and the local runtime runs the same checks).
  const problems = validateDefinition(definition);
  if (problems.length > 0) {
    const text = problems.map((p) => `${p.message} at ${p.location}`).join('; ');
    throw new Error(`StateMachine ${options.name}: a definition AWS would refuse: ${text}`);
  }
  return definition;
}

/** A STANDARD state machine from a hand-written ASL file, with its role, logs and X-Ray tracing. */
export class StateMachine extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly role: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  /** The rendered definition (what Terraform receives), for tests and the local runtime. */
  readonly definition: unknown;

  constructor(scope: Construct, id: string, props: StateMachineProps) {
    super(scope, id);
    this.definition = renderStateMachineDefinition(readFileSync(props.definitionFile, 'utf8'), {
      source: props.definitionFile,
      name: props.stateMachineName,
      substitutions: props.substitutions,
      partition: props.partition,
    });

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: props.logGroupName,
      retentionInDays: props.logRetentionDays,
    });

    this.role = new ServiceRole(this, 'role', {
      roleName: props.roleName,
      servicePrincipal: 'states.amazonaws.com',
      sourceAccount: props.accountId,
      statements: [
        // The bare ARN and its qualified forms (versions, aliases), nothing else; none when it invokes none.
        ...(props.invokableFunctionArns.length > 0
          ? [
              {
                sid: 'InvokeWorkers',
                actions: ['lambda:InvokeFunction'],
                resources: props.invokableFunctionArns.flatMap((arn) => [arn, `${arn}:*`]),
              },
            ]
          : []),
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
