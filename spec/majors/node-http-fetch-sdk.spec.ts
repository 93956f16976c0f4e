// nodeHttpFetch under each SDK major's StreamableHTTPClientTransport, against a Streamable HTTP
// server of the same major: stateful and stateless, SSE and JSON responses (the `initialize` era).
import { jest } from '@jest/globals';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { getEventListeners } from 'node:events';
import { nodeHttpFetch } from '../../src/client/transports/http-fetch-node.js';
import { TxError } from '../../src/index.js';
import { registerTools } from '../helpers/majors/build-server.js';
import { describeMajors } from '../helpers/majors/describe-majors.js';
import { fetchSpecClient, httpStatusOf } from '../helpers/majors/fetch-clients.js';
import {
  serveFetchSpec,
  type FetchServed,
  type FetchServerMode,
  type FetchServerResponses,
} from '../helpers/majors/fetch-servers.js';
import { defineTool } from '../helpers/majors/neutral-tool.js';

/** nodeHttpFetch, recording each request's method and answer status. */
function recording(): { fetch: FetchLike; log: string[] } {
  const log: string[] = [];
  const fetch: FetchLike = async (url, init) => {
    const response = await nodeHttpFetch(url, init);
    log.push(`${init?.method ?? 'GET'} ${response.status}`);
    return response;
  };
  return { fetch, log };
}

const text = (result: unknown) => (result as { content: [{ text: string }] }).content[0].text;

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describeMajors('nodeHttpFetch under the SDK transport', (m) => {
  const serve = (mode: FetchServerMode, responses: FetchServerResponses) =>
    serveFetchSpec(m.server, mode, responses);
  const sdkClient = (served: FetchServed, fetch: FetchLike = nodeHttpFetch, sessionId?: string) =>
    fetchSpecClient(m.client, served.url, fetch, sessionId);

  describe.each<[FetchServerMode, FetchServerResponses]>([
    ['stateful', 'sse'],
    ['stateful', 'json'],
    ['stateless', 'sse'],
    ['stateless', 'json'],
  ])('%s server, %s responses', (mode, responses) => {
    let served: FetchServed;
    beforeEach(async () => {
      served = await serve(mode, responses);
    });
    afterEach(() => served.close());

    it('should run 50 calls in flight through node:http, none through the global fetch', async () => {
      const global = jest.spyOn(globalThis, 'fetch');
      const { fetch, log } = recording();
      const client = sdkClient(served, fetch);
      try {
        await client.connect();
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => client.callTool('echo', { text: `#${i}` })),
        );
        expect(results.map(text)).toEqual(Array.from({ length: 50 }, (_, i) => `#${i}`));
        expect(global).not.toHaveBeenCalled();
        expect(log).toContain('POST 202'); // notifications/initialized
        // the optional GET stream: opened on a stateful server, 405 (not offered) on this stateless
        // one; an SDK v2 server (through its Node adapter) sends the stream's headers with its first
        // event only, the global fetch waiting as long: no answer yet, here
        if (mode === 'stateless') expect(log).toContain('GET 405');
        else if (m.server === 'v1') expect(log).toContain('GET 200');
        else expect(log.filter((l) => l.startsWith('GET'))).toEqual([]);
        expect(log.filter((l) => l === 'POST 200')).toHaveLength(51); // initialize + 50 calls
      } finally {
        global.mockRestore();
        await client.close();
      }
    });

    it('should deliver progress on an SSE response, and the result alone in JSON mode', async () => {
      const client = sdkClient(served);
      await client.connect();
      try {
        const progress: number[] = [];
        const result = await client.callTool('progress', { steps: 3 }, (p) => progress.push(p));
        expect(text(result)).toBe('done');
        // JSON mode has no stream for a request's notifications: the SDK server drops them
        expect(progress).toEqual(responses === 'sse' ? [1, 2, 3] : []);
      } finally {
        await client.close();
      }
    });

    it('should answer 413 with an SDK HTTP error that carries the status and the server text', async () => {
      const client = sdkClient(served);
      await client.connect();
      try {
        served.tooLarge();
        const error = await client.callTool('echo', { text: 'x' }).catch((e: unknown) => e);
        expect(httpStatusOf(error)).toBe(413);
        expect((error as Error).message).toContain('message larger than 4 MiB');
      } finally {
        await client.close();
      }
    });

    it('should fail a call with a TypeError (not hang) once the server is gone, and TxClient with a typed error', async () => {
      const client = sdkClient(served);
      await client.connect();
      const tx = await m.connect(m.httpTransport(served.url), { retry: { maxAttempts: 1 } });
      try {
        await served.close();
        const error = await client.callTool('echo', { text: 'x' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(TypeError);
        // refused, or reset when the request went out on a kept-alive socket the server had just closed
        expect(['ECONNREFUSED', 'ECONNRESET']).toContain(
          (error as { cause?: { code?: string } }).cause?.code,
        );
        // a typed error: ambiguous here (a plain server, a tool not known to be idempotent)
        await expect(tx.call('echo', { text: 'x' })).rejects.toBeInstanceOf(TxError);
      } finally {
        await client.close();
        await tx.close();
      }
    });
  });

  describe('stateful server, sessions', () => {
    it.each<FetchServerResponses>(['sse', 'json'])(
      'should receive server messages on the GET stream, end the session with DELETE, then get 404 (%s)',
      async (responses) => {
        const served = await serve('stateful', responses);
        const { fetch, log } = recording();
        const client = sdkClient(served, fetch);
        try {
          await client.connect();
          let changed = false;
          void client.toolListChanged().then(() => (changed = true));
          const server = served.servers[0] as { sendToolListChanged(): unknown };
          // an SDK v1 server answers the GET at once; an SDK v2 one with its first event (see above):
          // the notification is sent until the stream, once open, delivers one
          if (m.server === 'v1') await until(() => log.includes('GET 200'));
          await until(() => (changed || void server.sendToolListChanged(), changed));
          expect(log).toContain('GET 200');

          const id = client.sessionId()!;
          await client.terminateSession();
          expect(log).toContain('DELETE 200');
          expect(client.sessionId()).toBeUndefined();
          expect(served.sessions.has(id)).toBe(false);

          // a client that resumes the ended session (the SDK skips initialize when given its id)
          const stale = sdkClient(served, nodeHttpFetch, id);
          await stale.connect();
          const error = await stale.callTool('echo', { text: 'x' }).catch((e: unknown) => e);
          await stale.close();
          expect(httpStatusOf(error)).toBe(404);
        } finally {
          await client.close();
          await served.close();
        }
      },
    );

    it('should abort the calls in flight and the GET stream when the transport closes, leaving no listener', async () => {
      const served = await serve('stateful', 'sse');
      const signals = new Set<AbortSignal>();
      const fetch: FetchLike = (url, init) => {
        if (init?.signal) signals.add(init.signal);
        return nodeHttpFetch(url, init);
      };
      const client = sdkClient(served, fetch);
      await client.connect();
      // a server that never answers: its tool waits forever
      registerTools(served.servers[0]!, [defineTool('hang', {}, () => new Promise(() => undefined))]);
      const pending = Array.from({ length: 10 }, () => client.callTool('hang', {}));
      const [signal] = signals;
      await until(() => getEventListeners(signal!, 'abort').length === 1); // one for the GET and the 10 calls
      await client.close();
      for (const p of pending) await expect(p).rejects.toThrow();
      expect(getEventListeners(signal!, 'abort')).toHaveLength(0);
      await served.close();
    });
  });
});
