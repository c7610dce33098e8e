import { ConfigError } from '../lambda-src/shared/config-error';
import { STAGE_NAME } from './naming';

/**
 * The application's configuration: one typed, validated object built from the environment.
 *
 * `parseConfig` is pure (it takes the environment as an argument); `main.ts` is the only caller that
 * passes `process.env`. Every problem names the variable and what it accepts, one line each, so a
 * user fixing a CI job sees all of them at once.
 */

import type { ApiAuth } from './constructs/http-api';
import type { StateMachineLogLevel } from './constructs/state-machine';
import { corsOriginProblem } from './cors';

// The constructs own these types; the configuration only fills them in.
export type { ApiAuth, StateMachineLogLevel };

export interface StateBackendConfig {
  /** S3 bucket holding Terraform state (created by the `state-bucket` stack). */
  readonly bucket: string;
  /** Object key of the main stack's state. */
  readonly key: string;
  readonly region: string;
}

export interface AppConfig {
  /** AWS region the stacks deploy to. */
  readonly region: string;
  /** Deployment stage; part of every resource name. */
  readonly stage: string;
  readonly state: StateBackendConfig;
  readonly apiAuth: ApiAuth;
  /** Retention of every log group the stacks create. */
  readonly logRetentionDays: number;
  /** `$default` stage throttling (steady requests per second and burst). */
  readonly throttling: { readonly rateLimit: number; readonly burstLimit: number };
  readonly stateMachineLogLevel: StateMachineLogLevel;
  /** Whether execution input/output is written to the state machine's logs (may hold user data). */
  readonly logExecutionData: boolean;
  /** Browser origins allowed by the HTTP API's CORS configuration; empty: none (no CORS configuration). */
  readonly corsAllowedOrigins: readonly string[];
  /** Whether the stage gets its CloudWatch alarms and dashboard (docs/jobs.md, "Alarms"). */
  readonly cloudwatch: { readonly alarms: boolean; readonly dashboard: boolean };
  /**
   * ARN of the IAM managed policy set as the permissions boundary of every role the application
   * stack creates; absent: no boundary. The CI deploy role may only create and change roles that
   * carry the `ci-access` stack's boundary (its output `app_permissions_boundary_arn`), so CI sets
   * it; a person deploying with their own credentials may leave it unset.
   */
  readonly rolePermissionsBoundaryArn?: string;
  /** The `ci-access` stack's settings; absent (no such stack) when `GITHUB_REPOSITORY` is unset. */
  readonly ciAccess?: CiAccessConfig;
  /**
   * Lifts the state bucket's `prevent_destroy` and lets Terraform empty it (`force_destroy`), for
   * `npm run destroy -- --state-bucket` only; absent: the bucket refuses to be destroyed.
   */
  readonly stateBucketAllowDestroy?: true;
}

/** Settings of the `ci-access` stack: the GitHub OIDC provider and the CI roles of one repository. */
export interface CiAccessConfig {
  /** `owner/name` of the only repository whose workflows may assume the roles, spelled as GitHub spells it. */
  readonly repository: string;
  /** GitHub environment of the deploy job; the deploy role trusts that environment only. */
  readonly deployEnvironment: string;
  /** ARN of an existing GitHub OIDC provider to reuse (an account holds one per URL); unset creates one. */
  readonly oidcProviderArn?: string;
  /** Object key of the `ci-access` stack's state, in the same bucket as the other stacks. */
  readonly stateKey: string;
}

// Thrown when the environment holds invalid settings; `problems` has one line per setting.
export { ConfigError };

/**
 * Every environment variable {@link parseConfig} reads. Tools that must notice a configuration
 * change (the local runtime re-synthesizes when one differs) use this list; a test proves it is
 * complete.
 */
export const CONFIG_VARIABLES = [
  'AWS_REGION',
  'STAGE',
  'TF_STATE_BUCKET',
  'TF_STATE_KEY',
  'TF_STATE_REGION',
  'API_AUTH',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'LOG_RETENTION_DAYS',
  'API_THROTTLE_RATE',
  'API_THROTTLE_BURST',
  'SFN_LOG_LEVEL',
  'SFN_LOG_EXECUTION_DATA',
  'ROLE_PERMISSIONS_BOUNDARY_ARN',
  'GITHUB_REPOSITORY',
  'DEPLOY_ENVIRONMENT',
  'OIDC_PROVIDER_ARN',
  'CI_ACCESS_STATE_KEY',
  'STATE_BUCKET_ALLOW_DESTROY',
  'CORS_ALLOWED_ORIGINS',
  'CLOUDWATCH_ALARMS',
  'CLOUDWATCH_DASHBOARD',
] as const;

