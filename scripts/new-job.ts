/**
 * `npm run new-job -- <name>`: scaffolds a working job in the places the layout has for it.
 *
 * Writes `statemachine/<name>.asl.json`, `lambda-src/<name>/{errors,handler,index}.ts`, the handler's
 * unit test `__tests__/lambda/<name>.test.ts`, and adds the job's entry to `stacks/jobs.ts`. Right
 * after it, with no other edit, `npm test` passes and `npm start` serves the job. It refuses (one line,
 * exit code 1) a name that is not a valid job name or that a job, a function or a file already uses;
 * it never overwrites a file.
 *
 * Exit codes: 0 written; 1 refused; 2 usage.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { jobNameProblem, jobResourceNames, pascalCase } from '../stacks/job';
import { JOBS } from '../stacks/jobs';
import { Naming } from '../stacks/naming';

const ROOT = join(__dirname, '..');
const REGISTRY = join(ROOT, 'stacks', 'jobs.ts');
/** The line of `stacks/jobs.ts` new entries go above. */
export const REGISTRY_MARKER = '  // new-job: entries are added above this line.';

/** A file the scaffold writes: path relative to the repository root, and its text. */
export interface ScaffoldFile {
  readonly path: string;
  readonly text: string;
}

/** Why `name` cannot be scaffolded into `root`, or undefined. */
export function refusal(
  name: string,
  root: string,
  jobs: readonly { name: string; functions: readonly { name: string }[] }[],
): string | undefined {
  const problem = jobNameProblem(name);
  if (problem) return problem;
  if (jobs.some((j) => j.name === name)) return `a job named ${JSON.stringify(name)} exists already (stacks/jobs.ts)`;
  if (name === 'describe-execution' || jobs.some((j) => j.functions.some((f) => f.name === name))) {
    return `a function named ${JSON.stringify(name)} exists already; job and function names share lambda-src/`;
  }
  try {
    // The shortest stage; a longer STAGE may still exceed a limit, which synth then reports.
    jobResourceNames(new Naming('async-api', 'dev'), { name });
  } catch (err) {
    return `${JSON.stringify(name)} is too long: ${(err as Error).message}`;
  }
  for (const file of scaffold(name)) {
    if (existsSync(join(root, file.path))) return `${file.path} exists already; choose another name or remove it`;
  }
  if (existsSync(join(root, 'lambda-src', name)))
    return `lambda-src/${name}/ exists already; choose another name or remove it`;
  return undefined;
}

/** The files of a new job (the registry entry is separate: {@link registryEntry}). */
export function scaffold(name: string): ScaffoldFile[] {
  const Pascal = pascalCase(name);
  const camel = Pascal.charAt(0).toLowerCase() + Pascal.slice(1);
  return [
    { path: `statemachine/${name}.asl.json`, text: aslTemplate(name, Pascal) },
    { path: `lambda-src/${name}/errors.ts`, text: errorsTemplate(name, Pascal) },
    { path: `lambda-src/${name}/handler.ts`, text: handlerTemplate(Pascal, camel) },
    { path: `lambda-src/${name}/index.ts`, text: indexTemplate(name) },
    { path: `__tests__/lambda/${name}.test.ts`, text: testTemplate(name, Pascal) },
  ];
}

/** The registry entry, inserted above {@link REGISTRY_MARKER}. */
export function registryEntry(name: string): string {
  return `  {
    name: '${name}',
    // Say what the job does: it is the API's description of it.
    description: '${name}: counts the words of a text (scaffolded; replace with your work).',
    definitionFile: asl('${name}'),
    functions: [
      {
        name: '${name}',
        description: '${name}: counts the words of a text.',
        entry: entry('${name}'),
        // Lambda allows up to 900 s; a job that runs longer splits its work into steps (docs/jobs.md).
        timeoutSeconds: 60,
        memorySizeMb: 256,
        // The function's settings go here, e.g. environment: { MAX_WORDS: '1000' }.
      },
    ],
    // Used by the banner, the smoke, load and bench runs: small, and done in seconds.
    exampleInput: { text: 'hello async world' },
  },
`;
}

