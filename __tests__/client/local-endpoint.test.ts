import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLocalCredentials, removeLocalEndpoint, writeLocalEndpoint } from '../../client/local-endpoint';
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

describe('removing the endpoint file as npm start stops', () => {
  const endpoint = {
    endpoint: 'http://127.0.0.1:3000',
    auth: 'none',
    region: 'us-east-1',
    credentialsFile: 'c',
  } as const;

  it("removes its own file and leaves another process's", () => {
    const file = writeLocalEndpoint(dir, { ...endpoint, pid: 4242 });

    removeLocalEndpoint(dir, 4343);
    expect(existsSync(file)).toBe(true);
    removeLocalEndpoint(dir, 4242);
    expect(existsSync(file)).toBe(false);
  });

  it('leaves a file that is not an endpoint file, without throwing (the runtime still has to close)', () => {
    const file = join(dir, 'endpoint.json');
    writeFileSync(file, '{"endpoint": ');

    expect(() => removeLocalEndpoint(dir, process.pid)).not.toThrow();
    expect(readFileSync(file, 'utf8')).toBe('{"endpoint": ');
  });
});
