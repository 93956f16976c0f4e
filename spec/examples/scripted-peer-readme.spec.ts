// The README's "Marble-test a whole client" example, kept running as a spec (readme-sync checks it is the README's).
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { TxClient, type TxResult } from 'mcp-tx';
import { scriptedPeer } from 'mcp-tx/testing';

const textOf = ({ result }: TxResult) => (result.content[0] as { text: string }).text;

describe('search through TxClient', () => {
  let testScheduler: TestScheduler;
  let client: TxClient;

  beforeEach(async () => {
    testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    // The first search request is lost, the second NACKed (overloaded, retry after 50 ms), the
    // third answered after 155 ms; `pay` fails as a tool does (isError), after 20 ms.
    const peer = scriptedPeer({
      tools: {
        search: [{ lost: true }, { nack: { reason: 'overloaded', retryAfterMs: 50 } }, { latencyMs: 155 }],
        pay: { latencyMs: 20, error: 'card declined' },
      },
    });
    // Connect outside `run` (the peer answers the handshake at once); jitter off for exact times.
    client = await TxClient.connect(peer, {
      timeoutMs: 1_000,
      retry: { maxAttempts: 3, baseDelayMs: 100, jitter: 'none' },
    });
  });
  afterEach(() => client.close());

  it('retries a lost request and a NACK, on the virtual clock', () => {
    testScheduler.run(({ expectObservable }) => {
      // attempt 1 times out at 1,000 ms; attempt 2 at 1,100 ms (backoff 100) is NACKed;
      // attempt 3 at 1,150 ms (retry_after_ms 50) is answered 155 ms later
      const search$ = client.call$('search', { q: 'mcp' }).pipe(map(textOf));
      expectObservable(search$).toBe('1305ms (a|)', { a: '{"q":"mcp"}' });
    });
  });

  it('hands back a tool error without retrying it', () => {
    testScheduler.run(({ expectObservable }) => {
      const pay$ = client
        .call$('pay', { cents: 500 })
        .pipe(map((r) => [r.result.isError, textOf(r), r.attempts]));
      expectObservable(pay$).toBe('20ms (a|)', { a: [true, 'card declined', 1] });
    });
  });
});
