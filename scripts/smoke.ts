/**
 * `npm run smoke -- [--outputs cdktf.outputs.json] [--stack <id>] [--timeout 120]`
 *
 * Runs one short execution per job of a deployed stack through its HTTP API and fails unless each
 * reaches SUCCEEDED. The endpoint, auth mode, region and jobs come from the outputs file that
 * `cdktf deploy --outputs-file` (or `cdktf output --outputs-file`) writes. Credentials: the AWS SDK's
 * standard chain for AWS_IAM, `ASYNC_API_TOKEN` for JWT.
 *
 * Exit codes: 0 every job succeeded; 1 a job did not (its line shows the API's answer); 2 bad usage
 * or an outputs file without what is needed.
 */
import './require-node.cjs'; // first: an older Node.js stops here with one line
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { ApiClient, type Auth } from '../client';
import { ConfigError } from '../lambda-src/shared/config-error';
import { JOBS } from '../stacks/jobs';
import { formatSmokeResult, runSmoke, smokeTargetFromOutputs } from './smoke/smoke';

/**
 * Each job's smoke input: its `exampleInput` from the registry (small, done in seconds). A job the
 * deployed outputs list but this checkout's registry does not gets `{}`.
 */
export function smokeInput(job: string): unknown {
  return JOBS.find((j) => j.name === job)?.exampleInput ?? {};
}

async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        outputs: { type: 'string', default: 'cdktf.outputs.json' },
        stack: { type: 'string' },
        timeout: { type: 'string', default: '120' },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`smoke: ${(err as Error).message}`);
    return 2;
  }
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) {
    console.error(`smoke: --timeout=${JSON.stringify(values.timeout)} is invalid: expected whole seconds, at least 1`);
    return 2;
  }
  try {
    const path = resolve(values.outputs);
    const file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, unknown>>;
    const stacks = Object.keys(file);
    const stackId =
      values.stack ?? (stacks.length === 1 ? stacks[0] : stacks.find((id) => file[id]?.['api_endpoint'] !== undefined));
    if (!stackId || !file[stackId])
      throw new ConfigError(
        `${path} has no stack ${values.stack ?? 'with an api_endpoint'}; pass --stack (found: ${stacks.join(', ') || 'none'})`,
      );
    const target = smokeTargetFromOutputs(file[stackId]);

    let auth: Auth;
    if (target.apiAuth === 'AWS_IAM') {
      if (!target.region) throw new ConfigError('the outputs have no "region", needed to sign requests');
      auth = {
        mode: 'iam',
        region: target.region,
        credentials: fromNodeProviderChain({ clientConfig: { region: target.region } }),
      };
    } else if (target.apiAuth === 'JWT') {
      const token = process.env['ASYNC_API_TOKEN'];
      if (!token) throw new ConfigError('api_auth is JWT: set ASYNC_API_TOKEN to a token the API accepts');
      auth = { mode: 'jwt', token };
    } else {
      auth = { mode: 'none' };
    }

    console.log(`smoke: ${target.jobs.length} job(s) of ${stackId}, up to ${timeoutSeconds} s each`);
    const results = await runSmoke(target, {
      inputFor: smokeInput,
      clientFor: (endpoint) => new ApiClient({ endpoint, auth }),
      timeoutMs: timeoutSeconds * 1000,
    });
    for (const r of results) (r.ok ? console.log : console.error)(`smoke: ${formatSmokeResult(r)}`);
    return results.every((r) => r.ok) ? 0 : 1;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof SyntaxError || (err as NodeJS.ErrnoException).code === 'ENOENT') {
      console.error(`smoke: ${(err as Error).message}`);
      return 2;
    }
    throw err;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
