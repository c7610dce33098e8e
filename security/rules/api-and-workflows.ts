/** Rules for the HTTP API and the state machines. */
import { valueAt } from '../../local/terraform/document';
import type { Rule } from '../engine';
import { fail, pass, present } from './verdicts';

/** See `security/rules.ts`. */
export const API_AND_WORKFLOW_RULES: readonly Rule[] = [
  // --- API Gateway ---------------------------------------------------------------------------
  {
    ids: ['CKV_AWS_76', 'AWS-0001'],
    title: 'API Gateway stages have access logging',
    resourceTypes: ['aws_apigatewayv2_stage', 'aws_api_gateway_stage'],
    mirrors:
      "checkov: `access_log_settings[0].destination_arn` has any value (APIGatewayAccessLogging.py). trivy: the stage's access-log CloudWatch log group ARN is not empty. Same test here, on the resolved ARN.",
    check: (stage) =>
      present(valueAt(stage.config, 'access_log_settings.destination_arn'))
        ? pass
        : fail('no access_log_settings.destination_arn'),
  },
  {
    ids: ['CKV_AWS_309'],
    title: 'API Gateway v2 routes require authorization',
    resourceTypes: ['aws_apigatewayv2_route'],
    mirrors:
      'checkov: `authorization_type` is one of AWS_IAM, CUSTOM, JWT; absent (NONE by default) fails (APIGatewayV2RouteDefinesAuthorizationType.py). Same here. `API_AUTH=NONE` breaks this rule on purpose (local demos only).',
    check: (route) => {
      const type = route.config['authorization_type'];
      return typeof type === 'string' && ['AWS_IAM', 'CUSTOM', 'JWT'].includes(type)
        ? pass
        : fail(`authorization_type is ${JSON.stringify(type ?? 'NONE')}`);
    },
  },
  {
    ids: ['CKV2_AWS_77'],
    title: 'API Gateway APIs are behind a WAF web ACL with the Log4j managed rules',
    resourceTypes: ['aws_apigatewayv2_api'],
    mirrors:
      'checkov graph check: an aws_apigatewayv2_api (or REST stage) fails without a connected aws_wafv2_web_acl_association, and with one unless the web ACL uses AWSManagedRulesKnownBadInputsRuleSet and AWSManagedRulesAnonymousIpList. We check only the first half, loosely: the stack has any aws_wafv2_web_acl_association (an HTTP API cannot have one at all).',
    check: (api, context) =>
      context.resources.some((r) => r.type === 'aws_wafv2_web_acl_association' && r.stack === api.stack)
        ? pass
        : fail('no aws_wafv2_web_acl_association'),
  },

  // --- Step Functions -------------------------------------------------------------------------
  {
    ids: ['CKV_AWS_284'],
    title: 'State machines have X-Ray tracing',
    resourceTypes: ['aws_sfn_state_machine'],
    mirrors: 'checkov: `tracing_configuration[0].enabled` is true (StateMachineXray.py). Same here.',
    check: (machine) =>
      valueAt(machine.config, 'tracing_configuration.enabled') === true
        ? pass
        : fail('tracing_configuration.enabled is not true'),
  },
  {
    ids: ['CKV_AWS_285'],
    title: 'State machines log execution data',
    resourceTypes: ['aws_sfn_state_machine'],
    mirrors:
      'checkov: `logging_configuration[0].include_execution_data` is true (StateMachineLoggingExecutionHistory.py), despite its title about "execution history". Same here; waived by default (user data), see AAPI_SFN_LOGGING for the logging we do require.',
    check: (machine) =>
      valueAt(machine.config, 'logging_configuration.include_execution_data') === true
        ? pass
        : fail('logging_configuration.include_execution_data is not true'),
  },
  {
    ids: ['AAPI_SFN_LOGGING'],
    title: 'State machines log to CloudWatch Logs at level ALL, ERROR or FATAL',
    resourceTypes: ['aws_sfn_state_machine'],
    mirrors:
      'Own rule (what CKV_AWS_285\'s title promises): `logging_configuration.level` is not OFF and `log_destination` is a log group ARN ending in ":*", the form Step Functions requires.',
    check: (machine) => {
      const level = valueAt(machine.config, 'logging_configuration.level');
      const destination = valueAt(machine.config, 'logging_configuration.log_destination');
      const problems: string[] = [];
      if (typeof level !== 'string' || !['ALL', 'ERROR', 'FATAL'].includes(level))
        problems.push(`logging level is ${JSON.stringify(level ?? 'OFF')}`);
      if (typeof destination !== 'string' || !/^arn:[^:]+:logs:[^:]+:\d{12}:log-group:.+:\*$/.test(destination)) {
        problems.push(`log_destination ${JSON.stringify(destination)} is not a log group ARN ending in ":*"`);
      }
      return problems;
    },
  },
];
