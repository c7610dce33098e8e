import { IamAuthorizer } from '../../../local/iam/authorizer';
import { nameBlindParent, resourcePatterns } from '../../../local/iam/name-blind';
import type { RoleModel } from '../../../local/terraform/model';
import { ACCOUNT, MACHINE, model, role } from './fixtures';

const PARENT = `arn:aws:states:us-east-1:${ACCOUNT}:execution:machine:`;

const describeAll = role('describe-all', [
  { Effect: 'Allow', Action: 'states:DescribeExecution', Resource: `${PARENT}*` },
  { Effect: 'Deny', Action: 'states:DescribeExecution', Resource: `${PARENT}protected` },
]);
const describeSome = role('describe-some', [
  { Effect: 'Allow', Action: 'states:DescribeExecution', Resource: [`${PARENT}lat-*`, `${PARENT}a?`] },
]);
const starter = role('starter', [{ Effect: 'Allow', Action: 'states:StartExecution', Resource: MACHINE }]);

async function decisions(r: RoleModel, names: string[]) {
  const logs: string[] = [];
  const iam = await IamAuthorizer.create(model([r]), (l) => logs.push(l));
  const before = iam.simulations;
  const out = [];
  for (const name of names) out.push(await iam.authorizeRole(r.arn, 'states:DescribeExecution', PARENT + name));
  return { out, simulations: iam.simulations - before, logs };
}

describe('IamAuthorizer: one simulation for names the policies cannot tell apart', () => {
  it('simulates once for every execution of a machine granted by `…:machine:*`', async () => {
    // Act
    const all = role('all', [{ Effect: 'Allow', Action: 'states:DescribeExecution', Resource: `${PARENT}*` }]);
    const { out, simulations } = await decisions(all, ['first', 'second', 'third']);
    // Assess
    expect(out.map((d) => [d.allowed, d.resource])).toStrictEqual([
      [true, `${PARENT}first`],
      [true, `${PARENT}second`],
      [true, `${PARENT}third`],
    ]);
    expect(simulations).toBe(1);
  });

  it('still denies the one execution a literal Deny names, asked after one that was allowed', async () => {
    // Act
    const { out, simulations } = await decisions(describeAll, ['free', 'protected', 'other']);
    // Assess
    expect(out.map((d) => d.allowed)).toStrictEqual([true, false, true]);
    expect(out[1]!.message).toContain(`on resource: ${PARENT}protected with an explicit deny`);
    expect(simulations).toBe(3);
  });

  it('tells names apart for a prefix that reaches into the name and for `?`', async () => {
    // Act
    const { out, simulations } = await decisions(describeSome, ['lat-1', 'late', 'ab', 'abc', 'lat-2']);
    // Assess
    expect(out.map((d) => d.allowed)).toStrictEqual([true, false, true, false, true]);
    expect(simulations).toBe(5);
  });

  it('shares a denial but names the resource asked about in the message and the log', async () => {
    // Act
    const { out, simulations, logs } = await decisions(starter, ['x1', 'x2']);
    // Assess
    expect(simulations).toBe(1);
    expect(out.map((d) => [d.allowed, d.resource])).toStrictEqual([
      [false, `${PARENT}x1`],
      [false, `${PARENT}x2`],
    ]);
    expect(out[1]!.message).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/starter/local-runtime is not authorized to perform: ` +
        `states:DescribeExecution on resource: ${PARENT}x2 because no identity-based policy allows the ` +
        'states:DescribeExecution action',
    );
    expect(logs[1]).toContain(`resource ${PARENT}x2 (`);
  });

  it('simulates a name that is not plain on its own', async () => {
    // Act
    const { out, simulations } = await decisions(describeAll, ['a.b', 'a.c']);
    // Assess
    expect(out.map((d) => d.allowed)).toStrictEqual([true, true]);
    expect(simulations).toBe(2);
  });
});

describe('nameBlindParent', () => {
  const patterns = (...p: string[]) => p;

  it.each([
    ['a trailing * right after the parent', `${PARENT}*`, PARENT],
    ['a trailing * before the parent ends', `arn:aws:states:us-east-1:${ACCOUNT}:execution:mach*`, PARENT],
    ['a literal elsewhere', MACHINE, PARENT],
    [
      'a longer prefix outside the parent',
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/a-long-name:*`,
      PARENT,
    ],
    ['a trailing * one character into the name', `${PARENT}l*`, undefined],
    ['a literal under the parent', `${PARENT}lat-1`, undefined],
    ['a literal under the parent in other case', `${PARENT.toUpperCase()}LAT-1`, undefined],
    ['an inner *', `arn:aws:states:*:${ACCOUNT}:execution:machine:*`, undefined],
    ['a ?', `arn:aws:states:us-east-1:${ACCOUNT}:execution:machin?:*`, undefined],
    ['a policy variable', `${PARENT}\${aws:username}`, undefined],
  ])('%s', (_what, pattern, expected) => {
    expect(nameBlindParent(`${PARENT}lat-1`, patterns(pattern))).toBe(expected);
  });

  it('accepts plain names of 1 to 80 characters and nothing else', () => {
    const p = patterns(`${PARENT}*`);
    expect(nameBlindParent(PARENT + 'a'.repeat(80), p)).toBe(PARENT);
    expect(nameBlindParent(PARENT + 'a'.repeat(81), p)).toBeUndefined();
    expect(nameBlindParent(PARENT, p)).toBeUndefined();
    expect(nameBlindParent(`${PARENT}a/b`, p)).toBeUndefined();
    expect(nameBlindParent('*', p)).toBeUndefined();
    expect(nameBlindParent(`${PARENT}a`, undefined)).toBeUndefined();
  });
});

describe('resourcePatterns', () => {
  it('collects Resource and NotResource, strings and lists, from every statement', () => {
    const docs = [
      { Statement: { Resource: 'a' } },
      { Statement: [{ NotResource: ['b', 'c'] }, { Resource: ['d'], NotResource: 'e' }] },
    ];
    expect(resourcePatterns(docs)).toStrictEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('gives up on a statement it cannot read', () => {
    expect(resourcePatterns([{ Statement: [{ Resource: 5 }] }])).toBeUndefined();
    expect(resourcePatterns([{ Statement: ['text'] }])).toBeUndefined();
  });
});
