import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { buildSync } from 'esbuild';
import { type Zippable, zipSync } from 'fflate';
import { type PolicyStatement, ServiceRole, XRAY_WRITE } from './service-role';

/**
 * Node.js runtime of every function, kept in one place so the deprecation check has one target.
 * nodejs24.x is supported until 2028-04-30 (nodejs22.x only until 2027-04-30); it no longer runs
 * callback-style handlers, so handlers here are async (docs/aws-behaviour.md).
 */
export const LAMBDA_RUNTIME = 'nodejs24.x';
/** The Node.js major esbuild targets; must match {@link LAMBDA_RUNTIME}. */
const ESBUILD_TARGET = 'node24';

export interface NodejsFunctionProps {
  readonly functionName: string;
  readonly description: string;
  /** Absolute path of the handler's TypeScript entry; it must export `handler`. */
  readonly entry: string;
  /** Folder for bundles, outside the source tree (one sub-folder per function). */
  readonly buildDir: string;
  readonly environment?: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memorySizeMb: number;
  readonly logGroupName: string;
  readonly logRetentionDays: number;
  /** Permissions beyond writing its own logs and traces. */
  readonly statements?: readonly PolicyStatement[];
  /** Reserved concurrency; unset leaves the function in the account's unreserved pool. */
  readonly reservedConcurrency?: number;
  /** SQS queue for asynchronous invocations that failed; the role must be allowed `sqs:SendMessage` on it. */
  readonly deadLetterQueueArn?: string;
}

/**
 * A Node.js Lambda function bundled with esbuild at synth time, with its own role (logs to its
 * own log group, X-Ray, plus `statements`) and a log group with retention.
 *
 * The AWS SDK v3 is left out of the bundle: the Lambda Node.js runtime provides it, and leaving
 * it out keeps the zip small and the cold start short.
 */
export class NodejsFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: NodejsFunctionProps) {
    super(scope, id);

    const asset = new TerraformAsset(this, 'code', {
      path: bundle(props.entry, props.buildDir, props.functionName),
      type: AssetType.FILE,
    });

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: props.logGroupName,
      retentionInDays: props.logRetentionDays,
    });

    this.role = new ServiceRole(this, 'execution-role', {
      roleName: props.functionName,
      servicePrincipal: 'lambda.amazonaws.com',
      statements: [
        {
          sid: 'WriteOwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${this.logGroup.arn}:*`],
        },
        XRAY_WRITE,
        ...(props.statements ?? []),
      ],
    });

    this.function = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      description: props.description,
      role: this.role.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: asset.assetHash,
      timeout: props.timeoutSeconds,
      memorySize: props.memorySizeMb,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: { variables: { ...props.environment, ...SOURCE_MAP_ENVIRONMENT } },
      tracingConfig: { mode: 'Active' },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      ...(props.deadLetterQueueArn ? { deadLetterConfig: { targetArn: props.deadLetterQueueArn } } : {}),
      // The log group must exist first, or Lambda would create one without retention.
      dependsOn: [this.logGroup, this.role.policy],
    });
  }
}

/** Zip entries get a fixed date: the same code always gives the same bytes and asset hash. */
const ZIP_EPOCH = new Date('1980-01-01T00:00:00Z');
/** Unix "regular file, rw-r--r--" in a zip entry's external attributes (Lambda needs files readable). */
const ZIP_FILE_ATTRS = (0o100644 << 16) >>> 0;

/**
 * Environment every function gets: Node.js reads the bundle's source map, so a stack trace in the
 * logs names our TypeScript files and lines instead of positions in minified code.
 */
export const SOURCE_MAP_ENVIRONMENT: Readonly<Record<string, string>> = { NODE_OPTIONS: '--enable-source-maps' };

/**
 * Bundles `entry` with esbuild and zips it in memory, writing `<buildDir>/<name>.zip`, which holds
 * `index.js` and its source map `index.js.map`.
 *
 * Zipping here rather than with cdktf's ARCHIVE asset avoids a Node.js child process per function
 * at every synth (cdktf archives in a subprocess), and makes the zip byte-for-byte reproducible,
 * so Terraform updates a function only when its code really changed.
 *
 * The map is a separate file without the sources' text: a stack trace needs only file names and
 * positions, and a separate map compresses better than an inline base64 one (status function:
 * 5.4 KB zipped against 6.9 KB inline, 2.4 KB without a map; README, "Dependency notes"). Its
 * paths are relative to the project's root (the nearest folder above `entry` with a package.json),
 * so the zip is the same bytes wherever the project is checked out.
 */
export function bundle(entry: string, buildDir: string, name: string): string {
  const root = projectRoot(entry);
  const zip = reusableZip(entry, root) ?? buildZip(entry, root);
  mkdirSync(buildDir, { recursive: true });
  const path = join(buildDir, `${name}.zip`);
  writeFileSync(path, zip);
  return path;
}

/** A bundle already built in this process, with the content digest of every file esbuild read for it. */
interface BuiltZip {
  readonly zip: Uint8Array;
  readonly inputs: ReadonlyMap<string, string>;
}

/**
 * Zips built in this process, by entry. A process that synthesizes several apps or stacks (tests,
 * `npm start`'s rebuilds) bundles a handler again only when a file esbuild read for it changed:
 * every input's content is compared, so an edit is never missed (esbuild took 1.2 s of the unit
 * tests' 8 s, bundling the same seven handlers 146 times).
 */
const builtZips = new Map<string, BuiltZip>();

/** The file's content digest; `-` for an input that is not a file (esbuild's virtual modules). */
function contentDigest(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return '-';
  }
}

function reusableZip(entry: string, root: string): Uint8Array | undefined {
  const built = builtZips.get(`${root}\0${entry}`);
  if (built === undefined) return undefined;
  for (const [path, digest] of built.inputs) if (contentDigest(path) !== digest) return undefined;
  return built.zip;
}

function buildZip(entry: string, root: string): Uint8Array {
  const result = buildSync({
    entryPoints: [entry],
    absWorkingDir: root,
    outfile: join(root, 'index.js'),
    write: false,
    metafile: true,
    sourcemap: 'linked',
    sourcesContent: false,
    bundle: true,
    platform: 'node',
    target: ESBUILD_TARGET,
    format: 'cjs',
    external: ['@aws-sdk/*'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const entryOptions = { mtime: ZIP_EPOCH, os: 3, attrs: ZIP_FILE_ATTRS };
  const files: Zippable = {};
  for (const file of result.outputFiles) files[basename(file.path)] = [file.contents, entryOptions];
  const zip = zipSync(files, { level: 9 });
  const inputs = new Map<string, string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const path = resolve(root, input);
    inputs.set(path, contentDigest(path));
  }
  builtZips.set(`${root}\0${entry}`, { zip, inputs });
  return zip;
}

function projectRoot(entry: string): string {
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return dirname(entry);
  }
}
