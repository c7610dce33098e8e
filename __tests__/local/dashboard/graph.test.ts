/**
 * The dashboard's pure parts: the graph drawn of a definition and the colour of each state in an
 * execution, and the JSON editor's message. Every job of the registry is drawn from its ASL file.
 */
import { readFileSync } from 'node:fs';
import { END, graphOf, jsonProblem, START, stateStatuses } from '../../../local/dashboard/ui/graph';
import { JOBS } from '../../../stacks/jobs';

const DEFINITION = {
  StartAt: 'Work',
  States: {
    Work: { Type: 'Task', Next: 'Decide', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Broke' }] },
    Decide: { Type: 'Choice', Choices: [{ Next: 'Done' }, { Next: 'Done' }], Default: 'Work' },
    Done: { Type: 'Succeed' },
    Broke: { Type: 'Fail' },
  },
};

const entered = (name: string) => ({ type: 'TaskStateEntered', stateEnteredEventDetails: { name } });
const exited = (name: string) => ({ type: 'TaskStateExited', stateExitedEventDetails: { name } });

describe('graphOf', () => {
  it.each(JOBS.map((j) => [j.name, j.definitionFile]))(
    'draws every state of %s with edges only between nodes it draws',
    (_name, file) => {
      // Placeholders are in strings only, so the template parses as JSON as it is.
      const definition = JSON.parse(readFileSync(file, 'utf8')) as { States: Record<string, unknown> };
      const { nodes, edges } = graphOf(definition);
      const ids = new Set(nodes.map((n) => n.id));
      expect([...ids].filter((id) => id !== START && id !== END).sort()).toEqual(Object.keys(definition.States).sort());
      for (const e of edges) expect([ids.has(e.from), ids.has(e.to)]).toEqual([true, true]);
      expect(edges.some((e) => e.from === START)).toBe(true);
      expect(edges.some((e) => e.to === END)).toBe(true);
    },
  );

  it('draws Choice, Default and Catch edges by kind, and a repeated transition once', () => {
    const { edges } = graphOf(DEFINITION);
    expect(edges.filter((e) => e.from === 'Decide')).toEqual([
      { from: 'Decide', to: 'Done', kind: 'choice' },
      { from: 'Decide', to: 'Work', kind: 'default' },
    ]);
    expect(edges).toContainEqual({ from: 'Work', to: 'Broke', kind: 'catch' });
  });
});

describe('stateStatuses', () => {
  it('colours a running execution: done states succeeded, the current one running, the rest not reached', () => {
    const s = stateStatuses(DEFINITION, [entered('Work'), exited('Work'), entered('Decide')], 'RUNNING');
    expect(Object.fromEntries(s)).toEqual({
      Work: 'succeeded',
      Decide: 'running',
      Done: 'not-reached',
      Broke: 'not-reached',
    });
  });

  it('marks a state left through a Catch as caught, and the Fail state the execution ended in as failed', () => {
    const s = stateStatuses(DEFINITION, [entered('Work'), entered('Broke')], 'FAILED');
    expect(s.get('Work')).toBe('caught');
    expect(s.get('Broke')).toBe('failed');
  });

  it('marks a task whose error a Catch handled as caught although it was exited, and the Fail state it led to as failed', () => {
    // The history Step Functions writes for a caught task error: the task fails, the state is
    // exited, and the Catch's Next is entered (local/stepfunctions writes the same).
    const s = stateStatuses(
      DEFINITION,
      [
        entered('Work'),
        { type: 'TaskFailed' },
        exited('Work'),
        { type: 'FailStateEntered', stateEnteredEventDetails: { name: 'Broke' } },
        { type: 'ExecutionFailed' },
      ],
      'FAILED',
    );
    expect(Object.fromEntries(s)).toEqual({
      Work: 'caught',
      Decide: 'not-reached',
      Done: 'not-reached',
      Broke: 'failed',
    });
  });

  it('marks a task that failed, was retried and then succeeded as succeeded', () => {
    const events = [entered('Work'), { type: 'TaskFailed' }, { type: 'TaskSucceeded' }, exited('Work')];
    expect(stateStatuses(DEFINITION, events, 'RUNNING').get('Work')).toBe('succeeded');
  });

  it('forgets a failure of an earlier visit of a state entered again', () => {
    const events = [
      entered('Work'),
      { type: 'TaskFailed' },
      exited('Work'),
      entered('Decide'),
      exited('Decide'),
      entered('Work'),
      exited('Work'),
    ];
    expect(stateStatuses(DEFINITION, events, 'RUNNING').get('Work')).toBe('succeeded');
  });

  it('marks the state a stopped execution was in as failed', () => {
    expect(stateStatuses(DEFINITION, [entered('Work')], 'ABORTED').get('Work')).toBe('failed');
  });

  it('takes the last visit of a state entered twice (a loop back through Default)', () => {
    const s = stateStatuses(
      DEFINITION,
      [entered('Work'), exited('Work'), entered('Decide'), exited('Decide'), entered('Work')],
      'RUNNING',
    );
    expect(s.get('Work')).toBe('running');
    expect(s.get('Decide')).toBe('succeeded');
  });
});

describe('jsonProblem', () => {
  it('accepts JSON and says where bad JSON goes wrong', () => {
    expect(jsonProblem('{"a": [1, 2]}')).toBeUndefined();
    expect(jsonProblem('{\n  "a": 1,\n}')).toMatch(/line 3, column 1/);
  });

  it('says where once, whatever the engine already said', () => {
    // V8 says `at position 12 (line 3 column 1)` itself; the message keeps only our words.
    const problem = jsonProblem('{\n  "a": 1,\n}')!;
    expect(problem).toBe('Expected double-quoted property name at line 3, column 1');
    expect(jsonProblem('[1] x')).toBe('Unexpected non-whitespace character after JSON at line 1, column 5');
    expect(jsonProblem('')).toBe('Unexpected end of JSON input');
  });
});
