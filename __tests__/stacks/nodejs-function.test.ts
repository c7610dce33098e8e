import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { strFromU8, unzipSync } from 'fflate';
import { STATUS_FUNCTION_ENTRY } from '../../stacks/constructs/async-job-api';
import { LAMBDA_RUNTIME, NodejsFunction } from '../../stacks/constructs/nodejs-function';
import { statementsOf, synthesize, tempBuildDir } from './helpers';

describe('NodejsFunction', () => {
  const buildDir = tempBuildDir();
  const out = synthesize((scope) => {
    new NodejsFunction(scope, 'fn', {
      functionName: 'async-api-test-status',
      description: 'test',
      entry: STATUS_FUNCTION_ENTRY,
      buildDir,
      environment: { STATE_MACHINE_ARNS: 'arn:aws:states:us-east-1:123456789012:stateMachine:m' },
      timeoutSeconds: 10,
      memorySizeMb: 256,
      logGroupName: '/aws/lambda/async-api-test-status',
      logRetentionDays: 14,
      statements: [{ sid: 'Extra', actions: ['states:DescribeExecution'], resources: ['arn:exec:*'] }],
    });
  });

  it('creates the function with tracing, its environment and a zip asset', () => {
    expect(out.text).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'async-api-test-status',
      runtime: LAMBDA_RUNTIME,
      handler: 'index.handler',
      timeout: 10,
      memory_size: 256,
      tracing_config: { mode: 'Active' },
      environment: { variables: { STATE_MACHINE_ARNS: 'arn:aws:states:us-east-1:123456789012:stateMachine:m' } },
    });
    const fn = out.one('aws_lambda_function');
    expect(fn.filename).toMatch(/\/async-api-test-status\.zip$/);
    expect(fn.source_code_hash).toMatch(/^[0-9A-F]{32}$/);
  });

  it('creates its log group with retention before the function', () => {
    expect(out.text).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: '/aws/lambda/async-api-test-status',
      retention_in_days: 14,
    });
    expect(out.one('aws_lambda_function').depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^aws_cloudwatch_log_group\./)]),
    );
  });

  it('lets the role write only its own logs, traces and the extra statements', () => {
    const statements = statementsOf(out.one('aws_iam_role_policy').policy);

    expect(statements.map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
      [
        'WriteOwnLogs',
        ['logs:CreateLogStream', 'logs:PutLogEvents'],
        [expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.[^}]+\.arn\}:\*$/)],
      ],
      ['XRayWriteNoResourceLevelPermissions', expect.arrayContaining(['xray:PutTraceSegments']), ['*']],
      ['Extra', ['states:DescribeExecution'], ['arn:exec:*']],
    ]);
  });

  it('bundles the handler outside the source tree, leaving the AWS SDK to the runtime', () => {
    const files = unzipSync(readFileSync(join(buildDir, 'async-api-test-status.zip')));

    expect(Object.keys(files)).toEqual(['index.js']);
    const code = strFromU8(files['index.js']!);
    expect(code).toContain('require("@aws-sdk/client-sfn")');
    expect(code).not.toContain('SFNServiceException');
  });

  it('zips reproducibly: the same code gives the same asset hash', () => {
    const again = synthesize((scope) => {
      new NodejsFunction(scope, 'fn', {
        functionName: 'async-api-test-status',
        description: 'test',
        entry: STATUS_FUNCTION_ENTRY,
        buildDir: tempBuildDir(),
        timeoutSeconds: 10,
        memorySizeMb: 256,
        logGroupName: '/aws/lambda/async-api-test-status',
        logRetentionDays: 14,
      });
    });

    expect(again.one('aws_lambda_function').source_code_hash).toBe(out.one('aws_lambda_function').source_code_hash);
  });
});
