/**
 * The `arn:aws:states:::lambda:invoke` integration (and Task states whose Resource is a function
 * ARN), run against the local Lambda service with the state machine's role.
 *
 * What Step Functions does, and so what this does (docs/aws-behaviour.md §3):
 * - the call is authorized as the state machine's role (`lambda:InvokeFunction` on the function);
 * - success gives the Invoke response with `Payload` parsed: `{ExecutedVersion, Payload, SdkHttpMetadata,
 *   SdkResponseMetadata, StatusCode}` (a function-ARN Resource gives the payload alone);
 * - a function error fails the task with error = the payload's `errorType` and cause = the payload's
 *   JSON text, so `Retry`/`Catch` match the names the function throws;
 * - a Lambda service error fails it with `Lambda.<ErrorCode>` (e.g. `Lambda.TooManyRequestsException`),
 *   an IAM denial with `Lambda.AWSLambdaException` (the Java SDK's name for an unmodelled
 *   AccessDeniedException), and the cause in the AWS SDK's "(Service: AWSLambda; Status Code: ...)" form.
 */
import { randomUUID } from 'node:crypto';
import type { IamAuthorizer } from '../iam/authorizer';
import { type LambdaService, LambdaServiceError } from '../lambda/types';

/** How a Task state calls Lambda. */
export type LambdaTaskKind = 'integration' | 'direct';

/** A task failure as Step Functions reports it: `name` is the error, `message` the cause. */
export class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/** What the Lambda task needs from the runtime. */
export interface LambdaTaskContext {
  readonly lambda: LambdaService;
  readonly iam: IamAuthorizer;
  /** The state machine's role: the principal of every invoke. */
  readonly roleArn: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
}

/**
 * Runs one Lambda task.
 * @param input the state's effective input (after InputPath/Parameters): for the integration,
 *   `{FunctionName, Payload, Qualifier?, InvocationType?}`; for a function-ARN Resource, the payload.
 * @param record receives TaskScheduled/Started/Succeeded/Failed (or LambdaFunction*) events.
 * @throws TaskFailure with the error name and cause Step Functions would report.
 */
export async function runLambdaTask(
  ctx: LambdaTaskContext,
  kind: LambdaTaskKind,
  resource: string,
  input: unknown,
  timeoutSeconds: number | undefined,
  record: (event: { readonly type: string; readonly [details: string]: unknown }) => void,
): Promise<unknown> {
  let functionName: string;
  let payload: unknown;
  let qualifier: string | undefined;
  if (kind === 'integration') {
    const params = (input ?? {}) as Record<string, unknown>;
    if (typeof params['FunctionName'] !== 'string') {
      // Step Functions validates the parameters before calling Lambda.
      throw new TaskFailure('States.Runtime', 'The lambda:invoke integration requires a FunctionName string parameter');
    }
    if (params['InvocationType'] !== undefined && params['InvocationType'] !== 'RequestResponse') {
      throw new TaskFailure(
        'States.Runtime',
        `InvocationType ${String(params['InvocationType'])} is not emulated; only RequestResponse is`,
      );
    }
    functionName = params['FunctionName'];
    payload = params['Payload'] ?? {};
    qualifier = typeof params['Qualifier'] === 'string' ? params['Qualifier'] : undefined;
  } else {
    functionName = resource;
    payload = input;
  }
  const prefix = kind === 'integration' ? 'task' : 'lambdaFunction';
  const eventPrefix = kind === 'integration' ? 'Task' : 'LambdaFunction';
  const resourceFields = kind === 'integration' ? { resourceType: 'lambda', resource: 'invoke' } : {};
  record({
    type: `${eventPrefix}Scheduled`,
    [`${prefix}ScheduledEventDetails`]:
      kind === 'integration'
        ? {
            ...resourceFields,
            region: ctx.region,
            parameters: JSON.stringify(input),
            ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}),
          }
        : {
            resource,
            input: JSON.stringify(input),
            inputDetails: { truncated: false },
            ...(timeoutSeconds ? { timeoutInSeconds: timeoutSeconds } : {}),
          },
  });
  record({
    type: `${eventPrefix}Started`,
    ...(kind === 'integration' ? { taskStartedEventDetails: resourceFields } : {}),
  });

  const fail = (error: string, cause: string): never => {
    record({ type: `${eventPrefix}Failed`, [`${prefix}FailedEventDetails`]: { ...resourceFields, error, cause } });
    throw new TaskFailure(error, cause);
  };

  const fnArn = functionArnOf(functionName, ctx) + (qualifier ? `:${qualifier}` : '');
  const decision = await ctx.iam.authorizeRole(ctx.roleArn, 'lambda:InvokeFunction', fnArn);
  if (!decision.allowed) {
    fail('Lambda.AWSLambdaException', sdkCause(decision.message, 403, 'AccessDeniedException'));
  }

  let result;
  try {
    result = await ctx.lambda.invoke({ functionName: fnArn, payload });
  } catch (err) {
    if (err instanceof LambdaServiceError)
      return fail(`Lambda.${err.name}`, sdkCause(err.message, err.statusCode, err.name));
    return fail('Lambda.SdkClientException', `Unable to execute HTTP request: ${(err as Error).message}`);
  }
  if (result.functionError) {
    const body = result.payload as { errorType?: unknown } | null;
    // Without an errorType (old runtimes), Step Functions names the failure Lambda.Unknown.
    const error = typeof body?.errorType === 'string' ? body.errorType : 'Lambda.Unknown';
    return fail(error, JSON.stringify(result.payload));
  }
  const output =
    kind === 'integration'
      ? {
          ExecutedVersion: result.executedVersion,
          Payload: result.payload,
          SdkHttpMetadata: {
            AllHttpHeaders: {
              'X-Amz-Executed-Version': [result.executedVersion],
              'x-amzn-RequestId': [result.requestId],
              'Content-Type': ['application/json'],
            },
            HttpHeaders: {
              'X-Amz-Executed-Version': result.executedVersion,
              'x-amzn-RequestId': result.requestId,
              'Content-Type': 'application/json',
            },
            HttpStatusCode: result.statusCode,
          },
          SdkResponseMetadata: { RequestId: result.requestId },
          StatusCode: result.statusCode,
        }
      : result.payload;
  record({
    type: `${eventPrefix}Succeeded`,
    [`${prefix}SucceededEventDetails`]: {
      ...resourceFields,
      output: JSON.stringify(output),
      outputDetails: { truncated: false },
    },
  });
  return output;
}

/** A function name, partial or full ARN → the unqualified-or-qualified full ARN IAM evaluates. */
export function functionArnOf(
  nameOrArn: string,
  ctx: Pick<LambdaTaskContext, 'region' | 'accountId' | 'partition'>,
): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  // Partial ARN `123456789012:function:name` or plain name.
  const bare = nameOrArn.includes(':function:') ? nameOrArn.slice(nameOrArn.indexOf(':function:') + 10) : nameOrArn;
  return `arn:${ctx.partition}:lambda:${ctx.region}:${ctx.accountId}:function:${bare}`;
}

// The Java SDK's exception text, which is what Step Functions puts in the cause of Lambda.* errors.
function sdkCause(message: string, status: number, code: string): string {
  return `${message} (Service: AWSLambda; Status Code: ${status}; Error Code: ${code}; Request ID: ${randomUUID()}; Proxy: null)`;
}
