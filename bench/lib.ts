/**
 * The library as users get it: the built `dist/` (run `npm run build` first; `npm run bench`
 * does), typed from the sources. Benchmarking the TypeScript sources through a loader would
 * time the loader's helpers too.
 */
import type * as ClientModule from '../src/index.js';
import type * as ProtocolModule from '../src/protocol/index.js';
import type * as HttpFetchNodeModule from '../src/client/transports/http-fetch-node.js';
import type * as ServerModule from '../src/server/index.js';
import type * as V2Module from '../src/v2/index.js';
import type * as V2ServerModule from '../src/v2/server/index.js';
import type * as TestingModule from '../src/testing/index.js';

type Client = typeof ClientModule;
type Server = typeof ServerModule;
type Protocol = typeof ProtocolModule;
export type { TxClientOptions } from '../src/index.js';

const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;
export const lib = (await import(dist('index.js'))) as Client;
export const server = (await import(dist('server/index.js'))) as Server;
/** `mcp-tx/v2`: the client over SDK v2. */
export const libV2 = (await import(dist('v2/index.js'))) as typeof V2Module;
/** `mcp-tx/v2/server`: `txServerFactory` for SDK v2's serving entries. */
export const serverV2 = (await import(dist('v2/server/index.js'))) as typeof V2ServerModule;
/** `mcp-tx/testing` (the scripted peer, say). */
export const testing = (await import(dist('testing/index.js'))) as typeof TestingModule;
/** The wire helpers (request meta, fingerprints), for benchmarks that speak mcp_tx without TxClient. */
export const protocol = (await import(dist('protocol/index.js'))) as Protocol;
/** httpTransport's Node fetch, to weigh it against others (not part of the public surface). */
export const httpFetchNode = (await import(
  dist('client/transports/http-fetch-node.js')
)) as typeof HttpFetchNodeModule;
