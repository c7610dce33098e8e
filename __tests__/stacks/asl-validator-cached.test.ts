import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateAsl } from './asl-validator-cached';
import { tempBuildDir } from './helpers';

const VALID = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };
const INVALID = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } };

/**
 * Stands in for asl-validator (whose every call compiles its schemas: asl.test.ts runs the real one):
 * invalid when a Next names a missing state, and it adds a default to what it is given, as asl-validator does.
 */
function fakeValidator() {
  return jest.fn((definition: object) => {
    const d = definition as { States: Record<string, { Next?: string; QueryLanguage?: string }> };
    const missing = Object.values(d.States).flatMap((s) => (s.Next && !(s.Next in d.States) ? [s.Next] : []));
    for (const state of Object.values(d.States)) state.QueryLanguage ??= 'JSONPath';
    return { isValid: missing.length === 0, errorsText: (sep = ', ') => missing.map((m) => `no state ${m}`).join(sep) };
  });
}

describe('validateAsl (asl-validator, remembered by content)', () => {
  it("gives the validator's verdict and errors, valid or not", () => {
    const folder = tempBuildDir();

    expect(validateAsl(VALID, folder, fakeValidator())).toEqual({ isValid: true, errorsText: '' });
    expect(validateAsl(INVALID, folder, fakeValidator())).toEqual({ isValid: false, errorsText: 'no state Missing' });
  });

  it('validates a content once, and again as soon as one character differs', () => {
    const folder = tempBuildDir();
    const validate = fakeValidator();

    validateAsl(VALID, folder, validate);
    validateAsl(structuredClone(VALID), folder, validate);
    expect(validate).toHaveBeenCalledTimes(1);

    expect(validateAsl({ ...VALID, StartAt: 'B' }, folder, validate).isValid).toBe(true);
    expect(validate).toHaveBeenCalledTimes(2);
    expect(readdirSync(folder).filter((f) => f.endsWith('.json'))).toHaveLength(2);
  });

  it('reads an invalid verdict back as invalid, without validating again', () => {
    const folder = tempBuildDir();
    validateAsl(INVALID, folder, fakeValidator());

    const validate = fakeValidator();
    expect(validateAsl(INVALID, folder, validate)).toEqual({ isValid: false, errorsText: 'no state Missing' });
    expect(validate).not.toHaveBeenCalled();
  });

  it('validates again when the kept file is unreadable, and never changes the definition it is given', () => {
    const folder = tempBuildDir();
    const definition = structuredClone(INVALID);
    validateAsl(definition, folder, fakeValidator());
    for (const f of readdirSync(folder)) writeFileSync(join(folder, f), '{"isValid": tr');

    const validate = fakeValidator();
    expect(validateAsl(definition, folder, validate).isValid).toBe(false);
    expect(validate).toHaveBeenCalledTimes(1);
    expect(definition).toEqual(INVALID);
  });
});
