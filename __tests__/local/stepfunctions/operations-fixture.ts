/**
 * The service of service-fixture.ts with the definition operations wired as runtime.ts wires them
 * (CreateStateMachine, TestState, SendTask*), for operations.test.ts and callbacks.test.ts.
 */
import { TaskTokens } from '../../../local/stepfunctions/callbacks';
import { ExecutionEngine } from '../../../local/stepfunctions/engine';
import { DefinitionOperations } from '../../../local/stepfunctions/operations';
import type { StepFunctionsService } from '../../../local/stepfunctions/service';
import { ACCOUNT, DEV, ok, setup } from './service-fixture';

/** The fixture's state machine role. */
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/sm-role`;

// The service of the fixture, with the definition operations wired as runtime.ts wires them.
export async function withOperations(dirs: string[], payloads: unknown[] = []) {
  const tokens = new TaskTokens();
  const fixture = await setup(
    (request) => {
      payloads.push(request.payload);
      return ok({ sent: true });
    },
    { taskTokens: tokens },
  );
  dirs.push(fixture.dir);
  const service: StepFunctionsService = fixture.service;
  const ops = new DefinitionOperations({
    region: 'us-east-1',
    accountId: ACCOUNT,
    partition: 'aws',
    iam: fixture.iam,
    tokens,
    createEngine: (stateMachine) =>
      new ExecutionEngine({
        stateMachine,
        lambda: fixture.lambda,
        iam: fixture.iam,
        region: 'us-east-1',
        accountId: ACCOUNT,
        partition: 'aws',
        taskTokens: tokens,
      }),
    machines: {
      get: (arn) => service.machines.get(arn),
      add: (served) => void service.machines.set(served.stateMachine.arn, served),
      delete: (arn) => void service.machines.delete(arn),
    },
  });
  const call = (operation: string, request: Record<string, unknown>) =>
    ops.call(operation, DEV, request) as Promise<Record<string, unknown>>;
  return { service, call, lambda: fixture.lambda };
}

/** A CreateStateMachine request. */
export const create = (name: string, definition: unknown) => ({
  name,
  roleArn: ROLE,
  definition: JSON.stringify(definition),
});
