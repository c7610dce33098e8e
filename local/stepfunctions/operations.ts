/**
 * The Step Functions operations on definitions that are not part of the stack, as LocalStack and
 * AWS's Step Functions Local offer them: CreateStateMachine, DeleteStateMachine,
 * ValidateStateMachineDefinition, TestState; and the callback operations SendTaskSuccess, SendTaskFailure and
 * SendTaskHeartbeat. A definition is checked by the same function as the stack's
 * (stacks/validation/definition.ts) and refused with AWS's `InvalidDefinition`, naming the state and field.
 */

import { type Diagnostic, validateDefinition } from '../../stacks/validation/definition';
import type { IamAuthorizer } from '../iam/authorizer';
import type { StateMachineModel } from '../terraform/model';
import type { TaskTokens } from './callbacks';
import type { ExecutionEngine } from './engine';
import { SfnError } from './errors';
import type { Caller, ServedStateMachine } from './service';
import { errorAndCause, optionalString, requiredString, validateStateMachineArn } from './validation';

type Request = Readonly<Record<string, unknown>>;

/** What the operations need from the runtime. */
export interface DefinitionOperationsOptions {
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly iam: IamAuthorizer;
  readonly tokens: TaskTokens;
  /** Builds the engine of a created state machine. @throws for a definition the runtime cannot run. */
  readonly createEngine: (stateMachine: StateMachineModel) => ExecutionEngine;
  /** The service's state machines: created ones are added to and deleted from it. */
  readonly machines: {
    get(arn: string): ServedStateMachine | undefined;
    add(served: ServedStateMachine): void;
    delete(arn: string): void;
  };
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** CreateStateMachine, DeleteStateMachine, ValidateStateMachineDefinition, SendTask*. */
export class DefinitionOperations {
  /** State machines created through the API (the stack's cannot be deleted). */
  private readonly created = new Set<string>();

  constructor(private readonly options: DefinitionOperationsOptions) {}

  /** Runs one of these operations; undefined when the operation is not one of them. */
  call(operation: string, caller: Caller, request: Request): Promise<unknown> | undefined {
    const run = this.handlers[operation];
    return run ? (async () => run(caller, request))() : undefined;
  }

  private readonly handlers: Readonly<
    Record<string, (caller: Caller, request: Request) => Promise<unknown> | unknown>
  > = {
    CreateStateMachine: (caller, request) => this.create(caller, request),
    DeleteStateMachine: (caller, request) => this.delete(caller, request),
    ValidateStateMachineDefinition: (_caller, request) => validateRequest(request),
    TestState: (caller, request) => this.testState(caller, request),
    SendTaskSuccess: (_caller, request) => {
      this.options.tokens.succeed(request['taskToken'], request['output']);
      return {};
    },
    SendTaskFailure: (_caller, request) => {
      const { error, cause } = errorAndCause(request);
      this.options.tokens.fail(request['taskToken'], error, cause);
      return {};
    },
    SendTaskHeartbeat: (_caller, request) => {
      this.options.tokens.heartbeat(request['taskToken']);
      return {};
    },
  };

