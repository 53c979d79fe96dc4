import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { textFrames } from '../../src/http/websocket.js';

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
