import { McpServer, type McpRequestContext } from '@modelcontextprotocol/server';
import { z } from 'zod';

/** What the tools of every server a {@link v2ToolFactory} made observed (its servers share one). */
export interface V2ToolLog {
  /** Executions per tool. */
  runs: Record<string, number>;
  /** The `_meta.mcp_tx` each execution's request carried, in order. */
  metas: unknown[];
  /** The era (`legacy`, `modern`) of each server made. */
  eras: string[];
}

/** A fresh, empty log. */
export function v2ToolLog(): V2ToolLog {
  return { runs: {}, metas: [], eras: [] };
}

/**
 * A factory of SDK v2 `McpServer`s (a fresh one per call, as `createMcpHandler` wants) with the
 * tools the v2 specs use, recording into `log`:
 * - `charge` `{ cents, ms? }` (not idempotent): answers `charged <cents>` after `ms`;
 * - `progress` `{ steps }`: reports `steps` progress notifications, then (100 ms later) answers `done`;
 * - `big` `{ size }`: answers a text of `size` characters (for compression);
 * - `log`: answers the log as JSON (for a server in a child process).
 */
export function v2ToolFactory(log: V2ToolLog = v2ToolLog()): (ctx?: McpRequestContext) => McpServer {
  const record = (tool: string, meta: Record<string, unknown> | undefined) => {
    log.runs[tool] = (log.runs[tool] ?? 0) + 1;
    log.metas.push(meta?.mcp_tx);
  };
  return (ctx) => {
    log.eras.push(ctx?.era ?? 'legacy');
    const server = new McpServer({ name: 'v2-tool-server', version: '1.0.0' });
    server.registerTool(
      'charge',
      {
        inputSchema: z.object({ cents: z.number(), ms: z.number().optional() }),
        annotations: { idempotentHint: false },
      },
      async ({ cents, ms }, { mcpReq }) => {
        record('charge', mcpReq._meta);
        if (ms !== undefined) await new Promise((resolve) => setTimeout(resolve, ms).unref());
        return { content: [{ type: 'text', text: `charged ${cents}` }] };
      },
    );
    server.registerTool(
      'progress',
      { inputSchema: z.object({ steps: z.number() }) },
      async ({ steps }, { mcpReq }) => {
        record('progress', mcpReq._meta);
        const progressToken = mcpReq._meta?.progressToken;
        for (let progress = 1; progress <= steps && progressToken !== undefined; progress++) {
          await mcpReq.notify({
            method: 'notifications/progress',
            params: { progressToken, progress, total: steps },
          });
        }
        // The v2 Client hands a progress notification to its callback asynchronously, and drops it
        // if the call's result is handled first (seen over stdio with no mcp-tx in between): let
        // the notifications be handled before the result goes.
        await new Promise((resolve) => setTimeout(resolve, 100).unref());
        return { content: [{ type: 'text', text: 'done' }] };
      },
    );
    server.registerTool('big', { inputSchema: z.object({ size: z.number() }) }, ({ size }, { mcpReq }) => {
      record('big', mcpReq._meta);
      return { content: [{ type: 'text', text: 'x'.repeat(size) }] };
    });
    server.registerTool('log', { inputSchema: z.object({}), annotations: { readOnlyHint: true } }, () => ({
      content: [{ type: 'text', text: JSON.stringify(log) }],
    }));
    return server;
  };
}
