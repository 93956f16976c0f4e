// mcp-tx's server side on SDK v2, every way v2 serves: the same behaviours on the stateless
// protocol (2026-07-28) and on the initialize era, with a plain v2 Client sending _meta.mcp_tx.
import { parseTxCapability, parseTxExtension } from '../../../src/protocol/index.js';
import type { ManualTx } from '../../helpers/v2-manual-tx.js';
import { V2_SERVINGS, type V2Serving } from '../../helpers/v2-servings.js';

describe.each(V2_SERVINGS)('mcp-tx on SDK v2: %s', (_name, serve) => {
  let serving: V2Serving;
  let client: ManualTx;
  let ids = 0;
  /** A request id of its own for each call, so that the tests share one connection. */
  const id = (what: string) => `${what}-${++ids}-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    serving = await serve();
    client = await serving.connect();
  }, 20_000);
  afterAll(() => serving.close());

  it('should advertise mcp-tx where its era looks: server/discover, or initialize', () => {
    const capabilities = client.client.getServerCapabilities();
    const advertised =
      serving.era === 'modern' ? parseTxExtension(capabilities) : parseTxCapability(capabilities);
    expect(advertised?.version).toBe('0.2.0');
    expect(advertised?.features).toEqual(expect.arrayContaining(['ack', 'idempotency', 'deadline']));
  });

  it('should run a keyed call once and replay its outcome to its retry', async () => {
    const before = await serving.runs('charge');
    const requestId = id('pay');
    const first = await client.call('charge', { cents: 5 }, { requestId });
    const retry = await client.call('charge', { cents: 5 }, { requestId, retryCount: 1 });
    expect(first.meta).toEqual({ ack: true, processed: true, duplicate: false, requestId, attempts: 1 });
    expect(retry.meta).toEqual({ ack: true, processed: true, duplicate: true, requestId, attempts: 2 });
    expect(retry.result?.content).toEqual([{ type: 'text', text: 'charged 5' }]);
    expect((await serving.runs('charge')) - before).toBe(1);
  });

  it('should ACK a call still running after ackDelayMs, before its result (on the result where nothing goes before it)', async () => {
    const requestId = id('slow');
    const outcome = await client.call('charge', { cents: 1, ms: 150 }, { requestId });
    expect(outcome.meta?.ack).toBe(true);
    expect(outcome.acks).toEqual(serving.midCall ? [{ requestId, retryCount: 0 }] : []);
  });

  it('should NACK a key reused with other arguments, without running the tool', async () => {
    const key = id('order');
    const before = await serving.runs('charge');
    await client.call('charge', { cents: 1 }, { requestId: id('a'), key });
    const other = await client.call('charge', { cents: 2 }, { requestId: id('b'), key });
    expect(other.error?.code).toBe(-32000);
    expect(other.error?.nack).toEqual({
      reason: 'idempotency_conflict',
      retryable: false,
      retryAfterMs: undefined,
    });
    expect((await serving.runs('charge')) - before).toBe(1);
  });

  it('should NACK a request whose deadline has passed', async () => {
    const late = await client.call(
      'charge',
      { cents: 1 },
      { requestId: id('late'), deadline: Date.now() - 1_000 },
    );
    expect(late.error?.nack?.reason).toBe('deadline_exceeded');
  });

  it("should pass a tool's progress through, where messages before the result reach the client", async () => {
    const outcome = await client.call('progress', { steps: 3 }, { requestId: id('progress') });
    expect(outcome.result?.content).toEqual([{ type: 'text', text: 'done' }]);
    expect(outcome.progress).toEqual(serving.midCall ? [1, 2, 3] : []);
  });
});
