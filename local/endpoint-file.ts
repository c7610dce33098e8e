/**
 * Publishes a running runtime for the client (client/local-endpoint.ts owns the format): its URL, the
 * auth mode its start routes really use, its region and the key pair its AWS_IAM routes accept, so
 * `npx async-api run --job <name>` next to `npm start` needs no flag.
 */
import { join } from 'node:path';
import { type LocalEndpoint, removeLocalEndpoint, writeLocalEndpoint } from '../client/local-endpoint';
import { CREDENTIALS_FILE } from './auth/credentials';
import type { Runtime } from './runtime';

/** What the client needs to call `runtime`, whose data folder is `dataDir`. */
export function localEndpointOf(runtime: Runtime, dataDir: string, pid = process.pid): Omit<LocalEndpoint, 'file'> {
  const modes = new Set(runtime.model.api.routes.map((r) => r.authorizationType));
  return {
    endpoint: runtime.url,
    auth: modes.has('AWS_IAM') ? 'iam' : modes.has('JWT') ? 'jwt' : 'none',
    region: runtime.model.region,
    credentialsFile: join(dataDir, CREDENTIALS_FILE),
    pid,
  };
}

/** Writes the endpoint file into `dataDir`; the returned function removes it (if still this process's). */
export function publishEndpoint(runtime: Runtime, dataDir: string): { path: string; remove: () => void } {
  const path = writeLocalEndpoint(dataDir, localEndpointOf(runtime, dataDir));
  return { path, remove: () => removeLocalEndpoint(dataDir, process.pid) };
}
