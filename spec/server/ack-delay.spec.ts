// withTxServer's delayed ACK runs on both SDK majors: spec/majors/server/ack-delay.spec.ts.
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { DEFAULT_ACK_DELAY_MS, withTxServer } from '../../src/server/index.js';

describe('withTxServer delayed ACK', () => {
  it('should reject an ackDelayMs out of range, naming the field', async () => {
    const [, serverSide] = InMemoryTransport.createLinkedPair();
    expect(() => withTxServer(serverSide, { ackDelayMs: -1 })).toThrow(RangeError);
    expect(() => withTxServer(serverSide, { ackDelayMs: 60_001 })).toThrow(/ackDelayMs/);
    expect(DEFAULT_ACK_DELAY_MS).toBeGreaterThan(0);
  });
});
