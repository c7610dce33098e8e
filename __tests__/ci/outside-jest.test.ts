/**
 * jest.config.js hands cdktf, constructs and the AWS provider's classes to Node.js
 * (__tests__/outside-jest-transform.cjs): a test file gets the worker's one copy, and cdktf's token
 * map is emptied after each file (__tests__/cdktf-outside-jest.cjs).
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import * as cdktf from 'cdktf';
import { Construct } from 'constructs';

const outside = require('../outside-jest.cjs') as (id: string) => unknown;
const { forgetTokens } = outside('./cdktf-outside-jest.cjs') as { forgetTokens(): void };

describe('modules loaded once per worker', () => {
  it('gives a test file the copies Node.js loaded, so classes are the same on both sides', () => {
    expect(cdktf).toBe(outside('cdktf'));
    expect(Construct).toBe((outside('constructs') as { Construct: unknown }).Construct);
    expect(S3Bucket).toBe((outside('@cdktf/provider-aws/lib/s3-bucket') as { S3Bucket: unknown }).S3Bucket);
  });

  it("leaves cdktf's jest adapter to the file, so its matchers are on this file's expect", () => {
    expect(() => expect('{}').not.toHaveResource(S3Bucket)).not.toThrow();
    expect(() => expect('{}').toHaveResource(S3Bucket)).toThrow(/Expected aws_s3_bucket/);
  });
});

describe("cdktf's token map between files", () => {
  it('forgets the tokens made so far, and new ones still resolve', () => {
    // Prepare
    const withOutput = (value: string) => {
      const stack = new cdktf.TerraformStack(cdktf.Testing.app(), 'tokens');
      new cdktf.TerraformOutput(stack, 'out', { value });
      return () => JSON.parse(cdktf.Testing.synth(stack)).output.out.value as string;
    };
    const before = cdktf.Lazy.stringValue({ produce: () => 'before' });

    // Act
    forgetTokens();
    const after = cdktf.Lazy.stringValue({ produce: () => 'after' });

    // Assess
    expect(withOutput(before)).toThrow(/Unrecognized Token Key/);
    expect(withOutput(after)()).toBe('after');
  });
});
