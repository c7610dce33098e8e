/**
 * Waiting in tests for a condition instead of for a fixed time: a fixed sleep is too short on a
 * loaded machine and wasted on an idle one (issue 22).
 */

/**
 * Resolves as soon as `condition` holds, checking every 20 ms; rejects naming `what` once
 * `timeoutMs` has passed. A condition that throws is treated as not yet true.
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
