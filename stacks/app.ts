import { type App, TerraformStack } from 'cdktf';
import { AsyncApiStack } from './async-api-stack';
import { CiAccessStack } from './ci-access-stack';
import type { AppConfig } from './config';
import type { JobDefinition } from './job';
import { JOBS } from './jobs';
import { StateBucketStack } from './state-bucket-stack';
import { addAwsLimitsValidation } from './validation/aws-limits';

/** Stack ids, derived from the configuration; tools that read `cdktf.out` use the same function. */
export function stackIds(config: Pick<AppConfig, 'stage'>) {
  return { api: `async-api-${config.stage}`, stateBucket: 'state-bucket', ciAccess: 'ci-access' } as const;
}

export interface BuildAppOptions {
  /** Where Lambda bundles are written before being zipped as assets. */
  readonly buildDir: string;
  /** The jobs to serve. Default: the registry, `stacks/jobs.ts`. */
  readonly jobs?: readonly JobDefinition[];
}

/** Adds every stack of the product to `app`. */
export function buildApp(app: App, config: AppConfig, options: BuildAppOptions): void {
  const ids = stackIds(config);
  new StateBucketStack(app, ids.stateBucket, {
    bucketName: config.state.bucket,
    region: config.state.region,
    ...(config.stateBucketAllowDestroy ? { allowDestroy: true } : {}),
  });
  new AsyncApiStack(app, ids.api, { config, jobs: options.jobs ?? JOBS, buildDir: options.buildDir });
  // Only with GITHUB_REPOSITORY set (always in GitHub Actions): the roles trust one repository.
  if (config.ciAccess) new CiAccessStack(app, ids.ciAccess, { config, ciAccess: config.ciAccess });
  // Every stack, including stacks added above later: a value AWS would refuse fails the synth.
  for (const stack of app.node.children) if (stack instanceof TerraformStack) addAwsLimitsValidation(stack);
}
