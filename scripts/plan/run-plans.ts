/**
 * Validates every synthesized stack and plans those that keep their state remotely: `terraform
 * init`, `validate`, `plan -lock=false -out`, then `show -json` (for the summary) and `show` (for the text). Terraform is reached through an
 * injected {@link RunCommand}, so tests drive this with recorded outputs instead of AWS.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PlanFormatError, parsePlanJson, summarizePlan } from './plan-json';
import type { StackResult } from './render-comment';

/** What a finished command left behind. `status` is null when it could not start or was killed. */
export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the Terraform CLI with `args` in the directory `cwd`. */
export type RunCommand = (args: readonly string[], cwd: string) => CommandResult;

/** A stack from `cdktf.out/manifest.json`, with the backend its synthesized JSON declares. */
export interface SynthesizedStack {
  readonly name: string;
  /** Absolute path of the stack's Terraform working directory. */
  readonly workingDirectory: string;
  /** Backend type (`s3`, …), or undefined for local state. */
  readonly backend: string | undefined;
}

/** Thrown when the synthesized output is missing or malformed; the message says what to do. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** Name of the plan file written in each stack's working directory. */
export const PLAN_FILE = 'tfplan';

/**
 * Reads the stacks `cdktf synth` wrote to `outDir`.
 * @throws ManifestError when the manifest or a stack's JSON is missing or not what cdktf writes.
 */
export function readManifest(outDir: string): SynthesizedStack[] {
  const manifestPath = join(outDir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new ManifestError(`${manifestPath} does not exist: \`npm run synth\` did not run or failed.`);
  }
  const manifest = parseJson(manifestPath) as {
    stacks?: Record<string, { workingDirectory?: unknown; synthesizedStackPath?: unknown }>;
  };
  if (
    typeof manifest !== 'object' ||
    manifest === null ||
    typeof manifest.stacks !== 'object' ||
    manifest.stacks === null
  ) {
    throw new ManifestError(`${manifestPath} has no "stacks" object; is it a cdktf manifest?`);
  }
  return Object.entries(manifest.stacks).map(([name, entry]) => {
    if (typeof entry.workingDirectory !== 'string' || typeof entry.synthesizedStackPath !== 'string') {
      throw new ManifestError(`${manifestPath}: stack "${name}" has no workingDirectory or synthesizedStackPath`);
    }
    const stackJson = parseJson(join(outDir, entry.synthesizedStackPath)) as {
      terraform?: { backend?: Record<string, unknown> };
    };
    const backend = Object.keys(stackJson?.terraform?.backend ?? {})[0];
    return {
      name,
      workingDirectory: join(outDir, entry.workingDirectory),
      backend: backend === 'local' ? undefined : backend,
    };
  });
}

/**
 * Validates and plans each stack in turn. Every stack is validated (`init`, then `validate`), so a
 * configuration Terraform or the provider rejects fails the pull request's comment even where no
 * plan is made. A stack with local state is not planned: its state is on the workstation that
 * applied it, so CI would plan it from nothing; it is initialised without its backend to validate.
 */
export function planStacks(stacks: readonly SynthesizedStack[], run: RunCommand): StackResult[] {
  return stacks.map((stack) => (stack.backend === undefined ? validateLocalStack(stack, run) : planStack(stack, run)));
}

const VALIDATE = { step: 'terraform validate', args: ['validate', '-no-color'] };

function validateLocalStack(stack: SynthesizedStack, run: RunCommand): StackResult {
  for (const { step, args } of [
    { step: 'terraform init', args: ['init', '-input=false', '-no-color', '-backend=false'] },
    VALIDATE,
  ]) {
    const result = run(args, stack.workingDirectory);
    if (result.status !== 0) return failed(stack.name, step, result);
  }
  return { stack: stack.name, status: 'skipped', reason: 'local state: a bootstrap stack, applied by hand; validated' };
}

/**
 * Validates and plans one stack; every failure becomes a `failed` result naming the step, never an
 * exception. The plan takes no state lock (`-lock=false`): the plan role may not write lock files,
 * so that no pull request can take or break the lock of a running deploy. A plan may then read
 * state that a deploy is replacing; it is a preview and applies nothing.
 */
export function planStack(stack: SynthesizedStack, run: RunCommand): StackResult {
  const steps: { step: string; args: string[] }[] = [
    { step: 'terraform init', args: ['init', '-input=false', '-no-color'] },
    VALIDATE,
    { step: 'terraform plan', args: ['plan', '-input=false', '-no-color', '-lock=false', `-out=${PLAN_FILE}`] },
  ];
  for (const { step, args } of steps) {
    const result = run(args, stack.workingDirectory);
    if (result.status !== 0) return failed(stack.name, step, result);
  }

  const json = run(['show', '-json', PLAN_FILE], stack.workingDirectory);
  if (json.status !== 0) return failed(stack.name, 'terraform show -json', json);
  const text = run(['show', '-no-color', PLAN_FILE], stack.workingDirectory);
  if (text.status !== 0) return failed(stack.name, 'terraform show', text);

  try {
    return {
      stack: stack.name,
      status: 'planned',
      summary: summarizePlan(parsePlanJson(json.stdout)),
      planText: text.stdout,
    };
  } catch (err) {
    if (!(err instanceof PlanFormatError)) throw err;
    return { stack: stack.name, status: 'failed', step: 'reading the plan JSON', exitCode: 0, errorText: err.message };
  }
}

/** The version `terraform version -json` reports, for the comment's header; undefined if it cannot tell. */
export function terraformVersionOf(run: RunCommand, cwd: string): string | undefined {
  const result = run(['version', '-json'], cwd);
  if (result.status !== 0) return undefined;
  try {
    const version = (JSON.parse(result.stdout) as { terraform_version?: unknown }).terraform_version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

/** A {@link RunCommand} that spawns `binary` (inheriting this process's environment). */
export function spawnTerraform(binary: string): RunCommand {
  return (args, cwd) => {
    const result = spawnSync(binary, args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    const spawnError = result.error ? `${binary}: ${result.error.message}\n` : '';
    return { status: result.status, stdout: result.stdout ?? '', stderr: spawnError + (result.stderr ?? '') };
  };
}

function failed(stack: string, step: string, result: CommandResult): StackResult {
  const errorText = result.stderr.trim() !== '' ? result.stderr : result.stdout;
  return { stack, status: 'failed', step, exitCode: result.status, errorText };
}

function parseJson(path: string): unknown {
  if (!existsSync(path)) throw new ManifestError(`${path} does not exist; run \`npm run synth\` again.`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ManifestError(`${path} is not valid JSON (${(err as Error).message})`);
  }
}
