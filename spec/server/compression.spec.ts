import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { withTxServer } from '../../src/server/index.js';

describe('withTxServer compression', () => {
  describe('options', () => {
    it.each([
      [
        { compression: { thresholdBytes: -1 } },
        RangeError,
        /compression.thresholdBytes must be an integer from 0/,
      ],
      [{ compression: { maxInflatedBytes: 0 } }, RangeError, /compression.maxInflatedBytes/],
      [
        { compression: { maxInflatedBytes: '1mb' } },
        TypeError,
        /compression.maxInflatedBytes must be a number/,
      ],
      [{ compression: { level: 9 } }, TypeError, /compression: level is not an option/],
      [{ compression: 'on' }, TypeError, /compression must be an object or a boolean/],
      [
        { features: ['ack'], compression: { thresholdBytes: 10 } },
        RangeError,
        /features leaves "compression" out/,
      ],
    ])('should reject %p', (options, type, message) => {
      const [, serverSide] = InMemoryTransport.createLinkedPair();
      expect(() => withTxServer(serverSide, options as never)).toThrow(type);
      expect(() => withTxServer(serverSide, options as never)).toThrow(message);
    });
  });
});
