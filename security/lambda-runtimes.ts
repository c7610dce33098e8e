/**
 * Deprecation dates of Lambda's managed runtimes.
 *
 * Source: the "Supported runtimes" and "Deprecated runtimes" tables of
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html ("Deprecation date" column),
 * as recorded on 2026-08-22 by endoflife.date (products/aws-lambda.md, which scrapes that page);
 * nodejs22.x and nodejs24.x cross-checked with docs/aws-behaviour.md §8. AWS moves dates (it
 * extended several in 2025), so the table is data to keep current: a runtime missing from it fails
 * the rule, which forces the update.
 *
 * After the deprecation date Lambda stops patching the runtime; creating and then updating functions
 * is blocked some weeks later. The rule fails from the deprecation date on, not from the block dates.
 */
export const LAMBDA_RUNTIME_DEPRECATIONS: Readonly<Record<string, string>> = {
  'nodejs24.x': '2028-04-30',
  'nodejs22.x': '2027-04-30',
  'nodejs20.x': '2026-04-30',
  'nodejs18.x': '2025-09-01',
  'nodejs16.x': '2024-06-12',
  'nodejs14.x': '2023-12-04',
  'nodejs12.x': '2023-03-31',
  'nodejs10.x': '2021-07-30',
  'nodejs8.10': '2020-03-06',
  'nodejs6.10': '2019-08-12',
  'nodejs4.3': '2020-03-05',
  'nodejs4.3-edge': '2020-03-05',
  nodejs: '2016-08-30',
  'python3.14': '2029-06-30',
  'python3.13': '2029-06-30',
  'python3.12': '2028-10-31',
  'python3.11': '2027-06-30',
  'python3.10': '2026-10-31',
  'python3.9': '2025-12-15',
  'python3.8': '2024-10-14',
  'python3.7': '2023-12-04',
  'python3.6': '2022-07-18',
  'python2.7': '2021-07-15',
  java25: '2029-06-30',
  java21: '2029-06-30',
  'java17.al2023': '2029-06-30',
  'java11.al2023': '2029-06-30',
  'java8.al2023': '2029-06-30',
  java17: '2027-06-30',
  java11: '2027-06-30',
  'java8.al2': '2027-06-30',
  java8: '2024-01-08',
  dotnet10: '2028-11-14',
  dotnet9: '2026-11-10',
  dotnet8: '2026-11-10',
  dotnet7: '2024-05-14',
  dotnet6: '2024-12-20',
  'dotnet5.0': '2022-05-10',
  'dotnetcore3.1': '2023-04-03',
  'dotnetcore2.1': '2022-01-05',
  'dotnetcore2.0': '2019-05-30',
  'dotnetcore1.0': '2019-06-27',
  'ruby4.0': '2029-03-31',
  'ruby3.4': '2028-03-31',
  'ruby3.3': '2027-03-31',
  'ruby3.2': '2026-03-31',
  'ruby2.7': '2023-12-07',
  'ruby2.5': '2021-07-30',
  'provided.al2023': '2029-06-30',
  'provided.al2': '2026-07-31',
  provided: '2024-01-08',
  'go1.x': '2024-01-08',
};

/**
 * The runtimes checkov's CKV_AWS_363 (DeprecatedLambdaRuntime.py, commit 03d5fdad of 2026-08-20)
 * forbids. Our date table must call each of them deprecated; a test holds us to it.
 */
export const CHECKOV_DEPRECATED_RUNTIMES: readonly string[] = [
  'dotnetcore3.1',
  'nodejs12.x',
  'python3.6',
  'python2.7',
  'dotnet5.0',
  'dotnetcore2.1',
  'ruby2.5',
  'nodejs10.x',
  'nodejs8.10',
  'nodejs4.3',
  'nodejs6.10',
  'dotnetcore1.0',
  'dotnetcore2.0',
  'nodejs4.3-edge',
  'nodejs',
  'java8',
  'python3.7',
  'go1.x',
  'provided',
  'ruby2.7',
  'nodejs14.x',
  'nodejs16.x',
  'python3.9',
  'dotnet7',
  'dotnet6',
];

/** How far ahead a coming deprecation is announced (a console warning, not a failure). */
export const DEPRECATION_WARNING_DAYS = 180;

/** Where a runtime stands on `today`. */
export type RuntimeStatus =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'deprecated'; readonly since: string }
  | { readonly kind: 'deprecating-soon'; readonly on: string; readonly days: number }
  | { readonly kind: 'supported'; readonly until: string };

const DAY_MS = 86_400_000;

/** The status of `runtime` on `today` (dates compare as UTC calendar days). */
export function runtimeStatus(runtime: string, today: Date): RuntimeStatus {
  const date = LAMBDA_RUNTIME_DEPRECATIONS[runtime];
  if (date === undefined) return { kind: 'unknown' };
  const day = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const days = Math.round((Date.parse(`${date}T00:00:00Z`) - day) / DAY_MS);
  if (days <= 0) return { kind: 'deprecated', since: date };
  if (days <= DEPRECATION_WARNING_DAYS) return { kind: 'deprecating-soon', on: date, days };
  return { kind: 'supported', until: date };
}
