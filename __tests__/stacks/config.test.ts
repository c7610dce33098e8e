import { CONFIG_VARIABLES, ConfigError, parseConfig } from '../../stacks/config';

const minimal = { TF_STATE_BUCKET: 'my-state-bucket' };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('fills every default from a bucket name alone', () => {
    // Act
    const config = parseConfig(minimal);

    // Assess
    expect(config).toEqual({
      region: 'us-east-1',
      stage: 'dev',
      state: { bucket: 'my-state-bucket', key: 'async-api/dev/terraform.tfstate', region: 'us-east-1' },
      apiAuth: { mode: 'AWS_IAM' },
      logRetentionDays: 30,
      throttling: { rateLimit: 50, burstLimit: 100 },
      stateMachineLogLevel: 'ERROR',
      logExecutionData: false,
      corsAllowedOrigins: [],
      cloudwatch: { alarms: true, dashboard: true },
    });
  });

  it('derives the state key from the stage and the state region from the region', () => {
    const config = parseConfig({ ...minimal, STAGE: 'prod', AWS_REGION: 'eu-west-1' });

    expect(config.state).toEqual({
      bucket: 'my-state-bucket',
      key: 'async-api/prod/terraform.tfstate',
      region: 'eu-west-1',
    });
  });

  it('reads JWT issuer and comma-separated audiences', () => {
    const config = parseConfig({
      ...minimal,
      API_AUTH: 'JWT',
      JWT_ISSUER: 'https://issuer.example.com/',
      JWT_AUDIENCE: 'app-a,app-b',
    });

    expect(config.apiAuth).toEqual({
      mode: 'JWT',
      issuer: 'https://issuer.example.com/',
      audience: ['app-a', 'app-b'],
    });
  });

  it.each([
    [{}, /^TF_STATE_BUCKET is required/],
    [{ ...minimal, AWS_REGION: 'mars' }, /^AWS_REGION="mars" is invalid: expected an AWS region/],
    [{ ...minimal, STAGE: 'Prod_1' }, /^STAGE="Prod_1" is invalid/],
    [
      { ...minimal, TF_STATE_BUCKET: 'x' },
      /^TF_STATE_BUCKET="x" is invalid: expected the S3 bucket that holds Terraform state: 3 to 63 characters/,
    ],
    [{ ...minimal, STAGE: 'dev-eu' }, /^STAGE="dev-eu" is invalid: .*no "-"/],
    [{ ...minimal, API_AUTH: 'COGNITO' }, /^API_AUTH="COGNITO" is invalid: expected one of AWS_IAM, JWT, NONE/],
    [{ ...minimal, API_AUTH: 'JWT', JWT_AUDIENCE: 'x' }, /^JWT_ISSUER is required/],
    [
      { ...minimal, API_AUTH: 'JWT', JWT_ISSUER: 'http://insecure', JWT_AUDIENCE: 'x' },
      /^JWT_ISSUER="http:\/\/insecure" is invalid/,
    ],
    [{ ...minimal, LOG_RETENTION_DAYS: '10' }, /^LOG_RETENTION_DAYS="10" is invalid: expected one of 1, 3, 5/],
    [{ ...minimal, API_THROTTLE_BURST: '1.5' }, /^API_THROTTLE_BURST="1.5" is invalid: expected a whole number/],
    [{ ...minimal, SFN_LOG_LEVEL: 'OFF' }, /^SFN_LOG_LEVEL="OFF" is invalid: expected one of ALL, ERROR, FATAL/],
    [{ ...minimal, SFN_LOG_EXECUTION_DATA: 'yes' }, /^SFN_LOG_EXECUTION_DATA="yes" is invalid/],
    [{ TF_STATE_BUCKET: 'Not_A_Bucket' }, /^TF_STATE_BUCKET="Not_A_Bucket" is invalid/],
    [{ TF_STATE_BUCKET: 'ends-with-' }, /^TF_STATE_BUCKET="ends-with-" is invalid/],
  ])('rejects %j with a line naming the variable', (env, expected) => {
    const problems = problemsOf(env as Record<string, string>);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(expected);
  });

  it('reports every bad setting at once, one line each', () => {
    const problems = problemsOf({ STAGE: 'BAD', API_AUTH: 'nope' });

    expect(problems.map((p) => p.split(/[ =]/)[0])).toEqual(['STAGE', 'TF_STATE_BUCKET', 'API_AUTH']);
    expect(problems.every((p) => !p.includes('\n'))).toBe(true);
  });

  describe('CORS_ALLOWED_ORIGINS', () => {
    it('allows no origin unless set, and reads comma-separated origins', () => {
      expect(parseConfig(minimal).corsAllowedOrigins).toEqual([]);
      expect(
        parseConfig({ ...minimal, CORS_ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:5173' })
          .corsAllowedOrigins,
      ).toEqual(['https://app.example.com', 'http://localhost:5173']);
    });

    it.each([
      ['*', /wildcards are not accepted/],
      ['https://*.example.com', /wildcards are not accepted/],
      ['https://app.example.com/', /no path or trailing slash/],
      ['app.example.com', /must be scheme:\/\/host\[:port\]/],
      ['https://App.example.com', /in lower case/],
      ['https://a.example.com,,https://b.example.com', /must be scheme/],
    ])('refuses %p, naming the variable', (value, expected) => {
      const problems = problemsOf({ ...minimal, CORS_ALLOWED_ORIGINS: value });

      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^CORS_ALLOWED_ORIGINS: /);
      expect(problems[0]).toMatch(expected);
    });
  });

  it('treats blank values as unset', () => {
    expect(parseConfig({ ...minimal, STAGE: '  ', AWS_REGION: '' }).stage).toBe('dev');
  });

  describe('ROLE_PERMISSIONS_BOUNDARY_ARN', () => {
    it('is absent unless set, so a deploy without ci-access needs no boundary', () => {
      expect(parseConfig(minimal)).not.toHaveProperty('rolePermissionsBoundaryArn');
      expect(parseConfig({ ...minimal, ROLE_PERMISSIONS_BOUNDARY_ARN: ' ' })).not.toHaveProperty(
        'rolePermissionsBoundaryArn',
      );
    });

    it.each([
      ['arn:aws:iam::123456789012:policy/gha-async-api-dev-app-boundary'],
      ['arn:aws:iam::123456789012:policy/boundaries/team-a/app+boundary@v2'],
      ['arn:aws-us-gov:iam::123456789012:policy/app-boundary'],
      ['arn:aws:iam::aws:policy/PowerUserAccess'],
    ])('accepts the managed policy ARN %s', (arn) => {
      expect(parseConfig({ ...minimal, ROLE_PERMISSIONS_BOUNDARY_ARN: arn }).rolePermissionsBoundaryArn).toBe(arn);
    });

    it.each([
      ['a role', 'arn:aws:iam::123456789012:role/app-boundary'],
      ['a policy name alone', 'app-boundary'],
      ['a short account id', 'arn:aws:iam::12345:policy/app-boundary'],
      ['another service', 'arn:aws:s3:::app-boundary'],
      ['an empty name', 'arn:aws:iam::123456789012:policy/'],
      ['a name with a space', 'arn:aws:iam::123456789012:policy/app boundary'],
    ])('rejects %s with a line naming the variable', (_what, arn) => {
      const problems = problemsOf({ ...minimal, ROLE_PERMISSIONS_BOUNDARY_ARN: arn });

      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(
        /^ROLE_PERMISSIONS_BOUNDARY_ARN=".*" is invalid: expected the ARN of an IAM managed policy/,
      );
    });
  });

  it('lets the state bucket be destroyed only with STATE_BUCKET_ALLOW_DESTROY=true', () => {
    expect(parseConfig(minimal).stateBucketAllowDestroy).toBeUndefined();
    expect(parseConfig({ ...minimal, STATE_BUCKET_ALLOW_DESTROY: 'false' }).stateBucketAllowDestroy).toBeUndefined();
    expect(parseConfig({ ...minimal, STATE_BUCKET_ALLOW_DESTROY: 'true' }).stateBucketAllowDestroy).toBe(true);
    expect(problemsOf({ ...minimal, STATE_BUCKET_ALLOW_DESTROY: 'yes' })[0]).toMatch(
      /^STATE_BUCKET_ALLOW_DESTROY="yes" is invalid/,
    );
  });

  it('reads exactly the variables CONFIG_VARIABLES lists, so tools watching them miss none', () => {
    // Prepare: JWT and GITHUB_REPOSITORY take the branches that read the most variables.
    const read = new Set<string>();
    const env = new Proxy(
      {
        ...minimal,
        API_AUTH: 'JWT',
        JWT_ISSUER: 'https://issuer.example.com',
        JWT_AUDIENCE: 'a',
        GITHUB_REPOSITORY: 'o/r',
      } as Record<string, string>,
      {
        get: (target, key: string) => {
          read.add(key);
          return target[key];
        },
      },
    );

    // Act
    parseConfig(env);

    // Assess
    expect([...read].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});
