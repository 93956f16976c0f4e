// The client's fused call path (CallRun, CallQueue, call-retry.ts) against its executable
// reference (spec/helpers/reference/pipeline.ts: the design card's composition, built from the
// exported operators): random scenarios (arrival times, latencies, lost requests, NACKs, tool
// errors, timeouts, deadlines, breakers, duplicates, unsubscribes) run through both under virtual
// time, each against its own scripted peer with the same script, and every call must see the same
// events, the same outcome at the same time, and the peer the same requests and cancels.
// CALL_PATH_RUNS sets the number of scenarios (default 200). On the TxClient of both SDK majors
// (the scripted peer is no SDK's server: only the client's major varies).
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import fc from 'fast-check';
import { asyncScheduler, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { TxEvent, TxFeature, TxResult } from 'mcp-tx';
import { scriptedPeer, type ScriptedPeer, type ScriptedReply } from 'mcp-tx/testing';
import type { JitterMode } from '../../src/operators/index.js';
import { describeMajors, type MajorKit } from '../helpers/majors/describe-majors.js';
import { referenceClient, type ReferenceOptions } from '../helpers/reference/reference-client.js';

const RUNS = Number(process.env.CALL_PATH_RUNS ?? 200);
const TOOL = 'job';

/** Times on a grid of 10 ms: ties (an answer due at the very instant of a timeout) come often. */
/** The scenarios' seed (fast-check's `seed`). */
const SEED = 20_261_207;
const ms = (min: number, max: number) => fc.integer({ min: min / 10, max: max / 10 }).map((t) => t * 10);

interface PlannedCall {
  /** Subscribed at this virtual time. */
  at: number;
  /** With an idempotency key (else the client's common path, no key, no dedup window). */
  keyed: boolean;
  /** Reuses the key of call `reuse % i` (a duplicate), with its arguments or, rarely, others. */
  reuse: number | undefined;
  otherArgs: boolean;
  /** Unsubscribed this long after `at`, if at all. */
  leaveAfter: number | undefined;
}

interface Scenario {
  options: Omit<ReferenceOptions, 'scheduler' | 'random'>;
  randomValue: number;
  replies: ScriptedReply[];
  calls: PlannedCall[];
}

const reply: fc.Arbitrary<ScriptedReply> = fc.oneof(
  fc.constant<ScriptedReply>({ lost: true }),
  fc.constant<ScriptedReply>({ hang: true }),
  fc
    .record({
      latencyMs: ms(0, 200),
      nack: fc.record({
        reason: fc.constantFrom('overloaded', 'in_progress', 'shutting_down', 'invalid_request' as const),
        retryAfterMs: fc.integer({ min: -1, max: 15 }).map((t) => t * 10),
      }),
    })
    .map(({ latencyMs, nack: { reason, retryAfterMs } }) => ({
      latencyMs,
      nack: retryAfterMs < 0 ? { reason } : { reason, retryAfterMs },
    })),
  fc.record({ latencyMs: ms(0, 300), ackMs: ms(0, 300) }),
  fc.record({ latencyMs: ms(0, 200), error: fc.constant('tool failed') }),
  fc.record({
    latencyMs: ms(0, 100),
    rpcError: fc.constant({ code: -32602, message: 'bad arguments' }),
  }),
);

const scenario: fc.Arbitrary<Scenario> = fc.record({
  options: fc.record({
    concurrency: fc.integer({ min: 1, max: 3 }),
    maxQueue: fc.integer({ min: 0, max: 3 }),
    timeoutMs: ms(50, 300),
    deadlineMs: fc.option(ms(100, 1_500), { nil: undefined }),
    retry: fc.record({
      maxAttempts: fc.integer({ min: 1, max: 4 }),
      baseDelayMs: ms(10, 200),
      maxDelayMs: fc.integer({ min: 200, max: 1_000 }),
      multiplier: fc.constantFrom(1, 2, 3),
      jitter: fc.constantFrom<JitterMode>('none', 'full', 'decorrelated'),
    }),
    dedupWindowMs: fc.constantFrom(0, 300, 5_000),
    breaker: fc.option(
      fc.record({
        failureThreshold: fc.integer({ min: 1, max: 2 }),
        resetTimeoutMs: ms(50, 300),
      }),
      { nil: false },
    ),
    retryBudget: fc.option(
      fc.record({ maxTokens: fc.integer({ min: 1, max: 4 }), tokenRatio: fc.constantFrom(0.1, 0.5, 1) }),
      { nil: false, freq: 2 },
    ),
    idempotent: fc.constantFrom(undefined, true, false),
    features: fc.constantFrom<TxFeature[]>(['ack', 'retry'], ['ack', 'retry', 'idempotency'], ['retry']),
  }),
  randomValue: fc.double({ min: 0, max: 0.999, noNaN: true }),
  replies: fc.array(reply, { minLength: 1, maxLength: 10 }),
  calls: fc.array(
    fc.record({
      at: ms(0, 800),
      keyed: fc.boolean(),
      reuse: fc.option(fc.nat(), { nil: undefined, freq: 4 }),
      otherArgs: fc.boolean(),
      leaveAfter: fc.option(ms(0, 1_000), { nil: undefined, freq: 3 }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
});

/** A planned call's key (none: an unkeyed call), its label in the results, and its arguments. */
interface Planned {
  key: string | undefined;
  label: string;
  args: Record<string, unknown>;
  reused: boolean;
}

/** Each call's key and arguments: its own, or (a duplicate) an earlier keyed call's. */
function plan(calls: PlannedCall[]): Planned[] {
  const planned: Planned[] = [];
  calls.forEach((call, i) => {
    const earlier = i > 0 && call.reuse !== undefined ? planned[call.reuse % i] : undefined;
    if (!call.keyed) return planned.push({ key: undefined, label: `u${i}`, args: { i }, reused: false });
    if (earlier?.key === undefined)
      return planned.push({ key: `c${i}`, label: `c${i}`, args: { i }, reused: false });
    // a key reused with other arguments only now and then: most duplicates are true ones
    const args = call.otherArgs && call.reuse! % 3 === 0 ? { i } : earlier.args;
    earlier.reused = true;
    return planned.push({ key: earlier.key, label: earlier.key, args, reused: true });
  });
  return planned;
}

/** What a side saw: per key its events, per call its outcome, and the peer's requests and cancels. */
interface Observed {
  events: Record<string, unknown[]>;
  outcomes: unknown[];
  requests: unknown[];
  cancels: unknown[];
}

/** What the spec reads of a call's error. */
interface Failure {
  code?: string;
  info?: { requestId: string };
  attemptErrors?: { code: string }[];
  cause?: { code?: string; attemptErrors?: { code: string }[] };
}

type CallFn = (key: string | undefined, args: Record<string, unknown>) => Observable<TxResult>;

/** Records a peer's `tools/call` requests and the requests it was told to cancel. */
function tapPeer(peer: ScriptedPeer): Tapped {
  const requests: unknown[] = [];
  const cancels: unknown[] = [];
  const labels = new Map<string, string>();
  const ids = new Map<unknown, string>();
  const send = peer.send.bind(peer);
  peer.send = (message: JSONRPCMessage) => {
    const { id, method, params } = message as {
      id?: unknown;
      method?: string;
      params?: Record<string, unknown>;
    };
    const now = asyncScheduler.now();
    if (method === 'tools/call') {
      type Meta = { request_id: string; idempotency_key?: string; retry_count: number };
      const tx = (params?._meta as { mcp_tx?: Meta }).mcp_tx;
      // a keyed call by its key, an unkeyed one by its arguments (its request id is drawn at random)
      const label = tx?.idempotency_key ?? `u${String((params?.arguments as { i?: number }).i)}`;
      if (tx) labels.set(tx.request_id, label);
      const name = `${label}#${tx?.retry_count}`;
      ids.set(id, name);
      requests.push([name, now]);
    } else if (method === 'notifications/cancelled') {
      cancels.push([ids.get(params?.requestId), now]);
    }
    return send(message);
  };
  return { requests, cancels, labels };
}

/** What {@link tapPeer} records: the requests, the cancels, and the label of each request id seen. */
interface Tapped {
  requests: unknown[];
  cancels: unknown[];
  labels: Map<string, string>;
}

/** Runs the scenario's calls through `call` in virtual time, with `events` the side's events. */
function drive(
  testScheduler: TestScheduler,
  s: Scenario,
  call: CallFn,
  events: TxEvent[],
  tapped: Tapped,
): Observed {
  const planned = plan(s.calls);
  const outcomes: unknown[][] = planned.map(() => []);
  // the label of each request id (the fused path draws its own): its key, or its arguments
  const keyOf = new Map<string, string>();
  testScheduler.run(() => {
    s.calls.forEach((c, i) => {
      const { key, label, args } = planned[i]!;
      const log = outcomes[i]!;
      asyncScheduler.schedule(() => {
        const subscription = call(key, args).subscribe({
          next: (r) => {
            keyOf.set(r.requestId, label);
            const text = (r.result.content[0] as { text?: string } | undefined)?.text;
            log.push([
              'next',
              asyncScheduler.now(),
              text,
              r.result.isError ?? false,
              r.attempts,
              r.duplicate,
              r.ack,
            ]);
          },
          error: (e: Failure) => {
            if (e.info?.requestId) keyOf.set(e.info.requestId, label);
            const codes = (errors: { code: string }[] | undefined) => errors?.map((a) => a.code);
            const cause = e.cause && [e.cause.code, codes(e.cause.attemptErrors)];
            log.push(['error', asyncScheduler.now(), e.code, codes(e.attemptErrors), cause]);
          },
          complete: () => log.push(['complete', asyncScheduler.now()]),
        });
        if (c.leaveAfter !== undefined)
          asyncScheduler.schedule(() => subscription.unsubscribe(), c.leaveAfter);
      }, c.at);
    });
  });
  // the events of keys no duplicate shares: a duplicate's own events are another matter (issue 23, 5)
  const byKey: Record<string, unknown[]> = {};
  const reused = new Set(planned.filter((p) => p.reused).map((p) => p.label));
  for (const [requestId, label] of tapped.labels) keyOf.set(requestId, label);
  for (const event of events) {
    // no key: a call the dedup window answered (a conflict), which sent nothing
    const key = keyOf.get(event.requestId);
    if (key === undefined || reused.has(key) || !COMPARED.has(event.type)) continue;
    (byKey[key] ??= []).push(normalise(event));
  }
  return { events: byKey, outcomes, requests: tapped.requests, cancels: [...tapped.cancels].sort() };
}

const COMPARED = new Set(['request', 'ack', 'nack', 'timeout', 'retry', 'breaker', 'throttled', 'failure']);

function normalise(event: TxEvent): unknown {
  const { type, attempt, time } = event;
  switch (event.type) {
    case 'request':
      return [type, attempt, time, event.queuedMs];
    case 'nack':
      return [type, attempt, time, event.reason, event.retryable, event.retryAfterMs];
    case 'timeout':
      return [type, attempt, time, event.acked];
    case 'retry':
      return [type, attempt, time, event.delayMs, (event.error as { code?: string }).code];
    case 'breaker':
      return [type, attempt, time, event.state];
    case 'throttled':
      return [type, attempt, time, event.tokens, (event.error as { code?: string }).code];
    case 'failure':
      return [type, attempt, time, (event as { error?: { code?: string } }).error?.code];
    default:
      return [type, attempt, time];
  }
}

async function runFused(m: MajorKit, s: Scenario): Promise<Observed> {
  const testScheduler = new TestScheduler(() => undefined);
  const peer = scriptedPeer({ tools: { [TOOL]: s.replies }, mcpTx: s.options.features });
  const tapped = tapPeer(peer);
  const { options } = s;
  const client = await m.connect(peer, {
    concurrency: options.concurrency,
    maxQueue: options.maxQueue,
    timeoutMs: options.timeoutMs,
    ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
    retry: options.retry,
    random: () => s.randomValue,
    dedupWindowMs: options.dedupWindowMs,
    breaker: options.breaker,
    retryBudget: options.retryBudget,
    ...(options.idempotent === undefined ? {} : { idempotent: options.idempotent }),
  });
  const events: TxEvent[] = [];
  const subscription = client.events$.subscribe((e) => events.push(e));
  try {
    return drive(
      testScheduler,
      s,
      (key, args) => client.call$(TOOL, args, key === undefined ? undefined : { idempotencyKey: key }),
      events,
      tapped,
    );
  } finally {
    subscription.unsubscribe();
    await client.close();
  }
}

function runReference(s: Scenario): Observed {
  const testScheduler = new TestScheduler(() => undefined);
  const peer = scriptedPeer({ tools: { [TOOL]: s.replies }, mcpTx: s.options.features });
  const tapped = tapPeer(peer);
  const ref = referenceClient(peer, { ...s.options, scheduler: asyncScheduler, random: () => s.randomValue });
  return drive(
    testScheduler,
    s,
    (key, args) => ref.call$(TOOL, args, key, JSON.stringify(args)),
    ref.events,
    tapped,
  );
}

/** Adds to `seen` what a scenario made happen, so that a generator gone blind shows (see the last `it`). */
function tally(seen: Set<string>, observed: Observed): void {
  for (const events of Object.values(observed.events)) {
    for (const [type, , , state] of events as string[][]) {
      seen.add(`event ${type}`);
      if (type === 'breaker') seen.add(`breaker ${state}`);
    }
  }
  for (const outcome of observed.outcomes.flat() as unknown[][]) {
    if (outcome[0] === 'error') seen.add(`error ${String(outcome[2])}`);
    if (outcome[0] === 'next' && outcome[5] === true) seen.add('duplicate');
    if (outcome[0] === 'next' && outcome[3] === true) seen.add('tool error');
  }
  if (observed.cancels.length > 0) seen.add('cancel');
  // a request cancelled twice: at its timeout, then abandoned with its call (an unkeyed one)
  const names = observed.cancels.map((c) => (c as string[])[0]);
  if (new Set(names).size < names.length) seen.add('abandon');
}

describeMajors(
  'the fused call path',
  (m) => {
    const seen = new Set<string>();

    it(`should do what the reference pipeline does (${RUNS} random scenarios)`, async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          const fused = await runFused(m, s);
          const reference = runReference(s);
          expect(fused).toEqual(reference);
          tally(seen, fused);
        }),
        // a fixed seed: the coverage check below holds on every run (with a random one, 200
        // scenarios now and then made no idempotency conflict); change it to explore others
        { numRuns: RUNS, seed: SEED },
      );
    }, 60_000);

    // with the default number of runs, every behaviour the differential is about was compared
    (RUNS >= 200 ? it : it.skip)('should have made every behaviour happen', () => {
      const behaviours = [
        ...['request', 'ack', 'nack', 'timeout', 'retry', 'breaker', 'failure'].map((t) => `event ${t}`),
        ...[
          'QUEUE_FULL',
          'DEADLINE_EXCEEDED',
          'CIRCUIT_OPEN',
          'AMBIGUOUS_OUTCOME',
          'TIMEOUT',
          'NACK',
          'REQUEST_FAILED',
        ].map((code) => `error ${code}`),
        'error IDEMPOTENCY_CONFLICT',
        'error RETRY_BUDGET_EXHAUSTED',
        'event throttled',
        ...['open', 'half-open', 'closed'].map((state) => `breaker ${state}`),
        'duplicate',
        'tool error',
        'cancel',
        'abandon',
      ];
      expect(behaviours.filter((b) => !seen.has(b))).toEqual([]);
    });
  },
  { clientOnly: true },
);
