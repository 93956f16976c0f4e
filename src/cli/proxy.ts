import type { Command } from 'commander';
import { inheritedEnv } from './support/client-transport.js';
import { EXIT_OK, UsageError } from './support/errors.js';
import { integer } from './support/parse.js';

interface ProxyFlags {
  http?: number;
  host: string;
  maxRestarts: number;
  restartDelay: number;
  maxConcurrent?: number;
  maxMessageBytes?: number;
}

/** Registers `mcp-tx proxy`. `serverCommand` is what followed `--` on the command line. */
export function proxyCommand(
  program: Command,
  serverCommand: readonly string[],
  setExit: (code: number) => void,
) {
  program
    .command('proxy')
    .description('put mcp-tx (ACK, NACK, exactly-once by idempotency key) in front of any stdio MCP server')
    .option(
      '--http <port>',
      'serve Streamable HTTP at http://<host>:<port>/mcp instead of stdio',
      integer(0, 65_535),
    )
    .option('--host <host>', 'interface for --http', '127.0.0.1')
    .option(
      '--max-restarts <n>',
      'restarts in a row of a crashing server before giving up',
      integer(0, 1_000),
      10,
    )
    .option(
      '--restart-delay <ms>',
      'shortest backoff before a restart in ms (grows with jitter up to 10 s)',
      integer(1, 60_000),
      200,
    )
    .option('--max-concurrent <n>', 'tool executions running at once per connection', integer(1, 1_000_000))
    .option(
      '--max-message-bytes <n>',
      'largest message read from the client or the server (a larger one fails its call alone)',
      integer(1_024, 2 ** 30),
      10 * 1024 * 1024,
    )
    .addHelpText(
      'after',
      `
The server runs as a child process; its stderr passes through. When it dies it is restarted
(with backoff) and given the client's initialize again; the idempotency store survives, so a
client retrying with its keys sees no double execution. Logs go to stderr.

Examples:
  $ mcp-tx proxy -- node server.js
  $ mcp-tx proxy --http 3000 -- npx -y @modelcontextprotocol/server-everything`,
    )
    .action(async (opts: ProxyFlags) => {
      const [command, ...args] = serverCommand;
      if (command === undefined) throw new UsageError('no server command: mcp-tx proxy -- <server command…>');
      const { runProxy } = await import('./proxy/index.js');
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await runProxy({
          child: { command, args, env: inheritedEnv() },
          host: opts.host,
          restart: { maxRestarts: opts.maxRestarts, baseDelayMs: opts.restartDelay },
          signal: controller.signal,
          ...(opts.http !== undefined ? { httpPort: opts.http } : {}),
          ...(opts.maxConcurrent !== undefined ? { maxConcurrent: opts.maxConcurrent } : {}),
          ...(opts.maxMessageBytes !== undefined ? { maxMessageBytes: opts.maxMessageBytes } : {}),
        });
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      setExit(EXIT_OK);
    });
}
