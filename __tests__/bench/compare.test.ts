/**
 * Regressions made visible (bench/compare.ts): a move of more than 20 % either way is listed, with
 * better or worse read from the target's direction; the previous run is the newest one on the same
 * machine with the same settings.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  compareRuns,
  formatMoves,
  movesSincePrevious,
  previousRun,
  probeNote,
  type RecordedRun,
} from '../../bench/compare';
import { type MachineInfo, machineLine, probeCpuMs } from '../../bench/machine';
import type { Figure } from '../../bench/report';

const figure = (id: string, value: number | null, target?: Figure['target']): Figure => ({
  id,
  label: id,
  unit: '/s',
  value,
  spread: '1 run',
  ...(target ? { target } : {}),
});

const MACHINE: MachineInfo = {
  cpuModel: 'Test CPU',
  cores: 2,
  totalMemoryGb: 23.5,
  os: 'Linux x64',
  node: 'v22.23.5',
  loadAverage: [1, 1, 1],
  terraform: null,
  git: { commit: 'a'.repeat(40), dirty: false },
} as unknown as MachineInfo;

const run = (date: string, overrides: Partial<RecordedRun> = {}): RecordedRun => ({
  date,
  machine: MACHINE,
  settings: { quick: true, runs: 3 },
  figures: [figure('tput', 100, { min: 50, text: '≥ 50' })],
  ...overrides,
});

describe('compareRuns', () => {
  it('flags moves just past 20 % either way, not at 20 %, with the direction the target says is good', () => {
    // Prepare
    const before = [
      figure('tput', 1000, { min: 500, text: '≥ 500' }),
      figure('p50', 10, { max: 15, text: '≤ 15' }),
      figure('p99', 100),
      figure('same', 100, { max: 200, text: '≤ 200' }),
      figure('gone', 5),
      figure('unmeasured', 5),
    ];
    const after = [
      figure('tput', 799, { min: 500, text: '≥ 500' }), // −20.1 %: worse
      figure('p50', 12.01, { max: 15, text: '≤ 15' }), // +20.1 %: worse
      figure('p99', 79), // −21 %: no target, moved
      figure('same', 120, { max: 200, text: '≤ 200' }), // exactly +20 %: not listed
      figure('new', 1),
      figure('unmeasured', null),
    ];

    // Act
    const comparisons = compareRuns(before, after);
    const text = formatMoves(comparisons, 'the previous run');

    // Assess
    expect(comparisons.map((c) => [c.figure.id, c.direction])).toEqual([
      ['tput', 'worse'],
      ['p50', 'worse'],
      ['p99', 'moved'],
      ['same', 'worse'],
    ]);
    expect(text).toContain('3 of 4 figures moved by more than 20 %');
    expect(text).toMatch(/\| tput \| 1000 \/s \| 799 \/s \| -20 % \| ❌ worse \|/);
    expect(text).not.toMatch(/\| same \|/);
  });

  it('says so when nothing moved', () => {
    const text = formatMoves(compareRuns([figure('a', 100)], [figure('a', 119)]), 'x');
    expect(text).toContain('No figure moved by more than 20 % (1 compared)');
  });
});

describe('previousRun', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the newest earlier run on the same machine with the same settings, skipping torn files', () => {
    // Prepare
    const write = (name: string, r: RecordedRun | string) =>
      writeFileSync(join(dir, name), typeof r === 'string' ? r : JSON.stringify(r));
    write('2026-12-01T10-00-00-000Z.json', run('2026-12-01T10:00:00.000Z'));
    write('2026-12-02T10-00-00-000Z.json', run('2026-12-02T10:00:00.000Z', { machine: { ...MACHINE, cores: 8 } }));
    write('2026-12-03T10-00-00-000Z.json', run('2026-12-03T10:00:00.000Z', { settings: { quick: false, runs: 5 } }));
    write('2026-12-04T10-00-00-000Z.json', '{"date": "2026-12-04T10:00:00');
    write('latest.json', run('2026-12-05T09:00:00.000Z'));
    const current = run('2026-12-05T10:00:00.000Z', {
      machine: { ...MACHINE, loadAverage: [9, 9, 9], git: null } as MachineInfo,
    });

    // Act
    const previous = previousRun(dir, current);

    // Assess
    expect(previous?.date).toBe('2026-12-01T10:00:00.000Z');
  });

  it('finds nothing in a folder that does not exist', () => {
    expect(previousRun(join(dir, 'missing'), run('2026-12-05T10:00:00.000Z'))).toBeUndefined();
  });
});

describe('the CPU probe: the machine of the moment, beside the code', () => {
  it('is a positive number of milliseconds of fixed work', () => {
    const ms = probeCpuMs(1);
    expect(Number.isInteger(ms)).toBe(true);
    expect(ms).toBeGreaterThan(0);
  });

  it.each([
    [
      { startMs: 100 },
      { startMs: 110 },
      /^The machine ran at the same speed as in that run \(CPU probe 110 ms against 100 ms, within 10 %\)\.$/,
    ],
    [
      { startMs: 100 },
      { startMs: 111 },
      /^The machine itself ran 11 % slower than in that run \(CPU probe 111 ms against 100 ms\): a move of that size may be the machine, not the code\. `--baseline <commit>`/,
    ],
    [
      { startMs: 100, endMs: 140 },
      { startMs: 90, endMs: 90 },
      /^The machine itself ran 25 % faster than in that run \(CPU probe 90 ms against 120 ms\)/,
    ],
  ])('compares %j with %j by the mean of start and end, flagged just past 10 %', (before, after, expected) => {
    expect(probeNote(before, after)).toMatch(expected);
  });

  it('says nothing when either run has no probe (runs recorded before it existed)', () => {
    expect(probeNote(undefined, { startMs: 100 })).toBeUndefined();
    expect(probeNote({ startMs: 100 }, undefined)).toBeUndefined();
  });

  it('is in the header, and after the moves when the previous run has one too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-probe-'));
    try {
      const slow = { ...MACHINE, cpuProbe: { startMs: 150, endMs: 150 } } as MachineInfo;
      writeFileSync(join(dir, '2026-12-01T10-00-00-000Z.json'), JSON.stringify(run('2026-12-01T10:00:00.000Z')));
      const text = movesSincePrevious(dir, run('2026-12-05T10:00:00.000Z', { machine: slow }));
      expect(text).not.toMatch(/CPU probe/); // the previous run has none

      writeFileSync(
        join(dir, '2026-12-02T10-00-00-000Z.json'),
        JSON.stringify(
          run('2026-12-02T10:00:00.000Z', { machine: { ...MACHINE, cpuProbe: { startMs: 100 } } as MachineInfo }),
        ),
      );
      expect(movesSincePrevious(dir, run('2026-12-05T10:00:00.000Z', { machine: slow }))).toMatch(
        /No figure moved by more than 20 % \(1 compared\)\.\n\nThe machine itself ran 50 % slower/,
      );
      expect(machineLine(slow)).toMatch(/, CPU probe 150 ms at start and 150 ms at end, /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
