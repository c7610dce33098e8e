/**
 * IAM enforcement for the calls services make on behalf of a role, evaluated by
 * `@cloud-copilot/iam-simulate` against the policies Terraform would attach.
 *
 * iam-simulate is AGPL-licensed: it runs in the local runtime (a development tool) only and must
 * never be imported by code that is bundled into a Lambda function.
 *
 * A simulation costs roughly half a millisecond, and the hot path asks the same questions again and
 * again (API Gateway's role may start executions of the one state machine; the state machine's role
 * may invoke the one worker), so decisions are memoized per (principal, action, resource, context), or
 * per parent for names the policies cannot tell apart (name-blind.ts), in a bounded map. Policies do
 * not change while the runtime runs, so a memoized answer never goes stale.
 */
import { runSimulation, type Simulation, type SimulationErrors } from '@cloud-copilot/iam-simulate';
import type { PolicyDocument, RoleModel, StackModel } from '../terraform/model';
import { ResolutionError } from '../terraform/resolver';
import { forResource, nameBlindParent, resourcePatterns } from './name-blind';

/** The outcome of one authorization. */
export interface Decision {
  readonly allowed: boolean;
  /** iam-simulate's verdict: Allowed, ExplicitlyDenied or ImplicitlyDenied. */
  readonly result: string;
  /** AWS's wording of a denial ("User: ... is not authorized to perform: ..."); empty when allowed. */
  readonly message: string;
  /** Why, for the runtime's log (e.g. "ImplicitlyDenied", or a simulation error). */
  readonly detail: string;
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
}

/** Where denials are reported (the runtime's log). */
export type DenialLog = (line: string) => void;

const CACHE_LIMIT = 10_000;
const SESSION_NAME = 'local-runtime';

/** Evaluates identity, resource and trust policies of one stack. */
export class IamAuthorizer {
  private readonly rolesByArn = new Map<string, RoleModel>();
  private readonly rolePatterns = new Map<string, string[] | undefined>();
  private readonly cache = new Map<string, Promise<Decision>>();
  private readonly functionPolicies = new Map<string, PolicyDocument>();
  /** Number of simulations actually run (cache misses); exposed for measurements. */
  simulations = 0;

  private constructor(
    private readonly model: StackModel,
    private readonly log: DenialLog,
  ) {
    for (const role of model.roles) {
      this.rolesByArn.set(role.arn, role);
      this.rolePatterns.set(role.arn, resourcePatterns(role.policies.map((p) => p.document)));
    }
    for (const p of model.lambdaPermissions) {
      const statement = {
        Sid: p.statementId,
        Effect: 'Allow',
        Principal: p.principal.includes('.amazonaws.com') ? { Service: p.principal } : { AWS: p.principal },
        Action: p.action,
        Resource: p.functionArn,
        ...(p.sourceArn || p.sourceAccount
          ? {
              Condition: {
                ...(p.sourceArn ? { ArnLike: { 'AWS:SourceArn': p.sourceArn } } : {}),
                ...(p.sourceAccount ? { StringEquals: { 'AWS:SourceAccount': p.sourceAccount } } : {}),
              },
            }
          : {}),
      };
      const existing = this.functionPolicies.get(p.functionArn);
      const statements = existing ? [...(existing.Statement as unknown[]), statement] : [statement];
      this.functionPolicies.set(p.functionArn, { Version: '2012-10-17', Statement: statements });
    }
  }

  /**
   * Creates the authorizer and validates every policy once, as IAM does when Terraform puts it:
   * a malformed policy stops start-up with the resource that defines it.
   */
  static async create(model: StackModel, log: DenialLog): Promise<IamAuthorizer> {
    const authorizer = new IamAuthorizer(model, log);
    for (const role of model.roles) {
      for (const policy of role.policies) {
        const result = await runSimulation(
          authorizer.identitySimulation(
            role.arn,
            [{ name: policy.name, policy: policy.document }],
            'sts:GetCallerIdentity',
            '*',
            {},
          ),
          {},
        );
        if (result.resultType === 'error') {
          throw new ResolutionError(
            { address: policy.source, attribute: 'policy' },
            `invalid IAM policy: ${describeErrors(result.errors)}`,
          );
        }
      }
    }
    return authorizer;
  }

