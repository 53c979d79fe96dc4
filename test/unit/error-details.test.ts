import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { formatError, MAX_DETAIL_LENGTH, safeDetail } from '../../src/http/errors.js';
import { loadConfig } from '../../src/config/index.js';

/** drizzle's wrapper: the statement and its parameters in the message, the driver's error as cause. */
function failedQuery(cause: Error): Error {
  return new Error('Failed query: select * from "secret_table" where "token" = $1\nparams: sk-live-123', { cause });
}

describe('ERROR_DETAILS (development aid)', () => {
  it('is off by default, on with ERROR_DETAILS=true, refused in production', () => {
    expect(loadConfig({}, []).api.errorDetails).toBe(false);
    expect(loadConfig({ ERROR_DETAILS: 'true' }, []).api.errorDetails).toBe(true);
    expect(() => loadConfig({ ERROR_DETAILS: 'true', NODE_ENV: 'production' }, [])).toThrow(
      'ERROR_DETAILS is a development aid and is refused with NODE_ENV=production: unset it (errors carry an errorId to find the logged error)',
    );
    expect(() => loadConfig({ ERROR_DETAILS: 'maybe' }, [])).toThrow('ERROR_DETAILS must be true or false, got "maybe" (example: ERROR_DETAILS=false)');
  });

  it("gives the driver's message for a failed query, never the statement or its parameters", () => {
    expect(safeDetail(failedQuery(new Error('relation "secret_table" does not exist')))).toBe('relation "secret_table" does not exist');
    expect(safeDetail(new Error('Failed query: select 1\nparams: '))).toBe('a database statement failed');
    expect(safeDetail(new Error('syntax error near "SELECT password FROM users WHERE id = $1"'))).toBe('a database statement failed');
  });

  it('replaces file paths and keeps only the first line', () => {
    expect(safeDetail(new Error("ENOENT: no such file or directory, open '/srv/app/data/x.json'"))).toBe("ENOENT: no such file or directory, open '<path>'");
    expect(safeDetail(new Error('boom at C:\\app\\src\\x.ts:12:3 and src/db/pairs-repo.ts:40 and file:///srv/a.js\n    at f (/srv/app/x.ts:1:1)'))).toBe(
      'boom at <path> and <path> and <path>',
    );
    expect(safeDetail(new Error('x'.repeat(1000)))).toBe(`${'x'.repeat(MAX_DETAIL_LENGTH)}…`);
    expect(safeDetail('a string thrown')).toBe('an internal error without a message');
  });

  it('adds `details` to a masked error only when on', () => {
    const error = new GraphQLError('wrapped', { path: ['experiments'], originalError: failedQuery(new Error('connect ECONNREFUSED 10.0.0.7:5432')) });
    const off = formatError(error.toJSON(), error, false, false, () => 'id-1');
    expect(off).toEqual({ message: 'Internal server error', path: ['experiments'], extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: 'id-1' } });
    const on = formatError(error.toJSON(), error, false, false, () => 'id-1', true);
    expect(on).toEqual({
      message: 'Internal server error',
      path: ['experiments'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: 'id-1', details: 'connect ECONNREFUSED 10.0.0.7:5432' },
    });
  });
});
