import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { gzipSync } from 'node:zlib';
import { compressionCodec } from '../../src/client/transports/compression-codec.js';
import { TxClient, isCompressionError, txCapabilities } from '../../src/index.js';
import { connectInMemory } from '../helpers/connect.js';

// The codec (fflate inside) is loaded once per module registry, that is once per spec file: the
// tests below run in order, compression off first.

const BIG = 'ledger '.repeat(500);

/** A plain MCP server whose `big` tool answers with a gzip-compressed result, as withTxServer does. */
function compressingServer(): { server: McpServer; codecAtCall: boolean[] } {
  const codecAtCall: boolean[] = [];
  const server = new McpServer({ name: 'compressing', version: '1.0.0' });
  server.registerTool('big', {}, () => {
    codecAtCall.push(compressionCodec() !== undefined);
    const body = { content: [{ type: 'text' as const, text: BIG }] };
    const payload = gzipSync(JSON.stringify(body)).toString('base64');
    return { content: [], _meta: { mcp_tx: { encoding: 'gzip', payload } } };
  });
  server.registerTool('small', {}, () => ({ content: [{ type: 'text' as const, text: 'ok' }] }));
  return { server, codecAtCall };
}

describe('the compression codec, loaded on demand', () => {
  it('should stay unloaded while compression is off', async () => {
    const client = await connectInMemory(compressingServer().server);
    await client.call('small');
    expect(compressionCodec()).toBeUndefined();
    await client.close();
  });

  it('should fail a compressed result with compression off (unknown_encoding), without loading it', async () => {
    const client = await connectInMemory(compressingServer().server);
    const error: unknown = await client.call('big').catch((e: unknown) => e);
    expect(isCompressionError(error) && error.reason).toBe('unknown_encoding');
    expect(compressionCodec()).toBeUndefined();
    await client.close();
  });

  it('should hold the first call of a `new TxClient` with compression on until the codec is in', async () => {
    const { server, codecAtCall } = compressingServer();
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    const sdk = new Client({ name: 'app', version: '1.0.0' }, { capabilities: txCapabilities() });
    await sdk.connect(clientTransport);
    const client = new TxClient(sdk, { compression: true });
    expect(compressionCodec()).toBeUndefined(); // on its way
    const { result } = await client.call('big');
    expect(codecAtCall).toEqual([true]);
    expect(result.content).toEqual([{ type: 'text', text: BIG }]);
    await client.close();
  });
});
