import { type ApiClient, ApiError } from '../../client/api';
import {
  executionArnFor,
  executionNameProblem,
  executionStartOnClock,
  isExecutionArn,
  observeExecution,
  startOrAttach,
} from '../../client/execution';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:async-api-dev-ramen-timer';
const alreadyExists = (message = 'Execution Already Exists'): ApiError =>
  new ApiError(message, { status: 400, code: 'ExecutionAlreadyExists' });

describe('execution ARNs and names', () => {
  it('derives an execution ARN from the state machine ARN and a name', () => {
    expect(executionArnFor(MACHINE, 'nightly-42')).toBe(
      'arn:aws:states:us-east-1:123456789012:execution:async-api-dev-ramen-timer:nightly-42',
    );
  });

  it('rejects something that is not a state machine ARN', () => {
    expect(() => executionArnFor('arn:aws:lambda:us-east-1:123456789012:function:f', 'x')).toThrow(
      /stateMachineArn must look like/,
    );
  });

  it.each([
    ['arn:aws:states:us-east-1:123456789012:execution:machine:run-1', true],
    ['arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:machine:run-1', true],
    ['arn:aws:states:us-east-1:123456789012:stateMachine:machine', false],
    ['arn:aws:states:us-east-1:1234:execution:machine:run-1', false],
    ['run-1', false],
  ])('isExecutionArn(%s) is %p', (arn, expected) => {
    expect(isExecutionArn(arn)).toBe(expected);
  });

  it.each([
    ['nightly-42', undefined],
    ['a'.repeat(81), /1-80 characters/],
    // Characters are code points: 80 astral characters are 160 UTF-16 units and still fit.
    ['𝒜'.repeat(80), undefined],
    ['𝒜'.repeat(81), /1-80 characters; got 81/],
    ['has space', /must not contain " "/],
    ['semi;colon', /must not contain ";"/],
  ])('executionNameProblem(%s)', (name, problem) => {
    const result = executionNameProblem(name);
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toMatch(problem);
  });
});

describe('startOrAttach', () => {
  it('starts and reports a new execution under the given name', async () => {
    // Prepare
    const start = jest.fn(async () => ({ executionArn: 'arn:new', startDate: 1 }));

    // Act
    const result = await startOrAttach(start, { input: { seconds: 1 }, name: 'n' });

    // Assess
    expect(result).toEqual({ executionArn: 'arn:new', name: 'n', nameGenerated: false, attached: false, startDate: 1 });
    expect(start).toHaveBeenCalledWith({ input: { seconds: 1 }, name: 'n' });
  });

  it('always sends a name: a random UUID when none is given', async () => {
    // Prepare
    const start = jest.fn(async (_request: { input: unknown; name: string }) => ({
      executionArn: 'arn:new',
      startDate: 1,
    }));

    // Act
    const first = await startOrAttach(start, { input: {} });
    const second = await startOrAttach(start, { input: {} });

    // Assess
    expect(first.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.name).not.toBe(first.name);
    expect(start.mock.calls.map(([request]) => request)).toEqual([
      { input: {}, name: first.name },
      { input: {}, name: second.name },
    ]);
    expect(first.nameGenerated).toBe(true);
  });

  it('attaches to the existing execution of that name via the state machine ARN', async () => {
    // Prepare
    const start = async (): Promise<never> => {
      throw alreadyExists();
    };

    // Act
    const result = await startOrAttach(start, { input: {}, name: 'nightly-42', stateMachineArn: MACHINE });

    // Assess
    expect(result).toEqual({
      executionArn: executionArnFor(MACHINE, 'nightly-42'),
      name: 'nightly-42',
      nameGenerated: false,
      attached: true,
    });
  });

  it('attaches with a generated name too (a retried start whose first attempt created the execution)', async () => {
    // Prepare
    const start = async (): Promise<never> => {
      throw alreadyExists();
    };

    // Act
    const result = await startOrAttach(start, { input: {}, stateMachineArn: MACHINE, newName: () => 'generated-1' });

    // Assess
    expect(result).toMatchObject({
      executionArn: executionArnFor(MACHINE, 'generated-1'),
      nameGenerated: true,
      attached: true,
    });
  });

  it('falls back to the ARN quoted in the error message, only when it names this execution', async () => {
    // Prepare
    const quoted = 'arn:aws:states:us-east-1:123456789012:execution:m:nightly-42';
    const start = async (): Promise<never> => {
      throw alreadyExists(`Execution Already Exists: '${quoted}'`);
    };

    // Act
    const result = await startOrAttach(start, { input: {}, name: 'nightly-42' });
    const other = startOrAttach(start, { input: {}, name: 'nightly-43' });

    // Assess
    expect(result.executionArn).toBe(quoted);
    await expect(other).rejects.toThrow(/to attach to execution nightly-43, give the state machine ARN/);
  });

  it('explains what is missing when the ARN cannot be derived', async () => {
    // Prepare
    const start = async (): Promise<never> => {
      throw alreadyExists();
    };

    // Act
    const attempt = startOrAttach(start, { input: {}, name: 'nightly-42' });

    // Assess
    await expect(attempt).rejects.toThrow(/--state-machine-arn, or an outputs file with state_machine_arn/);
  });

  it('does not attach for other errors', async () => {
    // Prepare
    const forbidden = async (): Promise<never> => {
      throw new ApiError('Forbidden', { status: 403 });
    };
    const limit = async (): Promise<never> => {
      throw new ApiError('Execution limit exceeded', { status: 400, code: 'ExecutionLimitExceeded' });
    };

    // Act / Assess
    await expect(startOrAttach(forbidden, { input: {}, name: 'n', stateMachineArn: MACHINE })).rejects.toThrow(
      'Forbidden',
    );
    await expect(startOrAttach(limit, { input: {}, name: 'n', stateMachineArn: MACHINE })).rejects.toThrow(
      'Execution limit exceeded',
    );
  });
});

