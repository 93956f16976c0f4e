// A whole TxClient marble-tested against the scripted peer, imported by the package's own name.
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { TxClient, type ConnectOptions, type TxResult } from 'mcp-tx';
import { scriptedPeer, type ScriptedPeerOptions } from 'mcp-tx/testing';

const textOf = ({ result }: TxResult) => (result.content[0] as { text: string }).text;
const noJitter = { maxAttempts: 3, baseDelayMs: 100, multiplier: 2, jitter: 'none' } as const;

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('scriptedPeer', () => {
  const clients: TxClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  async function connect(peer: ScriptedPeerOptions, options: ConnectOptions = {}) {
    const transport = scriptedPeer(peer);
    const client = await TxClient.connect(transport, { timeoutMs: 1_000, retry: noJitter, ...options });
    clients.push(client);
    return { client, peer: transport };
  }

  it('should answer after the scripted latency, in virtual time', async () => {
    const { client, peer } = await connect({ tools: { search: { latencyMs: 155, result: 'found mcp' } } });
    testScheduler().run(({ expectObservable }) => {
      expectObservable(client.call$('search', { q: 'mcp' }).pipe(map(textOf))).toBe('155ms (a|)', {
        a: 'found mcp',
      });
    });
    expect(peer.calls).toMatchObject([{ tool: 'search', args: { q: 'mcp' }, attempt: 0, time: 0 }]);
  });

  it('should retry a lost request after the attempt timeout and the backoff', async () => {
    const { client, peer } = await connect({
      tools: {
        search: [{ lost: true }, { nack: { reason: 'overloaded', retryAfterMs: 50 } }, { latencyMs: 5 }],
      },
    });
    testScheduler().run(({ expectObservable }) => {
      // 1,000 ms timeout + 100 ms backoff; the NACK at once, its retry_after_ms 50; 5 ms latency
      expectObservable(client.call$('search', { q: 'x' }).pipe(map(textOf))).toBe('1155ms (a|)', {
        a: '{"q":"x"}',
      });
    });
    expect(peer.calls.map((c) => [c.attempt, c.time])).toEqual([
      [0, 0],
      [1, 1_100],
      [2, 1_150],
    ]);
    expect(peer.cancelled).toHaveLength(1); // the attempt that timed out
  });

  it('should hand back an isError result without retrying it', async () => {
    const { client } = await connect({ tools: { pay: { latencyMs: 20, error: 'card declined' } } });
    testScheduler().run(({ expectObservable }) => {
      const outcome = client.call$('pay', {}).pipe(map((r) => [r.result.isError, textOf(r), r.attempts]));
      expectObservable(outcome).toBe('20ms (a|)', { a: [true, 'card declined', 1] });
    });
  });

  it('should fail with an ambiguous outcome when an ACKed call of a non-idempotent tool hangs', async () => {
    const { client } = await connect({ tools: { pay: { hang: true } } });
    testScheduler().run(({ expectObservable }) => {
      const code = client.call$('pay', {}).pipe(map(() => 'answered'));
      expectObservable(code).toBe(
        '1000ms #',
        undefined,
        expect.objectContaining({ code: 'AMBIGUOUS_OUTCOME' }),
      );
    });
  });

  it('should retry an ACKed call that hangs when the tool is annotated idempotent', async () => {
    const { client, peer } = await connect({
      tools: { lookup: [{ hang: true }, { latencyMs: 10, result: 'ok' }] },
      annotations: { lookup: { idempotentHint: true } },
    });
    testScheduler().run(({ expectObservable }) => {
      expectObservable(client.call$('lookup', {}).pipe(map(textOf))).toBe('1110ms (a|)', { a: 'ok' });
    });
    expect(peer.calls.map((c) => c.time)).toEqual([0, 1_100]);
  });

  it('should fail with DeadlineExceededError at the deadline, whatever attempts remain', async () => {
    const { client } = await connect(
      { tools: { search: { lost: true } } },
      { retry: { ...noJitter, maxAttempts: 10 } },
    );
    testScheduler().run(({ expectObservable }) => {
      expectObservable(client.call$('search', {}, { deadlineMs: 1_500 })).toBe(
        '1500ms #',
        undefined,
        expect.objectContaining({ code: 'DEADLINE_EXCEEDED' }),
      );
    });
  });

  it('should speak plain MCP with mcpTx: false (fallback mode)', async () => {
    const { client, peer } = await connect({ tools: { echo: { latencyMs: 3 } }, mcpTx: false });
    expect(client.server).toBeUndefined();
    testScheduler().run(({ expectObservable }) => {
      expectObservable(client.call$('echo', { a: 1 }).pipe(map((r) => [textOf(r), r.ack]))).toBe('3ms (a|)', {
        a: ['{"a":1}', false],
      });
    });
    expect(peer.calls[0]?.idempotencyKey).toBeUndefined();
  });

  it('should reject an invalid script with a precise error', () => {
    expect(() => scriptedPeer({ tools: { a: { latencyMs: -1 } } })).toThrow(/tools\.a\[0\]\.latencyMs/);
    expect(() => scriptedPeer({ tools: { a: { lost: true, error: 'x' } } })).toThrow(
      /give one of lost, error/,
    );
    expect(() => scriptedPeer({ tools: { a: { nack: 'overloaded' } }, mcpTx: false })).toThrow(/cannot NACK/);
    expect(() => scriptedPeer({ tools: {}, latency: 3 } as never)).toThrow(/unknown option 'latency'/);
  });
});
