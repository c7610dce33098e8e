import { SfnError } from '../../../local/stepfunctions/errors';
import { parseExecutionArn, parseExecutionInput, validateExecutionName } from '../../../local/stepfunctions/validation';

function codeOf(act: () => unknown): string | undefined {
  try {
    act();
    return undefined;
  } catch (err) {
    return err instanceof SfnError ? err.code : 'not an SfnError';
  }
}

describe('Standard workflow input rules', () => {
  it.each([
    ['a'.repeat(80), undefined],
    ['a'.repeat(81), 'InvalidName'],
    ['', 'InvalidName'],
    ['ramen-1_ok', undefined],
    ['ラーメン', undefined],
    ['has space', 'InvalidName'],
    ['semi;colon', 'InvalidName'],
    ['slash/name', 'InvalidName'],
    ['dollar$', 'InvalidName'],
    ['tab\tname', 'InvalidName'],
    ['bell\u0007', 'InvalidName'],
  ])('name %j → %s', (name, code) => {
    // Act / Assess
    expect(codeOf(() => validateExecutionName(name))).toBe(code);
  });

  it('uses AWS wording for a bad name', () => {
    // Act / Assess
    expect(() => validateExecutionName('a b')).toThrow("Invalid Name: 'a b'");
  });

  it('accepts 256 KiB of input and refuses one byte more, and refuses non-JSON', () => {
    // Prepare: a JSON string literal of exactly 262144 bytes
    const exact = JSON.stringify('x'.repeat(262_144 - 2));

    // Act / Assess
    expect(codeOf(() => parseExecutionInput(exact))).toBeUndefined();
    expect(codeOf(() => parseExecutionInput(JSON.stringify('x'.repeat(262_144 - 1))))).toBe('InvalidExecutionInput');
    expect(codeOf(() => parseExecutionInput('{oops'))).toBe('InvalidExecutionInput');
  });

  it.each([
    ['é', 2],
    ['€', 3],
    ['😀', 4],
  ])(
    'counts input in UTF-8 bytes, not characters: %s (%i bytes) up to exactly 256 KiB, then one byte more',
    (char, size) => {
      // Prepare: a JSON string literal of exactly 262144 bytes made mostly of `char`, padded with ASCII
      const count = Math.floor((262_144 - 2) / size);
      const exact = JSON.stringify(char.repeat(count) + 'x'.repeat(262_144 - 2 - count * size));
      const over = JSON.stringify(`${char.repeat(count)}${'x'.repeat(262_144 - 2 - count * size)}x`);

      // Act / Assess
      expect(Buffer.byteLength(exact)).toBe(262_144);
      expect(codeOf(() => parseExecutionInput(exact))).toBeUndefined();
      expect(() => parseExecutionInput(over)).toThrow("'input is 262145 bytes; the limit is 262144 bytes'");
    },
  );

  it('parses execution ARNs and refuses others with InvalidArn', () => {
    // Act / Assess
    expect(parseExecutionArn('arn:aws:states:us-east-1:123456789012:execution:m:n')).toEqual({
      region: 'us-east-1',
      accountId: '123456789012',
      stateMachineName: 'm',
      executionName: 'n',
    });
    expect(codeOf(() => parseExecutionArn('arn:aws:states:us-east-1:123456789012:stateMachine:m'))).toBe('InvalidArn');
    expect(codeOf(() => parseExecutionArn('nonsense'))).toBe('InvalidArn');
  });
});
