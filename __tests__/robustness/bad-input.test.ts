/**
 * Bad input (issue #6, part 3): requests a client can get wrong, each sent over HTTP to the running
 * local runtime (the real synthesized stack), with the status and message AWS gives. Sources:
 * docs/aws-behaviour.md (§n below) and docs/local-runtime.md; rows marked "unverified" pin the
 * runtime's behaviour where AWS's exact answer is not documented (docs/testing.md lists them and how
 * to check them). After all rows: no rejected request started an execution, the one stop of a
 * finished execution changed nothing, and a normal job still runs to SUCCEEDED.
 *
 * Rows run against API_AUTH=NONE except the SigV4 rows, which need a stack with API_AUTH=AWS_IAM.
 */

import { Sha256 } from '@aws-crypto/sha256-js';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { SignatureV4 } from '@smithy/signature-v4';
import { EXECUTION_ARN_FORMAT } from '../../lambda-src/shared/step-functions-arn';
import { machineStartedBy } from '../../local/terraform/model';
import { defaultJob } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import {
  DEFAULT_SETTINGS,
  type JsonResponse,
  postJson,
  signedPostJson,
  startTestRuntime,
  type TestRuntime,
  uniqueName,
  waitForEnd,
} from '../local/helpers';

jest.setTimeout(30_000);

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
/** The default job (behind POST /start-execution) and its example input, from the registry. */
const MAIN = defaultJob(JOBS);
const MACHINE = `async-api-dev-${MAIN.name}`;
const EXECUTION = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${MACHINE}`;
const FOREIGN_ACCOUNT_ARN = `arn:aws:states:${REGION}:210987654321:execution:${MACHINE}:x`;
const FOREIGN_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:execution:someone-elses-machine:x`;
const FOREIGN_REGION_ARN = `arn:aws:states:eu-west-1:${ACCOUNT}:execution:${MACHINE}:x`;
const UNKNOWN_ARN = `${EXECUTION}:never-started`;
const SFN_NAMESPACE = 'com.amazonaws.swf.service.v2.model';
const EXPECTED_DESCRIBE_BODY = `a JSON object like {"executionArn": "${EXECUTION_ARN_FORMAT}"}`;
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Values only known once the runtime runs. */
interface Ctx {
  /** An execution that SUCCEEDED before the rows ran. */
  readonly finishedArn: string;
  readonly finishedName: string;
}

type Text = string | ((ctx: Ctx) => string);

/** How a row signs its request (SigV4 rows only). */
interface Signing {
  /** Signing name (default execute-api). */
  readonly service?: string;
  readonly region?: string;
  /** Sign with a secret the runtime does not know for this key. */
  readonly forgedSecret?: boolean;
  /** Sign with an access key the runtime never issued. */
  readonly unknownKey?: boolean;
  /** Signing time relative to now, in minutes. */
  readonly minutesOff?: number;
  /** Send a different body from the one signed. */
  readonly tamper?: boolean;
}

interface Row {
  readonly name: string;
  readonly method?: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Raw body (default none). */
  readonly body?: Text | Buffer;
  /** SigV4-sign with the local developer's credentials (`{}`: correctly), spoiled as {@link Signing} says. */
  readonly sign?: Signing;
  readonly status: number;
  /** Step Functions error code (the body is then `{__type, message}`); absent: API Gateway / Lambda `{message}`. */
  readonly type?: string;
  /** Expected `message`, exact or as a pattern. */
  readonly message: string | RegExp | ((ctx: Ctx) => string | RegExp);
}

const json = (value: unknown): string => JSON.stringify(value);
const start = (body: Record<string, unknown>): string =>
  json({ input: MAIN.exampleInput, name: uniqueName('rejected'), ...body });
