/**
 * An AWS_IAM route called with a role's credentials (a function's, say): API Gateway lets it through
 * only if the role may call `execute-api:Invoke` on the route, and refuses it with 403 before the
 * integration runs otherwise (local/apigw/gateway.ts). The local developer may call every route.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { type GatewayRequest, HttpApiGateway } from '../../../local/apigw/gateway';
import { CredentialStore, type LocalCredential } from '../../../local/auth/credentials';
import { IamAuthorizer } from '../../../local/iam/authorizer';
import type { LambdaService } from '../../../local/lambda/types';
import { LOCAL_ACCOUNT_ID } from '../../../local/runtime';
import type { StepFunctionsService } from '../../../local/stepfunctions/service';
import { buildStackModel, type RoleModel, type StackModel } from '../../../local/terraform/model';
import { loadSynthesizedStack } from '../../../local/terraform/stack';
import { DEFAULT_SETTINGS, synthesize } from '../helpers';

const PATH = '/start-execution';

describe('an AWS_IAM route called with role credentials', () => {
  let dir: string;
  let model: StackModel;
  let credentials: CredentialStore;
  let gateway: HttpApiGateway;
  const started: unknown[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iam-callers-'));
    const { doc, stackDir } = loadSynthesizedStack(synthesize({ ...DEFAULT_SETTINGS, API_AUTH: 'AWS_IAM' }));
    const built = buildStackModel(doc, stackDir, {
      accountId: LOCAL_ACCOUNT_ID,
      partition: 'aws',
      apiEndpoint: 'http://127.0.0.1:3000',
    });
    // A role allowed to call this one route, beside the stack's own roles (none of which may)
    const caller: RoleModel = {
      address: 'aws_iam_role.api_caller',
      name: 'api-caller',
      arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/api-caller`,
      trustPolicy: { Statement: [] },
      policies: [
        {
          name: 'invoke',
          source: 'aws_iam_role_policy.api_caller',
          document: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: 'execute-api:Invoke',
                Resource: `${built.api.executionArn}/${built.api.stage.name}/POST${PATH}`,
              },
            ],
          },
        },
      ],
    };
    model = { ...built, roles: [...built.roles, caller] };
    credentials = CredentialStore.open(dir, LOCAL_ACCOUNT_ID);
    // Step Functions as the integration reaches it: only whether it was called matters here
    const sfn = {
      call: async (operation: string, _caller: unknown, request: unknown) => {
        started.push({ operation, request });
        return { executionArn: `arn:aws:states:us-east-1:${LOCAL_ACCOUNT_ID}:execution:m:n`, startDate: 1 };
      },
    } as unknown as StepFunctionsService;
    gateway = new HttpApiGateway({
      model,
      sfn,
      lambda: {} as LambdaService,
      iam: await IamAuthorizer.create(model, () => undefined),
      credentials,
    });
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    started.length = 0;
  });

  async function signedRequest(credential: LocalCredential): Promise<GatewayRequest> {
    const body = '{"input":{"seconds":0}}';
    const signer = new SignatureV4({
      credentials: credential,
      region: model.region,
      service: 'execute-api',
      sha256: Sha256,
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 3000,
      path: PATH,
      headers: { host: '127.0.0.1:3000', 'content-type': 'application/json' },
      body,
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = String(v);
    return {
      method: 'POST',
      rawPath: PATH,
      rawQuery: '',
      headers,
      body: Buffer.from(body),
      sourceIp: '127.0.0.1',
      protocol: 'HTTP/1.1',
      receivedAt: Date.now(),
    };
  }

  it('refuses a role without execute-api:Invoke on the route with 403, naming it, and starts nothing', async () => {
    // Prepare: the role of one of the stack's own functions
    const functionRole = model.functions[0]!.roleArn;

    // Act
    const response = await gateway.handle(await signedRequest(credentials.forRole(functionRole)));

    // Assess
    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body.toString()).message).toMatch(
      new RegExp(`assumed-role/${functionRole.split('/').pop()}/.* is not authorized to perform: execute-api:Invoke`),
    );
    expect(started).toEqual([]);
  });

  it('lets a role that may invoke the route through, and the developer too', async () => {
    // Act
    const asRole = await gateway.handle(
      await signedRequest(credentials.forRole(`arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/api-caller`)),
    );
    const asDeveloper = await gateway.handle(await signedRequest(credentials.developer));

    // Assess
    expect(asRole.statusCode).toBe(200);
    expect(asDeveloper.statusCode).toBe(200);
    expect(started).toHaveLength(2);
  });
});
