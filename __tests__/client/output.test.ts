/**
 * `--output text|table` against what the AWS CLI itself prints for the same data. The expected
 * strings in fixtures/aws-cli-formats.json were produced by AWS CLI 2.9.19's own formatters
 * (its `source` field says how); they are not written by hand.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compileQuery,
  isoFromEpochSeconds,
  OutputOptionError,
  parseOutputFormat,
  renderOutput,
} from '../../client/output';

interface FormatCase {
  readonly title: string;
  readonly data: unknown;
  readonly width?: number;
  readonly table: string;
  readonly text: string;
}

const { cases } = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'aws-cli-formats.json'), 'utf8')) as {
  cases: FormatCase[];
};

describe('renderOutput matches the AWS CLI', () => {
  it.each(cases.map((c, i) => [i, JSON.stringify(c.data).slice(0, 60), c] as const))(
    'case %i %s: table',
    (_i, _what, c) => {
      expect(renderOutput(c.data, { format: 'table', title: c.title, width: c.width ?? 80 })).toBe(c.table);
    },
  );

  it.each(cases.map((c, i) => [i, JSON.stringify(c.data).slice(0, 60), c] as const))(
    'case %i %s: text',
    (_i, _what, c) => {
      expect(renderOutput(c.data, { format: 'text', title: c.title })).toBe(c.text);
    },
  );

  it('turns a too-wide object into key/value rows, as the AWS CLI does on a narrow terminal', () => {
    // Prepare: the description is wider than 80 columns in one row
    const wide = cases.find((c) => c.title === 'DescribeExecution' && c.width === undefined)!;

    // Act
    const narrow = renderOutput(wide.data, { format: 'table', title: wide.title, width: 80 });
    const broad = renderOutput(wide.data, { format: 'table', title: wide.title, width: 300 });

    // Assess: one row per key on 80 columns; keys as column headers over one row on 300
    expect(narrow).toMatch(/\|\s+status\s+\|\s+SUCCEEDED\s+\|/);
    expect(broad).toMatch(/\|\s+cause\s+\|\s+error\s+\|\s+executionArn\s+\|/);
  });

  it('shows a bare scalar as a one-cell table (the AWS CLI prints only the title)', () => {
    expect(renderOutput('RUNNING', { format: 'table', title: 'DescribeExecution' })).toMatch(/\n\| {2}RUNNING\s+\|\n/);
  });
});

describe('--query and --output values', () => {
  it('applies a JMESPath expression before formatting', () => {
    // Prepare
    const query = compileQuery('{arn: executionArn, ok: status == `SUCCEEDED`}');

    // Act
    const text = renderOutput({ executionArn: 'arn:x', status: 'SUCCEEDED' }, { format: 'json', query, title: 'T' });

    // Assess
    expect(JSON.parse(text)).toEqual({ arn: 'arn:x', ok: true });
  });

  it('refuses a malformed expression up front, naming it', () => {
    expect(() => compileQuery('status[')).toThrow(OutputOptionError);
    expect(() => compileQuery('status[')).toThrow(/--query "status\[": /);
  });

  it('accepts output formats in any case and names the accepted ones otherwise', () => {
    expect(['JSON', 'Text', 'table'].map(parseOutputFormat)).toEqual(['json', 'text', 'table']);
    expect(() => parseOutputFormat('yaml')).toThrow(
      /--output must be one of json, text, table \(any case\); got "yaml"/,
    );
  });

  it('writes epoch seconds as ISO 8601 and an absent date as null', () => {
    expect(isoFromEpochSeconds(1732480000.123)).toBe('2024-11-24T20:26:40.123Z');
    expect(isoFromEpochSeconds(undefined)).toBeNull();
    expect(isoFromEpochSeconds(NaN)).toBeNull();
  });
});
