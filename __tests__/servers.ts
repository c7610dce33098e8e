/**
 * Servers a test opens are closed after that test whatever its assertions did: a server closed only
 * at the end of a test body stays open when an assertion fails first, and jest then never exits
 * (issue 22: one failure in the webhook tests left five receivers open).
 */
import type { Server } from 'node:http';

const open = new Set<Server>();

// Registered at import, i.e. at the top level of every test file that uses this module.
afterEach(() => Promise.all([...open].map(closeServer)));

/** Closes `server` now, its idle and active connections included; closing twice is harmless. */
export function closeServer(server: Server): Promise<void> {
  open.delete(server);
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Registers `server` to be closed after the current test, and returns it. */
export function closeAfterTest<T extends Server>(server: T): T {
  open.add(server);
  return server;
}