const sfnHeaders = (operation: string): Record<string, string> => ({
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': `AWSStepFunctions.${operation}`,
});
const invalidName = (name: string): Row['message'] => `Invalid Name: '${name}'`;
const invalidInput = /^Invalid State Machine Execution Input: '.+'$/s;
const accessDenied = (arn: string): RegExp =>
  new RegExp(
    `^User: arn:aws:sts::${ACCOUNT}:assumed-role/[^/]+/[^ ]+ is not authorized to perform: states:StopExecution on resource: ${arn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
  );

const NONE_ROWS: Row[] = [
  // POST /start-execution: StartExecution integration, Input=$request.body.input, Name=$request.body.name
  // A body JSON path needs a JSON body (docs/local-runtime.md, "A body that is not JSON": unverified).
  {
    name: 'start: malformed JSON',
    path: '/start-execution',
    body: '{"input": {"seconds": 1}, "name": ',
    status: 400,
    message: 'Bad Request',
  },
  { name: 'start: empty body', path: '/start-execution', body: '', status: 400, message: 'Bad Request' },
  {
    name: 'start: form-encoded body with its content type',
    path: '/start-execution',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'input=%7B%7D&name=x',
    status: 400,
    message: 'Bad Request',
  },
  {
    name: 'start: body that is not UTF-8',
    path: '/start-execution',
    body: Buffer.from([0xff, 0xfe, 0x7b, 0x7d]),
    status: 400,
    message: 'Bad Request',
  },
  // A string `input` is forwarded as it is and Step Functions parses it (§1.3, §4.3).
  {
    name: 'start: input a string that is not JSON',
    path: '/start-execution',
    body: () => start({ input: 'job' }),
    status: 400,
    type: 'InvalidExecutionInput',
    message: invalidInput,
  },
  {
    name: 'start: input JSON text with NaN',
    path: '/start-execution',
    body: () => start({ input: '{"seconds": NaN}' }),
    status: 400,
    type: 'InvalidExecutionInput',
    message: invalidInput,
  },
  {
    name: 'start: input JSON text cut short',
    path: '/start-execution',
    body: () => start({ input: '{"seconds":' }),
    status: 400,
    type: 'InvalidExecutionInput',
    message: invalidInput,
  },
  // JSON paths see only the first 100 KB of the body (§1.2), which bites before the 256 KiB input limit.
  {
    name: 'start: input over 256 KiB',
    path: '/start-execution',
    body: () => start({ input: { blob: 'x'.repeat(300 * 1024) } }),
    status: 400,
    message: 'Bad Request',
  },
  {
    name: 'start: input of 150 KB (under 256 KiB, over the 100 KB cut)',
    path: '/start-execution',
    body: () => start({ input: { blob: 'x'.repeat(150 * 1024) } }),
    status: 400,
    message: 'Bad Request',
  },
  {
    name: 'start: 90,000 three-byte characters (under 100 K characters, 270 KB of UTF-8)',
    path: '/start-execution',
    body: () => start({ input: { blob: '日'.repeat(90_000) } }),
    status: 400,
    message: 'Bad Request',
  },
  // unverified: what AWS does with a value nested this deep; the runtime must answer 4xx, not 5xx.
  {
    name: 'start: input nested 50,000 levels deep',
    path: '/start-execution',
    body: () => `{"name": "${uniqueName('deep')}", "input": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
    status: 400,
    message: 'Bad Request',
  },
  // Execution names: 1–80 characters, none of the forbidden ones (§4.1).
  {
    name: 'start: name of 81 characters',
    path: '/start-execution',
    body: start({ name: 'n'.repeat(81) }),
    status: 400,
    type: 'InvalidName',
    message: invalidName('n'.repeat(81)),
  },
  {
    name: 'start: name with a space',
    path: '/start-execution',
    body: start({ name: 'job now' }),
    status: 400,
    type: 'InvalidName',
    message: invalidName('job now'),
  },
  {
    name: 'start: name with a slash',
    path: '/start-execution',
    body: start({ name: 'job/1' }),
    status: 400,
    type: 'InvalidName',
    message: invalidName('job/1'),
  },
  {
    name: 'start: name with a colon',
    path: '/start-execution',
    body: start({ name: 'job:1' }),
    status: 400,
    type: 'InvalidName',
    message: invalidName('job:1'),
  },
  {
    name: 'start: name with a wildcard',
    path: '/start-execution',
    body: start({ name: 'job*' }),
    status: 400,
    type: 'InvalidName',
    message: invalidName('job*'),
  },
  {
    name: 'start: name with a backtick',
    path: '/start-execution',
    body: start({ name: 'job`1' }),
    status: 400,
    type: 'InvalidName',
    message: invalidName('job`1'),
  },
  {
    name: 'start: name with a control character',
    path: '/start-execution',
    body: start({ name: 'job\u0007' }),
    status: 400,
    type: 'InvalidName',
    message: invalidName('job\u0007'),
  },
  {
    name: 'start: name with a lone surrogate',
    path: '/start-execution',
    body: '{"input": {}, "name": "job\\ud800"}',
    status: 400,
    type: 'InvalidName',
    message: invalidName('job\ud800'),
  },
  // unverified: AWS may report an empty name as a ValidationException (length 1–80) instead.
  {
    name: 'start: empty name',
    path: '/start-execution',
    body: start({ name: '' }),
    status: 400,
    type: 'InvalidName',
    message: invalidName(''),
  },
  // A non-string value is mapped as its JSON text (§1.3), which holds forbidden characters.
  {
    name: 'start: name given as an object',
    path: '/start-execution',
    body: start({ name: { first: 'job' } }),
    status: 400,
    type: 'InvalidName',
    message: invalidName('{"first":"job"}'),
  },
  {
    name: 'start: name of a finished execution',
    path: '/start-execution',
    body: (ctx) => json({ input: MAIN.exampleInput, name: ctx.finishedName }),
    status: 400,
    type: 'ExecutionAlreadyExists',
    message: (ctx) => `Execution Already Exists: '${ctx.finishedArn}'`,
  },
  // HTTP API quotas (§2.2): 10 MB payload; 10,240 bytes of request line and header values. unverified: both texts, and the 431.
  {
    name: 'start: body over 10 MB',
    path: '/start-execution',
    body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
    status: 413,
    message: 'Request Entity Too Large',
  },
  {
    name: 'start: 11 KB of headers',
    path: '/start-execution',
    headers: { 'x-padding': 'p'.repeat(11 * 1024) },
    body: () => start({}),
    status: 431,
    message: 'HTTP header is larger than 10240 bytes.',
  },
  {
    name: 'start: 40 KB of headers',
    path: '/start-execution',
    headers: { 'x-padding': 'p'.repeat(40 * 1024) },
    body: () => start({}),
    status: 431,
    message: 'HTTP header is larger than 10240 bytes.',
  },

  // POST /describe-execution: the status Lambda validates before calling Step Functions (API.md).
  {
    name: 'describe: malformed JSON',
    path: '/describe-execution',
    body: '{"executionArn": ',
    status: 400,
    message: `Request body is not valid JSON: send ${EXPECTED_DESCRIBE_BODY}`,
  },
  {
    name: 'describe: empty body',
    path: '/describe-execution',
    body: '',
    status: 400,
    message: `Request body is required: send ${EXPECTED_DESCRIBE_BODY}`,
  },
  {
    name: 'describe: form-encoded body with its content type',
    path: '/describe-execution',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `executionArn=${encodeURIComponent(UNKNOWN_ARN)}`,
    status: 400,
    message: `Request body is not valid JSON: send ${EXPECTED_DESCRIBE_BODY}`,
  },
  {
    name: 'describe: body an array',
    path: '/describe-execution',
    body: json([1, 2]),
    status: 400,
    message: `Request body must be ${EXPECTED_DESCRIBE_BODY}; got [1,2]`,
  },
  {
    name: 'describe: no executionArn',
    path: '/describe-execution',
    body: json({ arn: UNKNOWN_ARN }),
    status: 400,
    message: `executionArn is required: send ${EXPECTED_DESCRIBE_BODY}`,
  },
  {
    name: 'describe: executionArn a number',
    path: '/describe-execution',
    body: json({ executionArn: 42 }),
    status: 400,
    message: 'executionArn must be a string; got 42',
  },
  {
    name: 'describe: malformed ARN',
    path: '/describe-execution',
    body: json({ executionArn: 'not-an-arn' }),
    status: 400,
    message: `executionArn must look like ${EXECUTION_ARN_FORMAT}; got "not-an-arn"`,
  },
  {
    name: 'describe: a state machine ARN',
    path: '/describe-execution',
    body: json({ executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${MACHINE}` }),
    status: 400,
    message:
      /^executionArn must look like arn:<partition>:states:<region>:<account>:execution:<state machine>:<name>; got "arn:aws:states:/,
  },
  {
    name: "describe: another account's ARN",
    path: '/describe-execution',
    body: json({ executionArn: FOREIGN_ACCOUNT_ARN }),
    status: 400,
    message: "executionArn must be an execution of one of this API's state machines",
  },
  {
    name: "describe: another state machine's ARN",
    path: '/describe-execution',
    body: json({ executionArn: FOREIGN_MACHINE_ARN }),
    status: 400,
    message: "executionArn must be an execution of one of this API's state machines",
  },
  {
    name: "describe: another region's ARN",
    path: '/describe-execution',
    body: json({ executionArn: FOREIGN_REGION_ARN }),
    status: 400,
    message: "executionArn must be an execution of one of this API's state machines",
  },
  {
    name: 'describe: unknown execution',
    path: '/describe-execution',
    body: json({ executionArn: UNKNOWN_ARN }),
    status: 404,
    message: `Execution not found: ${UNKNOWN_ARN}`,
  },

  // POST /stop-execution: StopExecution integration; Step Functions' errors pass through (§1.6, §4.4).
  {
    name: 'stop: malformed JSON',
    path: '/stop-execution',
    body: '{"executionArn": ',
    status: 400,
    message: 'Bad Request',
  },
  {
    name: 'stop: no executionArn',
    path: '/stop-execution',
    body: json({}),
    status: 400,
    type: 'ValidationException',
    message:
      "1 validation error detected: Value null at 'executionArn' failed to satisfy constraint: Member must not be null",
  },
  {
    name: 'stop: malformed ARN',
    path: '/stop-execution',
    body: json({ executionArn: 'not-an-arn' }),
    status: 400,
    type: 'InvalidArn',
    message: "Invalid Arn: 'Invalid ARN prefix: not-an-arn'",
  },
  {
    name: 'stop: a state machine ARN',
    path: '/stop-execution',
    body: json({ executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${MACHINE}` }),
    status: 400,
    type: 'InvalidArn',
    message: "Invalid Arn: 'Resource type not valid in this context: stateMachine'",
  },
  {
    name: 'stop: unknown execution',
    path: '/stop-execution',
    body: json({ executionArn: UNKNOWN_ARN }),
    status: 400,
    type: 'ExecutionDoesNotExist',
    message: `Execution Does Not Exist: '${UNKNOWN_ARN}'`,
  },
  // The integration's role may stop executions of this machine only (§6), so IAM refuses the rest.
  {
    name: "stop: another account's ARN",
    path: '/stop-execution',
    body: json({ executionArn: FOREIGN_ACCOUNT_ARN }),
    status: 400,
    type: 'AccessDeniedException',
    message: accessDenied(FOREIGN_ACCOUNT_ARN),
  },
  {
    name: "stop: another state machine's ARN",
    path: '/stop-execution',
    body: json({ executionArn: FOREIGN_MACHINE_ARN }),
    status: 400,
    type: 'AccessDeniedException',
    message: accessDenied(FOREIGN_MACHINE_ARN),
  },
  {
    name: 'stop: error over 256 characters',
    path: '/stop-execution',
    body: json({ executionArn: UNKNOWN_ARN, error: 'e'.repeat(257) }),
    status: 400,
    type: 'ValidationException',
    message:
      "1 validation error detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256",
  },
  {
    name: 'stop: cause over 32,768 characters',
    path: '/stop-execution',
    body: json({ executionArn: UNKNOWN_ARN, cause: 'c'.repeat(32_769) }),
    status: 400,
    type: 'ValidationException',
    message:
      "1 validation error detected: Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to 32768",
  },

  // Routes: no match and no $default route → 404 (§2.1, §2.3); paths are case-sensitive.
  { name: 'route: unknown path', path: '/cook-job', body: json({}), status: 404, message: 'Not Found' },
  { name: 'route: GET on a POST route', method: 'GET', path: '/start-execution', status: 404, message: 'Not Found' },
  {
    name: 'route: PUT on a POST route',
    method: 'PUT',
    path: '/describe-execution',
    body: json({ executionArn: UNKNOWN_ARN }),
    status: 404,
    message: 'Not Found',
  },
  {
    name: 'route: DELETE on a POST route',
    method: 'DELETE',
    path: '/stop-execution',
    status: 404,
    message: 'Not Found',
  },
  {
    name: 'route: path in another case',
    path: '/Start-Execution',
    body: () => start({}),
    status: 404,
    message: 'Not Found',
  },
  // unverified: whether API Gateway ignores a trailing slash.
  {
    name: 'route: trailing slash',
    path: '/start-execution/',
    body: () => start({}),
    status: 404,
    message: 'Not Found',
  },
  {
    name: 'route: root path without a Step Functions target',
    path: '/',
    body: json({}),
    status: 404,
    message: 'Not Found',
  },

  // The Step Functions API on the same port (AWS JSON 1.0, §4.6), signed as the local developer.
  {
    name: 'sfn: unsigned',
    path: '/',
    headers: sfnHeaders('ListExecutions'),
    body: json({}),
    status: 403,
    type: 'MissingAuthenticationToken',
    message: 'Missing Authentication Token',
  },
  // unverified: the message text of UnknownOperationException.
  {
    name: 'sfn: unknown operation',
    path: '/',
    headers: sfnHeaders('CookJob'),
    body: json({}),
    sign: { service: 'states' },
    status: 400,
    type: 'UnknownOperationException',
    message: /CookJob/,
  },
  {
    name: 'sfn: body not JSON',
    path: '/',
    headers: sfnHeaders('ListExecutions'),
    body: 'stateMachineArn=x',
    sign: { service: 'states' },
    status: 400,
    type: 'SerializationException',
    message: 'The request body is not valid JSON',
  },
  {
    name: 'sfn: StartExecution without stateMachineArn',
    path: '/',
    headers: sfnHeaders('StartExecution'),
    body: json({ input: '{}' }),
    sign: { service: 'states' },
    status: 400,
    type: 'ValidationException',
    message:
      "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null",
  },
  {
    name: 'sfn: StartExecution of another machine',
    path: '/',
    headers: sfnHeaders('StartExecution'),
    body: json({ stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:other`, input: '{}' }),
    sign: { service: 'states' },
    status: 400,
    type: 'StateMachineDoesNotExist',
    message: `State Machine Does Not Exist: 'arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:other'`,
  },
  // Straight to Step Functions the 256 KiB input limit applies (§4.3; the error name for oversize is unverified).
  {
    name: 'sfn: StartExecution with input over 256 KiB',
    path: '/',
    headers: sfnHeaders('StartExecution'),
    body: json({
      stateMachineArn: `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${MACHINE}`,
      input: json({ blob: 'x'.repeat(300 * 1024) }),
    }),
    sign: { service: 'states' },
    status: 400,
    type: 'InvalidExecutionInput',
    message: /^Invalid State Machine Execution Input: '.*262144 bytes'$/,
  },
];

// AWS_IAM routes (§2.1; texts from the IAM user guide's SigV4 troubleshooting page unless marked).
const IAM_ROWS: Row[] = [
  {
    name: 'sigv4: missing',
    path: '/start-execution',
    body: () => start({}),
    status: 403,
    message: 'Missing Authentication Token',
  },
  {
    name: 'sigv4: expired (signed 20 minutes ago)',
    path: '/start-execution',
    body: () => start({}),
    sign: { minutesOff: -20 },
    status: 403,
    message: /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 15 min\.\)$/,
  },
  {
    name: 'sigv4: signed 20 minutes in the future',
    path: '/start-execution',
    body: () => start({}),
    sign: { minutesOff: 20 },
    status: 403,
    message: /^Signature not yet current: \d{8}T\d{6}Z is still later than \d{8}T\d{6}Z \(\d{8}T\d{6}Z \+ 15 min\.\)$/,
  },
  {
    name: 'sigv4: forged (wrong secret)',
    path: '/start-execution',
    body: () => start({}),
    sign: { forgedSecret: true },
    status: 403,
    message: SIGNATURE_MISMATCH,
  },
  {
    name: 'sigv4: body changed after signing',
    path: '/start-execution',
    body: () => start({}),
    sign: { tamper: true },
    status: 403,
    message: SIGNATURE_MISMATCH,
  },
  {
    name: 'sigv4: unknown access key',
    path: '/start-execution',
    body: () => start({}),
    sign: { unknownKey: true },
    status: 403,
    message: 'The security token included in the request is invalid.',
  },
  {
    name: 'sigv4: signed for another service',
    path: '/start-execution',
    body: () => start({}),
    sign: { service: 'states' },
    status: 403,
    message: "Credential should be scoped to correct service: 'execute-api'. ",
  },
  {
    name: 'sigv4: signed for another region',
    path: '/start-execution',
    body: () => start({}),
    sign: { region: 'eu-west-1' },
    status: 403,
    message: "Credential should be scoped to a valid region, not 'eu-west-1'. ",
  },
  // inferred from REST API reports (docs/testing.md): the header is parsed as key=value pairs.
  {
    name: 'sigv4: a Bearer token instead',
    path: '/start-execution',
    headers: { authorization: 'Bearer abc.def' },
    body: () => start({}),
    status: 403,
    message: "'abc.def' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer abc.def'.",
  },
  {
    name: 'sigv4: no Signature in the header',
    path: '/describe-execution',
    headers: {
      authorization: `AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/${REGION}/execute-api/aws4_request, SignedHeaders=host`,
    },
    body: json({ executionArn: UNKNOWN_ARN }),
    status: 403,
    message: "Authorization header requires 'Signature' parameter.",
  },
];

/** Sends one row's request. */
async function send(
  url: string,
  row: Row,
  ctx: Ctx,
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<JsonResponse> {
  const target = new URL(row.path, url);
  const method = row.method ?? 'POST';
  const body = typeof row.body === 'function' ? row.body(ctx) : row.body;
  let headers: Record<string, string> = { 'content-type': 'application/json', ...row.headers };
  if (row.sign !== undefined) {
    const s = row.sign;
    const signer = new SignatureV4({
      credentials: {
        accessKeyId: s.unknownKey ? 'AKIANOTISSUEDLOCALLY' : credentials.accessKeyId,
        secretAccessKey: s.forgedSecret ? `${credentials.secretAccessKey}x` : credentials.secretAccessKey,
      },
      region: s.region ?? REGION,
      service: s.service ?? 'execute-api',
      sha256: Sha256,
    });
    const signed = await signer.sign(
      {
        method,
        protocol: 'http:',
        hostname: target.hostname,
        port: Number(target.port),
        path: target.pathname,
        query: {},
        headers: { ...headers, host: target.host },
        body,
      },
      s.minutesOff !== undefined ? { signingDate: new Date(Date.now() + s.minutesOff * 60_000) } : {},
    );
    headers = signed.headers as Record<string, string>;
  }
  const sent = row.sign?.tamper && typeof body === 'string' ? body.replace('"name":"', '"name":"x') : body;
  const res = await fetch(target, { method, headers, ...(sent !== undefined ? { body: sent } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: the assertion shows the text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

function expectedBody(row: Row, ctx: Ctx): unknown {
  const m = typeof row.message === 'function' ? row.message(ctx) : row.message;
  const message = typeof m === 'string' ? m : expect.stringMatching(m);
  return row.type ? { __type: `${SFN_NAMESPACE}#${row.type}`, message } : { message };
}

/** All executions of the machine, counted through the Step Functions API. */
async function countExecutions(sfn: SFNClient, stateMachineArn: string): Promise<number> {
  let count = 0;
  let nextToken: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000, nextToken }));
    count += r.executions?.length ?? 0;
    nextToken = r.nextToken;
    if (!nextToken) break;
  }
  return count;
}

