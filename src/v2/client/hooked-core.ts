import type { TxClient as CoreTxClient } from '../../client/tx-client.js';
import { unpackResponse } from '../../client/transports/compression.js';
import type { ClientView } from '../../sdk/v2/client-view.js';
import { hookedInternalsOf } from '../../sdk/v2/hooked-internals.js';

/**
 * Gives the client core over `view` the SDK room's internals of a hooked SDK v2 client (its wire
 * tap and result checks), when the client behind the view is one: the core's attempts are then
 * written on the connection through v2's protected hooks instead of one `callTool` each. Any other
 * SDK v2 client keeps the core as built (attempts through `callTool`, cancelled by signal).
 *
 * The core builds SDK v1's internals in its constructor, and the SDK v1 client's page must not
 * carry a choice it never makes: this replaces them once, before any call, on the v2 side.
 *
 * @example
 * const core = new CoreTxClient(clientView(sdk), options);
 * useHookedInternals(core, view);
 */
export function useHookedInternals(core: CoreTxClient, view: ClientView): void {
  const { attempts } = core;
  const internals = hookedInternalsOf(view, {
    ack: (params) => attempts.onAck(params),
    incoming: (message) => unpackResponse(message, attempts.host.maxInflatedBytes),
  });
  if (internals) Object.assign(attempts, { internals, tap: internals.tap, checks: internals.checks });
}
