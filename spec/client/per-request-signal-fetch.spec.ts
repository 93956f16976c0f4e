import { getEventListeners } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { perRequestSignalFetch } from '../../src/index.js';

/** Listeners the bridge (or a fetch) left on `signal`. */
const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('perRequestSignalFetch', () => {
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    if (req.url === '/json') {
      res.writeHead(200, { 'content-type': 'application/json', 'x-test': 'kept' });
      return void res.end('{"ok":true}');
    }
    if (req.url === '/sse') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      return void held.push(res); // ended by the test, or aborted by the client
    }
    if (req.url === '/empty') {
      res.writeHead(204);
      return void res.end();
    }
    held.push(res); // /hang: never answers
  });
  let base: string;
  const fetchThrough = perRequestSignalFetch();

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    for (const res of held.splice(0)) res.destroy();
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('should leave no listener on the shared signal once 50 parallel responses are read', async () => {
    const shared = new AbortController().signal;
    const pending = Array.from({ length: 50 }, () => fetchThrough(`${base}/json`, { signal: shared }));
    expect(listeners(shared)).toBe(1); // one bridge for all 50 in flight, not one each
    const bodies = await Promise.all(pending.map(async (p) => (await p).json()));
    expect(bodies).toEqual(Array.from({ length: 50 }, () => ({ ok: true })));
    expect(listeners(shared)).toBe(0);
  });

  it('should keep the response as the server sent it (status, headers, url)', async () => {
    const shared = new AbortController().signal;
    const response = await fetchThrough(`${base}/json`, { signal: shared });
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get('x-test')).toBe('kept');
    expect(response.url).toBe(`${base}/json`);
    expect(response.redirected).toBe(false);
    expect(await response.text()).toBe('{"ok":true}');
  });

  it('should release a response without a body at once', async () => {
    const shared = new AbortController().signal;
    const response = await fetchThrough(`${base}/empty`, { signal: shared });
    expect(response.status).toBe(204);
    expect(listeners(shared)).toBe(0);
  });

  it('should hold the bridge while a streamed body is open and release it when the stream ends', async () => {
    const shared = new AbortController().signal;
    const response = await fetchThrough(`${base}/sse`, { signal: shared });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toBe('data: first\n\n');
    expect(listeners(shared)).toBe(1);
    held.shift()!.end('data: last\n\n');
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
    expect(rest).toBe('data: last\n\n');
    expect(listeners(shared)).toBe(0);
  });

  it('should abort a streamed body when the shared signal aborts', async () => {
    const controller = new AbortController();
    const response = await fetchThrough(`${base}/sse`, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort(new Error('transport closed'));
    await expect(reader.read()).rejects.toThrow();
    expect(listeners(controller.signal)).toBe(0);
  });

  it('should abort a request waiting for its response when the shared signal aborts', async () => {
    const controller = new AbortController();
    const pending = fetchThrough(`${base}/hang`, { signal: controller.signal });
    await waitFor(() => held.length === 1);
    const reason = new Error('transport closed');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(listeners(controller.signal)).toBe(0);
  });

  it('should release the bridge when the body is cancelled', async () => {
    const shared = new AbortController().signal;
    const response = await fetchThrough(`${base}/sse`, { signal: shared });
    await response.body!.cancel();
    expect(listeners(shared)).toBe(0);
  });

  it('should release the bridge when the fetch fails', async () => {
    const shared = new AbortController().signal;
    const refused = perRequestSignalFetch(() => Promise.reject(new TypeError('fetch failed')));
    await expect(refused(`${base}/json`, { signal: shared })).rejects.toThrow('fetch failed');
    expect(listeners(shared)).toBe(0);
  });

  it('should reject a fetch on an already aborted signal without adding a listener', async () => {
    const controller = new AbortController();
    controller.abort(new Error('already'));
    await expect(fetchThrough(`${base}/json`, { signal: controller.signal })).rejects.toThrow('already');
    expect(listeners(controller.signal)).toBe(0);
  });

  it('should reject a base fetch that is not a function', () => {
    expect(() => perRequestSignalFetch('fetch' as never)).toThrow(
      new TypeError('baseFetch must be a function, got string'),
    );
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
