/** Roles and stack models for the IAM authorizer's tests. */
import type { RoleModel, StackModel } from '../../../local/terraform/model';

export const ACCOUNT = '123456789012';
export const MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:machine`;

/** A role `trustService` may assume (in this account), with one inline policy of `statements`. */
export function role(name: string, statements: unknown[], trustService = 'apigateway.amazonaws.com'): RoleModel {
  return {
    address: `aws_iam_role.${name}`,
    name,
    arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: trustService },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
        },
      ],
    },
    policies: [
      { name, source: `aws_iam_role_policy.${name}`, document: { Version: '2012-10-17', Statement: statements } },
    ],
  };
}

/** A stack model holding only `roles` and `lambdaPermissions`. */
export function model(roles: RoleModel[], lambdaPermissions: StackModel['lambdaPermissions'] = []): StackModel {
  return {
    region: 'us-east-1',
    accountId: ACCOUNT,
    partition: 'aws',
    functions: [],
    roles,
    stateMachines: [],
    api: {} as StackModel['api'],
    lambdaPermissions,
    outputs: {},
    notEmulated: [],
    warnings: [],
  };
}
