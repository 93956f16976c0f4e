// The streams a TxClient and a TxPool expose are read-only, on both SDK majors: no caller can push
// into them, nor into anything they are built on.
import { Observable, firstValueFrom, take, toArray } from 'rxjs';
import { describeMajors, type AnyTxClient, type AnyTxPool } from '../helpers/majors/describe-majors.js';
import { answer, defineTool } from '../helpers/majors/neutral-tool.js';

/** Every `$` member of `target` (own, and getters of its prototype chain). */
function streamsOf(target: object): [string, unknown][] {
  const names = new Set<string>();
  for (
    let o: object | null = target;
    o && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    for (const name of Object.getOwnPropertyNames(o)) if (name.endsWith('$')) names.add(name);
  }
  return [...names]
    .map((name): [string, unknown] => [name, (target as Record<string, unknown>)[name]])
    .filter(([, value]) => value instanceof Observable);
}

/** Everything reachable from `stream` through `source` links: none may take a `next`. */
function sourceChain(stream: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let s = stream; s; s = (s as { source?: unknown }).source) chain.push(s);
  return chain;
}

const ECHO = [defineTool('echo', {}, () => answer('ok'))];

describeMajors('the streams a client exposes', (m) => {
  let client: AnyTxClient;
  let pool: AnyTxPool;

  beforeEach(async () => {
    client = await m.inMemory(m.buildServer(ECHO));
    pool = m.newPool([client]);
  });

  afterEach(() => client.close());

  it('should find every stream of TxClient (and none on TxPool to miss)', () => {
    expect(
      streamsOf(client)
        .map(([name]) => name)
        .sort(),
    ).toEqual(['acks$', 'events$', 'metrics$', 'nacks$', 'requests$', 'responses$', 'status$']);
    expect(streamsOf(pool)).toEqual([]);
  });

  it('should give no stream a next, nor a source that has one', () => {
    for (const [name, stream] of streamsOf(client)) {
      for (const link of sourceChain(stream)) {
        expect([name, typeof (link as { next?: unknown }).next]).toEqual([name, 'undefined']);
      }
    }
  });

  it("should keep the client's status as it is when someone tries to push into status$", async () => {
    const statuses = firstValueFrom(client.status$.pipe(take(2), toArray()));
    const push = (client.status$ as unknown as { next?: (s: string) => void }).next;
    expect(push).toBeUndefined();
    await client.close();
    expect(await statuses).toEqual(['connected', 'closed']);
  });

  it('should still deliver each event to every subscriber', async () => {
    const seen = { events: 0, requests: 0, responses: 0 };
    client.events$.subscribe(() => seen.events++);
    client.requests$.subscribe(() => seen.requests++);
    client.responses$.subscribe(() => seen.responses++);
    await client.call('echo');
    expect(seen.requests).toBe(1);
    expect(seen.responses).toBe(1);
    expect(seen.events).toBeGreaterThanOrEqual(2);
  });
});
