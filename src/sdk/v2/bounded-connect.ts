import type { Client, Transport } from '@modelcontextprotocol/client';
import { asyncScheduler, type Subscription } from 'rxjs';
import { RPC_REQUEST_TIMEOUT } from '../../protocol/constants.js';
import { rpcError } from './sdk-errors.js';
import { withOverrides } from './transport-overrides.js';

/**
 * Connects an SDK v2 `client` over `transport`, its handshake bounded by `timeoutMs` as a whole, as
 * SDK v1's `connect(transport, { timeout })` is. SDK v2 gives the timeout to each request of its
 * handshake: in `'auto'` mode its `server/discover` probe (on stdio, on a sibling process it
 * spawns) and then the `initialize` it falls back to, so a hung server held an attempt twice as
 * long. Past the bound the transport is closed (v2 then aborts its probe, reaping its sibling, or
 * its `initialize`), and, as v2 sees it, refuses to start again: no server process is spawned
 * for an attempt given up; once v2's connect settled, this rejects with a request timeout.
 *
 * @example
 * await boundedConnect(client, new StdioClientTransport({ command: 'server' }), 10_000);
 */
export async function boundedConnect(
  client: Client,
  transport: Transport,
  timeoutMs: number | undefined,
): Promise<void> {
  if (timeoutMs === undefined) return client.connect(transport);
  let givenUp = false;
  const start = (): Promise<void> =>
    givenUp ? Promise.reject(new Error('the connect attempt was given up')) : transport.start();
  const guarded = withOverrides(transport, { start });
  const connecting = client.connect(guarded, { timeout: timeoutMs });
  let timer: Subscription | undefined;
  const late = new Promise<false>((resolve) => {
    timer = asyncScheduler.schedule(() => resolve(false), timeoutMs);
  });
  try {
    if (await Promise.race([connecting.then(() => true), late])) return;
  } finally {
    timer?.unsubscribe();
  }
  givenUp = true;
  // v2 aborts a probe when its transport closes, and reaps its stdio sibling before it settles
  await transport.close().catch(() => undefined);
  await connecting.catch(() => undefined);
  throw rpcError(RPC_REQUEST_TIMEOUT, `Request timed out after ${timeoutMs} ms`);
}
