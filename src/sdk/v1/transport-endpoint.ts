/**
 * The URL a transport sends to, for error messages: the SDK's Streamable HTTP (and SSE) client
 * transports keep it in a private `_url` and expose no getter, so it is read by shape and
 * `undefined` for any other transport, or an SDK that keeps it elsewhere (the message then names
 * no endpoint, nothing else changes).
 *
 * @example
 * endpointOf(new StreamableHTTPClientTransport(new URL('http://host/mcp'))); // 'http://host/mcp'
 */
export function endpointOf(transport: unknown): string | undefined {
  const url = (transport as { _url?: unknown } | undefined)?._url;
  return url instanceof URL ? url.href : undefined;
}
