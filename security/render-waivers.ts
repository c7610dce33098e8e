/**
 * Prints the waiver table README.md (and docs/security.md) show between `<!-- waivers:start -->` and
 * `<!-- waivers:end -->`; with `--rules`, the rule table docs/security.md shows between
 * `<!-- rules:start -->` and `<!-- rules:end -->`. Tests compare both with the files.
 *
 * Usage: npx tsx security/render-waivers.ts [--rules]
 */
import { renderRuleTable } from './rules';
import { renderWaiverTable } from './waivers';

process.stdout.write(`${process.argv.includes('--rules') ? renderRuleTable() : renderWaiverTable()}\n`);
