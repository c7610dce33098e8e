import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { AsyncJobApi } from '../../stacks/constructs/async-job-api';
import { type JobDefinition, JobDefinitionError, type JobFunction, validateJobs } from '../../stacks/job';
import { Naming } from '../../stacks/naming';
import { tempBuildDir } from './helpers';

// Every bad registry entry fails synth with one line naming the job and the field.
const dir = mkdtempSync(join(tmpdir(), 'async-api-job-validation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ASL = join(dir, 'work.asl.json');
writeFileSync(
  ASL,
  JSON.stringify({
    StartAt: 'Work',
    TimeoutSeconds: '${ExecutionTimeoutSeconds}',
    States: {
      Work: {
        Type: 'Task',
        Resource: 'arn:${Partition}:states:::lambda:invoke',
        Parameters: { FunctionName: '${WorkFunctionArn}', 'Payload.$': '$', Greeting: '${Greeting}' },
        TimeoutSeconds: '${WorkTaskTimeoutSeconds}',
        End: true,
      },
    },
  }),
);
const ASL_W2 = join(dir, 'w2.asl.json');
writeFileSync(
  ASL_W2,
  JSON.stringify({
    StartAt: 'W',
    TimeoutSeconds: '${ExecutionTimeoutSeconds}',
    States: { W: { Type: 'Task', Resource: '${W2FunctionArn}', TimeoutSeconds: 10, End: true } },
  }),
);
/** A one-Task ASL invoking the function `fnName`. */
function aslFor(fnName: string): string {
  const path = join(dir, `${fnName}.asl.json`);
  const pascal = fnName
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
  writeFileSync(
    path,
    JSON.stringify({
      StartAt: 'W',
      TimeoutSeconds: '${ExecutionTimeoutSeconds}',
      States: { W: { Type: 'Task', Resource: `\${${pascal}FunctionArn}`, TimeoutSeconds: 10, End: true } },
    }),
  );
  return path;
}
const ENTRY = join(dir, 'index.ts');
writeFileSync(ENTRY, 'export const handler = async () => ({});\n');

const fn = (overrides: Partial<JobFunction> = {}): JobFunction => ({
  name: 'work',
  description: 'test',
  entry: ENTRY,
  timeoutSeconds: 60,
  memorySizeMb: 128,
  ...overrides,
});
const job = (overrides: Partial<JobDefinition> = {}): JobDefinition => ({
  name: 'demo',
  description: 'test',
  definitionFile: ASL,
  functions: [fn()],
  substitutions: { Greeting: 'hi' },
  exampleInput: {},
  ...overrides,
});
const naming = new Naming('async-api', 'dev');
const problemOf = (jobs: readonly JobDefinition[], stage = 'dev'): string => {
  try {
    validateJobs(jobs, new Naming('async-api', stage));
  } catch (err) {
    expect(err).toBeInstanceOf(JobDefinitionError);
    return (err as Error).message;
  }
  throw new Error('expected a JobDefinitionError');
};

describe('validateJobs', () => {
  it('accepts a valid entry', () => {
    expect(() => validateJobs([job()], naming)).not.toThrow();
  });

  it.each([
    ['an upper-case name', [job({ name: 'Demo' })], /^job "Demo": name: "Demo" is not a valid job name/],
    ['a name with a slash', [job({ name: 'a/b' })], /^job "a\/b": name: .* URL path segment/],
    ['a name with "--"', [job({ name: 'a--b' })], /^job "a--b": name: /],
    [
      'a duplicate job',
      [job(), job({ functions: [fn({ name: 'other' })], substitutions: { Greeting: 'x' } })],
      /^job "demo": name: another job has the same name/,
    ],
    [
      'a missing ASL file',
      [job({ definitionFile: join(dir, 'missing.asl.json') })],
      /^job "demo": definitionFile: .*missing\.asl\.json does not exist$/,
    ],
    [
      'an unknown placeholder',
      [job({ substitutions: {} })],
      /^job "demo": definitionFile: .*no value for placeholder \$\{Greeting\}/,
    ],
    [
      'an unused value',
      [job({ substitutions: { Greeting: 'hi', Unused: 1 } })],
      /^job "demo": definitionFile: .*value "Unused" is not used/,
    ],
    [
      'a function the ASL never invokes',
      [job({ functions: [fn(), fn({ name: 'idle' })] })],
      /^job "demo": definitionFile: .*value "IdleFunctionArn" is not used/,
    ],
    [
      'a substitution that shadows a built-in',
      [job({ substitutions: { Greeting: 'hi', WorkFunctionArn: 'x' } })],
      /^job "demo": substitutions\.WorkFunctionArn: is filled in by the construct/,
    ],
    [
      'a missing function entry',
      [job({ functions: [fn({ entry: join(dir, 'nope', 'index.ts') })] })],
      /^job "demo": functions\[0\]\.entry: .*nope\/index\.ts does not exist$/,
    ],
    [
      'a duplicate function name',
      [job(), job({ name: 'other' })],
      /^job "other": functions\[0\]\.name: "work" is used by job "demo"/,
    ],
    [
      "the status function's name",
      [job({ functions: [fn({ name: 'describe-execution' })] })],
      /^job "demo": functions\[0\]\.name: "describe-execution" is used by the API/,
    ],
    ...['list-executions', 'get-execution-history', 'redrive-execution'].map(
      (name): [string, JobDefinition[], RegExp] => [
        `the ${name} route function's name`,
        [job({ functions: [fn({ name })] })],
        new RegExp(`^job "demo": functions\\[0\\]\\.name: "${name}" is used by the API`),
      ],
    ),
    [
      "a function named like another job's role",
      [job(), job({ name: 'x', functions: [fn({ name: 'demo-states' })] })],
      /^job "x": functions\[0\]\.name: its IAM role name async-api-dev-demo-states is taken by job "demo"/,
    ],
    [
      "a timeout over Lambda's limit",
      [job({ functions: [fn({ timeoutSeconds: 901 })] })],
      /^job "demo": functions\[0\]\.timeoutSeconds: 901 is not a whole number from 1 to 900/,
    ],
    [
      'too little memory',
      [job({ functions: [fn({ memorySizeMb: 64 })] })],
      /^job "demo": functions\[0\]\.memorySizeMb: 64 /,
    ],
    ['no functions', [job({ functions: [] })], /^job "demo": functions: a job needs at least one function/],
    [
      'two defaults',
      [job({ default: true }), job({ name: 'b', default: true, functions: [fn({ name: 'w2' })] })],
      /^job "b": default: job "demo" is the default already/,
    ],
    [
      'an example input that is not an object',
      [job({ exampleInput: [] as never })],
      /^job "demo": exampleInput: must be a JSON object/,
    ],
    ['an empty registry', [], /^job "\(none\)": jobs: the registry lists no job/],
  ])('refuses %s with one line naming the job and the field', (_what, jobs, expected) => {
    const message = problemOf(jobs);

    expect(message).toMatch(expected);
    expect(message).not.toContain('\n');
  });

  // The lower bound is the job's worst case (90 s here, tested below); the upper one is Step Functions'.
  it.each([90, 31_536_000])('accepts an execution timeout of %i s (up to one year, inclusive)', (seconds) => {
    expect(() => validateJobs([job({ executionTimeoutSeconds: seconds })], naming)).not.toThrow();
  });

  it.each([31_536_001, 10 * 31_536_000, 100.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses an execution timeout of %d s, over one year or not whole',
    (seconds) => {
      expect(problemOf([job({ executionTimeoutSeconds: seconds })])).toBe(
        `job "demo": executionTimeoutSeconds: ${seconds} is not a whole number from 1 to 31536000 (one year)`,
      );
    },
  );

  it("refuses more jobs than the route functions' environment can name", () => {
    const valid = Array.from({ length: 60 }, (_, i) =>
      job({
        name: `job-number-${i}`,
        definitionFile: aslFor(`w-${i}`),
        substitutions: {},
        functions: [fn({ name: `w-${i}` })],
      }),
    );

    expect(problemOf(valid)).toMatch(
      /^job "job-number-59": jobs: 60 jobs make the route functions' JOB_STATE_MACHINES up to \d+ bytes; Lambda allows 4096 bytes of environment$/,
    );
  });

  it('refuses a name over an AWS limit once prefixed, with the stage', () => {
    const long = 'j'.repeat(40);

    expect(problemOf([job({ name: long })], 'productioneurope')).toMatch(
      new RegExp(
        `^job "${long}": name: Resource name "async-api-productioneurope-${long}-states" is \\d+ characters; the limit is 64$`,
      ),
    );
  });
});

describe('AsyncJobApi', () => {
  const props = {
    naming,
    region: 'us-east-1',
    auth: { mode: 'NONE' } as const,
    throttling: { rateLimit: 10, burstLimit: 10 },
    logRetentionDays: 7,
  };

  it('fails synth on a bad registry entry with the same one line', () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new AsyncJobApi(scope, 'api', { ...props, buildDir: tempBuildDir(), jobs: [job({ name: 'Bad' })] });
      }),
    ).toThrow(/^job "Bad": name: /);
  });

  it("fills the ASL's function ARN, task timeout and execution timeout, and the job's own values", () => {
    let api: AsyncJobApi | undefined;
    Testing.synthScope((scope) => {
      api = new AsyncJobApi(scope, 'api', {
        ...props,
        buildDir: tempBuildDir(),
        jobs: [job({ executionTimeoutSeconds: 1234 })],
      });
    });
    const definition = api!.jobs['demo']!.stateMachine.definition as {
      TimeoutSeconds: number;
      States: { Work: { TimeoutSeconds: number; Parameters: Record<string, string> } };
    };

    expect(definition.TimeoutSeconds).toBe(1234);
    expect(definition.States.Work.TimeoutSeconds).toBe(90);
    expect(definition.States.Work.Parameters['Greeting']).toBe('hi');
    expect(definition.States.Work.Parameters['FunctionName']).toMatch(/^\$\{TfToken\[TOKEN\.\d+\]\}$/);
  });

  it("logs no execution data unless asked: a job's input and output may be user data", () => {
    // Act: without logExecutionData, then with it
    const logged = (extra: { logExecutionData?: boolean }) =>
      Object.values(
        JSON.parse(
          Testing.synthScope((scope) => {
            new AsyncJobApi(scope, 'api', { ...props, ...extra, buildDir: tempBuildDir(), jobs: [job()] });
          }),
        ).resource.aws_sfn_state_machine as Record<
          string,
          { logging_configuration: { include_execution_data: boolean } }
        >,
      ).map((m) => m.logging_configuration.include_execution_data);

    // Assess
    expect(logged({})).toEqual([false]);
    expect(logged({ logExecutionData: true })).toEqual([true]);
  });

  it('makes the marked job the default, not the first', () => {
    let api: AsyncJobApi | undefined;
    Testing.synthScope((scope) => {
      api = new AsyncJobApi(scope, 'api', {
        ...props,
        buildDir: tempBuildDir(),
        jobs: [
          job(),
          job({
            name: 'second',
            default: true,
            definitionFile: ASL_W2,
            substitutions: {},
            functions: [fn({ name: 'w2' })],
          }),
        ],
      });
    });

    expect(api!.defaultJobName).toBe('second');
  });
});
