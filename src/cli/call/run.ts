import { TxClient, type CallOptions, type TxClientOptions, type TxResult } from '../../index.js';
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
  /**
   * The SDK major of the client: `v2` is `mcp-tx/v2`'s `TxClient`, which speaks the stateless
   * 2026-07-28 protocol to a server that offers it (else `initialize`). @default 'v1'
   */
  sdk?: 'v1' | 'v2';
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
    sdk = 'v1',
  } = options;
  const { transport, connect } = sdk === 'v2' ? await v2Client(target) : v1Client(target);
  const client = await connect({
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
    await closePromptly(client, transport as Parameters<typeof closePromptly>[1]);
  }
}

/** A connection of `mcp-tx`'s `TxClient` to `target`, and its transport. */
function v1Client(target: ServerTarget) {
  const transport = clientTransport(target);
  return { transport, connect: (options: TxClientOptions) => TxClient.connect(transport, options) };
}

/** A connection of `mcp-tx/v2`'s `TxClient` to `target` (loaded only then: it brings SDK v2), and its transport. */
async function v2Client(target: ServerTarget) {
  const [{ TxClient: V2Client }, { v2ClientTransport }] = await Promise.all([
    import('../../v2/index.js'),
    import('../../v2/cli/client-transport.js'),
  ]);
  const transport = v2ClientTransport(target);
  return { transport, connect: (options: TxClientOptions) => V2Client.connect(transport, options) };
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
