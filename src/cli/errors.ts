/**
 * The CLI's two kinds of failure. Exit codes are part of its contract with scripts:
 * 0 done, 1 failure (`CliError`), 2 usage error (`UsageError`, and commander's own errors).
 */

/** A failure to report as one line on stderr; exit code 1 unless given. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    options?: { cause?: unknown; details?: string[] },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.details = options?.details ?? [];
  }

  /** Extra lines printed after the message (for example the rejected lines of an import). */
  readonly details: string[];
}

/** A bad flag or argument: exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** The one wording of a missing thing, in every command: "experiment 999 not found". */
export function notFoundMessage(what: string, id: string): string {
  return `${what} ${id} not found`;
}

/** The server's NOT_FOUND text ("experimentId: no experiment with id 999") in the CLI's wording; other text as it is. */
export function cliWording(message: string): string {
  const match = /^[\w.]+: no ([a-z][a-z ]*) with id (\S+)$/.exec(message);
  return match ? notFoundMessage(match[1]!, match[2]!) : message;
}
