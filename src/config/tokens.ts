/**
 * API tokens as configured: parsing of API_TOKENS and API_TOKENS_FILE (config.ts passes their
 * values in and turns a failure into a ConfigError), and hashing. Only hashes are kept in memory.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** What a token may do: reader (queries, subscriptions, exports) < operator (mutations) < admin (deleteExperiment). */
export type ApiRole = 'reader' | 'operator' | 'admin';
export const API_ROLES: readonly ApiRole[] = ['reader', 'operator', 'admin'];

/** A configured API token: its role and the SHA-256 of the token (hex); the token itself is not kept. */
export type ApiToken = { role: ApiRole; sha256: string };

/** SHA-256 of a token, hex: what API_TOKENS_FILE holds and what a presented token is compared by. */
export const sha256Hex = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** Tokens shorter than this are refused: they could be guessed. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * `list`: API_TOKENS, "role:token,role:token". `file`: API_TOKENS_FILE, lines "role sha256hex"
 * (blank lines and # comments ignored). Throws an Error whose message is one line for the operator
 * and never contains a token.
 */
export function parseApiTokens(list: string | undefined, file: string | undefined): ApiToken[] {
  const tokens: ApiToken[] = [];
  for (const [i, entry] of (list ?? '').split(',').map((e) => e.trim()).filter(Boolean).entries()) {
    const at = entry.indexOf(':');
    const token = entry.slice(at + 1).trim();
    // Only the entry's position is named, never its text.
    if (at < 0 || token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
      throw new Error(
        `API_TOKENS entry ${i + 1} must be role:token with a token of at least ${MIN_TOKEN_LENGTH} characters and no spaces (example: API_TOKENS=reader:$(openssl rand -hex 32))`,
      );
    }
    tokens.push({ role: roleOf(`API_TOKENS entry ${i + 1}`, entry.slice(0, at).trim()), sha256: sha256Hex(token) });
  }
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new Error(`API_TOKENS_FILE: cannot read ${file} (${reason}) (example: API_TOKENS_FILE=/etc/ste/tokens)`, { cause: error });
    }
    text.split('\n').forEach((raw, i) => {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) return;
      const [role, hash, extra] = line.split(/\s+/);
      if (!hash || extra !== undefined || !/^[0-9a-f]{64}$/i.test(hash)) {
        throw new Error(`API_TOKENS_FILE line ${i + 1} must be "role sha256hex" (example: operator $(printf %s "$TOKEN" | sha256sum | cut -c1-64))`);
      }
      tokens.push({ role: roleOf(`API_TOKENS_FILE line ${i + 1}`, role!), sha256: hash.toLowerCase() });
    });
  }
  return tokens;
}

function roleOf(where: string, raw: string): ApiRole {
  if ((API_ROLES as readonly string[]).includes(raw)) return raw as ApiRole;
  throw new Error(`${where}: "${raw}" is not a role; use reader, operator or admin (example: API_TOKENS=operator:$(openssl rand -hex 32))`);
}
