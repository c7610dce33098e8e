import {
  ConfigError,
  type ConnectionSettings,
  parseAuthMode,
  regionFromHost,
  resolveConnection,
} from '../../client/config';

const DEPLOYED = 'https://abc123.execute-api.eu-central-1.amazonaws.com';
const OUTPUTS = JSON.stringify({
  'state-bucket': { bucket_name: 'tf-state' },
  'async-api-dev': {
    api_endpoint: DEPLOYED,
    api_auth: 'AWS_IAM',
    region: 'eu-central-1',
    state_machine_arn: 'arn:aws:states:eu-central-1:123456789012:stateMachine:async-api-dev-ramen-timer',
  },
});

function resolveWith(
  settings: ConnectionSettings,
  env: Record<string, string> = {},
  files: Record<string, string> = {},
) {
  return resolveConnection({ settings, env, cwd: '/project', readFile: (path) => files[path] });
}

describe('resolveConnection endpoint', () => {
  it('prefers --endpoint over ASYNC_API_ENDPOINT over the outputs file', () => {
    // Prepare
    const files = { '/project/cdktf.outputs.json': OUTPUTS };
    const env = { ASYNC_API_ENDPOINT: 'https://from-env.example', ASYNC_API_AUTH: 'none' };

    // Act
    const fromFlag = resolveWith({ endpoint: 'https://from-flag.example' }, env, files);
    const fromEnv = resolveWith({}, env, files);
    const fromFile = resolveWith({}, {}, files);

    // Assess
    expect(fromFlag.endpoint).toBe('https://from-flag.example');
    expect(fromEnv.endpoint).toBe('https://from-env.example');
    expect(fromFile).toMatchObject({
      endpoint: DEPLOYED,
      outputs: { file: '/project/cdktf.outputs.json', stack: 'async-api-dev' },
    });
  });

  it('reads the outputs file named by --outputs-file relative to cwd', () => {
    // Act
    const connection = resolveWith({ outputsFile: 'out/o.json' }, {}, { '/project/out/o.json': OUTPUTS });

    // Assess
    expect(connection.endpoint).toBe(DEPLOYED);
  });

  it('says how to provide an endpoint when there is none', () => {
    // Act
    const attempt = () => resolveWith({});

    // Assess
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      /no API endpoint: pass --endpoint <url>, set ASYNC_API_ENDPOINT, write \/project\/cdktf.outputs.json/,
    );
  });

  it('asks for --stack when several stacks have an endpoint, and uses the one named', () => {
    // Prepare
    const two = JSON.stringify({
      'async-api-dev': { api_endpoint: 'https://dev.example' },
      'async-api-prod': { api_endpoint: 'https://prod.example' },
    });
    const files = { '/project/cdktf.outputs.json': two };

    // Act
    const ambiguous = () => resolveWith({ auth: 'none' }, {}, files);
    const chosen = resolveWith({ auth: 'none', stack: 'async-api-prod' }, {}, files);

    // Assess
    expect(ambiguous).toThrow(
      /several stacks with api_endpoint \(async-api-dev, async-api-prod\); pick one with --stack <id>/,
    );
    expect(chosen.endpoint).toBe('https://prod.example');
  });

  it.each([
    [{ outputsFile: 'missing.json' }, /outputs file \/project\/missing.json does not exist/],
    [{ endpoint: 'ftp://example' }, /endpoint must be an http\(s\) URL/],
  ])('rejects %p', (settings, message) => {
    expect(() => resolveWith({ auth: 'none', ...settings })).toThrow(message);
  });

  it('rejects an outputs file that is not JSON, naming the file', () => {
    expect(() => resolveWith({}, {}, { '/project/cdktf.outputs.json': '{oops' })).toThrow(
      /outputs file \/project\/cdktf.outputs.json is not JSON/,
    );
  });

  it('ignores a default outputs file that describes a different endpoint', () => {
    // Prepare: a deployed stack's outputs lying around while calling a local runtime
    const files = { '/project/cdktf.outputs.json': OUTPUTS };

    // Act
    const connection = resolveWith({ endpoint: 'http://127.0.0.1:3000', auth: 'none' }, {}, files);

    // Assess
    expect(connection.outputs).toBeUndefined();
    expect(connection.stateMachineArn).toBeUndefined();
  });
});

