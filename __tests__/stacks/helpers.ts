import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { type AppConfig, parseConfig } from '../../stacks/config';

/** A synthesized scope: the JSON text (for cdktf's matchers) and its parsed resources. */
export interface Synthesized {
  readonly text: string;
  /** Resources of one Terraform type, by logical id. */
  resources(type: string): Record<string, Record<string, unknown>>;
  /** The only resource of a type whose attributes match `where`. */
  one(type: string, where?: Record<string, unknown>): Record<string, unknown>;
}

export function synthesize(build: (scope: Construct) => void): Synthesized {
  return parse(Testing.synthScope(build));
}

export function parse(text: string): Synthesized {
  const json = JSON.parse(text) as { resource?: Record<string, Record<string, Record<string, unknown>>> };
  const resources = (type: string) => json.resource?.[type] ?? {};
  return {
    text,
    resources,
    one(type, where = {}) {
      const found = Object.values(resources(type)).filter((r) =>
        Object.entries(where).every(([k, v]) => JSON.stringify(r[k]) === JSON.stringify(v)),
      );
      if (found.length !== 1)
        throw new Error(`expected one ${type} matching ${JSON.stringify(where)}, found ${found.length}`);
      return found[0]!;
    },
  };
}

/** A parsed IAM policy statement with Action/Resource normalized to arrays. */
export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: unknown;
  Principal?: unknown;
}

export function statementsOf(policy: unknown): Statement[] {
  const doc = JSON.parse(String(policy)) as { Statement: Record<string, unknown>[] };
  const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string]);
  return doc.Statement.map((s) => ({ ...s, Action: list(s.Action), Resource: list(s.Resource) }) as Statement);
}

const buildDirs: string[] = [];
// Registered at import, i.e. at the top level of every test file that uses these helpers.
afterAll(() => {
  for (const dir of buildDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder for Lambda bundles, removed when the test file ends. */
export function tempBuildDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'async-api-bundles-'));
  buildDirs.push(dir);
  return dir;
}

export function testConfig(env: Record<string, string> = {}): AppConfig {
  return parseConfig({ TF_STATE_BUCKET: 'test-state-bucket', ...env });
}
