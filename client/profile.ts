/**
 * The AWS CLI's shared configuration as the client needs it: which profiles exist and a profile's
 * region. Loaded with the AWS SDK's own INI loader; the file paths come from the environment map
 * the caller passes (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE), never from `process.env`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The two shared files, parsed: profile name → its settings. */
export interface SharedProfiles {
  /** Path of the config file (`~/.aws/config` or AWS_CONFIG_FILE). */
  readonly configFile: string;
  /** Path of the credentials file (`~/.aws/credentials` or AWS_SHARED_CREDENTIALS_FILE). */
  readonly credentialsFile: string;
  readonly config: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;
  readonly credentials: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;
}

/** The files the AWS CLI reads, given an environment map. */
export function sharedFilePaths(env: Readonly<Record<string, string | undefined>>): {
  configFile: string;
  credentialsFile: string;
} {
  const home = env.HOME || homedir();
  return {
    configFile: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
}

/** Reads both files; a missing file counts as empty, as it does for the AWS CLI. */
export async function loadSharedProfiles(env: Readonly<Record<string, string | undefined>>): Promise<SharedProfiles> {
  const { configFile, credentialsFile } = sharedFilePaths(env);
  // Loaded here, not at the top: it takes ~70 ms, which `--help` and usage errors need not pay.
  const { loadSharedConfigFiles } = await import('@smithy/core/config');
  // ignoreCache: the SDK caches by path, and a long-lived caller (a test) may rewrite the files.
  const loaded = await loadSharedConfigFiles({
    configFilepath: configFile,
    filepath: credentialsFile,
    ignoreCache: true,
  });
  return { configFile, credentialsFile, config: loaded.configFile, credentials: loaded.credentialsFile };
}

/** True when `name` is a profile of either file (`[profile name]`/`[default]` in config, `[name]` in credentials). */
export function hasProfile(profiles: SharedProfiles, name: string): boolean {
  return Object.hasOwn(profiles.config, name) || Object.hasOwn(profiles.credentials, name);
}

/**
 * The profile's `region` as the AWS CLI reads it: botocore merges the credentials file's settings
 * over the config file's, so a `region` in `~/.aws/credentials` wins (checked with AWS CLI 2.9.19,
 * `aws configure list --profile`). `name` defaults to `default`.
 */
export function profileRegion(profiles: SharedProfiles, name = 'default'): string | undefined {
  const region = (profiles.credentials[name]?.region ?? profiles.config[name]?.region)?.trim();
  return region ? region : undefined;
}
