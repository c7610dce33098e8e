import { join } from 'node:path';
import type { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Construct } from 'constructs';
import { jobWebhookStartRoute } from '../naming';
import type { HttpApi } from './http-api';
import { LambdaIntegration } from './lambda-integration';
import { NodejsFunction } from './nodejs-function';
import type { WebhookRegistrationTable } from './webhook-registrations';

/** Entry of the webhook start function. */
export const WEBHOOK_START_ENTRY = join(__dirname, '..', '..', 'lambda-src', 'webhook-start', 'index.ts');

/** Props of {@link WebhookStart}. */
export interface WebhookStartProps {
  readonly http: HttpApi;
  readonly functionName: string;
  readonly logGroupName: string;
  /** State machine ARN per job name: the only machines the function may start. */
  readonly machines: Readonly<Record<string, string>>;
  /** Where the function keeps each execution's webhook URL for the sender. */
  readonly registrations: WebhookRegistrationTable;
  /** Folder for the bundle, outside the source tree. */
  readonly buildDir: string;
  readonly logRetentionDays: number;
}

/**
 * `POST /<job>/start-execution-with-webhook` for every job: a Lambda that refuses a webhook URL AWS
 * should never call (400, nothing started), keeps the URL in the registration table under the
 * execution's ARN, and starts the job with the caller's input untouched. A Lambda, because an HTTP API's parameter mapping cannot validate a body member
 * (docs/aws-behaviour.md §11); the plain start routes stay direct Step Functions integrations.
 *
 * Every resource it creates is a public readonly property.
 */
export class WebhookStart extends Construct {
  readonly function: NodejsFunction;
  readonly integration: LambdaIntegration;
  /** The routes, by job name. */
  readonly routes: Readonly<Record<string, Apigatewayv2Route>>;

  constructor(scope: Construct, id: string, props: WebhookStartProps) {
    super(scope, id);
    this.function = new NodejsFunction(this, 'function', {
      functionName: props.functionName,
      description: 'Starts a job with a webhook URL after checking the URL (POST /<job>/start-execution-with-webhook).',
      entry: WEBHOOK_START_ENTRY,
      buildDir: props.buildDir,
      // The same variable and format as the list, history and redrive functions read.
      environment: { JOB_STATE_MACHINES: JSON.stringify(props.machines), ...props.registrations.environment },
      // Below its integration's 10 s, as for the status function (stacks/validation checks it).
      timeoutSeconds: 8,
      memorySizeMb: 256,
      logGroupName: props.logGroupName,
      logRetentionDays: props.logRetentionDays,
      statements: [
        { sid: 'StartJobExecutions', actions: ['states:StartExecution'], resources: Object.values(props.machines) },
        props.registrations.registerStatement,
      ],
    });
    this.integration = new LambdaIntegration(this, 'integration', {
      apiId: props.http.api.id,
      apiExecutionArn: props.http.api.executionArn,
      functionName: this.function.function.functionName,
      functionInvokeArn: this.function.function.invokeArn,
      // Any job's route, and no other path of the API.
      routePath: '/*/start-execution-with-webhook',
    });
    const routes: Record<string, Apigatewayv2Route> = {};
    for (const job of Object.keys(props.machines)) {
      routes[job] = props.http.addRoute(
        `${job}-webhook-start-route`,
        jobWebhookStartRoute(job).key,
        this.integration.integration.id,
      );
    }
    this.routes = routes;
  }
}
