/**
 * The stack leaves every job's ASL as written (no generated states, in JSONPath or JSONata), and keeps
 * webhook URLs in a registration table instead: who may write and read it, and how it is configured.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type App, Testing } from 'cdktf';
import { WEBHOOK_TABLE_VAR } from '../../lambda-src/shared/webhook-table';
import { aslTemplate } from '../../scripts/new-job/templates';
import { AsyncApiStack } from '../../stacks/async-api-stack';
import { type JobDefinition, pascalCase } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { parse, statementsOf, tempBuildDir, testConfig } from './helpers';

const TABLE = 'async-api-dev-webhook-registrations';

function synthStack(jobs: readonly JobDefinition[] = JOBS) {
  const app = Testing.app() as App;
  const stack = new AsyncApiStack(app, 'async-api-test', { config: testConfig(), jobs, buildDir: tempBuildDir() });
  return parse(Testing.synth(stack));
}

/** The rendered definition of each state machine, by machine name. */
function definitions(out: ReturnType<typeof synthStack>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.values(out.resources('aws_sfn_state_machine')).map((m) => [m.name, JSON.parse(String(m.definition))]),
  );
}

describe('every job keeps its ASL as written', () => {
  const rendered = definitions(synthStack());

  it.each(JOBS.map((j) => [j.name, j]))('%s: the same states, start and query language as its file', (name, job) => {
    const written = JSON.parse(readFileSync(job.definitionFile, 'utf8')) as Record<string, unknown>;
    const definition = rendered[`async-api-dev-${name}`]!;

    expect(Object.keys(definition['States'] as object)).toEqual(Object.keys(written['States'] as object));
    expect(definition['StartAt']).toBe(written['StartAt']);
    expect(definition['QueryLanguage']).toBe(written['QueryLanguage']);
    expect(JSON.stringify(definition)).not.toMatch(/asyncApiWebhook|[Ee]nvelope/);
  });

  it('a JSONata job (the scaffold with --jsonata) is synthesized with no JSONPath field added', () => {
    // Prepare: the scaffold's JSONata ASL for a job running an existing function's code
    const dir = mkdtempSync(join(tmpdir(), 'async-api-jsonata-'));
    try {
      const file = join(dir, 'label-maker.asl.json');
      writeFileSync(file, aslTemplate('label-maker', pascalCase('label-maker'), 'JSONata'));
      const template = JOBS[0]!;
      const job: JobDefinition = {
        name: 'label-maker',
        description: 'label-maker: a JSONata job.',
        definitionFile: file,
        functions: [{ ...template.functions[0]!, name: 'label-maker' }],
        exampleInput: { text: 'hello' },
      };

      // Act
      const definition = definitions(synthStack([job]))['async-api-dev-label-maker']!;

      // Assess
      const states = definition['States'] as Record<string, Record<string, unknown>>;
      expect(definition['QueryLanguage']).toBe('JSONata');
      expect(Object.keys(states)).toEqual(['Count words', 'Invalid input', 'Failed']);
      for (const state of Object.values(states)) {
        for (const jsonPathOnly of ['Parameters', 'InputPath', 'OutputPath', 'ResultPath', 'ResultSelector']) {
          expect(state).not.toHaveProperty(jsonPathOnly);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the webhook registration table', () => {
  const out = synthStack();
  const functions = Object.values(out.resources('aws_lambda_function'));

  it('is keyed by execution ARN, expires items by TTL, is encrypted, recoverable and billed per request', () => {
    expect(out.one('aws_dynamodb_table')).toMatchObject({
      name: TABLE,
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'executionArn',
      attribute: [{ name: 'executionArn', type: 'S' }],
      ttl: { attribute_name: 'expiresAt', enabled: true },
      server_side_encryption: { enabled: true },
      point_in_time_recovery: { enabled: true },
    });
  });

  it('is named to the start and sender functions only', () => {
    const named = functions.filter((f) => JSON.stringify(f['environment']).includes(WEBHOOK_TABLE_VAR));

    expect(named.map((f) => f['function_name']).sort()).toEqual([
      'async-api-dev-webhook-sender',
      'async-api-dev-webhook-start',
    ]);
  });

  it('may be written (put, delete) by the start function and read (get) by the sender, nothing else', () => {
    const tableArn = `\${aws_dynamodb_table.${Object.keys(out.resources('aws_dynamodb_table'))[0]}.arn}`;
    const roleNames = Object.fromEntries(
      Object.entries(out.resources('aws_iam_role')).map(([id, r]) => [`\${aws_iam_role.${id}.id}`, r['name']]),
    );
    const dynamo = Object.values(out.resources('aws_iam_role_policy')).flatMap((p) =>
      statementsOf(p.policy)
        .filter((s) => s.Action.some((a) => a.startsWith('dynamodb:')))
        .map((s) => ({ role: roleNames[String(p.role)], actions: [...s.Action].sort(), resources: s.Resource })),
    );

    expect(dynamo).toEqual(
      expect.arrayContaining([
        {
          role: 'async-api-dev-webhook-start',
          actions: ['dynamodb:DeleteItem', 'dynamodb:PutItem'],
          resources: [tableArn],
        },
        { role: 'async-api-dev-webhook-sender', actions: ['dynamodb:GetItem'], resources: [tableArn] },
      ]),
    );
    expect(dynamo).toHaveLength(2);
  });

  it('sends every terminal status change of the API to the sender through the one rule, whatever the input', () => {
    const rules = Object.values(out.resources('aws_cloudwatch_event_rule'));
    const targets = Object.values(out.resources('aws_cloudwatch_event_target'));

    expect(rules).toHaveLength(1);
    expect(JSON.parse(String(rules[0]!['event_pattern'])).detail).not.toHaveProperty('input');
    expect(new Set(targets.map((t) => t['rule'])).size).toBe(1);
    expect(targets).toHaveLength(2);
  });
});
