/**
 * asl-validator's verdict on a definition, remembered between runs by the definition's content.
 *
 * asl-validator compiles its fifteen JSON schemas with Ajv on every call: most of `asl.test.ts`'s time
 * and the largest single cost in the unit tests' inner loop (`node --cpu-prof`, issue 22).
 * Its verdict depends only on the definition and on asl-validator itself, so it is kept in the
 * checkout (`.build/asl-validator/`, git-ignored, as jest's own cache) under a digest of both: an
 * edit to an ASL file, or to what renders it, gives another digest and the validator runs again; a
 * new version of asl-validator does too. Nothing else is read from the folder.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import aslValidator from 'asl-validator';

const { writeAside } = require('../write-aside.cjs') as { writeAside(file: string, text: string): void };

/** What a test reads of asl-validator's answer. */
export interface AslVerdict {
  readonly isValid: boolean;
  /** asl-validator's `errorsText('\n')`: empty when valid. */
  readonly errorsText: string;
}

// asl-validator's main is dist/src/validator.js; its package.json is three folders up.
const ASL_VALIDATOR_PACKAGE = join(require.resolve('asl-validator'), '..', '..', '..', 'package.json');
const ASL_VALIDATOR_VERSION: string = JSON.parse(readFileSync(ASL_VALIDATOR_PACKAGE, 'utf8')).version;

/** Default folder: `.build/asl-validator/` in this checkout. */
export const ASL_VERDICT_DIR = join(__dirname, '..', '..', '.build', 'asl-validator');

/**
 * asl-validator's verdict on `definition`, from the folder when this content was validated before.
 * @param validate the validator (a test may pass a spy); called on a copy, since it adds defaults
 */
export function validateAsl(
  definition: object,
  folder: string = ASL_VERDICT_DIR,
  validate: (definition: object) => { isValid: boolean; errorsText(separator?: string): string } = aslValidator,
): AslVerdict {
  const text = JSON.stringify(definition);
  const key = createHash('sha256').update(`asl-validator ${ASL_VALIDATOR_VERSION}\0${text}`).digest('hex');
  const file = join(folder, `${key}.json`);
  try {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as AslVerdict;
    if (typeof kept.isValid === 'boolean' && typeof kept.errorsText === 'string') return kept;
  } catch {
    // not validated before (or a half-written file): validate
  }
  const result = validate(JSON.parse(text) as object);
  const verdict: AslVerdict = { isValid: result.isValid, errorsText: result.errorsText('\n') };
  // A worker reading at the same time never sees half a file.
  writeAside(file, JSON.stringify(verdict));
  return verdict;
}
