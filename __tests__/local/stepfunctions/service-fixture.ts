/**
 * A Step Functions service with a real engine and store over a scripted Lambda service, for the
 * service's tests (service.test.ts, redrive.test.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IamAuthorizer } from '../../../local/iam/authorizer';
import type { InvokeRequest, InvokeResult, LambdaService } from '../../../local/lambda/types';
import type { TaskTokens } from '../../../local/stepfunctions/callbacks';
import { ExecutionEngine } from '../../../local/stepfunctions/engine';
import { type Caller, StepFunctionsService } from '../../../local/stepfunctions/service';
import { ExecutionStore } from '../../../local/stepfunctions/store';
import type { RoleModel, StackModel, StateMachineModel } from '../../../local/terraform/model';

export const ACCOUNT = '123456789012';
export const FN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:worker`;
export const MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:machine`;
export const DEV: Caller = { kind: 'developer' };

/** The shape of the project's ASL: lambda:invoke, a throttling retrier, catch-all into a Fail state with paths. */
export const DEFINITION = {
  StartAt: 'Work',
  States: {
    Work: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: FN, 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Retry: [
        { ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 0.01, MaxAttempts: 2, BackoffRate: 1 },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$', Next: 'Failed' }],
      End: true,
    },
    Failed: { Type: 'Fail', ErrorPath: '$.Error', CausePath: '$.Cause' },
  },
};

// Invocations that never answer on their own; released after the tests so no task timer stays armed.
let releaseHung!: () => void;
/** Rejects every hung invocation; call once when the tests end. */
export const releaseHungInvocations = (): void => releaseHung();
const hungUntilTeardown = new Promise<never>((_resolve, reject) => (releaseHung = () => reject(new Error('teardown'))));
hungUntilTeardown.catch(() => undefined);
export const hang = (): Promise<InvokeResult> => hungUntilTeardown;

export type Behaviour = (request: InvokeRequest, call: number) => Promise<InvokeResult> | InvokeResult;

/** A scripted Lambda service: the engine's only dependency on the real one is this contract. */
export function fakeLambda(behaviour: Behaviour): LambdaService & { calls: InvokeRequest[] } {
  const calls: InvokeRequest[] = [];
  return {
    calls,
    invoke: async (request) => {
      calls.push(request);
      return behaviour(request, calls.length);
    },
    close: async () => undefined,
  };
}

export function ok(payload: unknown): InvokeResult {
  return { statusCode: 200, executedVersion: '$LATEST', payload, requestId: 'req-1', durationMs: 1, coldStart: false };
}

export function role(statements: unknown[]): RoleModel {
  return {
    address: 'aws_iam_role.sm',
    name: 'sm-role',
    arn: `arn:aws:iam::${ACCOUNT}:role/sm-role`,
    trustPolicy: { Statement: [] },
    policies: [
      { name: 'sm', source: 'aws_iam_role_policy.sm', document: { Version: '2012-10-17', Statement: statements } },
    ],
  };
}

export const INVOKE = [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [FN, `${FN}:*`] }];

export async function setup(
  behaviour: Behaviour,
  options: { statements?: unknown[]; definition?: object; dir?: string; taskTokens?: TaskTokens } = {},
) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sfn-service-'));
  const smRole = role(options.statements ?? INVOKE);
  const stateMachine: StateMachineModel = {
    address: 'aws_sfn_state_machine.sm',
    name: 'machine',
    arn: MACHINE,
    roleArn: smRole.arn,
    type: 'STANDARD',
    definition: structuredClone(options.definition ?? DEFINITION) as Record<string, unknown>,
    definitionText: JSON.stringify(options.definition ?? DEFINITION),
    tracingEnabled: false,
    tags: { project: 'async-api', team: 'noodles' },
  };
  const model = {
    region: 'us-east-1',
    accountId: ACCOUNT,
    partition: 'aws',
    roles: [smRole],
    lambdaPermissions: [],
  } as unknown as StackModel;
  const logs: string[] = [];
  const iam = await IamAuthorizer.create(model, (l) => logs.push(l));
  const lambda = fakeLambda(behaviour);
  const engine = new ExecutionEngine({
    stateMachine,
    lambda,
    iam,
    region: 'us-east-1',
    accountId: ACCOUNT,
    partition: 'aws',
    ...(options.taskTokens ? { taskTokens: options.taskTokens } : {}),
    // `states:startExecution` tasks call this service, as the runtime wires it (defined below, called later).
    startExecution: (caller, request) => service.startExecution(caller, request),
  });
  const { store, aborted } = ExecutionStore.open(dir, {
    error: 'Restarted',
    cause: 'the runtime restarted',
    now: Date.now(),
  });
  const service: StepFunctionsService = new StepFunctionsService({
    machines: [{ stateMachine, engine }],
    store,
    iam,
    createdAt: 0,
  });
  return { dir, service, store, lambda, logs, aborted, iam };
}

export async function untilClosed(
  service: StepFunctionsService,
  executionArn: string,
): Promise<Record<string, unknown>> {
  for (let i = 0; i < 500; i++) {
    const d = await service.describeExecution(DEV, { executionArn });
    if (d['status'] !== 'RUNNING') return d;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('still running');
}
