/**
 * Sending to one WebSocket under a buffer cap, in slices. A socket may have at most
 * `maxBufferedBytes` waiting to be sent. Past half of that, the next message waits for the socket
 * to drain (a replay reads the table faster than a network carries it), for at most
 * `slowConsumerMs`. A socket that cannot drain in that time, or would go past the cap, is a slow
 * consumer: `slow()` closes it with SLOW_CONSUMER and its streams stop; the client resumes with
 * `afterSeq`. Each socket waits only for itself, so nobody else slows down. Sends run in slices of
 * a few ms between event-loop turns, and a socket's messages of one slice leave in one write.
 */
import { WebSocket } from 'ws';
import { cork, uncorkNow, writeNext } from './ws-frames.js';
import type { RenderedBatch } from './subscribe.js';

/** Close code and reason sent to a client that cannot keep up; it should resubscribe with afterSeq. */
export const SLOW_CONSUMER = { code: 4290, reason: 'slow consumer: resume with afterSeq' } as const;

export type SendLimits = {
  /** Bytes a socket may have waiting to be sent (WS_MAX_BUFFERED_BYTES). */
  maxBufferedBytes: number;
  /** How long a socket past half its cap may take to drain (WS_SLOW_CONSUMER_MS). */
  slowConsumerMs: number;
};

/** Sends run in slices of this many ms; then the event loop gets a turn. */
const SLICE_MS = 5;
let sliceEnds = 0;

/**
 * A commit fanned out to hundreds of sockets runs as microtasks: past the slice, let the event
 * loop (HTTP requests, pings, the workers) have a turn before the next message.
 */
async function endOfSlice(): Promise<void> {
  if (performance.now() <= sliceEnds) return;
  await new Promise((resolve) => setImmediate(resolve));
  sliceEnds = Math.max(sliceEnds, performance.now() + SLICE_MS);
}

/** Waits for `flushed` for at most `ms`; false when the socket did not drain in time. */
async function drained(flushed: Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const ok = await Promise.race([flushed, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return ok;
}

/** Sends one message text, under the cap. */
export async function send(socket: WebSocket, data: string, limits: SendLimits, slow: () => void): Promise<void> {
  if (socket.readyState !== WebSocket.OPEN) return;
  if (socket.bufferedAmount + Buffer.byteLength(data) > limits.maxBufferedBytes) return slow();
  cork(socket);
  const flushed = new Promise<boolean>((resolve) => socket.send(data, () => resolve(true)));
  if (socket.bufferedAmount <= limits.maxBufferedBytes / 2) return endOfSlice();
  uncorkNow(socket);
  if (!(await drained(flushed, limits.slowConsumerMs))) slow();
}

const CLOSE_BRACE_BYTES = 1;

/**
 * One `next` message per payload of a rendered batch, under the same cap and drain wait as `send`.
 * Messages go out in chunks of at most a quarter of the cap, each chunk in one write; past half
 * the cap, the next chunk waits for the socket to drain.
 */
export async function sendBatch(socket: WebSocket, { id, batch }: { id: string; batch: RenderedBatch }, limits: SendLimits, slow: () => void): Promise<void> {
  const prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
  const { payloads } = batch;
  const overhead = prefix.length + CLOSE_BRACE_BYTES + 10; // + the largest frame header
  for (let from = 0; from < payloads.length; ) {
    if (socket.readyState !== WebSocket.OPEN) return;
    let to = from + 1;
    let bytes = payloads[from]!.length + overhead;
    while (to < payloads.length && bytes + payloads[to]!.length + overhead <= limits.maxBufferedBytes / 4) bytes += payloads[to++]!.length + overhead;
    if (socket.bufferedAmount + bytes > limits.maxBufferedBytes) return slow();
    cork(socket);
    if (socket.bufferedAmount + bytes <= limits.maxBufferedBytes / 2) {
      writeNext(socket, prefix, payloads, from, to);
    } else {
      const flushed = new Promise<boolean>((resolve) => writeNext(socket, prefix, payloads, from, to, () => resolve(true)));
      uncorkNow(socket);
      if (!(await drained(flushed, limits.slowConsumerMs))) return slow();
    }
    from = to;
  }
  await endOfSlice();
}
