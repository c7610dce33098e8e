'use strict';
/**
 * The bootstrap's side of the IPC channel (bootstrap.cjs; the protocol is in its header and in ipc.ts):
 * batched sends, and the child-process count each result carries for the memory check (memory.ts).
 */

const diagnosticsChannel = require('node:diagnostics_channel');

// --- memory --------------------------------------------------------------------------------------------
// Every child process started through child_process (spawn, exec, fork, ...) is published on this
// channel, also when unref'ed. The parent walks /proc for the whole tree only while one is still running.
const children = new Set();
diagnosticsChannel.subscribe('child_process', ({ process: child }) => children.add(child));

function runningChildren() {
  for (const child of children) {
    // Exited, or never started (spawn failed): its memory is no longer in the tree.
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      children.delete(child);
    }
  }
  return children.size;
}

/** Posts a result with how many child processes are running, when any (memory.ts). */
function postResult(message) {
  const running = runningChildren();
  if (running > 0) message.children = running;
  post(message);
}

// --- sending ---------------------------------------------------------------------------------------------
// Results finished in one turn of the event loop go out in one IPC write, not one write (and one wake-up
// of the parent) each.
let outbox = [];

function post(message) {
  if (outbox.length === 0) setImmediate(flush);
  outbox.push(message);
}

function flush() {
  const messages = outbox;
  outbox = [];
  if (messages.length === 0 || !process.connected) return;
  process.send(messages.length === 1 ? messages[0] : messages);
}

module.exports = { flush, post, postResult };
