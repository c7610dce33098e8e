import { jobStartRoute, Naming, ROUTES, route } from '../../stacks/naming';

describe('Naming', () => {
  const naming = new Naming('async-api', 'dev');

  it('prefixes components with project and stage', () => {
    expect(naming.name('prime-counter')).toBe('async-api-dev-prime-counter');
  });

  it("refuses a name over the resource type's limit, saying both lengths", () => {
    expect(() => naming.name('x'.repeat(60))).toThrow(/is 74 characters; the limit is 64/);
  });

  it('refuses components that are not lower-case words', () => {
    expect(() => naming.name('Prime_Counter')).toThrow(/must be lower-case letters/);
  });

  it('puts vended logs under /aws/vendedlogs/', () => {
    expect(naming.vendedLogGroup('api-access')).toBe('/aws/vendedlogs/async-api-dev-api-access');
  });

  it('refuses a stage with "-", whose prefix would match another stage\'s names', () => {
    expect(() => new Naming('async-api', 'dev-eu')).toThrow(/Stage "dev-eu" must be/);
  });
});

describe('stage name prefixes', () => {
  // How IAM reads a resource pattern such as `async-api-dev-*`: "*" matches any run of characters.
  const glob = (pattern: string) =>
    new RegExp(
      `^${pattern
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
  const stages = ['dev', 'dev2', 'deveu', 'd', 'prod', 'prod1'];
  const components = ['ramen-timer', 'eu-ramen-timer', 'api', 'describe-execution'];

  it.each(stages.flatMap((a) => stages.filter((b) => b !== a).map((b) => [a, b])))(
    'the CI pattern of stage %s matches no resource name of stage %s',
    (a, b) => {
      // Prepare: the prefix pattern the CI roles use for stage a (ci-policies.ts appResourceArns).
      const pattern = glob(`${new Naming('async-api', a).prefix}-*`);

      // Act
      const matched = components.map((c) => new Naming('async-api', b).name(c)).filter((name) => pattern.test(name));

      // Assess
      expect(matched).toEqual([]);
    },
  );
});

describe('routes', () => {
  it('builds route keys and paths from method and path, never by splitting a key', () => {
    expect(ROUTES.describe).toEqual({ key: 'POST /describe-execution', path: '/describe-execution' });
    expect(jobStartRoute('some-job')).toEqual({
      key: 'POST /some-job/start-execution',
      path: '/some-job/start-execution',
    });
  });

  it('refuses a path without its leading slash', () => {
    expect(() => route('GET', 'executions')).toThrow('Route path "executions" must start with "/"');
  });
});
