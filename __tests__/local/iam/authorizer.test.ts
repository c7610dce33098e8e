import { assumeRoleContext, IamAuthorizer } from '../../../local/iam/authorizer';
import type { RoleModel, StackModel } from '../../../local/terraform/model';
import { ACCOUNT, model as fixtureModel, MACHINE, role } from './fixtures';

const FUNCTION = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:status`;

function withoutTrustCondition(r: RoleModel): RoleModel {
  const statements = (r.trustPolicy.Statement as Record<string, unknown>[]).map(
    ({ Condition: _dropped, ...rest }) => rest,
  );
  return { ...r, trustPolicy: { ...r.trustPolicy, Statement: statements } };
}

function model(roles: RoleModel[]): StackModel {
  return fixtureModel(roles, [
    {
      address: 'aws_lambda_permission.p',
      statementId: 'AllowHttpApiInvoke',
      action: 'lambda:InvokeFunction',
      functionArn: FUNCTION,
      principal: 'apigateway.amazonaws.com',
      sourceArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/*/*/describe-execution`,
    },
  ]);
}

describe('IamAuthorizer', () => {
  const starter = role('starter', [{ Effect: 'Allow', Action: 'states:StartExecution', Resource: MACHINE }]);
  const stopper = role('stopper', [
    {
      Effect: 'Allow',
      Action: 'states:StopExecution',
      Resource: `arn:aws:states:us-east-1:${ACCOUNT}:execution:machine:*`,
    },
    {
      Effect: 'Deny',
      Action: 'states:StopExecution',
      Resource: `arn:aws:states:us-east-1:${ACCOUNT}:execution:machine:protected`,
    },
  ]);

  it('allows what the role policy grants and nothing else, in AWS wording, logging each denial', async () => {
    // Prepare
    const logs: string[] = [];
    const iam = await IamAuthorizer.create(model([starter, stopper]), (l) => logs.push(l));

    // Act
    const allowed = await iam.authorizeRole(starter.arn, 'states:StartExecution', MACHINE);
    const wrongAction = await iam.authorizeRole(
      starter.arn,
      'states:StopExecution',
      `arn:aws:states:us-east-1:${ACCOUNT}:execution:machine:x`,
    );
    const explicitDeny = await iam.authorizeRole(
      stopper.arn,
      'states:StopExecution',
      `arn:aws:states:us-east-1:${ACCOUNT}:execution:machine:protected`,
    );
    const otherExecution = await iam.authorizeRole(
      stopper.arn,
      'states:StopExecution',
      `arn:aws:states:us-east-1:${ACCOUNT}:execution:machine:job`,
    );

    // Assess
    expect(allowed.allowed).toBe(true);
    expect(wrongAction).toMatchObject({ allowed: false, result: 'ImplicitlyDenied' });
    expect(wrongAction.message).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/starter/local-runtime is not authorized to perform: states:StopExecution on resource: arn:aws:states:us-east-1:${ACCOUNT}:execution:machine:x because no identity-based policy allows the states:StopExecution action`,
    );
    expect(explicitDeny).toMatchObject({ allowed: false, result: 'ExplicitlyDenied' });
    expect(explicitDeny.message).toMatch(/with an explicit deny in an identity-based policy$/);
    expect(otherExecution.allowed).toBe(true);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatch(
      /^IAM denied: principal arn:aws:sts::123456789012:assumed-role\/starter\/local-runtime action states:StopExecution resource arn:aws:states/,
    );
  });

  it('memoizes decisions but still logs every denied call', async () => {
    // Prepare
    const logs: string[] = [];
    const iam = await IamAuthorizer.create(model([starter]), (l) => logs.push(l));

    // Act
    for (let i = 0; i < 3; i++) await iam.authorizeRole(starter.arn, 'states:StartExecution', MACHINE);
    for (let i = 0; i < 2; i++) await iam.authorizeRole(starter.arn, 'states:ListExecutions', MACHINE);

    // Assess
    expect(iam.simulations).toBe(2);
    expect(logs).toHaveLength(2);
  });

  it('evaluates the function resource policy with the source ARN of the request', async () => {
    // Prepare
    const iam = await IamAuthorizer.create(model([]), () => undefined);

    // Act
    const fromRoute = await iam.authorizeServiceInvoke(
      'apigateway.amazonaws.com',
      FUNCTION,
      `arn:aws:execute-api:us-east-1:${ACCOUNT}:abc123/$default/POST/describe-execution`,
    );
    const fromOtherApi = await iam.authorizeServiceInvoke(
      'apigateway.amazonaws.com',
      FUNCTION,
      `arn:aws:execute-api:us-east-1:${ACCOUNT}:zzz999/$default/POST/describe-execution`,
    );

    // Assess
    expect(fromRoute.allowed).toBe(true);
    expect(fromOtherApi.allowed).toBe(false);
  });

  it('lets only the trusted service assume a role', async () => {
    // Prepare
    const unconditional = withoutTrustCondition(starter);
    const iam = await IamAuthorizer.create(model([unconditional]), () => undefined);

    // Act / Assess
    expect((await iam.authorizeAssumeRole('apigateway.amazonaws.com', unconditional.arn)).allowed).toBe(true);
    expect((await iam.authorizeAssumeRole('states.amazonaws.com', unconditional.arn)).allowed).toBe(false);
  });

  it('takes the stricter side: API Gateway sends no aws:SourceAccount, so a trust condition on it is denied as on AWS', async () => {
    // Prepare: starter's trust policy requires aws:SourceAccount, the mistake AWS answers with a 500 on every request.
    const iam = await IamAuthorizer.create(model([starter]), () => undefined);

    // Act
    const decision = await iam.authorizeAssumeRole('apigateway.amazonaws.com', starter.arn);

    // Assess
    expect(decision.allowed).toBe(false);
    expect(assumeRoleContext('apigateway.amazonaws.com', ACCOUNT)).toEqual({});
  });

  it('supplies aws:SourceAccount and aws:SourceArn when Step Functions assumes a role, as AWS documents', async () => {
    // Prepare
    const machineRole = role(
      'machine-role',
      [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: FUNCTION }],
      'states.amazonaws.com',
    );
    const iam = await IamAuthorizer.create(model([machineRole]), () => undefined);

    // Act / Assess
    expect((await iam.authorizeAssumeRole('states.amazonaws.com', machineRole.arn, MACHINE)).allowed).toBe(true);
    expect(assumeRoleContext('states.amazonaws.com', ACCOUNT, MACHINE)).toEqual({
      'aws:SourceAccount': ACCOUNT,
      'aws:SourceArn': MACHINE,
    });
  });

  it('refuses to start with a malformed policy, naming the resource that defines it', async () => {
    // Prepare
    const broken = role('broken', [
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: MACHINE, Unexpected: true },
    ]);

    // Act / Assess
    await expect(IamAuthorizer.create(model([broken]), () => undefined)).rejects.toThrow(
      /aws_iam_role_policy\.broken \(attribute "policy"\): invalid IAM policy/,
    );
  });
});
