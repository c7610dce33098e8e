'use strict';
/**
 * Runs inside one function's child process (forked by function-host.ts): the local stand-in for Lambda's
 * Node.js runtime (/var/runtime). It loads the handler once (init), then runs every invocation the parent
 * sends over IPC, many at a time, each with its own request id and context object.
 *
 * Plain CommonJS on purpose: the child must start fast and must not depend on tsx or on the parent's
 * loaders. Handler loading follows aws-lambda-nodejs-runtime-interface-client (src/UserFunction.js) so
 * that a handler string resolves here exactly when it resolves in AWS; see README.md.
 *
 * Protocol (parent -> child): {t:'invoke', id, event (JSON text), deadline (epoch ms)}, {t:'ping', n}.
 * Protocol (child -> parent): {t:'ready'}, {t:'initError', error}, {t:'pong', n},
 *   {t:'result', id, body (JSON text), children?} or {t:'result', id, error, children?}; children is the
 *   number of child processes it started that still run (memory.ts walks /proc only then).
 */

const { AsyncLocalStorage } = require('node:async_hooks');
const fs = require('node:fs');
const path = require('node:path');
const util = require('node:util');
const { pathToFileURL } = require('node:url');
const { post, postResult } = require('./bootstrap-ipc.cjs');

const config = JSON.parse(process.argv[2]);
/** @type {{taskRoot: string, handler: string, maxResponseBytes: number, functionName: string, functionArn: string, memoryLimitInMB: string, logGroupName: string, logStreamName: string}} */
const { taskRoot, handler: handlerString, maxResponseBytes } = config;

