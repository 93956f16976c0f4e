// withTxServer on Streamable HTTP, every way a server of either SDK major is served there
// (spec/helpers/majors/http-servings.ts), reached by a TxClient of the same major through
// mcp-tx's httpTransport: ACKs before the response, NACKs, one store for every connection,
// exactly-once over a lossy link, and the ACK of a JSON response.
import { filter, firstValueFrom } from 'rxjs';
import { z } from 'zod';
import { isIdempotencyConflictError } from '../../../src/index.js';
import * as v2 from '../../../src/v2/index.js';
import { chaosTransport, type ChaosTransport } from '../../../src/testing/index.js';
import {
  describeMajors,
  type AnyTxClient,
  type KitConnectOptions,
} from '../../helpers/majors/describe-majors.js';
import {
  clientTransport,
  httpServings,
  type HttpServingKind,
  type TxHttpServing,
} from '../../helpers/majors/http-servings.js';
import { answer, defineTool, type NeutralTool } from '../../helpers/majors/neutral-tool.js';
import { until } from '../../helpers/server-fixtures.js';

/** A `charge` tool that holds every run asked to until `release()`, and counts runs per order. */
function shop(): { tools: NeutralTool[]; runs: Map<string, number>; release: () => void } {
  const runs = new Map<string, number>();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const charge = defineTool(
    'charge',
    { input: { order: z.string(), cents: z.number(), hold: z.boolean().optional() } },
    async ({ order, cents, hold = false }) => {
      runs.set(order, (runs.get(order) ?? 0) + 1);
      if (hold) await gate;
      return answer(`charged ${order} ${cents}`);
    },
  );
  return { tools: [charge], runs, release };
}

describeMajors('withTxServer over Streamable HTTP', (m) => {
  const kinds = httpServings(m).map((kind): [string, HttpServingKind] => [kind.name, kind]);

  describe.each(kinds)('%s', (_name, kind) => {
    let http: TxHttpServing;
    let tool: ReturnType<typeof shop>;
    const clients: AnyTxClient[] = [];
    const connect = async (options: KitConnectOptions = {}): Promise<AnyTxClient> => {
      const client = await m.connect(() => clientTransport(m, http.url), {
        timeoutMs: 10_000,
        ...kind.clientOptions,
        ...options,
      });
      clients.push(client);
      return client;
    };

    beforeEach(async () => {
      tool = shop();
      http = await kind.start(tool.tools);
    });
    afterEach(async () => {
      tool.release();
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await http.close();
    });

    it('should deliver the ACK of a running keyed call to the client before its response', async () => {
      const client = await connect();
      if (client instanceof v2.TxClient) expect(client.sdk.getProtocolEra()).toBe(kind.era);
      const acked = firstValueFrom(client.acks$);
      const call = client.call('charge', { order: 'o1', cents: 5, hold: true }, { idempotencyKey: 'o1' });
      const ack = await acked; // the tool is still held: the ACK came as a notification
      expect(tool.runs.get('o1')).toBe(1);
      tool.release();
      const result = await call;
      expect(ack.requestId).toBe(result.requestId);
      expect(result).toMatchObject({ ack: true, duplicate: false, attempts: 1 });
      expect(http.stats().acks).toBe(1);
      if (kind.perRequest) expect(http.served()).toBeGreaterThan(1); // a server per request
    });

    it('should deliver a NACK: the same key with other arguments is an idempotency conflict', async () => {
      await (await connect()).call('charge', { order: 'o2', cents: 5 }, { idempotencyKey: 'k2' });
      // Another client: the first one's own dedup window would refuse the key before the wire.
      const other = await connect({ retry: { maxAttempts: 3, baseDelayMs: 5 } });
      const error: unknown = await other
        .call('charge', { order: 'o2', cents: 6 }, { idempotencyKey: 'k2' })
        .catch((e: unknown) => e);
      expect(isIdempotencyConflictError(error)).toBe(true);
      expect(tool.runs.get('o2')).toBe(1);
      expect(http.stats().nacks.idempotency_conflict).toBe(1);
    });

    it('should share one store: a duplicate from another client waits for the execution, then replays it', async () => {
      const [first, second] = [await connect(), await connect()];
      const args = { order: 'o3', cents: 5, hold: true };
      const running = first.call('charge', args, { idempotencyKey: 'o3' });
      await firstValueFrom(first.acks$);
      const secondAcked = firstValueFrom(second.acks$); // a waiting duplicate is ACKed too
      const duplicate = second.call('charge', args, { idempotencyKey: 'o3' });
      await secondAcked;
      tool.release();
      const results = await Promise.all([running, duplicate]);
      expect(results.map((r) => r.duplicate)).toEqual([false, true]);
      expect(tool.runs.get('o3')).toBe(1);
    });

    it('should run each keyed call once over a link that loses 20 % of the messages each way', async () => {
      const links: ChaosTransport[] = [];
      const client = await m.connect(
        () => {
          const link = chaosTransport(clientTransport(m, http.url), { seed: 11 + links.length });
          links.push(link);
          return link;
        },
        {
          timeoutMs: 400, // a lost message costs one timeout: short, as the link is local
          concurrency: 5,
          retry: { maxAttempts: 30, baseDelayMs: 10, maxDelayMs: 200 },
          ...kind.clientOptions,
        },
      );
      clients.push(client);
      for (const link of links) link.setFaults({ drop: 0.2 });
      client.status$
        .pipe(filter((s) => s === 'connected'))
        .subscribe(() => links.at(-1)?.setFaults({ drop: 0.2 }));
      const orders = Array.from({ length: 20 }, (_, i) => `c${i}`);
      const results = await Promise.all(
        orders.map((order) => client.call('charge', { order, cents: 1 }, { idempotencyKey: order })),
      );
      expect(results).toHaveLength(20);
      expect(orders.map((o) => tool.runs.get(o))).toEqual(orders.map(() => 1));
      expect(links.reduce((n, l) => n + l.stats.dropped, 0)).toBeGreaterThan(0);
    }, 60_000);

    it('should carry the ACK of a running keyed call on its JSON response, with no stream for notifications', async () => {
      const json = shop();
      const served = await kind.start(json.tools, {}, { json: true });
      const client = await m.connect(() => clientTransport(m, served.url), {
        timeoutMs: 10_000,
        ...kind.clientOptions,
      });
      try {
        const acks: string[] = [];
        client.acks$.subscribe((a) => acks.push(a.requestId));
        const call = client.call('charge', { order: 'j1', cents: 5, hold: true }, { idempotencyKey: 'j1' });
        call.catch(() => undefined); // awaited below; a failed wait must not leave it unhandled
        await until(() => json.runs.get('j1') === 1);
        if (kind.jsonHoldsNotifications) {
          await until(() => served.stats().acks === 1); // sent, with no stream to go on
          expect(acks).toEqual([]);
        } else {
          // SDK v2's createMcpHandler answers the initialize era's JSON responses on SSE whenever
          // a call notifies (its responseMode governs the 2026-07-28 routes only): the ACK comes first
          await until(() => acks.length === 1);
          expect(served.stats().acks).toBe(1);
        }
        json.release();
        const result = await call;
        expect(result).toMatchObject({ ack: true, duplicate: false, attempts: 1 });
        expect(acks).toEqual([result.requestId]);
      } finally {
        json.release();
        await client.close();
        await served.close();
      }
    });
  });
});
