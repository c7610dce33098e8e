/**
 * Drives the CLI as the tests need it: `main(argv, io)` in-process on a virtual clock with captured
 * streams, and a contract server that lives for one test.
 */
import { type CliIo, type ExitCode, main } from '../../client/cli';
import { type ContractOptions, contractApi, type FakeServer, startFakeServer, virtualTime } from './fake-api';

/** What one CLI run printed and returned. */
export interface Run {
  code: ExitCode;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process in `cwd` on a virtual clock with captured streams and an empty environment. */
export async function runCli(argv: string[], cwd: string, overrides: Partial<CliIo> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const time = virtualTime();
  const code = await main(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env: {},
    cwd,
    now: time.now,
    sleep: time.sleep,
    random: () => 0.5,
    ...overrides,
  });
  return { code, stdout, stderr };
}

/** Runs `body` with a fresh contract server, closing it afterwards. */
export async function withContractServer<T>(
  options: ContractOptions,
  body: (server: FakeServer, api: ReturnType<typeof contractApi>) => Promise<T>,
): Promise<T> {
  const api = contractApi(options);
  const server = await startFakeServer(api.handler);
  try {
    return await body(server, api);
  } finally {
    await server.close();
  }
}

/** Non-empty lines of `text`. */
export const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');
