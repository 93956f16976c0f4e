import { fingerprint } from '../../../src/protocol/index.js';
import { MemoryIdempotencyStore, type IdempotencyStore } from '../../../src/server/index.js';
import {
  connectPair,
  gate,
  meta,
  nackOf,
  sleep,
  txCall,
  until,
  type TxPair,
} from '../../helpers/server-fixtures.js';
import { describeMajors } from '../../helpers/majors/describe-majors.js';

describeMajors(
  'withTxServer NACKs',
  (m) => {
    const major = m.server;
    let pair: TxPair;
    afterEach(async () => pair?.close());

    describe('overloaded', () => {
      it('should refuse, retryable with retry_after_ms, when every slot runs and the queue is full', async () => {
        pair = await connectPair({ maxConcurrent: 1, maxQueue: 0, ackDelayMs: 0 }, { major });
        const g = gate();
        pair.log.gates.set('busy', g);
        const running = txCall(pair.client, 'counter', { id: 'busy' }, meta({ requestId: 'a' }));
        await until(() => pair.log.total === 1);
        const nack = await nackOf(txCall(pair.client, 'counter', { id: 'other' }, meta({ requestId: 'b' })));
        expect(nack).toMatchObject({ code: -32000, reason: 'overloaded', retryable: true });
        expect(nack.retryAfterMs).toBeGreaterThanOrEqual(1);
        expect(pair.acks.map((a) => a.requestId)).toEqual(['a']);
        g.open();
        await running;
        // A NACK stores nothing: the same key runs once there is room.
        const later = await txCall(
          pair.client,
          'counter',
          { id: 'other' },
          meta({ requestId: 'b', retryCount: 1 }),
        );
        expect(later.tx).toMatchObject({ duplicate: false, attempts: 1 });
        expect(pair.log.runs.get('other')).toBe(1);
      });

      it('should queue up to maxQueue calls and ACK a queued call only when it starts', async () => {
        pair = await connectPair({ maxConcurrent: 1, maxQueue: 1, ackDelayMs: 0 }, { major });
        const g = gate();
        pair.log.gates.set('first', g);
        const first = txCall(pair.client, 'counter', { id: 'first' }, meta({ requestId: 'a' }));
        await until(() => pair.log.total === 1);
        const queued = txCall(pair.client, 'counter', { id: 'second' }, meta({ requestId: 'b' }));
        const refused = nackOf(txCall(pair.client, 'counter', { id: 'third' }, meta({ requestId: 'c' })));
        expect((await refused).reason).toBe('overloaded');
        expect(pair.acks.map((a) => a.requestId)).toEqual(['a']);
        expect(pair.log.total).toBe(1);
        g.open();
        expect((await queued).text).toBe('second:1');
        await first;
        expect(pair.acks.map((a) => a.requestId)).toEqual(['a', 'b']);
      });
    });

    describe('deadline_exceeded', () => {
      it('should refuse a call that arrives past its deadline, not retryable, tool not run', async () => {
        pair = await connectPair({}, { major });
        const nack = await nackOf(
          txCall(pair.client, 'counter', { id: 'late' }, meta({ requestId: 'd', deadline: Date.now() - 1 })),
        );
        expect(nack).toMatchObject({ reason: 'deadline_exceeded', retryable: false });
        expect(nack.retryAfterMs).toBeUndefined();
        expect(pair.log.total).toBe(0);
      });

      it('should refuse a queued call whose deadline passed while it waited for a slot', async () => {
        pair = await connectPair({ maxConcurrent: 1 }, { major });
        const g = gate();
        pair.log.gates.set('slow', g);
        const slow = txCall(pair.client, 'counter', { id: 'slow' }, meta({ requestId: 's' }));
        await until(() => pair.log.total === 1);
        const queued = nackOf(
          txCall(pair.client, 'counter', { id: 'q' }, meta({ requestId: 'q', deadline: Date.now() + 20 })),
        );
        await sleep(30);
        g.open();
        expect(await queued).toMatchObject({ reason: 'deadline_exceeded', retryable: false });
        await slow;
        expect(pair.log.runs.get('q')).toBeUndefined();
        // its key was given back
        expect((await txCall(pair.client, 'counter', { id: 'q' }, meta({ requestId: 'q' }))).text).toBe(
          'q:1',
        );
      });

      it('should ignore deadlines when the deadline feature is off', async () => {
        pair = await connectPair({ features: ['ack', 'idempotency'] }, { major });
        const r = await txCall(
          pair.client,
          'echo',
          { v: 'ok' },
          meta({ requestId: 'd', deadline: Date.now() - 1 }),
        );
        expect(r.text).toBe('ok');
      });
    });

    describe('invalid_request', () => {
      const cases: [string, Record<string, unknown>][] = [
        ['a non-string request_id', { version: '0.2.0', request_id: 5 }],
        ['a missing version', { request_id: 'r' }],
        ['an unsupported version', { version: '1.0.0', request_id: 'r' }],
        [
          'a huge idempotency key',
          { version: '0.2.0', request_id: 'r', idempotency_key: 'k'.repeat(10_000) },
        ],
        ['a non-string idempotency key', { version: '0.2.0', request_id: 'r', idempotency_key: { $gt: '' } }],
        ['a negative retry_count', { version: '0.2.0', request_id: 'r', retry_count: -1 }],
        ['a non-boolean expect_ack', { version: '0.2.0', request_id: 'r', expect_ack: 'yes' }],
        ['a non-finite deadline', { version: '0.2.0', request_id: 'r', deadline: 'tomorrow' }],
      ];
      it.each(cases)('should refuse %s, not retryable, tool not run', async (_, wire) => {
        pair = await connectPair({}, { major });
        const nack = await nackOf(txCall(pair.client, 'counter', { id: 'x' }, wire));
        expect(nack).toMatchObject({ code: -32000, reason: 'invalid_request', retryable: false });
        expect(pair.log.total).toBe(0);
      });

      it('should refuse meta that is not an object', async () => {
        pair = await connectPair({}, { major });
        const call = pair.client.callTool({
          name: 'echo',
          arguments: { v: 'x' },
          _meta: { mcp_tx: 'please' },
        });
        expect((await nackOf(call)).reason).toBe('invalid_request');
      });

      it('should refuse a client fingerprint that does not match the arguments received', async () => {
        pair = await connectPair({}, { major });
        const sent = fingerprint('counter', { id: 'original' });
        const nack = await nackOf(
          txCall(pair.client, 'counter', { id: 'altered' }, meta({ requestId: 'f', fingerprint: sent })),
        );
        expect(nack).toMatchObject({ reason: 'invalid_request', retryable: false });
        expect(nack.message).toMatch(/fingerprint/);
        const ok = await txCall(
          pair.client,
          'counter',
          { id: 'original' },
          meta({ requestId: 'g', fingerprint: sent }),
        );
        expect(ok.text).toBe('original:1');
      });

      it("should refuse a caller's key's arguments past maxKeyedArgsBytes before fingerprinting them, naming the bound", async () => {
        pair = await connectPair({ maxKeyedArgsBytes: 1_000 }, { major });
        const big = { v: 'x'.repeat(2_000) };
        const nack = await nackOf(
          txCall(pair.client, 'echo', big, meta({ requestId: 'big', idempotencyKey: 'order-big' })),
        );
        expect(nack).toMatchObject({ reason: 'invalid_request', retryable: false });
        expect(nack.message).toMatch(
          /longer than 1000 characters of JSON \(the server's maxKeyedArgsBytes\)/,
        );
        // unkeyed, nothing is fingerprinted: the same arguments run
        const unkeyed = { version: '0.1.0', request_id: 'plain', expect_ack: true };
        expect((await txCall(pair.client, 'echo', big, unkeyed)).text).toBe(big.v);
        // nor is a key the client generated (the request id): it only ever meets these arguments
        expect((await txCall(pair.client, 'echo', big, meta({ requestId: 'generated' }))).text).toBe(big.v);
        expect((await txCall(pair.client, 'echo', { v: 'small' }, meta({ requestId: 's' }))).text).toBe(
          'small',
        );
      });
    });

    describe('idempotency_conflict', () => {
      it('should refuse the same key with other arguments, never retryable, after completion', async () => {
        pair = await connectPair({}, { major });
        await txCall(pair.client, 'counter', { id: 'one' }, meta({ requestId: 'r1', idempotencyKey: 'k' }));
        const nack = await nackOf(
          txCall(pair.client, 'counter', { id: 'two' }, meta({ requestId: 'r2', idempotencyKey: 'k' })),
        );
        expect(nack).toMatchObject({ reason: 'idempotency_conflict', retryable: false });
        expect(pair.log.runs.get('two')).toBeUndefined();
      });

      it('should refuse the same key for another tool while the first runs', async () => {
        pair = await connectPair({}, { major });
        const g = gate();
        pair.log.gates.set('one', g);
        const first = txCall(
          pair.client,
          'counter',
          { id: 'one' },
          meta({ requestId: 'r1', idempotencyKey: 'k' }),
        );
        await until(() => pair.log.total === 1);
        const nack = await nackOf(
          txCall(pair.client, 'echo', { id: 'one' }, meta({ requestId: 'r2', idempotencyKey: 'k' })),
        );
        expect(nack.reason).toBe('idempotency_conflict');
        g.open();
        expect((await first).text).toBe('one:1');
      });
    });

    describe('in_progress', () => {
      it('should refuse a duplicate still waiting at its timeout_ms, retryable with retry_after_ms', async () => {
        pair = await connectPair({}, { major });
        const g = gate();
        pair.log.gates.set('long', g);
        const first = txCall(pair.client, 'counter', { id: 'long' }, meta({ requestId: 'l' }));
        await until(() => pair.log.total === 1);
        const nack = await nackOf(
          txCall(
            pair.client,
            'counter',
            { id: 'long' },
            meta({ requestId: 'l', retryCount: 1, timeoutMs: 15 }),
          ),
        );
        expect(nack).toMatchObject({ reason: 'in_progress', retryable: true });
        expect(nack.retryAfterMs).toBeGreaterThanOrEqual(1);
        g.open();
        expect((await first).tx).toMatchObject({ duplicate: false, attempts: 2 });
        expect(pair.log.total).toBe(1);
      });

      it('should bound the wait by inProgressWaitMs when the duplicate has no deadline or timeout', async () => {
        pair = await connectPair({ inProgressWaitMs: 10 }, { major });
        const g = gate();
        pair.log.gates.set('long', g);
        const first = txCall(pair.client, 'counter', { id: 'long' }, meta({ requestId: 'l' }));
        await until(() => pair.log.total === 1);
        expect(
          (await nackOf(txCall(pair.client, 'counter', { id: 'long' }, meta({ requestId: 'l' })))).reason,
        ).toBe('in_progress');
        g.open();
        await first;
      });
    });

    describe('shutting_down', () => {
      it('should refuse new calls once draining, retryable', async () => {
        pair = await connectPair({}, { major });
        await pair.transport.drain();
        const nack = await nackOf(txCall(pair.client, 'echo', { v: 'x' }, meta({ requestId: 's' })));
        expect(nack).toMatchObject({ reason: 'shutting_down', retryable: true });
        expect(pair.log.total).toBe(0);
      });
    });

    describe('when the idempotency store fails', () => {
      it('should not run the tool without a claim: overloaded NACK, retryable, error reported', async () => {
        const broken: IdempotencyStore = new MemoryIdempotencyStore();
        broken.claim = () => Promise.reject(new Error('redis down'));
        pair = await connectPair({ store: broken }, { major });
        const nack = await nackOf(txCall(pair.client, 'counter', { id: 'z' }, meta({ requestId: 'z' })));
        expect(nack).toMatchObject({ reason: 'overloaded', retryable: true, retryAfterMs: 1000 });
        expect(nack.message).toMatch(/store unavailable/);
        expect(pair.log.total).toBe(0);
        expect(pair.errors.map((e) => e.message)).toEqual(['redis down']);
      });

      it('should still answer when storing the outcome fails, and report it', async () => {
        const flaky = new MemoryIdempotencyStore();
        flaky.complete = () => Promise.reject(new Error('disk full'));
        pair = await connectPair({ store: flaky }, { major });
        const r = await txCall(pair.client, 'counter', { id: 'w' }, meta({ requestId: 'w' }));
        expect(r.text).toBe('w:1');
        expect(r.tx).toMatchObject({ duplicate: false, attempts: 1 });
        expect(pair.errors.map((e) => e.message)).toEqual(['disk full']);
      });
    });
  },
  { serverOnly: true },
);
