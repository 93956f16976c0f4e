// withTxServer's behaviour over Streamable HTTP runs on both SDK majors: spec/majors/server/http.spec.ts.
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { withTxServer } from '../../src/server/index.js';

describe('TxServerTransport.handleRequest', () => {
  it('should throw a TypeError when the decorated transport does not serve HTTP', () => {
    const [, serverSide] = InMemoryTransport.createLinkedPair();
    const transport = withTxServer(serverSide);
    // @ts-expect-error: InMemoryTransport has no handleRequest, so the decorator's takes nothing
    expect(() => transport.handleRequest()).toThrow(
      new TypeError('handleRequest: the decorated transport does not serve HTTP (it has no handleRequest)'),
    );
  });
});