describe('executionStartOnClock', () => {
  // The poll clock reads 5_000 when the answer arrives; the wall clock then reads 1_700_000_010_000.
  const ARRIVED = 5_000;
  const WALL = 1_700_000_010_000;

  it('moves startDate onto the poll clock', () => {
    // Act: started 300 ms before the answer arrived; the request was sent 1 s before it arrived
    const startedAt = executionStartOnClock((WALL - 300) / 1000, ARRIVED - 1_000, ARRIVED, WALL);

    // Assess
    expect(startedAt).toBeCloseTo(ARRIVED - 300, 3);
  });

  it('keeps a skewed startDate inside the window between sending and the answer', () => {
    // Act: the server clock is a minute behind, then a minute ahead
    const behind = executionStartOnClock((WALL - 60_000) / 1000, ARRIVED - 200, ARRIVED, WALL);
    const ahead = executionStartOnClock((WALL + 60_000) / 1000, ARRIVED - 200, ARRIVED, WALL);

    // Assess
    expect(behind).toBe(ARRIVED - 200);
    expect(ahead).toBe(ARRIVED);
  });

  it('uses the arrival when the start response had no usable startDate', () => {
    expect(executionStartOnClock(undefined, 0, ARRIVED, WALL)).toBe(ARRIVED);
    expect(executionStartOnClock(Number.NaN, 0, ARRIVED, WALL)).toBe(ARRIVED);
  });
});

describe('observeExecution', () => {
  it("reports the execution's age from its startDate on the wall clock", async () => {
    // Prepare
    const description = {
      executionArn: 'arn:x',
      name: 'x',
      status: 'RUNNING',
      startDate: '2024-11-24T20:26:40.000Z',
      stopDate: null,
      input: {},
      output: null,
      error: null,
      cause: null,
    };
    const client = {
      describeExecution: jest.fn(async () => ({ description, retryAfterMs: 2_000 })),
    } as unknown as ApiClient;
    const noStart = {
      describeExecution: async () => ({ description: { ...description, startDate: null } }),
    } as unknown as ApiClient;

    // Act
    const observation = await observeExecution(client, 'arn:x', () => Date.parse('2024-11-24T20:27:10.000Z'))(
      new AbortController().signal,
    );
    const unknown = await observeExecution(noStart, 'arn:x', () => 0)(new AbortController().signal);

    // Assess
    expect(observation).toMatchObject({ kind: 'status', status: 'RUNNING', retryAfterMs: 2_000, ageMs: 30_000 });
    expect(unknown).toMatchObject({ kind: 'status', ageMs: undefined });
  });

  it('asks again when a 200 carries no status, instead of guessing one', async () => {
    const description = {
      executionArn: 'arn:x',
      name: 'x',
      status: null,
      startDate: null,
      stopDate: null,
      input: null,
      output: null,
      error: null,
      cause: null,
    };
    const client = { describeExecution: async () => ({ description, retryAfterMs: 1_000 }) } as unknown as ApiClient;

    const observation = await observeExecution(client, 'arn:x')(new AbortController().signal);

    expect(observation).toEqual({
      kind: 'retryable',
      message: 'describe-execution answered without a status',
      retryAfterMs: 1_000,
    });
  });
});
