/**
 * Developer-loop figures: the unit suites and the type-check right after a source edit.
 *
 * Each run appends a unique comment to {@link EDITED_FILE} (so jest's transform cache and tsc's
 * incremental build info both see a changed file, as after a real edit), runs
 * `npx jest __tests__/stacks __tests__/lambda` and then `npx tsc --noEmit`, and restores the file
 * byte for byte with its old timestamps. One untimed run first warms jest's cache (.build/jest-cache)
 * and tsc's build info (.build/), as a developer's earlier runs would have.
 */
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, GroupResult } from './context';
import { type CommandMeasurement, measureCommand } from './process';
import { type Figure, sampleFigure } from './report';

/** The file each run edits (a small module every stack imports). */
export const EDITED_FILE = 'stacks/naming.ts';
/** The unit suites: constructs and handlers, no runtime or HTTP. */
export const UNIT_SUITES = ['__tests__/stacks', '__tests__/lambda'] as const;

interface LoopRun {
  readonly jest: CommandMeasurement;
  readonly tsc: CommandMeasurement;
}

/** Measures tests and type-check after an edit. */
export async function benchTests(ctx: BenchContext): Promise<GroupResult> {
  ctx.log(`tests: edit ${EDITED_FILE}, jest ${UNIT_SUITES.join(' ')}, tsc --noEmit (1 warm-up + ${ctx.runs} runs)`);
  await loopOnce(ctx, 0);
  const runs: LoopRun[] = [];
  for (let i = 1; i <= ctx.runs; i++) runs.push(await loopOnce(ctx, i));

  const jestFailed = runs.filter((r) => r.jest.exitCode !== 0);
  const tscFailed = runs.filter((r) => r.tsc.exitCode !== 0);
  const jestNote =
    jestFailed.length > 0
      ? `jest exited ${String(jestFailed[0]!.jest.exitCode)} in ${jestFailed.length} of ${runs.length} runs (failing tests; times kept): ${keyLine(jestFailed[0]!.jest.outputTail, /^Tests:.*/m)}`
      : undefined;
  const tscNote =
    tscFailed.length > 0
      ? `tsc exited ${String(tscFailed[0]!.tsc.exitCode)} in ${tscFailed.length} of ${runs.length} runs (type errors; times kept): ${keyLine(tscFailed[0]!.tsc.outputTail, /^.*error TS\d+.*$/m)}`
      : undefined;
  const mem = (values: ReadonlyArray<number | null>): number[] => values.filter((v): v is number => v !== null);
  const figures: Figure[] = [
    sampleFigure(
      {
        id: 'tests.unit.wall',
        label: 'unit tests after an edit: wall time',
        unit: 's',
        target: { max: 4, text: '≤ 4 s' },
        ...(jestNote ? { note: jestNote } : {}),
      },
      runs.map((r) => r.jest.wallMs / 1000),
    ),
    sampleFigure(
      {
        id: 'tests.unit.peakProcess',
        label: 'unit tests after an edit: peak memory, largest process',
        unit: 'MB',
        target: { max: 400, text: '≤ 400 MB' },
      },
      mem(runs.map((r) => r.jest.peakProcessMb)),
      { failure: 'memory needs Linux /proc' },
    ),
    sampleFigure(
      {
        id: 'tests.unit.peakTree',
        label: 'unit tests after an edit: peak memory, whole process tree (jest workers)',
        unit: 'MB',
      },
      mem(runs.map((r) => r.jest.peakTreeMb)),
      { failure: 'memory needs Linux /proc' },
    ),
    sampleFigure(
      {
        id: 'tests.typecheck.wall',
        label: 'type-check after an edit (`npx tsc --noEmit`, incremental): wall time',
        unit: 's',
        ...(tscNote ? { note: tscNote } : {}),
      },
      runs.map((r) => r.tsc.wallMs / 1000),
    ),
    sampleFigure(
      {
        id: 'tests.typecheck.peakProcess',
        label: 'type-check after an edit: peak memory, largest process',
        unit: 'MB',
      },
      mem(runs.map((r) => r.tsc.peakProcessMb)),
      { failure: 'memory needs Linux /proc' },
    ),
  ];
  return { figures, raw: { editedFile: EDITED_FILE, suites: UNIT_SUITES, runs } };
}

async function loopOnce(ctx: BenchContext, run: number): Promise<LoopRun> {
  const file = join(ctx.repoRoot, EDITED_FILE);
  const original = readFileSync(file);
  const { atime, mtime } = statSync(file);
  const edited = Buffer.concat([original, Buffer.from(`\n// bench edit ${process.pid}-${run}-${Date.now()}\n`)]);
  // Put the file back only if it still holds our edit: someone else's change must not be overwritten.
  const restore = (): void => {
    if (readFileSync(file).equals(edited)) {
      writeFileSync(file, original);
      utimesSync(file, atime, mtime);
    } else {
      ctx.log(`tests: ${EDITED_FILE} changed during the run; left as it is`);
    }
  };
  const onSignal = (): void => {
    restore();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    writeFileSync(file, edited);
    const options = { cwd: ctx.repoRoot, env: ctx.env };
    const jest = await measureCommand('npx', ['jest', ...UNIT_SUITES], options);
    const tsc = await measureCommand('npx', ['tsc', '--noEmit'], options);
    return { jest, tsc };
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    restore();
  }
}

// The line of a tool's output that says what went wrong, else its last line.
function keyLine(text: string, pattern: RegExp): string {
  const match = pattern.exec(text)?.[0];
  const lines = text
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('npm warn'));
  return (match ?? lines.pop() ?? 'no output').trim().slice(0, 200);
}
