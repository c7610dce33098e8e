/**
 * EventBridge Scheduler's schedule expressions and time zones: the grammar synth checks, and when a
 * schedule fires next. One implementation for the stack (validation), the local runtime (firing) and
 * the client (`async-api schedules`).
 *
 * Grammar (EventBridge Scheduler user guide, "Schedule types"): `rate(<value> <unit>)`,
 * `cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)` and `at(yyyy-mm-ddThh:mm:ss)`.
 * Where the guide is loose, this takes the stricter side (docs/aws-behaviour.md §12.1).
 */
import { Cron } from 'croner';

/** A parsed expression. */
export type ScheduleExpression =
  | { readonly kind: 'rate'; readonly seconds: number }
  | { readonly kind: 'cron'; readonly fields: readonly string[] }
  | { readonly kind: 'at'; readonly local: string };

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const UNIT_SECONDS: Readonly<Record<string, number>> = { minute: 60, hour: 3600, day: 86_400 };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** One cron field: its name, range, names and the special characters it allows besides `, - * /`. */
interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly special: RegExp;
  /** False where AWS's table lists no `/` (day-of-week). */
  readonly steps: boolean;
}
const CRON_FIELDS: readonly CronField[] = [
  { name: 'minutes', min: 0, max: 59, special: /^$/, steps: true },
  { name: 'hours', min: 0, max: 23, special: /^$/, steps: true },
  // `?`, `L` (last day), `LW`, `<n>W` (nearest weekday).
  { name: 'day-of-month', min: 1, max: 31, special: /^(\?|L|LW|([1-9]|[12]\d|3[01])W)$/, steps: true },
  { name: 'month', min: 1, max: 12, names: MONTHS, special: /^$/, steps: true },
  // `?`, `L` (Saturday), `<d>L` (last <d> of the month), `<d>#<n>` (n-th <d>).
  {
    name: 'day-of-week',
    min: 1,
    max: 7,
    names: DAYS,
    special: /^(\?|L|([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5]))$/,
    steps: false,
  },
  { name: 'year', min: 1970, max: 2199, special: /^$/, steps: true },
];

/** Why `expression` is not a schedule expression EventBridge Scheduler accepts, or undefined. */
export function scheduleExpressionProblem(expression: string): string | undefined {
  try {
    parseScheduleExpression(expression);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Parses an expression.
 * @throws Error naming what is wrong and what is accepted.
 */
export function parseScheduleExpression(expression: string): ScheduleExpression {
  const rate = RATE.exec(expression);
  if (rate) return { kind: 'rate', seconds: rateSeconds(Number(rate[1]), rate[2]!) };
  const cron = CRON.exec(expression);
  if (cron) return { kind: 'cron', fields: cronFields(cron[1]!) };
  const at = AT.exec(expression);
  if (at) {
    const [, y, mo, d, h, mi, s] = at.map(Number) as number[];
    const date = new Date(Date.UTC(y!, mo! - 1, d, h, mi, s));
    if (date.getUTCMonth() !== mo! - 1 || date.getUTCDate() !== d || h! > 23 || mi! > 59 || s! > 59)
      throw new Error(`${JSON.stringify(expression)} is not a date and time that exists`);
    return { kind: 'at', local: expression.slice(3, -1) };
  }
  throw new Error(
    `${JSON.stringify(expression)} is not a schedule expression: use rate(<n> minute|minutes|hour|hours|day|days), cron(<6 fields>) or at(yyyy-mm-ddThh:mm:ss)`,
  );
}

function rateSeconds(value: number, unit: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`rate value ${value} must be a whole number >= 1`);
  // Scheduler's guide: a value of 1 takes the singular unit, any other the plural.
  const singular = unit.replace(/s$/, '');
  if ((value === 1) !== (unit === singular))
    throw new Error(`rate(${value} ${unit}): use ${value === 1 ? `"${singular}"` : `"${singular}s"`} with ${value}`);
  return value * UNIT_SECONDS[singular]!;
}

function cronFields(body: string): string[] {
  const fields = body.split(' ');
  if (fields.length !== 6 || fields.some((f) => f === ''))
    throw new Error(
      `cron(${body}) needs 6 fields separated by single spaces (minutes hours day-of-month month day-of-week year); got ${fields.length}`,
    );
  fields.forEach((value, i) => {
    const problem = cronFieldProblem(value, CRON_FIELDS[i]!);
    if (problem) throw new Error(`cron(${body}): ${CRON_FIELDS[i]!.name} ${JSON.stringify(value)}: ${problem}`);
  });
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === '?') === (dayOfWeek === '?'))
    throw new Error(`cron(${body}): exactly one of day-of-month and day-of-week must be "?"`);
  return fields;
}

function cronFieldProblem(value: string, field: CronField): string | undefined {
  if (field.special.test(value)) return undefined;
  for (const part of value.split(',')) {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined) return 'at most one "/" per item';
    if (step !== undefined && !field.steps) return `AWS documents no "/" in ${field.name} (only , - * ? L #)`;
    if (step !== undefined && !/^\d+$/.test(step)) return `step ${JSON.stringify(step)} must be a whole number`;
    if (step !== undefined && (Number(step) < 1 || Number(step) > field.max))
      return `step ${step} must be 1-${field.max}`;
    if (range === '*') continue;
    const bounds = range!.split('-');
    if (bounds.length > 2) return `${JSON.stringify(range)} is not a value or a range`;
    const values: number[] = [];
    for (const bound of bounds) {
      const n = fieldValue(bound, field);
      if (n === undefined)
        return `${JSON.stringify(bound)} is not ${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ''}`;
      values.push(n);
    }
    // AWS documents a range as "from-to" only; one that wraps (22-2, SAT-SUN) is refused (§12.1).
    if (values.length === 2 && values[0]! > values[1]!)
      return `${JSON.stringify(range)} runs backwards; split a range that wraps in two, e.g. 22-23,0-2`;
  }
  return undefined;
}

