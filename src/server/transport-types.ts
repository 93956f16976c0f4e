/**
 * The MCP SDK's transport and JSON-RPC types, as the server side takes them: their structure
 * only, which SDK v1 (`@modelcontextprotocol/sdk`) and SDK v2 (`@modelcontextprotocol/server`)
 * share, so that one decorator serves a transport of either major and either SDK's `connect`
 * takes the decorator. Each SDK's own types are assignable to these.
 */

/**
 * A JSON-RPC id.
 *
 * @example
 * const key = transport.claimedKey(extra.requestId satisfies RequestId);
 */
export type RequestId = string | number;

/**
 * A JSON-RPC request.
 *
 * @example
 * const call: JSONRPCRequest = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'pay' } };
 */
export interface JSONRPCRequest {
  jsonrpc: '2.0';
  id: RequestId;
  method: string;
  params?: { [key: string]: unknown } | undefined;
}

/**
 * A JSON-RPC notification.
 *
 * @example
 * const ack: JSONRPCNotification = { jsonrpc: '2.0', method: 'notifications/mcp_tx/ack', params: { request_id: 'r1' } };
 */
export interface JSONRPCNotification {
  jsonrpc: '2.0';
  method: string;
  params?: { [key: string]: unknown } | undefined;
}

/**
 * A JSON-RPC result.
 *
 * @example
 * const answer: JSONRPCResultResponse = { jsonrpc: '2.0', id: 1, result: { content: [] } };
 */
export interface JSONRPCResultResponse {
  jsonrpc: '2.0';
  id: RequestId;
  result: { [key: string]: unknown };
}

/**
 * A JSON-RPC error (its id absent when the request's could not be read).
 *
 * @example
 * const nack: JSONRPCErrorResponse = nackResponse(1, 'overloaded', { retryAfterMs: 250 });
 */
export interface JSONRPCErrorResponse {
  jsonrpc: '2.0';
  id?: RequestId | undefined;
  error: { code: number; message: string; data?: unknown };
}

/**
 * Any JSON-RPC message.
 *
 * @example
 * inner.onmessage = (message: JSONRPCMessage) => console.log('method' in message ? message.method : message.id);
 */
export type JSONRPCMessage =
  JSONRPCRequest | JSONRPCNotification | JSONRPCResultResponse | JSONRPCErrorResponse;

/**
 * An access token the HTTP layer validated, as both SDKs hand it over (`authInfo`).
 *
 * @example
 * const byTenant = (_request: JSONRPCRequest, extra?: MessageExtraInfo) => extra?.authInfo?.extra?.tenant as string;
 */
export interface AuthInfo {
  token: string;
  clientId: string;
  scopes: string[];
  expiresAt?: number | undefined;
  resource?: URL | undefined;
  extra?: Record<string, unknown> | undefined;
}

/**
 * What a transport hands along with a message it received.
 *
 * @example
 * withTxServer(transport, { keyScope: (_request, extra) => extra?.request?.headers.get('x-tenant') ?? undefined });
 */
export interface MessageExtraInfo {
  /** The validated access token of the HTTP request (both SDKs' bearer auth). */
  authInfo?: AuthInfo | undefined;
  /** The HTTP request's headers and URL (SDK v1's HTTP transports). */
  requestInfo?: { headers: Record<string, string | string[] | undefined>; url?: URL | undefined } | undefined;
  /** The HTTP request itself (SDK v2's HTTP transports and serving entries). */
  request?: Request | undefined;
}

/**
 * Options of a transport's `send`.
 *
 * @example
 * await transport.send(ack, { relatedRequestId: request.id } satisfies TransportSendOptions);
 */
export interface TransportSendOptions {
  /** The request the message answers or belongs to. */
  relatedRequestId?: RequestId | undefined;
  resumptionToken?: string | undefined;
  onresumptiontoken?: ((token: string) => void) | undefined;
}

/**
 * A transport's message callback: a method's type (its parameters compared both ways), so that
 * each SDK's callback, which takes that SDK's own message and extra types, is one.
 *
 * @example
 * const log: MessageCallback = (message, extra) => console.log(message, extra?.authInfo?.clientId);
 */
export type MessageCallback = {
  bivariant(message: JSONRPCMessage, extra?: MessageExtraInfo): void;
}['bivariant'];

/**
 * An MCP transport of either SDK major (the members mcp-tx uses).
 *
 * @example
 * const decorated = withTxServer(new StdioServerTransport() satisfies Transport);
 */
export interface Transport {
  start(): Promise<void>;
  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void>;
  close(): Promise<void>;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: MessageCallback | undefined;
  sessionId?: string | undefined;
  setProtocolVersion?: ((version: string) => void) | undefined;
  /** SDK v2: the protocol versions the server supports (the HTTP transports check a request's header against them). */
  setSupportedProtocolVersions?: ((versions: string[]) => void) | undefined;
  /** SDK v2: the server's resolver of the OAuth scopes a request needs (the HTTP transports answer 403 with it). */
  setScopeChallengeResolver?: ((resolver: never) => void) | undefined;
}
