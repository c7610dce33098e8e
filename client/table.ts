/**
 * `--output table`: a port of the AWS CLI's table formatter (awscli/formatter.py `TableFormatter`
 * and awscli/table.py `MultiTable`, AWS CLI v2), uncoloured. Same layout rules: a section per
 * object, its scalar keys (sorted) as column headers over one row of values, nested values as
 * indented sub-sections, and every section turned into key/value rows when the widest one does
 * not fit the terminal. Two deliberate differences: every character counts as one column (the
 * AWS CLI counts East Asian wide characters as two), and a bare scalar (say `--query status`) is
 * shown as a one-cell row where the AWS CLI prints only the title.
 */

/** A scalar as Python's `str()` writes it, which is what the AWS CLI prints (`None`, `True`). */
export function scalarText(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  return String(value);
}

interface Section {
  title: string;
  headers: string[];
  rows: string[][];
  indent: number;
  maxWidths: number[];
}

const textLength = (text: string): number => [...text].length;
const spaces = (n: number): string => ' '.repeat(Math.max(0, n));
const dashes = (n: number): string => '-'.repeat(Math.max(0, n));
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isScalar = (value: unknown): boolean => typeof value !== 'object' || value === null;
/** Python's truthiness, which decides whether the AWS CLI prints a table at all. */
const truthy = (value: unknown): boolean =>
  Array.isArray(value) ? value.length > 0 : isObject(value) ? Object.keys(value).length > 0 : Boolean(value);

/** Renders `data` as the AWS CLI's table titled `title`, fitted to `width` columns; empty for empty data. */
export function renderTable(title: string, data: unknown, width: number): string {
  const sections: Section[] = [];
  if (!build(sections, title, data, 0)) return '';
  let maxWidth = widest(sections);
  if (maxWidth > width) {
    toVertical(sections);
    maxWidth = widest(sections);
  }
  const out: string[] = [`${dashes(maxWidth)}\n`];
  for (const section of sections) renderSection(section, maxWidth, out);
  return out.join('');
}

function newSection(sections: Section[], title: string, indent: number): void {
  sections.push({ title, headers: [], rows: [], indent, maxWidths: [] });
}

function updateWidths(section: Section, row: string[]): void {
  if (section.maxWidths.length === 0) section.maxWidths = row.map(textLength);
  else
    for (const [i, cell] of row.entries()) section.maxWidths[i] = Math.max(textLength(cell), section.maxWidths[i] ?? 0);
}

function addHeader(sections: Section[], headers: string[]): void {
  const section = sections[sections.length - 1]!;
  updateWidths(section, headers);
  section.headers = headers;
}

function addRow(sections: Section[], row: unknown[]): void {
  const section = sections[sections.length - 1]!;
  const cells = row.map(scalarText);
  section.rows.push(cells);
  updateWidths(section, cells);
}

/** TableFormatter._build_table. */
function build(sections: Section[], title: string | undefined, current: unknown, indent: number): boolean {
  if (!truthy(current)) return false;
  if (title !== undefined) newSection(sections, title, indent);
  if (Array.isArray(current)) {
    if (isObject(current[0])) {
      buildFromList(
        sections,
        current.map((item) => (isObject(item) ? item : {})),
        indent,
        title ?? '',
      );
    } else {
      for (const item of current) {
        if (isScalar(item)) addRow(sections, [item]);
        else if (isObject(item))
          addRow(sections, Object.keys(item)); // what iterating a dict gives Python
        else if ((item as unknown[]).every(isScalar)) addRow(sections, item as unknown[]);
        else build(sections, undefined, item, 0);
      }
    }
  } else if (isObject(current)) {
    buildFromDict(sections, current, indent);
  } else {
    addRow(sections, [current]);
  }
  return true;
}

function groupKeys(current: Record<string, unknown>): { headers: string[]; more: string[] } {
  const keys = Object.keys(current);
  return {
    headers: keys.filter((k) => isScalar(current[k])).sort(),
    more: keys.filter((k) => !isScalar(current[k])).sort(),
  };
}

function buildFromDict(sections: Section[], current: Record<string, unknown>, indent: number): void {
  const { headers, more } = groupKeys(current);
  if (headers.length === 1) addRow(sections, [headers[0], current[headers[0]!]]);
  else if (headers.length > 1) {
    addHeader(sections, headers);
    addRow(
      sections,
      headers.map((k) => current[k]),
    );
  }
  for (const key of more) build(sections, key, current[key], indent + 1);
}

