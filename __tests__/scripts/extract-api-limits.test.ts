import { limitsOf, MEMBERS } from '../../scripts/limits/extract-api-limits';
import apiLimits from '../../stacks/validation/aws-api-limits.json';
import { RULES, STRICTER } from '../../stacks/validation/limit-rules';

describe('limitsOf', () => {
  // A model in botocore's service-2.json shape, as small as the walk needs.
  const model = {
    operations: { CreateThing: { input: { shape: 'CreateThingRequest' } } },
    shapes: {
      CreateThingRequest: {
        type: 'structure',
        members: { Name: { shape: 'Name' }, Config: { shape: 'Config' }, Kinds: { shape: 'KindList' } },
      },
      Name: { type: 'string', min: 1, max: 64, pattern: '[a-z]+', documentation: 'ignored' },
      Config: { type: 'structure', members: { Timeout: { shape: 'Timeout' } } },
      Timeout: { type: 'integer', min: 1, max: 900 },
      KindList: { type: 'list', member: { shape: 'Kind' }, min: 1, max: 1 },
      Kind: { type: 'string', enum: ['b', 'a'] },
    },
  };

  it("reads a member's min, max and pattern, a nested member's range, and a list element's enum (sorted)", () => {
    expect(limitsOf(model, 'CreateThing.Name')).toEqual({ type: 'string', min: 1, max: 64, pattern: '[a-z]+' });
    expect(limitsOf(model, 'CreateThing.Config.Timeout')).toEqual({ type: 'integer', min: 1, max: 900 });
    expect(limitsOf(model, 'CreateThing.Kinds[]')).toEqual({ type: 'string', enum: ['a', 'b'] });
  });

  it('names the member it cannot find', () => {
    expect(() => limitsOf(model, 'CreateThing.Nmae')).toThrow('CreateThing.Nmae: no member Nmae');
  });
});

describe('stacks/validation/aws-api-limits.json', () => {
  const services = apiLimits.services as Record<string, Record<string, unknown>>;

  it('holds every member the extractor lists, and says where it came from', () => {
    const listed = Object.entries(MEMBERS).flatMap(([service, paths]) =>
      paths.map((p) => `${service.split('/')[0]}:${p}`),
    );
    const held = Object.entries(services).flatMap(([service, members]) =>
      Object.keys(members).map((m) => `${service}:${m}`),
    );

    expect(held.sort()).toEqual(listed.sort());
    expect(apiLimits.source).toMatch(/^botocore \d+\.\d+\.\d+ /);
  });

  it('has limits for every member a rule checks (from the model or a documented stricter limit)', () => {
    const members = Object.values(RULES).flatMap((rules) => rules.flatMap((r) => (r.member ? [r.member] : [])));
    const missing = members.filter((m) => {
      const [service, path] = m.split(':') as [string, string];
      return services[service]?.[path] === undefined && STRICTER[m] === undefined;
    });

    expect(members.length).toBeGreaterThan(40);
    expect(missing).toEqual([]);
    for (const stricter of Object.values(STRICTER)) expect(stricter.source.length).toBeGreaterThan(10);
  });
});
