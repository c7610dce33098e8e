import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** ARN of "this stack's" state machine in the status Lambda tests. */
export const STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:async-api-dev-ramen';
/** An execution of {@link STATE_MACHINE_ARN}. */
export const EXECUTION_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:async-api-dev-ramen:order-42';

/** A payload-format-2.0 event for `POST /describe-execution` carrying `body`. */
export function httpEvent(
  body: string | undefined,
  { isBase64Encoded = false, requestId = 'apigw-req-1' }: { isBase64Encoded?: boolean; requestId?: string } = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /describe-execution',
    rawPath: '/describe-execution',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api123',
      domainName: 'api123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'api123',
      http: {
        method: 'POST',
        path: '/describe-execution',
        protocol: 'HTTP/1.1',
        sourceIp: '192.0.2.1',
        userAgent: 'jest',
      },
      requestId,
      routeKey: 'POST /describe-execution',
      stage: '$default',
      time: '24/Nov/2025:20:00:00 +0000',
      timeEpoch: 1764014400000,
    },
    body,
    isBase64Encoded,
  };
}

/** A JSON body asking about `executionArn`. */
export function arnBody(executionArn: unknown): string {
  return JSON.stringify({ executionArn });
}

/** A Lambda context whose remaining time is fixed at `ms`. */
export function remaining(ms: number): { getRemainingTimeInMillis: () => number } {
  return { getRemainingTimeInMillis: () => ms };
}
