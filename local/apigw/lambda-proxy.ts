/**
 * Lambda proxy integrations with payload format 2.0: the event API Gateway sends and how it turns
 * the function's result into the HTTP response.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */

/** What the gateway knows about a request when it calls the function. */
export interface ProxyRequest {
  readonly routeKey: string;
  readonly method: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  /** Lower-case names, repeated values joined with `,`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly protocol: string;
  readonly requestId: string;
  readonly requestTimeMs: number;
  readonly requestTime: string;
  readonly accountId: string;
  readonly apiId: string;
  readonly stage: string;
  readonly domainName: string;
  /** `requestContext.authorizer` (iam or jwt), when the route has authorization. */
  readonly authorizer?: Record<string, unknown>;
}

/** The HTTP response the gateway sends. */
export interface ProxyResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

const TEXT_TYPE = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+(json|xml))/i;

/** The payload 2.0 event for a request. */
export function proxyEvent(req: ProxyRequest): Record<string, unknown> {
  const contentType = req.headers['content-type'];
  // API Gateway sends text bodies as they are and anything else base64-encoded.
  const isText = req.body.length === 0 || contentType === undefined || TEXT_TYPE.test(contentType);
  const cookies = req.headers['cookie']
    ?.split(';')
    .map((c) => c.trim())
    .filter(Boolean);
  const headers = { ...req.headers };
  delete headers['cookie'];
  return {
    version: '2.0',
    routeKey: req.routeKey,
    rawPath: req.rawPath,
    rawQueryString: req.rawQueryString,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(req.query).length > 0 ? { queryStringParameters: req.query } : {}),
    requestContext: {
      accountId: req.accountId,
      apiId: req.apiId,
      ...(req.authorizer ? { authorizer: req.authorizer } : {}),
      domainName: req.domainName,
      domainPrefix: req.domainName.split('.')[0],
      http: {
        method: req.method,
        path: req.rawPath,
        protocol: req.protocol,
        sourceIp: req.sourceIp,
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: req.requestId,
      routeKey: req.routeKey,
      stage: req.stage,
      time: req.requestTime,
      timeEpoch: req.requestTimeMs,
    },
    ...(req.body.length > 0 ? { body: isText ? req.body.toString('utf8') : req.body.toString('base64') } : {}),
    ...(Object.keys(req.pathParameters).length > 0 ? { pathParameters: req.pathParameters } : {}),
    isBase64Encoded: !isText,
  };
}

/**
 * Maps a function's result to the response. An object with `statusCode` is a structured response;
 * anything else is returned as a 200 JSON body (API Gateway "infers the response format").
 */
export function proxyResponse(result: unknown): ProxyResponse {
  if (result !== null && typeof result === 'object' && !Array.isArray(result) && 'statusCode' in result) {
    const r = result as {
      statusCode: unknown;
      headers?: unknown;
      cookies?: unknown;
      body?: unknown;
      isBase64Encoded?: unknown;
    };
    const headers: Record<string, string> = {};
    if (r.headers && typeof r.headers === 'object') {
      for (const [k, v] of Object.entries(r.headers as Record<string, unknown>)) headers[k.toLowerCase()] = String(v);
    }
    const text = typeof r.body === 'string' ? r.body : r.body === undefined ? '' : JSON.stringify(r.body);
    const statusCode = Number(r.statusCode);
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
      throw new Error(`the function returned an invalid statusCode: ${JSON.stringify(r.statusCode)}`);
    }
    return {
      statusCode,
      headers,
      cookies: Array.isArray(r.cookies) ? r.cookies.map(String) : [],
      body: r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8'),
    };
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(typeof result === 'string' ? result : JSON.stringify(result ?? null), 'utf8'),
  };
}
