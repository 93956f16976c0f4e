import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { VirtualTimeScheduler } from 'rxjs';
import { chaosTransport, type ChaosOptions } from '../../src/testing/index.js';
import { createToolServer } from '../helpers/tool-server.js';

const note = (i: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/test', params: { i } });

/** A transport whose every send fails, as an HTTP transport's does when the server answers 4xx. */
function refusingTransport(): Transport {
  return {
    start: async () => undefined,
    close: async () => undefined,
    send: async () => {
      throw new Error('HTTP 400: refused');
    },
  };
}

/** Sends `count` notifications through a chaos transport and returns what arrived, in order. */
async function run(options: ChaosOptions, count = 200) {
  const [a, b] = InMemoryTransport.createLinkedPair();
  const chaos = chaosTransport(a, options);
  const arrived: number[] = [];
  b.onmessage = (m) => void arrived.push((m as unknown as { params: { i: number } }).params.i);
  await chaos.start();
  await b.start();
  for (let i = 0; i < count; i++) await chaos.send(note(i));
  return { chaos, arrived };
}

describe('chaosTransport', () => {
  describe('determinism', () => {
    it('should replay the same faults from the same seed, and others from another seed', async () => {
      const faults = { drop: 0.3, duplicate: 0.2 };
      const first = await run({ seed: 7, ...faults });
      const again = await run({ seed: 7, ...faults });
      const other = await run({ seed: 8, ...faults });
      expect(again.arrived).toEqual(first.arrived);
      expect(again.chaos.stats).toEqual(first.chaos.stats);
      expect(other.arrived).not.toEqual(first.arrived);
      expect(first.chaos.stats.dropped).toBeGreaterThan(30);
      expect(first.chaos.stats.duplicated).toBeGreaterThan(10);
    });
  });

  describe('drop and duplicate', () => {
    it('should lose every message at drop 1 while send still resolves', async () => {
      const { chaos, arrived } = await run({ drop: 1 }, 20);
      expect(arrived).toEqual([]);
      expect(chaos.stats).toMatchObject({ sent: 20, dropped: 20 });
    });

    it('should deliver every message twice at duplicate 1', async () => {
      const { arrived } = await run({ duplicate: 1 }, 5);
      expect(arrived).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    });
  });

  describe('delay', () => {
    it('should deliver only when scheduler time passes', async () => {
      const scheduler = new VirtualTimeScheduler();
      const { chaos, arrived } = await run({ delayMs: [10, 20], scheduler }, 10);
      expect(arrived).toEqual([]);
      scheduler.flush();
      expect([...arrived].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      expect(chaos.stats.delayed).toBe(10);
    });

    it('should cancel pending deliveries on close', async () => {
      const scheduler = new VirtualTimeScheduler();
      const { chaos, arrived } = await run({ delayMs: 10, scheduler }, 5);
      await chaos.close();
      scheduler.flush();
      expect(arrived).toEqual([]);
      await expect(chaos.send(note(99))).rejects.toThrow('Not connected');
    });
  });

  describe('reorder', () => {
    it('should shuffle within the window and deliver every message exactly once', async () => {
      const scheduler = new VirtualTimeScheduler();
      const { chaos, arrived } = await run({ reorderWindow: 5, scheduler }, 50);
      scheduler.flush();
      expect([...arrived].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(arrived).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(chaos.stats.reordered).toBeGreaterThan(0);
    });
  });

  describe('disconnect and schedule', () => {
    it('should close after disconnectAfter messages and fire onclose', async () => {
      const [a, b] = InMemoryTransport.createLinkedPair();
      const chaos = chaosTransport(a, { toServer: { disconnectAfter: 3 } });
      let closed = false;
      chaos.onclose = () => void (closed = true);
      await chaos.start();
      await b.start();
      for (let i = 0; i < 3; i++) await chaos.send(note(i));
      expect(closed).toBe(false);
      await chaos.send(note(3));
      expect(closed).toBe(true);
      expect(chaos.stats.disconnected).toBe(1);
    });

    it('should fire onclose once per disconnect, though the in-memory transport under it fires twice', async () => {
      const [a, b] = InMemoryTransport.createLinkedPair();
      const chaos = chaosTransport(a, { toServer: { disconnectAfter: 0 } });
      let closes = 0;
      chaos.onclose = () => void closes++;
      await chaos.start();
      await b.start();
      await chaos.send(note(0));
      await chaos.close();
      await new Promise((r) => setTimeout(r, 10));
      expect(closes).toBe(1);
    });

    it('should let a schedule decide exact messages', async () => {
      const { arrived } = await run(
        { schedule: ({ index }) => (index === 1 ? 'drop' : index === 2 ? 'duplicate' : undefined) },
        4,
      );
      expect(arrived).toEqual([0, 2, 2, 3]);
    });
  });

  describe('send failures', () => {
    it("should reject a send with the inner transport's error when it passes the message on at once", async () => {
      const chaos = chaosTransport(refusingTransport(), { duplicate: 1 });
      const errors: Error[] = [];
      chaos.onerror = (error) => void errors.push(error);
      await chaos.start();
      await expect(chaos.send(note(0))).rejects.toThrow('HTTP 400: refused');
      await new Promise((r) => setImmediate(r));
      // the duplicate copy is the network's doing: its failure is reported, not thrown at the caller
      expect(errors.map((e) => e.message)).toEqual(['HTTP 400: refused']);
    });

    it('should resolve the send of a lost message, telling no one', async () => {
      const chaos = chaosTransport(refusingTransport(), { drop: 1 });
      const errors: Error[] = [];
      chaos.onerror = (error) => void errors.push(error);
      await chaos.start();
      await expect(chaos.send(note(0))).resolves.toBeUndefined();
      await new Promise((r) => setImmediate(r));
      expect(errors).toEqual([]);
    });

    it('should resolve the send of a delayed message, and report its later failure on onerror', async () => {
      const scheduler = new VirtualTimeScheduler();
      const chaos = chaosTransport(refusingTransport(), { delayMs: 10, scheduler });
      const errors: Error[] = [];
      chaos.onerror = (error) => void errors.push(error);
      await chaos.start();
      await expect(chaos.send(note(0))).resolves.toBeUndefined();
      scheduler.flush();
      await new Promise((r) => setImmediate(r));
      expect(errors.map((e) => e.message)).toEqual(['HTTP 400: refused']);
    });

    it("should fail an SDK client's request at once with the transport's error, not at its timeout", async () => {
      const chaos = chaosTransport(refusingTransport());
      const client = new Client({ name: 'c', version: '1' });
      await chaos.start();
      const started = Date.now();
      await expect(client.connect(chaos, { timeout: 10_000 })).rejects.toThrow('HTTP 400: refused');
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  describe('with a real SDK client and server', () => {
    it('should pass a clean handshake, then fail calls once faults are switched on', async () => {
      const { server } = createToolServer();
      const [a, b] = InMemoryTransport.createLinkedPair();
      await server.connect(b);
      const chaos = chaosTransport(a);
      const client = new Client({ name: 'c', version: '1' });
      await client.connect(chaos);
      await expect(client.callTool({ name: 'echo', arguments: { text: 'ok' } })).resolves.toBeDefined();
      chaos.setFaults({ toServer: { drop: 1 } });
      await expect(
        client.callTool({ name: 'echo', arguments: { text: 'lost' } }, undefined, { timeout: 30 }),
      ).rejects.toThrow(/timed out/i);
      await client.close();
    });

    it('should reject invalid options, naming the field', () => {
      const [a] = InMemoryTransport.createLinkedPair();
      expect(() => chaosTransport(a, { drop: 2 })).toThrow(/drop must be a probability/);
      expect(() => chaosTransport(a, { loss: 0.1 } as never)).toThrow(/loss is not an option/);
      expect(() => chaosTransport(a, { delayMs: [5, 1] })).toThrow(RangeError);
      expect(() => chaosTransport(a).setFaults({ seed: 3 } as never)).toThrow(
        /seed is fixed at construction/,
      );
    });
  });
});
