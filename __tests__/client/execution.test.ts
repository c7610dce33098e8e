import { ApiError } from '../../client/api';
import { executionArnFor, executionNameProblem, isExecutionArn, startOrAttach } from '../../client/execution';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:async-api-dev-ramen-timer';
const alreadyExists = (message = 'Execution Already Exists'): ApiError =>
  new ApiError(message, { status: 400, code: 'ExecutionAlreadyExists' });

describe('execution ARNs and names', () => {
  it('derives an execution ARN from the state machine ARN and a name', () => {
    expect(executionArnFor(MACHINE, 'nightly-42')).toBe('arn:aws:states:us-east-1:123456789012:execution:async-api-dev-ramen-timer:nightly-42');
  });

  it('rejects something that is not a state machine ARN', () => {
    expect(() => executionArnFor('arn:aws:lambda:us-east-1:123456789012:function:f', 'x')).toThrow(/stateMachineArn must look like/);
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
    ['has space', /must not contain " "/],
    ['semi;colon', /must not contain ";"/],
  ])('executionNameProblem(%s)', (name, problem) => {
    const result = executionNameProblem(name);
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toMatch(problem);
  });
});

describe('startOrAttach', () => {
  it('starts and reports a new execution', async () => {
    // Prepare
    const start = jest.fn(async () => ({ executionArn: 'arn:new', startDate: 1 }));

    // Act
    const result = await startOrAttach(start, { input: { seconds: 1 }, name: 'n' });

    // Assess
    expect(result).toEqual({ executionArn: 'arn:new', attached: false, startDate: 1 });
    expect(start).toHaveBeenCalledWith({ input: { seconds: 1 }, name: 'n' });
  });

  it('attaches to the existing execution of that name via the state machine ARN', async () => {
    // Prepare
    const start = async (): Promise<never> => {
      throw alreadyExists();
    };

    // Act
    const result = await startOrAttach(start, { input: {}, name: 'nightly-42', stateMachineArn: MACHINE });

    // Assess
    expect(result).toEqual({ executionArn: executionArnFor(MACHINE, 'nightly-42'), attached: true });
  });

  it('falls back to the ARN quoted in the error message', async () => {
    // Prepare
    const quoted = 'arn:aws:states:us-east-1:123456789012:execution:m:nightly-42';
    const start = async (): Promise<never> => {
      throw alreadyExists(`Execution Already Exists: '${quoted}'`);
    };

    // Act
    const result = await startOrAttach(start, { input: {}, name: 'nightly-42' });

    // Assess
    expect(result.executionArn).toBe(quoted);
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

  it('does not attach without a name, nor for other errors', async () => {
    // Prepare
    const exists = async (): Promise<never> => {
      throw alreadyExists();
    };
    const forbidden = async (): Promise<never> => {
      throw new ApiError('Forbidden', { status: 403 });
    };

    // Act / Assess
    await expect(startOrAttach(exists, { input: {}, stateMachineArn: MACHINE })).rejects.toThrow('Execution Already Exists');
    await expect(startOrAttach(forbidden, { input: {}, name: 'n', stateMachineArn: MACHINE })).rejects.toThrow('Forbidden');
  });
});
