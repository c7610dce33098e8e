import { AslTemplateError, renderAsl } from '../../stacks/asl';
import { renderJobAsl } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import { type Definition, walkStates } from './asl-helpers';
import { validateAsl } from './asl-validator-cached';

describe('renderAsl', () => {
  it('gives a whole-string placeholder the value type and interpolates partial ones as text', () => {
    const out = renderAsl('{"a": "${N}", "b": "x-${S}-y", "c": "${B}"}', { N: 5, S: 'mid', B: true });

    expect(out).toEqual({ a: 5, b: 'x-mid-y', c: true });
  });

  it('fails on a placeholder with no value, naming it and where it is', () => {
    expect(() => renderAsl('{"a": {"b": "${Missing}"}}', {}, 'x.json')).toThrow(
      new AslTemplateError('x.json', ['no value for placeholder ${Missing} at $.a.b']),
    );
  });

  it('fails on a value no placeholder uses', () => {
    expect(() => renderAsl('{"a": "${A}"}', { A: 1, Extra: 2 })).toThrow(/value "Extra" is not used/);
  });

  it.each([
    ['a malformed placeholder', '{"a": "${not valid}"}'],
    ['a Terraform template directive', '{"a": "%{ if x }"}'],
  ])('fails on %s, which Terraform would interpolate', (_label, template) => {
    expect(() => renderAsl(template, {})).toThrow(/Terraform would interpolate it/);
  });

  it('fails on invalid JSON with the source name', () => {
    expect(() => renderAsl('{', {}, 'broken.asl.json')).toThrow(/^broken.asl.json: not valid JSON/);
  });

  it.each(['arn:aws:states:::lambda:invoke', 'arn:aws-cn:states:::lambda:invoke', 'arn:aws-us-gov:lambda:x'])(
    'fails on the hard-coded partition in %s: the partition follows the region',
    (arn) => {
      expect(() => renderAsl(`{"Resource": "${arn}"}`, {})).toThrow(/hard-codes an ARN partition/);
    },
  );

  it('passes cdktf tokens through as values', () => {
    expect(renderAsl('{"a": "${Arn}"}', { Arn: '${TfToken[TOKEN.1]}' })).toEqual({ a: '${TfToken[TOKEN.1]}' });
  });
});

describe.each(JOBS.map((job) => [job.name, job] as const))('job %s: its ASL file', (_name, job) => {
  const fnArn = (fn: { name: string }) => `arn:aws:lambda:us-east-1:123456789012:function:async-api-dev-${fn.name}`;
  const definition = renderJobAsl(job, fnArn) as Definition;
  const scopes = walkStates(definition);

  it('is valid ASL once rendered', () => {
    const { isValid, errorsText } = validateAsl(definition);

    expect(errorsText).toBe('');
    expect(isValid).toBe(true);
  });

  it('leaves no placeholder behind', () => {
    expect(JSON.stringify(definition)).not.toMatch(/\$\{|%\{/);
  });

  it('has a numeric execution timeout and a numeric timeout on every Task', () => {
    expect(typeof definition.TimeoutSeconds).toBe('number');
    for (const state of scopes.flatMap((s) => Object.values(s.States)).filter((s) => s.Type === 'Task')) {
      expect(typeof state.TimeoutSeconds).toBe('number');
    }
  });

  it('only points at states that exist, and every state is reachable (in every Map and Parallel too)', () => {
    for (const scope of scopes) {
      const names = new Set(Object.keys(scope.States));
      const targets = Object.values(scope.States)
        .flatMap((s) => [
          s.Next,
          s.Default,
          ...(s.Catch ?? []).map((c) => c.Next),
          ...(s.Choices ?? []).map((c) => c.Next),
        ])
        .filter((t): t is string => typeof t === 'string');

      expect(names.has(scope.StartAt)).toBe(true);
      for (const target of targets) expect(names.has(target)).toBe(true);
      expect(new Set([scope.StartAt, ...targets])).toEqual(names);
    }
  });

  it('gives every Task a Retry and a catch-all Catch, and never retries States.ALL', () => {
    for (const [name, state] of scopes.flatMap((s) => Object.entries(s.States)).filter(([, s]) => s.Type === 'Task')) {
      expect([name, (state.Retry ?? []).length > 0]).toEqual([name, true]);
      expect([name, (state.Catch ?? []).some((c) => c.ErrorEquals.includes('States.ALL'))]).toEqual([name, true]);
      expect((state.Retry ?? []).flatMap((r) => r.ErrorEquals)).not.toContain('States.ALL');
    }
  });

  it("invokes only the job's own functions", () => {
    const own = new Set(job.functions.map(fnArn));
    const invoked = scopes
      .flatMap((s) => Object.values(s.States))
      .filter((s) => s.Type === 'Task')
      .map((s) => (s.Parameters as Record<string, unknown> | undefined)?.['FunctionName'] ?? s.Resource);

    for (const arn of invoked) expect(own.has(String(arn))).toBe(true);
  });
});
