/**
 * The static security rules, as data. Each rule names the scanner checks it encodes and says in
 * `mirrors` exactly what the scanner checks and where we differ. The checks read resolved Terraform
 * (see terraform.ts), so where checkov answers UNKNOWN for a reference we answer PASS or FAIL.
 *
 * Sources: checkov 03d5fdad (2026-08-20) and trivy-checks 80e53822 (2026-08-21); see catalogue.ts.
 */

import type { Rule } from './engine';
import { API_AND_WORKFLOW_RULES } from './rules/api-and-workflows';
import { FUNCTION_AND_LOG_RULES } from './rules/functions-and-logs';
import { IAM_RULES } from './rules/iam';
import { NOTIFICATION_RULES } from './rules/notifications';
import { OPERATION_RULES } from './rules/operations';
import { S3_RULES } from './rules/s3';

/** Every rule the tests run over the synthesized app, in the order docs/security.md lists them. */
export const RULES: readonly Rule[] = [
  ...API_AND_WORKFLOW_RULES,
  ...NOTIFICATION_RULES,
  ...OPERATION_RULES,
  ...FUNCTION_AND_LOG_RULES,
  ...IAM_RULES,
  ...S3_RULES,
];

/** The rule list as a Markdown table (what docs/security.md shows between the rule markers). */
export function renderRuleTable(rules: readonly Rule[] = RULES): string {
  const escapeCell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = rules.map(
    (r) =>
      `| ${r.ids.join(', ')} | ${escapeCell(r.title)} | ${r.resourceTypes.map((t) => `\`${t}\``).join(', ')} | ${escapeCell(r.mirrors)} |`,
  );
  return [
    '| check | what must hold | resources | what the scanner checks, and how the rule mirrors it |',
    '|---|---|---|---|',
    ...rows,
  ].join('\n');
}
