import { randomUUID } from 'node:crypto';
import { type SFNClient, SFNServiceException, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { jsonResponse, messageResponse } from '../shared/http';
import { readJsonObject } from '../shared/request';
import { executionArnOf, executionNameProblem, parseStateMachineArn } from '../shared/step-functions-arn';
import type { WebhookRegistrations } from '../shared/webhook-registration';
import { webhookUrlProblem } from '../webhook-sender/url';

/** The path of a job's webhook start route: `/<job>/start-execution-with-webhook`. */
export const WEBHOOK_START_PATH = /^\/([a-z0-9-]+)\/start-execution-with-webhook$/;

/** Options of {@link createHandler}. */
export interface WebhookStartOptions {
  readonly client: SFNClient;
  /** The registration table the sender reads the URL back from. */
  readonly registrations: Pick<WebhookRegistrations, 'register' | 'confirm' | 'remove'>;
  /** The execution name when the caller gives none (StartExecution's own default is a UUID too). */
  readonly newName?: () => string;
  /** State machine ARN per job name. */
  readonly machines: Readonly<Record<string, string>>;
  /** `true` only in the local runtime: http://127.0.0.1 receivers are allowed. */
  readonly allowLoopbackHttp: boolean;
  readonly logger?: Pick<Console, 'error'>;
}

const EXPECTED_BODY = 'a JSON object like {"input": {...}, "name": "...", "webhook": "https://..."}';

/**
 * The handler behind `POST /<job>/start-execution-with-webhook`: checks the webhook URL, keeps it in
 * the registration table under the ARN the execution will have (lambda-src/shared/webhook-registration.ts),
 * then starts the job with the caller's input as it is. The URL is written first, so an execution that
 * ends at once still finds it; the input, history and definition never hold it.
 *
 * Answers as the plain start route does (the Step Functions response passed through): 200
 * `{"executionArn", "startDate"}` (epoch seconds); 400 `{"__type", "message"}` for what Step Functions
 * refuses (a bad name, input too large, an existing name), and `ExecutionAlreadyExists` for a name
 * already registered with another URL. A body or webhook URL that cannot be accepted is a 400
 * `{"message"}` and starts nothing. Anything unexpected is a generic 500.
 */
export function createHandler(options: WebhookStartOptions) {
  const { client, logger = console, newName = randomUUID } = options;
  return async (event: Pick<APIGatewayProxyEventV2, 'rawPath' | 'body' | 'isBase64Encoded'>) => {
    const job = WEBHOOK_START_PATH.exec(event.rawPath)?.[1];
    const stateMachineArn = job === undefined ? undefined : options.machines[job];
    const machine = stateMachineArn === undefined ? undefined : parseStateMachineArn(stateMachineArn);
    if (stateMachineArn === undefined || machine === undefined) return messageResponse(404, 'Not Found');
    const read = readJsonObject(event, EXPECTED_BODY);
    if (!read.ok) return messageResponse(400, read.message);
    const body = read.value;
    const problem = webhookUrlProblem(body.webhook, { allowLoopbackHttp: options.allowLoopbackHttp });
    if (problem !== null) return messageResponse(400, problem);
    if (body.name !== undefined && typeof body.name !== 'string') return messageResponse(400, 'name must be a string');
    const webhook = body.webhook as string;
    const name = body.name ?? newName();
    // Refused before the registration is written: a name Step Functions would refuse could also be a
    // key DynamoDB refuses (over 2048 bytes), which would surface as a 500 instead of this 400.
    const nameProblem = executionNameProblem(name);
    if (nameProblem !== undefined) return jsonResponse(400, { __type: 'InvalidName', message: `name ${nameProblem}` });
    const executionArn = executionArnOf(machine, name);
    let created = false;
    try {
      const registered = await options.registrations.register(executionArn, webhook);
      if (registered.kind === 'exists' && registered.webhook !== webhook) {
        // Another caller's URL for this name: never replaced, whatever StartExecution would answer.
        return jsonResponse(400, {
          __type: 'ExecutionAlreadyExists',
          message: `Execution Already Exists: '${executionArn}' (started with another webhook)`,
        });
      }
      created = registered.kind === 'created';
      const started = await client.send(
        new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(body.input ?? {}), name }),
      );
      await bind(options.registrations, executionArn, webhook, started.startDate, logger);
      return jsonResponse(200, {
        executionArn: started.executionArn,
        startDate: (started.startDate?.getTime() ?? 0) / 1000,
      });
    } catch (error) {
      if (error instanceof SFNServiceException && error.$fault === 'client') {
        // Refused, so nothing started: the registration written for it goes too (one a previous start
        // made stays). After any other error the execution may have started, and keeps its URL.
        if (created) await options.registrations.remove(executionArn).catch(() => undefined);
        if (error.name !== 'ThrottlingException')
          return jsonResponse(400, { __type: error.name, message: error.message });
      }
      // A failed registration write lands here too: nothing was started then.
      logger.error(JSON.stringify({ message: 'webhook start failed', error: String(error) }));
      return messageResponse(500, 'Internal Server Error');
    }
  };
}

/**
 * Binds the registration to the execution just started (its start date), so a later execution under
 * the same name never gets this URL. The start has happened: a failed write leaves the item unbound
 * (still delivered, as before binding) and is only logged.
 */
async function bind(
  registrations: Pick<WebhookRegistrations, 'confirm'>,
  executionArn: string,
  webhook: string,
  startDate: Date | undefined,
  logger: Pick<Console, 'error'>,
): Promise<void> {
  if (startDate === undefined) return;
  await registrations.confirm(executionArn, webhook, startDate.getTime()).catch((error: unknown) => {
    logger.error(JSON.stringify({ message: 'webhook registration not bound to its execution', error: String(error) }));
  });
}
