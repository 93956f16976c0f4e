/**
 * The library as users get it: the built `dist/` (run `npm run build` first; `npm run bench`
 * does), typed from the sources. Benchmarking the TypeScript sources through a loader would
 * time the loader's helpers too.
 */
type Client = typeof import('../src/index.js');
type Server = typeof import('../src/server/index.js');
export type { TxClientOptions } from '../src/index.js';

const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;
export const lib = (await import(dist('index.js'))) as Client;
export const server = (await import(dist('server/index.js'))) as Server;