// --- logging -------------------------------------------------------------------------------------------
// Lambda prefixes console output with time, request id and level. Invocations interleave in this
// process, so the request id comes from the invocation's async context rather than one global.
const currentRequest = new AsyncLocalStorage();
const LEVELS = { log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR', debug: 'DEBUG', trace: 'TRACE' };
for (const [method, level] of Object.entries(LEVELS)) {
  const stream = level === 'INFO' || level === 'DEBUG' ? process.stdout : process.stderr;
  console[method] = (...args) => {
    const text =
      method === 'trace'
        ? `${util.format(...args)}\n${new Error().stack.split('\n').slice(2).join('\n')}`
        : util.format(...args);
    stream.write(`${new Date().toISOString()}\t${currentRequest.getStore()}\t${level}\t${text}\n`);
  };
}

// --- errors ----------------------------------------------------------------------------------------------
class RuntimeError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

function isErrorLike(value) {
  return (
    util.types.isNativeError(value) ||
    (value !== null &&
      typeof value === 'object' &&
      typeof value.name === 'string' &&
      typeof value.message === 'string' &&
      typeof value.stack === 'string')
  );
}

/** The Invoke API's error payload for a thrown value: name/message/stack of errors, `typeof` otherwise. */
function errorPayload(value) {
  try {
    if (isErrorLike(value)) {
      return {
        errorType: String(value.name),
        errorMessage: String(value.message),
        trace: typeof value.stack === 'string' ? value.stack.split('\n') : [],
      };
    }
    return { errorType: typeof value, errorMessage: String(value), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
    };
  }
}

// --- handler loading (init) ----------------------------------------------------------------------------
function hasTypeModulePackage(folder) {
  // The nearest package.json decides whether .js is ESM; node_modules stops the search.
  for (let dir = folder; ; dir = path.dirname(dir)) {
    if (dir.endsWith(`${path.sep}node_modules`)) return false;
    const pkgPath = path.join(dir, 'package.json');
    if (fs.existsSync(pkgPath)) {
      try {
        return JSON.parse(fs.readFileSync(pkgPath, 'utf8')).type === 'module';
      } catch {
        return false;
      }
    }
    if (path.dirname(dir) === dir) return false;
  }
}

async function importModule(file) {
  return fs.existsSync(file) ? import(pathToFileURL(file).href) : undefined;
}

function requireModule(file) {
  return fs.existsSync(file) ? require(file) : undefined;
}

async function loadModule(moduleRoot, moduleName) {
  const base = path.resolve(taskRoot, moduleRoot, moduleName);
  const isEsmJs = fs.existsSync(`${base}.js`) && hasTypeModulePackage(path.dirname(`${base}.js`));
  const loaded =
    requireModule(base) ||
    (!isEsmJs && requireModule(`${base}.js`)) ||
    (isEsmJs && (await importModule(`${base}.js`))) ||
    (await importModule(`${base}.mjs`)) ||
    requireModule(`${base}.cjs`);
  if (loaded) return loaded;
  // Like Node's own resolution from the task root (e.g. a handler inside node_modules).
  return require(require.resolve(moduleName, { paths: [taskRoot, path.resolve(taskRoot, moduleRoot)] }));
}

async function loadHandler() {
  if (handlerString.includes('..')) {
    throw new RuntimeError(
      'Runtime.MalformedHandlerName',
      `'${handlerString}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  // "dist/app.nested.handler": folder "dist/", module "app", export path "nested.handler".
  const base = path.posix.basename(handlerString);
  const moduleRoot = handlerString.slice(0, handlerString.length - base.length);
  const dot = base.indexOf('.');
  if (dot < 0) throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler');
  const moduleName = base.slice(0, dot);
  const exportPath = base.slice(dot + 1);

  let userModule;
  try {
    userModule = await loadModule(moduleRoot, moduleName);
  } catch (err) {
    if (err instanceof SyntaxError) throw new RuntimeError('Runtime.UserCodeSyntaxError', String(err));
    if (err && err.code === 'MODULE_NOT_FOUND') throw new RuntimeError('Runtime.ImportModuleError', String(err));
    throw err;
  }
  const fn = exportPath.split('.').reduce((obj, key) => obj?.[key], userModule);
  if (!fn) throw new RuntimeError('Runtime.HandlerNotFound', `${handlerString} is undefined or not exported`);
  if (typeof fn !== 'function') throw new RuntimeError('Runtime.HandlerNotFound', `${handlerString} is not a function`);
  return fn;
}

// --- invocations ---------------------------------------------------------------------------------------

function sendResult(id, value) {
  let body;
  try {
    body = JSON.stringify(value === undefined ? null : value);
  } catch {
    sendError(id, new Error('Unable to stringify response body'));
    return;
  }
  if (body === undefined) body = 'null'; // a function or symbol as the result
  const size = Buffer.byteLength(body);
  if (size > maxResponseBytes) {
    postResult({
      t: 'result',
      id,
      error: {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: `Response payload size (${size} bytes) exceeded maximum allowed payload size (${maxResponseBytes} bytes).`,
      },
    });
    return;
  }
  postResult({ t: 'result', id, body });
}

function sendError(id, thrown) {
  const error = errorPayload(thrown);
  console.error(`Invoke Error \t${JSON.stringify(error)}`);
  postResult({ t: 'result', id, error });
}

function runInvocation(handler, message) {
  const { id, deadline } = message;
  let finished = false;
  const succeed = (result) => {
    if (finished) return;
    finished = true;
    sendResult(id, result);
  };
  const fail = (err) => {
    if (finished) return;
    finished = true;
    sendError(id, err === undefined || err === null ? 'handled' : err);
  };
  const done = (err, result) => (err === undefined || err === null ? succeed(result) : fail(err));
  const callback = (err, result) => done(err, result);

  let waitsForEmptyEventLoop = true;
  const context = {
    awsRequestId: id,
    invokedFunctionArn: config.functionArn,
    functionName: config.functionName,
    functionVersion: '$LATEST',
    memoryLimitInMB: config.memoryLimitInMB,
    logGroupName: config.logGroupName,
    logStreamName: config.logStreamName,
    clientContext: undefined,
    identity: undefined,
    getRemainingTimeInMillis: () => deadline - Date.now(),
    // Kept for compatibility only: many invocations share this process, so its event loop never
    // empties; a callback's result is returned when the callback is called.
    get callbackWaitsForEmptyEventLoop() {
      return waitsForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitsForEmptyEventLoop = value;
    },
    succeed: (result) => succeed(result),
    fail: (err) => fail(err),
    done,
  };

  currentRequest.run(id, () => {
    let event;
    try {
      event = JSON.parse(message.event);
    } catch (err) {
      fail(err);
      return;
    }
    try {
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === 'function') {
        returned.then(succeed, fail);
      } else if (handler.length < 3) {
        // A synchronous handler without a callback: Lambda ignores its return value and answers null
        // once the event loop is empty; here that is "right after it returned".
        setImmediate(() => succeed(null));
      }
    } catch (err) {
      fail(err);
    }
  });
}

// --- process wiring ------------------------------------------------------------------------------------
// A crash here must not go unnoticed: log it the way Lambda does, then exit so the parent fails the
// in-flight invocations and starts a fresh process for the next one (Lambda uses the same exit codes).
process.on('uncaughtException', (err) => {
  console.error(`Uncaught Exception \t${JSON.stringify(errorPayload(err))}`);
  process.exit(129);
});
process.on('unhandledRejection', (reason) => {
  const err = new RuntimeError(
    'Runtime.UnhandledPromiseRejection',
    String(isErrorLike(reason) ? `${reason.name}: ${reason.message}` : reason),
  );
  console.error(`Unhandled Promise Rejection \t${JSON.stringify(errorPayload(err))}`);
  process.exit(128);
});
// The parent is gone (it crashed or closed the channel): never outlive it.
process.on('disconnect', () => process.exit(0));

loadHandler().then(
  (handler) => {
    process.on('message', (message) => {
      if (message.t === 'invoke') runInvocation(handler, message);
      else if (message.t === 'ping') post({ t: 'pong', n: message.n });
    });
    post({ t: 'ready' });
  },
  (err) => {
    console.error(`Init Error \t${JSON.stringify(errorPayload(err))}`);
    process.send({ t: 'initError', error: errorPayload(err) }, () => process.exit(129));
  },
);
