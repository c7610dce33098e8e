import type { PolicyStatement } from './service-role';

/**
 * The deploy role's statements for the two kinds of application resources whose ids AWS draws at
 * random, so that no ARN can name only the stage's: KMS keys and HTTP APIs. Each is scoped by what
 * AWS evaluates at the moment of the request, never by something that may not hold yet (sources in
 * docs/aws-behaviour.md, "CI roles against what Terraform calls"):
 *
 * - KMS: a key being created has no tags to match, and the tags of a new key can take minutes to
 *   count for authorization. So creating and tagging are scoped by the tags in the request; the calls
 *   the provider makes right after CreateKey do not depend on the key's tags; the calls made on a
 *   later apply (policy, description, deletion, untagging) still do.
 * - HTTP APIs: the API itself is scoped by its name (`apigateway:Request/ApiName`,
 *   `apigateway:Resource/ApiName`); its routes, integrations, stages and authorizers have no name key
 *   and tag-based authorization is not documented for them, so they are scoped by ARN, which can only
 *   say "an HTTP API of this region": docs/security.md says what that leaves open.
 */

/** What these statements are scoped to (a subset of `CiPolicyScope`). */
export interface RandomIdScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** Prefix of every application resource name, e.g. `async-api-dev`. */
  readonly appPrefix: string;
  /** The application stack's default tags. */
  readonly appTags: Readonly<Record<string, string>>;
}

/** `{ "<prefix>/<key>": value }` for every tag: a condition that all of them match. */
export function tagCondition(
  prefix: 'aws:RequestTag' | 'aws:ResourceTag',
  tags: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([key, value]) => [`${prefix}/${key}`, value]));
}

/** Every KMS key of the account and region (key ids are random). */
export function keysArn(s: RandomIdScope): string {
  return `arn:${s.partition}:kms:${s.region}:${s.accountId}:key/*`;
}

/** The HTTP APIs of the region: the collection (create) and each API with everything under it. */
export function httpApiArns(s: RandomIdScope) {
  const apis = `arn:${s.partition}:apigateway:${s.region}::/apis`;
  // API Gateway's Tags resource is named by the URL-encoded ARN of what is tagged (an API or a stage).
  const encodedApis = encodeURIComponent(`${apis}/`);
  return {
    collection: apis,
    apis: `${apis}/*`,
    // `/apis/<id>/routes` (create) and `/apis/<id>/routes/<id>`, and so on.
    children: ['routes', 'integrations', 'stages', 'authorizers'].map((kind) => `${apis}/*/${kind}*`),
    tags: `arn:${s.partition}:apigateway:${s.region}::/tags/${encodedApis}*`,
    /** What the plan role reads: every API of the region, its children and its tags. */
    read: [apis, `${apis}/*`, `arn:${s.partition}:apigateway:${s.region}::/tags/*`],
  };
}

/** The KMS calls of the deploy role; the read-only ones on existing keys are in the shared read statements. */
export function keyStatements(s: RandomIdScope): PolicyStatement[] {
  const requestTags = { StringEquals: tagCondition('aws:RequestTag', s.appTags) };
  return [
    {
      // CreateKey has no resource type; the request must carry the stage's tags.
      sid: 'CreateKeysOfTheStageNoResourceLevelPermissions',
      actions: ['kms:CreateKey'],
      resources: ['*'],
      condition: requestTags,
    },
    {
      // CreateKey with tags also needs TagResource on keys not yet known, so not on aws:ResourceTag
      // (KMS developer guide, "Tagging permissions"); later tag changes carry the tags too.
      sid: 'TagKeysWithTheStageTags',
      actions: ['kms:TagResource'],
      resources: [keysArn(s)],
      condition: requestTags,
    },
    {
      // What the provider calls in the seconds after CreateKey, before the key's tags may count for
      // authorization (up to five minutes): turn rotation on and read the key back. None of them
      // reads or uses key material, changes who may use a key, or deletes one.
      sid: 'SetUpNewKeysWithoutTheirTags',
      actions: [
        'kms:EnableKeyRotation',
        'kms:DescribeKey',
        'kms:GetKeyPolicy',
        'kms:GetKeyRotationStatus',
        'kms:ListResourceTags',
      ],
      resources: [keysArn(s)],
    },
    {
      sid: 'ChangeKeysOfTheStage',
      actions: [
        'kms:PutKeyPolicy',
        'kms:UpdateKeyDescription',
        'kms:DisableKeyRotation',
        'kms:ScheduleKeyDeletion',
        'kms:UntagResource',
      ],
      resources: [keysArn(s)],
      condition: { StringEquals: tagCondition('aws:ResourceTag', s.appTags) },
    },
  ];
}

/** The HTTP API calls of the deploy role (reads are in the shared read statements). */
export function httpApiStatements(s: RandomIdScope): PolicyStatement[] {
  const arns = httpApiArns(s);
  const namedLikeTheStage = `${s.appPrefix}-*`;
  return [
    {
      sid: 'CreateHttpApisOfTheStage',
      actions: ['apigateway:POST'],
      resources: [arns.collection],
      condition: {
        StringEquals: tagCondition('aws:RequestTag', s.appTags),
        StringLike: { 'apigateway:Request/ApiName': namedLikeTheStage },
      },
    },
    {
      // The API itself, by its current name; a rename must keep the prefix. Children of an API do
      // not carry apigateway:Resource/ApiName, so this statement never matches them.
      sid: 'ChangeHttpApisOfTheStageByName',
      actions: ['apigateway:PATCH', 'apigateway:DELETE'],
      resources: [arns.apis],
      condition: {
        StringLike: { 'apigateway:Resource/ApiName': namedLikeTheStage },
        StringLikeIfExists: { 'apigateway:Request/ApiName': namedLikeTheStage },
      },
    },
    {
      // Routes, integrations, stages and authorizers of any HTTP API of the region, and the tags of an
      // API or stage (the Tags resource has no condition keys at all; its ARN names what is tagged).
      sid: 'WriteHttpApiChildrenAndTags',
      actions: ['apigateway:POST', 'apigateway:PATCH', 'apigateway:DELETE'],
      resources: [...arns.children, arns.tags],
    },
  ];
}
