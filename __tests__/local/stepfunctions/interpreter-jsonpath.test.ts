/**
 * JSONPath states with variables, intrinsic functions, Retry/Catch around Map and Parallel, on the
 * interpreter alone (ASL spec and AWS's "Processing input and output" and "Intrinsic functions").
 */

import { getEventListeners } from 'node:events';
import { StatesError } from '../../../local/stepfunctions/interpreter/errors';
import { assignedBy, run, types } from './interpreter-fixture';

const machine = (states: Record<string, unknown>) => ({ StartAt: Object.keys(states)[0], States: states });

describe('JSONPath states', () => {
  it('assigns variables from the state result (after ResultSelector), readable as $name in later paths', async () => {
    const def = machine({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        ResultSelector: { 'value.$': '$.Payload' },
        Assign: { 'v.$': '$.value', 'ctx.$': '$$.State.Name', fmt: 'literal $.not.a.path' },
        ResultPath: null,
        Next: 'Use',
      },
      Use: { Type: 'Pass', Parameters: { 'got.$': '$v', 'again.$': "States.Format('{}-{}', $v, $ctx)" }, End: true },
    });

    const result = await run(def, { in: 1 }, () => ({ Payload: 7 }));

    expect(assignedBy(result.events, 'T')).toEqual({ v: 7, ctx: 'T', fmt: 'literal $.not.a.path' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { got: 7, again: '7-T' } });
  });

  it('fails with States.Runtime naming the path when a definite path matches nothing', async () => {
    const result = await run(machine({ P: { Type: 'Pass', InputPath: '$.missing', End: true } }), { a: 1 });

    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause:
        "An error occurred while executing the state 'P' (entered at the event id #2). Invalid path '$.missing' : No results for path: $['missing']",
    });
  });

  it('selects a list with a filter path, and an empty list when nothing matches', async () => {
    const def = machine({
      P: {
        Type: 'Pass',
        Parameters: { 'on.$': '$.items[?(@.on == true)].id', 'none.$': '$.items[?(@.id > 9)]' },
        End: true,
      },
    });

    const result = await run(def, {
      items: [
        { id: 1, on: true },
        { id: 2, on: false },
      ],
    });

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { on: [1], none: [] } });
  });

  it('reports a Fail state without Error as no error at all, and takes ErrorPath/CausePath from context and intrinsics', async () => {
    const empty = await run(machine({ F: { Type: 'Fail' } }));
    const paths = await run(
      machine({ F: { Type: 'Fail', ErrorPath: '$$.State.Name', CausePath: "States.Format('at {}', $.where)" } }),
      { where: 'home' },
    );

    expect(empty).toEqual({ status: 'FAILED', events: expect.any(Array) });
    expect(paths).toMatchObject({ status: 'FAILED', error: 'F', cause: 'at home' });
  });

  it('splits on any character of the separator in States.StringSplit and drops empty pieces', async () => {
    const def = machine({
      P: {
        Type: 'Pass',
        Parameters: { 'parts.$': "States.StringSplit($.s, '.+')", 'none.$': "States.StringSplit(',,', ',')" },
        End: true,
      },
    });

    const result = await run(def, { s: 'a.b+c..d' });

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { parts: ['a', 'b', 'c', 'd'], none: [] } });
  });

  it('retries a failed Map whole (MapStateStarted again), then records MapStateFailed once and lets Catch take it', async () => {
    const def = machine({
      M: {
        Type: 'Map',
        MaxConcurrency: 1,
        ItemsPath: '$.items',
        ItemProcessor: { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Item', Cause: 'bad' } } },
        Retry: [{ ErrorEquals: ['Item'], MaxAttempts: 1 }],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', End: true },
    });

    const result = await run(def, { items: [1] });
    const onArray = await run(def, [1]);

    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      output: { items: [1], error: { Error: 'Item', Cause: 'bad' } },
    });
    // On an array input, ResultPath $.error cannot be applied: States.Runtime, which no Catch takes.
    expect(onArray).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    const kinds = types(result.events);
    expect(kinds.filter((t) => t === 'MapStateStarted')).toHaveLength(2);
    expect(kinds.filter((t) => t === 'MapStateFailed')).toHaveLength(1);
  });

  it('runs Map iterations one after another with MaxConcurrency 1, so their events never interleave', async () => {
    const def = machine({
      M: {
        Type: 'Map',
        MaxConcurrency: 1,
        ItemProcessor: {
          StartAt: 'W',
          States: { W: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } },
        },
        End: true,
      },
    });

    const result = await run(def, [1, 2, 3], async (call) => {
      await new Promise((r) => setTimeout(r, 4 - (call.input as number)));
      return call.input;
    });

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: [1, 2, 3] });
    const iterationEvents = types(result.events).filter((t) => t.startsWith('MapIteration'));
    expect(iterationEvents).toEqual([
      'MapIterationStarted',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'MapIterationSucceeded',
      'MapIterationStarted',
      'MapIterationSucceeded',
    ]);
  });

  it('leaves no abort listener on the execution’s signal once a Map or Parallel is over (a loop would gather one per run)', async () => {
    const controller = new AbortController();
    const inner = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };
    const def = machine({
      M: { Type: 'Map', ItemProcessor: inner, ResultPath: null, Next: 'B' },
      B: { Type: 'Parallel', Branches: [inner, inner], ResultPath: null, End: true },
    });

    const result = await run(def, [1, 2], undefined, controller.signal);

    expect(result).toMatchObject({ status: 'SUCCEEDED' });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('does not let States.ALL catch States.Runtime, but lets it catch a task’s own error', async () => {
    const def = () =>
      machine({
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'C' }],
          End: true,
        },
        C: { Type: 'Pass', End: true },
      });

    const own = await run(def(), {}, () => {
      throw new StatesError('Own', 'c');
    });
    const runtime = await run(def(), {}, () => {
      throw new StatesError('States.Runtime', 'c');
    });

    expect(own).toMatchObject({ status: 'SUCCEEDED', output: { Error: 'Own', Cause: 'c' } });
    expect(runtime).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });

  it('gives a .waitForTaskToken Task its token in $$.Task.Token', async () => {
    const def = machine({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: { 'token.$': '$$.Task.Token' },
        End: true,
      },
    });

    const result = await run(def, {}, (call) => ({ input: call.input, token: call.taskToken }));

    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { input: { token: 'token-1' }, token: 'token-1' } });
  });
});
