/**
 * The table of what the Terraform AWS provider calls, per resource and data-source type the stacks
 * use: which IAM actions it needs to plan (read), apply (create and update, tagging with the default
 * tags included) and destroy, on which resource and with which request context, each row with where
 * the facts come from. The CI tests simulate the plan and deploy roles on every call
 * (`__tests__/security/terraform-actions.test.ts`), and fail on a type the table does not know.
 *
 * To add a type: add its row to the file of the stack that uses it (`application.ts` or
 * `application-messaging.ts` for the application stack, `bootstrap.ts` for `ci-access` and
 * `state-bucket`), or a new file joined here.
 */
import { APPLICATION_ACTIONS } from './application';
import { OPERATIONS_ACTIONS } from './application-operations';
import { CI_ACCESS_ACTIONS, STATE_BUCKET_ACTIONS } from './bootstrap';
import type { TypeActions } from './types';

export type { ProviderCall, TagContext, Target, TypeActions } from './types';

/** Keys: resource types (`aws_sqs_queue`) and data sources (`data.aws_caller_identity`). */
export const TERRAFORM_ACTIONS: Readonly<Record<string, TypeActions>> = {
  ...APPLICATION_ACTIONS,
  ...OPERATIONS_ACTIONS,
  ...CI_ACCESS_ACTIONS,
  ...STATE_BUCKET_ACTIONS,
};

/** Phases of a Terraform run, in the table's words. */
export const PHASES = ['read', 'apply', 'destroy'] as const;
export type Phase = (typeof PHASES)[number];