describe('resolveConnection auth and region', () => {
  const files = { '/project/cdktf.outputs.json': OUTPUTS };

  it('takes auth from the outputs file (AWS_IAM → iam) and region from it', () => {
    // Act
    const connection = resolveWith({}, {}, files);

    // Assess
    expect(connection).toMatchObject({ auth: 'iam', region: 'eu-central-1' });
    expect(connection.stateMachineArn).toMatch(/:stateMachine:async-api-dev-ramen-timer$/);
  });

  it('prefers --auth over ASYNC_API_AUTH over the outputs file', () => {
    expect(resolveWith({ auth: 'none' }, { ASYNC_API_AUTH: 'jwt' }, files).auth).toBe('none');
    expect(resolveWith({}, { ASYNC_API_AUTH: 'jwt', ASYNC_API_TOKEN: 't' }, files).auth).toBe('jwt');
  });

  it('defaults to iam without any setting', () => {
    expect(resolveWith({ endpoint: DEPLOYED }).auth).toBe('iam');
  });

  it.each([
    [{ region: 'ap-south-1' }, { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-east-2' }, 'ap-south-1'],
    [{}, { AWS_REGION: 'us-west-2', AWS_DEFAULT_REGION: 'us-east-2' }, 'us-west-2'],
    [{}, { AWS_DEFAULT_REGION: 'us-east-2' }, 'us-east-2'],
    [{}, {}, 'eu-central-1'],
  ])('picks the region from %p and env %p: %s', (settings, env, region) => {
    expect(resolveWith({ endpoint: DEPLOYED, ...settings }, env).region).toBe(region);
  });

  it('explains how to give a region when neither settings nor the host name one', () => {
    expect(() => resolveWith({ endpoint: 'https://api.example.com' })).toThrow(
      /--auth iam needs the API's region for SigV4 and api.example.com does not name one: pass --region <region> or set AWS_REGION/,
    );
  });

  it('needs a token for jwt and takes it from ASYNC_API_TOKEN', () => {
    expect(() => resolveWith({ endpoint: DEPLOYED, auth: 'jwt' })).toThrow(
      /--auth jwt needs a token: pass --token <jwt> or set ASYNC_API_TOKEN/,
    );
    expect(resolveWith({ endpoint: DEPLOYED, auth: 'jwt' }, { ASYNC_API_TOKEN: 'eyJ' }).token).toBe('eyJ');
  });

  it('rejects an unknown auth mode listing the accepted ones', () => {
    expect(() => resolveWith({ endpoint: DEPLOYED }, { ASYNC_API_AUTH: 'basic' })).toThrow(
      /auth must be one of iam, jwt, none; got "basic"/,
    );
  });
});

describe('parseAuthMode and regionFromHost', () => {
  it('accepts the stack output spellings', () => {
    expect(['AWS_IAM', 'JWT', 'NONE', 'iam'].map(parseAuthMode)).toEqual(['iam', 'jwt', 'none', 'iam']);
  });

  it('reads the region of execute-api hosts only', () => {
    expect(regionFromHost('https://abc.execute-api.us-east-1.amazonaws.com')).toBe('us-east-1');
    expect(regionFromHost('https://abc.execute-api.cn-north-1.amazonaws.com.cn/prod')).toBe('cn-north-1');
    expect(regionFromHost('http://127.0.0.1:3000')).toBeUndefined();
  });
});

describe('resolveConnection with AWS profiles', () => {
  const profiles = {
    configFile: '/home/u/.aws/config',
    credentialsFile: '/home/u/.aws/credentials',
    config: { default: { region: 'us-west-1' }, ci: { region: 'eu-west-3' }, both: { region: 'eu-north-1' } },
    credentials: { keys: { aws_access_key_id: 'A' }, both: { region: 'sa-east-1' } },
  };
  const resolveIam = (settings: ConnectionSettings, env: Record<string, string> = {}) =>
    resolveConnection({
      settings: { auth: 'iam', ...settings },
      env,
      cwd: '/project',
      readFile: () => undefined,
      profiles,
    });

  it.each([
    [{ endpoint: 'https://api.example.com', profile: 'ci' }, {}, 'eu-west-3'],
    [{ endpoint: 'https://api.example.com' }, { AWS_PROFILE: 'ci' }, 'eu-west-3'],
    [{ endpoint: 'https://api.example.com' }, {}, 'us-west-1'],
    // The AWS CLI merges the credentials file over the config file (`aws configure list` shows it).
    [{ endpoint: 'https://api.example.com', profile: 'both' }, {}, 'sa-east-1'],
    [{ endpoint: 'https://api.example.com', profile: 'ci' }, { AWS_REGION: 'ap-south-1' }, 'ap-south-1'],
    // The API's own region comes before a profile's default: a signature for another region is refused.
    [{ endpoint: DEPLOYED, profile: 'ci' }, {}, 'eu-central-1'],
  ])('takes the region from %p with env %p: %s', (settings, env, region) => {
    expect(resolveIam(settings, env).region).toBe(region);
  });

  it('counts a profile of the credentials file as existing', () => {
    expect(resolveIam({ endpoint: DEPLOYED, profile: 'keys' }).profile).toBe('keys');
  });

  it('names a chosen profile that neither file has, and the files it looked in', () => {
    expect(() => resolveIam({ endpoint: DEPLOYED, profile: 'nope' })).toThrow(
      'the profile "nope" is in neither /home/u/.aws/config nor /home/u/.aws/credentials',
    );
  });

  it('does not look at profiles for auth none', () => {
    expect(resolveIam({ endpoint: DEPLOYED, profile: 'nope', auth: 'none' }).auth).toBe('none');
  });
});

describe('resolveConnection hints for a local endpoint', () => {
  it('names --auth none first when iam was only the default', () => {
    expect(() => resolveWith({ endpoint: 'http://localhost:3000' })).toThrow(
      /localhost:3000 is a local API .*if the API has no authorisation \(npm start with API_AUTH=NONE\), pass --auth none; if it uses AWS_IAM, pass --region/,
    );
  });

  it('asks only for a region when iam was chosen', () => {
    expect(() => resolveWith({ endpoint: 'http://127.0.0.1:3000', auth: 'iam' })).toThrow(
      /^--auth iam needs the API's region for SigV4/,
    );
  });
});

describe('resolveConnection with jobs', () => {
  const EGG = 'arn:aws:states:eu-central-1:123456789012:stateMachine:async-api-dev-boil-egg';
  const RAMEN = 'arn:aws:states:eu-central-1:123456789012:stateMachine:async-api-dev-ramen-timer';
  const withJobs = {
    '/project/cdktf.outputs.json': JSON.stringify({
      'async-api-dev': {
        api_endpoint: DEPLOYED,
        api_auth: 'NONE',
        state_machine_arn: RAMEN,
        default_job: 'ramen-timer',
        jobs: { 'ramen-timer': { state_machine_arn: RAMEN }, 'boil-egg': { state_machine_arn: EGG } },
      },
    }),
  };
  const withoutJobs = {
    '/project/cdktf.outputs.json': JSON.stringify({
      'async-api-dev': { api_endpoint: DEPLOYED, api_auth: 'NONE', state_machine_arn: RAMEN },
    }),
  };

  it("takes the job's own state machine, and the default job's without --job", () => {
    expect(resolveWith({ job: 'boil-egg' }, {}, withJobs)).toMatchObject({ job: 'boil-egg', stateMachineArn: EGG });
    expect(resolveWith({}, {}, withJobs)).toMatchObject({ job: undefined, stateMachineArn: RAMEN });
  });

  it('lists the known jobs for an unknown one', () => {
    expect(() => resolveWith({ job: 'fry-rice' }, {}, withJobs)).toThrow(
      'no job "fry-rice" in /project/cdktf.outputs.json (stack async-api-dev); its jobs: boil-egg, ramen-timer',
    );
  });

  it("does not lend the default job's state machine to another job when the outputs list no jobs", () => {
    expect(resolveWith({ job: 'boil-egg' }, {}, withoutJobs).stateMachineArn).toBeUndefined();
  });

  it('refuses a job name that is not a URL path segment', () => {
    expect(() => resolveWith({ job: 'a/b' }, {}, withJobs)).toThrow(/--job "a\/b" is not a job name/);
  });
});
