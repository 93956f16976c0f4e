import { jest } from '@jest/globals';
import { getEventListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { nodeHttpFetch } from '../../src/client/transports/http-fetch-node.js';

/** Listeners left on `signal`. */
const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;
const manual = { redirect: 'manual' } as const;

describe('nodeHttpFetch', () => {
  const held: ServerResponse[] = [];
  const seen: IncomingMessage[] = [];
  let bodies: string[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    seen.push(req);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      bodies.push(body);
      route(req, res);
    });
  });
  server.on('connection', () => connections++);
  function route(req: IncomingMessage, res: ServerResponse): void {
    switch (req.url) {
      case '/json':
        res.writeHead(200, {
          'content-type': 'application/json',
          'X-Test': 'kept',
          'set-cookie': ['a=1', 'b=2'],
        });
        return void res.end('{"ok":true}');
      case '/bom':
        return void res.end(Buffer.from([0xef, 0xbb, 0xbf, 0x68, 0x69]));
      case '/gzip':
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
        return void res.end(gzipSync('unzipped'));
      case '/empty':
        res.writeHead(204);
        return void res.end();
      case '/accepted':
        res.writeHead(202);
        return void res.end();
      case '/redirect':
        res.writeHead(307, { location: '/json' });
        return void res.end();
      case '/moved/301':
      case '/moved/302':
      case '/moved/303':
      case '/moved/307':
      case '/moved/308':
        res.writeHead(Number(req.url.slice(-3)), { location: '/json' });
        return void res.end('the body of a redirect');
      case '/elsewhere': // the same server on another origin
        res.writeHead(307, { location: base.replace('127.0.0.1', 'localhost') + '/json' });
        return void res.end();
      case '/sse':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
        return void held.push(res); // ended by the test, or aborted by the client
      case '/cut':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
        return void setTimeout(() => res.socket?.destroy(), 20); // the server goes mid-body
      default:
        held.push(res); // /hang: never answers
    }
  }
  let base: string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    for (const res of held.splice(0)) res.destroy();
    seen.length = 0;
    bodies = [];
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('should send the method, headers and body, and answer status, headers and JSON as fetch does', async () => {
    const response = await nodeHttpFetch(`${base}/json`, {
      ...manual,
      method: 'POST',
      headers: new Headers({ 'mcp-session-id': 'abc', 'content-type': 'application/json' }),
      body: '{"é":1}',
    });
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.headers).toMatchObject({
      'mcp-session-id': 'abc',
      'content-type': 'application/json',
      'content-length': '8', // bytes, not characters
      accept: '*/*',
    });
    expect(bodies).toEqual(['{"é":1}']);
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.statusText).toBe('OK');
    expect(response.url).toBe(`${base}/json`);
    expect(response.redirected).toBe(false);
    expect(response.headers.get('x-test')).toBe('kept');
    expect(response.headers.get('X-TEST')).toBe('kept');
    expect(response.headers.get('absent')).toBeNull();
    expect(response.headers.has('Content-Type')).toBe(true);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it('should take headers as a record or as pairs, and add a text content type to a body without one', async () => {
    await (await nodeHttpFetch(`${base}/json`, { ...manual, headers: { 'X-One': '1' } })).text();
    await (
      await nodeHttpFetch(`${base}/json`, {
        ...manual,
        method: 'post',
        headers: [
          ['x-two', 'a'],
          ['X-Two', 'b'],
        ],
        body: 'hi',
      })
    ).text();
    expect(seen[0]?.headers['x-one']).toBe('1');
    expect(seen[1]?.method).toBe('POST');
    expect(seen[1]?.headers['x-two']).toBe('a, b');
    expect(seen[1]?.headers['content-type']).toBe('text/plain;charset=UTF-8');
  });

  it('should reuse one keep-alive connection for requests one after another', async () => {
    const before = connections;
    for (let i = 0; i < 20; i++) await (await nodeHttpFetch(`${base}/json`, manual)).json();
    expect(connections - before).toBeLessThanOrEqual(1);
  });

  it('should stream the body as a web stream (what the SDK pipes into its SSE parser)', async () => {
    const response = await nodeHttpFetch(`${base}/sse`, manual);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toBe('data: first\n\n');
    held[0]!.write('data: second\n\n');
    expect((await reader.read()).value).toBe('data: second\n\n');
    held[0]!.end();
    expect((await reader.read()).done).toBe(true);
  });

  it('should give a null body for 204, an empty one for 202, and keep the connection after a cancel', async () => {
    const empty = await nodeHttpFetch(`${base}/empty`, manual);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    const before = connections;
    const accepted = await nodeHttpFetch(`${base}/accepted`, { ...manual, method: 'POST', body: '{}' });
    expect(accepted.status).toBe(202);
    expect(accepted.body).not.toBeNull();
    await accepted.body?.cancel(); // as the SDK does on 202
    await new Promise((resolve) => setTimeout(resolve, 20)); // the empty body drains, the socket is free
    expect(await (await nodeHttpFetch(`${base}/json`, manual)).json()).toEqual({ ok: true });
    expect(connections - before).toBe(0);
  });

  it('should decode a gzip body, drop a BOM from text, and read bytes', async () => {
    expect(await (await nodeHttpFetch(`${base}/gzip`, manual)).text()).toBe('unzipped');
    expect(await (await nodeHttpFetch(`${base}/bom`, manual)).text()).toBe('hi');
    const bytes = await (await nodeHttpFetch(`${base}/json`, manual)).arrayBuffer();
    expect(Buffer.from(bytes).toString()).toBe('{"ok":true}');
  });

  it("should return a redirect as it is with redirect: 'manual' (the SDK follows within the origin itself)", async () => {
    const response = await nodeHttpFetch(`${base}/redirect`, manual);
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe('/json');
    await response.body?.cancel();
  });

  it("should answer without the global fetch in redirect: 'follow' mode (the default, which SDKs before 1.32 leave)", async () => {
    const global = jest.spyOn(globalThis, 'fetch');
    try {
      const response = await nodeHttpFetch(`${base}/json`, { method: 'POST', body: '{}' });
      expect(await response.json()).toEqual({ ok: true });
      expect(response.redirected).toBe(false);
      expect(global).not.toHaveBeenCalled();
    } finally {
      global.mockRestore();
    }
  });

  it.each([
    [301, 'GET', ''],
    [302, 'GET', ''],
    [303, 'GET', ''],
    [307, 'POST', '{"a":1}'],
    [308, 'POST', '{"a":1}'],
  ])(
    "should follow a %i to a POST in redirect: 'follow' mode as fetch does (%s, body %j)",
    async (status, method, body) => {
      const global = jest.spyOn(globalThis, 'fetch');
      try {
        const headers = {
          'content-type': 'application/json',
          authorization: 'Bearer t',
          'mcp-session-id': 's',
        };
        const response = await nodeHttpFetch(`${base}/moved/${status}`, {
          method: 'POST',
          headers,
          body: '{"a":1}',
        });
        expect(response.status).toBe(200);
        expect(response.redirected).toBe(true);
        expect(response.url).toBe(`${base}/json`);
        expect(await response.json()).toEqual({ ok: true });
        expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([`POST /moved/${status}`, `${method} /json`]);
        expect(bodies).toEqual(['{"a":1}', body]);
        // the body's headers go with the body; the same origin keeps the credentials
        expect(seen[1]?.headers['content-type']).toBe(method === 'GET' ? undefined : 'application/json');
        expect(seen[1]?.headers).toMatchObject({ authorization: 'Bearer t', 'mcp-session-id': 's' });
        expect(global).toHaveBeenCalledTimes(1); // only the request after the redirect
      } finally {
        global.mockRestore();
      }
    },
  );

  it("should not carry credentials to another origin when following a redirect, nor follow with redirect: 'manual'", async () => {
    const headers = { authorization: 'Bearer t', cookie: 'c=1', 'mcp-session-id': 's' };
    const followed = await nodeHttpFetch(`${base}/elsewhere`, { method: 'POST', headers, body: '{}' });
    expect(await followed.json()).toEqual({ ok: true });
    expect(seen[1]?.headers.host).toMatch(/^localhost:/);
    expect(seen[1]?.headers.authorization).toBeUndefined();
    expect(seen[1]?.headers.cookie).toBeUndefined();
    expect(seen[1]?.headers['mcp-session-id']).toBe('s');
    const manualAnswer = await nodeHttpFetch(`${base}/moved/303`, { ...manual, method: 'POST', body: '{}' });
    expect(manualAnswer.status).toBe(303);
    await manualAnswer.text();
    expect(seen).toHaveLength(3);
  });

  it("should leave what it does not handle to the global fetch (redirect: 'error', a binary body)", async () => {
    const global = jest.spyOn(globalThis, 'fetch');
    try {
      await expect(nodeHttpFetch(`${base}/redirect`, { redirect: 'error' })).rejects.toMatchObject({
        name: 'TypeError',
        message: 'fetch failed',
      });
      const bytes = await nodeHttpFetch(`${base}/json`, {
        ...manual,
        method: 'POST',
        body: new Uint8Array([1]),
      });
      await bytes.text();
      expect(global).toHaveBeenCalledTimes(2);
    } finally {
      global.mockRestore();
    }
  });

  it('should reject with the signal reason when aborted before the response, leaving no listener', async () => {
    const controller = new AbortController();
    const pending = nodeHttpFetch(`${base}/hang`, { ...manual, signal: controller.signal });
    await until(() => seen.length === 1);
    expect(listeners(controller.signal)).toBe(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(listeners(controller.signal)).toBe(0);
    await expect(
      nodeHttpFetch(`${base}/json`, { ...manual, signal: controller.signal }),
    ).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('should error a streamed body with the signal reason when aborted mid-stream', async () => {
    const controller = new AbortController();
    const response = await nodeHttpFetch(`${base}/sse`, { ...manual, signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort(new Error('closed by the test'));
    await expect(reader.read()).rejects.toThrow('closed by the test');
    expect(listeners(controller.signal)).toBe(0);
  });

  it('should hold one listener on a shared signal for 50 in flight, none once read', async () => {
    const shared = new AbortController().signal;
    const pending = Array.from({ length: 50 }, () =>
      nodeHttpFetch(`${base}/json`, { ...manual, signal: shared }),
    );
    expect(listeners(shared)).toBe(1);
    const read = await Promise.all(pending.map(async (p) => (await p).json()));
    expect(read).toHaveLength(50);
    expect(listeners(shared)).toBe(0);
  });

  it('should reject with a TypeError whose cause is the socket error when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await nodeHttpFetch(`http://127.0.0.1:${port}/mcp`, manual).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
  });

  it('should fail the body (not hang) when the server goes mid-body', async () => {
    const response = await nodeHttpFetch(`${base}/cut`, manual);
    const reader = response.body!.getReader();
    await reader.read();
    await expect(reader.read()).rejects.toThrow(TypeError);
    const text = nodeHttpFetch(`${base}/cut`, manual).then((r) => r.text());
    await expect(text).rejects.toThrow('terminated');
  });

  it('should reject a GET with a body, and an invalid header, as fetch does', async () => {
    await expect(nodeHttpFetch(`${base}/json`, { ...manual, body: 'x' })).rejects.toThrow(TypeError);
    await expect(nodeHttpFetch(`${base}/json`, { ...manual, headers: { 'bad name': 'x' } })).rejects.toThrow(
      TypeError,
    );
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
