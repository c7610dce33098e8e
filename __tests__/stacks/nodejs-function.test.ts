import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { strFromU8, unzipSync } from 'fflate';
import { STATUS_FUNCTION_ENTRY } from '../../stacks/constructs/async-job-api';
import {
  bundle,
  LAMBDA_RUNTIME,
  NodejsFunction,
  SOURCE_MAP_ENVIRONMENT,
} from '../../stacks/constructs/nodejs-function';
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
      environment: {
        variables: {
          STATE_MACHINE_ARNS: 'arn:aws:states:us-east-1:123456789012:stateMachine:m',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
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

    expect(Object.keys(files).sort()).toEqual(['index.js', 'index.js.map']);
    const code = strFromU8(files['index.js']!);
    expect(code).toContain('require("@aws-sdk/client-sfn")');
    expect(code).not.toContain('SFNServiceException');
  });

  it('bundles again when any file the handler imports changes, and only then', () => {
    // Prepare: a handler importing a module of its own
    const work = mkdtempSync(join(tmpdir(), 'async-api-rebundle-'));
    try {
      const entry = join(work, 'handler.ts');
      const dependency = join(work, 'message.ts');
      writeFileSync(entry, "import { message } from './message';\nexport const handler = async () => message;\n");
      const code = () => strFromU8(unzipSync(readFileSync(bundle(entry, join(work, 'build'), 'h')))['index.js']!);

      // Act: the same sources twice, then an edit of the imported module only
      writeFileSync(dependency, "export const message = 'first';\n");
      const first = code();
      const again = code();
      writeFileSync(dependency, "export const message = 'second';\n");
      const edited = code();

      // Assess
      expect(first).toContain('"first"');
      expect(again).toBe(first);
      expect(edited).toContain('"second"');
      expect(edited).not.toContain('"first"');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('maps a stack trace back to our TypeScript files and lines, with the map as deployed', () => {
    // Prepare: a handler that throws, bundled as a function's zip, unpacked as Lambda unpacks it
    const work = mkdtempSync(join(tmpdir(), 'async-api-source-map-'));
    try {
      const entry = join(work, 'thrower.ts');
      writeFileSync(entry, "export function handler(): never {\n  throw new Error('boom');\n}\n");
      const files = unzipSync(readFileSync(bundle(entry, join(work, 'build'), 'thrower')));
      const task = join(work, 'task');
      mkdirSync(task);
      for (const [name, bytes] of Object.entries(files)) writeFileSync(join(task, name), bytes);
      const script = "try { require('./index.js').handler(); } catch (err) { console.log(err.stack); }";

      // Act: the same NODE_OPTIONS the function gets, and without it
      const run = (env: Record<string, string>) =>
        execFileSync(process.execPath, ['-e', script], { cwd: task, env: { ...env, PATH: '' }, encoding: 'utf8' });

      // Assess
      expect(run({ ...SOURCE_MAP_ENVIRONMENT })).toMatch(/thrower\.ts:2:\d+\)/);
      expect(run({})).not.toContain('thrower.ts');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
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
