/**
 * `async-api listen`: a webhook receiver on 127.0.0.1 for the local loop. Each verified event is one
 * JSON line on stdout, each refused delivery one line on stderr; Ctrl-C ends it (exit 130).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type CliIo, ExitCode } from './cli-io';
import { DEFAULT_SECRET_FILE, listen, readSecretFile } from './listen';
import { parsePort } from './port';

/** Adds `listen` to the program. */
export function addListenCommand(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('listen')
    .description('Receive webhooks on 127.0.0.1: verify each signature and print each event as one JSON line.')
    .requiredOption('--port <number>', 'port to listen on (0 picks one)')
    .option('--secret-file <path>', 'file holding the signing secret', DEFAULT_SECRET_FILE)
    .action(async (options: { port: string; secretFile: string }) => {
      setExit(await listenCommand(options, io));
    });
}

/** Runs the receiver until Ctrl-C; each verified event is one line on stdout, each refusal one on stderr. */
async function listenCommand(options: { port: string; secretFile: string }, io: CliIo): Promise<ExitCode> {
  const port = parsePort(options.port, '--port');
  const secret = readSecretFile(resolve(io.cwd, options.secretFile));
  const { server, url } = await listen({
    port,
    secret,
    onEvent: (event) => io.stdout.write(`${JSON.stringify(event)}\n`),
    onRejected: (reason) => io.stderr.write(`async-api: refused a delivery: ${reason}\n`),
  });
  io.stderr.write(`async-api: listening on ${url} (Ctrl-C stops)\n`);
  await new Promise<void>((done) => {
    const off = io.onInterrupt?.(() => {
      off?.();
      done();
    });
  });
  await new Promise((done) => server.close(done));
  return ExitCode.Interrupted;
}
