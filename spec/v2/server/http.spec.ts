// mcp-tx on SDK v2 over HTTP, where every connection (or every request) reaches the one store:
// a retry on another connection is answered from it, within its caller's key scope.
import { V2_HTTP_SERVINGS, type V2Serving } from '../../helpers/v2-servings.js';

const alice = { token: 'token-alice', clientId: 'alice', scopes: [] };
const bob = { token: 'token-bob', clientId: 'bob', scopes: [] };

describe.each(V2_HTTP_SERVINGS)('mcp-tx on SDK v2 over HTTP: %s', (_name, serve) => {
  let serving: V2Serving;
  beforeEach(async () => {
    serving = await serve();
  });
  afterEach(() => serving.close());

  it('should answer a retry on another connection from the store, the tool run once', async () => {
    const first = await serving.connect();
    const second = await serving.connect();
    await first.call('charge', { cents: 7 }, { requestId: 'pay-7' });
    const retry = await second.call('charge', { cents: 7 }, { requestId: 'pay-7', retryCount: 1 });
    expect(retry.meta).toMatchObject({ duplicate: true, attempts: 2 });
    expect(await serving.runs('charge')).toBe(1);
  });

  it("should scope a key to the caller the HTTP layer authenticated (authInfo), never replaying another's", async () => {
    const asAlice = await serving.connect({ authInfo: alice });
    const asBob = await serving.connect({ authInfo: bob });
    const again = await serving.connect({ authInfo: alice });
    const paid = await asAlice.call('charge', { cents: 1 }, { requestId: 'r1', key: 'order-1' });
    const bobs = await asBob.call('charge', { cents: 1 }, { requestId: 'r2', key: 'order-1' });
    const retry = await again.call('charge', { cents: 1 }, { requestId: 'r3', key: 'order-1' });
    expect([paid.meta?.duplicate, bobs.meta?.duplicate, retry.meta?.duplicate]).toEqual([false, false, true]);
    expect(await serving.runs('charge')).toBe(2);
  });
});
