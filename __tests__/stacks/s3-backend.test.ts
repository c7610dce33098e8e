import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthesizeApp } from '../security/fixtures';

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('the S3 backend of every stack with remote state', () => {
  const app = synthesizeApp();
  const remote = app.stacks.filter((s) => (s.json as any).terraform?.backend?.s3);
  const bucket = app.stacks.find((s) => s.id === 'state-bucket')!;

  it('exists for the application and CI access stacks', () => {
    expect(remote.map((s) => s.id).sort()).toEqual(['async-api-dev', 'ci-access']);
  });

  it.each(['async-api-dev', 'ci-access'])(
    '%s: locks with use_lockfile and requires a Terraform that supports it',
    (id) => {
      const terraform = (remote.find((s) => s.id === id)!.json as any).terraform;

      expect(terraform.backend.s3.use_lockfile).toBe(true);
      expect(terraform.required_version).toBe('>= 1.11.0');
    },
  );

  it.each(['async-api-dev', 'ci-access'])(
    "%s: encrypts state the way the README says (the bucket's SSE-KMS default), never with the AES256 that encrypt=true sends",
    (id) => {
      const s3 = (remote.find((s) => s.id === id)!.json as any).terraform.backend.s3;
      const bucketDefault = Object.values(
        (bucket.json as any).resource.aws_s3_bucket_server_side_encryption_configuration,
      )[0] as any;

      // Assess: either no SSE request at all (the bucket default applies) or SSE-KMS with a key.
      expect(s3.encrypt === undefined || (s3.encrypt === true && typeof s3.kms_key_id === 'string')).toBe(true);
      expect(s3.encrypt).toBeUndefined();
      expect(bucketDefault.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
      expect(README).toMatch(
        /encrypted with the state bucket's default,\s+SSE-KMS under the AWS managed key `aws\/s3`/,
      );
    },
  );
});
