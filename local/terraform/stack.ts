/**
 * Finds and reads the synthesized stack the runtime serves: `<outdir>/manifest.json` lists the
 * stacks, each with its `cdk.tf.json`. The main stack is the one with an HTTP API (the state bucket
 * and CI-access stacks have none), unless a stack id is given.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TerraformJson } from './document';

/** A stack as read from disk. */
export interface SynthesizedStack {
  readonly stackId: string;
  /** Folder holding `cdk.tf.json`; asset paths are relative to it. */
  readonly stackDir: string;
  readonly doc: TerraformJson;
}

interface Manifest {
  readonly stacks: Record<string, { readonly synthesizedStackPath: string; readonly workingDirectory?: string }>;
}

/** Thrown when the output folder holds no usable stack; the message says what to run. */
export class StackNotFoundError extends Error {
  override readonly name = 'StackNotFoundError';
}

/**
 * Reads the served stack from a cdktf output folder.
 * @param outdir e.g. `cdktf.out`.
 * @param stackId pick this stack; default: the only stack that defines an `aws_apigatewayv2_api`.
 */
export function loadSynthesizedStack(outdir: string, stackId?: string): SynthesizedStack {
  const manifestPath = join(outdir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new StackNotFoundError(`${manifestPath} does not exist: synthesize first (npx tsx main.ts)`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
  const read = (id: string): SynthesizedStack => {
    const entry = manifest.stacks[id];
    if (!entry)
      throw new StackNotFoundError(
        `${manifestPath} has no stack ${JSON.stringify(id)} (it has: ${Object.keys(manifest.stacks).join(', ')})`,
      );
    const file = join(outdir, entry.synthesizedStackPath);
    return { stackId: id, stackDir: dirname(file), doc: JSON.parse(readFileSync(file, 'utf8')) as TerraformJson };
  };
  if (stackId !== undefined) return read(stackId);
  const candidates = Object.keys(manifest.stacks)
    .map(read)
    .filter((s) => Object.keys(s.doc.resource?.['aws_apigatewayv2_api'] ?? {}).length > 0);
  if (candidates.length !== 1) {
    throw new StackNotFoundError(
      candidates.length === 0
        ? `no stack in ${manifestPath} defines an HTTP API`
        : `several stacks define an HTTP API (${candidates.map((c) => c.stackId).join(', ')}); choose one with STACK`,
    );
  }
  return candidates[0]!;
}
