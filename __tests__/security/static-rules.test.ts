import { KNOWN_CHECKS, OWN_RULE_PREFIX } from '../../security/catalogue';
import { evaluateRule, type Rule, type RuleResult } from '../../security/engine';
import { CHECKOV_DEPRECATED_RUNTIMES, runtimeStatus } from '../../security/lambda-runtimes';
import { RULES } from '../../security/rules';
import { applyWaivers } from '../../security/waivers';
import { type ResourceJson, type SynthesizedApp, scanFixture, synthesizeApp } from './fixtures';

const TODAY = new Date();
const FIXED_DAY = new Date('2026-11-24T12:00:00Z');

const policy = (...statements: Record<string, unknown>[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements });
const fn = (extra: Record<string, unknown> = {}) => ({
  function_name: 'f',
  role: 'arn:aws:iam::123456789012:role/r',
  runtime: 'nodejs24.x',
  handler: 'index.handler',
  tracing_config: { mode: 'Active' },
  ...extra,
});
const bucketOnly: ResourceJson = { aws_s3_bucket: { b: { bucket: 'fixture-bucket' } } };
const withPab = (settings: Record<string, boolean>): ResourceJson => ({
  ...bucketOnly,
  aws_s3_bucket_public_access_block: {
    pab: {
      bucket: '${aws_s3_bucket.b.id}',
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
      ...settings,
    },
  },
});
const role = (trust: Record<string, unknown>) => ({
  aws_iam_role: {
    r: { name: 'r', assume_role_policy: policy({ Effect: 'Allow', Action: 'sts:AssumeRole', ...trust }) },
  },
});
const githubRole = (sub: string) =>
  role({
    Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringLike: { 'token.actions.githubusercontent.com:sub': sub } },
  });
const rolePolicy = (...statements: Record<string, unknown>[]): ResourceJson => ({
  aws_iam_role_policy: { p: { name: 'p', role: 'r', policy: policy(...statements) } },
});

/**
 * For every rule, the smallest Terraform JSON that breaks it, and the resource the violation must
 * point at. If a rule cannot flag this, it checks nothing.
 */
const BAD: Record<
  string,
  { readonly what: string; readonly json: ResourceJson; readonly at: string; readonly today?: Date }
