/**
 * A raw graphql-transport-ws client for tests that need what a library client hides: the close
 * code, frames of any size, a socket that stops reading, a connection that is dropped abruptly.
 */
import WebSocket from 'ws';

export type WsMessage = { type: string; id?: string; payload?: unknown };
export type Closed = { code: number; reason: string };

export const wsUrl = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');

export class RawWs {
  readonly closed: Promise<Closed>;
  private readonly queue: WsMessage[] = [];
  private waiter: (() => void) | null = null;

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('error', () => {});
    socket.on('message', (data: Buffer) => {
      this.queue.push(JSON.parse(data.toString()) as WsMessage);
      this.waiter?.();
    });
    void this.closed.then(() => this.waiter?.());
  }

  /** Opens a socket with the graphql-transport-ws subprotocol (`options` go to ws: headers, autoPong...). */
  static async open(url: string, options: WebSocket.ClientOptions = {}): Promise<RawWs> {
    const socket = new WebSocket(url, 'graphql-transport-ws', options);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new RawWs(socket);
  }

  /** Opens and sends connection_init with `payload`; resolves once acknowledged. */
  static async connect(url: string, payload?: Record<string, unknown>): Promise<RawWs> {
    const client = await RawWs.open(url);
    client.send({ type: 'connection_init', ...(payload ? { payload } : {}) });
    const ack = await client.next();
    if (ack.type !== 'connection_ack') throw new Error(`expected connection_ack, got ${JSON.stringify(ack)}`);
    return client;
  }

  send(message: WsMessage | Record<string, unknown>): void {
    this.socket.send(JSON.stringify(message));
  }

  subscribe(id: string, query: string, variables?: Record<string, unknown>): void {
    this.send({ type: 'subscribe', id, payload: { query, variables } });
  }

  /** The next message (optionally the next one matching), or a rejection once the socket is closed. */
  async next(match: (m: WsMessage) => boolean = () => true): Promise<WsMessage> {
    for (;;) {
      const at = this.queue.findIndex(match);
      if (at >= 0) return this.queue.splice(at, 1)[0]!;
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error('socket closed');
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = null;
    }
  }

  /** The error or first result of operation `id`. */
  async result(id: string): Promise<WsMessage> {
    return this.next((m) => m.id === id && (m.type === 'next' || m.type === 'error'));
  }

  close(): void {
    this.socket.close();
  }
}