/** Values CloudWatch Logs accepts for `retention_in_days`. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
// No "-": the CI roles are scoped by name prefix (`async-api-<stage>-*`), and with "-" allowed the
// prefix of stage `dev` would also match every resource of stage `dev-eu` (see STAGE_NAME in naming.ts).
const STAGE = STAGE_NAME;
// S3 bucket names (general purpose buckets, minus the rarely wanted dotted names), 3 to 63
// characters: S3 refuses anything else, and so does the synth-time check of the bucket name.
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const STATE_KEY = /^[A-Za-z0-9!_.*'()/-]{1,1024}$/;
// A customer managed policy (12-digit account) or an AWS managed one (`aws`), with an optional path;
// name characters and length as IAM's CreatePolicy accepts them.
const MANAGED_POLICY_ARN = /^$|^arn:aws[a-z-]*:iam::(?:\d{12}|aws):policy\/(?:[\x21-\x7E]+\/)?[\w+=,.@-]{1,128}$/;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Builds the configuration from environment variables.
 * @throws ConfigError listing every invalid or missing setting.
 */
export function parseConfig(env: Env): AppConfig {
  const problems: string[] = [];
  const read = new Reader(env, problems);

  const region = read.pattern('AWS_REGION', 'us-east-1', REGION, 'an AWS region such as us-east-1');
  const stage = read.pattern(
    'STAGE',
    'dev',
    STAGE,
    '1-16 characters: lower-case letters and digits, starting with a letter (no "-": one stage\'s name prefix must never match another stage\'s resources)',
  );
  const bucket = read.pattern(
    'TF_STATE_BUCKET',
    undefined,
    BUCKET,
    'the S3 bucket that holds Terraform state: 3 to 63 characters of a-z, 0-9 and "-", not starting or ending with "-"',
  );
  const key = read.pattern(
    'TF_STATE_KEY',
    `async-api/${stage}/terraform.tfstate`,
    STATE_KEY,
    "an S3 object key (letters, digits and !_.*'()/-)",
  );
  // An invalid AWS_REGION is reported once, not again as a missing TF_STATE_REGION.
  const stateRegion = read.pattern('TF_STATE_REGION', region ?? 'us-east-1', REGION, 'an AWS region such as us-east-1');
  const apiAuth = readApiAuth(read);
  const logRetentionDays = read.oneOf('LOG_RETENTION_DAYS', '30', LOG_RETENTION_DAYS.map(String));
  const rateLimit = read.number('API_THROTTLE_RATE', 50, 1, 10_000);
  const burstLimit = read.integer('API_THROTTLE_BURST', 100, 1, 5_000);
  const stateMachineLogLevel = read.oneOf('SFN_LOG_LEVEL', 'ERROR', ['ALL', 'ERROR', 'FATAL'] as const);
  const logExecutionData = read.oneOf('SFN_LOG_EXECUTION_DATA', 'false', ['true', 'false'] as const) === 'true';
  const ciAccess = readCiAccess(read, stage ?? 'dev');
  const stateBucketAllowDestroy =
    read.oneOf('STATE_BUCKET_ALLOW_DESTROY', 'false', ['true', 'false'] as const) === 'true';
  const rolePermissionsBoundaryArn = read.pattern(
    'ROLE_PERMISSIONS_BOUNDARY_ARN',
    '',
    MANAGED_POLICY_ARN,
    'the ARN of an IAM managed policy, arn:aws:iam::<account>:policy/<name> (the ci-access output app_permissions_boundary_arn), or nothing for no boundary',
  );

  const corsAllowedOrigins = readCorsOrigins(env, problems);
  const cloudwatch = {
    alarms: read.oneOf('CLOUDWATCH_ALARMS', 'true', ['true', 'false'] as const) === 'true',
    dashboard: read.oneOf('CLOUDWATCH_DASHBOARD', 'true', ['true', 'false'] as const) === 'true',
  };

  if (problems.length > 0) throw ConfigError.listing(problems);
  return {
    region: region!,
    stage: stage!,
    state: { bucket: bucket!, key: key!, region: stateRegion! },
    apiAuth: apiAuth!,
    logRetentionDays: Number(logRetentionDays),
    throttling: { rateLimit: rateLimit!, burstLimit: burstLimit! },
    stateMachineLogLevel: stateMachineLogLevel!,
    logExecutionData,
    corsAllowedOrigins,
    cloudwatch,
    ...(rolePermissionsBoundaryArn ? { rolePermissionsBoundaryArn } : {}),
    ...(ciAccess ? { ciAccess } : {}),
    ...(stateBucketAllowDestroy ? { stateBucketAllowDestroy } : {}),
  };
}

