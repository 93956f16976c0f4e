import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { buildServer } from './majors/build-server.js';
import { answer, defineTool, waitOrAbort, type NeutralTool } from './majors/neutral-tool.js';

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

/** A fresh, empty {@link ToolLog}. */
export const newToolLog = (): ToolLog => ({ metas: {}, runs: {}, maxConcurrent: 0, aborted: 0 });

/**
 * The tools the client specs use, described once for a server of either SDK major, recording into `log`:
 * - `echo` (read-only): returns its `text`.
 * - `flaky` (read-only): hangs (until cancelled) for its first `hangs` runs, then answers.
 * - `charge` (side effect, not idempotent): counts, answers after `delayMs`.
 * - `slow`: waits `ms`, tracks concurrency and aborts.
 * - `fail`: returns an `isError` result.
 * - `progress { steps }`: reports `steps` progress notifications, then answers `done`.
 * - `log` (read-only): returns the {@link ToolLog} as JSON (for servers in a child process).
 * - `meta` (read-only): returns the request's `params._meta` as it reached the tool, as JSON.
 */
export function clientTools(log: ToolLog, { hangs = 2 }: { hangs?: number } = {}): NeutralTool[] {
  let concurrent = 0;
  const record = (tool: string, meta: Record<string, unknown> | undefined) => {
    (log.metas[tool] ??= []).push(meta?.mcp_tx);
    log.runs[tool] = (log.runs[tool] ?? 0) + 1;
  };
  // unref'd: a tool still sleeping when its spec ends must not hold the Jest worker open
  const wait = (ms: number, signal: AbortSignal) => waitOrAbort(ms, signal, () => log.aborted++);
  return [
    defineTool(
      'echo',
      { input: { text: z.string() }, annotations: { readOnlyHint: true } },
      ({ text }, ctx) => {
        record('echo', ctx.meta);
        return answer(text);
      },
    ),
    defineTool(
      'flaky',
      { input: { text: z.string() }, annotations: { readOnlyHint: true } },
      async ({ text }, ctx) => {
        record('flaky', ctx.meta);
        if ((log.runs.flaky ?? 0) <= hangs) await wait(60_000, ctx.signal);
        return answer(text);
      },
    ),
    defineTool(
      'charge',
      { input: { cents: z.number(), delayMs: z.number().optional() } },
      async ({ cents, delayMs = 0 }, ctx) => {
        record('charge', ctx.meta);
        if (delayMs > 0) await wait(delayMs, ctx.signal);
        return answer(`charged ${cents}`);
      },
    ),
    defineTool('slow', { input: { ms: z.number() } }, async ({ ms }, ctx) => {
      record('slow', ctx.meta);
      concurrent++;
      log.maxConcurrent = Math.max(log.maxConcurrent, concurrent);
      await wait(ms, ctx.signal);
      concurrent--;
      return answer(`slept ${ms}`);
    }),
    // No input schema (rather than `{}`): an SDK v1 before 1.32 refuses a call without `arguments`
    // to a tool with an (empty) input schema, and these tools are called without arguments.
    defineTool('fail', {}, (_args, ctx) => {
      record('fail', ctx.meta);
      return { isError: true, content: [{ type: 'text', text: 'it failed' }] };
    }),
    defineTool('progress', { input: { steps: z.number() } }, async ({ steps }, ctx) => {
      record('progress', ctx.meta);
      for (let step = 1; step <= steps; step++) await ctx.progress(step, steps);
      // an SDK v2 Client hands a progress notification to its callback asynchronously and drops
      // it when the call's result is handled first: the notifications go well before the result
      await new Promise((resolve) => setTimeout(resolve, 30).unref());
      return answer('done');
    }),
    defineTool('log', { annotations: { readOnlyHint: true } }, () => answer(JSON.stringify(log))),
    defineTool('meta', { annotations: { readOnlyHint: true } }, (_args, ctx) =>
      answer(JSON.stringify(ctx.meta ?? {})),
    ),
  ];
}

/** An SDK v1 McpServer with {@link clientTools}. */
export function createToolServer(options: { capabilities?: ServerCapabilities; hangs?: number } = {}): {
  server: McpServer;
  log: ToolLog;
} {
  const log = newToolLog();
  const server = buildServer('v1', clientTools(log, options), {
    ...(options.capabilities && { capabilities: options.capabilities }),
  }) as McpServer;
  return { server, log };
}
