/**
 * GET /metrics (Prometheus text format): on the API's port for admin tokens, and, when METRICS_PORT
 * is set, on a port of its own without tokens (bound to METRICS_HOST, default 127.0.0.1: a scraper
 * on the same machine or network namespace), which is also how a `--role worker` process, which
 * has no API, is scraped.
 */
import http from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';

/** What the routes read: the text of every metric and its content type (src/metrics/metrics.ts). */
export type MetricsSource = { contentType: string; text(): Promise<string> };

export function metricsHandler(metrics: MetricsSource, logger: Logger): RequestHandler {
  return (_req, res) => {
    metrics.text().then(
      (text) => res.setHeader('content-type', metrics.contentType).setHeader('cache-control', 'no-store').send(text),
      (error: unknown) => {
        logger.error({ err: error }, 'collecting metrics failed');
        res.status(500).type('text/plain').send('collecting metrics failed\n');
      },
    );
  };
}

/** The metrics-only server of METRICS_PORT: GET /metrics, 404 for anything else. */
export async function startMetricsServer(metrics: MetricsSource, host: string, port: number, logger: Logger): Promise<{ url: string; stop(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://localhost').pathname !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    metrics.text().then(
      (text) => res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(text),
      (error: unknown) => {
        logger.error({ err: error }, 'collecting metrics failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`METRICS_PORT=${port}: cannot listen on ${host}:${port}: ${error.message}`)));
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
