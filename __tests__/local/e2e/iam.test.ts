/**
 * End-to-end IAM: AWS_IAM routes verify SigV4, and every call a service makes for a role is checked
 * against that role's synthesized policies; stripping one action from a role makes that call fail
 * as AWS would, and the runtime's log names principal, action and resource.
 */
import { localToken } from '../../../local/apigw/jwt';
import { machineStartedBy } from '../../../local/terraform/model';
import { defaultJob } from '../../../stacks/job';
import { JOBS } from '../../../stacks/jobs';
import {
  DEFAULT_SETTINGS,
  postJson,
  signedPostJson,
  startTestRuntime,
  stripAction,
  type TestRuntime,
  uniqueName,
} from '../helpers';

jest.setTimeout(30_000);

const IAM_SETTINGS = { ...DEFAULT_SETTINGS, API_AUTH: 'AWS_IAM' };

describe('AWS_IAM routes', () => {
  let rt: TestRuntime;

  beforeAll(async () => {
    rt = await startTestRuntime({ settings: IAM_SETTINGS });
  });
  afterAll(async () => rt?.close());

  it('refuses an unsigned request with 403 "Missing Authentication Token" and starts nothing', async () => {
    // Act
    const response = await postJson(`${rt.url}/start-execution`, { input: {}, name: uniqueName('unsigned') });

    // Assess
    expect(response).toMatchObject({ status: 403, body: { message: 'Missing Authentication Token' } });
    expect(rt.runtime.sfn.runningCount).toBe(0);
  });

  it('accepts requests signed with the local credentials printed at start-up', async () => {
    // Act
    const started = await signedPostJson(
      `${rt.url}/start-execution`,
      { input: defaultJob(JOBS).exampleInput, name: uniqueName('signed') },
      rt.runtime.credentials,
    );
    const described = await signedPostJson(
      `${rt.url}/describe-execution`,
      { executionArn: started.body.executionArn },
      rt.runtime.credentials,
    );

    // Assess
    expect(started.status).toBe(200);
    expect(described.status).toBe(200);
    expect(described.body.executionArn).toBe(started.body.executionArn);
  });

  it('refuses a wrong secret and an expired signature with the SigV4 messages', async () => {
    // Act
    const wrongSecret = await signedPostJson(
      `${rt.url}/start-execution`,
      { input: {} },
      { ...rt.runtime.credentials, secretAccessKey: 'x'.repeat(40) },
    );
    const expired = await signedPostJson(`${rt.url}/start-execution`, { input: {} }, rt.runtime.credentials, {
      signingDate: new Date(Date.now() - 20 * 60_000),
    });

    // Assess
    expect(wrongSecret.status).toBe(403);
    expect(wrongSecret.body.message).toMatch(
      /^The request signature we calculated does not match the signature you provided/,
    );
    expect(expired.status).toBe(403);
    expect(expired.body.message).toMatch(/^Signature expired: /);
  });
});

