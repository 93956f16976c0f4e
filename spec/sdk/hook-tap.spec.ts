import { HookedClient, type OwnRequest } from '../../src/sdk/v2/hooked-client.js';
import { HookTap } from '../../src/sdk/v2/hook-tap.js';
import type { TapResponse, TapWaiter } from '../../src/sdk/client-internals.js';

/**
 * The HookTap's own bookkeeping, on a real (unconnected) HookedClient whose `write` and `direct`
 * are the only members replaced: what reaches a waiter for each answer the hooks hand it.
 */
class WritingClient extends HookedClient {
  readonly written: OwnRequest[] = [];
  constructor() {
    super({ name: 'spec', version: '1.0.0' });
  }
  override direct(): boolean {
    return true;
  }
  override write(request: OwnRequest): Promise<void> {
    this.written.push(request);
    return Promise.resolve();
  }
}

interface Seen {
  response?: TapResponse | undefined;
  failure?: unknown;
  settled: number;
  progress: unknown[];
}

function waiter(): TapWaiter & { seen: Seen } {
  const seen: Seen = { settled: 0, progress: [] };
  return {
    seen,
    settle(response, failure) {
      seen.settled++;
      seen.response = response;
      seen.failure = failure;
    },
    progress(params) {
      seen.progress.push(params);
    },
  };
}

describe('HookTap', () => {
  let client: WritingClient;
  let tap: HookTap;
  const transport = {
    send: async () => undefined,
    close: async () => undefined,
    start: async () => undefined,
  };
  const acks: unknown[] = [];

  beforeEach(() => {
    client = new WritingClient();
    acks.length = 0;
    tap = new HookTap(client, { ack: (params) => (acks.push(params), true), incoming: (m) => m });
    tap.attach(transport);
  });

  it('should write under ids of its own and hand each answer to its waiter once', () => {
    const w = waiter();
    const id = tap.request({ name: 'echo', arguments: { v: 1 } }, w);
    expect(client.written).toEqual([
      { jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { v: 1 } } },
    ]);
    const result = { content: [{ type: 'text', text: '1' }] };
    expect(tap.response({ jsonrpc: '2.0', id, result })).toBe(true);
    expect(tap.response({ jsonrpc: '2.0', id, result })).toBe(true); // a duplicate, taken and dropped
    expect(w.seen).toMatchObject({ settled: 1, response: { result } });
  });

  it("should leave the SDK's own answers (numeric ids) and another tap's to the SDK", () => {
    expect(tap.response({ jsonrpc: '2.0', id: 3, result: {} })).toBe(false);
    expect(tap.response({ jsonrpc: '2.0', id: 'txOther:1', result: {} })).toBe(false);
  });

  it('should hand an error response on as it came, and a malformed result as a failure', () => {
    const failed = waiter();
    const malformed = waiter();
    const a = tap.request({ name: 'echo' }, failed);
    const b = tap.request({ name: 'echo' }, malformed);
    tap.response({ jsonrpc: '2.0', id: a, error: { code: -32000, message: 'nack' } });
    tap.response({ jsonrpc: '2.0', id: b, result: { content: 'not a list' } });
    expect(failed.seen.response).toEqual({ error: { code: -32000, message: 'nack' } });
    expect(malformed.seen).toMatchObject({ settled: 1, response: undefined });
    expect(String(malformed.seen.failure)).toMatch(/Invalid result for tools\/call/);
  });

  it("should hand a task-augmented call's task on unchecked (the core follows it)", () => {
    const w = waiter();
    const id = tap.request({ name: 'render', task: { ttl: 1_000 } }, w);
    const created = { task: { taskId: 't1', status: 'working' } };
    tap.response({ jsonrpc: '2.0', id, result: created });
    expect(w.seen.response).toEqual({ result: created });
  });

  it('should take ACKs and its own progress, and pass other notifications on', () => {
    const w = waiter();
    const id = tap.request({ name: 'slow' }, w, true);
    expect(client.written[0]?.params._meta).toEqual({ progressToken: id });
    expect(
      tap.notification({ jsonrpc: '2.0', method: 'notifications/mcp_tx/ack', params: { request_id: 'r' } }),
    ).toBe(true);
    expect(
      tap.notification({
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: id, progress: 1 },
      }),
    ).toBe(true);
    expect(
      tap.notification({
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: 0, progress: 1 },
      }),
    ).toBe(false);
    expect(tap.notification({ jsonrpc: '2.0', method: 'notifications/message', params: {} })).toBe(false);
    expect(acks).toEqual([{ request_id: 'r' }]);
    expect(w.seen.progress).toEqual([{ progressToken: id, progress: 1 }]);
  });

  it('should stop waiting on a cancelled request (its late answer reaches no one) and ignore a cancel on another transport', () => {
    const cancelled = waiter();
    const kept = waiter();
    const a = tap.request({ name: 'echo' }, cancelled);
    const b = tap.request({ name: 'echo' }, kept);
    tap.cancel(transport, a, 'timed out');
    tap.cancel({ ...transport }, b, 'timed out');
    tap.response({ jsonrpc: '2.0', id: a, result: { content: [] } });
    tap.response({ jsonrpc: '2.0', id: b, result: { content: [] } });
    expect(cancelled.seen.settled).toBe(0);
    expect(kept.seen.settled).toBe(1);
  });

  it('should fail every request waiting when the connection closes', () => {
    const w = waiter();
    tap.request({ name: 'echo' }, w);
    tap.closed();
    expect(w.seen).toMatchObject({ settled: 1, response: undefined });
    expect(String(w.seen.failure)).toMatch(/Connection closed/);
  });
});
