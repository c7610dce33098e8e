/**
 * Map iterations and Parallel branches. Each runs its block on a copy of the variables it can see
 * (AWS: inner states read outer variables; what they assign stays inside), and the first failure
 * stops the others, as on AWS.
 */
import { Aborted, linkedAbort } from './errors';
import { runBlock } from './machine';
import type { StateRun } from './state-types';
import type { Env, StatesBlock } from './types';

function childEnv(env: Env, signal: AbortSignal): Env {
  return { rt: env.rt, vars: { ...env.vars }, language: env.language, signal };
}

/**
 * Runs a Map state's iterations.
 * @param itemInput the iteration's input from its item (ItemSelector), evaluated in the Map's own scope.
 * @param maxConcurrency 0 for no limit.
 * @returns the iterations' outputs, in item order.
 */
export async function runMap(
  run: StateRun,
  items: readonly unknown[],
  itemInput: (value: unknown, index: number) => Promise<unknown>,
  maxConcurrency: number,
): Promise<unknown[]> {
  const { env, name, state } = run;
  const rt = env.rt;
  rt.record('MapStateStarted', { mapStateStartedEventDetails: { length: items.length } });
  const processor = (state['ItemProcessor'] ?? state['Iterator']) as StatesBlock;
  const { controller, unlink } = linkedAbort(env.signal);
  const results: unknown[] = new Array(items.length);
  let failure: unknown;
  let next = 0;
  const details = (kind: string, index: number): Record<string, unknown> => ({
    [`mapIteration${kind}EventDetails`]: { name, index },
  });
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length && !controller.signal.aborted) {
      const index = next++;
      try {
        const input = await itemInput(items[index], index);
        rt.record('MapIterationStarted', details('Started', index));
        try {
          results[index] = await runBlock(processor, input, childEnv(env, controller.signal));
          rt.record('MapIterationSucceeded', details('Succeeded', index));
        } catch (err) {
          if (err instanceof Aborted && !env.signal.aborted)
            rt.record('MapIterationAborted', details('Aborted', index));
          else if (!(err instanceof Aborted)) rt.record('MapIterationFailed', details('Failed', index));
          throw err;
        }
      } catch (err) {
        if (err instanceof Aborted && !env.signal.aborted && failure !== undefined) continue;
        failure ??= err;
        controller.abort();
      }
    }
  };
  const workers = maxConcurrency > 0 ? Math.min(maxConcurrency, items.length) : items.length;
  await Promise.all(Array.from({ length: workers }, worker)).finally(unlink);
  if (env.signal.aborted) throw new Aborted('aborted');
  if (failure !== undefined) throw failure;
  rt.record('MapStateSucceeded');
  return results;
}

/**
 * Runs a Parallel state's branches on the same input.
 * @returns the branches' outputs, in branch order.
 */
export async function runParallel(run: StateRun, input: unknown): Promise<unknown[]> {
  const { env, state } = run;
  env.rt.record('ParallelStateStarted');
  const { controller, unlink } = linkedAbort(env.signal);
  let failure: unknown;
  const branches = (state['Branches'] as StatesBlock[] | undefined) ?? [];
  const results = await Promise.all(
    branches.map(async (branch) => {
      try {
        return await runBlock(branch, input, childEnv(env, controller.signal));
      } catch (err) {
        if (!(err instanceof Aborted) || env.signal.aborted) failure ??= err;
        controller.abort();
        return undefined;
      }
    }),
  ).finally(unlink);
  if (env.signal.aborted) throw new Aborted('aborted');
  if (failure !== undefined) throw failure;
  env.rt.record('ParallelStateSucceeded');
  return results;
}
