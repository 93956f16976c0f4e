import { serveHttp } from '../../src/cli/proxy/index.js';

describe('mcp-tx proxy over HTTP with a body over the message limit', () => {
  it('should answer 413 naming the limit, and start no session', async () => {
    let sessions = 0;
    const endpoint = await serveHttp({
      port: 0,
      host: '127.0.0.1',
      startSession: () => {
        sessions++;
        return Promise.reject(new Error('no session expected'));
      },
      log: () => undefined,
      maxBodyBytes: 2_048,
    });
    try {
      const body = JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { pad: 'x'.repeat(5_000) },
      });
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body,
      });
      expect(response.status).toBe(413);
      expect(await response.json()).toMatchObject({
        error: {
          code: -32600,
          message: expect.stringMatching(/message limit of 2048 bytes \(--max-message-bytes\)/),
        },
      });
      expect(sessions).toBe(0);
    } finally {
      await endpoint.close();
    }
  });
});
