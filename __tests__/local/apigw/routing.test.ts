import { clfTime, renderAccessLog } from '../../../local/apigw/access-log';
import { checkJwt, localToken } from '../../../local/apigw/jwt';
import { RouteTable } from '../../../local/apigw/routes';
import { StageThrottle } from '../../../local/apigw/throttle';
import type { AuthorizerModel, RouteModel, StageModel } from '../../../local/terraform/model';

function route(routeKey: string): RouteModel {
  const [method, path] = routeKey === '$default' ? [undefined, undefined] : routeKey.split(' ');
  return {
    address: routeKey,
    id: routeKey,
    routeKey,
    ...(method ? { method } : {}),
    ...(path ? { path } : {}),
    authorizationType: 'NONE',
    authorizationScopes: [],
  };
}

describe('RouteTable', () => {
  const table = new RouteTable(
    ['POST /jobs/{id}', 'POST /jobs/special', 'ANY /jobs/special', 'GET /{proxy+}', '$default'].map(route),
  );

  it.each([
    ['POST', '/jobs/special', 'POST /jobs/special'],
    ['PUT', '/jobs/special', 'ANY /jobs/special'],
    ['POST', '/jobs/7', 'POST /jobs/{id}'],
    ['GET', '/a/b/c', 'GET /{proxy+}'],
    ['DELETE', '/nothing', '$default'],
  ])('%s %s selects %s', (method, path, expected) => {
    // Act / Assess
    expect(table.match(method, path)?.route.routeKey).toBe(expected);
  });

  it('extracts path parameters and answers nothing without a $default route', () => {
    // Prepare
    const strict = new RouteTable([route('POST /jobs/{id}')]);

    // Act / Assess
    expect(strict.match('POST', '/jobs/a%20b')?.pathParameters).toEqual({ id: 'a b' });
    expect(strict.match('POST', '/jobs')).toBeUndefined();
    expect(strict.match('GET', '/jobs/1')).toBeUndefined();
  });
});

describe('StageThrottle', () => {
  it('allows the burst, then refills at the rate', () => {
    // Prepare
    let now = 0;
    const stage: StageModel = {
      address: 's',
      name: '$default',
      throttling: { rateLimit: 2, burstLimit: 3 },
      routeThrottling: {},
    };
    const throttle = new StageThrottle(stage, () => now);

    // Act
    const burst = [1, 2, 3, 4].map(() => throttle.take('POST /a'));
    now = 500; // half a second at 2/s refills one token
    const afterRefill = [throttle.take('POST /a'), throttle.take('POST /a')];
    const otherRoute = throttle.take('POST /b');

    // Assess
    expect(burst).toEqual([true, true, true, false]);
    expect(afterRefill).toEqual([true, false]);
    expect(otherRoute).toBe(true);
  });
});

describe('renderAccessLog', () => {
  it('substitutes $context variables and writes "-" for absent ones', () => {
    // Act
    const line = renderAccessLog(
      '{"id":"$context.requestId","ip":"$context.identity.sourceIp","err":"$context.error.message","s":$context.status}',
      {
        requestId: 'r1',
        'identity.sourceIp': '127.0.0.1',
        status: 404,
      },
    );

    // Assess
    expect(JSON.parse(line)).toEqual({ id: 'r1', ip: '127.0.0.1', err: '-', s: 404 });
  });

  it('formats request time like API Gateway', () => {
    // Act / Assess
    expect(clfTime(Date.UTC(2024, 2, 5, 7, 8, 9))).toBe('05/Mar/2024:07:08:09 +0000');
  });

  it('formats each second of request time on its own, up to its last millisecond and from the next', () => {
    // Prepare: the text is kept per second, so calls in one second must not leak into the next
    const second = Date.UTC(2024, 11, 31, 23, 59, 59);

    // Act / Assess
    expect(clfTime(second)).toBe('31/Dec/2024:23:59:59 +0000');
    expect(clfTime(second + 999)).toBe('31/Dec/2024:23:59:59 +0000');
    expect(clfTime(second + 1000)).toBe('01/Jan/2025:00:00:00 +0000');
    expect(clfTime(second + 999)).toBe('31/Dec/2024:23:59:59 +0000');
    expect(clfTime(second - 1)).toBe('31/Dec/2024:23:59:58 +0000');
  });
});

describe('checkJwt', () => {
  const authorizer: AuthorizerModel = {
    address: 'a',
    id: 'a',
    type: 'JWT',
    identitySources: ['$request.header.Authorization'],
    issuer: 'https://issuer.example',
    audience: ['client-1'],
  };
  const now = Date.UTC(2030, 0, 1);
  const valid = { iss: 'https://issuer.example', aud: 'client-1', exp: now / 1000 + 60, scope: 'jobs/write' };

  it.each([
    ['a valid token', valid, true],
    ['an expired token', { ...valid, exp: now / 1000 - 1 }, false],
    ['a token expiring this very second (exp must be after now)', { ...valid, exp: now / 1000 }, false],
    ['a token with one second left', { ...valid, exp: now / 1000 + 1 }, true],
    ['a token valid from this very second', { ...valid, nbf: now / 1000 }, true],
    ['a token valid from the next second', { ...valid, nbf: now / 1000 + 1 }, false],
    ['another issuer', { ...valid, iss: 'https://evil.example' }, false],
    ['another audience', { ...valid, aud: 'client-2' }, false],
    ['an access token with client_id', { iss: valid.iss, client_id: 'client-1', exp: valid.exp }, true],
  ])('%s → ok=%s', (_label, claims, ok) => {
    // Act
    const result = checkJwt(authorizer, [], { authorization: `Bearer ${localToken(claims)}` }, now);

    // Assess
    expect(result.ok).toBe(ok);
  });

  it('requires one of the route scopes and a token at all', () => {
    // Act / Assess
    expect(checkJwt(authorizer, ['jobs/admin'], { authorization: `Bearer ${localToken(valid)}` }, now).ok).toBe(false);
    expect(checkJwt(authorizer, ['jobs/write'], { authorization: `Bearer ${localToken(valid)}` }, now).ok).toBe(true);
    expect(checkJwt(authorizer, [], {}, now)).toEqual({ ok: false, description: 'no token' });
  });
});
