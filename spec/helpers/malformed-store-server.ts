/**
 * A child-process MCP server for the store-fault specs: the fixture tools behind
 * `withTxServer(new StdioServerTransport())` over a store that answers some keys with records
 * that parse but are not outcomes, as a corrupted shared store would:
 * - `claim-null`, `claim-empty`: the claim resolves `null`, `{}`;
 * - `record-null`, `record-empty`: a completed claim whose record is `null`, `{}`;
 * - `completion-null`, `completion-empty`: an in-flight claim whose completion resolves `null`, `{}`;
 * - `complete-null`: storing the outcome resolves `null`;
 * every other key as a memory store. The store's errors go to stderr. Run it with
 * `node --unhandled-rejections=strict --import tsx spec/helpers/malformed-store-server.ts`: an
 * unhandled rejection anywhere ends the process.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import {
  MemoryIdempotencyStore,
  withTxServer,
  type ClaimResult,
  type IdempotencyStore,
  type StoredRecord,
} from '../../src/server/index.js';
import { fixtureServer } from './server-fixtures.js';

const inner = new MemoryIdempotencyStore();
const CLAIMS: Record<string, () => unknown> = {
  'claim-null': () => null,
  'claim-empty': () => ({}),
  'record-null': () => ({ status: 'completed', record: null }),
  'record-empty': () => ({ status: 'completed', record: {} }),
  'completion-null': () => ({ status: 'in_flight', completion: Promise.resolve(null) }),
  'completion-empty': () => ({ status: 'in_flight', completion: Promise.resolve({}) }),
};
// No claimSync: the decorator takes the asynchronous path, a promise per claim.
const store: IdempotencyStore = {
  claim: async (key, fp, requestId) => {
    const malformed = CLAIMS[key];
    return malformed === undefined ? inner.claim(key, fp, requestId) : (malformed() as ClaimResult);
  },
  complete: async (key, record) =>
    key === 'complete-null' ? (null as unknown as StoredRecord) : inner.complete(key, record),
  get: (key) => inner.get(key),
  release: (key) => inner.release(key),
};

const { server } = fixtureServer();
const transport = withTxServer(new StdioServerTransport(), { store });
await server.connect(transport);
transport.onerror = (e) => process.stderr.write(`onerror: ${e.name}: ${e.message}\n`);
process.stdin.on('end', () => void transport.close().then(() => process.exit(0)));
