/**
 * Keep-alive of the WebSocket server: a ping to every socket every `intervalMs`; a socket that has
 * not answered the previous ping by then is terminated (its `close` handlers then stop its streams).
 */
import type { WebSocket, WebSocketServer } from 'ws';

export type KeepAlive = { watch(socket: WebSocket): void; forget(socket: WebSocket): void; stop(): void };

/** `intervalMs` 0: no pings (WS_KEEPALIVE_MS=0). */
export function startKeepAlive(wss: WebSocketServer, intervalMs: number): KeepAlive {
  const awaitingPong = new Set<WebSocket>();
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          for (const socket of wss.clients) {
            if (awaitingPong.has(socket)) {
              socket.terminate();
              continue;
            }
            awaitingPong.add(socket);
            socket.ping();
          }
        }, intervalMs)
      : null;
  timer?.unref();
  return {
    watch: (socket) => socket.on('pong', () => awaitingPong.delete(socket)),
    forget: (socket) => awaitingPong.delete(socket),
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
