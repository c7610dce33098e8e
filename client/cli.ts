/**
 * `async-api` command line: a shallow wrapper that parses arguments (commander), hands each
 * command to ./cli-commands and maps failures to one line and an exit code. `main(argv, io)`
 * returns the exit code instead of exiting, so tests run it in-process with their own streams, env
 * and clock. The AWS CLI is the model for its habits: global options before or after the command,
 * `--version`, `help <command>`, `--output`, `--query`, enum values in any case.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { ApiError, AuthError } from './api';
import {
  type CommandContext,
  describeCommand,
  runCommand,
  startCommand,
  stopCommand,
  waitCommand,
} from './cli-commands';
import { apiErrorText } from './cli-connect';
import { type CliIo, ExitCode, processIo, UsageError } from './cli-io';
import { addJobCommands } from './cli-job-commands';
import { addListenCommand } from './cli-listen';
import { addGlobalOptions, addStartOptions, addWaitOptions, type GlobalFlags, parseExecutionArn } from './cli-options';
import { addSchedulesCommand } from './cli-schedules';
import { ConfigError } from './config';
import { OutputOptionError } from './output';

export { type CliIo, ExitCode, processIo } from './cli-io';
export { DEFAULT_TIMEOUT_MS, parseDuration } from './cli-options';

const COMMANDS = [
  'start',
  'describe',
  'stop',
  'wait',
  'run',
  'list',
  'history',
  'redrive',
  'listen',
  'schedules',
] as const;
const EXIT_CODES_HELP = `
Exit codes:
  0    SUCCEEDED (start, describe, stop, list, history, redrive: the call succeeded)
  1    FAILED
  2    usage or bad input
  3    TIMED_OUT
  4    ABORTED
  5    deadline (--timeout) passed; the execution is still running
  6    API, auth or network error (after retries)
  130  interrupted (Ctrl-C); the execution keeps running unless --stop-on-interrupt`;

/** `async-api/<version> node/<version>`, as the AWS CLI prints its own and its runtime's. */
function versionLine(): string {
  const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  return `async-api/${version} node/${process.version}`;
}

/**
 * Runs the CLI with `argv` (arguments after the program name) and returns the exit code.
 * Never throws and never calls `process.exit`.
 */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.Succeeded;
  let active: Command | undefined;
  const context: CommandContext = {};
  const program = buildProgram(io, context, (code) => {
    exitCode = code;
  });
  program.hook('preSubcommand', (_parent, sub) => {
    active = sub;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    return reportError(err, active ?? program, io, context, argv);
  }
}

function buildProgram(io: CliIo, context: CommandContext, setExit: (code: ExitCode) => void): Command {
  const program = new Command('async-api')
    .description(
      'Start, watch, stop, list and redrive executions of the async HTTP API (POST [/<job>]/start-execution, /describe-execution, /stop-execution, /list-executions, /get-execution-history, /redrive-execution).',
    )
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      // Usage errors are reported as one line by reportError; commander's own text is dropped.
      writeErr: () => undefined,
      outputError: () => undefined,
    })
    // Every command's --help lists the global options too, as `aws <service> <command> help` does.
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .showSuggestionAfterError(true)
    .version(versionLine(), '--version', 'print the version and exit')
    .addHelpText(
      'after',
      `${EXIT_CODES_HELP}\n\nRun \`async-api help <command>\` for a command's options; docs/client.md has examples.`,
    );
  addGlobalOptions(program);
  const flagsOf = <T extends GlobalFlags>(command: Command): T => command.optsWithGlobals<T>();

  addStartOptions(
    program.command('start').description('Start an execution and print {"executionArn", "startDate", "attached"}.'),
  )
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (_options: unknown, command: Command) => {
      setExit(await startCommand(flagsOf(command), io, context));
    });

  program
    .command('describe')
    .description("Print the execution's description.")
    .argument('<executionArn>', 'execution ARN', parseExecutionArn)
    .option('--output-only', "print only the execution's output")
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (arn: string, _options: unknown, command: Command) => {
      setExit(await describeCommand(arn, flagsOf(command), io, context));
    });

  program
    .command('stop')
    .description('Stop a running execution and print {"executionArn", "stopDate"}.')
    .argument('<executionArn>', 'execution ARN', parseExecutionArn)
    .option('--error <code>', 'error code recorded on the stopped execution')
    .option('--cause <text>', 'cause recorded on the stopped execution')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (arn: string, _options: unknown, command: Command) => {
      setExit(await stopCommand(arn, flagsOf(command), io, context));
    });

  addWaitOptions(
    program
      .command('wait')
      .description('Wait until the execution ends; print its final description.')
      .argument('<executionArn>', 'execution ARN', parseExecutionArn),
  )
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (arn: string, _options: unknown, command: Command) => {
      setExit(await waitCommand(arn, flagsOf(command), command, io, context));
    });

  addStartOptions(
    addWaitOptions(program.command('run').description('Start an execution, then wait for it (re-attaches by --name).')),
  )
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (_options: unknown, command: Command) => {
      setExit(await runCommand(flagsOf(command), command, io, context));
    });

  addJobCommands(program, io, context, setExit, parseExecutionArn, EXIT_CODES_HELP);
  addListenCommand(program, io, setExit);
  addSchedulesCommand(program, io, context, setExit);

  return program;
}

