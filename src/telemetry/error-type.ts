import { isNackError, isOutcomeUnknownError, isRequestError, isTxError } from '../protocol/index.js';
import type { TxOutcome } from '../server/idempotency-store.js';

/**
 * How a failed call is recorded: `error.type` (low cardinality), the JSON-RPC error code of the
 * response it failed with, if any (`rpc.response.status_code`), and the span status description.
 *
 * @example
 * const failure: Failure = { type: '-32000', code: '-32000', message: 'server refused the call (overloaded)' };
 */
export interface Failure {
  readonly type: string;
  readonly code: string | undefined;
  readonly message: string | undefined;
}

/**
 * A call whose caller gave it up, or a server call cancelled by its client.
 *
 * @example
 * const failure = outcome === undefined ? CANCELLED : failureOf(error);
 */
export const CANCELLED: Failure = Object.freeze({ type: 'cancelled', code: undefined, message: undefined });

/**
 * A tool's `isError: true` result: `tool_error`, as the MCP conventions say.
 *
 * @example
 * const failure = result.isError === true ? TOOL_ERROR : undefined;
 */
export const TOOL_ERROR: Failure = Object.freeze({ type: 'tool_error', code: undefined, message: undefined });

/**
 * The {@link Failure} of a client call that failed with `error`. Per the MCP conventions,
 * `error.type` is the JSON-RPC error code when the server answered with one (a NACK is -32000,
 * its reason on the span and the NACK counter); otherwise mcp-tx's error code in lower case
 * (`timeout`, `deadline_exceeded`, `queue_full`, `circuit_open`, ...), or the error's name.
 *
 * @example
 * failureOf(new AttemptTimeoutError('search: no response within 30000 ms')).type; // 'timeout'
 */
export function failureOf(error: unknown): Failure {
  const message = error instanceof Error ? error.message : undefined;
  const code = responseCode(error);
  if (code !== undefined) return { type: code, code, message };
  if (isTxError(error)) return { type: error.code.toLowerCase(), code: undefined, message };
  return { type: error instanceof Error ? error.name : '_OTHER', code: undefined, message };
}

/**
 * The {@link Failure} of a tool call answered with `outcome`, or `undefined` for a success.
 *
 * @example
 * outcomeFailure({ error: { code: -32602, message: 'Invalid params' } })?.type; // '-32602'
 */
export function outcomeFailure(outcome: TxOutcome): Failure | undefined {
  if ('error' in outcome) {
    const { code, message } = outcome.error;
    return { type: String(code), code: String(code), message };
  }
  return outcome.result.isError === true ? TOOL_ERROR : undefined;
}

/** The JSON-RPC error code of the response an error came from (not of errors made on this side). */
function responseCode(error: unknown): string | undefined {
  if (isRequestError(error)) return String(error.rpcCode);
  if (!isNackError(error) && !isOutcomeUnknownError(error)) return undefined;
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? String(code) : undefined;
}
