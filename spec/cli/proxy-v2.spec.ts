// `mcp-tx proxy` fronting an SDK v2 stdio server that knows nothing of mcp-tx: a TxClient of
// either SDK major, through the proxy's relay, gets exactly-once keyed calls from it.
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { fileURLToPath } from 'node:url';
import { ChildSupervisor, ProxyRelay } from '../../src/cli/proxy/index.js';
import { MemoryIdempotencyStore } from '../../src/server/index.js';
import * as v2 from '../../src/v2/index.js';
import { majorKit, type AnyTxClient, type Major } from '../helpers/majors/describe-majors.js';
import { losingResponses } from '../helpers/majors/losing-responses.js';
import { childScriptArgs } from '../helpers/child-bundle.js';

const SERVER = fileURLToPath(new URL('../helpers/v2-stdio-server.ts', import.meta.url));
const textOf = (result: { content: unknown[] }) => (result.content[0] as { text?: string } | undefined)?.text;

describe.each<Major>(['v1', 'v2'])(
  'mcp-tx proxy fronting a plain SDK v2 stdio server, a TxClient on SDK %s',
  (major) => {
    let relay: ProxyRelay;
    let client: AnyTxClient;

    beforeAll(async () => {
      const child = new ChildSupervisor(
        { command: process.execPath, args: [...childScriptArgs(SERVER), 'plain'] },
        {},
        () => undefined,
      );
      await child.start();
      const [clientSide, upstream] = InMemoryTransport.createLinkedPair();
      relay = new ProxyRelay(upstream, child, { store: new MemoryIdempotencyStore() });
      await relay.start();
      const lossy = losingResponses(1)(clientSide);
      const options = { timeoutMs: 1_000, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } };
      // an SDK v2 client's own option: it negotiates the era the relay serves
      const negotiation = major === 'v2' ? { versionNegotiation: { mode: 'auto' } } : {};
      client = await majorKit(major, 'v2').connect(lossy, { ...options, ...negotiation } as typeof options);
    }, 30_000);
    afterAll(async () => {
      await client.close();
      await relay.close();
    });

    it('should get mcp-tx from the proxy, and a lost response retried into the stored result', async () => {
      expect(client.server?.features).toEqual(expect.arrayContaining(['ack', 'idempotency']));
      // the relay serves the initialize era: a v2 client negotiating 'auto' falls back to it
      if (client instanceof v2.TxClient) expect(client.sdk.getProtocolEra()).toBe('legacy');
      const { result, attempts, duplicate } = await client.call(
        'charge',
        { cents: 8 },
        { idempotencyKey: `proxy-${major}` },
      );
      expect([textOf(result), attempts, duplicate]).toEqual(['charged 8', 2, true]);
      const log = await client.call('log', {});
      expect((JSON.parse(textOf(log.result) ?? '{}') as { runs: Record<string, number> }).runs.charge).toBe(
        1,
      );
    }, 30_000);
  },
);
