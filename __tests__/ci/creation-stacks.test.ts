/**
 * __tests__/setup.ts shortens cdktf's token creation records in tests, and formats them only when
 * read. What cdktf does with them must still work: a resolution error names where the token was made.
 */
import { Lazy, TerraformOutput, TerraformStack, Testing } from 'cdktf';

function makeToken(produce: () => string) {
  return Lazy.stringValue({ produce });
}

describe("tests' cdktf creation records", () => {
  it('hold at most ten frames, the first naming the code that made the token', () => {
    // Act
    const record = (Lazy.anyValue({ produce: () => 1 }) as unknown as { creationStack: string[] }).creationStack;

    // Assess
    expect(record.length).toBeGreaterThan(0);
    expect(record.length).toBeLessThanOrEqual(10);
    expect(record.join('\n')).toMatch(/creation-stacks\.test\.ts/);
    expect([...record]).toEqual(Array.from({ length: record.length }, (_, i) => record[i]));
  });

  it("show in a resolution error's message, as cdktf writes it", () => {
    // Prepare
    const stack = new TerraformStack(Testing.app(), 'creation-stacks');
    new TerraformOutput(stack, 'broken', {
      value: makeToken(() => {
        throw new Error('no value');
      }),
    });

    // Act / Assess
    expect(() => Testing.synth(stack)).toThrow(
      /Resolution error: no value\.\nObject creation stack:\n {2}at new LazyBase [\s\S]*\n {2}at makeToken .*creation-stacks\.test\.ts/,
    );
  });

  it("leave a real error's stack to jest, which names this file", () => {
    expect(new Error('real').stack).toMatch(/^Error: real\n {4}at .*creation-stacks\.test\.ts:\d+:\d+/);
  });
});
