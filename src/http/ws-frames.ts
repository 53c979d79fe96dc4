/**
 * The only file that reaches into `ws` internals (`_socket`, its net.Socket; `_sender`, its frame
 * writer), for two savings on a fan-out: messages framed here and written in one system call, and
 * a socket's writes of one event-loop turn held (corked) and flushed together. Both fall back to
 * the public API when the internals are not as expected; test/unit/ws-frames.test.ts fails when a
 * `ws` release changes them, so that an upgrade cannot silently drop to the slow path.
 */
import type { WebSocket } from 'ws';

/** What of ws's internals the pre-framed path needs: its net.Socket and its sender's queue. */
type WsInternals = {
  _socket?: { write(data: Buffer, done?: () => void): boolean; cork(): void; uncork(): void };
  _sender?: { _state: number; _queue: unknown[] };
};

const TEXT = { binary: false } as const;
const CLOSE_BRACE = Buffer.from('}');

/**
 * True when frames written straight to the socket cannot interleave with ws's own: ws's sender has
 * nothing queued (it queues only while compressing, which this server never negotiates, or reading
 * a Blob, which it never sends) and no extension is in use.
 */
export function canWritePreframed(socket: WebSocket): boolean {
  const { _socket: raw, _sender: sender } = socket as unknown as WsInternals;
  return Boolean(raw && sender && sender._state === 0 && Array.isArray(sender._queue) && sender._queue.length === 0 && socket.extensions === '');
}

/**
 * Writes payloads[from..to) as `next` messages of operation `prefix`. ws frames and writes each
 * message on its own (two buffers and a write request each: the bulk of a fan-out's CPU), so when
 * it is safe the messages are framed here and leave in one write. Otherwise, ws.send each.
 */
export function writeNext(socket: WebSocket, prefix: Buffer, payloads: readonly Buffer[], from: number, to: number, done?: () => void): void {
  if (canWritePreframed(socket)) {
    (socket as unknown as Required<WsInternals>)._socket.write(textFrames(prefix, payloads, from, to), done);
    return;
  }
  for (let i = from; i < to; i++) socket.send(Buffer.concat([prefix, payloads[i]!, CLOSE_BRACE]), TEXT, i === to - 1 ? done : undefined);
}

/** Unmasked (server to client) final text frames of `prefix + payload + "}"`, one per payload, in one buffer. */
export function textFrames(prefix: Buffer, payloads: readonly Buffer[], from = 0, to = payloads.length): Buffer {
  let size = 0;
  for (let i = from; i < to; i++) {
    const length = prefix.length + payloads[i]!.length + 1;
    size += length + (length < 126 ? 2 : length < 65_536 ? 4 : 10);
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (let i = from; i < to; i++) {
    const payload = payloads[i]!;
    const length = prefix.length + payload.length + 1;
    out[at++] = 0x81; // FIN, opcode 1 (text)
    if (length < 126) {
      out[at++] = length;
    } else if (length < 65_536) {
      out[at++] = 126;
      at = out.writeUInt16BE(length, at);
    } else {
      out[at++] = 127;
      at = out.writeUInt32BE(Math.floor(length / 2 ** 32), at);
      at = out.writeUInt32BE(length >>> 0, at);
    }
    at += prefix.copy(out, at);
    at += payload.copy(out, at);
    out[at++] = 0x7d; // }
  }
  return out;
}

/** Sockets corked in this turn, with the uncork that flushes them. */
const corked = new Map<WebSocket, () => void>();

/**
 * Holds a socket's writes until the end of this event-loop turn, so that the messages of one slice
 * leave in one system call instead of one each. (ws has no batching of its own; cork/uncork nest
 * with ws's own.) Without the internals, writes simply go out one by one.
 */
export function cork(socket: WebSocket): void {
  const raw = (socket as unknown as WsInternals)._socket;
  if (!raw || corked.has(socket)) return;
  const uncork = () => {
    if (corked.get(socket) !== uncork) return;
    corked.delete(socket);
    raw.uncork();
  };
  corked.set(socket, uncork);
  raw.cork();
  setImmediate(uncork);
}

/** Flushes a socket corked in this turn now (before waiting for it to drain). */
export function uncorkNow(socket: WebSocket): void {
  corked.get(socket)?.();
}
