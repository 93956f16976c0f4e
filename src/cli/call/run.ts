import { TxClient, type CallOptions, type TxResult } from '../../index.js';
import { clientTransport } from '../support/client-transport.js';
import { closePromptly } from '../support/close-promptly.js';
import type { ServerTarget } from '../support/server-target.js';

/** Options of {@link runCall}. */
export interface RunCallOptions {
  /** Per-attempt timeout, ms. @default 30_000 */
  timeoutMs?: number;
  /** Time budget of the whole call, all attempts included, ms. No default. */
  deadlineMs?: number;
  /** Retries after the first attempt (0 = none). @default 2 */
  retries?: number;
  /** Idempotency key of the call (repeated calls share it). @default a fresh key per call */
  idempotencyKey?: string;
  /** Calls in flight at once with `repeat`. @default 10 */
  concurrency?: number;
  /** How many times to make the call. @default 1 */
  repeat?: number;
  /** Called with every client event (requests, ACKs, retries…), e.g. to log them. */
  onEvent?: (line: string) => void;
}

/**
 * Connects a {@link TxClient} to `target`, calls `tool` (`repeat` times, up to `concurrency` at
 * once) and closes, ending a stdio server child promptly once the outcome is known (a tool still
 * running there is not waited for). Rejects with the call's typed error.
 *
 * @example
 * const [r] = await runCall({ command: 'node', args: ['server.js'] }, 'add', { a: 1, b: 2 }, { retries: 3 });
 */
export async function runCall(
  target: ServerTarget,
  tool: string,
  args: Record<string, unknown> | undefined,
  options: RunCallOptions = {},
): Promise<TxResult[]> {
  const {
    timeoutMs,
    deadlineMs,
    retries = 2,
    idempotencyKey,
    concurrency = 10,
    repeat = 1,
    onEvent,
  } = options;
  const transport = clientTransport(target);
  const client = await TxClient.connect(transport, {
    concurrency,
    retry: { maxAttempts: retries + 1 },
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(deadlineMs !== undefined ? { deadlineMs } : {}),
    dedupWindowMs: 0, // repeats with one key should reach the server, to show its replay
  });
  const events = onEvent
    ? client.events$.subscribe((e) =>
        onEvent(`${e.type} ${e.tool} attempt=${e.attempt} request=${e.requestId}`),
      )
    : undefined;
  try {
    const call: CallOptions = idempotencyKey === undefined ? {} : { idempotencyKey };
    return await Promise.all(Array.from({ length: repeat }, () => client.call(tool, args, call)));
  } finally {
    events?.unsubscribe();
    await closePromptly(client, transport);
  }
}

/**
 * The stderr line for results that are tool errors (`isError`), with the first one's text;
 * `undefined` when none is.
 *
 * @example
 * toolErrorMessage('pay', results) // "tool 'pay' returned an error (isError): card declined"
 */
export function toolErrorMessage(tool: string, results: readonly TxResult[]): string | undefined {
  const failed = results.filter((r) => r.result.isError === true);
  const [first] = failed;
  if (first === undefined) return undefined;
  const text = first.result.content
    .map((c) => (c.type === 'text' ? c.text : `[${c.type}]`))
    .join(' ')
    .trim();
  const what =
    results.length === 1
      ? `tool '${tool}' returned an error (isError)`
      : `${failed.length} of ${results.length} calls of tool '${tool}' returned an error (isError); the first`;
  return text === '' ? what : `${what}: ${text}`;
}
