import { type SFNClient, SFNServiceException, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { jsonResponse, messageResponse } from '../shared/http';
import { readJsonObject } from '../shared/request';
import { inStatusEvent, STATUS_EVENT_DATA_MAX_BYTES, wrapInput } from '../shared/webhook-envelope';
import { webhookUrlProblem } from '../webhook-sender/url';

/** The path of a job's webhook start route: `/<job>/start-execution-with-webhook`. */
export const WEBHOOK_START_PATH = /^\/([a-z0-9-]+)\/start-execution-with-webhook$/;

/** Options of {@link createHandler}. */
export interface WebhookStartOptions {
  readonly client: SFNClient;
  /** State machine ARN per job name. */
  readonly machines: Readonly<Record<string, string>>;
  /** `true` only in the local runtime: http://127.0.0.1 receivers are allowed. */
  readonly allowLoopbackHttp: boolean;
  readonly logger?: Pick<Console, 'error'>;
}

const EXPECTED_BODY = 'a JSON object like {"input": {...}, "name": "...", "webhook": "https://..."}';

/**
 * The handler behind `POST /<job>/start-execution-with-webhook`: checks the webhook URL, then starts
 * the job with the URL in the envelope its state machine unwraps (lambda-src/shared/webhook-envelope.ts).
 *
 * Answers as the plain start route does (the Step Functions response passed through): 200
 * `{"executionArn", "startDate"}` (epoch seconds); 400 `{"__type", "message"}` for what Step Functions
 * refuses (a bad name, input too large, an existing name). A body or webhook URL that cannot be
 * accepted, or input too large for the end-of-execution event to carry the URL, is a 400 `{"message"}`
 * and starts nothing. Anything unexpected is a generic 500.
 */
export function createHandler(options: WebhookStartOptions) {
  const { client, logger = console } = options;
  return async (event: Pick<APIGatewayProxyEventV2, 'rawPath' | 'body' | 'isBase64Encoded'>) => {
    const job = WEBHOOK_START_PATH.exec(event.rawPath)?.[1];
    const stateMachineArn = job === undefined ? undefined : options.machines[job];
    if (stateMachineArn === undefined) return messageResponse(404, 'Not Found');
    const read = readJsonObject(event, EXPECTED_BODY);
    if (!read.ok) return messageResponse(400, read.message);
    const body = read.value;
    const problem = webhookUrlProblem(body.webhook, { allowLoopbackHttp: options.allowLoopbackHttp });
    if (problem !== null) return messageResponse(400, problem);
    if (body.name !== undefined && typeof body.name !== 'string') return messageResponse(400, 'name must be a string');
    const input = JSON.stringify(wrapInput(body.input ?? {}, body.webhook as string));
    if (inStatusEvent(input) === null) {
      // Started, it would end without a webhook: the event that carries the URL would leave it out.
      return messageResponse(
        400,
        `input with the webhook must be at most ${STATUS_EVENT_DATA_MAX_BYTES} bytes of JSON, or the end-of-execution event cannot carry the URL`,
      );
    }
    try {
      const started = await client.send(
        new StartExecutionCommand({
          stateMachineArn,
          input,
          ...(body.name === undefined ? {} : { name: body.name }),
        }),
      );
      return jsonResponse(200, {
        executionArn: started.executionArn,
        startDate: (started.startDate?.getTime() ?? 0) / 1000,
      });
    } catch (error) {
      if (error instanceof SFNServiceException && error.$fault === 'client' && error.name !== 'ThrottlingException') {
        return jsonResponse(400, { __type: error.name, message: error.message });
      }
      logger.error(JSON.stringify({ message: 'StartExecution failed', error: String(error) }));
      return messageResponse(500, 'Internal Server Error');
    }
  };
}
