/**
 * Tools served behind mcp-tx one of two ways for a {@link MajorKit}'s pairing, behind one face: in
 * memory (a fresh `McpServer` of the server's major on a fresh pair per connection) or on
 * Streamable HTTP ({@link MajorKit.http}); for the specs that run the same behaviour on both.
 */
import type { TxServerOptions } from '../../../src/server/index.js';
import { MemoryIdempotencyStore } from '../../../src/server/index.js';
import type { AnyTransport, MajorKit } from './describe-majors.js';
import type { NeutralTool } from './neutral-tool.js';

/** How a {@link ServerLink} is served. */
export type LinkKind = 'in memory' | 'Streamable HTTP';

/** Both ways, for `describe.each`. */
export const LINK_KINDS: readonly LinkKind[] = ['in memory', 'Streamable HTTP'];

/** Tools behind mcp-tx, and how a client of the kit's major reaches them. */
export interface ServerLink {
  /** A fresh client transport to them (a connection of its own: a session, or an in-memory pair). */
  transport(): Promise<AnyTransport>;
  /**
   * The protocol the kit's client speaks with them: `stateless` for an SDK v2 client on SDK v2's
   * `createMcpHandler` (2026-07-28), `legacy` (`initialize`) everywhere else.
   */
  readonly protocol: 'legacy' | 'stateless';
  close(): Promise<void>;
}

/**
 * Serves `tools` behind mcp-tx (one store for every connection) the way `kind` says.
 *
 * @example
 * const link = await serverLink(m, 'Streamable HTTP', clientTools(log));
 * const client = await m.connect(() => link.transport(), { reconnect: false });
 */
export async function serverLink(
  kit: MajorKit,
  kind: LinkKind,
  tools: readonly NeutralTool[],
  tx: TxServerOptions = {},
): Promise<ServerLink> {
  const options = { store: new MemoryIdempotencyStore(), ...tx };
  if (kind === 'in memory') {
    return {
      transport: () => kit.serve(kit.buildServer(tools), options),
      protocol: 'legacy',
      close: async () => undefined,
    };
  }
  const http = await kit.http(tools, options);
  return { transport: async () => http.transport(), protocol: http.protocol, close: () => http.close() };
}
