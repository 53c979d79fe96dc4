/**
 * A cap on open WebSocket connections per remote address (WS_MAX_CONNECTIONS_PER_IP), checked at
 * the HTTP upgrade, before any WebSocket work: one client cannot take every socket of the server.
 * Behind a reverse proxy every client has the proxy's address: raise the cap or set it to 0 there.
 */
import type { Duplex } from 'node:stream';

export class ConnectionCounter {
  private readonly open_ = new Map<string, number>();

  /** `max` 0: no cap. */
  constructor(private readonly max: number) {}

  /** Counts a connection from `address`, or returns false when it already has `max` open. */
  open(address: string): boolean {
    const n = this.open_.get(address) ?? 0;
    if (this.max > 0 && n >= this.max) return false;
    this.open_.set(address, n + 1);
    return true;
  }

  close(address: string): void {
    const n = (this.open_.get(address) ?? 0) - 1;
    if (n > 0) this.open_.set(address, n);
    else this.open_.delete(address);
  }

  count(address: string): number {
    return this.open_.get(address) ?? 0;
  }
}

const STATUS_TEXT = { 403: 'Forbidden', 429: 'Too Many Requests' } as const;

/** Answers an upgrade request with a plain HTTP error instead of a WebSocket, and closes the connection. */
export function refuseUpgrade(socket: Duplex, status: keyof typeof STATUS_TEXT, message: string): void {
  const body = `${message}\n`;
  const retry = status === 429 ? 'Retry-After: 5\r\n' : '';
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${retry}\r\n${body}`,
  );
}
