/**
 * The mutation score table written into docs/testing.md (scripts/mutation-report.ts) counts as
 * Stryker does: a timeout is detected, a mutant no test reaches is not, and compile errors and
 * ignored mutants are left out.
 */
import { formatScores, type MutationReport, scoreReport } from '../../scripts/mutation-report';

const mutants = (...statuses: MutationReport['files'][string]['mutants'][number]['status'][]) => ({
  mutants: statuses.map((status) => ({ status })),
});

describe('scoreReport', () => {
  it('scores each file, sorted by path, then the total', () => {
    const rows = scoreReport({
      files: {
        'b.ts': mutants('Killed', 'Timeout', 'Survived', 'NoCoverage', 'CompileError', 'Ignored'),
        'a.ts': mutants('Killed', 'Killed', 'Killed', 'Survived'),
      },
    });

    expect(rows.map((r) => [r.file, r.score])).toEqual([
      ['a.ts', 75],
      ['b.ts', 50],
      ['total', 62.5],
    ]);
    expect(rows[2]).toMatchObject({ killed: 4, timeout: 1, survived: 2, noCoverage: 1, ignored: 1 });
  });

  it('gives no score to a file without valid mutants', () => {
    const rows = scoreReport({ files: { 'a.ts': mutants('CompileError') } });

    expect(rows[0]!.score).toBeNull();
    expect(formatScores(rows)).toContain('| `a.ts` | 0 | 0 | 0 | 0 | 0 | – |');
  });

  it('formats one row per file and the total in bold, with one decimal', () => {
    const table = formatScores(scoreReport({ files: { 'x.ts': mutants('Killed', 'Survived', 'Survived') } }));

    expect(table.split('\n')).toEqual([
      '| File | Killed | Timed out | Survived | No coverage | Ignored | Score |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      '| `x.ts` | 1 | 0 | 2 | 0 | 0 | 33.3 % |',
      '| **total** | 1 | 0 | 2 | 0 | 0 | 33.3 % |',
    ]);
  });
});
