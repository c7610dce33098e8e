import { RamenTimerErrors } from '../../lambda-src/ramen-timer/errors';
import { renderJobAsl } from '../../stacks/job';
import { JOBS } from '../../stacks/jobs';
import type { Definition } from '../stacks/asl-helpers';

// The ramen timer's own tests: what its registry entry and ASL promise beyond the generic checks.
const job = JOBS.find((j) => j.name === 'ramen-timer')!;
const FN = 'arn:aws:lambda:us-east-1:123456789012:function:async-api-dev-ramen-timer';

describe('the ramen timer job', () => {
  const definition = renderJobAsl(job, () => FN) as Definition;
  const states = Object.entries(definition.States);

  it('gives the task 30 s more than the function, and the execution room for every retry, computed by hand', () => {
    const task = job.functions[0]!.timeoutSeconds + 30;
    // 1 + 6 + 6 attempts of the task; waits 2..64 (126 s) and 2..16 then 30, 30 (90 s); 60 s of slack.
    const byHand = 13 * task + 126 + 90 + 60;

    expect(definition.States['Boil ramen']!.TimeoutSeconds).toBe(task);
    expect(definition.TimeoutSeconds).toBe(byHand);
  });

  it('gives every Task the recommended Lambda retry, a separate throttling retry, and a catch-all', () => {
    for (const [, state] of states.filter(([, s]) => s.Type === 'Task')) {
      const retried = state.Retry!.map((r) => r.ErrorEquals);
      expect(retried).toEqual([
        [
          'Lambda.ClientExecutionTimeoutException',
          'Lambda.ServiceException',
          'Lambda.AWSLambdaException',
          'Lambda.SdkClientException',
        ],
        ['Lambda.TooManyRequestsException'],
      ]);
      expect(state.Catch!.map((c) => c.ErrorEquals)).toEqual([['States.ALL']]);
    }
  });

  it("never retries the worker's own errors: bad input fails the same way every time", () => {
    const retried = states.flatMap(([, s]) => (s.Retry ?? []).flatMap((r) => r.ErrorEquals));

    for (const name of Object.values(RamenTimerErrors)) expect(retried).not.toContain(name);
  });

  it('ends failures in a Fail state that carries the caught error and cause', () => {
    const fail = definition.States[definition.States['Boil ramen']!.Catch![0]!.Next]!;

    expect(fail).toMatchObject({ Type: 'Fail', ErrorPath: '$.Error', CausePath: '$.Cause' });
  });

  it('invokes the worker through the optimized Lambda integration', () => {
    expect(definition.States['Boil ramen']).toMatchObject({
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: FN, 'Payload.$': '$' },
      OutputPath: '$.Payload',
    });
  });

  it('keeps its default wait with the job, where the handler reads it', () => {
    expect(job.functions[0]!.environment).toEqual({ RAMEN_TIMER_SECONDS: '30' });
  });
});
