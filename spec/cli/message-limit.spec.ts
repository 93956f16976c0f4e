import { LimitedLineReader, type OversizedMessage } from '../../src/cli/proxy/message-limit.js';

/** Feeds `text` to a reader in chunks of `size` bytes; returns what came out, in order. */
function read(text: string, limit: number, size: number): (unknown | OversizedMessage)[] {
  const out: unknown[] = [];
  const reader = new LimitedLineReader(limit, (m) => out.push({ oversized: m }));
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) {
    reader.append(bytes.subarray(i, i + size));
    for (let m = reader.readMessage(); m !== null; m = reader.readMessage()) out.push(m);
  }
  return out;
}

const line = (message: object): string => `${JSON.stringify(message)}\n`;

describe('LimitedLineReader', () => {
  const big = 'x'.repeat(5_000);
  const tricky = `a "quoted" {brace} [bracket] \\ "id":99, é`; // what must not fool the scan

  it.each([1, 7, 64, 100_000])(
    'should skip a message over the limit, in order, finding its id and method (chunks of %i)',
    (size) => {
      const text =
        line({ jsonrpc: '2.0', id: 1, method: 'ping' }) +
        // as the SDK writes a request: params first, id last
        line({
          method: 'tools/call',
          params: { name: 'x', arguments: { big, tricky, nested: [{ id: 5 }] } },
          jsonrpc: '2.0',
          id: 'req-7',
        }) +
        line({ jsonrpc: '2.0', id: 2, result: { text: big } }) +
        line({ jsonrpc: '2.0', method: 'notifications/message', params: { big } }) +
        line({ jsonrpc: '2.0', id: 3, method: 'ping' });
      expect(read(text, 1_000, size)).toEqual([
        { jsonrpc: '2.0', id: 1, method: 'ping' },
        { oversized: { bytes: expect.any(Number), id: 'req-7', method: 'tools/call' } },
        { oversized: { bytes: expect.any(Number), id: 2, method: undefined } },
        { oversized: { bytes: expect.any(Number), id: undefined, method: 'notifications/message' } },
        { jsonrpc: '2.0', id: 3, method: 'ping' },
      ]);
    },
  );

  it('should count the bytes of a skipped message and read a message exactly at the limit', () => {
    const exact = line({ jsonrpc: '2.0', id: 1, result: { t: 'y'.repeat(100) } });
    const limit = Buffer.byteLength(exact) - 1; // without its newline
    const over = line({ jsonrpc: '2.0', id: 2, result: { t: 'y'.repeat(101) } });
    expect(read(exact + over, limit, 16)).toEqual([
      JSON.parse(exact),
      { oversized: { bytes: limit + 1, id: 2, method: undefined } },
    ]);
  });

  it('should take CRLF line ends', () => {
    expect(read('{"jsonrpc":"2.0","id":4,"method":"ping"}\r\n', 1_000, 5)).toEqual([
      { jsonrpc: '2.0', id: 4, method: 'ping' },
    ]);
  });
});
