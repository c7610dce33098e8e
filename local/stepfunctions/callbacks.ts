/**
 * Task tokens of `.waitForTaskToken` Tasks: the engine waits on a token, and SendTaskSuccess,
 * SendTaskFailure and SendTaskHeartbeat (api.ts) settle or extend it. One registry serves every
 * state machine of the runtime, as a token is all those calls carry.
 */
import { randomBytes } from 'node:crypto';
import { SfnError } from './errors';
import { StatesError } from './interpreter/errors';

/** How a waited-on task ended. */
export type CallbackResult = { readonly output: string };

interface Waiter {
  readonly resolve: (result: CallbackResult) => void;
  readonly reject: (err: StatesError) => void;
  /** Restarts the heartbeat timer. */
  readonly beat: () => void;
}

// AWS: taskToken is 1 to 2048 characters.
const TOKEN = /^[A-Za-z0-9+/=_-]{1,2048}$/;
/** Largest SendTaskSuccess output, in UTF-8 bytes (256 KiB, as for any state output). */
export const MAX_CALLBACK_OUTPUT_BYTES = 262_144;

/** The runtime's task tokens. */
export class TaskTokens {
  private readonly waiting = new Map<string, Waiter>();

  /** A new, unguessable token. */
  issue(): string {
    return `AQ${randomBytes(96).toString('base64url')}`;
  }

  /**
   * Waits until the token is settled, its heartbeat runs out, or the signal aborts (then the
   * promise never settles and the token is forgotten).
   * @throws StatesError States.HeartbeatTimeout, or the error SendTaskFailure gave.
   */
  wait(token: string, heartbeatSeconds: number | undefined, signal: AbortSignal): Promise<CallbackResult> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return;
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        this.waiting.delete(token);
        signal.removeEventListener('abort', done);
      };
      const beat = (): void => {
        if (heartbeatSeconds === undefined) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          done();
          reject(new StatesError('States.HeartbeatTimeout', `No heartbeat for ${heartbeatSeconds} seconds`));
        }, heartbeatSeconds * 1000);
      };
      signal.addEventListener('abort', done, { once: true });
      this.waiting.set(token, {
        resolve: (r) => {
          done();
          resolve(r);
        },
        reject: (e) => {
          done();
          reject(e);
        },
        beat,
      });
      beat();
    });
  }

  /** SendTaskSuccess. @throws SfnError InvalidToken, TaskDoesNotExist, InvalidOutput. */
  succeed(token: unknown, output: unknown): void {
    const waiter = this.waiter(token);
    if (typeof output !== 'string') throw new SfnError('ValidationException', 'output is required');
    if (Buffer.byteLength(output, 'utf8') > MAX_CALLBACK_OUTPUT_BYTES) {
      throw new SfnError('InvalidOutput', `Invalid Output: 'output is larger than ${MAX_CALLBACK_OUTPUT_BYTES} bytes'`);
    }
    try {
      JSON.parse(output);
    } catch (err) {
      throw new SfnError('InvalidOutput', `Invalid Output: '${(err as Error).message}'`);
    }
    waiter.resolve({ output });
  }

  /** SendTaskFailure (`error` and `cause` checked by the caller, validation.ts). @throws SfnError InvalidToken, TaskDoesNotExist. */
  fail(token: unknown, error: string | undefined, cause: string | undefined): void {
    this.waiter(token).reject(new StatesError(error, cause));
  }

  /** SendTaskHeartbeat. @throws SfnError InvalidToken, TaskDoesNotExist. */
  heartbeat(token: unknown): void {
    this.waiter(token).beat();
  }

  private waiter(token: unknown): Waiter {
    if (typeof token !== 'string' || !TOKEN.test(token)) {
      throw new SfnError('InvalidToken', "Invalid Token: 'Invalid token'");
    }
    const waiter = this.waiting.get(token);
    if (!waiter) throw new SfnError('TaskDoesNotExist', "Task Does Not Exist: 'Provided task does not exist anymore'");
    return waiter;
  }
}
