/**
 * The local Lambda host refuses a synchronous response over Lambda's limit exactly as AWS does
 * (`Function.ResponseSizeTooLarge`), counting bytes of the serialised result, not characters.
 */
import * as path from 'node:path';
import { RESPONSE_MAX_BYTES } from '../../../lambda-src/shared/http';
import { createLambdaService, LambdaErrorType, type LambdaService, MAX_RESPONSE_BYTES } from '../../../local/lambda';
import { createSandbox, type Sandbox } from './fixtures';

const REPO_NODE_MODULES = path.resolve(__dirname, '../../../node_modules');

let sandbox: Sandbox | undefined;
let service: LambdaService | undefined;

beforeAll(() => {
  sandbox = createSandbox();
  service = createLambdaService({
    functions: [
      // Returns a string of `euros` "€" (3 bytes each in UTF-8) and `ascii` "a": its JSON is that plus 2 quotes.
      sandbox.fn('sized', {
        'index.js': `exports.handler = async (e) => '€'.repeat(e.euros) + 'a'.repeat(e.ascii);`,
      }),
    ],
    workDir: sandbox.workDir,
    nodePath: [REPO_NODE_MODULES],
    runtimeEnvironment: () => ({}),
  });
});

afterAll(async () => {
  await service?.close();
  sandbox?.remove();
});

/** A payload whose serialised result is `bytes` bytes long. */
function ofBytes(bytes: number) {
  const content = bytes - 2;
  return { euros: Math.floor(content / 3), ascii: content % 3 };
}

describe('synchronous response limit', () => {
  it('is 6 MiB plus the runtime API framing allowance, and above what our handlers allow themselves', () => {
    expect(MAX_RESPONSE_BYTES).toBe(6 * 1024 * 1024 + 100);
    expect(RESPONSE_MAX_BYTES).toBeLessThan(MAX_RESPONSE_BYTES);
  });

  it('returns a result of exactly the limit, in bytes of multi-byte text', async () => {
    const result = await service!.invoke({ functionName: 'sized', payload: ofBytes(MAX_RESPONSE_BYTES) });

    expect(result.functionError).toBeUndefined();
    expect(Buffer.byteLength(JSON.stringify(result.payload))).toBe(MAX_RESPONSE_BYTES);
    // Far fewer characters than bytes: a limit counted in characters would pass much more.
    expect((result.payload as string).length).toBeLessThan(MAX_RESPONSE_BYTES / 2);
  });

  it('fails a result one byte over with Function.ResponseSizeTooLarge', async () => {
    const result = await service!.invoke({ functionName: 'sized', payload: ofBytes(MAX_RESPONSE_BYTES + 1) });

    expect(result.functionError).toBe('Unhandled');
    expect(result.payload).toMatchObject({
      errorType: LambdaErrorType.ResponseSizeTooLarge,
      errorMessage: `Response payload size (${MAX_RESPONSE_BYTES + 1} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
    });
  });
});
