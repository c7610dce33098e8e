import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Figure, formatTable, passes, replaceMarkedBlock, sampleFigure, verdict } from '../../bench/report';

const SYNTH: Omit<Figure, 'value' | 'spread'> = {
  id: 'synth.wall',
  label: 'synth: wall time',
  unit: 's',
  target: { max: 2.4, text: '≤ 2.4 s' },
};

describe('verdicts', () => {
  it('prints a figure over its upper bound as a miss', () => {
    // Prepare
    const figure = sampleFigure(SYNTH, [3.1, 2.9, 3.3]);

    // Act / Assess
    expect(figure.value).toBe(3.1);
    expect(verdict(figure)).toBe('❌ miss');
  });

  it('passes a figure exactly at its bound', () => {
    // Prepare
    const figure = sampleFigure(SYNTH, [2.4]);

    // Act / Assess
    expect(verdict(figure)).toBe('✅');
  });

  it('checks lower bounds too', () => {
    // Prepare
    const throughput: Figure = {
      id: 't',
      label: 'executions/s',
      unit: '/s',
      value: 299,
      spread: '1 run',
      target: { min: 300, text: '≥ 300 /s' },
    };

    // Act / Assess
    expect(passes(throughput)).toBe(false);
    expect(passes({ ...throughput, value: 300 })).toBe(true);
  });

  it('lets a computed verdict override the comparison (e.g. every trial must meet the bound)', () => {
    // Prepare: the median is fine but one trial broke the bound
    const delay: Figure = {
      id: 'd',
      label: 'delay',
      unit: 's',
      value: 0.5,
      spread: '…',
      target: { max: 1, text: '≤ 1 s, every trial' },
      pass: false,
    };

    // Act / Assess
    expect(verdict(delay)).toBe('❌ miss');
  });

  it('says "not measured" when every run failed, and keeps why', () => {
    // Act
    const figure = sampleFigure(SYNTH, [], { failure: '5 of 5 runs failed: exit 1' });

    // Assess
    expect(figure.value).toBeNull();
    expect(verdict(figure)).toBe('⚠️ not measured');
    expect(passes(figure)).toBe(false);
    expect(figure.note).toContain('5 of 5 runs failed');
  });

  it('prints a dash for a figure without a target', () => {
    // Act / Assess
    expect(verdict({ id: 'p99', label: 'p99', unit: 'ms', value: 40, spread: '1 run' })).toBe('—');
  });
});

describe('formatTable', () => {
  it('prints one Markdown row per figure with median, spread, target and verdict, and numbered notes', () => {
    // Prepare
    const figures: Figure[] = [
      { ...sampleFigure(SYNTH, [3.0, 2.0, 2.2]), note: 'terraform was on PATH' },
      { id: 'mem', label: 'memory | tree', unit: 'MB', value: 512.4, spread: '1 run' },
    ];

    // Act
    const lines = formatTable(figures).split('\n');

    // Assess
    expect(lines[0]).toBe('| figure | median | spread | target | verdict |');
    expect(lines[2]).toBe('| synth: wall time [1] | 2.20 s | 2.00–3.00 s (3 runs) | ≤ 2.4 s | ✅ |');
    // A pipe inside a cell must not start a new column.
    expect(lines[3]).toBe('| memory \\| tree | 512 MB | 1 run | — | — |');
    expect(lines).toContain('[1] terraform was on PATH');
  });
});

describe('replaceMarkedBlock', () => {
  it('replaces only what lies between the named markers', () => {
    // Prepare
    const text = 'intro\n<!-- bench:latest:start -->\nold table\n<!-- bench:latest:end -->\noutro\n';

    // Act
    const updated = replaceMarkedBlock(text, 'latest', '| new | table |\n');

    // Assess
    expect(updated).toBe('intro\n<!-- bench:latest:start -->\n| new | table |\n<!-- bench:latest:end -->\noutro\n');
  });

  it('leaves a text without both markers alone', () => {
    // Act / Assess
    expect(replaceMarkedBlock('<!-- bench:latest:start --> only the start', 'latest', 'x')).toBeUndefined();
    expect(replaceMarkedBlock('<!-- bench:summary:start --><!-- bench:summary:end -->', 'latest', 'x')).toBeUndefined();
  });
});

describe("docs/bench.md's block, as `npm run bench -- --update-docs` writes it", () => {
  // A row typed in by hand after the run (issue 22) breaks the count the command wrote under it.
  const text = readFileSync(join(__dirname, '..', '..', 'docs', 'bench.md'), 'utf8');
  const block = text.slice(text.indexOf('<!-- bench:latest:start -->'), text.indexOf('<!-- bench:latest:end -->'));

  it('counts exactly the rows of its own table in "Targets met"', () => {
    const rows = block
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| figure') && !line.startsWith('| ---'))
      .map((line) => line.split(' | '));
    const withTarget = rows.filter((cells) => cells[3] !== '—');
    const met = withTarget.filter((cells) => cells[4]?.startsWith('✅'));

    expect(rows.length).toBeGreaterThan(0);
    expect(block).toContain(`Targets met: ${met.length} of ${withTarget.length}`);
  });

  it('says when, on which machine and at which commit it was measured', () => {
    expect(block).toMatch(/^## Bench \d{4}-\d{2}-\d{2} \(\d{2}:\d{2} UTC\)$/m);
    expect(block).toMatch(/^Machine: .+, \d+ cores, .+ load .+ at start/m);
    expect(block).toMatch(/^Commit: [0-9a-f]{12}/m);
  });
});
