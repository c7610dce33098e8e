import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { ServiceRole, policyDocument } from '../../stacks/constructs/service-role';
import { statementsOf, synthesize } from './helpers';

describe('ServiceRole', () => {
  it('trusts only the named service, on behalf of the given account', () => {
    const out = synthesize((scope) => {
      new ServiceRole(scope, 'r', {
        roleName: 'a-role',
        servicePrincipal: 'states.amazonaws.com',
        sourceAccount: '111122223333',
        statements: [{ sid: 'S', actions: ['states:StartExecution'], resources: ['arn:x'] }],
      });
    });

    const trust = statementsOf(out.one('aws_iam_role').assume_role_policy);
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'states.amazonaws.com' },
        Action: ['sts:AssumeRole'],
        Resource: [],
        Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
      },
    ]);
    expect(out.text).toHaveResourceWithProperties(IamRole, { name: 'a-role' });
  });

  it('puts the statements in one inline policy attached to the role', () => {
    const out = synthesize((scope) => {
      new ServiceRole(scope, 'r', {
        roleName: 'a-role',
        servicePrincipal: 'lambda.amazonaws.com',
        statements: [{ sid: 'Two', actions: ['a:B', 'a:C'], resources: ['r1', 'r2'] }],
      });
    });

    const policy = out.one('aws_iam_role_policy');
    expect(policy.role).toMatch(/^\$\{aws_iam_role\.r_role_[0-9A-F]+\.id\}$/);
    expect(statementsOf(policy.policy)).toEqual([{ Sid: 'Two', Effect: 'Allow', Action: ['a:B', 'a:C'], Resource: ['r1', 'r2'] }]);
  });

  it.each([['*'], ['states:*']])('refuses the wildcard action %s', (action) => {
    expect(() =>
      synthesize((scope) => {
        new ServiceRole(scope, 'r', {
          roleName: 'a-role',
          servicePrincipal: 'lambda.amazonaws.com',
          statements: [{ sid: 'Wide', actions: [action], resources: ['r'] }],
        });
      }),
    ).toThrow(/statement Wide grants a wildcard action/);
  });

  it('renders single actions and resources as strings, as IAM prints them', () => {
    expect(JSON.parse(policyDocument([{ sid: 'S', actions: ['a:B'], resources: ['r'] }]))).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'S', Effect: 'Allow', Action: 'a:B', Resource: 'r' }],
    });
  });
});