function main(argv: readonly string[]): number {
  const args = argv.filter((a) => a !== '--');
  if (args.length !== 1 || args[0]!.startsWith('-')) {
    process.stderr.write(
      'usage: npm run new-job -- <name>   (lower-case letters, digits and "-", e.g. prime-counter)\n',
    );
    return 2;
  }
  const name = args[0]!;
  const problem = refusal(name, ROOT, JOBS);
  if (problem) {
    process.stderr.write(`new-job: refused: ${problem}\n`);
    return 1;
  }
  const registry = readFileSync(REGISTRY, 'utf8');
  if (!registry.includes(`${REGISTRY_MARKER}\n`)) {
    process.stderr.write(
      `new-job: refused: stacks/jobs.ts has no line "${REGISTRY_MARKER.trim()}" to add the entry above\n`,
    );
    return 1;
  }
  for (const file of scaffold(name)) {
    const path = join(ROOT, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text, { flag: 'wx' });
    process.stdout.write(`wrote   ${file.path}\n`);
  }
  writeFileSync(REGISTRY, registry.replace(`${REGISTRY_MARKER}\n`, `${registryEntry(name)}${REGISTRY_MARKER}\n`));
  process.stdout.write(`updated ${relative(ROOT, REGISTRY)} (entry "${name}")\n`);
  process.stdout.write(
    [
      '',
      `Next: write the work in lambda-src/${name}/handler.ts (and its test), shape the steps in statemachine/${name}.asl.json,`,
      `then: npm test; npm start; npx async-api run --job ${name} --input '{"text": "hello async world"}'`,
      '',
    ].join('\n'),
  );
  return 0;
}

function aslTemplate(name: string, Pascal: string): string {
  const definition = {
    Comment: `${name}: one Lambda step. Add states here as the job grows (docs/jobs.md); placeholders are filled by the AsyncJobApi construct.`,
    StartAt: 'Count words',
    TimeoutSeconds: '${ExecutionTimeoutSeconds}',
    States: {
      'Count words': {
        Type: 'Task',
        Comment: "Invokes the function with the execution input; the job's output is the function's result.",
        Resource: 'arn:${Partition}:states:::lambda:invoke',
        Parameters: { FunctionName: `\${${Pascal}FunctionArn}`, 'Payload.$': '$' },
        OutputPath: '$.Payload',
        TimeoutSeconds: `\${${Pascal}TaskTimeoutSeconds}`,
        Retry: [
          {
            Comment: 'Transient Lambda service errors: the retrier AWS recommends for every Lambda task.',
            ErrorEquals: [
              'Lambda.ClientExecutionTimeoutException',
              'Lambda.ServiceException',
              'Lambda.AWSLambdaException',
              'Lambda.SdkClientException',
            ],
            IntervalSeconds: 2,
            MaxAttempts: 6,
            BackoffRate: 2,
            JitterStrategy: 'FULL',
          },
          {
            Comment: 'Throttling: wait longer between attempts.',
            ErrorEquals: ['Lambda.TooManyRequestsException'],
            IntervalSeconds: 2,
            MaxAttempts: 6,
            BackoffRate: 2,
            MaxDelaySeconds: 30,
            JitterStrategy: 'FULL',
          },
        ],
        Catch: [
          {
            Comment: `The function's own error for bad input (lambda-src/${name}/errors.ts): never retried, it fails the same way every time.`,
            ErrorEquals: [`${Pascal}.InvalidInput`],
            ResultPath: '$',
            Next: 'Invalid input',
          },
          {
            Comment:
              'Anything else (a timeout, a crash, retries exhausted) ends the execution with its error and cause.',
            ErrorEquals: ['States.ALL'],
            ResultPath: '$',
            Next: 'Failed',
          },
        ],
        End: true,
      },
      'Invalid input': {
        Type: 'Fail',
        Comment: 'The caller sent input the job cannot use.',
        ErrorPath: '$.Error',
        CausePath: '$.Cause',
      },
      Failed: {
        Type: 'Fail',
        Comment: 'Carries the caught error and cause, so DescribeExecution shows why.',
        ErrorPath: '$.Error',
        CausePath: '$.Cause',
      },
    },
  };
  return `${JSON.stringify(definition, null, 2)}\n`;
}

