/**
 * The MCP shapes mcp-tx's public types name, declared here rather than imported from an SDK, so
 * that the types of `mcp-tx/v2` resolve in an app without SDK 1.x (where they would otherwise
 * become `any`) and those of `mcp-tx` in an app without SDK v2. They follow the MCP schema; each
 * object keeps the schema's room for more fields, so the `CallToolResult` of either SDK major is
 * assignable to {@link CallToolResult}, and content narrows on its `type` as the SDKs' does.
 *
 * @example
 * const { result } = await client.call('echo', { text: 'hi' });
 * const first = result.content[0];
 * if (first?.type === 'text') console.log(first.text);
 */

/** Optional hints on a piece of content (MCP schema `Annotations`). */
export interface Annotations {
  audience?: ('user' | 'assistant')[] | undefined;
  priority?: number | undefined;
  lastModified?: string | undefined;
  [key: string]: unknown;
}

/** Fields every content block may carry. */
interface ContentBase {
  annotations?: Annotations | undefined;
  _meta?: Record<string, unknown> | undefined;
  [key: string]: unknown;
}

/** Text a tool returned. */
export interface TextContent extends ContentBase {
  type: 'text';
  text: string;
}

/** An image a tool returned, base64-encoded. */
export interface ImageContent extends ContentBase {
  type: 'image';
  data: string;
  mimeType: string;
}

/** Audio a tool returned, base64-encoded. */
export interface AudioContent extends ContentBase {
  type: 'audio';
  data: string;
  mimeType: string;
}

/** A link to a resource the client may read. */
export interface ResourceLink extends ContentBase {
  type: 'resource_link';
  uri: string;
  name: string;
  title?: string | undefined;
  description?: string | undefined;
  mimeType?: string | undefined;
  size?: number | undefined;
}

/** A resource's contents, embedded: text or a base64 blob. */
export interface EmbeddedResource extends ContentBase {
  type: 'resource';
  resource:
    | { uri: string; mimeType?: string | undefined; text: string; [key: string]: unknown }
    | { uri: string; mimeType?: string | undefined; blob: string; [key: string]: unknown };
}

/** One piece of a tool's result (MCP schema `ContentBlock`). */
export type ContentBlock = TextContent | ImageContent | AudioContent | ResourceLink | EmbeddedResource;

/** What a tool call returns (MCP schema `CallToolResult`); check `isError`. */
export interface CallToolResult {
  content: ContentBlock[];
  /** The tool's structured output, when it declares an output schema. */
  structuredContent?: Record<string, unknown> | undefined;
  /** `true`: the tool ran and reports a failure. */
  isError?: boolean | undefined;
  _meta?: Record<string, unknown> | undefined;
  [key: string]: unknown;
}

/** Where an MCP task stands (MCP schema `TaskStatus`). */
export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

/** A `fetch` as the SDKs' HTTP transports take it. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;
