// The error classes alone, not the library's entry: `mcp-tx --version` must not load the SDK.
import { isNackError, isTxError } from '../../protocol/errors.js';

/** Exit codes of every command: success, a failed call or tool error, bad usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * A mistake in how the command was invoked (bad flag value, bad JSON, missing server); exits 2.
 *
 * @example
 * throw new UsageError('json-args must be a JSON object, got an array');
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Whether `e` is a {@link UsageError}. */
export const isUsageError = (e: unknown): e is UsageError => e instanceof UsageError;

/**
 * Prints `error` as one line (`mcp-tx: …`, with the mcp-tx error code when there is one), or its
 * stack with `verbose`, and returns the exit code it deserves.
 *
 * @example
 * process.exitCode = reportError(e, { verbose: false });
 */
export function reportError(
  error: unknown,
  {
    verbose,
    write = (line: string) => process.stderr.write(line),
  }: { verbose: boolean; write?: (line: string) => void },
): number {
  const code = isTxError(error) ? ` [${error.code}]` : '';
  const message = error instanceof Error ? error.message : String(error);
  write(`mcp-tx:${code} ${message}${isTxError(error) ? attemptsMade(error.attemptErrors) : ''}\n`);
  if (verbose && error instanceof Error && error.stack) write(`${error.stack}\n`);
  return isUsageError(error) ? EXIT_USAGE : EXIT_FAILED;
}

/**
 * How many attempts a failed call made and, when more than one, what each ended with, e.g.
 * ` (after 3 attempts: TIMEOUT, NACK overloaded, TIMEOUT)`.
 */
function attemptsMade(errors: readonly unknown[]): string {
  if (errors.length <= 1) return ` (after ${errors.length} attempt${errors.length === 1 ? '' : 's'})`;
  const outcomes = errors.map((e) => {
    if (isNackError(e)) return `NACK ${e.reason}`;
    return isTxError(e) ? e.code : e instanceof Error ? e.name : String(e);
  });
  return ` (after ${errors.length} attempts: ${outcomes.join(', ')})`;
}
