/**
 * The routes a WEBHOOK trainer calls without an API token (its job's token, or its signature,
 * is the credential): the training file's download and the signed report callback.
 */
import express from 'express';
import type { Express, Response } from 'express';
import type { Services } from '../app-services.js';
import { httpStatusOf, parseId, ServiceError } from '../domain/errors.js';

/** Largest callback body accepted. */
const CALLBACK_LIMIT = '64kb';

export function registerTrainingHooks(app: Express, services: Services, sendLines: (res: Response, open: () => Promise<{ lines: AsyncGenerator<string>; fileName: string }>) => Promise<void>): void {
  app.get('/training-files/:id/:file', (req, res) =>
    sendLines(res, async () => {
      const format = /^([a-z-]+)\.jsonl$/.exec(req.params.file)?.[1] ?? req.params.file;
      return services.trainingReports.openTrainingFile(parseId('id', req.params.id), format, String(req.query.token ?? ''));
    }),
  );
  app.post('/callbacks/training/:id', express.raw({ type: () => true, limit: CALLBACK_LIMIT }), async (req, res, next) => {
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const iteration = await services.trainingReports.signedReport(parseId('id', req.params.id), body, req.header('x-ste-timestamp'), req.header('x-ste-signature'));
      res.json({ iterationId: String(iteration.id), status: 'reported' });
    } catch (error) {
      if (error instanceof ServiceError) res.status(httpStatusOf(error.code)).json({ error: error.message, code: error.code });
      else next(error);
    }
  });
}
