/**
 * Readers of single environment values: each validates its value and throws a ConfigError whose
 * one line names the variable, says what was wrong and gives an example.
 */

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function list(env: Env, name: string): string[] {
  return (optional(env, name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}" (example: ${name}=${fallback})`);
  }
  return value;
}

export function fraction(env: Env, name: string, fallback: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^(\d+\.?\d*|\.\d+)$/.test(raw) || value < 0 || value > 1) {
    throw new ConfigError(`${name} must be a number from 0 to 1, got "${raw}" (example: ${name}=${fallback})`);
  }
  return value;
}

export function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = optional(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'on', 'yes'].includes(raw)) return true;
  if (['false', '0', 'off', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}" (example: ${name}=${fallback})`);
}

export function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if ((values as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(`${name} must be one of ${values.join(', ')}, got "${raw}" (example: ${name}=${fallback})`);
}

export function parseDatabaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `DATABASE_URL is not a valid URL: "${redactUrl(raw)}" (example: DATABASE_URL=postgres://user:password@localhost:5432/ste)`,
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(
      `DATABASE_URL must start with postgres:// or postgresql://, got "${url.protocol}" (example: DATABASE_URL=postgres://localhost:5432/ste)`,
    );
  }
  return raw;
}

export function parseBaseUrl(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    return raw.replace(/\/+$/, '');
  } catch {
    throw new ConfigError(`OPENAI_BASE_URL must be an http(s) URL, got "${raw}" (example: OPENAI_BASE_URL=http://localhost:8000/v1)`);
  }
}

/** A connection string with its password replaced, for logs and error messages. */
export function redactUrl(raw: string): string {
  // Greedy up to the last '@': a password may itself contain '@'.
  return raw.replace(/(\/\/[^:/@]*:).*@/, '$1***@');
}

/** An endpoint URL safe to show to API clients: no user, password or query values (some proxies take keys there). */
export function publicEndpoint(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.username || url.password) {
      url.username = '***';
      url.password = '';
    }
    for (const key of [...url.searchParams.keys()]) url.searchParams.set(key, '***');
    return url.toString().replace(/\/+$/, '');
  } catch {
    return 'configured endpoint';
  }
}
