/**
 * One port parser for `async-api listen --port` and `npm start`'s `PORT` (issue 25: the two had
 * different rules, and `PORT=1e3` was taken as 1000).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ExitCode, main } from '../../client/cli';
import { MAX_PORT, parsePort } from '../../client/port';
import { ConfigError } from '../../lambda-src/shared/config-error';

const ROOT = join(__dirname, '..', '..');
const NOT_PORTS = ['1e3', '0x50', ' 80', '80 ', '80.0', '-1', '', '80a', String(MAX_PORT + 1)];

describe('parsePort', () => {
  it('takes 0 to 65535, both ends included', () => {
    expect([parsePort('0', 'PORT'), parsePort('8080', 'PORT'), parsePort(String(MAX_PORT), 'PORT')]).toEqual([
      0,
      8080,
      MAX_PORT,
    ]);
  });

  it.each(NOT_PORTS)('refuses %j, naming the setting and the range', (text) => {
    expect(() => parsePort(text, '--port')).toThrow(
      new ConfigError(`--port must be a whole number from 0 to ${MAX_PORT}; got ${JSON.stringify(text)}`),
    );
  });
});

describe('its two users', () => {
  it('async-api listen --port 1e3 exits 2 with one line', async () => {
    let stderr = '';
    const code = await main(['listen', '--port', '1e3'], {
      stdout: { write: () => true },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      env: {},
      cwd: ROOT,
    });
    expect([code, stderr]).toEqual([
      ExitCode.Usage,
      'async-api: --port must be a whole number from 0 to 65535; got "1e3"\n',
    ]);
  });

  it('npm start with PORT=1e3 stops before anything else, naming PORT', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'local/index.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '1e3' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect([run.status, run.stderr]).toEqual([
      1,
      'Cannot start the local runtime: PORT must be a whole number from 0 to 65535; got "1e3"\n',
    ]);
  });
});
