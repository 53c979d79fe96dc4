/**
 * A recording endpoint: an HTTP proxy in front of the simulator that keeps the JSON body of every
 * chat completion request, in arrival order, and forwards everything unchanged.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedChat = { seq: number; model: string; messages: { role: string; content: string }[]; seed: number | null; maxTokens: number | null };

export type Recorder = { url: string; chats: RecordedChat[]; close(): Promise<void> };

/** `target`: the simulator's base URL ending in /v1. */
export async function startRecorder(target: string): Promise<Recorder> {
  const chats: RecordedChat[] = [];
  const origin = target.replace(/\/v1\/?$/, '/');
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'POST' && req.url?.endsWith('/chat/completions')) {
        const parsed = JSON.parse(body.toString('utf8')) as { model: string; messages: RecordedChat['messages']; seed?: number; max_tokens?: number; max_completion_tokens?: number };
        const maxTokens = parsed.max_completion_tokens ?? parsed.max_tokens ?? null;
        chats.push({ seq: chats.length + 1, model: parsed.model, messages: parsed.messages, seed: parsed.seed ?? null, maxTokens });
      }
      const forward = http.request(new URL(req.url ?? '/', origin), { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    chats,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
