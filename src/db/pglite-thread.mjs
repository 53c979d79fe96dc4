// The embedded database's thread: PGlite runs here, in a worker_thread, so its WebAssembly does
// not hold the service's event loop. `pglite-thread.ts` is the other side: it sends one message per
// call and receives one answer per message, in order; NOTIFY payloads come as messages of their own.
//
// Plain JavaScript, so the thread starts without the TypeScript loader the service may run under.
import { Blob } from 'node:buffer';
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** @type {{ dataDir: string; startParams?: string[]; loadDataDir?: string; wasmFlags: string[] }} */
const { dataDir, startParams, loadDataDir, wasmFlags } = workerData;
// V8's WebAssembly flags are read when a module is compiled: set before PGlite compiles its own
// (pglite-thread.ts says which and why).
for (const flag of wasmFlags) v8.setFlagsFromString(flag);
const client = await PGlite.create(dataDir, {
  ...(startParams ? { startParams } : {}),
  ...(loadDataDir ? { loadDataDir: new Blob([readFileSync(loadDataDir)]) } : {}),
});

/** Open transactions by id: PGlite's transaction object and how to end it. */
const transactions = new Map();
/** LISTEN subscriptions by id. */
const listeners = new Map();
let nextTx = 1;

const keepText = (value) => value;

/** The PGlite query options for a request: text for the types whose parsers the other side applies. */
function queryOptions(request) {
  const options = { rowMode: request.rowMode ?? 'object' };
  if (request.parserTypes?.length) options.parsers = Object.fromEntries(request.parserTypes.map((oid) => [oid, keepText]));
  return options;
}

/** The error's own fields that survive a message (SQLSTATE code, detail, constraint...). */
function errorFields(error) {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) fields[key] = value;
  }
  return fields;
}

function target(request) {
  if (request.tx === undefined) return client;
  const open = transactions.get(request.tx);
  if (!open) throw new Error(`transaction ${request.tx} is not open`);
  return open.tx;
}

async function handle(request) {
  switch (request.op) {
    case 'query': {
      const result = await target(request).query(request.text, request.params, queryOptions(request));
      return { rows: result.rows, fields: result.fields, affectedRows: result.affectedRows };
    }
    case 'exec': {
      const results = await target(request).exec(request.text);
      return results.map((r) => ({ rows: r.rows, fields: r.fields, affectedRows: r.affectedRows }));
    }
    case 'begin':
      return begin();
    case 'end': {
      const open = transactions.get(request.tx);
      if (!open) throw new Error(`transaction ${request.tx} is not open`);
      if (request.commit) open.commit();
      else open.rollback();
      return open.done;
    }
    case 'rollback':
      await target(request).rollback();
      return null;
    case 'listen': {
      const id = request.listenId;
      const unlisten = await client.listen(request.channel, (payload) => parentPort.postMessage({ op: 'notify', listenId: id, payload }));
      listeners.set(id, unlisten);
      return null;
    }
    case 'unlisten': {
      const unlisten = listeners.get(request.listenId);
      listeners.delete(request.listenId);
      if (unlisten && !client.closed) await unlisten();
      return null;
    }
    case 'close':
      if (!client.closed) await client.close();
      return null;
    default:
      throw new Error(`unknown request ${String(request.op)}`);
  }
}

const ROLLED_BACK = Symbol('rolled back');

/**
 * Opens a transaction and answers with its id once it has begun; PGlite holds it (and every other
 * query waits, as in-process) until `end` commits or rolls it back.
 */
function begin() {
  const id = nextTx++;
  return new Promise((resolveBegin, rejectBegin) => {
    const open = {};
    open.done = client
      .transaction(
        (tx) =>
          new Promise((commit, rollback) => {
            open.tx = tx;
            open.commit = () => commit(null);
            open.rollback = () => rollback(ROLLED_BACK);
            transactions.set(id, open);
            resolveBegin(id);
          }),
      )
      .then(
        () => null,
        (error) => {
          if (error !== ROLLED_BACK) throw error;
          return null;
        },
      )
      .finally(() => transactions.delete(id));
    open.done.catch((error) => {
      if (!transactions.has(id)) rejectBegin(error);
    });
  });
}

parentPort.on('message', (request) => {
  handle(request)
    .then(
      (result) => parentPort.postMessage({ id: request.id, ok: true, result }),
      (error) => parentPort.postMessage({ id: request.id, ok: false, error: errorFields(error) }),
    )
    .finally(() => {
      // Closing the port ends the thread once the answer is out.
      if (request.op === 'close') parentPort.close();
    });
});

parentPort.postMessage({ op: 'ready' });
