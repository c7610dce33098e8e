/**
 * Reads the IAM side of a synthesized stack into the model: roles with their inline, attached and
 * managed policies, and the Lambda permissions (resource policies) of the functions.
 */
import { roleNameOf } from './computed';
import { resourcesOfType, type TerraformJson } from './document';
import type { LambdaPermissionModel, PolicyDocument, RoleModel, RolePolicy } from './model';
import { type LocalIdentity, ResolutionError, type ResolvedResource, type TerraformResolver } from './resolver';

export function readRoles(doc: TerraformJson, resolver: TerraformResolver, warnings: string[]): RoleModel[] {
  const inlineByRole = new Map<string, RolePolicy[]>();
  const add = (roleName: string, policy: RolePolicy): void => {
    inlineByRole.set(roleName, [...(inlineByRole.get(roleName) ?? []), policy]);
  };
  for (const b of resourcesOfType(doc, 'aws_iam_role_policy')) {
    const r = resolver.resource(b.address);
    add(roleNameOf(r.stringArg('role')), {
      name: r.stringArg('name'),
      source: b.address,
      document: parsePolicy(r.arg('policy'), b.address, 'policy'),
    });
  }
  const managed = new Map<string, RolePolicy>();
  for (const b of resourcesOfType(doc, 'aws_iam_policy')) {
    const r = resolver.resource(b.address);
    const arn = resolver.attribute(b.address, 'arn', { address: b.address, attribute: 'arn' }) as string;
    managed.set(arn, {
      name: r.stringArg('name'),
      source: b.address,
      document: parsePolicy(r.arg('policy'), b.address, 'policy'),
    });
  }
  for (const b of resourcesOfType(doc, 'aws_iam_role_policy_attachment')) {
    const r = resolver.resource(b.address);
    const arn = r.stringArg('policy_arn');
    const policy = managed.get(arn);
    if (policy) add(roleNameOf(r.stringArg('role')), policy);
    else
      warnings.push(
        `${b.address}: ${arn} is not defined in the stack (an AWS-managed policy?); its permissions are not granted locally`,
      );
  }
  const roles = resourcesOfType(doc, 'aws_iam_role');
  // Role names are unique per account: Terraform's apply would fail on the second one
  // (EntityAlreadyExists), and locally two roles would share one ARN and mix their permissions.
  const seen = new Map<string, string>();
  for (const b of roles) {
    const name = resolver.resource(b.address).stringArg('name');
    const other = seen.get(name);
    if (other) {
      throw new ResolutionError(
        { address: b.address, attribute: 'name' },
        `${other} has the same name ${JSON.stringify(name)}; IAM role names must be unique in an account (AWS would answer EntityAlreadyExists)`,
      );
    }
    seen.set(name, b.address);
  }
  return roles.map((b) => {
    const r = resolver.resource(b.address);
    const name = r.stringArg('name');
    const policies = [...(inlineByRole.get(name) ?? [])];
    const inline = r.arg('inline_policy');
    for (const [i, item] of (Array.isArray(inline) ? inline : inline ? [inline] : []).entries()) {
      const p = item as Record<string, unknown>;
      if (typeof p['policy'] !== 'string' || p['policy'] === '') continue; // an empty block removes inline policies
      policies.push({
        name: String(p['name'] ?? `inline-${i}`),
        source: `${b.address}.inline_policy`,
        document: parsePolicy(p['policy'], b.address, 'inline_policy.policy'),
      });
    }
    return {
      address: b.address,
      name,
      arn: resolver.attribute(b.address, 'arn', { address: b.address, attribute: 'arn' }) as string,
      trustPolicy: parsePolicy(r.arg('assume_role_policy'), b.address, 'assume_role_policy'),
      policies,
    };
  });
}

export function readPermission(r: ResolvedResource, identity: LocalIdentity, region: string): LambdaPermissionModel {
  const fn = r.stringArg('function_name');
  const functionArn = fn.startsWith('arn:')
    ? fn
    : `arn:${identity.partition}:lambda:${region}:${identity.accountId}:function:${fn}`;
  const sourceArn = r.arg('source_arn') as string | undefined;
  const sourceAccount = r.arg('source_account') as string | undefined;
  return {
    address: r.block.address,
    statementId: String(r.arg('statement_id') ?? r.block.name),
    action: r.stringArg('action'),
    functionArn,
    principal: r.stringArg('principal'),
    ...(sourceArn ? { sourceArn } : {}),
    ...(sourceAccount ? { sourceAccount } : {}),
  };
}

export function parsePolicy(value: unknown, address: string, attribute: string): PolicyDocument {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch (err) {
      throw new ResolutionError({ address, attribute }, `not a JSON policy document: ${(err as Error).message}`);
    }
  }
  if (parsed === null || typeof parsed !== 'object' || !('Statement' in parsed)) {
    throw new ResolutionError({ address, attribute }, 'not a policy document (no Statement)');
  }
  return parsed as PolicyDocument;
}
