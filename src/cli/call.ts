import { Option, type Command } from 'commander';
import { EXIT_FAILED, EXIT_OK } from './support/errors.js';
import { serverTarget } from './support/server-target.js';
import { compact, integer, parseJsonArgs } from './support/parse.js';

// The work is runCall (./call/run.js), loaded when the command runs: it brings the SDK and RxJS.
export type { RunCallOptions } from './call/run.js';

interface CallFlags {
  url?: string;
  timeout?: number;
  deadline?: number;
  retries: number;
  idempotencyKey?: string;
  repeat: number;
  concurrency: number;
  sdk: 'v1' | 'v2';
}

/** Registers `mcp-tx call`. `serverCommand` is what followed `--` on the command line. */
export function callCommand(
  program: Command,
  serverCommand: readonly string[],
  setExit: (code: number) => void,
) {
  program
    .command('call')
    .usage('[options] <tool> [json-args] -- <server command…>')
    .description('call one tool of an MCP server through mcp-tx and print the TxResult as JSON')
    .argument('<tool>', 'tool name')
    .argument('[json-args]', 'tool arguments as a JSON object')
    .option('--url <http-url>', 'Streamable HTTP endpoint of the server, instead of a command after --')
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
    .addOption(
      new Option(
        '--sdk <major>',
        'MCP SDK of the client: v2 speaks the stateless 2026-07-28 protocol to a server that offers it',
      )
        .choices(['v1', 'v2'])
        .default('v1'),
    )
    .addHelpText(
      'after',
      `
Exit code: 0 on success, 1 on a tool error (isError) or a failed call, 2 on bad usage.

Examples:
  $ mcp-tx call add '{"a":1,"b":2}' -- node server.js
  $ mcp-tx call transfer '{"to":"bob","cents":100}' --idempotency-key order-42 --url http://127.0.0.1:3000/mcp
  $ mcp-tx call search '{"q":"mcp"}' --timeout 2000 --retries 5 --deadline 10000 -- npx -y some-mcp-server
  $ mcp-tx call transfer '{"to":"bob","cents":100}' --sdk v2 --url https://replicas.example/mcp`,
    )
    .action(async (tool: string, json: string | undefined, opts: CallFlags, command: Command) => {
      const verbose = command.optsWithGlobals<{ verbose?: boolean }>().verbose === true;
      const args = parseJsonArgs(json);
      const target = serverTarget(opts.url, serverCommand);
      const { timeout, deadline, retries, idempotencyKey, repeat, concurrency, sdk } = opts;
      const onEvent = verbose ? (line: string) => process.stderr.write(`mcp-tx: ${line}\n`) : undefined;
      const { runCall, toolErrorMessage } = await import('./call/run.js');
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
          sdk,
        }),
      );
      process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
      const toolError = toolErrorMessage(tool, results);
      if (toolError !== undefined) process.stderr.write(`mcp-tx: ${toolError}\n`);
      setExit(toolError === undefined ? EXIT_OK : EXIT_FAILED);
    });
}