function buildFromList(
  sections: Section[],
  items: Array<Record<string, unknown>>,
  indent: number,
  title: string,
): void {
  const headerSet = new Set<string>();
  const moreSet = new Set<string>();
  for (const item of items) {
    const { headers, more } = groupKeys(item);
    for (const k of headers) headerSet.add(k);
    for (const k of more) moreSet.add(k);
  }
  const headers = [...headerSet].sort();
  const more = [...moreSet].sort();
  addHeader(sections, headers);
  items.forEach((item, index) => {
    if (index > 0 && more.length > 0) {
      newSection(sections, title, indent);
      addHeader(sections, headers);
    }
    addRow(
      sections,
      headers.map((k) => (Object.hasOwn(item, k) ? item[k] : '')),
    );
    for (const key of more) if (Object.hasOwn(item, key)) build(sections, key, item[key], indent + 1);
  });
}

/** Python 3's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Section.calculate_column_widths: widths plus padding, scaled to `maxWidth` when given. */
function columnWidths(section: Section, padding: number, maxWidth?: number): number[] {
  const unscaled = section.maxWidths.map((w) => w + padding);
  if (maxWidth === undefined || unscaled.length === 0) return unscaled;
  const factor = maxWidth / unscaled.reduce((a, b) => a + b, 0);
  const scaled = unscaled.map((w) => roundHalfEven(factor * w));
  let offBy = scaled.reduce((a, b) => a + b, 0) - maxWidth;
  while (offBy !== 0) {
    const order = scaled.map((_, i) => i);
    if (offBy < 0) order.reverse();
    for (const i of order) {
      if (offBy > 0) {
        scaled[i]! -= 1;
        offBy -= 1;
      } else {
        scaled[i]! += 1;
        offBy += 1;
      }
      if (offBy === 0) break;
    }
  }
  return scaled;
}

/** Section.total_width(padding=4, with_border=True, outer_padding=indent). */
function totalWidth(section: Section): number {
  const total = columnWidths(section, 0).reduce((sum, w) => sum + w + 4, 0) + 2 + 2 * section.indent;
  return Math.max(textLength(section.title) + 2 + 2 * section.indent, total);
}

function widest(sections: Section[]): number {
  return Math.max(...sections.map(totalWidth));
}

/** convert_to_vertical_table: a one-row section with headers becomes key/value rows. */
function toVertical(sections: Section[]): void {
  sections.forEach((section, i) => {
    if (section.rows.length !== 1 || section.headers.length === 0) return;
    const vertical: Section = { title: section.title, headers: [], rows: [], indent: section.indent, maxWidths: [] };
    section.headers.forEach((header, j) => {
      const row = [header, section.rows[0]![j] ?? ''];
      vertical.rows.push(row);
      updateWidths(vertical, row);
    });
    sections[i] = vertical;
  });
}

function centerText(text: string, length: number, left: string, right: string): string {
  const start = Math.floor(length / 2) - Math.floor(textLength(text) / 2) - 1;
  const soFar = textLength(left) + start + textLength(text);
  return `${left}${spaces(start)}${text}${spaces(length - textLength(right) - soFar)}${right}`;
}

function alignLeft(text: string, length: number, left: string, right: string): string {
  const padding = length - (textLength(text) + 2 + textLength(left) + textLength(right)) >= 0 ? 2 : 0;
  const soFar = textLength(left) + padding + textLength(text);
  return `${left}${spaces(padding)}${text}${spaces(length - soFar - textLength(right))}${right}`;
}

function lineBreak(widths: number[]): string {
  return `${widths.map((w, i) => (i === 0 ? `+${dashes(w - 2)}+` : `${dashes(w - 1)}+`)).join('')}\n`;
}

/** MultiTable._render_section, with IndentedStream's `|` on both sides of every line. */
function renderSection(section: Section, fullWidth: number, out: string[]): void {
  const edge = '|'.repeat(section.indent);
  const write = (line: string): void => {
    out.push(`${edge}${line}${edge}\n`);
  };
  const maxWidth = fullWidth - section.indent * 2;
  if (section.title) {
    write(centerText(section.title, maxWidth, '|', '|'));
    if (section.headers.length === 0 && section.rows.length === 0) write(`+${dashes(maxWidth - 2)}+`);
  }
  const widths = columnWidths(section, 4, maxWidth);
  if (section.headers.length > 0) {
    write(lineBreak(widths).slice(0, -1));
    write(section.headers.map((header, i) => centerText(header, widths[i]!, i === 0 ? '|' : '', '|')).join(''));
  }
  if (section.rows.length > 0 && widths.length > 0) {
    write(lineBreak(widths).slice(0, -1));
    for (const row of section.rows)
      write(widths.map((w, i) => alignLeft(row[i] ?? '', w, i === 0 ? '|' : '', '|')).join(''));
    write(lineBreak(widths).slice(0, -1));
  }
}
