import { createValidatedPolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';
import { runSimulation, runUnsafeSimulation } from '@cloud-copilot/iam-simulate';

/** The account every simulated ARN lives in. */
export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** What GitHub's OIDC token says about the job asking for credentials. */
export interface WebIdentity {
  readonly sub: string;
  readonly aud?: string;
  /** The IAM OIDC provider the token is presented through. */
  readonly providerArn?: string;
}

/**
 * Evaluates a role's trust policy for `sts:AssumeRoleWithWebIdentity` with GitHub's claims as
 * context keys. The simulator's checked entry point drops context keys its AWS data does not list
 * (GitHub's `sub` and `aud` are among them), so the trust policy is validated as a trust policy
 * and then evaluated with the unchecked one, which keeps them.
 */
export function assumeRoleWithWebIdentity(trustPolicy: unknown, identity: WebIdentity): Decision {
  const validated = createValidatedPolicy(trustPolicy, validateTrustPolicy, { name: 'trust' });
  if (validated.errors.length > 0) throw new Error(`invalid trust policy: ${JSON.stringify(validated.errors)}`);
  return runUnsafeSimulation(
    {
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: validated,
      request: {
        action: 'sts:AssumeRoleWithWebIdentity',
        principal: identity.providerArn ?? PROVIDER_ARN,
        resource: { accountId: ACCOUNT, resource: `arn:aws:iam::${ACCOUNT}:role/some-role` },
        contextVariables: {
          'token.actions.githubusercontent.com:aud': identity.aud ?? 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': identity.sub,
        },
      },
    },
    {},
  );
}

/**
 * Evaluates an identity policy for one request, with the simulator's validation on: an unknown
 * action, a resource of the wrong type, a context key the action does not have (the simulator would
 * drop it and judge the condition without it) or a malformed policy fails the test instead of
 * reading as "denied".
 */
export async function decide(
  policy: unknown,
  action: string,
  resource: string,
  context: Record<string, string | string[]> = {},
): Promise<Decision> {
  const response = await runSimulation(
    {
      identityPolicies: [{ name: 'inline', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        action,
        principal: `arn:aws:iam::${ACCOUNT}:role/gha-async-api-dev-deploy`,
        resource: { accountId: ACCOUNT, resource },
        contextVariables: context,
      },
    },
    {},
  );
  if (response.resultType === 'error')
    throw new Error(`simulation of ${action} on ${resource} failed: ${JSON.stringify(response.errors)}`);
  const ignored = response.resultType === 'single' ? (response.result.ignoredContextKeys ?? []) : [];
  if (ignored.length > 0)
    throw new Error(`simulation of ${action} on ${resource}: context keys ${ignored.join(', ')} do not apply to it`);
  return response.overallResult;
}
