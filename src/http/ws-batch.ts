/**
 * How a RenderedBatch (src/http/subscribe.ts: events executed and serialised once for every
 * subscriber with the same selection) travels from graphql-ws's `next` to the socket beside the
 * message text. graphql-ws stringifies each message with `batchReplacer` and passes the text
 * straight to `socket.send` in the same synchronous step (`socket.send(stringifyMessage(message,
 * replacer))`), so the batch noted here belongs to the very next send, which `takeBatch` checks
 * by its text. The batch's messages are then written by `sendBatch` (ws-send.ts).
 */
import { RenderedBatch } from './subscribe.js';

let pendingBatch: { id: string; batch: RenderedBatch; text: string } | null = null;

/** The `jsonMessageReplacer` of graphql-ws's server: notes a batch and leaves `payload: null` in its place. */
export function batchReplacer(this: unknown, key: string, value: unknown): unknown {
  if (key !== 'payload' || !(value instanceof RenderedBatch)) return value;
  const id = (this as { id: string }).id;
  pendingBatch = { id, batch: value, text: `{"id":${JSON.stringify(id)},"type":"next","payload":null}` };
  return null;
}

/** The batch noted for this message text, or null for an ordinary message. */
export function takeBatch(data: string): { id: string; batch: RenderedBatch } | null {
  const pending = pendingBatch;
  pendingBatch = null;
  if (!pending) return null;
  if (data !== pending.text) throw new Error('graphql-ws did not send a rendered batch right after stringifying it');
  return pending;
}
