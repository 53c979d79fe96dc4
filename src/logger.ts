import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';

export type { Logger };

/**
 * JSON logs on stdout, or on `destination` (tests capture them there); secrets are redacted by path
 * wherever they could appear. API keys and tokens are never logged on purpose; the paths are a net.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    redact: {
      paths: [
        'apiKey', '*.apiKey', 'config.llm.apiKey', 'token', '*.token', 'authorization', '*.authorization',
        'headers.authorization', '*.headers.authorization', 'connectionParams', '*.connectionParams',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
