/**
 * The CI roles against what Terraform actually calls: every type the stacks use has a row in the
 * table of provider calls, and the plan role may make every read call, the deploy role every call
 * of the application stack, each with the request context AWS would send.
 */
import { carries, requestKeys } from '../../security/condition-keys';
import { type Decision, mayPerform, mayPerformUnlisted, rolesOf } from '../../security/least-privilege';
import { resolveTemplate, SCAN_IDENTITY, type StackDocument } from '../../security/terraform';
import { type Phase, type ProviderCall, type Target, TERRAFORM_ACTIONS } from '../../security/terraform-actions';
import { appBoundaryPolicyName, ciRoleNames } from '../../stacks/ci-access-stack';
import { type SynthesizedApp, synthesizeApp } from './fixtures';

const BOUNDARY_ARN = `arn:aws:iam::${SCAN_IDENTITY.accountId}:policy/${appBoundaryPolicyName('dev')}`;
/** What deploy.yml synthesizes with: the boundary is set; JWT auth adds the authorizer type. */
const CI_ENV = {
  ROLE_PERMISSIONS_BOUNDARY_ARN: BOUNDARY_ARN,
  API_AUTH: 'JWT',
  JWT_ISSUER: 'https://issuer.example.com/',
  JWT_AUDIENCE: 'async-api',
};
/** Which phases of which stack each CI role runs (docs/ci.md): plans read both remote-state stacks. */
const RUNS: Readonly<Record<'plan' | 'deploy', Readonly<Record<string, readonly Phase[]>>>> = {
  plan: { 'async-api-dev': ['read'], 'ci-access': ['read'] },
  deploy: { 'async-api-dev': ['read', 'apply', 'destroy'] },
};

/** Every resource and data source of a stack, as the table's functions see it. */
function targetsOf(app: SynthesizedApp, stack: StackDocument): Target[] {
  const others = app.resources.filter((r) => r.stack === stack.id);
  const base = { others, partition: SCAN_IDENTITY.partition, accountId: SCAN_IDENTITY.accountId };
  const region = String((stack.json.provider as { aws: { region: string }[] }).aws[0]!.region);
  const resources = others.map((r) => ({
    ...base,
    region,
    type: r.type,
    config: r.config,
    attr: (name: string) => resolveTemplate(stack, `\${${r.type}.${r.name}.${name}}`),
  }));
  const data = Object.entries((stack.json as { data?: Record<string, Record<string, unknown>> }).data ?? {}).flatMap(
    ([type, byName]) =>
      Object.keys(byName).map((name) => ({
        ...base,
        region,
        type: `data.${type}`,
        config: {},
        attr: (a: string) => resolveTemplate(stack, `\${data.${type}.${name}.${a}}`),
      })),
  );
  return [...resources, ...data];
}

/** The stack's default tags merged with the resource's own: what the resource carries. */
function tagsOf(stack: StackDocument, target: Target): Record<string, string> {
  const provider = (stack.json.provider as { aws: { default_tags?: { tags: Record<string, string> }[] }[] }).aws[0]!;
  return { ...(provider.default_tags?.[0]?.tags ?? {}), ...((target.config['tags'] as Record<string, string>) ?? {}) };
}

interface Request {
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
  readonly listed: boolean;
  readonly resourcePolicy?: unknown;
}

/** The request AWS authorizes for one provider call on one resource. */
async function requestFor(stack: StackDocument, target: Target, c: ProviderCall): Promise<Request> {
  const resource = c.on ? c.on(target) : target.attr('arn');
  const keys = await requestKeys(c.action, resource);
  const tags = Object.entries(tagsOf(stack, target));
  const context: Record<string, string | string[]> = { ...(c.context?.(target) ?? {}) };
  const tagContext = c.tags ?? 'resource';
  if (tagContext === 'request') {
    for (const [k, v] of tags) context[`aws:RequestTag/${k}`] = v;
    context['aws:TagKeys'] = tags.map(([k]) => k);
  }
  // Resource tags only where the reference data lists the key for this action and resource type; for
  // the HTTP API writes it lists no resource type, and tag-based authorization is not documented.
  if (tagContext === 'resource' && keys.listedForAction && tags.length > 0 && carries(keys, 'aws:ResourceTag/x')) {
    for (const [k, v] of tags) context[`aws:ResourceTag/${k}`] = v;
  }
  return {
    action: c.action,
    resource,
    context,
    listed: resource === '*' || keys.listedForAction,
    ...(c.resourcePolicy ? { resourcePolicy: c.resourcePolicy(target) } : {}),
  };
}

describe('the table of what the Terraform AWS provider calls', () => {
  const apps = [synthesizeApp(), synthesizeApp(CI_ENV)];

  it('knows every resource and data-source type of every stack', () => {
    const used = new Set(
      apps.flatMap((app) =>
        app.stacks.flatMap((s) => [
          ...Object.keys(s.json.resource ?? {}),
          ...Object.keys((s.json as { data?: object }).data ?? {}).map((t) => `data.${t}`),
        ]),
      ),
    );

    expect([...used].filter((type) => !(type in TERRAFORM_ACTIONS))).toEqual([]);
    // All three stacks were looked at.
    expect(apps[1]!.stacks.map((s) => s.id).sort()).toEqual(['async-api-dev', 'ci-access', 'state-bucket']);
  });

  it('says where each fact comes from', () => {
    const unsourced = Object.entries(TERRAFORM_ACTIONS)
      .filter(([, row]) => !/terraform-provider-aws@[0-9a-f]{40} internal\/service\/\S+\.go/.test(row.source))
      .map(([type]) => type);

    expect(unsourced).toEqual([]);
  });
});

describe.each(['plan', 'deploy'] as const)('the %s role against every call Terraform makes', (roleKind) => {
  const app = synthesizeApp(CI_ENV);
  const roleName = ciRoleNames('dev')[roleKind];
  const role = rolesOf(app.resources).find((r) => r.name === roleName);

  it('is allowed every call, with the request context AWS would send', async () => {
    if (!role) throw new Error(`no role ${roleName} in the synthesized app`);
    const denied: string[] = [];
    let asked = 0;
    for (const [stackId, phases] of Object.entries(RUNS[roleKind])) {
      const stack = app.stacks.find((s) => s.id === stackId)!;
      for (const target of targetsOf(app, stack)) {
        const row = TERRAFORM_ACTIONS[target.type]!;
        for (const phase of phases) {
          for (const c of row[phase].filter((x) => x.when?.(target) ?? true)) {
            const r = await requestFor(stack, target, c);
            const decision: Decision = r.listed
              ? await mayPerform(role, r.action, r.resource, r.context, r)
              : await mayPerformUnlisted(role, r.action, r.resource, r.context, r);
            asked++;
            if (decision !== 'Allowed')
              denied.push(
                `${target.type} ${phase}: ${r.action} ${r.resource} ${JSON.stringify(r.context)} ${decision}`,
              );
          }
        }
      }
    }

    expect(denied).toEqual([]);
    expect(asked).toBeGreaterThan(roleKind === 'plan' ? 50 : 200);
  });
});
