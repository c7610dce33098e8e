/**
 * Shared helpers for tests that drive the local runtime over real HTTP on loopback: synthesize the
 * real app into this checkout's cache (reused while the sources' content and the settings are
 * unchanged), start a runtime on an ephemeral port with a temporary data folder, sign requests, and
 * clean up. Fault, load and client e2e tests reuse these.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { REPO_ROOT, type Runtime, type RuntimeOptions, startRuntime } from '../../local/runtime';
import { CONFIG_VARIABLES, synthIfStale } from '../../local/synth';
import type { TerraformJson } from '../../local/terraform/document';
import { IN_PROGRESS, pruneSynthCache, type SynthSettings, sourcesDigest, synthCacheDir } from '../synth-cache';

export type { SynthSettings };

/** Settings tests use unless they say otherwise: no auth, no throttling in the way. */
export const DEFAULT_SETTINGS: SynthSettings = {
  API_AUTH: 'NONE',
  TF_STATE_BUCKET: 'async-api-local-unused',
  API_THROTTLE_RATE: '10000',
  API_THROTTLE_BURST: '5000',
};

/**
 * Synthesizes the app with `settings` and returns the output folder: a folder of this checkout's
 * cache keyed by the sources' content and the settings (see synth-cache.ts), shared by every test file
 * and never changed once published. A concurrent synthesis (jest runs files in parallel) writes its
 * own folder and moves it into place; whoever is second keeps the first one's, which is identical.
 */
export function synthesize(settings: SynthSettings = DEFAULT_SETTINGS): string {
  const digest = sourcesDigest(REPO_ROOT);
  const shared = synthCacheDir(REPO_ROOT, settings, digest);
  if (existsSync(join(shared, 'manifest.json'))) return shared;
  pruneSynthCache(REPO_ROOT, digest);
  // The developer's own settings must not leak into the synthesis: only `settings` count.
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of CONFIG_VARIABLES) delete env[name];
  Object.assign(env, settings);
  mkdirSync(dirname(shared), { recursive: true });
  const own = mkdtempSync(`${shared}${IN_PROGRESS}`);
  try {
    synthIfStale({ repoRoot: REPO_ROOT, outdir: own, env });
    renameSync(own, shared);
  } catch (err) {
    rmSync(own, { recursive: true, force: true });
    if (!existsSync(join(shared, 'manifest.json'))) throw err; // not a lost race: a real failure
  }
  return shared;
}

/** A runtime started for a test, with what it logged. */
export interface TestRuntime {
  readonly runtime: Runtime;
  readonly url: string;
  readonly dataDir: string;
  /** Runtime log lines (IAM denials, integration failures, ...). */
  readonly logs: string[];
  /** Access-log lines. */
  readonly accessLogs: string[];
  /** Function output lines. */
  readonly functionLogs: string[];
  /** Closes the runtime; removes the data folder unless `keepData`. */
  close(options?: { keepData?: boolean }): Promise<void>;
}

/** Options of {@link startTestRuntime}. */
export interface TestRuntimeOptions
  extends Omit<RuntimeOptions, 'outdir' | 'port' | 'log' | 'accessLog' | 'functionLog'> {
  /** App settings (default {@link DEFAULT_SETTINGS}). */
  readonly settings?: SynthSettings;
}

/** Synthesizes (if needed) and starts a runtime on an ephemeral port with a fresh (or given) data folder. */
export async function startTestRuntime(options: TestRuntimeOptions = {}): Promise<TestRuntime> {
  const outdir = synthesize(options.settings ?? DEFAULT_SETTINGS);
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'async-api-test-data-'));
  const logs: string[] = [];
  const accessLogs: string[] = [];
  const functionLogs: string[] = [];
  const runtime = await startRuntime({
    ...options,
    outdir,
    port: 0,
    dataDir,
    log: (line) => logs.push(line),
    accessLog: (line) => accessLogs.push(line),
    functionLog: (fn, line) => functionLogs.push(`[${fn}] ${line}`),
  });
  return {
    runtime,
    url: runtime.url,
    dataDir,
    logs,
    accessLogs,
    functionLogs,
    close: async ({ keepData = false } = {}) => {
      await runtime.close();
      if (!keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A response with its body parsed as JSON (or left as text). */
export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
}

/** POSTs JSON; `headers` are added. */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return readJson(res);
}

/** POSTs JSON signed with SigV4 for `service` (default execute-api). */
export async function signedPostJson(
  url: string,
  body: unknown,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  options: {
    region?: string;
    service?: string;
    signingDate?: Date;
    /** Sent but not signed, as a browser adds `Origin`. */
    unsignedHeaders?: Record<string, string>;
  } = {},
): Promise<JsonResponse> {
  const target = new URL(url);
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const signer = new SignatureV4({
    credentials,
    region: options.region ?? 'us-east-1',
    service: options.service ?? 'execute-api',
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: target.hostname,
      port: Number(target.port),
      path: target.pathname,
      query: {},
      headers: { host: target.host, 'content-type': 'application/json' },
      body: text,
    },
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  const headers = { ...(signed.headers as Record<string, string>), ...options.unsignedHeaders };
  const res = await fetch(url, { method: 'POST', headers, body: text });
  return readJson(res);
}

async function readJson(res: Response): Promise<JsonResponse> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, headers: res.headers, body };
}

/** Polls `describe-execution` until the status is not RUNNING (bounded by `timeoutMs`). */
export async function waitForEnd(describe: () => Promise<JsonResponse>, timeoutMs = 10_000): Promise<JsonResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await describe();
    if (r.status !== 200 || r.body.status !== 'RUNNING') return r;
    if (Date.now() > deadline) throw new Error(`still RUNNING after ${timeoutMs} ms: ${JSON.stringify(r.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Removes `action` from every role policy of a synthesized stack (for "a role stripped of one action"
 * tests); a statement left without actions is dropped. Returns the changed document.
 */
export function stripAction(doc: TerraformJson, action: string): TerraformJson {
  const policies = (doc.resource?.['aws_iam_role_policy'] ?? {}) as Record<string, { policy: string }>;
  for (const resource of Object.values(policies)) {
    const policy = JSON.parse(resource.policy) as { Statement: Array<{ Action: string | string[] }> };
    policy.Statement = policy.Statement.flatMap((statement) => {
      const actions = (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).filter(
        (a) => a !== action,
      );
      return actions.length === 0 ? [] : [{ ...statement, Action: actions }];
    });
    resource.policy = JSON.stringify(policy);
  }
  return doc;
}

/** A fresh execution name for a test. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