function reportError(
  err: unknown,
  command: Command,
  io: CliIo,
  context: CommandContext,
  argv: readonly string[],
): ExitCode {
  const line = (text: string): void => {
    io.stderr.write(`async-api: ${text.replace(/\s*\n\s*/g, ' ')}\n`);
  };
  if (err instanceof CommanderError) {
    // `--help`, `--version` and `help <command>` (exit code 0); a missing command is help with exit code 1.
    if (
      err.code === 'commander.helpDisplayed' ||
      err.code === 'commander.version' ||
      (err.code === 'commander.help' && err.exitCode === 0)
    ) {
      return ExitCode.Succeeded;
    }
    line(usageLine(err, command, argv));
    return ExitCode.Usage;
  }
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof OutputOptionError) {
    line(err.message);
    return ExitCode.Usage;
  }
  if (err instanceof ApiError) {
    line(apiErrorText(err, context.connection));
    return ExitCode.ApiError;
  }
  if (err instanceof AuthError || (err instanceof Error && err.name === 'CredentialsProviderError')) {
    line(err.message);
    return ExitCode.ApiError;
  }
  line(`unexpected error: ${err instanceof Error ? err.message : String(err)}`);
  return ExitCode.ApiError;
}

/** One line: commander's complaint plus what the command accepts. */
function usageLine(err: CommanderError, command: Command, argv: readonly string[]): string {
  const what = err.message
    .replace(/^error:\s*/i, '')
    .replace(/\(Did you mean/, '(did you mean')
    .replace(/\.\s*$/, '');
  const path = command.parent ? `async-api ${command.name()}` : 'async-api';
  switch (err.code) {
    case 'commander.help':
      // Help with an error: no command at all, or `help <unknown>`.
      if (argv[0] === 'help' && argv[1] !== undefined)
        return `unknown command '${argv[1]}'; commands: ${COMMANDS.join(', ')}`;
      return `missing command; commands: ${COMMANDS.join(', ')} (see async-api --help)`;
    case 'commander.unknownCommand':
      return `${what}; commands: ${COMMANDS.join(', ')}`;
    case 'commander.unknownOption': {
      const options = [...command.options, ...(command.parent?.options ?? [])];
      const accepted = options.map((option) => option.long ?? option.short).filter(Boolean);
      return `${what}; ${path} accepts ${[...accepted, '--help'].join(', ')}`;
    }
    case 'commander.missingArgument':
    case 'commander.excessArguments':
      return `${what}; usage: ${path} ${command.usage()}`;
    default:
      return `${what} (see ${path} --help)`;
  }
}
