/**
 * What a stage may be called: 1-16 lower-case letters and digits, starting with a letter. Never "-",
 * which separates the stage from the component: IAM policies scope a stage by the prefix
 * `<project>-<stage>-*`, and with "-" in stages the prefix of `dev` would match `dev-eu`'s resources.
 */
export const STAGE_NAME = /^[a-z][a-z0-9]{0,15}$/;

/**
 * The one place resource names are derived. Constructs ask for a name by component; nobody
 * concatenates names by hand, so the prefix, separator and length limits live here.
 */
export class Naming {
  /** `<project>-<stage>`, e.g. `async-api-dev`. */
  readonly prefix: string;

  constructor(
    readonly project: string,
    readonly stage: string,
  ) {
    if (!STAGE_NAME.test(stage)) {
      throw new Error(
        `Stage "${stage}" must be 1-16 lower-case letters and digits, starting with a letter: a "-" would let one stage's name prefix match another's resources`,
      );
    }
    this.prefix = `${project}-${stage}`;
  }

  /**
   * Name of a resource for a component, e.g. `async-api-dev-ramen-timer`.
   * @param maxLength the AWS limit of the resource type (IAM roles and Lambda functions: 64).
   * @throws when the name would exceed the limit, naming the component and the limit.
   */
  name(component: string, maxLength = 64): string {
    const name = `${this.prefix}-${component}`;
    if (!/^[a-z0-9-]+$/.test(component)) {
      throw new Error(`Component name "${component}" must be lower-case letters, digits and "-"`);
    }
    if (name.length > maxLength) {
      throw new Error(`Resource name "${name}" is ${name.length} characters; the limit is ${maxLength}`);
    }
    return name;
  }

  /**
   * Tags of every resource of the stage (the provider's default tags). The CI deploy role changes
   * HTTP APIs only when they carry them, so they are part of the stage's identity like the prefix.
   */
  get tags(): Readonly<Record<string, string>> {
    return { project: this.project, stage: this.stage };
  }

  /** Log group of a Lambda function (the name Lambda writes to by default). */
  lambdaLogGroup(functionName: string): string {
    return `/aws/lambda/${functionName}`;
  }

  /**
   * Log group for vended logs (Step Functions, API Gateway access logs). AWS recommends the
   * `/aws/vendedlogs/` prefix so that log delivery does not grow the account's CloudWatch Logs
   * resource policy past its size limit.
   */
  vendedLogGroup(component: string): string {
    return `/aws/vendedlogs/${this.name(component, 512)}`;
  }
}

/** An HTTP API route, built from its method and path: nobody splits a route key apart. */
export interface RouteName {
  /** What API Gateway takes, e.g. `POST /start-execution`. */
  readonly key: string;
  /** The path alone, e.g. `/start-execution`: what a URL and a permission's source ARN end with. */
  readonly path: string;
}

/** The route of `method` on `path`. */
export function route(method: 'GET' | 'POST', path: string): RouteName {
  if (!path.startsWith('/')) throw new Error(`Route path "${path}" must start with "/"`);
  return { key: `${method} ${path}`, path };
}

/** Routes every API has; each job adds `POST /<job>/start-execution` ({@link jobStartRoute}). */
export const ROUTES = {
  /** Starts the default job. */
  start: route('POST', '/start-execution'),
  describe: route('POST', '/describe-execution'),
  stop: route('POST', '/stop-execution'),
  list: route('POST', '/list-executions'),
  history: route('POST', '/get-execution-history'),
  redrive: route('POST', '/redrive-execution'),
} as const;

/** The route that starts one job, e.g. `POST /ramen-timer/start-execution`. */
export function jobStartRoute(jobName: string): RouteName {
  return route('POST', `/${jobName}/start-execution`);
}

/** The route that starts one job with a webhook, e.g. `POST /ramen-timer/start-execution-with-webhook`. */
export function jobWebhookStartRoute(jobName: string): RouteName {
  return route('POST', `/${jobName}/start-execution-with-webhook`);
}
