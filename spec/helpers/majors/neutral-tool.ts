/**
 * A tool described once, for a server of either SDK major: its name, its input (a zod shape), its
 * annotations and a handler that sees what both majors hand a tool (the request's `_meta`, its
 * abort signal, a way to report progress and to fail with a JSON-RPC error).
 * {@link buildServer} registers it on an SDK v1 or v2 `McpServer`.
 */
import type { z } from 'zod';

/** A tool's answer, as both majors' `CallToolResult` read it. */
export interface ToolAnswer {
  content: ({ type: 'text'; text: string } | { type: string; [field: string]: unknown })[];
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  _meta?: Record<string, unknown>;
}

/** What a tool's handler sees of its request, on either major. */
export interface ToolContext {
  /** The request's `params._meta` (`mcp_tx`, `progressToken`), as it reached the tool. */
  readonly meta: Record<string, unknown> | undefined;
  /** Fires when the request is cancelled. */
  readonly signal: AbortSignal;
  /** Sends `notifications/progress` for the request's progress token (nothing without one). */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** A JSON-RPC error of the server's major, for the handler to throw. */
  rpcError(code: number, message: string, data?: unknown): Error;
}

/** A tool described once. */
export interface NeutralTool<S extends z.ZodRawShape = z.ZodRawShape> {
  readonly name: string;
  /** The input's fields; no schema at all when absent (a tool called without `arguments`). */
  readonly input?: S;
  /** The structured content's fields (an output schema the SDK client checks results against). */
  readonly output?: z.ZodRawShape;
  readonly annotations?: { readOnlyHint?: boolean; idempotentHint?: boolean; destructiveHint?: boolean };
  run(args: z.infer<z.ZodObject<S>>, ctx: ToolContext): ToolAnswer | Promise<ToolAnswer>;
}

/**
 * Describes a tool, its handler's arguments typed by `input`.
 *
 * @example
 * defineTool('echo', { input: { text: z.string() } }, ({ text }) => ({ content: [{ type: 'text', text }] }));
 */
export function defineTool<S extends z.ZodRawShape = Record<never, never>>(
  name: string,
  config: Omit<NeutralTool<S>, 'name' | 'run'>,
  run: NeutralTool<S>['run'],
): NeutralTool {
  return { name, ...config, run } as unknown as NeutralTool;
}

/** The text answer `text`. */
export const answer = (text: string): ToolAnswer => ({ content: [{ type: 'text', text }] });

/** A wait that ends early when `signal` fires (calling `onAbort`), and holds no process open. */
export function waitOrAbort(ms: number, signal: AbortSignal, onAbort: () => void = () => undefined) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms).unref();
    signal.addEventListener('abort', () => {
      onAbort();
      clearTimeout(timer);
      resolve();
    });
  });
}
