/**
 * A bare SDK `Client` of either major (no mcp-tx), for specs of a client transport: SDK v1's speaks
 * the `initialize` era; SDK v2's either that or the 2026-07-28 stateless protocol.
 */
import { Client as ClientV2 } from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import type { Major } from './build-server.js';
import type { AnyTransport } from './describe-majors.js';

/** The protocol a client speaks: `modern` is the 2026-07-28 stateless protocol (SDK v2 only). */
export type Era = 'legacy' | 'modern';

/** What the specs use of a bare SDK client, the same on both majors. */
export interface AnySdkClient {
  connect(transport: AnyTransport): Promise<void>;
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>;
  close(): Promise<void>;
}

/** The eras a client of `major` speaks: SDK v1 the `initialize` era only. */
export function erasOf(major: Major): Era[] {
  return major === 'v1' ? ['legacy'] : ['modern', 'legacy'];
}

/**
 * A bare SDK client of `major` that speaks `era` (an SDK v2 client pinned to it; SDK v2's default
 * is the `initialize` era).
 *
 * @example
 * const client = sdkClient('v2', 'modern');
 * await client.connect(httpTransport(url));
 */
export function sdkClient(major: Major, era: Era = 'legacy'): AnySdkClient {
  const info = { name: 'spec', version: '1.0.0' };
  if (major === 'v1') {
    if (era === 'modern') throw new Error('an SDK v1 client speaks the initialize era only');
    return new ClientV1(info) as AnySdkClient;
  }
  const versionNegotiation = era === 'modern' ? { mode: { pin: '2026-07-28' } } : { mode: 'legacy' };
  return new ClientV2(info, { versionNegotiation } as never) as unknown as AnySdkClient;
}
