import type { JSONRPCMessage } from './transport-types.js';
import type { RequestView } from './jsonrpc-internals.js';

/**
 * What to do with a request that came with the JSON-RPC id of a tools/call still in flight.
 * A copy of that very request (the network duplicated it, or the client sent it again) is
 * dropped: the first copy's response answers the id, and an error now would settle the client's
 * request before it. Any other request (a `ping`, another call) breaks JSON-RPC's rule of unique
 * ids: it gets an Invalid Request error (-32600) and never reaches the server, whose answer
 * would be taken for the call's. Either way `report` says what happened, for `onerror`.
 *
 * @example
 * const { report, reply } = reusedIdAnswer(ping, runningCall);
 * onerror(report);
 * if (reply) transport.send(reply);
 */
export function reusedIdAnswer(
  request: RequestView,
  inFlight: RequestView,
): { report: Error; reply?: JSONRPCMessage } {
  const id = JSON.stringify(request.id);
  if (request.method === inFlight.method && sameParams(request.params, inFlight.params)) {
    return { report: new Error(`mcp_tx: dropped a copy of request ${id}, which is still in flight`) };
  }
  const message = `Invalid Request: id ${id} is in use by a tools/call still in flight`;
  return {
    report: new Error(`mcp_tx: ${request.method} reused the id ${id} of a tools/call in flight; refused`),
    reply: { jsonrpc: '2.0', id: request.id, error: { code: -32600, message } },
  };
}

/** Whether two requests' params are the same JSON (a copy keeps the key order, so no sort is needed). */
function sameParams(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}
