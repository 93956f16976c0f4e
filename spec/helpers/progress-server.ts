import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** What the progress server's tools observed. */
export interface ProgressLog {
  /** The `progressToken` of each `index` run, in order (`undefined`: none was sent). */
  tokens: unknown[];
  /** Runs per tool. */
  runs: Record<string, number>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * An McpServer whose tools report progress through `extra.sendNotification`, as MCP tools do:
 * - `index { steps, delayMs }`: `steps` progress notifications (`progress: i, total: steps,
 *   message: 'run R step i'`), one every `delayMs`, then answers `indexed steps (run R)`. It goes on
 *   after a cancel (a `withTxServer` execution left running for a retry keeps reporting).
 */
export function createProgressServer(options: { capabilities?: ServerCapabilities } = {}): {
  server: McpServer;
  log: ProgressLog;
} {
  const log: ProgressLog = { tokens: [], runs: {} };
  const server = new McpServer(
    { name: 'progress-server', version: '1.0.0' },
    options.capabilities ? { capabilities: options.capabilities } : undefined,
  );
  server.registerTool(
    'index',
    { inputSchema: { steps: z.number(), delayMs: z.number() } },
    async ({ steps, delayMs }, extra) => {
      const run = (log.runs.index = (log.runs.index ?? 0) + 1);
      const progressToken = extra._meta?.progressToken;
      log.tokens.push(progressToken);
      for (let i = 1; i <= steps; i++) {
        await wait(delayMs);
        if (progressToken === undefined) continue;
        const params = { progressToken, progress: i, total: steps, message: `run ${run} step ${i}` };
        await extra.sendNotification({ method: 'notifications/progress', params });
      }
      return { content: [{ type: 'text', text: `indexed ${steps} (run ${run})` }] };
    },
  );
  return { server, log };
}
