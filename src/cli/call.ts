import type { Command } from 'commander';
import { TxClient, type CallOptions, type TxResult } from '../index.js';
import { EXIT_FAILED, EXIT_OK } from './support/errors.js';
import { clientTransport, serverTarget, type ServerTarget } from './support/client-transport.js';
import { compact, integer, parseJsonArgs } from './support/parse.js';

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
 * once) and closes. Rejects with the call's typed error.
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
  const client = await TxClient.connect(clientTransport(target), {
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
    await client.close();
  }
}

interface CallFlags {
  url?: string;
  timeout?: number;
  deadline?: number;
  retries: number;
  idempotencyKey?: string;
  repeat: number;
  concurrency: number;
}

/** Registers `mcp-tx call`. `serverCommand` is what followed `--` on the command line. */
export function callCommand(
  program: Command,
  serverCommand: readonly string[],
  setExit: (code: number) => void,
) {
  program
    .command('call')
    .description('call one tool of an MCP server through mcp-tx and print the TxResult as JSON')
    .argument('<tool>', 'tool name')
    .argument('[json-args]', 'tool arguments as a JSON object')
    .option('--url <http-url>', 'Streamable HTTP endpoint of the server (else give a command after --)')
    .option('--timeout <ms>', 'per-attempt timeout in ms', integer(1, 2_147_483_647))
    .option(
      '--deadline <ms>',
      'time budget of the whole call in ms, retries included',
      integer(1, 2_147_483_647),
    )
    .option('--retries <n>', 'retries after the first attempt', integer(0, 99), 2)
    .option(
      '--idempotency-key <key>',
      'idempotency key (a server behind withTxServer or mcp-tx proxy runs the tool once per key)',
    )
    .option(
      '--repeat <n>',
      'make the call n times (with --idempotency-key, a withTxServer server or mcp-tx proxy runs the tool once)',
      integer(1, 100_000),
      1,
    )
    .option('--concurrency <n>', 'calls in flight at once with --repeat', integer(1, 10_000), 10)
    .addHelpText(
      'after',
      `
Exit code: 0 on success, 1 on a tool error (isError) or a failed call, 2 on bad usage.

Examples:
  $ mcp-tx call add '{"a":1,"b":2}' -- node server.js
  $ mcp-tx call transfer '{"to":"bob","cents":100}' --idempotency-key order-42 --url http://127.0.0.1:3000/mcp
  $ mcp-tx call search '{"q":"mcp"}' --timeout 2000 --retries 5 --deadline 10000 -- npx -y some-mcp-server`,
    )
    .action(async (tool: string, json: string | undefined, opts: CallFlags, command: Command) => {
      const verbose = command.optsWithGlobals<{ verbose?: boolean }>().verbose === true;
      const args = parseJsonArgs(json);
      const target = serverTarget(opts.url, serverCommand);
      const { timeout, deadline, retries, idempotencyKey, repeat, concurrency } = opts;
      const onEvent = verbose ? (line: string) => process.stderr.write(`mcp-tx: ${line}\n`) : undefined;
      const results = await runCall(
        target,
        tool,
        args,
        compact({
          timeoutMs: timeout,
          deadlineMs: deadline,
          retries,
          idempotencyKey,
          repeat,
          concurrency,
          onEvent,
        }),
      );
      process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
      setExit(results.some((r) => r.result.isError === true) ? EXIT_FAILED : EXIT_OK);
    });
}
