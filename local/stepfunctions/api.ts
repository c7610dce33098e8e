/**
 * The Step Functions endpoint (AWS JSON 1.0): `POST /` with `X-Amz-Target: AWSStepFunctions.<Operation>`
 * and a SigV4 signature for service `states`, so the real `@aws-sdk/client-sfn` (and the status
 * Lambda through `AWS_ENDPOINT_URL_SFN`) work against the runtime unchanged. The access key tells
 * who calls: a role's session is held to the role's policies; the local developer may do anything.
 */
import { randomUUID } from 'node:crypto';
import type { GatewayRequest, GatewayResponse } from '../apigw/gateway';
import type { CredentialStore } from '../auth/credentials';
import { type SigV4FailureCode, verifySigV4 } from '../auth/sigv4';
import { SfnError, type SfnErrorCode } from './errors';
import type { Caller, StepFunctionsService } from './service';

/** The `X-Amz-Target` prefix of Step Functions operations. */
export const SFN_TARGET_PREFIX = 'AWSStepFunctions.';

// How signature failures are reported by JSON-protocol services (Step Functions common errors).
const AUTH_ERRORS: Readonly<Record<SigV4FailureCode, [SfnErrorCode, number]>> = {
  MissingAuthenticationToken: ['MissingAuthenticationToken', 403],
  IncompleteSignature: ['IncompleteSignature', 400],
  UnrecognizedClient: ['UnrecognizedClientException', 400],
  InvalidSignature: ['InvalidSignatureException', 400],
  SignatureExpired: ['InvalidSignatureException', 400],
};

/** Serves Step Functions API requests. */
export class StepFunctionsApi {
  constructor(
    private readonly service: StepFunctionsService,
    private readonly credentials: CredentialStore,
    private readonly region: string,
  ) {}

  /** Handles one request whose `x-amz-target` starts with {@link SFN_TARGET_PREFIX}; never throws. */
  async handle(req: GatewayRequest): Promise<GatewayResponse> {
    const requestId = randomUUID();
    try {
      const operation = (req.headers['x-amz-target'] ?? '').slice(SFN_TARGET_PREFIX.length);
      const verified = await verifySigV4(
        { method: req.method, path: req.rawPath, query: req.rawQuery, headers: req.headers, body: req.body },
        { service: 'states', region: this.region, credentials: this.credentials },
      );
      if (!verified.ok) {
        const [code, status] = AUTH_ERRORS[verified.code];
        throw new SfnError(code, verified.message, status);
      }
      if (req.method !== 'POST')
        throw new SfnError('UnknownOperationException', `Method ${req.method} is not supported`);
      let request: unknown;
      try {
        request = req.body.length === 0 ? {} : JSON.parse(req.body.toString('utf8'));
      } catch {
        throw new SfnError('SerializationException', 'The request body is not valid JSON');
      }
      if (request === null || typeof request !== 'object' || Array.isArray(request)) {
        throw new SfnError('SerializationException', 'The request body must be a JSON object');
      }
      const credential = verified.credential;
      const caller: Caller = credential.roleArn ? { kind: 'role', roleArn: credential.roleArn } : { kind: 'developer' };
      const result = await this.service.call(operation, caller, request as Record<string, unknown>);
      return awsJsonResponse(200, result, requestId);
    } catch (err) {
      if (err instanceof SfnError) return awsJsonResponse(err.status, err.toBody(), requestId);
      return awsJsonResponse(
        500,
        new SfnError('InternalFailure', 'The request processing has failed because of an unknown error', 500).toBody(),
        requestId,
      );
    }
  }
}

/**
 * An AWS JSON protocol response: Step Functions' (awsJson1.0, the default) from the local endpoint and
 * the one an HTTP API passes through from a service integration; Secrets Manager's is awsJson1.1.
 */
export function awsJsonResponse(
  statusCode: number,
  payload: unknown,
  requestId: string,
  protocol: '1.0' | '1.1' = '1.0',
): GatewayResponse {
  const body = Buffer.from(JSON.stringify(payload));
  return {
    statusCode,
    headers: {
      'content-type': `application/x-amz-json-${protocol}`,
      'content-length': String(body.length),
      'x-amzn-requestid': requestId,
    },
    body,
  };
}
