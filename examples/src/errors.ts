/**
 * A mistake in how the command was called (unknown flag, bad value): the CLI prints the
 * message with a pointer to `--help` and exits with code 2.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * A failure the user can act on (missing checkpoint, unreadable data file): the CLI prints
 * the one-line message, no stack trace, and exits with code 1.
 */
export class CliError extends Error {
  override name = 'CliError';
}

/** The message of any thrown value, first line only, for one-line error reports. */
export function messageOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!;
}
