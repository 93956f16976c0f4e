// httpTransport's behaviour runs on both SDK majors: spec/majors/http-transport.spec.ts.
import { httpTransport } from '../../src/index.js';

describe('httpTransport', () => {
  it('should reject a url that is neither a string nor a URL, and a fetch that is no function', () => {
    expect(() => httpTransport(42 as never)).toThrow(
      new TypeError('url must be a string or a URL, got number'),
    );
    expect(() => httpTransport(new URL('http://127.0.0.1:1/mcp'), { fetch: 'fetch' as never })).toThrow(
      new TypeError('options.fetch must be a function, got string'),
    );
  });
});
