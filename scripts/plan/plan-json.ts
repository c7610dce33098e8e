/**
 * Reads the machine-readable plan (`terraform show -json <planfile>`) and counts its changes the way
 * Terraform's own "Plan: N to add, N to change, N to destroy" line does, so the pull request comment
 * and the full text plan below it never disagree.
 *
 * Format reference: Terraform's "JSON Output Format" (`resource_changes[].change.actions`).
 */

/** One element of `change.actions`. `forget` exists since Terraform 1.7 (`removed` blocks). */
export type PlanAction = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget';

export interface PlanResourceChange {
  readonly address: string;
  readonly mode?: 'managed' | 'data';
  readonly change: {
    readonly actions: readonly string[];
    /** Present when the resource is being imported (Terraform 1.5+). */
    readonly importing?: unknown;
  };
  /** Why Terraform replaces the resource, e.g. `replace_because_cannot_update`. */
  readonly action_reason?: string;
}

/** The parts of the plan JSON this module reads. */
export interface TerraformPlan {
  readonly format_version?: string;
  readonly terraform_version?: string;
  readonly resource_changes?: readonly PlanResourceChange[];
  readonly output_changes?: Readonly<Record<string, { readonly actions: readonly string[] }>>;
}

/** How a replacement happens: `-/+` destroys first (the default), `+/-` is `create_before_destroy`. */
export type ReplaceOrder = '-/+' | '+/-';

export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly import: number;
  readonly forget: number;
  /** Resources Terraform destroys and creates again. */
  readonly replaced: readonly { readonly address: string; readonly order: ReplaceOrder }[];
  /** Resources Terraform destroys for good. */
  readonly destroyed: readonly string[];
  /** Root outputs whose value changes. */
  readonly outputsChanged: number;
  /** Resources with an action list this module does not know; the reader must check the full plan. */
  readonly unrecognized: readonly string[];
}

/** Thrown when a text is not a Terraform plan JSON document; the message names what is wrong. */
export class PlanFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanFormatError';
  }
}

/**
 * Parses `terraform show -json` output and checks the fields the summary relies on.
 * @throws PlanFormatError when the text is not JSON or a field has the wrong shape.
 */
export function parsePlanJson(text: string): TerraformPlan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PlanFormatError(`plan is not JSON (${(err as Error).message})`);
  }
  if (!isObject(value)) throw new PlanFormatError('plan JSON is not an object');
  const changes = value.resource_changes;
  if (changes !== undefined) {
    if (!Array.isArray(changes)) throw new PlanFormatError('resource_changes is not an array');
    changes.forEach((rc: unknown, i) => {
      if (!isObject(rc) || typeof rc.address !== 'string')
        throw new PlanFormatError(`resource_changes[${i}].address is not a string`);
      if (!isObject(rc.change) || !isStringArray(rc.change.actions)) {
        throw new PlanFormatError(`resource_changes[${i}].change.actions is not a list of strings`);
      }
    });
  }
  const outputs = value.output_changes;
  if (outputs !== undefined) {
    if (!isObject(outputs)) throw new PlanFormatError('output_changes is not an object');
    for (const [name, oc] of Object.entries(outputs)) {
      if (!isObject(oc) || !isStringArray(oc.actions))
        throw new PlanFormatError(`output_changes.${name}.actions is not a list of strings`);
    }
  }
  return value as TerraformPlan;
}

/** Counts a plan's changes; replacements count once as an add and once as a destroy, as in Terraform. */
export function summarizePlan(plan: TerraformPlan): PlanSummary {
  let add = 0;
  let change = 0;
  let destroy = 0;
  let imports = 0;
  let forget = 0;
  const replaced: { address: string; order: ReplaceOrder }[] = [];
  const destroyed: string[] = [];
  const unrecognized: string[] = [];

  for (const rc of plan.resource_changes ?? []) {
    const actions = rc.change.actions.join(',');
    if (rc.change.importing !== undefined && rc.change.importing !== null) imports += 1;
    switch (actions) {
      case 'no-op':
      // Data sources Terraform can only read during apply: no infrastructure changes.
      case 'read':
        break;
      case 'create':
        add += 1;
        break;
      case 'update':
        change += 1;
        break;
      case 'delete':
        destroy += 1;
        destroyed.push(rc.address);
        break;
      case 'delete,create':
      case 'create,delete':
        add += 1;
        destroy += 1;
        replaced.push({ address: rc.address, order: actions === 'delete,create' ? '-/+' : '+/-' });
        break;
      case 'forget':
        forget += 1;
        break;
      default:
        unrecognized.push(rc.address);
    }
  }

  const outputsChanged = Object.values(plan.output_changes ?? {}).filter(
    (oc) => !oc.actions.every((a) => a === 'no-op'),
  ).length;
  return { add, change, destroy, import: imports, forget, replaced, destroyed, outputsChanged, unrecognized };
}

/** Whether applying the plan changes nothing at all (resources or outputs). */
export function isEmptyPlan(s: PlanSummary): boolean {
  return s.add + s.change + s.destroy + s.import + s.forget + s.outputsChanged + s.unrecognized.length === 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}
