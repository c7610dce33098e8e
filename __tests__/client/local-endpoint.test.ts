import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLocalCredentials } from '../../client/local-endpoint';
import { ConfigError } from '../../lambda-src/shared/config-error';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'async-api-local-endpoint-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("npm start's key pair file", () => {
  it('gives the key pair it holds', () => {
    const file = join(dir, 'credentials.json');
    writeFileSync(file, JSON.stringify({ accessKeyId: 'AKIALOCALLOCALLOCAL1', secretAccessKey: 's'.repeat(40) }));

    expect(readLocalCredentials(file)).toEqual({
      accessKeyId: 'AKIALOCALLOCALLOCAL1',
      secretAccessKey: 's'.repeat(40),
    });
  });

  it.each([
    ['missing', undefined],
    ['not JSON (cut short)', '{"accessKeyId": "AKIA'],
    ['JSON without a key pair', '{"accessKeyId": "AKIALOCALLOCALLOCAL1"}'],
  ])('is a configuration error naming the file when %s', (_case, text) => {
    const file = join(dir, 'credentials.json');
    if (text !== undefined) writeFileSync(file, text);

    expect(() => readLocalCredentials(file)).toThrow(ConfigError);
    expect(() => readLocalCredentials(file)).toThrow(`${file} holds no key pair of npm start; restart npm start`);
  });
});
