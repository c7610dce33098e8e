import aslValidator from 'asl-validator';
import { AslTemplateError, renderAsl, renderAslFile } from '../../stacks/asl';
import { SOURCES } from '../../stacks/async-api-stack';
import { RamenTimerErrors } from '../../lambda-src/ramen-timer/errors';

interface State {
  Type: string;
  Next?: string;
  End?: boolean;
  Resource?: string;
  TimeoutSeconds?: unknown;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  ErrorPath?: string;
  CausePath?: string;
}
interface Definition {
  StartAt: string;
  TimeoutSeconds: unknown;
  States: Record<string, State>;
}

const values = { Partition: 'aws', RamenTimerFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f', TaskTimeoutSeconds: 930, ExecutionTimeoutSeconds: 4020 };

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

describe('statemachine/ramen-timer.asl.json', () => {
  const definition = renderAslFile(SOURCES.definition, values) as Definition;
  const states = Object.entries(definition.States);

  it('is valid ASL once rendered', () => {
    const { isValid, errorsText } = aslValidator(definition as never);

    expect(errorsText('\n')).toBe('');
    expect(isValid).toBe(true);
  });

  it('leaves no placeholder behind', () => {
    expect(JSON.stringify(definition)).not.toMatch(/\$\{|%\{/);
  });

  it('has numeric timeouts for the execution and every task', () => {
    expect(definition.TimeoutSeconds).toBe(4020);
    for (const [, state] of states.filter(([, s]) => s.Type === 'Task')) expect(state.TimeoutSeconds).toBe(930);
  });

  it('only points at states that exist, and every state is reachable', () => {
    const names = new Set(Object.keys(definition.States));
    const targets = states.flatMap(([, s]) => [s.Next, ...(s.Catch ?? []).map((c) => c.Next)]).filter(Boolean);

    expect(names.has(definition.StartAt)).toBe(true);
    for (const target of targets) expect(names.has(target!)).toBe(true);
    expect(new Set([definition.StartAt, ...targets])).toEqual(names);
  });

  it('gives every Task the recommended Lambda retry, a separate throttling retry, and a catch-all', () => {
    for (const [, state] of states.filter(([, s]) => s.Type === 'Task')) {
      const retried = state.Retry!.map((r) => r.ErrorEquals);
      expect(retried).toEqual([
        ['Lambda.ClientExecutionTimeoutException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'],
        ['Lambda.TooManyRequestsException'],
      ]);
      expect(state.Catch!.map((c) => c.ErrorEquals)).toEqual([['States.ALL']]);
    }
  });

  it('never retries the worker\'s own errors: bad input fails the same way every time', () => {
    const retried = states.flatMap(([, s]) => (s.Retry ?? []).flatMap((r) => r.ErrorEquals));

    for (const name of Object.values(RamenTimerErrors)) expect(retried).not.toContain(name);
    expect(retried).not.toContain('States.ALL');
  });

  it('ends failures in a Fail state that carries the caught error and cause', () => {
    const fail = definition.States[definition.States['Boil ramen']!.Catch![0]!.Next]!;

    expect(fail).toMatchObject({ Type: 'Fail', ErrorPath: '$.Error', CausePath: '$.Cause' });
  });

  it('invokes the worker through the optimized Lambda integration', () => {
    expect(definition.States['Boil ramen']).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: values.RamenTimerFunctionArn, 'Payload.$': '$' },
      OutputPath: '$.Payload',
    });
  });
});
