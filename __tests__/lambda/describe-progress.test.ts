import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  SFNServiceException,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler } from '../../lambda-src/describe-execution/handler';
import { PROGRESS_HISTORY_BUDGET, readProgress, runningStates } from '../../lambda-src/describe-execution/progress';
import { arnBody, EXECUTION_ARN, httpEvent, STATE_MACHINE_ARN } from './fixtures';

const sfn = mockClient(SFNClient);
const T0 = Date.parse('2026-12-05T10:00:00.000Z');

/** Builds a history oldest first from `[type, details]` pairs, one second apart, and returns it newest first. */
function newestFirst(...events: [string, Partial<HistoryEvent>?][]): HistoryEvent[] {
  return events
    .map(([type, details], i) => ({ id: i + 1, type, timestamp: new Date(T0 + i * 1000), ...details }) as HistoryEvent)
    .reverse();
}
const entered = (name: string) => ({ stateEnteredEventDetails: { name } });
const exited = (name: string) => ({ stateExitedEventDetails: { name } });
const iteration = (name: string, index: number) => ({
  mapIterationStartedEventDetails: { name, index },
});
const iterationDone = (name: string, index: number) => ({
  mapIterationSucceededEventDetails: { name, index },
});

beforeEach(() => {
  sfn.reset();
});

describe('runningStates', () => {
  it('names the one state entered and not exited, and since when', () => {
    // Prepare
    const history = newestFirst(
      ['ExecutionStarted'],
      ['PassStateEntered', entered('Prepare')],
      ['PassStateExited', exited('Prepare')],
      ['TaskStateEntered', entered('Boil')],
      ['TaskScheduled'],
    );

    // Act
    const { states } = runningStates(history);

    // Assess
    expect(states).toEqual([{ name: 'Boil', since: new Date(T0 + 3000).toISOString() }]);
  });

  it('names every branch state of a Parallel state that runs, and the Parallel state itself', () => {
    // Prepare
    const history = newestFirst(
      ['ExecutionStarted'],
      ['ParallelStateEntered', entered('Both')],
      ['ParallelStateStarted'],
      ['TaskStateEntered', entered('Left')],
      ['TaskStateEntered', entered('Right')],
      ['TaskStateExited', exited('Left')],
    );

    // Act
    const { states } = runningStates(history);

    // Assess
    expect(states.map((s) => s.name)).toEqual(['Right', 'Both']);
  });

  it('counts a Map state items done out of its total, and leaves out the states inside its iterations', () => {
    // Prepare
    const history = newestFirst(
      ['ExecutionStarted'],
      ['TaskStateEntered', entered('Split')],
      ['TaskStateExited', exited('Split')],
      ['MapStateEntered', entered('CountEach')],
      ['MapStateStarted', { mapStateStartedEventDetails: { length: 4 } }],
      ['MapIterationStarted', iteration('CountEach', 0)],
      ['TaskStateEntered', entered('Count')],
      ['TaskStateExited', exited('Count')],
      ['MapIterationSucceeded', iterationDone('CountEach', 0)],
      ['MapIterationStarted', iteration('CountEach', 1)],
      ['TaskStateEntered', entered('Count')],
    );

    // Act
    const { states } = runningStates(history);

    // Assess
    expect(states).toEqual([
      { name: 'CountEach', since: new Date(T0 + 3000).toISOString(), items: { done: 1, total: 4 } },
    ]);
  });

  it('still reports a Map state whose entry is older than the events read, with its total unknown', () => {
    // Prepare: only the newest iterations are in the slice.
    const history = newestFirst(
      ['MapIterationSucceeded', iterationDone('CountEach', 7)],
      ['MapIterationStarted', iteration('CountEach', 8)],
      ['TaskStateEntered', entered('Count')],
      ['TaskStateExited', exited('Count')],
      ['MapIterationSucceeded', iterationDone('CountEach', 8)],
    );

    // Act
    const { states } = runningStates(history);

    // Assess
    expect(states).toEqual([{ name: 'CountEach', since: null, items: { done: 2, total: null } }]);
  });

  it('reports nothing once the Map state has exited and the next state ends the slice', () => {
    // Prepare
    const history = newestFirst(
      ['MapStateEntered', entered('CountEach')],
      ['MapStateStarted', { mapStateStartedEventDetails: { length: 1 } }],
      ['MapIterationStarted', iteration('CountEach', 0)],
      ['MapIterationSucceeded', iterationDone('CountEach', 0)],
      ['MapStateSucceeded'],
      ['MapStateExited', exited('CountEach')],
      ['TaskStateEntered', entered('Sum')],
    );

    // Act
    const { states } = runningStates(history);

    // Assess
    expect(states.map((s) => s.name)).toEqual(['Sum']);
  });
});

