import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { LambdaFunctionSpec } from '../../../local/lambda';

/** A temporary folder holding the test's zips and the service's workDir; `remove()` deletes it. */
export interface Sandbox {
  readonly root: string;
  readonly workDir: string;
  /** Writes a zip with the given files (path -> source) and returns a function spec that uses it. */
  fn(name: string, files: Record<string, string>, overrides?: Partial<LambdaFunctionSpec>): LambdaFunctionSpec;
  remove(): void;
}

export function createSandbox(): Sandbox {
  const root = mkdtempSync(path.join(os.tmpdir(), 'local-lambda-test-'));
  const workDir = path.join(root, 'work');
  return {
    root,
    workDir,
    fn(name, files, overrides = {}) {
      const zipPath = path.join(root, `${name}.zip`);
      const entries = Object.fromEntries(Object.entries(files).map(([file, source]) => [file, strToU8(source)]));
      writeFileSync(zipPath, zipSync(entries));
      return {
        functionName: name,
        functionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${name}`,
        zipPath,
        handler: 'index.handler',
        runtime: 'nodejs22.x',
        environment: {},
        timeoutSeconds: 3,
        memorySizeMb: 128,
        roleArn: `arn:aws:iam::123456789012:role/${name}-role`,
        ...overrides,
      };
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Handler sources shared by the tests. */
export const HANDLERS = {
  /** Returns the event, the pid and a module-scope counter (warm starts keep it). */
  echo: `
    let calls = 0;
    exports.handler = async (event, context) => {
      calls += 1;
      return { event, calls, pid: process.pid, requestId: context.awsRequestId };
    };`,
  /** Sleeps for event.ms, then returns its pid. */
  sleep: `
    exports.handler = async (event) => {
      await new Promise((resolve) => setTimeout(resolve, event.ms));
      return { pid: process.pid };
    };`,
} as const;
