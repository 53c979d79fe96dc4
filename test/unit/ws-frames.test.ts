import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { canWritePreframed, cork, textFrames, writeNext } from '../../src/http/ws-frames.js';

/** A ws server and a connected client; the server side's socket, and every message the client gets. */
async function pair(options: { perMessageDeflate?: boolean } = {}) {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: options.perMessageDeflate ?? false });
  await new Promise((resolve) => server.once('listening', resolve));
  const serverSide = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { perMessageDeflate: options.perMessageDeflate ?? false });
  const received: string[] = [];
  client.on('message', (data: Buffer) => received.push(data.toString()));
  await new Promise((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  const close = async () => {
    client.close();
    await new Promise((resolve) => server.close(resolve));
  };
  return { socket: await serverSide, received, close };
}

describe('the ws internals the pre-framed path relies on (fails when a ws release changes them)', () => {
  it('finds the net.Socket and an idle sender on a server socket, and writes frames that interleave correctly with ws.send', async () => {
    const { socket, received, close } = await pair();
    try {
      expect(canWritePreframed(socket)).toBe(true);
      const prefix = Buffer.from('{"id":"op","type":"next","payload":');
      const written = new Promise<void>((resolve) => {
        cork(socket);
        socket.send('{"before":1}');
        writeNext(socket, prefix, [Buffer.from('1'), Buffer.from('2')], 0, 2);
        socket.send('{"after":1}', () => resolve());
      });
      await written;
      await expect.poll(() => received.length).toBe(4);
      expect(received).toEqual(['{"before":1}', `${prefix.toString()}1}`, `${prefix.toString()}2}`, '{"after":1}']);
    } finally {
      await close();
    }
  });

  it('falls back to ws.send when compression is negotiated', async () => {
    const { socket, received, close } = await pair({ perMessageDeflate: true });
    try {
      expect(canWritePreframed(socket)).toBe(false);
      const prefix = Buffer.from('{"id":"z","type":"next","payload":');
      writeNext(socket, prefix, [Buffer.from('"a"'), Buffer.from('"b"')], 0, 2);
      await expect.poll(() => received.length).toBe(2);
      expect(received).toEqual([`${prefix.toString()}"a"}`, `${prefix.toString()}"b"}`]);
    } finally {
      await close();
    }
  });
});

describe('pre-framed next messages', () => {
  it('are read by a real ws client as one message each, at every length boundary of the frame header', async () => {
    const prefix = Buffer.from('{"id":"op","type":"next","payload":');
    // Message lengths (prefix + payload + "}") around 125/126 and 65,535/65,536 bytes.
    const lengths = [0, 1, 124 - prefix.length - 1, 125 - prefix.length - 1, 126 - prefix.length - 1, 65_535 - prefix.length - 1, 65_536 - prefix.length - 1, 200_000];
    const payloads = lengths.map((n, i) => Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(Math.max(0, n - 20)) }).padEnd(Math.max(n, 0), ' ')));
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    server.on('connection', (socket) => {
      const raw = (socket as unknown as { _socket: { write(b: Buffer): void } })._socket;
      raw.write(textFrames(prefix, payloads, 0, 3));
      raw.write(textFrames(prefix, payloads, 3));
    });
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const received: { text: string; binary: boolean }[] = [];
    await new Promise<void>((resolve, reject) => {
      client.on('message', (data: Buffer, binary: boolean) => {
        received.push({ text: data.toString(), binary });
        if (received.length === payloads.length) resolve();
      });
      client.on('error', reject);
    });
    client.close();
    await new Promise((resolve) => server.close(resolve));
    expect(received.map((m) => m.binary)).toEqual(payloads.map(() => false));
    expect(received.map((m) => m.text)).toEqual(payloads.map((p) => `${prefix.toString()}${p.toString()}}`));
    expect(received.map((m) => Buffer.byteLength(m.text))).toContain(65_536);
  });
});