describe('a role stripped of one action', () => {
  it('API Gateway role without states:StartExecution: the start is denied as Step Functions would, and logged', async () => {
    // Prepare
    const rt = await startTestRuntime({ transform: (doc) => stripAction(doc, 'states:StartExecution') });
    try {
      // Act
      const response = await postJson(`${rt.url}/start-execution`, { input: {}, name: uniqueName('denied') });

      // Assess
      const machine = machineStartedBy(rt.runtime.model).arn;
      expect(response.status).toBe(400);
      expect(response.body.__type).toMatch(/#AccessDeniedException$/);
      expect(response.body.message).toMatch(
        new RegExp(`is not authorized to perform: states:StartExecution on resource: ${machine}`),
      );
      expect(rt.runtime.sfn.runningCount).toBe(0);
      expect(
        rt.logs.some((l) =>
          /^IAM denied: principal arn:aws:sts::123456789012:assumed-role\/[^ ]+ action states:StartExecution resource /.test(
            l,
          ),
        ),
      ).toBe(true);
    } finally {
      await rt.close();
    }
  });

  it("status Lambda role without states:DescribeExecution: describe fails with the function's 500, and the denial is logged", async () => {
    // Prepare
    const rt = await startTestRuntime({ transform: (doc) => stripAction(doc, 'states:DescribeExecution') });
    try {
      const started = await postJson(`${rt.url}/start-execution`, {
        input: defaultJob(JOBS).exampleInput,
        name: uniqueName('nodescribe'),
      });

      // Act
      const response = await postJson(`${rt.url}/describe-execution`, { executionArn: started.body.executionArn });

      // Assess
      expect(response).toMatchObject({ status: 500, body: { message: 'Internal server error' } });
      const statusRole = rt.runtime.model.functions
        .find((f) => f.functionName.endsWith('-describe-execution'))!
        .roleArn.split('/')
        .pop();
      expect(rt.logs).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^IAM denied: principal arn:aws:sts::123456789012:assumed-role/${statusRole}/local-runtime action states:DescribeExecution resource ${started.body.executionArn}`,
          ),
        ),
      );
    } finally {
      await rt.close();
    }
  });
});

describe('JWT routes', () => {
  it('answer 401 without a valid token and serve a token with the configured issuer and audience', async () => {
    // Prepare
    const settings = {
      ...DEFAULT_SETTINGS,
      API_AUTH: 'JWT',
      JWT_ISSUER: 'https://issuer.example',
      JWT_AUDIENCE: 'client-1',
    };
    const rt = await startTestRuntime({ settings });
    const claims = { iss: 'https://issuer.example', aud: 'client-1', exp: Math.floor(Date.now() / 1000) + 600 };
    try {
      // Act
      const missing = await postJson(`${rt.url}/start-execution`, { input: {} });
      const otherAudience = await postJson(
        `${rt.url}/start-execution`,
        { input: {} },
        { authorization: `Bearer ${localToken({ ...claims, aud: 'other' })}` },
      );
      const valid = await postJson(
        `${rt.url}/start-execution`,
        { input: defaultJob(JOBS).exampleInput, name: uniqueName('jwt') },
        { authorization: `Bearer ${localToken(claims)}` },
      );

      // Assess
      expect(missing).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
      expect(otherAudience.status).toBe(401);
      expect(otherAudience.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(valid.status).toBe(200);
    } finally {
      await rt.close();
    }
  });
});

describe('trust conditions on keys a service does not send', () => {
  it('a credentials role that requires aws:SourceAccount: API Gateway cannot assume it, so the start answers 500, as on AWS', async () => {
    // Prepare: the mistake of issue 11, put back into the synthesized start-execution credentials role.
    const rt = await startTestRuntime({
      transform: (doc) => {
        const roles = (doc.resource?.['aws_iam_role'] ?? {}) as Record<
          string,
          { name: string; assume_role_policy: string }
        >;
        // The default job's start role: POST /start-execution uses it.
        const role = Object.values(roles).find((r) => r.name === `async-api-dev-${defaultJob(JOBS).name}-start`)!;
        const trust = JSON.parse(role.assume_role_policy) as { Statement: Record<string, unknown>[] };
        trust.Statement[0]!.Condition = { StringEquals: { 'aws:SourceAccount': '123456789012' } };
        role.assume_role_policy = JSON.stringify(trust);
        return doc;
      },
    });
    try {
      // Act
      const response = await postJson(`${rt.url}/start-execution`, {
        input: defaultJob(JOBS).exampleInput,
        name: uniqueName('trust'),
      });

      // Assess
      expect(response).toMatchObject({ status: 500, body: { message: 'Internal Server Error' } });
      expect(rt.runtime.sfn.runningCount).toBe(0);
      expect(
        rt.logs.some((l) => /^IAM denied: principal apigateway\.amazonaws\.com action sts:AssumeRole /.test(l)),
      ).toBe(true);
    } finally {
      await rt.close();
    }
  });
});
