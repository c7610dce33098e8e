'use strict';
/**
 * The bootstrap's side of the IPC channel (bootstrap.cjs; the protocol is in its header and in ipc.ts):
 * sending, and the child-process count each result carries for the memory check (memory.ts).
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

// Messages go at once, one write each (see send() in function-host.ts for why not batched).
function post(message) {
  if (process.connected) process.send(message);
}

module.exports = { post, postResult };
