import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { LambdaFunctionSpec } from './types';

/** Inputs to a function's process environment besides the function itself. */
export interface EnvironmentInputs {
  /** The unpacked code (Lambda's /var/task). */
  readonly taskRoot: string;
  /** Folder of the bootstrap (Lambda's /var/runtime). */
  readonly runtimeDir: string;
  /** The Node.js binary that runs the function; its folder leads PATH like Lambda's /var/lang/bin. */
  readonly nodeBinary: string;
  /** Folders for NODE_PATH ahead of the task root. */
  readonly nodePath: readonly string[];
  /** The service's per-function additions (credentials, region, endpoints). */
  readonly runtimeEnvironment: Readonly<Record<string, string>>;
  /** Clock, for the log stream name. */
  readonly now: Date;
}

/**
 * The complete environment of one function process. Nothing comes from the developer's own shell: a
 * deployed function does not see it either, and leaking e.g. AWS_PROFILE would make local runs pass that
 * fail in AWS.
 *
 * Precedence, lowest first:
 *  1. Lambda's unreserved defaults (PATH, LANG, TZ, NODE_PATH) — a function may override these;
 *  2. the function's own `environment.variables`;
 *  3. Lambda's reserved variables (AWS_LAMBDA_*, LAMBDA_TASK_ROOT, _HANDLER, AWS_REGION, ...), which
 *     AWS refuses in function configuration, so they win;
 *  4. `runtimeEnvironment` (the local runtime's credentials, region and endpoints), which wins over all.
 */
export function functionEnvironment(fn: LambdaFunctionSpec, inputs: EnvironmentInputs): Record<string, string> {
  const region = regionOfArn(fn.functionArn);
  const unreserved: Record<string, string> = {
    PATH: [path.dirname(inputs.nodeBinary), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    NODE_PATH: [...inputs.nodePath, inputs.taskRoot].join(path.delimiter),
  };
  const reserved: Record<string, string> = {
    _HANDLER: fn.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySizeMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(fn.functionName),
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName(inputs.now),
    LAMBDA_TASK_ROOT: inputs.taskRoot,
    LAMBDA_RUNTIME_DIR: inputs.runtimeDir,
    ...(region ? { AWS_REGION: region, AWS_DEFAULT_REGION: region } : {}),
  };
  return { ...unreserved, ...fn.environment, ...reserved, ...inputs.runtimeEnvironment };
}

/** `/aws/lambda/<function name>`, Lambda's default log group. */
export function logGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** `2024/05/01/[$LATEST]<32 hex>`: one stream per execution environment, as Lambda names them. */
function logStreamName(now: Date): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/** The region field of `arn:aws:lambda:<region>:<account>:function:<name>`, if the ARN has one. */
function regionOfArn(arn: string): string | undefined {
  const region = arn.split(':')[3];
  return region ? region : undefined;
}
