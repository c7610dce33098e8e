import { BODY_JSONPATH_LIMIT, evaluateMapping, MappingError, type MappingSource } from '../../../local/apigw/mapping';

function source(overrides: Partial<MappingSource> = {}): MappingSource {
  return {
    headers: { 'x-trace': 'abc', 'x-multi': 'a,b' },
    query: { page: '2' },
    path: '/jobs/42',
    pathParameters: { id: '42' },
    body: JSON.stringify({ input: { seconds: 3 }, name: 'job-1', list: [{ v: 'first' }], n: 7 }),
    context: { requestId: 'req-1', 'identity.sourceIp': '127.0.0.1' },
    stageVariables: { env: 'dev' },
    ...overrides,
  };
}

describe('evaluateMapping', () => {
  it.each([
    ['$request.body.input', '{"seconds":3}'],
    ['$request.body.name', 'job-1'],
    ['$request.body.n', '7'],
    ['$request.body.list[0].v', 'first'],
    ['$request.header.X-Trace', 'abc'],
    ['$request.header.x-multi', 'a,b'],
    ['$request.querystring.page', '2'],
    ['$request.path.id', '42'],
    ['$request.path', '/jobs/42'],
    ['$context.requestId', 'req-1'],
    ['${context.identity.sourceIp}', '127.0.0.1'],
    ['$stageVariables.env', 'dev'],
    ['arn:aws:states:us-east-1:123456789012:stateMachine:m', 'arn:aws:states:us-east-1:123456789012:stateMachine:m'],
    ['job-${request.path.id}-${request.header.x-trace}', 'job-42-abc'],
  ])('%s → %s', (expression, expected) => {
    // Act / Assess
    expect(evaluateMapping(expression, source())).toBe(expected);
  });

  it('passes the whole body for $request.body', () => {
    // Prepare
    const body = '{"anything": [1, 2]}';

    // Act / Assess
    expect(evaluateMapping('$request.body', source({ body }))).toBe(body);
  });

  it('selects nothing for absent fields, so the parameter can be left out', () => {
    // Act / Assess
    expect(evaluateMapping('$request.body.missing', source())).toBeUndefined();
    expect(evaluateMapping('$request.header.absent', source())).toBeUndefined();
    expect(evaluateMapping('$context.nothing', source())).toBeUndefined();
  });

  it('parses a body once per request however many members map from it, and refuses each on a body that is not JSON', () => {
    // Prepare: one request's source, as the gateway builds it, mapped to a start's name and input
    const request = source();
    const broken = source({ body: '{"name": ' });
    const parse = jest.spyOn(JSON, 'parse');

    try {
      // Act
      const mapped = ['$request.body.name', '$request.body.input', '${request.body.n}-x'].map((e) =>
        evaluateMapping(e, request),
      );
      const parsesOfOne = parse.mock.calls.length;
      const refusals = ['$request.body.name', '$request.body.input'].map((e) => () => evaluateMapping(e, broken));

      // Assess
      expect(mapped).toEqual(['job-1', '{"seconds":3}', '7-x']);
      expect(parsesOfOne).toBe(1);
      for (const refused of refusals) expect(refused).toThrow(MappingError);
      expect(evaluateMapping('$request.body.name', source())).toBe('job-1');
      expect(parse).toHaveBeenCalledTimes(3);
    } finally {
      parse.mockRestore();
    }
  });

  it('refuses a JSON path on a body that is not JSON', () => {
    // Act / Assess
    expect(() => evaluateMapping('$request.body.input', source({ body: 'name=x' }))).toThrow(MappingError);
  });

  it('only reads the first 100 KB of the body for JSON paths, as API Gateway does', () => {
    // Prepare: valid JSON, but the part after 100 KB is cut away, which leaves invalid JSON
    const body = JSON.stringify({ input: { blob: 'x'.repeat(120 * 1024) }, name: 'n' });

    // Act / Assess
    expect(() => evaluateMapping('$request.body.name', source({ body }))).toThrow(MappingError);
    expect(evaluateMapping('$request.body', source({ body }))).toBe(body);
  });

  it('reads a body of exactly 100 KB of UTF-8 whole, and cuts one of a byte more', () => {
    // Prepare: {"name":"…"} is 11 bytes around the text; "€" is 3 bytes and 1 character
    const bodyOf = (bytes: number) => JSON.stringify({ name: '€'.repeat(1000) + 'x'.repeat(bytes - 11 - 3000) });
    const atLimit = bodyOf(BODY_JSONPATH_LIMIT);
    expect(Buffer.byteLength(atLimit)).toBe(BODY_JSONPATH_LIMIT);

    // Act / Assess
    expect(evaluateMapping('$request.body.name', source({ body: atLimit }))).toBe(JSON.parse(atLimit).name);
    expect(() => evaluateMapping('$request.body.name', source({ body: bodyOf(BODY_JSONPATH_LIMIT + 1) }))).toThrow(
      MappingError,
    );
  });
});
