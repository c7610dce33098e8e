/**
 * `npm run new-job -- <name>`: scaffolds a working job in the places the layout has for it.
 *
 * Writes `statemachine/<name>.asl.json` (JSONPath, or JSONata with `--jsonata`), `lambda-src/<name>/{errors,handler,index}.ts`, the handler's
 * unit test `__tests__/lambda/<name>.test.ts`, and adds the job's entry to `stacks/jobs.ts`. Right
 * after it, with no other edit, `npm test` passes and `npm start` serves the job. It refuses (one line,
 * exit code 1) a name that is not a valid job name or that a job, a function or a file already uses;
 * it never overwrites a file. Every file it writes or updates is formatted by the project's biome, so
 * `npm run lint` passes on the scaffold untouched.
 *
 * Exit codes: 0 written; 1 refused; 2 usage.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { jobNameProblem, jobResourceNames, pascalCase } from '../stacks/job';
import { JOBS } from '../stacks/jobs';
import { Naming } from '../stacks/naming';
import {
  aslTemplate,
  errorsTemplate,
  handlerTemplate,
  indexTemplate,
  type QueryLanguage,
  testTemplate,
} from './new-job/templates';

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
export function scaffold(name: string, language: QueryLanguage = 'JSONPath'): ScaffoldFile[] {
  const Pascal = pascalCase(name);
  const camel = Pascal.charAt(0).toLowerCase() + Pascal.slice(1);
  return [
    { path: `statemachine/${name}.asl.json`, text: aslTemplate(name, Pascal, language) },
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

/**
 * `text` as the project's formatter and import sorter leave it (`biome check --write`, which reads the
 * repository's biome.json), so the scaffold passes `npm run lint` whatever the length of the job's name.
 * @throws Error when biome cannot run or refuses the text.
 */
export function formatted(root: string, path: string, text: string): string {
  const biome = spawnSync(
    join(root, 'node_modules', '.bin', 'biome'),
    ['check', '--write', `--stdin-file-path=${path}`],
    { cwd: root, input: text, encoding: 'utf8', timeout: 30_000 },
  );
  if (biome.status !== 0) throw new Error(`biome could not format ${path}: ${biome.stderr || biome.error}`);
  return biome.stdout;
}

const USAGE =
  'usage: npm run new-job -- <name> [--jsonata]   (lower-case letters, digits and "-", e.g. prime-counter;\n' +
  '       --jsonata writes the ASL in JSONata, the query language AWS recommends for new state machines)\n';

/** The job's name and query language from the arguments, or undefined on a usage error. */
function parseArgs(argv: readonly string[]): { name: string; language: QueryLanguage } | undefined {
  const args = argv.filter((a) => a !== '--');
  const flags = args.filter((a) => a.startsWith('-'));
  const names = args.filter((a) => !a.startsWith('-'));
  if (names.length !== 1 || flags.some((f) => f !== '--jsonata')) return undefined;
  return { name: names[0]!, language: flags.length > 0 ? 'JSONata' : 'JSONPath' };
}

function main(argv: readonly string[]): number {
  const parsed = parseArgs(argv);
  if (parsed === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  const { name, language } = parsed;
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
  const files = scaffold(name, language).map((f) => ({ ...f, text: formatted(ROOT, f.path, f.text) }));
  const updated = formatted(
    ROOT,
    'stacks/jobs.ts',
    registry.replace(`${REGISTRY_MARKER}\n`, `${registryEntry(name)}${REGISTRY_MARKER}\n`),
  );
  for (const file of files) {
    const path = join(ROOT, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text, { flag: 'wx' });
    process.stdout.write(`wrote   ${file.path}\n`);
  }
  writeFileSync(REGISTRY, updated);
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
if (require.main === module) process.exitCode = main(process.argv.slice(2));
