/**
 * An `McpServer` of either SDK major with tools described once ({@link NeutralTool}): SDK v1 takes
 * a zod shape and hands the tool `extra`; SDK v2 takes a Standard Schema (`z.object`) and hands it
 * `ctx.mcpReq`.
 */
import { McpServer as McpServerV1 } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { Server as ServerV1 } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import { McpServer as McpServerV2, ProtocolError, Server as ServerV2 } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { NeutralTool, ToolAnswer, ToolContext } from './neutral-tool.js';

/** The major of an SDK. */
export type Major = 'v1' | 'v2';

/** An `McpServer` of SDK v1 or v2. */
export type AnyMcpServer = McpServerV1 | McpServerV2;

/** How {@link buildServer} makes a server. */
export interface BuildOptions {
  /** Capabilities it declares beside `tools` (an `experimental.mcp_tx` a server without mcp-tx claims, say). */
  capabilities?: Record<string, unknown>;
  /** Its name in `serverInfo`. */
  name?: string;
}

type Progress = (params: Record<string, unknown>) => Promise<void>;

/** The {@link ToolContext} of a request, from what its major hands over. */
function context(
  meta: Record<string, unknown> | undefined,
  signal: AbortSignal,
  notify: Progress,
  rpcError: ToolContext['rpcError'],
): ToolContext {
  return {
    meta,
    signal,
    rpcError,
    progress: async (progress, total, message) => {
      const progressToken = meta?.progressToken;
      if (progressToken === undefined) return;
      await notify({ progressToken, progress, total, ...(message === undefined ? {} : { message }) });
    },
  };
}

function registerV1(server: McpServerV1, tools: readonly NeutralTool[]) {
  const rpcError: ToolContext['rpcError'] = (code, message, data) => new McpError(code, message, data);
  for (const tool of tools) {
    type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;
    const run = (args: unknown, extra: Extra) => {
      const notify: Progress = (params) =>
        extra.sendNotification({ method: 'notifications/progress', params } as never);
      return tool.run(args as never, context(extra._meta, extra.signal, notify, rpcError)) as never;
    };
    const config = {
      ...(tool.annotations === undefined ? {} : { annotations: tool.annotations }),
      ...(tool.output === undefined ? {} : { outputSchema: tool.output }),
    };
    if (tool.input === undefined) server.registerTool(tool.name, config, (extra) => run({}, extra));
    else server.registerTool(tool.name, { ...config, inputSchema: tool.input }, run as never);
  }
}

function registerV2(server: McpServerV2, tools: readonly NeutralTool[]) {
  const rpcError: ToolContext['rpcError'] = (code, message, data) => new ProtocolError(code, message, data);
  for (const tool of tools) {
    type Ctx = { mcpReq: { _meta?: Record<string, unknown>; signal: AbortSignal; notify: Progress } };
    const run = (args: unknown, { mcpReq }: Ctx) => {
      const notify: Progress = (params) =>
        (mcpReq.notify as (n: unknown) => Promise<void>)({ method: 'notifications/progress', params });
      return tool.run(args as never, context(mcpReq._meta, mcpReq.signal, notify, rpcError)) as never;
    };
    const config = {
      ...(tool.annotations === undefined ? {} : { annotations: tool.annotations }),
      ...(tool.output === undefined ? {} : { outputSchema: z.object(tool.output) }),
    };
    if (tool.input === undefined)
      server.registerTool(tool.name, config as never, ((ctx: Ctx) => run({}, ctx)) as never);
    else
      server.registerTool(tool.name, { ...config, inputSchema: z.object(tool.input) } as never, run as never);
  }
  return server;
}

/**
 * Registers `tools` on `server`, an `McpServer` of either major (told apart by its class).
 *
 * @example
 * registerTools(server, [defineTool('lookup', { input: { q: z.string() } }, ({ q }) => answer(q))]);
 */
export function registerTools(server: AnyMcpServer, tools: readonly NeutralTool[]): void {
  if (server instanceof McpServerV1) registerV1(server, tools);
  else registerV2(server, tools);
}

/**
 * An `McpServer` of `major` with `tools` registered.
 *
 * @example
 * const server = buildServer('v2', [defineTool('echo', { input: { text: z.string() } }, ({ text }) => answer(text))]);
 */
export function buildServer(
  major: Major,
  tools: readonly NeutralTool[],
  options: BuildOptions = {},
): AnyMcpServer {
  const { capabilities, name = 'tool-server' } = options;
  const info = { name, version: '1.0.0' };
  const server =
    major === 'v1'
      ? new McpServerV1(info, capabilities === undefined ? undefined : { capabilities })
      : new McpServerV2(
          info,
          capabilities === undefined ? undefined : { capabilities: capabilities as never },
        );
  registerTools(server, tools);
  return server;
}

/** A low-level `Server` of either major (what answers `tools/call` itself). */
export type AnyLowLevelServer = ServerV1 | ServerV2;

/** What a low-level server's `tools/call` handler sees: the tool's name and the request's signal. */
export interface LowLevelCall {
  readonly name: string;
  readonly signal: AbortSignal;
  /** A JSON-RPC error of the server's major, for the handler to throw. */
  rpcError: ToolContext['rpcError'];
}

/**
 * A low-level `Server` of `major` that answers every `tools/call` with `onCall` (which may throw a
 * JSON-RPC error: an `McpServer` would turn a tool's throw into an `isError` result instead).
 *
 * @example
 * const server = buildLowLevelServer('v2', ({ name, rpcError }) => {
 *   if (name === 'bad') throw rpcError(-32602, 'no');
 *   return answer('ok');
 * });
 */
export function buildLowLevelServer(
  major: Major,
  onCall: (call: LowLevelCall) => ToolAnswer | Promise<ToolAnswer>,
): AnyLowLevelServer {
  const info = { name: 'low-level', version: '1.0.0' };
  if (major === 'v1') {
    const server = new ServerV1(info, { capabilities: { tools: {} } });
    const rpcError: ToolContext['rpcError'] = (code, message, data) => new McpError(code, message, data);
    server.setRequestHandler(
      CallToolRequestSchema,
      (request, extra) => onCall({ name: request.params.name, signal: extra.signal, rpcError }) as never,
    );
    return server;
  }
  const server = new ServerV2(info, { capabilities: { tools: {} } });
  const rpcError: ToolContext['rpcError'] = (code, message, data) => new ProtocolError(code, message, data);
  server.setRequestHandler('tools/call', ((
    request: { params: { name: string } },
    ctx: { mcpReq: { signal: AbortSignal } },
  ) => onCall({ name: request.params.name, signal: ctx.mcpReq.signal, rpcError })) as never);
  return server;
}

/**
 * A low-level `Server` of `major` whose every `tools/call` fails with the JSON-RPC error
 * `onCall` returns (an `McpServer` turns a tool's throw into an `isError` result instead).
 *
 * @example
 * const server = buildFailingServer('v2', (rpcError) => rpcError(-32602, 'cents must be positive'));
 */
export function buildFailingServer(
  major: Major,
  onCall: (rpcError: ToolContext['rpcError']) => Error,
): AnyLowLevelServer {
  return buildLowLevelServer(major, ({ rpcError }) => {
    throw onCall(rpcError);
  });
}