> = {
  CKV_AWS_76: {
    what: 'a stage without access_log_settings',
    json: { aws_apigatewayv2_stage: { s: { api_id: 'a', name: '$default' } } },
    at: 'aws_apigatewayv2_stage.s',
  },
  CKV_AWS_309: {
    what: 'a route with authorization_type NONE',
    json: { aws_apigatewayv2_route: { r: { api_id: 'a', route_key: 'POST /x', authorization_type: 'NONE' } } },
    at: 'aws_apigatewayv2_route.r',
  },
  CKV2_AWS_77: {
    what: 'an HTTP API with no web ACL association',
    json: { aws_apigatewayv2_api: { a: { name: 'a', protocol_type: 'HTTP' } } },
    at: 'aws_apigatewayv2_api.a',
  },
  CKV_AWS_284: {
    what: 'a state machine with tracing disabled',
    json: {
      aws_sfn_state_machine: {
        m: { name: 'm', role_arn: 'x', definition: '{}', tracing_configuration: { enabled: false } },
      },
    },
    at: 'aws_sfn_state_machine.m',
  },
  CKV_AWS_285: {
    what: 'a state machine that logs without execution data',
    json: {
      aws_sfn_state_machine: {
        m: {
          name: 'm',
          role_arn: 'x',
          definition: '{}',
          logging_configuration: { level: 'ALL', include_execution_data: false },
        },
      },
    },
    at: 'aws_sfn_state_machine.m',
  },
  AAPI_SFN_LOGGING: {
    what: 'a state machine with logging level OFF',
    json: {
      aws_sfn_state_machine: {
        m: {
          name: 'm',
          role_arn: 'x',
          definition: '{}',
          logging_configuration: { level: 'OFF', log_destination: 'arn:aws:logs:us-east-1:123456789012:log-group:g:*' },
        },
      },
    },
    at: 'aws_sfn_state_machine.m',
  },
  AAPI_SNS_ENCRYPTED: {
    what: 'a topic with the AWS-managed key, which EventBridge cannot use',
    json: { aws_sns_topic: { t: { name: 't', kms_master_key_id: 'alias/aws/sns' } } },
    at: 'aws_sns_topic.t',
  },
  AAPI_SQS_ENCRYPTED: {
    what: 'a queue without encryption',
    json: { aws_sqs_queue: { q: { name: 'q', sqs_managed_sse_enabled: false } } },
    at: 'aws_sqs_queue.q',
  },
  AAPI_DLQ_RETENTION: {
    what: "a function's dead-letter queue with the default retention",
    json: {
      aws_sqs_queue: { q: { name: 'dlq', sqs_managed_sse_enabled: true } },
      aws_lambda_function: { f: fn({ dead_letter_config: { target_arn: '${aws_sqs_queue.q.arn}' } }) },
    },
    at: 'aws_sqs_queue.q',
  },
  AAPI_SCHEDULE_DLQ: {
    what: 'a schedule without a dead-letter queue',
    json: { aws_scheduler_schedule: { s: { name: 's', target: { arn: 'a', role_arn: 'r', retry_policy: {} } } } },
    at: 'aws_scheduler_schedule.s',
  },
  AAPI_SCHEDULE_TIME_ZONE: {
    what: 'a schedule without a time zone',
    json: { aws_scheduler_schedule: { s: { name: 's', schedule_expression: 'cron(0 2 * * ? *)' } } },
    at: 'aws_scheduler_schedule.s',
  },
  AAPI_ALARM_ACTIONS: {
    what: 'an alarm that notifies nobody',
    json: { aws_cloudwatch_metric_alarm: { a: { alarm_name: 'a', alarm_actions: [] } } },
    at: 'aws_cloudwatch_metric_alarm.a',
  },
  AAPI_ASYNC_LAMBDA_DLQ: {
    what: 'a function an EventBridge rule invokes, without a dead-letter queue',
    json: {
      aws_lambda_function: { f: fn() },
      aws_cloudwatch_event_target: { t: { rule: 'r', arn: '${aws_lambda_function.f.arn}' } },
    },
    at: 'aws_lambda_function.f',
  },
  CKV_AWS_119: {
    what: 'a table encrypted under the AWS managed key (no kms_key_arn)',
    json: { aws_dynamodb_table: { t: { name: 't', server_side_encryption: { enabled: true } } } },
    at: 'aws_dynamodb_table.t',
  },
  CKV_AWS_28: {
    what: 'a table without point-in-time recovery',
    json: { aws_dynamodb_table: { t: { name: 't', point_in_time_recovery: { enabled: false } } } },
    at: 'aws_dynamodb_table.t',
  },
  AAPI_KMS_ROTATION: {
    what: 'a key without rotation',
    json: { aws_kms_key: { k: { description: 'k' } } },
    at: 'aws_kms_key.k',
  },
  CKV_AWS_50: {
    what: 'a function with PassThrough tracing',
    json: { aws_lambda_function: { f: fn({ tracing_config: { mode: 'PassThrough' } }) } },
    at: 'aws_lambda_function.f',
  },
  CKV_AWS_363: {
    what: 'a nodejs22.x function on its deprecation day',
    json: { aws_lambda_function: { f: fn({ runtime: 'nodejs22.x' }) } },
    at: 'aws_lambda_function.f',
    today: new Date('2027-04-30T00:00:00Z'),
  },
  CKV_AWS_115: {
    what: 'a function without reserved concurrency',
    json: { aws_lambda_function: { f: fn() } },
    at: 'aws_lambda_function.f',
  },
  CKV_AWS_272: {
    what: 'a function without code signing',
    json: { aws_lambda_function: { f: fn() } },
    at: 'aws_lambda_function.f',
  },
  CKV_AWS_173: {
    what: 'a function with environment variables and no KMS key',
    json: { aws_lambda_function: { f: fn({ environment: { variables: { A: '1' } } }) } },
    at: 'aws_lambda_function.f',
  },
  CKV_AWS_116: {
    what: 'a function without a dead-letter queue',
    json: { aws_lambda_function: { f: fn() } },
    at: 'aws_lambda_function.f',
  },
  CKV_AWS_117: {
    what: 'a function outside a VPC',
    json: { aws_lambda_function: { f: fn() } },
    at: 'aws_lambda_function.f',
  },
  CKV_AWS_364: {
    what: 'a service permission without source_arn',
    json: {
      aws_lambda_permission: {
        p: { action: 'lambda:InvokeFunction', function_name: 'f', principal: 'apigateway.amazonaws.com' },
      },
    },
    at: 'aws_lambda_permission.p',
  },
  CKV_AWS_66: {
    what: 'a log group without retention',
    json: { aws_cloudwatch_log_group: { g: { name: 'g' } } },
    at: 'aws_cloudwatch_log_group.g',
  },
  CKV_AWS_338: {
    what: 'a log group keeping 364 days',
    json: { aws_cloudwatch_log_group: { g: { name: 'g', retention_in_days: 364 } } },
    at: 'aws_cloudwatch_log_group.g',
  },
  CKV_AWS_158: {
    what: 'a log group without a KMS key',
    json: { aws_cloudwatch_log_group: { g: { name: 'g', retention_in_days: 30 } } },
    at: 'aws_cloudwatch_log_group.g',
  },
  CKV_AWS_62: {
    what: 'an admin policy',
    json: rolePolicy({ Effect: 'Allow', Action: '*', Resource: '*' }),
    at: 'aws_iam_role_policy.p',
  },
  CKV_AWS_63: {
    what: 'a "*" action on one bucket',
    json: rolePolicy({ Effect: 'Allow', Action: ['s3:GetObject', '*'], Resource: 'arn:aws:s3:::b/*' }),
    at: 'aws_iam_role_policy.p',
  },
  CKV_AWS_355: {
    what: 's3:Get* on "*"',
    json: rolePolicy({ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }),
    at: 'aws_iam_role_policy.p',
  },
  CKV_AWS_290: {
    what: 'lambda:UpdateFunctionCode on "*"',
    json: rolePolicy({ Effect: 'Allow', Action: 'lambda:UpdateFunctionCode', Resource: '*' }),
    at: 'aws_iam_role_policy.p',
  },
  CKV_AWS_289: {
    what: 'iam:PutRolePolicy on "*"',
    json: rolePolicy({ Effect: 'Allow', Action: 'iam:PutRolePolicy', Resource: '*' }),
    at: 'aws_iam_role_policy.p',
  },
  'AWS-0342': {
    what: 'iam:Pass* on one role',
    json: rolePolicy({ Effect: 'Allow', Action: 'iam:Pass*', Resource: 'arn:aws:iam::123456789012:role/x' }),
    at: 'aws_iam_role_policy.p',
  },
  CKV_AWS_60: {
    what: 'a role any AWS principal may assume',
    json: role({ Principal: { AWS: '*' } }),
    at: 'aws_iam_role.r',
  },
  CKV_AWS_61: {
    what: 'a role trusting a whole account',
    json: role({ Principal: { AWS: 'arn:aws:iam::210987654321:root' } }),
    at: 'aws_iam_role.r',
  },
  CKV_AWS_358: {
    what: 'a GitHub role trusting every repository of an owner',
    json: githubRole('repo:example-org/*'),
    at: 'aws_iam_role.r',
  },
  CKV_AWS_21: {
    what: 'a bucket with versioning suspended',
    json: {
      ...bucketOnly,
      aws_s3_bucket_versioning: {
        v: { bucket: '${aws_s3_bucket.b.id}', versioning_configuration: { status: 'Suspended' } },
      },
    },
    at: 'aws_s3_bucket.b',
  },
  CKV_AWS_19: { what: 'a bucket without a declared encryption configuration', json: bucketOnly, at: 'aws_s3_bucket.b' },
  CKV_AWS_145: {
    what: 'a bucket encrypted with SSE-S3',
    json: {
      ...bucketOnly,
      aws_s3_bucket_server_side_encryption_configuration: {
        e: {
          bucket: '${aws_s3_bucket.b.id}',
          rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }],
        },
      },
    },
    at: 'aws_s3_bucket.b',
  },
  'AWS-0132': {
    what: 'a bucket encrypted with the AWS managed KMS key',
    json: {
      ...bucketOnly,
      aws_s3_bucket_server_side_encryption_configuration: {
        e: {
          bucket: '${aws_s3_bucket.b.id}',
          rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' } }],
        },
      },
    },
    at: 'aws_s3_bucket.b',
  },
  CKV_AWS_53: { what: 'block_public_acls false', json: withPab({ block_public_acls: false }), at: 'aws_s3_bucket.b' },
  CKV_AWS_54: {
    what: 'block_public_policy false',
    json: withPab({ block_public_policy: false }),
    at: 'aws_s3_bucket.b',
  },
  CKV_AWS_55: { what: 'ignore_public_acls false', json: withPab({ ignore_public_acls: false }), at: 'aws_s3_bucket.b' },
  CKV_AWS_56: {
    what: 'restrict_public_buckets false',
    json: withPab({ restrict_public_buckets: false }),
    at: 'aws_s3_bucket.b',
  },
  CKV2_AWS_6: { what: 'a bucket without a public access block', json: bucketOnly, at: 'aws_s3_bucket.b' },
  AAPI_S3_TLS_ONLY: {
    what: 'a TLS deny that covers the bucket but not its objects',
    json: {
      ...bucketOnly,
      aws_s3_bucket_policy: {
        p: {
          bucket: '${aws_s3_bucket.b.id}',
          policy: policy({
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: '${aws_s3_bucket.b.arn}',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        },
      },
    },
    at: 'aws_s3_bucket.b',
  },
  CKV2_AWS_61: { what: 'a bucket without a lifecycle configuration', json: bucketOnly, at: 'aws_s3_bucket.b' },
  CKV_AWS_18: { what: 'a bucket without access logging', json: bucketOnly, at: 'aws_s3_bucket.b' },
  CKV_AWS_144: { what: 'a bucket without replication', json: bucketOnly, at: 'aws_s3_bucket.b' },
  CKV2_AWS_62: { what: 'a bucket without event notifications', json: bucketOnly, at: 'aws_s3_bucket.b' },
};

async function runOnFixture(rule: Rule, json: ResourceJson, today = FIXED_DAY): Promise<RuleResult> {
  return evaluateRule(rule, { resources: scanFixture(json), today });
}

describe('static security rules over the synthesized app', () => {
  let app: SynthesizedApp;

  beforeAll(() => {
    // Prepare: the real app, every stack, synthesized once for this file.
    app = synthesizeApp();
  });

  it('synthesizes the application, state-bucket and ci-access stacks', () => {
    // Assess
    const ids = app.stacks.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['async-api-dev', 'state-bucket', app.ciAccessStackId]));
  });

  for (const rule of RULES) {
    it(`${rule.ids.join(' / ')}: ${rule.title}`, async () => {
      // Act
      const result = await evaluateRule(rule, { resources: app.resources, today: TODAY });
      for (const warning of result.warnings) console.warn(`security warning: ${warning}`);

      // Assess: the rule looked at something, and everything it found is waived.
      expect(result.checked.length).toBeGreaterThan(0);
      const { open } = applyWaivers(result.violations);
      expect(open.map((v) => `${v.address} (${v.path}): ${v.message}`)).toEqual([]);
    });
  }

  describe('every rule can fail', () => {
    it('has a failing fixture for every rule', () => {
      // Assess
      expect(RULES.map((r) => r.ids[0]).filter((id) => !BAD[id!])).toEqual([]);
    });

    for (const rule of RULES) {
      const bad = BAD[rule.ids[0]!];
      if (!bad) continue;
      it(`${rule.ids[0]} flags ${bad.what}`, async () => {
        // Act
        const result = await runOnFixture(rule, bad.json, bad.today);

        // Assess
        expect(result.violations.map((v) => v.address)).toContain(`fixture:${bad.at}`);
      });
    }
  });

  describe('rule boundaries', () => {
    const rule = (id: string) => RULES.find((r) => r.ids[0] === id)!;
    const violations = async (id: string, json: ResourceJson, today?: Date) =>
      (await runOnFixture(rule(id), json, today)).violations;

    it('CKV_AWS_355 accepts wildcard-only actions on "*" and conditioned statements, and honours a Deny', async () => {
      // Act
      const wildcardOnly = await violations(
        'CKV_AWS_355',
        rolePolicy({ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'logs:CreateLogDelivery'], Resource: '*' }),
      );
      const conditioned = await violations(
        'CKV_AWS_355',
        rolePolicy({
          Effect: 'Allow',
          Action: 'lambda:InvokeFunction',
          Resource: '*',
          Condition: { StringEquals: { 'aws:ResourceTag/app': 'x' } },
        }),
      );
      const denied = await violations(
        'CKV_AWS_355',
        rolePolicy(
          { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: '*' },
          { Effect: 'Deny', Action: 'lambda:Invoke*', Resource: '*' },
        ),
      );
      const restrictable = await violations(
        'CKV_AWS_355',
        rolePolicy({ Effect: 'Allow', Action: ['xray:PutTraceSegments', 'states:StartExecution'], Resource: '*' }),
      );

      // Assess
      expect(wildcardOnly).toEqual([]);
      expect(conditioned).toEqual([]);
      expect(denied).toEqual([]);
      expect(restrictable.map((v) => v.message)).toEqual([expect.stringContaining('states:StartExecution')]);
    });

    it('CKV_AWS_290 flags write actions but not reads on "*"', async () => {
      // Act
      const read = await violations(
        'CKV_AWS_290',
        rolePolicy({ Effect: 'Allow', Action: 'states:DescribeExecution', Resource: '*' }),
      );
      const write = await violations(
        'CKV_AWS_290',
        rolePolicy({ Effect: 'Allow', Action: 'states:StopExecution', Resource: '*' }),
      );

      // Assess
      expect(read).toEqual([]);
      expect(write).toHaveLength(1);
    });

    it('CKV_AWS_338 accepts 365 days and 0 (never expire)', async () => {
      // Act
      const year = await violations('CKV_AWS_338', {
        aws_cloudwatch_log_group: { g: { name: 'g', retention_in_days: 365 } },
      });
      const forever = await violations('CKV_AWS_338', {
        aws_cloudwatch_log_group: { g: { name: 'g', retention_in_days: 0 } },
      });

      // Assess
      expect(year).toEqual([]);
      expect(forever).toEqual([]);
    });

    it('CKV_AWS_363 passes the day before deprecation, warns within 180 days, and fails an unknown runtime', async () => {
      // Prepare
      const json = { aws_lambda_function: { f: fn({ runtime: 'nodejs22.x' }) } };

      // Act
      const dayBefore = await runOnFixture(rule('CKV_AWS_363'), json, new Date('2027-04-29T23:00:00Z'));
      const farAhead = await runOnFixture(rule('CKV_AWS_363'), json, new Date('2026-06-01T00:00:00Z'));
      const unknown = await violations('CKV_AWS_363', { aws_lambda_function: { f: fn({ runtime: 'nodejs99.x' }) } });

      // Assess
      expect(dayBefore.violations).toEqual([]);
      expect(dayBefore.warnings).toEqual([expect.stringContaining('nodejs22.x is deprecated on 2027-04-30, in 1 day')]);
      expect(farAhead.warnings).toEqual([]);
      expect(unknown.map((v) => v.message)).toEqual([expect.stringContaining('not in security/lambda-runtimes.ts')]);
    });

    it('marks every runtime checkov CKV_AWS_363 forbids as deprecated in our date table', () => {
      // Act
      const notDeprecated = CHECKOV_DEPRECATED_RUNTIMES.filter(
        (r) => runtimeStatus(r, FIXED_DAY).kind !== 'deprecated',
      );

      // Assess
      expect(notDeprecated).toEqual([]);
    });

    it('CKV_AWS_358 accepts one repository and rejects wildcards and abusable claims', async () => {
      // Act
      const ok = await violations('CKV_AWS_358', githubRole('repo:example-org/async-api:pull_request'));
      const anyBranch = await violations('CKV_AWS_358', githubRole('repo:*'));
      const workflow = await violations('CKV_AWS_358', githubRole('workflow:deploy'));

      // Assess
      expect(ok).toEqual([]);
      expect(anyBranch).toHaveLength(1);
      expect(workflow).toHaveLength(1);
    });

    it('CKV_AWS_173 does not apply to a function without environment variables or key', async () => {
      // Act
      const result = await runOnFixture(rule('CKV_AWS_173'), { aws_lambda_function: { f: fn() } });

      // Assess
      expect(result.checked).toEqual([]);
    });
  });

  it('CKV_AWS_309 holds with API_AUTH=JWT as well (every route uses the JWT authorizer)', async () => {
    // Prepare
    const jwtApp = synthesizeApp({
      API_AUTH: 'JWT',
      JWT_ISSUER: 'https://issuer.example.com',
      JWT_AUDIENCE: 'async-api',
    });
    const rule = RULES.find((r) => r.ids[0] === 'CKV_AWS_309')!;

    // Act
    const result = await evaluateRule(rule, { resources: jwtApp.resources, today: TODAY });

    // Assess
    const routes = jwtApp.resources.filter((r) => r.type === 'aws_apigatewayv2_route');
    expect(routes.length).toBeGreaterThan(0);
    expect(result.checked.length).toBe(routes.length);
    expect(result.violations).toEqual([]);
    expect(new Set(routes.map((r) => r.config['authorization_type']))).toEqual(new Set(['JWT']));
  });

  it('names only checks of the catalogue or own AAPI_ rules', () => {
    // Assess
    const unknown = RULES.flatMap((r) => r.ids).filter(
      (id) => !(id in KNOWN_CHECKS) && !id.startsWith(OWN_RULE_PREFIX),
    );
    expect(unknown).toEqual([]);
  });
});
