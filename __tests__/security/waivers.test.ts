import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { KNOWN_CHECKS } from '../../security/catalogue';
import { evaluateRule, type RuleResult, type Violation } from '../../security/engine';
import { RULES, renderRuleTable } from '../../security/rules';
import { renderWaiverTable, WAIVERS, waiverCovers } from '../../security/waivers';
import { docSection } from '../doc-section';
import { type SynthesizedApp, synthesizeApp } from './fixtures';

const ROOT = join(__dirname, '..', '..');

describe('the waiver list', () => {
  let app: SynthesizedApp;
  let violations: Violation[];
  let checkedBy: Map<string, readonly string[]>;

  beforeAll(async () => {
    // Prepare: every violation of every rule in the real app, waived or not.
    app = synthesizeApp();
    const context = { resources: app.resources, today: new Date() };
    const results: RuleResult[] = await Promise.all(RULES.map((rule) => evaluateRule(rule, context)));
    violations = results.flatMap((r) => r.violations);
    checkedBy = new Map(RULES.flatMap((rule, i) => rule.ids.map((id) => [id, results[i]!.checked] as const)));
  });

  it("names only checks that exist in checkov's or trivy's catalogue", () => {
    // Assess
    const unknown = WAIVERS.flatMap((w) => w.ids).filter((id) => !(id in KNOWN_CHECKS));
    expect(unknown).toEqual([]);
  });

  it('names only checks the rule engine encodes, so a stale waiver can be detected', () => {
    // Assess
    const encoded = new Set(RULES.flatMap((r) => r.ids));
    expect(WAIVERS.flatMap((w) => w.ids).filter((id) => !encoded.has(id))).toEqual([]);
  });

  it('waives each check once', () => {
    // Assess
    const ids = WAIVERS.flatMap((w) => w.ids);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  for (const waiver of WAIVERS) {
    for (const target of waiver.resources) {
      const where = target.path ? `${target.type} at ${target.path}` : `every ${target.type}`;
      it(`${waiver.ids.join(', ')} still applies to ${where} (delete the waiver when it does not)`, () => {
        // Act
        const covered = violations.filter((v) => waiverCovers({ ...waiver, resources: [target] }, v));

        // Assess
        expect(covered.length).toBeGreaterThan(0);
        if (!target.path) {
          // A type-wide waiver must not hide a resource of that type that meets the check.
          const checked = waiver.ids.flatMap((id) => checkedBy.get(id) ?? []);
          const ofType = [
            ...new Set(
              app.resources.filter((r) => r.type === target.type && checked.includes(r.address)).map((r) => r.address),
            ),
          ];
          expect([...new Set(covered.map((v) => v.address))].sort()).toEqual(ofType.sort());
        }
      });
    }
  }

  it('gives every waiver a reason', () => {
    // Assess
    expect(WAIVERS.filter((w) => w.reason.trim().length < 40).map((w) => w.ids.join(', '))).toEqual([]);
  });

  it('is shown in README.md between the waiver markers, exactly as rendered', () => {
    // Act
    const shown = docSection('README.md', 'waivers');

    // Assess
    expect(shown).toBe(renderWaiverTable());
  });

  it('is shown in docs/security.md with the rule table, both exactly as rendered', () => {
    // Act
    const shown = {
      waivers: docSection('docs/security.md', 'waivers'),
      rules: docSection('docs/security.md', 'rules'),
    };

    // Assess
    expect(shown).toEqual({ waivers: renderWaiverTable(), rules: renderRuleTable() });
  });

  it('security/render-waivers.ts prints the rendered table', () => {
    // Act
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'security', 'render-waivers.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 20_000,
    });

    // Assess
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(renderWaiverTable());
  });
});
