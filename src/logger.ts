import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; secrets are redacted by path wherever they could appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    redact: {
      paths: ['apiKey', '*.apiKey', 'headers.authorization', '*.headers.authorization', 'config.llm.apiKey', 'token', '*.token'],
      censor: '[redacted]',
    },
  });
}
