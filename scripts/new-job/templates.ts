/**
 * The files `npm run new-job` writes, as templates of the job's name: the ASL, the handler with its
 * errors and entry point, and the handler's unit test. The generated code is what users copy, so it
 * follows the style guide as closely as the rest of the tree.
 */

/** The retriers every scaffolded Lambda task has; the same fields in JSONPath and JSONata. */
const LAMBDA_RETRY = [
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
    Comment:
      'Throttling: the same attempts as above, but no wait longer than 30 s, so a throttled task retries sooner once capacity returns.',
    ErrorEquals: ['Lambda.TooManyRequestsException'],
    IntervalSeconds: 2,
    MaxAttempts: 6,
    BackoffRate: 2,
    MaxDelaySeconds: 30,
    JitterStrategy: 'FULL',
  },
];

/** The fields that differ between the two query languages: how the task is called and how errors are passed on. */
const QUERY_LANGUAGE_FIELDS = {
  JSONPath: (functionArn: string) => ({
    task: { Parameters: { FunctionName: functionArn, 'Payload.$': '$' }, OutputPath: '$.Payload' },
    catcher: { ResultPath: '$' },
    fail: { ErrorPath: '$.Error', CausePath: '$.Cause' },
  }),
  // AWS's recommended language for new state machines: `Arguments`/`Output` with `{% %}` expressions.
  JSONata: (functionArn: string) => ({
    task: {
      Arguments: { FunctionName: functionArn, Payload: '{% $states.input %}' },
      Output: '{% $states.result.Payload %}',
    },
    catcher: { Output: '{% $states.errorOutput %}' },
    fail: { Error: '{% $states.input.Error %}', Cause: '{% $states.input.Cause %}' },
  }),
} as const;

/** The query language of a scaffolded job's ASL (`npm run new-job -- <name> --jsonata` picks JSONata). */
export type QueryLanguage = keyof typeof QUERY_LANGUAGE_FIELDS;

/** The scaffold's ASL file, in JSONPath (the default) or JSONata. */
export function aslTemplate(name: string, Pascal: string, language: QueryLanguage = 'JSONPath'): string {
  const fields = QUERY_LANGUAGE_FIELDS[language](`\${${Pascal}FunctionArn}`);
  const definition = {
    Comment: `${name}: one Lambda step. Add states here as the job grows (docs/jobs.md); placeholders are filled by the AsyncJobApi construct.`,
    ...(language === 'JSONata' ? { QueryLanguage: 'JSONata' } : {}),
    StartAt: 'Count words',
    TimeoutSeconds: '${ExecutionTimeoutSeconds}',
    States: {
      'Count words': {
        Type: 'Task',
        Comment: "Invokes the function with the execution input; the job's output is the function's result.",
        Resource: 'arn:${Partition}:states:::lambda:invoke',
        ...fields.task,
        TimeoutSeconds: `\${${Pascal}TaskTimeoutSeconds}`,
        Retry: LAMBDA_RETRY,
        Catch: [
          {
            Comment: `The function's own error for bad input (lambda-src/${name}/errors.ts): never retried, it fails the same way every time.`,
            ErrorEquals: [`${Pascal}.InvalidInput`],
            ...fields.catcher,
            Next: 'Invalid input',
          },
          {
            Comment:
              'Anything else (a timeout, a crash, retries exhausted) ends the execution with its error and cause.',
            ErrorEquals: ['States.ALL'],
            ...fields.catcher,
            Next: 'Failed',
          },
        ],
        End: true,
      },
      'Invalid input': { Type: 'Fail', Comment: 'The caller sent input the job cannot use.', ...fields.fail },
      Failed: {
        Type: 'Fail',
        Comment: 'Carries the caught error and cause, so DescribeExecution shows why.',
        ...fields.fail,
      },
    },
  };
  return `${JSON.stringify(definition, null, 2)}\n`;
}

/** The scaffold's errors file. */
export function errorsTemplate(name: string, Pascal: string): string {
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
  constructor(
    override readonly name: ${Pascal}ErrorName,
    message: string,
  ) {
    super(message);
  }
}
`;
}

/** The scaffold's handler file. */
export function handlerTemplate(Pascal: string, camel: string): string {
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

/** The scaffold's index file. */
export function indexTemplate(name: string): string {
  return `/**
 * Lambda entry point of ${name}. Read configuration here, once, at cold start (from process.env), and
 * pass it to the handler; a missing setting then fails the first invocation with a clear message.
 */
export { handler } from './handler';
`;
}

/** The scaffold's test file. */
export function testTemplate(name: string, Pascal: string): string {
  return `import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ${Pascal}Errors } from '../../lambda-src/${name}/errors';
import { handler, MAX_TEXT_LENGTH } from '../../lambda-src/${name}/handler';

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
