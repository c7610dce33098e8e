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

/** The app as deploy.yml synthesizes it, once for the file. */
const CI_APP = synthesizeApp(CI_ENV);

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
  const apps = [synthesizeApp(), CI_APP];

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

/** Every request one role makes in the runs {@link RUNS} gives it, once each (many are alike). */
async function requestsOf(app: SynthesizedApp, roleKind: 'plan' | 'deploy', phase: Phase) {
  const requests = new Map<string, Request & { readonly what: string }>();
  for (const [stackId, phases] of Object.entries(RUNS[roleKind])) {
    if (!phases.includes(phase)) continue;
    const stack = app.stacks.find((s) => s.id === stackId)!;
    for (const target of targetsOf(app, stack)) {
      for (const c of TERRAFORM_ACTIONS[target.type]![phase].filter((x) => x.when?.(target) ?? true)) {
        const r = await requestFor(stack, target, c);
        requests.set(JSON.stringify(r), { ...r, what: `${target.type} ${phase}` });
      }
    }
  }
  return [...requests.values()];
}

describe.each([
  ['plan', 'read'],
  ['deploy', 'read'],
  ['deploy', 'apply'],
  ['deploy', 'destroy'],
] as const)('the %s role against every %s call Terraform makes', (roleKind, phase) => {
  const app = CI_APP;
  const roleName = ciRoleNames('dev')[roleKind];
  const role = rolesOf(app.resources).find((r) => r.name === roleName);

  it('is allowed each one, with the request context AWS would send', async () => {
    if (!role) throw new Error(`no role ${roleName} in the synthesized app`);
    const requests = await requestsOf(app, roleKind, phase);
    const denied: string[] = [];
    for (const r of requests) {
      const decision: Decision = r.listed
        ? await mayPerform(role, r.action, r.resource, r.context, r)
        : await mayPerformUnlisted(role, r.action, r.resource, r.context, r);
      if (decision !== 'Allowed')
        denied.push(`${r.what}: ${r.action} ${r.resource} ${JSON.stringify(r.context)} ${decision}`);
    }

    expect(denied).toEqual([]);
    // The stacks really have that many distinct calls, so the loop above checked something.
    expect(requests.length).toBeGreaterThan(20);
    // Some hundred simulations: jest's 5 s default is too tight on a shared machine. Not a speed target.
  }, 60_000);
});