describe.each([
  { auth: 'NONE', rows: NONE_ROWS },
  { auth: 'AWS_IAM', rows: IAM_ROWS },
])('bad input, API_AUTH=$auth', ({ auth, rows }) => {
  let rt: TestRuntime;
  let sfn: SFNClient;
  let ctx: Ctx;
  let executionsBefore: number;
  let finishedBefore: JsonResponse;
  const signedIfNeeded = (path: string, body: unknown): Promise<JsonResponse> =>
    auth === 'NONE'
      ? postJson(`${rt.url}${path}`, body)
      : signedPostJson(`${rt.url}${path}`, body, rt.runtime.credentials);

  beforeAll(async () => {
    rt = await startTestRuntime({ settings: { ...DEFAULT_SETTINGS, API_AUTH: auth } });
    const { runtime } = rt;
    sfn = new SFNClient({ endpoint: runtime.url, region: runtime.model.region, credentials: runtime.credentials });
    const finishedName = uniqueName('finished');
    const started = await signedIfNeeded('/start-execution', { input: MAIN.exampleInput, name: finishedName });
    finishedBefore = await waitForEnd(() =>
      signedIfNeeded('/describe-execution', { executionArn: started.body.executionArn }),
    );
    ctx = { finishedArn: started.body.executionArn, finishedName };
    executionsBefore = await countExecutions(sfn, machineStartedBy(runtime.model).arn);
  });
  afterAll(async () => {
    sfn?.destroy();
    await rt?.close();
  });

  it.each(rows)('$name → $status', async (row) => {
    // Act
    const res = await send(rt.url, row, ctx, rt.runtime.credentials);

    // Assess
    expect({ status: res.status, body: res.body }).toEqual({ status: row.status, body: expectedBody(row, ctx) });
  });

  it('stops a finished execution with 200 and leaves it as it was (§4.4, inferred)', async () => {
    // Act
    const stopped = await signedIfNeeded('/stop-execution', {
      executionArn: ctx.finishedArn,
      error: 'Too.Late',
      cause: 'already eaten',
    });
    const after = await signedIfNeeded('/describe-execution', { executionArn: ctx.finishedArn });

    // Assess
    expect(stopped.status).toBe(200);
    expect(stopped.body).toEqual({ stopDate: new Date(finishedBefore.body.stopDate).getTime() / 1000 });
    expect(after.body).toEqual(finishedBefore.body);
  });

  it('after all rows: no rejected request started an execution, and a normal job still succeeds', async () => {
    // Act
    const executionsAfter = await countExecutions(sfn, machineStartedBy(rt.runtime.model).arn);
    const started = await signedIfNeeded('/start-execution', { input: MAIN.exampleInput, name: uniqueName('normal') });
    const finished = await waitForEnd(() =>
      signedIfNeeded('/describe-execution', { executionArn: started.body.executionArn }),
    );

    // Assess
    expect(executionsBefore).toBe(1);
    expect(executionsAfter).toBe(executionsBefore);
    expect(rt.runtime.sfn.runningCount).toBe(0);
    expect(finished.body).toMatchObject({ status: 'SUCCEEDED', input: MAIN.exampleInput });
  });
});
