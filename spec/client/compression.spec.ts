import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { TxClient } from '../../src/index.js';

describe('TxClient compression', () => {
  describe('options', () => {
    it.each([
      [
        { compression: { thresholdBytes: 1.5 } },
        RangeError,
        /options.compression.thresholdBytes must be an integer/,
      ],
      [{ compression: { maxInflatedBytes: 2 ** 31 } }, RangeError, /options.compression.maxInflatedBytes/],
      [{ compression: { threshold: 10 } }, TypeError, /options.compression: threshold is not an option/],
      [{ compression: 'on' }, TypeError, /options.compression must be an object or a boolean/],
    ])('should reject %p', async (options, type, message) => {
      await expect(
        TxClient.connect(InMemoryTransport.createLinkedPair()[0], options as never),
      ).rejects.toThrow(type);
      await expect(
        TxClient.connect(InMemoryTransport.createLinkedPair()[0], options as never),
      ).rejects.toThrow(message);
    });
  });
});
