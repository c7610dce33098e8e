import type { TerraformJson } from '../../../local/terraform/document';
import { parseTemplate } from '../../../local/terraform/expressions';
import { ResolutionError, TerraformResolver } from '../../../local/terraform/resolver';

const identity = { accountId: '123456789012', partition: 'aws', apiEndpoint: 'http://127.0.0.1:3000' };

function doc(resources: Record<string, Record<string, Record<string, unknown>>>, data = {}): TerraformJson {
  return { provider: { aws: [{ region: 'eu-west-1' }] }, resource: resources, data } as TerraformJson;
}

describe('parseTemplate', () => {
  it('splits text and expressions and keeps Terraform escapes as text', () => {
    // Act
    const parts = parseTemplate('a ${x.y.z} $${literal} %%{dir} b');

    // Assess
    expect(parts).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'expression', expression: 'x.y.z' },
      { kind: 'text', text: ' ${literal} %{dir} b' },
    ]);
  });
});

describe('TerraformResolver', () => {
  it('resolves references iteratively: a policy needs a function ARN, which needs its name from another resource', () => {
    // Prepare
    const resolver = new TerraformResolver(
      doc({
        aws_lambda_function: { worker: { function_name: '${aws_iam_role.r.name}-fn' } },
        aws_iam_role: { r: { name: 'app' } },
      }),
      identity,
    );

    // Act
    const policy = resolver.resolve('{"Resource":"${aws_lambda_function.worker.arn}:*"}', {
      address: 'aws_iam_role_policy.p',
      attribute: 'policy',
    });

    // Assess
    expect(policy).toBe('{"Resource":"arn:aws:lambda:eu-west-1:123456789012:function:app-fn:*"}');
  });

  it('gives a whole-string reference its own type and renders data sources', () => {
    // Prepare
    const resolver = new TerraformResolver(
      doc(
        { aws_lambda_function: { f: { function_name: 'f', timeout: 30 } } },
        { aws_partition: { p: {} }, aws_caller_identity: { c: {} } },
      ),
      identity,
    );
    const at = { address: 'x.y', attribute: 'z' };

    // Act / Assess
    expect(resolver.resolve('${aws_lambda_function.f.timeout}', at)).toBe(30);
    expect(
      resolver.resolve(
        'arn:${data.aws_partition.p.partition}:states:eu-west-1:${data.aws_caller_identity.c.account_id}:x',
        at,
      ),
    ).toBe('arn:aws:states:eu-west-1:123456789012:x');
  });

  it('computes the attributes the stack uses with deterministic local values', () => {
    // Prepare
    const resolver = new TerraformResolver(
      doc({
        aws_lambda_function: { f: { function_name: 'fn' } },
        aws_apigatewayv2_api: { api: { name: 'my-api' } },
        aws_sfn_state_machine: { sm: { name: 'machine' } },
        aws_cloudwatch_log_group: { lg: { name: '/aws/x' } },
      }),
      identity,
    );
    const at = { address: 'output.o', attribute: 'value' };
    const get = (ref: string): unknown => resolver.resolve(`\${${ref}}`, at);

    // Act
    const apiId = get('aws_apigatewayv2_api.api.id');

    // Assess
    expect(apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(get('aws_apigatewayv2_api.api.id')).toBe(apiId);
    expect(get('aws_apigatewayv2_api.api.execution_arn')).toBe(
      `arn:aws:execute-api:eu-west-1:123456789012:${String(apiId)}`,
    );
    expect(get('aws_apigatewayv2_api.api.api_endpoint')).toBe('http://127.0.0.1:3000');
    expect(get('aws_lambda_function.f.invoke_arn')).toBe(
      'arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:fn/invocations',
    );
    expect(get('aws_sfn_state_machine.sm.arn')).toBe('arn:aws:states:eu-west-1:123456789012:stateMachine:machine');
    expect(get('aws_cloudwatch_log_group.lg.arn')).toBe('arn:aws:logs:eu-west-1:123456789012:log-group:/aws/x');
  });

  it('stops with the resource and attribute when an expression is not a reference', () => {
    // Prepare
    const resolver = new TerraformResolver(doc({ aws_iam_role: { r: { name: '${upper("x")}' } } }), identity);

    // Act
    const act = (): unknown => resolver.resource('aws_iam_role.r').arg('name');

    // Assess
    expect(act).toThrow(ResolutionError);
    expect(act).toThrow(/aws_iam_role\.r \(attribute "name"\): \$\{upper\("x"\)\} cannot be evaluated locally/);
  });

  it('stops with the referencing resource and attribute when a referenced attribute is not computed', () => {
    // Prepare
    const resolver = new TerraformResolver(
      doc({
        aws_lambda_function: { f: { function_name: 'fn' } },
        aws_iam_role_policy: { p: { policy: '${aws_lambda_function.f.signing_job_arn}' } },
      }),
      identity,
    );

    // Act
    const act = (): unknown => resolver.resource('aws_iam_role_policy.p').arg('policy');

    // Assess
    expect(act).toThrow(
      /aws_iam_role_policy\.p \(attribute "policy"\): references aws_lambda_function\.f\.signing_job_arn/,
    );
  });

  it('stops on references to resources the stack does not define, and on cycles', () => {
    // Prepare
    const resolver = new TerraformResolver(
      doc({
        aws_iam_role: {
          a: { name: '${aws_iam_role.b.name}' },
          b: { name: '${aws_iam_role.a.name}' },
          c: { name: '${aws_s3_bucket.x.id}' },
        },
      }),
      identity,
    );

    // Act / Assess
    expect(() => resolver.resource('aws_iam_role.c').arg('name')).toThrow(
      /aws_iam_role\.c \(attribute "name"\): the stack defines no aws_s3_bucket\.x/,
    );
    expect(() => resolver.resource('aws_iam_role.a').arg('name')).toThrow(/reference cycle/);
  });

  it('fails when the aws provider has no region', () => {
    // Act / Assess
    expect(() => new TerraformResolver({ provider: { aws: [{}] } } as TerraformJson, identity)).toThrow(
      /provider\.aws \(attribute "region"\)/,
    );
  });
});

describe('TerraformResolver.tagsOf', () => {
  it("overlays the resource's own tags on the provider's default_tags, as tags_all", () => {
    // Prepare
    const resolver = new TerraformResolver(
      {
        provider: { aws: [{ region: 'eu-west-1', default_tags: [{ tags: { project: 'async-api', stage: 'dev' } }] }] },
        resource: {
          aws_sfn_state_machine: { sm: { name: 'm', tags: { stage: 'prod', owner: '${aws_iam_role.r.name}' } } },
          aws_iam_role: { r: { name: 'team' } },
        },
      } as TerraformJson,
      identity,
    );

    // Act / Assess
    expect(resolver.tagsOf('aws_sfn_state_machine.sm')).toEqual({ project: 'async-api', stage: 'prod', owner: 'team' });
  });

  it('refuses tags that are not a map of strings', () => {
    // Prepare
    const resolver = new TerraformResolver(doc({ aws_sfn_state_machine: { sm: { tags: { n: 1 } } } }), identity);

    // Act / Assess
    expect(() => resolver.tagsOf('aws_sfn_state_machine.sm')).toThrow(ResolutionError);
  });
});
