import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CallToolResultSchema, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { TX_KEY } from '../../protocol/index.js';
import { RPC_INVALID_PARAMS, RPC_INVALID_REQUEST } from '../../protocol/constants.js';
import type { ResultChecks, TapResponse } from '../client-internals.js';

/** The SDK's compiled output-schema check of one tool. */
type OutputValidator = (value: unknown) => { valid: boolean; errorMessage?: string };

/** The two lookups `Client.callTool` makes before and after its request (private SDK methods). */
interface CallToolLookups {
  isToolTaskRequired(tool: string): boolean;
  getToolOutputValidator(tool: string): OutputValidator | undefined;
}

/**
 * What `Client.callTool` does around its request, for attempts the client sends itself: refuse a
 * tool that requires task-based execution, check the result against `CallToolResultSchema`, and
 * check its structured content against the tool's output schema (as cached by `listTools`).
 * `undefined` when this SDK's client does not expose the lookups it needs (another SDK version),
 * enforces strict capabilities (a check per request of its own), or keeps its options where they
 * cannot be read (so that whether it does is unknown): attempts then go through the public
 * `Client.callTool` itself, which makes every check. Never a check silently dropped.
 *
 * @example
 * const checks = ToolResultCheck.of(sdk);
 * const result = checks ? checks.result('echo', response) : await sdk.callTool(params);
 */
export class ToolResultCheck implements ResultChecks {
  private constructor(private readonly lookups: CallToolLookups) {}

  /** The checks of `sdk`, or `undefined` when they cannot be made outside `Client.callTool`. */
  static of(sdk: Client): ToolResultCheck | undefined {
    // A client told to enforce strict capabilities checks the server's before each request: only
    // callTool makes that check. Fail closed: an SDK that keeps its options elsewhere (no own
    // `_options`, which Protocol's constructor sets even when none are given) may have been
    // told so, so callTool makes the calls.
    if (!('_options' in sdk)) return undefined;
    const options = (sdk as unknown as { _options?: { enforceStrictCapabilities?: unknown } })._options;
    // the SDK tests the flag for truthiness, so does this
    if (options?.enforceStrictCapabilities) return undefined;
    const lookups = sdk as unknown as Partial<CallToolLookups>;
    if (typeof lookups.isToolTaskRequired !== 'function') return undefined;
    if (typeof lookups.getToolOutputValidator !== 'function') return undefined;
    return new ToolResultCheck(lookups as CallToolLookups);
  }

  /** Throws the SDK's `McpError` when `tool` must be called as a task, as `Client.callTool` does. */
  request(tool: string): void {
    if (this.lookups.isToolTaskRequired(tool)) {
      throw new McpError(
        RPC_INVALID_REQUEST,
        `Tool "${tool}" requires task-based execution. Use client.experimental.tasks.callToolStream() instead.`,
      );
    }
  }

  /**
   * The result `response` carries, checked as `Client.callTool` checks it; throws what it would
   * throw: the server's error as an `McpError`, a schema error, or an `McpError` for structured
   * content that is missing or does not match the tool's output schema.
   */
  result(tool: string, response: TapResponse): CallToolResult {
    const { error } = response;
    if (error !== undefined) throw McpError.fromError(error.code, error.message, error.data);
    const result = parseResult(response.result);
    const validator = this.lookups.getToolOutputValidator(tool);
    if (!validator) return result;
    if (!result.structuredContent && !result.isError) {
      throw new McpError(
        RPC_INVALID_REQUEST,
        `Tool ${tool} has an output schema but did not return structured content`,
      );
    }
    if (result.structuredContent) {
      let check;
      try {
        check = validator(result.structuredContent);
      } catch (e) {
        throw new McpError(
          RPC_INVALID_PARAMS,
          `Failed to validate structured content: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      if (!check.valid) {
        throw new McpError(
          RPC_INVALID_PARAMS,
          `Structured content does not match the tool's output schema: ${check.errorMessage}`,
        );
      }
    }
    return result;
  }
}

/**
 * The result `response` carries: checked by `checks` as `Client.callTool` would, or (attempts
 * through `callTool` have none, and a task call comes here) parsed with `CallToolResultSchema`.
 *
 * @example
 * const result = checkedResult(checks, 'render', { result: raw });
 */
export function checkedResult(
  checks: ResultChecks | undefined,
  tool: string,
  response: TapResponse,
): CallToolResult {
  if (checks) return checks.result(tool, response);
  const { error } = response;
  if (error !== undefined) throw McpError.fromError(error.code, error.message, error.data);
  return parseResult(response.result);
}

/**
 * `value` parsed with the SDK's `CallToolResultSchema`, `_meta.mcp_tx` aside: the schema lets any
 * `_meta` member through unchecked, yet parsing the one mcp_tx puts on every response tripled
 * the parse's cost (`decodeResultMeta` checks it). Throws the schema's error.
 */
function parseResult(value: unknown): CallToolResult {
  const meta = (value as { _meta?: Record<string, unknown> } | null | undefined)?._meta;
  const tx = typeof meta === 'object' && meta !== null ? meta[TX_KEY] : undefined;
  if (tx === undefined) {
    const parsed = CallToolResultSchema.safeParse(value);
    if (!parsed.success) throw parsed.error;
    return parsed.data;
  }
  const { [TX_KEY]: _tx, ...rest } = meta as Record<string, unknown>;
  const parsed = CallToolResultSchema.safeParse({ ...(value as object), _meta: rest });
  if (!parsed.success) throw parsed.error;
  const result = parsed.data; // a fresh object of zod's
  result._meta = { ...result._meta, [TX_KEY]: tx };
  return result;
}
