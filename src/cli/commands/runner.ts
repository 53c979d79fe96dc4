/**
 * Wraps a command's action: builds its context from the global flags (--url, --token, --json)
 * and closes the API client afterwards, whatever happens. Errors go up to main.ts.
 */
import type { Command } from 'commander';
import { ApiClient } from '../client.js';
import { loadCliConfig } from '../config.js';
import { createContext } from '../context.js';
import type { CommandContext } from '../context.js';

export type GlobalFlags = { url?: string; token?: string; json?: boolean };

export type Runner = <A extends unknown[]>(action: (ctx: CommandContext, ...args: A) => Promise<void>) => (...args: A) => Promise<void>;

export function createRunner(signal: AbortSignal): Runner {
  return (action) =>
    async (...args) => {
      // commander passes the command itself last.
      const command = args[args.length - 1] as Command;
      const globals = command.optsWithGlobals<GlobalFlags>();
      const api = new ApiClient(loadCliConfig(globals));
      try {
        await action(createContext(api, globals.json === true, signal), ...args);
      } finally {
        await api.close();
      }
    };
}