function fieldValue(text: string, field: CronField): number | undefined {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + field.min;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : undefined;
}

/**
 * Time zones a schedule may name: IANA names the runtime's ICU knows (with their aliases, as ICU's
 * canonical names are older than IANA's: `Asia/Calcutta` for `Asia/Kolkata`), spelt exactly. Offsets
 * (`+01:00`) and case variants (`utc`) are refused: the stricter side, as Scheduler's own list is not
 * published in a machine-readable form (docs/aws-behaviour.md §12.1).
 */
export function timeZoneProblem(timeZone: string): string | undefined {
  const problem = `${JSON.stringify(timeZone)} is not an IANA time zone name (e.g. "UTC", "Europe/Berlin", "America/New_York")`;
  if (!/^[A-Za-z][A-Za-z_]*(\/[A-Za-z0-9_+-]+)*$/.test(timeZone)) return problem;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  } catch {
    return problem;
  }
  if (resolved !== timeZone && resolved.toLowerCase() === timeZone.toLowerCase())
    return `${problem}; did you mean "${resolved}"?`;
  return undefined;
}

/**
 * When a schedule fires next, strictly after `after`; undefined when it never fires again (a past
 * `at`, a cron whose years are over). A rate counts from the Unix epoch, so the same instants come
 * back after a restart (Scheduler counts from the schedule's creation: same interval, other phase).
 */
export function nextRun(expression: string, timeZone: string, after: Date): Date | undefined {
  const parsed = parseScheduleExpression(expression);
  if (parsed.kind === 'rate') {
    const step = parsed.seconds * 1000;
    return new Date((Math.floor(after.getTime() / step) + 1) * step);
  }
  if (parsed.kind === 'at') {
    const at = zonedToUtc(parsed.local, timeZone);
    return at.getTime() > after.getTime() ? at : undefined;
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = parsed.fields as string[];
  const pattern = [
    '0',
    crononSteps(minutes!, 59),
    crononSteps(hours!, 23),
    dayOfMonth === '?' ? '*' : crononSteps(dayOfMonth!, 31),
    crononSteps(month!, 12),
    dayOfWeek === '?' ? '*' : crononDayOfWeek(dayOfWeek!),
  ].join(' ');
  const cron = new Cron(pattern, { timezone: timeZone, paused: true });
  const years = (y: number) => year === '*' || cronFieldMatches(year!, y);
  let next = cron.nextRun(after);
  // croner has no year field. The year is the schedule's zone's, not UTC's; from a run in an excluded
  // year, jump to just before the next allowed year's first instant (at most one jump per year to 2199).
  while (next && !years(zonedYear(next, timeZone))) {
    const allowed = nextAllowedYear(zonedYear(next, timeZone), years);
    if (allowed === undefined) return undefined;
    next = cron.nextRun(new Date(zonedToUtc(`${allowed}-01-01T00:00:00`, timeZone).getTime() - 1000));
  }
  return next ?? undefined;
}

function nextAllowedYear(from: number, allowed: (y: number) => boolean): number | undefined {
  for (let y = from + 1; y <= 2199; y++) if (allowed(y)) return y;
  return undefined;
}

function zonedYear(at: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }).format(at));
}

// AWS's `<start>/<step>` (`0/15`) runs to the field's end; croner wants that end spelt: `0-59/15`.
function crononSteps(field: string, max: number): string {
  return field.replace(
    /(^|,)([^,*/-]+)\/(\d+)/g,
    (_m, sep: string, start: string, step: string) => `${sep}${start}-${max}/${step}`,
  );
}

// AWS counts days of the week 1-7 from Sunday, croner 0-6; `<d>L` is croner's `<d>#L`.
function crononDayOfWeek(field: string): string {
  return field
    .replace(/^L$/, 'SAT')
    .replace(/(\d)L$/, '$1#L')
    .replace(/(^|[,-])(\d)/g, (_m, sep: string, d: string) => `${sep}${Number(d) - 1}`);
}

function cronFieldMatches(field: string, value: number): boolean {
  return field.split(',').some((part) => {
    const [range, step] = part.split('/');
    const [lo, hi] = range === '*' ? [1970, 2199] : range!.split('-').map(Number);
    const top = hi ?? (step ? 2199 : lo!);
    return value >= lo! && value <= top && (value - lo!) % Number(step ?? 1) === 0;
  });
}

/** `yyyy-mm-ddThh:mm:ss` in `timeZone`, as an instant. */
function zonedToUtc(local: string, timeZone: string): Date {
  const asUtc = new Date(`${local}Z`);
  // The zone's offset at that instant, applied twice to settle across a DST change.
  let guess = asUtc;
  for (let i = 0; i < 2; i++) guess = new Date(asUtc.getTime() - offsetMs(guess, timeZone));
  return guess;
}

function offsetMs(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}
