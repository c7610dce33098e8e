/**
 * The shape of the table of what the Terraform AWS provider calls, and helpers to write its rows
 * briefly. The rows are in the files next to this one, one per stack; `index.ts` joins them.
 */
import type { ScannedResource } from '../terraform';

/** One resource (or data source) of a synthesized stack, as a row's functions see it. */
export interface Target {
  /** e.g. `aws_lambda_function`, or `data.aws_caller_identity`. */
  readonly type: string;
  /** Arguments, references resolved to the values the scan uses. */
  readonly config: Readonly<Record<string, unknown>>;
  /** An attribute as AWS computes it (`arn`, `id`), in the scan's account. */
  attr(name: string): string;
  /** The other resources of the same stack (e.g. the role a role policy belongs to). */
  readonly others: readonly ScannedResource[];
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/**
 * Which tags AWS puts in the request context:
 * - `request`: the call carries the resource's tags (`aws:RequestTag/*`, `aws:TagKeys`): a create
 *   with tags, or a tagging call;
 * - `resource`: the call is on an existing, tagged resource (`aws:ResourceTag/*`, where the action
 *   supports the key for that resource type);
 * - `none`: no tag keys (a call with no resource, or on a resource whose tags do not count yet).
 */
export type TagContext = 'request' | 'resource' | 'none';

/** One IAM action the provider calls, and the request AWS authorizes for it. */
export interface ProviderCall {
  /** `service:Action`. */
  readonly action: string;
  /** The resource the call is authorized on. Default: the resource's own `arn` attribute. */
  readonly on?: (t: Target) => string;
  /** Default `resource`. */
  readonly tags?: TagContext;
  /** Other request context keys the call carries (e.g. `iam:PassedToService`). */
  readonly context?: (t: Target) => Record<string, string | string[]>;
  /** The resource's own policy AWS evaluates too (a KMS key policy). */
  readonly resourcePolicy?: (t: Target) => unknown;
  /** The call is made only for resources this says yes to (an optional argument is set). */
  readonly when?: (t: Target) => boolean;
}

/** What the provider calls for one resource or data-source type, by phase of a Terraform run. */
export interface TypeActions {
  /** Where the facts come from: provider source file(s) and documentation. */
  readonly source: string;
  /** Refresh and plan (and a data source's read). */
  readonly read: readonly ProviderCall[];
  /** Create and update, tagging with the provider's default tags included. */
  readonly apply: readonly ProviderCall[];
  readonly destroy: readonly ProviderCall[];
}

/** The provider's source, at the commit the rows were read from. */
export const PROVIDER_SOURCE =
  'hashicorp/terraform-provider-aws@00a35305dc1b297a6fcdecdfbba33f1e63c3da39 internal/service';

/** A call with options. */
export function call(action: string, options: Omit<ProviderCall, 'action'> = {}): ProviderCall {
  return { action, ...options };
}

/** A call that carries the resource's tags: a create with tags, or a tagging call. */
export function tagged(action: string, options: Omit<ProviderCall, 'action' | 'tags'> = {}): ProviderCall {
  return { action, tags: 'request', ...options };
}

/** A call with no resource-level permissions (`Resource: "*"`). */
export function unscoped(action: string): ProviderCall {
  return { action, on: () => '*', tags: 'none' };
}

/** A string argument of the resource. */
export function arg(t: Target, name: string): string {
  const value = t.config[name];
  if (typeof value !== 'string') throw new Error(`${t.type}: argument ${name} is not a string: ${String(value)}`);
  return value;
}

/** `iam:PassRole` of the role in argument `roleArg`, to `service`. */
export function passRole(roleArg: string, service: string): ProviderCall {
  return call('iam:PassRole', {
    on: (t) => arg(t, roleArg),
    context: () => ({ 'iam:PassedToService': service }),
    when: (t) => typeof t.config[roleArg] === 'string',
  });
}
