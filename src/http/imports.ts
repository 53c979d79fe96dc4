/**
 * POST /imports/experiments/{id}/instructions?format=WILDCHAT_PARQUET|WILDCHAT_JSONL|PARQUET|JSONL
 * (operator role): an instruction pool as the raw request body, for files too large for a GraphQL
 * string or binary (Parquet). The body streams to a temporary file (memory stays flat whatever its
 * size; at most `maxUploadBytes`), is imported all or nothing (instruction-pool.ts), and the file is
 * removed. Query options: `turns` FIRST (default) or ALL, `languages` (comma-separated),
 * `minTurns`, `maxTurns`, `source`. The answer is NDJSON: `{"progress":{"rows":N}}` lines while the
 * rows are read, then `{"result":{...}}` (rejected rows carry their row number; nothing is stored
 * then), or `{"error":{...}}`. Bad options, an unknown experiment or an oversized body are answered
 * with a 4xx JSON error before anything is read.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express from 'express';
import type { Request, Response } from 'express';
import type { Services } from '../app-services.js';
import { badInput, httpStatusOf, parseId, ServiceError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import { importPool, POOL_FORMATS } from '../services/imports/instruction-pool.js';
import type { PoolFormat, PoolOptions } from '../services/imports/instruction-pool.js';
import { requireRole } from './auth.js';
import type { Authenticator } from './auth.js';

export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 ** 3;

export function instructionUploadRouter(services: Services, auth: Authenticator, logger: Logger, maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES): express.Router {
  const router = express.Router();
  router.post('/imports/experiments/:id/instructions', requireRole(auth, 'operator'), async (req: Request, res: Response) => {
    let dir: string | null = null;
    try {
      const options = uploadOptions(req.query as Record<string, unknown>);
      const experiment = await services.pipeline.experiment(parseId('id', String(req.params.id)), 'id');
      dir = await mkdtemp(path.join(tmpdir(), 'ste-upload-'));
      const file = path.join(dir, 'upload');
      await saveBody(req, file, maxUploadBytes);
      res.status(200).setHeader('content-type', 'application/x-ndjson; charset=utf-8');
      const result = await importPool(services.experiments, experiment, { path: file, format: options.format }, options.pool, {
        source: options.source,
        maxLength: services.experiments.maxInstructionLength,
        onProgress: (rows) => res.write(`${JSON.stringify({ progress: { rows } })}\n`),
      });
      res.end(`${JSON.stringify({ result })}\n`);
    } catch (error) {
      if (!res.headersSent) {
        const status = error instanceof ServiceError ? httpStatusOf(error.code) : error instanceof TooLarge ? 413 : 500;
        if (status === 500) logger.error({ err: error }, 'instruction upload failed');
        const message = status === 500 ? 'Internal server error' : (error as Error).message;
        res.status(status).json({ errors: [{ message, extensions: { code: error instanceof ServiceError ? error.code : status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INTERNAL_SERVER_ERROR' } }] });
      } else {
        logger.error({ err: error }, 'instruction upload failed mid-stream');
        res.end(`${JSON.stringify({ error: { message: error instanceof ServiceError ? error.message : 'Internal server error' } })}\n`);
      }
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  });
  return router;
}

class TooLarge extends Error {}

async function saveBody(req: Request, file: string, limit: number): Promise<void> {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > limit) done(new TooLarge(`the upload is larger than ${limit} bytes`));
      else done(null, chunk);
    },
  });
  await pipeline(req, counter, createWriteStream(file));
}

type UploadOptions = { format: PoolFormat; pool: PoolOptions; source: string | null };

function uploadOptions(query: Record<string, unknown>): UploadOptions {
  const text = (key: string): string | null => {
    const v = query[key];
    if (v === undefined) return null;
    if (typeof v !== 'string') throw badInput(key, 'must be given once');
    return v;
  };
  const format = text('format');
  if (!format || !(POOL_FORMATS as readonly string[]).includes(format)) throw badInput('format', `must be one of ${POOL_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  const turns = text('turns') ?? 'FIRST';
  if (turns !== 'FIRST' && turns !== 'ALL') throw badInput('turns', `must be FIRST or ALL, got ${JSON.stringify(turns)}`);
  const count = (key: string): number | null => {
    const v = text(key);
    if (v === null) return null;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw badInput(key, `must be a positive integer, got ${JSON.stringify(v)}`);
    return n;
  };
  const languages = text('languages');
  const list = languages === null ? null : languages.split(',').map((l) => l.trim()).filter(Boolean);
  return {
    format: format as PoolFormat,
    pool: { turns, languages: list && list.length > 0 ? list : null, minTurns: count('minTurns'), maxTurns: count('maxTurns') },
    source: text('source'),
  };
}
