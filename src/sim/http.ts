/** HTTP plumbing shared by the routes: OpenAI-style errors, JSON responses, bounded body reading. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error that becomes an OpenAI-style `{error:{message,type,param,code}}` response. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): string {
    return JSON.stringify({ error: { message: this.message, type: this.type, param: this.param, code: this.code } });
  }
}

export const notFound = (what: string, code = 'not_found', param: string | null = null): ApiError =>
  new ApiError(404, what, 'invalid_request_error', code, param);

export const badRequest = (message: string, param: string | null = null, code: string | null = null): ApiError =>
  new ApiError(400, message, 'invalid_request_error', code, param);

let requestCounter = 0;

function baseHeaders(contentType: string, length: number): Record<string, string | number> {
  requestCounter = (requestCounter + 1) % Number.MAX_SAFE_INTEGER;
  return { 'content-type': contentType, 'content-length': length, 'x-request-id': `req_sim_${requestCounter}` };
}

export function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  sendRaw(res, status, JSON.stringify(payload), 'application/json');
}

export function sendRaw(res: ServerResponse, status: number, body: string | Buffer, contentType: string): void {
  if (res.headersSent || res.destroyed) return;
  const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  res.writeHead(status, baseHeaders(contentType, length));
  res.end(body);
}

export function sendError(res: ServerResponse, error: ApiError): void {
  if (res.headersSent || res.destroyed) return;
  const body = error.body();
  res.writeHead(error.status, { ...baseHeaders('application/json', Buffer.byteLength(body)), ...error.headers });
  res.end(body);
}

/** Largest request body accepted (uploads included). */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError(413, `Request body larger than ${MAX_BODY_BYTES} bytes`, 'invalid_request_error', 'body_too_large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseJsonBody(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (cause) {
    throw badRequest(`We could not parse the JSON body of your request: ${(cause as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}
