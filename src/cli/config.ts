/**
 * Where the CLI finds the server. This is the CLI's own configuration: `ste` is a separate
 * program, a client of the public API, so it does not use the service's `src/config/` (which
 * configures the server and is the only place the *service* reads the environment). Flags win
 * over the environment: `--url` / STE_URL (default http://127.0.0.1:4000/graphql) and
 * `--token` / STE_TOKEN (none by default: sent as `Authorization: Bearer <token>` when set).
 */
import { UsageError } from './errors.js';

export const DEFAULT_URL = 'http://127.0.0.1:4000/graphql';

export type CliConfig = {
  /** The GraphQL endpoint over HTTP(S). */
  url: string;
  /** The same endpoint over WebSocket (ws: or wss:). */
  wsUrl: string;
  /** Bearer token, or null when none is set. */
  token: string | null;
};

type Env = Record<string, string | undefined>;

/** Reads the flags and the environment; a malformed URL is a usage error (exit 2). */
export function loadCliConfig(flags: { url?: string; token?: string }, env: Env = process.env): CliConfig {
  const raw = flags.url?.trim() || env.STE_URL?.trim() || DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url / STE_URL is not a valid URL: "${raw}" (example: ${DEFAULT_URL})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url / STE_URL must be an http:// or https:// URL, got "${raw}" (example: ${DEFAULT_URL})`);
  }
  const ws = new URL(url);
  ws.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = flags.token?.trim() || env.STE_TOKEN?.trim() || null;
  return { url: url.toString(), wsUrl: ws.toString(), token };
}

/** URL of a path next to the GraphQL endpoint (`exports/...` beside `.../graphql`). */
export function siblingUrl(config: CliConfig, path: string): string {
  return new URL(path, config.url).toString();
}

/**
 * Milliseconds between two progress lines when stderr is not a terminal: STE_PROGRESS_SECONDS
 * (default 5; a value that is not a positive number falls back to the default).
 */
export function progressIntervalMs(env: Env = process.env): number {
  const seconds = Number(env.STE_PROGRESS_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 5_000;
}
