import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { AppConfig, CiAccessConfig } from './config';
import { deployRolePolicies } from './constructs/ci-deploy-policies';
import { appBoundaryStatements, type CiPolicyScope, planRoleStatements } from './constructs/ci-policies';
import {
  environmentSubject,
  GithubActionsRole,
  GithubOidcProvider,
  pullRequestSubject,
} from './constructs/github-oidc';
import { policyDocument } from './constructs/service-role';
import { Naming } from './naming';
import { partitionOf } from './partition';
import { addS3Backend } from './s3-backend';

/** Project part of the application's resource names (the application stack uses the same). */
const APP_PROJECT = 'async-api';
/**
 * Project part of the CI roles' names. It must not start with {@link APP_PROJECT}: the deploy role
 * may change roles named `async-api-<stage>-*`, and the CI roles must never be among them.
 */
const CI_PROJECT = 'gha-async-api';

/** Names of the CI roles for a stage; the workflows' role ARNs end with these. */
export function ciRoleNames(stage: string): { readonly plan: string; readonly deploy: string } {
  const naming = new Naming(CI_PROJECT, stage);
  return { plan: naming.name('plan'), deploy: naming.name('deploy') };
}

/**
 * Name of the application roles' permissions boundary policy for a stage. Like the CI roles it is
 * named outside the application's prefix: it belongs to this stack, not to the application.
 */
export function appBoundaryPolicyName(stage: string): string {
  // IAM managed policy names may be 128 characters long.
  return new Naming(CI_PROJECT, stage).name('app-boundary', 128);
}

export interface CiAccessStackProps {
  readonly config: AppConfig;
  readonly ciAccess: CiAccessConfig;
}

/**
 * GitHub Actions' access to AWS for one repository: the account's GitHub OIDC provider (unless an
 * existing one is reused), two roles and the permissions boundary of the application's roles.
 *
 * - plan role: assumable by `pull_request` jobs of the repository; reads state and resources and
 *   takes the state lock, nothing else.
 * - deploy role: assumable by jobs running in the repository's deploy environment; changes the
 *   application stack's resources only, and creates or changes application roles only when they
 *   carry the boundary. One inline policy and managed policies of its own (IAM's size quotas).
 * - app boundary: a managed policy capping every application role at what the application needs;
 *   the application stack sets it when `ROLE_PERMISSIONS_BOUNDARY_ARN` names it.
 *
 * It keeps its state in the same bucket as the application. It is applied by a person with
 * administrator rights, never by CI: the deploy role has no permission on this stack's resources.
 */
export class CiAccessStack extends TerraformStack {
  readonly planRole: GithubActionsRole;
  readonly deployRole: GithubActionsRole;
  readonly appBoundary: IamPolicy;

  constructor(scope: Construct, id: string, props: CiAccessStackProps) {
    super(scope, id);
    const { config, ciAccess } = props;

    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { project: APP_PROJECT, stage: config.stage, 'managed-by': 'cdktf' } }],
    });
    addS3Backend(this, { ...config.state, key: ciAccess.stateKey });

    const providerArn = ciAccess.oidcProviderArn ?? new GithubOidcProvider(this, 'github-oidc').provider.arn;
    const roleNames = ciRoleNames(config.stage);
    const policyScope: CiPolicyScope = {
      partition: partitionOf(config.region),
      region: config.region,
      accountId: new DataAwsCallerIdentity(this, 'account').accountId,
      appPrefix: new Naming(APP_PROJECT, config.stage).prefix,
      appTags: new Naming(APP_PROJECT, config.stage).tags,
      stateBucket: config.state.bucket,
      appStateKey: config.state.key,
      ciAccessStateKey: ciAccess.stateKey,
      ciRoleNames: [roleNames.plan, roleNames.deploy],
      oidcProviderArn: providerArn,
      appBoundaryPolicyName: appBoundaryPolicyName(config.stage),
    };

    this.appBoundary = new IamPolicy(this, 'app-boundary', {
      name: policyScope.appBoundaryPolicyName,
      description: `Permissions boundary of every ${policyScope.appPrefix} role: the most any of them may do.`,
      policy: policyDocument(appBoundaryStatements(policyScope)),
    });

    this.planRole = new GithubActionsRole(this, 'plan-role', {
      roleName: roleNames.plan,
      description: `Plans the ${APP_PROJECT} stacks for pull requests of ${ciAccess.repository} (read-only).`,
      providerArn,
      subject: pullRequestSubject(ciAccess.repository),
      statements: planRoleStatements(policyScope),
    });
    const deployPolicies = deployRolePolicies(policyScope);
    this.deployRole = new GithubActionsRole(this, 'deploy-role', {
      roleName: roleNames.deploy,
      description: `Deploys ${APP_PROJECT}-${config.stage} from the ${ciAccess.deployEnvironment} environment of ${ciAccess.repository}.`,
      providerArn,
      subject: environmentSubject(ciAccess.repository, ciAccess.deployEnvironment),
      // More than one inline policy may hold: the rest in managed policies of its own (docs/ci.md).
      statements: deployPolicies.inline,
      managedPolicies: deployPolicies.managed,
    });

    // The values of the AWS_PLAN_ROLE_ARN and AWS_DEPLOY_ROLE_ARN repository variables.
    new TerraformOutput(this, 'plan_role_arn', { value: this.planRole.role.arn });
    new TerraformOutput(this, 'deploy_role_arn', { value: this.deployRole.role.arn });
    new TerraformOutput(this, 'oidc_provider_arn', { value: providerArn });
    // The value of the APP_PERMISSIONS_BOUNDARY_ARN repository variable (ROLE_PERMISSIONS_BOUNDARY_ARN of the app).
    new TerraformOutput(this, 'app_permissions_boundary_arn', { value: this.appBoundary.arn });
  }
}
