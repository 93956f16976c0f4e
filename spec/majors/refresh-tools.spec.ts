// TxClient.connect reads the tool list (the annotations its read-only checks need) under the client's
// own timeout and retries, on both SDK majors: a lost tools/list neither hangs the connect for the
// SDK's 60 s default nor leaves read-only tools unknown when a retry gets through.
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { chaosTransport, type ChaosAction } from '../../src/testing/index.js';
import { describeMajors, type AnyTransport, type MajorKit } from '../helpers/majors/describe-majors.js';
import { clientTools, newToolLog } from '../helpers/tool-server.js';

const isToolsList = (m: JSONRPCMessage) => (m as { method?: string }).method === 'tools/list';

/** A client whose first `lost` tools/list requests (or their answers, `toClient`) never arrive. */
async function connectLosingToolsList(
  m: MajorKit,
  lost: number,
  direction: 'toServer' | 'toClient',
  timeoutMs: number,
) {
  let lists = 0;
  let listAnswers = 0;
  const listIds = new Set<unknown>();
  const schedule = (event: { direction: string; message: JSONRPCMessage }): ChaosAction | undefined => {
    const { message } = event;
    if (event.direction === 'toServer' && isToolsList(message)) {
      listIds.add((message as { id: unknown }).id);
      return direction === 'toServer' && lists++ < lost ? 'drop' : undefined;
    }
    const id = (message as { id?: unknown }).id;
    if (event.direction === 'toClient' && listIds.has(id) && direction === 'toClient') {
      return listAnswers++ < lost ? 'drop' : undefined;
    }
    return undefined;
  };
  const started = performance.now();
  const client = await m.inMemory(
    m.buildServer(clientTools(newToolLog())),
    {
      timeoutMs,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      // a cache is allowed only on a tool known to be read-only: the annotations must have arrived
      tools: { echo: { cache: { ttlMs: 60_000 } } },
    },
    { tx: false, wrap: (t: AnyTransport) => chaosTransport(t, { schedule }) as AnyTransport },
  );
  return { client, elapsedMs: performance.now() - started, requests: () => listIds.size };
}

describeMajors('TxClient.connect reading the tool list', (m) => {
  it.each(['toServer', 'toClient'] as const)(
    'should bound a lost tools/list (%s) by the client timeout and retry it',
    async (direction) => {
      const { client, elapsedMs, requests } = await connectLosingToolsList(m, 1, direction, 300);
      expect(elapsedMs).toBeLessThan(5_000); // the SDK's default would wait 60 s
      expect(requests()).toBe(2);
      const result = await client.call('echo', { text: 'cached' }); // echo is known read-only
      expect(result.result.content).toEqual([{ type: 'text', text: 'cached' }]);
      await client.close();
    },
  );

  it('should give up on the tool list after its attempts and still connect', async () => {
    const { client, elapsedMs, requests } = await connectLosingToolsList(m, 10, 'toServer', 200);
    expect(requests()).toBe(3);
    expect(elapsedMs).toBeLessThan(5_000);
    // no annotations: the cached tool is refused with a TypeError that says why; others work
    await expect(client.call('echo', { text: 'hi' })).rejects.toThrow(/not known to be read-only/);
    expect((await client.call('charge', { cents: 1 })).result.content).toEqual([
      { type: 'text', text: 'charged 1' },
    ]);
    await client.close();
  });
});
