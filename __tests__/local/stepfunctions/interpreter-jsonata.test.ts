/**
 * JSONata states and workflow variables as AWS documents them ("Transforming data with JSONata",
 * "Passing data between states with variables"), on the interpreter alone.
 */
import { StatesError } from '../../../local/stepfunctions/interpreter/errors';
import { STEP_FUNCTIONS_FUNCTIONS } from '../../../local/stepfunctions/interpreter/jsonata';
import { MAX_PAYLOAD_BYTES } from '../../../local/stepfunctions/interpreter/machine';
import { STEP_FUNCTIONS_FUNCTION_NAMES } from '../../../stacks/validation/query-languages';
import { assignedBy, exitedOutput, run, types } from './interpreter-fixture';

const jsonata = (states: Record<string, unknown>, startAt = Object.keys(states)[0]) => ({
  QueryLanguage: 'JSONata',
  StartAt: startAt,
  States: states,
});

describe('JSONata states', () => {
  it('evaluates Assign and Output on the same input, with the variables as they were on entry', async () => {
    // Prepare: `x` is 1 when B is entered; B assigns x = 2 and outputs $x
    const def = jsonata({
      A: { Type: 'Pass', Assign: { x: 1 }, Next: 'B' },
      B: { Type: 'Pass', Assign: { x: 2, old: '{% $x %}' }, Output: { seen: '{% $x %}' }, Next: 'C' },
      C: { Type: 'Pass', Output: '{% $x %}', End: true },
    });

    // Act
    const result = await run(def);

    // Assess: B saw 1 in both fields, C sees B's assignment
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: 2 });
    expect(assignedBy(result.events, 'B')).toEqual({ x: 2, old: 1 });
    expect(exitedOutput(result.events, 'PassStateExited', 'B')).toEqual({ seen: 1 });
  });

  it('gives a Task its Arguments and $states.result to Output, and $states.input stays the raw input', async () => {
    const def = jsonata({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: 'f', Payload: { n: '{% $states.input.n * 2 %}' } },
        Output: { got: '{% $states.result %}', before: '{% $states.input.n %}' },
        End: true,
      },
    });

    const result = await run(def, { n: 21 }, (call) => ({ echoed: call.input }));

    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      output: { got: { echoed: { FunctionName: 'f', Payload: { n: 42 } } }, before: 21 },
    });
  });

  it('hands $states.errorOutput to a Catch, whose Output and Assign replace the state’s', async () => {
    const def = jsonata({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Catch: [
          {
            ErrorEquals: ['Boom'],
            Assign: { failedWith: '{% $states.errorOutput.Error %}' },
            Output: '{% $states.errorOutput.Cause %}',
            Next: 'Done',
          },
        ],
        End: true,
      },
      Done: { Type: 'Pass', Output: { cause: '{% $states.input %}', v: '{% $failedWith %}' }, End: true },
    });

    const result = await run(def, { in: 1 }, () => {
      throw new StatesError('Boom', 'why');
    });

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { cause: 'why', v: 'Boom' } });
    expect(assignedBy(result.events, 'T')).toEqual({ failedWith: 'Boom' });
  });

  it('fails with States.QueryEvaluationError, an EvaluationFailed event and AWS’s cause for an undefined result', async () => {
    const result = await run(jsonata({ S: { Type: 'Pass', Output: '{% $nothing %}', End: true } }));

    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'States.QueryEvaluationError',
      cause:
        "An error occurred while executing the state 'S' (entered at the event id #2). The JSONata expression '$nothing' specified for the field 'Output' returned nothing (undefined).",
    });
    expect(types(result.events)).toEqual(['PassStateEntered', 'EvaluationFailed']);
    expect(result.events[1]?.['evaluationFailedEventDetails']).toMatchObject({ location: 'Output', state: 'S' });
  });

  it('refuses Items that are not an array, and maps ItemSelector over $states.context.Map.Item', async () => {
    const items = (value: unknown) =>
      jsonata({
        M: {
          Type: 'Map',
          Items: value,
          ItemSelector: { v: '{% $states.context.Map.Item.Value %}', i: '{% $states.context.Map.Item.Index %}' },
          ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
          End: true,
        },
      });

    const good = await run(items('{% ["a", "b"] %}'));
    const bad = await run(items('{% {"a": 1} %}'));

    expect(good).toMatchObject({
      status: 'SUCCEEDED',
      output: [
        { v: 'a', i: 0 },
        { v: 'b', i: 1 },
      ],
    });
    expect(bad).toMatchObject({ status: 'FAILED', error: 'States.QueryEvaluationError' });
    expect((bad as { cause: string }).cause).toContain("Expected 'array', but was 'object'");
  });

  it('keeps what a Map iteration assigns inside it, while the iteration reads the outer variables', async () => {
    const def = jsonata({
      A: { Type: 'Pass', Assign: { base: 10 }, Next: 'M' },
      M: {
        Type: 'Map',
        Items: [1, 2],
        ItemProcessor: {
          StartAt: 'Inner',
          States: {
            Inner: {
              Type: 'Pass',
              Assign: { inner: '{% $states.input + $base %}' },
              Output: '{% $states.input + $base %}',
              End: true,
            },
          },
        },
        Next: 'After',
      },
      After: { Type: 'Pass', Output: '{% $exists($inner) %}', End: true },
    });

    const result = await run(def);

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: false });
    expect(exitedOutput(result.events, 'MapStateExited')).toEqual([11, 12]);
  });

  it('runs Step Functions’ own functions', async () => {
    const def = jsonata({
      S: {
        Type: 'Pass',
        Output: {
          partition: '{% $partition([1, 2, 3], 2) %}',
          range: '{% $range(0, 6, 3) %}',
          hash: '{% $hash("abc", "SHA-256") %}',
          parse: '{% $parse("{\\"a\\": [1]}") %}',
          uuid: '{% $uuid() %}',
          random: '{% $random() %}',
        },
        End: true,
      },
    });

    const result = await run(def);

    expect(result.status).toBe('SUCCEEDED');
    const out = (result as { output: Record<string, unknown> }).output;
    expect(out).toMatchObject({
      partition: [[1, 2], [3]],
      range: [0, 3, 6],
      hash: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      parse: { a: [1] },
    });
    expect(out['uuid']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(out['random']).toBeGreaterThanOrEqual(0);
    expect(out['random']).toBeLessThan(1);
  });

  it('gives $range and States.ArrayRange up to 1000 items, and refuses a longer range without building it', async () => {
    const jsonataRange = (end: number) =>
      jsonata({ S: { Type: 'Pass', Output: `{% $range(1, ${end}, 1) %}`, End: true } });
    const intrinsicRange = (end: number) => ({
      StartAt: 'S',
      States: {
        S: { Type: 'Pass', Parameters: { 'r.$': `States.ArrayRange(1, ${end}, 1)` }, OutputPath: '$.r', End: true },
      },
    });

    for (const range of [jsonataRange, intrinsicRange]) {
      const atLimit = await run(range(1000));
      const over = await run(range(1001));
      const huge = await run(range(2 ** 40));

      expect(atLimit.status).toBe('SUCCEEDED');
      expect((atLimit as { output: number[] }).output).toHaveLength(1000);
      expect(over.status).toBe('FAILED');
      expect(huge).toMatchObject({ status: 'FAILED', error: (over as { error?: string }).error });
    }
  });

  it('waits Seconds given by an expression and fails a Fail state with Error and Cause expressions', async () => {
    const def = jsonata({
      W: { Type: 'Wait', Seconds: '{% $states.input.s %}', Next: 'F' },
      F: { Type: 'Fail', Error: '{% "Bad." & $states.input.kind %}', Cause: '{% $string($states.input.s) %}' },
    });

    const result = await run(def, { s: 0, kind: 'Input' });

    expect(result).toMatchObject({ status: 'FAILED', error: 'Bad.Input', cause: '0' });
  });

  it('fails a Pass whose output exceeds 256 KiB with States.DataLimitExceeded, and passes one at the limit', async () => {
    // JSON text of a string of n characters is n + 2 bytes
    const sized = (bytes: number) => jsonata({ S: { Type: 'Pass', Output: 'x'.repeat(bytes - 2), End: true } });

    const atLimit = await run(sized(MAX_PAYLOAD_BYTES));
    const over = await run(sized(MAX_PAYLOAD_BYTES + 1));

    expect(atLimit.status).toBe('SUCCEEDED');
    expect(over).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });

  it('implements exactly the Step Functions functions that definition checks accept', () => {
    expect(Object.keys(STEP_FUNCTIONS_FUNCTIONS).sort()).toEqual([...STEP_FUNCTIONS_FUNCTION_NAMES].sort());
  });
});
