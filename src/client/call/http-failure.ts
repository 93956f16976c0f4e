/**
 * Whether an HTTP status on a request of a session means the session is lost, so that the client
 * must initialize a new one: 404, the server forgot it (it restarted, or expired it), or 502, 503
 * and 504, a gateway in front of the servers has no live server for it (the replica that held it
 * died: nginx's and most load balancers' answer). The request was not answered; 502 and 504 do
 * not say whether it reached the tool, so the retry rules of an unknown outcome apply.
 *
 * @example
 * if (isSessionLost(error.code)) connection.restart(); // status$: reconnecting, then connected
 */
export function isSessionLost(status: number | undefined): boolean {
  return status === 404 || (status !== undefined && status > 501 && status < 505);
}

/**
 * An HTTP failure of the SDK's Streamable HTTP transport in words a user can act on: the status,
 * the endpoint (when the transport's is known) and what the answer's body said, markup and
 * whitespace squeezed out (a gateway's error page), at most 200 characters; the SDK's own message
 * ("Error POSTing to endpoint: ") often ends empty.
 *
 * @example
 * httpFailure(502, 'Streamable HTTP error: Error POSTing to endpoint: ', 'http://host/mcp');
 * // 'HTTP 502 from http://host/mcp'
 */
export function httpFailure(status: number, message: string, endpoint: string | undefined): string {
  const said = message
    .replace(/^Streamable HTTP error: (Error POSTing to endpoint: )?|<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
  return `HTTP ${status}${endpoint ? ` from ${endpoint}` : ''}${said && `: ${said}`}`;
}