function errorsTemplate(name: string, Pascal: string): string {
  return `/**
 * Error names ${name} throws. Lambda reports a thrown error's \`name\` as its \`errorType\`, and the state
 * machine's \`Catch\` (statemachine/${name}.asl.json) matches that string, so the ASL and the tests use these
 * constants rather than retyping them. Add one per failure the caller should be able to tell apart.
 */
export const ${Pascal}Errors = {
  /** The execution input is unusable; retrying the same input fails the same way. */
  InvalidInput: '${Pascal}.InvalidInput',
} as const;

/** One of the {@link ${Pascal}Errors} values. */
export type ${Pascal}ErrorName = (typeof ${Pascal}Errors)[keyof typeof ${Pascal}Errors];

/** An error ${name} throws on purpose; its \`name\` is one of {@link ${Pascal}Errors}. */
export class ${Pascal}Error extends Error {
  constructor(override readonly name: ${Pascal}ErrorName, message: string) {
    super(message);
  }
}
`;
}

function handlerTemplate(Pascal: string, camel: string): string {
  return `import { describeValue, isPlainObject } from '../shared/describe-value';
import { ${Pascal}Error, ${Pascal}Errors } from './errors';

// Replace the word count with your job's work; keep the shape: validate, work, return JSON.

/** The execution input this job accepts. Change it to what your job needs. */
export interface ${Pascal}Input {
  readonly text: string;
}

/** The function's result, which becomes the execution's output. */
export interface ${Pascal}Result {
  readonly words: number;
}

/** Longest text accepted: Step Functions' payload limit is 256 KiB; stay well below it. */
export const MAX_TEXT_LENGTH = 100_000;

/**
 * Checks the execution input. Anything unusable throws {@link ${Pascal}Errors.InvalidInput}, which the
 * ASL catches without retrying.
 */
export function parseInput(event: unknown): ${Pascal}Input {
  if (!isPlainObject(event)) {
    throw new ${Pascal}Error(${Pascal}Errors.InvalidInput, \`input must be a JSON object such as {"text": "hello"}; got \${describeValue(event)}\`);
  }
  const { text } = event;
  if (typeof text !== 'string' || text.length > MAX_TEXT_LENGTH) {
    throw new ${Pascal}Error(${Pascal}Errors.InvalidInput, \`text must be a string of at most \${MAX_TEXT_LENGTH} characters; got \${describeValue(text)}\`);
  }
  return { text };
}

/** The work itself: a plain function, easy to test without Lambda. */
export function ${camel}(input: ${Pascal}Input): ${Pascal}Result {
  const words = input.text.split(/\\s+/).filter((word) => word !== '').length;
  return { words };
}

/** The Lambda handler: validate, work, return. Async, as the nodejs24.x runtime requires. */
export async function handler(event: unknown): Promise<${Pascal}Result> {
  return ${camel}(parseInput(event));
}
`;
}

function indexTemplate(name: string): string {
  return `/**
 * Lambda entry point of ${name}. Read configuration here, once, at cold start (from process.env), and
 * pass it to the handler; a missing setting then fails the first invocation with a clear message.
 */
export { handler } from './handler';
`;
}

function testTemplate(name: string, Pascal: string): string {
  return `import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { handler, MAX_TEXT_LENGTH } from '../../lambda-src/${name}/handler';
import { ${Pascal}Errors } from '../../lambda-src/${name}/errors';

describe('${name} handler', () => {
  it('counts the words of its input', async () => {
    // Act
    const result = await handler({ text: ' hello  async world ' });

    // Assess
    expect(result).toEqual({ words: 3 });
  });

  it.each([
    ['not an object', 'hello'],
    ['null', null],
    ['no text', {}],
    ['text not a string', { text: 42 }],
    ['text too long', { text: 'x'.repeat(MAX_TEXT_LENGTH + 1) }],
  ])('refuses input that is %s with %s', async (_what, input) => {
    // Act / Assess
    await expect(handler(input)).rejects.toMatchObject({ name: ${Pascal}Errors.InvalidInput });
  });

  it('is caught by name in the ASL, never retried', () => {
    // Prepare
    const asl = JSON.parse(readFileSync(join(__dirname, '..', '..', 'statemachine', '${name}.asl.json'), 'utf8'));
    const tasks = Object.values(asl.States as Record<string, { Type: string; Retry?: { ErrorEquals: string[] }[]; Catch?: { ErrorEquals: string[] }[] }>).filter((s) => s.Type === 'Task');

    // Assess
    for (const task of tasks) {
      expect(task.Catch!.flatMap((c) => c.ErrorEquals)).toContain(${Pascal}Errors.InvalidInput);
      expect(task.Retry!.flatMap((r) => r.ErrorEquals)).not.toContain(${Pascal}Errors.InvalidInput);
    }
  });
});
`;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
