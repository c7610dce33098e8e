/**
 * `async-api schedules`: the API's schedules as the stack's outputs list them (the `schedules`
 * output, in the outputs file `cdktf output` writes), with when each fires next in its time zone.
 * Nothing is called: the schedules are part of the deployed stack, not of the API.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { nextRun } from '../stacks/schedule-expression';
import { type CommandContext, print } from './cli-commands';
import { connect } from './cli-connect';
import { type CliIo, ExitCode } from './cli-io';
import type { GlobalFlags } from './cli-options';
import { ConfigError, DEFAULT_OUTPUTS_FILE } from './config';

/** One schedule as printed. */
export interface ScheduleRow {
  readonly job: string;
  readonly name: string;
  readonly expression: string;
  readonly timeZone: string;
  /** ISO 8601 UTC; null when disabled or when it never fires again. */
  readonly nextRun: string | null;
  readonly enabled: boolean;
}

/** Adds `schedules` to the program. */
export function addSchedulesCommand(
  program: Command,
  io: CliIo,
  context: CommandContext,
  setExit: (code: ExitCode) => void,
): void {
  program
    .command('schedules')
    .description(
      `List the API's schedules from the outputs file (${DEFAULT_OUTPUTS_FILE}): {"schedules": [{job, name, expression, timeZone, nextRun, enabled}]}.`,
    )
    .action(async (_options: unknown, command: Command) => {
      setExit(await schedulesCommand(command.optsWithGlobals<GlobalFlags>(), io, context));
    });
}

/** Prints the schedules of the chosen stack's outputs. */
export async function schedulesCommand(flags: GlobalFlags, io: CliIo, context: CommandContext): Promise<ExitCode> {
  const connection = await connect(flags, io);
  context.connection = connection;
  if (!connection.outputs)
    throw new ConfigError(
      `schedules are read from the stack's outputs: write ${DEFAULT_OUTPUTS_FILE} with \`cdktf output --outputs-file ${DEFAULT_OUTPUTS_FILE}\` or pass --outputs-file`,
    );
  const { file, stack } = connection.outputs;
  const values = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>)[stack] ?? {};
  const now = new Date((io.wallClock ?? Date.now)());
  print(io, flags, 'Schedules', { schedules: rowsOf(values['schedules'], `${file} (stack ${stack})`, now) });
  return ExitCode.Succeeded;
}

/**
 * The printed rows of a `schedules` output.
 * @throws ConfigError when the output is missing (a stack deployed before schedules) or malformed.
 */
export function rowsOf(output: unknown, where: string, now: Date): ScheduleRow[] {
  if (output === undefined)
    throw new ConfigError(
      `${where} has no "schedules" output: deploy this version of the stack, then write the outputs again`,
    );
  if (!Array.isArray(output)) throw new ConfigError(`${where}: "schedules" must be a list`);
  return output.map((entry: Record<string, unknown>, i) => {
    const { job, name, expression, time_zone: timeZone, enabled } = entry ?? {};
    if (
      typeof job !== 'string' ||
      typeof name !== 'string' ||
      typeof expression !== 'string' ||
      typeof timeZone !== 'string'
    )
      throw new ConfigError(`${where}: schedules[${i}] needs job, name, expression and time_zone`);
    const on = enabled !== false;
    let next: Date | undefined;
    try {
      next = on ? nextRun(expression, timeZone, now) : undefined;
    } catch (err) {
      throw new ConfigError(`${where}: schedules[${i}].expression: ${(err as Error).message}`);
    }
    return { job, name, expression, timeZone, nextRun: next?.toISOString() ?? null, enabled: on };
  });
}
