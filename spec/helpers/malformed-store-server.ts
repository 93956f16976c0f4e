/**
 * A child-process MCP server for the store-fault specs: the fixture tools on an `McpServer` of SDK
 * v1 (or v2 with `--major v2`) behind `withTxServer(new StdioServerTransport())` of that major over a store that answers some keys with records
 * that parse but are not outcomes, as a corrupted shared store would:
 * - `claim-null`, `claim-empty`: the claim resolves `null`, `{}`;
 * - `record-null`, `record-empty`: a completed claim whose record is `null`, `{}`;
 * - `completion-null`, `completion-empty`: an in-flight claim whose completion resolves `null`, `{}`;
 * - `complete-null`: storing the outcome resolves `null`;
 * every other key as a memory store. The store's errors go to stderr. Run it with
 * `node --unhandled-rejections=strict --import tsx spec/helpers/malformed-store-server.ts [--major v1|v2]`: an
 * unhandled rejection anywhere ends the process.
 */
import { StdioServerTransport as StdioV1 } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StdioServerTransport as StdioV2 } from '@modelcontextprotocol/server/stdio';
import { parseArgs } from 'node:util';
import {
  MemoryIdempotencyStore,
  withTxServer,
  type ClaimResult,
  type IdempotencyStore,
  type StoredRecord,
} from '../../src/server/index.js';
import { fixtureServer, newLog } from './server-fixtures.js';

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

const { values } = parseArgs({ options: { major: { type: 'string', default: 'v1' } } });
const major = values.major === 'v2' ? 'v2' : 'v1';
const { server } = fixtureServer(newLog(), major);
const transport = withTxServer(major === 'v1' ? new StdioV1() : new StdioV2(), { store });
await server.connect(transport as never);
transport.onerror = (e) => process.stderr.write(`onerror: ${e.name}: ${e.message}\n`);
process.stdin.on('end', () => void transport.close().then(() => process.exit(0)));