/**
 * The `ci-access` settings. GitHub Actions sets `GITHUB_REPOSITORY` in every job, so CI synthesizes
 * (and plans) this stack without configuration; on a workstation it exists only when the variable is
 * set by hand. The other settings are validated even without it, so a typo never goes unnoticed.
 */
function readCiAccess(read: Reader, stage: string): CiAccessConfig | undefined {
  const repository = read.pattern(
    'GITHUB_REPOSITORY',
    '',
    /^$|^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/,
    'owner/name of the GitHub repository, e.g. octo-org/async-api',
  );
  const deployEnvironment = read.pattern(
    'DEPLOY_ENVIRONMENT',
    'production',
    /^[A-Za-z0-9._-]{1,255}$/,
    'the name of the GitHub environment the deploy job uses: letters, digits, ".", "_" and "-"',
  );
  const oidcProviderArn = read.pattern(
    'OIDC_PROVIDER_ARN',
    '',
    /^$|^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/,
    "the ARN of the account's existing GitHub OIDC provider, arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com",
  );
  const stateKey = read.pattern(
    'CI_ACCESS_STATE_KEY',
    `async-api/${stage}/ci-access.tfstate`,
    STATE_KEY,
    "an S3 object key (letters, digits and !_.*'()/-)",
  );
  if (!repository || deployEnvironment === undefined || oidcProviderArn === undefined || stateKey === undefined)
    return undefined;
  return { repository, deployEnvironment, stateKey, ...(oidcProviderArn ? { oidcProviderArn } : {}) };
}

/** `CORS_ALLOWED_ORIGINS`: comma-separated origins; unset or empty means none. */
function readCorsOrigins(env: Env, problems: string[]): string[] {
  const raw = env['CORS_ALLOWED_ORIGINS']?.trim() ?? '';
  if (raw === '') return [];
  const origins = raw.split(',').map((o) => o.trim());
  for (const origin of origins) {
    const problem = corsOriginProblem(origin);
    if (problem)
      problems.push(
        `CORS_ALLOWED_ORIGINS: each origin ${problem} (comma-separated, e.g. https://app.example.com,http://localhost:5173)`,
      );
  }
  return origins;
}

function readApiAuth(read: Reader): ApiAuth | undefined {
  const mode = read.oneOf('API_AUTH', 'AWS_IAM', ['AWS_IAM', 'JWT', 'NONE'] as const);
  if (mode !== 'JWT') return mode === undefined ? undefined : { mode };
  const issuer = read.pattern(
    'JWT_ISSUER',
    undefined,
    /^https:\/\/[^\s]+$/,
    'the https:// URL of the token issuer (required when API_AUTH=JWT)',
  );
  const audience = read.pattern(
    'JWT_AUDIENCE',
    undefined,
    /^[^\s,]+(,[^\s,]+)*$/,
    'one or more comma-separated audiences, e.g. my-client-id (required when API_AUTH=JWT)',
  );
  if (issuer === undefined || audience === undefined) return undefined;
  return { mode, issuer, audience: audience.split(',') };
}

/** Reads one variable at a time, recording a problem instead of throwing. */
class Reader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  pattern(name: string, fallback: string | undefined, re: RegExp, accepts: string): string | undefined {
    const value = this.raw(name) ?? fallback;
    if (value === undefined) {
      this.problems.push(`${name} is required: ${accepts}.`);
      return undefined;
    }
    if (!re.test(value)) {
      this.problems.push(`${name}=${JSON.stringify(value)} is invalid: expected ${accepts}.`);
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T | undefined {
    const value = this.raw(name) ?? fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name}=${JSON.stringify(value)} is invalid: expected one of ${allowed.join(', ')}.`);
      return undefined;
    }
    return value as T;
  }

  number(name: string, fallback: number, min: number, max: number): number | undefined {
    return this.numeric(name, fallback, min, max, false);
  }

  integer(name: string, fallback: number, min: number, max: number): number | undefined {
    return this.numeric(name, fallback, min, max, true);
  }

  private numeric(name: string, fallback: number, min: number, max: number, whole: boolean): number | undefined {
    const text = this.raw(name);
    if (text === undefined) return fallback;
    const value = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isFinite(value) || value < min || value > max || (whole && !Number.isInteger(value))) {
      const kind = whole ? 'a whole number' : 'a number';
      this.problems.push(`${name}=${JSON.stringify(text)} is invalid: expected ${kind} from ${min} to ${max}.`);
      return undefined;
    }
    return value;
  }
}
