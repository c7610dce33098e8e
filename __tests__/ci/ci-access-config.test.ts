import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { buildApp } from '../../stacks/app';
import { ConfigError, parseConfig } from '../../stacks/config';

const BASE = { TF_STATE_BUCKET: 'test-state' };

/** The problems parseConfig reports for `env`. */
function problems(env: Record<string, string>): readonly string[] {
  try {
    parseConfig({ ...BASE, ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('ci-access settings', () => {
  it('are absent without GITHUB_REPOSITORY, so a fresh clone synthesizes with TF_STATE_BUCKET alone', () => {
    expect(parseConfig(BASE).ciAccess).toBeUndefined();
  });

  it("default to the production environment, a new OIDC provider and a state key beside the stage's", () => {
    expect(parseConfig({ ...BASE, GITHUB_REPOSITORY: 'octo-org/async-api', STAGE: 'prod' }).ciAccess).toEqual({
      repository: 'octo-org/async-api',
      deployEnvironment: 'production',
      stateKey: 'async-api/prod/ci-access.tfstate',
    });
  });

  it('take the environment, an existing provider and the state key from the environment', () => {
    const ciAccess = parseConfig({
      ...BASE,
      GITHUB_REPOSITORY: 'Octo-Org/async.api_2',
      DEPLOY_ENVIRONMENT: 'prod-eu',
      OIDC_PROVIDER_ARN: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
      CI_ACCESS_STATE_KEY: 'ci/access.tfstate',
    }).ciAccess;

    expect(ciAccess).toEqual({
      repository: 'Octo-Org/async.api_2',
      deployEnvironment: 'prod-eu',
      oidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
      stateKey: 'ci/access.tfstate',
    });
  });

  it.each([
    ['GITHUB_REPOSITORY', 'octo-org'],
    ['GITHUB_REPOSITORY', 'octo-org/async-api/extra'],
    ['GITHUB_REPOSITORY', 'octo-org/*'],
    ['GITHUB_REPOSITORY', 'octo-org/..'],
    ['GITHUB_REPOSITORY', '-octo/async-api'],
    ['DEPLOY_ENVIRONMENT', 'prod env'],
    ['OIDC_PROVIDER_ARN', 'arn:aws:iam::123456789012:oidc-provider/accounts.google.com'],
    ['CI_ACCESS_STATE_KEY', 'state key with spaces'],
  ])('reject %s=%j with a message naming the variable', (name, value) => {
    const found = problems({ GITHUB_REPOSITORY: 'octo-org/async-api', [name]: value });

    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${name}=".*" is invalid: expected `));
  });

  it('are checked even without GITHUB_REPOSITORY, so a typo is never silently ignored', () => {
    expect(problems({ DEPLOY_ENVIRONMENT: 'prod env' })).toEqual([
      'DEPLOY_ENVIRONMENT="prod env" is invalid: expected the name of the GitHub environment the deploy job uses: letters, digits, ".", "_" and "-".',
    ]);
  });
});

describe('buildApp', () => {
  const stacksOf = (env: Record<string, string>) => {
    const app = Testing.app();
    buildApp(app, parseConfig({ ...BASE, ...env }), { buildDir: mkdtempSync(join(tmpdir(), 'ci-app-bundles-')) });
    return app.node.children.map((c) => c.node.id).sort();
  };

  it('adds the ci-access stack only when GITHUB_REPOSITORY is set', () => {
    expect(stacksOf({})).toEqual(['async-api-dev', 'state-bucket']);
    expect(stacksOf({ GITHUB_REPOSITORY: 'octo-org/async-api' })).toEqual([
      'async-api-dev',
      'ci-access',
      'state-bucket',
    ]);
  });
});
