import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** What the test server's tools observed, for assertions. */
export interface ToolLog {
  /** `_meta.mcp_tx` of every tools/call the server saw, in order, per tool. */
  metas: Record<string, unknown[]>;
  /** Executions per tool. */
  runs: Record<string, number>;
  /** Highest number of `slow` executions at once. */
  maxConcurrent: number;
  /** Requests whose `signal` was aborted. */
  aborted: number;
}

/**
 * An McpServer with the tools the client specs use:
 * - `echo` (read-only): returns its `text`.
 * - `flaky` (read-only): hangs (until cancelled) for its first `hangs` runs, then answers.
 * - `charge` (side effect, not idempotent): counts, answers after `delayMs`.
 * - `slow`: waits `ms`, tracks concurrency and aborts.
 * - `fail`: returns an `isError` result.
 * - `log` (read-only): returns the {@link ToolLog} as JSON (for servers in a child process).
 * - `meta` (read-only): returns the request's `params._meta` as it reached the tool, as JSON.
 */
export function createToolServer(options: { capabilities?: ServerCapabilities; hangs?: number } = {}): {
  server: McpServer;
  log: ToolLog;
} {
  const log: ToolLog = { metas: {}, runs: {}, maxConcurrent: 0, aborted: 0 };
  let concurrent = 0;
  const server = new McpServer(
    { name: 'tool-server', version: '1.0.0' },
    options.capabilities ? { capabilities: options.capabilities } : undefined,
  );
  const record = (tool: string, meta: Record<string, unknown> | undefined) => {
    (log.metas[tool] ??= []).push(meta?.mcp_tx);
    log.runs[tool] = (log.runs[tool] ?? 0) + 1;
  };
  const wait = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      // unref: a tool still sleeping when its spec ends (its client closed without a cancel
      // reaching it) must not hold the Jest worker open
      const timer = setTimeout(resolve, ms).unref();
      signal.addEventListener('abort', () => {
        log.aborted++;
        clearTimeout(timer);
        resolve();
      });
    });

  server.registerTool(
    'echo',
    { inputSchema: { text: z.string() }, annotations: { readOnlyHint: true } },
    ({ text }, extra) => {
      record('echo', extra._meta);
      return { content: [{ type: 'text', text }] };
    },
  );
  server.registerTool(
    'flaky',
    { inputSchema: { text: z.string() }, annotations: { readOnlyHint: true } },
    async ({ text }, extra) => {
      record('flaky', extra._meta);
      if ((log.runs.flaky ?? 0) <= (options.hangs ?? 2)) await wait(60_000, extra.signal);
      return { content: [{ type: 'text', text }] };
    },
  );
  server.registerTool(
    'charge',
    { inputSchema: { cents: z.number(), delayMs: z.number().optional() } },
    async ({ cents, delayMs = 0 }, extra) => {
      record('charge', extra._meta);
      if (delayMs > 0) await wait(delayMs, extra.signal);
      return { content: [{ type: 'text', text: `charged ${cents}` }] };
    },
  );
  server.registerTool('slow', { inputSchema: { ms: z.number() } }, async ({ ms }, extra) => {
    record('slow', extra._meta);
    concurrent++;
    log.maxConcurrent = Math.max(log.maxConcurrent, concurrent);
    await wait(ms, extra.signal);
    concurrent--;
    return { content: [{ type: 'text', text: `slept ${ms}` }] };
  });
  // No inputSchema (rather than `{}`): an SDK before 1.32 refuses a call without `arguments` to a
  // tool with an (empty) input schema, and these tools are called without arguments.
  server.registerTool('fail', {}, (extra) => {
    record('fail', extra._meta);
    return { isError: true, content: [{ type: 'text', text: 'it failed' }] };
  });
  server.registerTool('log', { annotations: { readOnlyHint: true } }, () => ({
    content: [{ type: 'text', text: JSON.stringify(log) }],
  }));
  server.registerTool('meta', { annotations: { readOnlyHint: true } }, (extra) => ({
    content: [{ type: 'text', text: JSON.stringify(extra._meta ?? {}) }],
  }));
  return { server, log };
}