  /** The role with this ARN, if the stack defines it. */
  role(roleArn: string): RoleModel | undefined {
    return this.rolesByArn.get(roleArn);
  }

  /** The session ARN AWS shows for a role's temporary credentials in denial messages. */
  sessionArn(roleArn: string): string {
    const role = this.rolesByArn.get(roleArn);
    const name = role?.name ?? roleArn.slice(roleArn.lastIndexOf('/') + 1);
    return `arn:${this.model.partition}:sts::${this.model.accountId}:assumed-role/${name}/${SESSION_NAME}`;
  }

  /**
   * May `roleArn` perform `action` on `resource`? Evaluates the role's identity policies (the stack
   * has no permission boundaries, SCPs or resource policies on Step Functions resources).
   */
  authorizeRole(roleArn: string, action: string, resource: string): Promise<Decision> {
    const parent = nameBlindParent(resource, this.rolePatterns.get(roleArn));
    const key = `${parent === undefined ? `role\n${resource}` : `names\n${parent}`}\n${roleArn}\n${action}`;
    return this.memo(key, () => this.simulateRole(roleArn, action, resource), resource);
  }

  private async simulateRole(roleArn: string, action: string, resource: string): Promise<Decision> {
    const policies = (this.rolesByArn.get(roleArn)?.policies ?? []).map((p) => ({ name: p.name, policy: p.document }));
    const result = await runSimulation(this.identitySimulation(roleArn, policies, action, resource, {}), {});
    return this.decide(result, this.sessionArn(roleArn), action, resource, 'identity-based policy');
  }

