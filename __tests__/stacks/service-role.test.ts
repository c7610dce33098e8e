import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { Construct } from 'constructs';
import { applyPermissionsBoundary, policyDocument, ServiceRole } from '../../stacks/constructs/service-role';
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

  it('refuses an aws:SourceAccount condition for API Gateway, which sends no such key when it assumes a role', () => {
    expect(() =>
      synthesize((scope) => {
        new ServiceRole(scope, 'r', {
          roleName: 'api-role',
          servicePrincipal: 'apigateway.amazonaws.com',
          sourceAccount: '111122223333',
          statements: [{ sid: 'S', actions: ['states:StartExecution'], resources: ['arn:x'] }],
        });
      }),
    ).toThrow(/apigateway\.amazonaws\.com sends no aws:SourceAccount/);
  });

  it('with a sourceArn, trusts the service only on behalf of that one resource (ArnEquals), besides the account', () => {
    const group = 'arn:aws:scheduler:eu-west-1:111122223333:schedule-group/g';
    const out = synthesize((scope) => {
      new ServiceRole(scope, 'r', {
        roleName: 'a-role',
        servicePrincipal: 'scheduler.amazonaws.com',
        sourceAccount: '111122223333',
        sourceArn: group,
        statements: [{ sid: 'S', actions: ['states:StartExecution'], resources: ['arn:x'] }],
      });
    });

    const [trust] = statementsOf(out.one('aws_iam_role').assume_role_policy);
    expect(trust?.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '111122223333' },
      ArnEquals: { 'aws:SourceArn': group },
    });
  });

  it('refuses an aws:SourceArn condition for API Gateway, as it refuses aws:SourceAccount', () => {
    expect(() =>
      synthesize((scope) => {
        new ServiceRole(scope, 'r', {
          roleName: 'api-role',
          servicePrincipal: 'apigateway.amazonaws.com',
          sourceArn: 'arn:aws:execute-api:eu-west-1:111122223333:abc/*',
          statements: [{ sid: 'S', actions: ['states:StartExecution'], resources: ['arn:x'] }],
        });
      }),
    ).toThrow(/apigateway\.amazonaws\.com sends no aws:SourceAccount or aws:SourceArn/);
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
    expect(statementsOf(policy.policy)).toEqual([
      { Sid: 'Two', Effect: 'Allow', Action: ['a:B', 'a:C'], Resource: ['r1', 'r2'] },
    ]);
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

describe('applyPermissionsBoundary', () => {
  const boundary = 'arn:aws:iam::111122223333:policy/app-boundary';
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [] });

  it('sets the boundary on every role under the scope, however deep and however created', () => {
    // Act
    const out = synthesize((scope) => {
      const nested = new Construct(scope, 'nested');
      new ServiceRole(nested, 'service', {
        roleName: 'service-role',
        servicePrincipal: 'states.amazonaws.com',
        statements: [{ sid: 'S', actions: ['a:B'], resources: ['r'] }],
      });
      new IamRole(scope, 'plain', { name: 'plain-role', assumeRolePolicy: trust });
      applyPermissionsBoundary(scope, boundary);
    });

    // Assess
    expect(Object.values(out.resources('aws_iam_role')).map((r) => [r.name, r.permissions_boundary])).toEqual([
      ['service-role', boundary],
      ['plain-role', boundary],
    ]);
  });

  it('refuses to replace a different boundary a role already has', () => {
    expect(() =>
      synthesize((scope) => {
        new IamRole(scope, 'own', {
          name: 'own',
          assumeRolePolicy: trust,
          permissionsBoundary: 'arn:aws:iam::aws:policy/PowerUserAccess',
        });
        applyPermissionsBoundary(scope, boundary);
      }),
    ).toThrow(
      /has the permissions boundary arn:aws:iam::aws:policy\/PowerUserAccess; the stack requires arn:aws:iam::111122223333:policy\/app-boundary/,
    );
  });
});