describe('readProgress', () => {
  it('reads newest first without execution data, and stops at its budget of calls', async () => {
    // Prepare: an endless history; every page has a next one.
    const page = newestFirst(['TaskStateEntered', entered('Count')]);
    sfn.on(GetExecutionHistoryCommand).resolves({ events: page, nextToken: 'more' });

    // Act
    const progress = await readProgress(new SFNClient({ region: 'eu-west-1' }), EXECUTION_ARN);

    // Assess
    const inputs = sfn.commandCalls(GetExecutionHistoryCommand).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(PROGRESS_HISTORY_BUDGET.calls);
    expect(inputs[0]).toEqual({
      executionArn: EXECUTION_ARN,
      reverseOrder: true,
      includeExecutionData: false,
      maxResults: PROGRESS_HISTORY_BUDGET.eventsPerCall,
    });
    expect(inputs[1]!.nextToken).toBe('more');
    expect(progress).toMatchObject({ complete: false, historyCalls: PROGRESS_HISTORY_BUDGET.calls });
  });

  it('stops after one call when the page reaches the execution start', async () => {
    // Prepare
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: newestFirst(['ExecutionStarted'], ['TaskStateEntered', entered('Boil')]),
      nextToken: 'more',
    });

    // Act
    const progress = await readProgress(new SFNClient({ region: 'eu-west-1' }), EXECUTION_ARN);

    // Assess
    expect(progress).toMatchObject({ complete: true, historyCalls: 1, states: [{ name: 'Boil' }] });
  });
});

describe('describe-execution with progress', () => {
  const handler = (logger = { error: jest.fn(), warn: jest.fn() }) =>
    createHandler({
      client: new SFNClient({ region: 'eu-west-1' }),
      stateMachineArns: [STATE_MACHINE_ARN],
      now: () => new Date(T0 + 10_000),
      logger,
    });

  it('adds the running states of a RUNNING execution', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', startDate: new Date(T0) });
    sfn.on(GetExecutionHistoryCommand).resolves({
      events: newestFirst(['ExecutionStarted'], ['TaskStateEntered', entered('Boil')]),
    });

    // Act
    const response = await handler()(httpEvent(arnBody(EXECUTION_ARN)));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).progress).toEqual({
      states: [{ name: 'Boil', since: new Date(T0 + 1000).toISOString() }],
      complete: true,
      historyCalls: 1,
    });
  });

  it('reads no history for an execution that has ended', async () => {
    // Prepare
    sfn.on(DescribeExecutionCommand).resolves({ status: 'SUCCEEDED', startDate: new Date(T0), stopDate: new Date(T0) });

    // Act
    const response = await handler()(httpEvent(arnBody(EXECUTION_ARN)));

    // Assess
    expect(JSON.parse(response.body).progress).toBeNull();
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(0);
  });

  it('still answers the status, with progress null, when the history read is throttled', async () => {
    // Prepare
    const logger = { error: jest.fn(), warn: jest.fn() };
    sfn.on(DescribeExecutionCommand).resolves({ status: 'RUNNING', startDate: new Date(T0) });
    sfn
      .on(GetExecutionHistoryCommand)
      .rejects(
        new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', message: 'Rate', $metadata: {} }),
      );

    // Act
    const response = await handler(logger)(httpEvent(arnBody(EXECUTION_ARN)));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ status: 'RUNNING', progress: null });
    expect(response.headers['retry-after']).toBeDefined();
    expect(logger.warn).toHaveBeenCalledTimes(1);
  });
});
