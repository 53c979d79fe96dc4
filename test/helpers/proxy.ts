/**
 * A TCP proxy in front of a test server whose connections can be dropped at will, and which can
 * refuse new ones for a while: what a client sees when the network goes away and comes back.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export type CuttableProxy = {
  /** The proxied URL (same path as the target). */
  url: string;
  /** Open client connections that asked for a WebSocket upgrade. */
  webSockets(): number;
  /** Drops every open connection and refuses new ones until `release()`. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
};

export async function startProxy(targetUrl: string): Promise<CuttableProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  const upgraded = new Set<net.Socket>();
  let holding = false;
  const server = net.createServer((client) => {
    if (holding) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port), target.hostname);
    client.once('data', (chunk: Buffer) => {
      if (/^upgrade:\s*websocket/im.test(chunk.toString('latin1'))) upgraded.add(client);
    });
    for (const [a, b] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(a);
      a.on('close', () => {
        sockets.delete(a);
        upgraded.delete(a);
        b.destroy();
      });
      a.on('error', () => b.destroy());
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(targetUrl);
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    webSockets: () => upgraded.size,
    hold() {
      holding = true;
      for (const socket of sockets) socket.destroy();
    },
    release() {
      holding = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        holding = true;
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