  private async create(caller: Caller, request: Request): Promise<Record<string, unknown>> {
    const { region, accountId, partition } = this.options;
    const name = requiredString(request, 'name');
    if (!NAME.test(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
    const arn = `arn:${partition}:states:${region}:${accountId}:stateMachine:${name}`;
    await this.authorize(caller, 'states:CreateStateMachine', arn);
    const roleArn = requiredString(request, 'roleArn');
    if (!ROLE_ARN.test(roleArn))
      throw new SfnError('InvalidArn', `Invalid Arn: 'Invalid Arn resource format: ${roleArn}'`);
    const type = request['type'] ?? 'STANDARD';
    if (type !== 'STANDARD') {
      throw new SfnError('ValidationException', 'The local runtime runs STANDARD state machines only');
    }
    const definitionText = requiredString(request, 'definition');
    const definition = parseDefinition(definitionText);
    const problems = validateDefinition(definition);
    if (problems.length > 0) throw invalidDefinition(problems);
    if (this.options.machines.get(arn)) {
      throw new SfnError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const stateMachine: StateMachineModel = {
      address: `CreateStateMachine ${name}`,
      name,
      arn,
      roleArn,
      type: 'STANDARD',
      definition: definition as Record<string, unknown>,
      definitionText,
      tracingEnabled: false,
      tags: {},
    };
    let engine: ExecutionEngine;
    try {
      engine = this.options.createEngine(stateMachine);
    } catch (err) {
      throw new SfnError('InvalidDefinition', `Invalid State Machine Definition: '${(err as Error).message}'`);
    }
    this.options.machines.add({ stateMachine, engine });
    this.created.add(arn);
    return { stateMachineArn: arn, creationDate: Date.now() / 1000 };
  }

  // TestState: one state (or `stateName` of a whole definition), run once on `input` with `variables`.
  private async testState(caller: Caller, request: Request): Promise<Record<string, unknown>> {
    const { region, accountId, partition } = this.options;
    const arn = `arn:${partition}:states:${region}:${accountId}:stateMachine:TestState`;
    await this.authorize(caller, 'states:TestState', arn);
    const parsed = parseDefinition(requiredString(request, 'definition')) as Record<string, unknown>;
    const whole = parsed !== null && typeof parsed === 'object' && 'States' in parsed;
    const stateName = whole ? String(request['stateName'] ?? parsed['StartAt']) : 'TestState';
    const definition = whole ? parsed : withTargets(stateName, parsed);
    const states = definition['States'];
    if (whole && (states === null || typeof states !== 'object' || !Object.hasOwn(states, stateName))) {
      throw new SfnError('ValidationException', `stateName '${stateName}' names no top-level state of the definition`);
    }
    const input = parseJsonMember(request, 'input', {});
    const variables = parseJsonMember(request, 'variables', {});
    if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) {
      throw new SfnError('ValidationException', 'variables must be a JSON object');
    }
    const roleArn =
      typeof request['roleArn'] === 'string' ? request['roleArn'] : `arn:${partition}:iam::${accountId}:role/TestState`;
    let engine: ExecutionEngine;
    try {
      engine = this.options.createEngine({
        ...{ address: 'TestState', name: 'TestState', arn, roleArn, type: 'STANDARD', tracingEnabled: false, tags: {} },
        definition,
        definitionText: JSON.stringify(definition),
      });
    } catch (err) {
      throw new SfnError('InvalidDefinition', `Invalid State Machine Definition: '${(err as Error).message}'`);
    }
    const { variables: after, ...result } = await engine.testState(
      stateName,
      input,
      variables as Record<string, unknown>,
    );
    const debug = request['inspectionLevel'] === 'DEBUG' || request['inspectionLevel'] === 'TRACE';
    return {
      ...result,
      ...(debug ? { inspectionData: { input: JSON.stringify(input), variables: JSON.stringify(after) } } : {}),
    };
  }

  private async delete(caller: Caller, request: Request): Promise<Record<string, never>> {
    const arn = validateStateMachineArn(requiredString(request, 'stateMachineArn'));
    await this.authorize(caller, 'states:DeleteStateMachine', arn);
    if (this.options.machines.get(arn) && !this.created.has(arn)) {
      throw new SfnError(
        'ValidationException',
        'State machines of the stack are deleted with the stack, not through the API',
      );
    }
    // AWS answers a delete of an unknown state machine with success too.
    this.options.machines.delete(arn);
    this.created.delete(arn);
    return {};
  }

  private async authorize(caller: Caller, action: string, resource: string): Promise<void> {
    if (caller.kind === 'developer') return;
    const decision = await this.options.iam.authorizeRole(caller.roleArn, action, resource);
    if (!decision.allowed) throw new SfnError('AccessDeniedException', decision.message);
  }
}

function validateRequest(request: Request): Record<string, unknown> {
  let diagnostics: Diagnostic[];
  try {
    diagnostics = validateDefinition(parseDefinition(requiredString(request, 'definition')));
  } catch (err) {
    diagnostics = [
      { severity: 'ERROR', code: 'INVALID_JSON_DESCRIPTION', message: (err as Error).message, location: '/' },
    ];
  }
  return { result: diagnostics.length === 0 ? 'OK' : 'FAIL', diagnostics, truncated: false };
}

function parseDefinition(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new SfnError(
      'InvalidDefinition',
      `Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ${(err as Error).message}'`,
    );
  }
}

function invalidDefinition(problems: readonly Diagnostic[]): SfnError {
  const text = problems.map((p) => `${p.code}: ${p.message} at ${p.location}`).join(', ');
  return new SfnError('InvalidDefinition', `Invalid State Machine Definition: '${text}'`);
}

// A lone state as a definition the checks accept: each state it may go to stands in as a Succeed state.
function withTargets(name: string, state: Record<string, unknown>): Record<string, unknown> {
  const targets = [
    state['Next'],
    state['Default'],
    ...((state['Choices'] as { Next?: unknown }[] | undefined) ?? []).map((c) => c.Next),
    ...((state['Catch'] as { Next?: unknown }[] | undefined) ?? []).map((c) => c.Next),
  ].filter((t): t is string => typeof t === 'string' && t !== name);
  const stubs = Object.fromEntries(targets.map((t) => [t, { Type: 'Succeed' }]));
  return { StartAt: name, States: { ...stubs, [name]: state } };
}

function parseJsonMember(request: Request, member: string, fallback: unknown): unknown {
  const value = optionalString(request, member);
  if (value === undefined) return fallback;
  try {
    return JSON.parse(value);
  } catch (err) {
    throw new SfnError('ValidationException', `${member} is not valid JSON: ${(err as Error).message}`);
  }
}
