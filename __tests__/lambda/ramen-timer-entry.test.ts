/**
 * The ramen timer's entry point reads RAMEN_TIMER_SECONDS when Lambda loads it; these tests load it
 * in a fresh module registry with a controlled environment.
 */
import { loadFresh } from './entry-helpers';
import { remaining } from './fixtures';

const saved = process.env['RAMEN_TIMER_SECONDS'];

function setEnv(name: 'RAMEN_TIMER_SECONDS', value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

afterEach(() => setEnv('RAMEN_TIMER_SECONDS', saved));

describe('lambda-src/ramen-timer/index', () => {
  const path = '../../lambda-src/ramen-timer/index';
  type RamenModule = { handler: (e: unknown, c: ReturnType<typeof remaining>) => Promise<unknown> };

  it('fails to load without RAMEN_TIMER_SECONDS, naming it', () => {
    // Prepare
    setEnv('RAMEN_TIMER_SECONDS', undefined);
    // Act / Assess
    expect(() => loadFresh(path)).toThrow(/^RAMEN_TIMER_SECONDS is required/);
  });

  it('fails to load with a non-numeric RAMEN_TIMER_SECONDS', () => {
    // Prepare
    setEnv('RAMEN_TIMER_SECONDS', 'soon');
    // Act / Assess
    expect(() => loadFresh(path)).toThrow('RAMEN_TIMER_SECONDS must be a number of seconds >= 0');
  });

  it('exports a handler that waits the configured default (a real 0 s wait)', async () => {
    // Prepare
    setEnv('RAMEN_TIMER_SECONDS', '0');
    const { handler } = loadFresh<RamenModule>(path);
    // Act
    const result = await handler(null, remaining(5_000));
    // Assess
    expect(result).toStrictEqual({ message: "The ramen is boiled. If you don't eat it quickly, it will grow." });
  });
});
