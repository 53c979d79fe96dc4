/** How a start fails: the one line it ends with, for the main thread and the worker thread alike. */
import { ConfigError } from './config/index.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { DatabaseUnavailableError } from './db/database.js';

/** Raised when the API's port cannot be bound (http/server.ts); the message is one line for the operator. */
export class ListenError extends Error {}

export function startFailureLine(error: unknown): string {
  const known =
    error instanceof ConfigError || error instanceof DatabaseUnavailableError || error instanceof DataDirLockedError || error instanceof ListenError;
  const message = error instanceof Error ? error.message : String(error);
  return `self-taught-evaluator: ${known ? message : `failed to start: ${message}`}`;
}