  /**
   * May the service principal (e.g. apigateway.amazonaws.com) invoke the function, according to the
   * function's resource policy (its `aws_lambda_permission`s), for a request from `sourceArn`?
   */
  authorizeServiceInvoke(servicePrincipal: string, functionArn: string, sourceArn: string): Promise<Decision> {
    return this.memo(`invoke\n${servicePrincipal}\n${functionArn}\n${sourceArn}`, async () => {
      const policy = this.functionPolicies.get(functionArn);
      const action = 'lambda:InvokeFunction';
      const simulation: Simulation = {
        request: {
          principal: servicePrincipal,
          action,
          resource: { resource: functionArn, accountId: this.model.accountId },
          contextVariables: { 'aws:SourceArn': sourceArn, 'aws:SourceAccount': this.model.accountId },
        },
        identityPolicies: [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(policy ? { resourcePolicy: policy } : {}),
      };
      const result = await runSimulation(simulation, {});
      return this.decide(result, servicePrincipal, action, functionArn, 'resource-based policy');
    });
  }

  /**
   * May the service assume the role (its trust policy)? The request carries only the context keys
   * AWS documents that service as sending ({@link assumeRoleContext}): API Gateway sends neither
   * `aws:SourceAccount` nor `aws:SourceArn` for an integration's credentials role, so a trust
   * condition on them is denied here as on AWS.
   * @param sourceArn the resource on whose behalf the service acts (a state machine), when the service sends it.
   */
  authorizeAssumeRole(servicePrincipal: string, roleArn: string, sourceArn?: string): Promise<Decision> {
    return this.memo(`assume\n${servicePrincipal}\n${roleArn}\n${sourceArn ?? ''}`, async () => {
      const role = this.rolesByArn.get(roleArn);
      const action = 'sts:AssumeRole';
      if (!role) {
        return {
          allowed: false,
          result: 'ImplicitlyDenied',
          message: `Role ${roleArn} does not exist`,
          detail: 'no such role in the stack',
          principal: servicePrincipal,
          action,
          resource: roleArn,
        };
      }
      const result = await runSimulation(
        {
          request: {
            principal: servicePrincipal,
            action,
            resource: { resource: roleArn, accountId: this.model.accountId },
            contextVariables: assumeRoleContext(servicePrincipal, this.model.accountId, sourceArn),
          },
          identityPolicies: [],
          serviceControlPolicies: [],
          resourceControlPolicies: [],
          resourcePolicy: role.trustPolicy,
        },
        {},
      );
      return this.decide(result, servicePrincipal, action, roleArn, 'trust policy');
    });
  }

  private identitySimulation(
    principal: string,
    identityPolicies: Simulation['identityPolicies'],
    action: string,
    resource: string,
    context: Record<string, string>,
  ): Simulation {
    return {
      request: {
        principal,
        action,
        resource: { resource, accountId: this.model.accountId },
        contextVariables: context,
      },
      identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    };
  }

  private decide(
    result: Awaited<ReturnType<typeof runSimulation>>,
    principal: string,
    action: string,
    resource: string,
    policyKind: string,
  ): Decision {
    this.simulations++;
    const base = { principal, action, resource };
    if (result.resultType === 'error') {
      // An unknown action or a malformed ARN: IAM would not allow it either.
      const message = `User: ${principal} is not authorized to perform: ${action} on resource: ${resource}`;
      return {
        ...base,
        allowed: false,
        result: 'Error',
        message,
        detail: `simulation error: ${describeErrors(result.errors)}`,
      };
    }
    if (result.overallResult === 'Allowed')
      return { ...base, allowed: true, result: 'Allowed', message: '', detail: 'Allowed' };
    const reason =
      result.overallResult === 'ExplicitlyDenied'
        ? `with an explicit deny in an ${policyKind}`
        : `because no ${policyKind} allows the ${action} action`;
    const message = `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} ${reason}`;
    return {
      ...base,
      allowed: false,
      result: result.overallResult,
      message,
      detail: `${result.overallResult} by the ${policyKind}`,
    };
  }

  private async memo(key: string, compute: () => Promise<Decision>, resource?: string): Promise<Decision> {
    let decision = this.cache.get(key);
    if (!decision) {
      decision = compute();
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, decision);
    }
    const d = forResource(await decision, resource);
    // Every denied call is logged, not only the first: the log is how a user finds the missing permission.
    if (!d.allowed)
      this.log(`IAM denied: principal ${d.principal} action ${d.action} resource ${d.resource} (${d.detail})`);
    return d;
  }
}

/**
 * The global condition keys a service sends when it assumes a role, as AWS documents them; a
 * service not listed sends none (the stricter side: a trust condition on an undocumented key fails
 * locally rather than on the first deploy). Sources are in docs/aws-behaviour.md and docs/local-runtime.md.
 *
 * - `states.amazonaws.com`: `aws:SourceAccount` and `aws:SourceArn` (the state machine), per the Step
 *   Functions guide's "Cross-service confused deputy prevention".
 * - `apigateway.amazonaws.com`: nothing for an integration's credentials role.
 * - `lambda.amazonaws.com`: nothing documented for an execution role.
 * - `scheduler.amazonaws.com`: `aws:SourceAccount` and `aws:SourceArn` (the schedule *group*), per
 *   the EventBridge Scheduler guide's "Confused deputy prevention".
 */
export function assumeRoleContext(
  servicePrincipal: string,
  accountId: string,
  sourceArn?: string,
): Record<string, string> {
  if (servicePrincipal !== 'states.amazonaws.com' && servicePrincipal !== 'scheduler.amazonaws.com') return {};
  return { 'aws:SourceAccount': accountId, ...(sourceArn ? { 'aws:SourceArn': sourceArn } : {}) };
}

function describeErrors(errors: SimulationErrors): string {
  const details = Object.entries(errors)
    .filter(([k]) => k !== 'message')
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return details.length > 0 ? details.join('; ') : errors.message;
}
