/** Rules for the Lambda functions and the log groups. */
import { valueAt } from '../../local/terraform/document';
import type { Rule } from '../engine';
import { CHECKOV_DEPRECATED_RUNTIMES, runtimeStatus } from '../lambda-runtimes';
import { DAY_WORDS, fail, pass, present } from './verdicts';

/** See `security/rules.ts`. */
export const FUNCTION_AND_LOG_RULES: readonly Rule[] = [
  // --- Lambda ---------------------------------------------------------------------------------
  {
    ids: ['CKV_AWS_50', 'AWS-0066'],
    title: 'Lambda functions have active X-Ray tracing',
    resourceTypes: ['aws_lambda_function'],
    mirrors:
      "checkov: `tracing_config[0].mode` is PassThrough or Active (LambdaXrayEnabled.py); trivy: tracing mode is Active. We require Active (the stricter of the two): PassThrough only forwards a caller's trace header.",
    check: (fn) =>
      valueAt(fn.config, 'tracing_config.mode') === 'Active'
        ? pass
        : fail(`tracing_config.mode is ${JSON.stringify(valueAt(fn.config, 'tracing_config.mode'))}`),
  },
  {
    ids: ['CKV_AWS_363'],
    title: 'Lambda functions use a runtime that is not deprecated',
    resourceTypes: ['aws_lambda_function'],
    mirrors:
      'checkov: `runtime` is not in a fixed list of deprecated runtimes (DeprecatedLambdaRuntime.py). We fail on that list, on any runtime whose Lambda deprecation date (security/lambda-runtimes.ts) is today or past, and on a runtime missing from our table; we warn 180 days ahead. Container-image functions (no `runtime`) do not apply.',
    check: (fn, context) => {
      const runtime = fn.config['runtime'];
      if (typeof runtime !== 'string') return fn.config['package_type'] === 'Image' ? null : fail('no runtime');
      if (CHECKOV_DEPRECATED_RUNTIMES.includes(runtime))
        return fail(`${runtime} is deprecated (checkov CKV_AWS_363 list)`);
      const status = runtimeStatus(runtime, context.today);
      if (status.kind === 'unknown')
        return fail(
          `${runtime} is not in security/lambda-runtimes.ts; add its deprecation date from the Lambda runtimes page`,
        );
      if (status.kind === 'deprecated') return fail(`${runtime} has been deprecated since ${status.since}`);
      return pass;
    },
    warn: (fn, context) => {
      const runtime = fn.config['runtime'];
      if (typeof runtime !== 'string') return [];
      const status = runtimeStatus(runtime, context.today);
      return status.kind === 'deprecating-soon'
        ? [`${runtime} is deprecated on ${status.on}, in ${DAY_WORDS(status.days)}`]
        : [];
    },
  },
  {
    ids: ['CKV_AWS_115'],
    title: 'Lambda functions have reserved concurrency',
    resourceTypes: ['aws_lambda_function'],
    mirrors:
      'checkov: `reserved_concurrent_executions` is set and not -1; missing fails (LambdaFunctionLevelConcurrentExecutionLimit.py). Same here.',
    check: (fn) => {
      const reserved = fn.config['reserved_concurrent_executions'];
      return reserved === undefined || reserved === -1 || reserved === '-1'
        ? fail('no reserved_concurrent_executions')
        : pass;
    },
  },
  {
    ids: ['CKV_AWS_272'],
    title: 'Lambda functions validate code signing',
    resourceTypes: ['aws_lambda_function'],
    mirrors: 'checkov: `code_signing_config_arn` has any value (LambdaCodeSigningConfigured.py). Same here.',
    check: (fn) => (present(fn.config['code_signing_config_arn']) ? pass : fail('no code_signing_config_arn')),
  },
  {
    ids: ['CKV_AWS_173'],
    title: 'Lambda environment variables are encrypted with a customer managed key',
    resourceTypes: ['aws_lambda_function'],
    mirrors:
      'checkov: with an `environment` block, `kms_key_arn` must be set and non-empty; without one, a `kms_key_arn` fails and no key is UNKNOWN (LambdaEnvironmentEncryptionSettings.py). Same here; UNKNOWN is "does not apply".',
    check: (fn) => {
      const hasEnvironment = present(fn.config['environment']);
      const key = fn.config['kms_key_arn'];
      if (hasEnvironment) return present(key) ? pass : fail('environment variables without kms_key_arn');
      return present(key) ? fail('kms_key_arn without environment variables') : null;
    },
  },
  {
    ids: ['CKV_AWS_116'],
    title: 'Lambda functions have a dead-letter queue',
    resourceTypes: ['aws_lambda_function'],
    mirrors: 'checkov: `dead_letter_config[0].target_arn` has any value (LambdaDLQConfigured.py). Same here.',
    check: (fn) =>
      present(valueAt(fn.config, 'dead_letter_config.target_arn')) ? pass : fail('no dead_letter_config.target_arn'),
  },
  {
    ids: ['CKV_AWS_117'],
    title: 'Lambda functions run in a VPC',
    resourceTypes: ['aws_lambda_function'],
    mirrors: 'checkov: `vpc_config` has any value (LambdaInVPC.py). Same here.',
    check: (fn) => (present(fn.config['vpc_config']) ? pass : fail('no vpc_config')),
  },
  {
    ids: ['CKV_AWS_364', 'AWS-0067'],
    title: 'Lambda permissions for AWS services are limited to a source ARN',
    resourceTypes: ['aws_lambda_permission'],
    mirrors:
      'checkov: for a `*.amazonaws.com` principal, `source_arn` or `source_account` is set (LambdaServicePermission.py); trivy: `source_arn` is set. We require `source_arn` (the stricter); other principals do not apply.',
    check: (permission) => {
      const principal = String(permission.config['principal'] ?? '');
      if (!/^[^.]+\.amazonaws\.com$/.test(principal)) return null;
      return present(permission.config['source_arn'])
        ? pass
        : fail(`${principal} may invoke from any source: no source_arn`);
    },
  },

  // --- CloudWatch Logs ------------------------------------------------------------------------
  {
    ids: ['CKV_AWS_66'],
    title: 'Log groups have a retention period',
    resourceTypes: ['aws_cloudwatch_log_group'],
    mirrors: 'checkov: `retention_in_days` has any value (CloudWatchLogGroupRetention.py). Same here.',
    check: (group) =>
      present(group.config['retention_in_days']) ? pass : fail('no retention_in_days: logs are kept forever'),
  },
  {
    ids: ['CKV_AWS_338'],
    title: 'Log groups keep logs for at least a year',
    resourceTypes: ['aws_cloudwatch_log_group'],
    mirrors:
      'checkov: `retention_in_days` is 0 (never expire) or >= 365; missing fails; a non-integer (a variable) is UNKNOWN (CloudWatchLogGroupRetentionYear.py). Ours are resolved integers, so always PASS or FAIL.',
    check: (group) => {
      const days = Number(group.config['retention_in_days']);
      return days === 0 || days >= 365 ? pass : fail(`retention_in_days is ${Number.isNaN(days) ? 'not set' : days}`);
    },
  },
  {
    ids: ['CKV_AWS_158', 'AWS-0017'],
    title: 'Log groups are encrypted with a customer managed KMS key',
    resourceTypes: ['aws_cloudwatch_log_group'],
    mirrors:
      'checkov: `kms_key_id` has any value (CloudWatchLogGroupKMSKey.py); trivy: the log group has a KMS key id. Same here.',
    check: (group) => (present(group.config['kms_key_id']) ? pass : fail('no kms_key_id')),
  },
];
