/**
 * A retry storm and the retry budget: a server that NACKs every call `overloaded` for an outage
 * (5 s), then answers, under a steady offered load (1,000 calls/s), once with the client's
 * default retries alone and once with `retryBudget: true` (gRPC's 10 tokens, 0.1 per answer).
 * It counts the requests the server receives during the outage (what retries add to the load of
 * a server already overloaded) and after it (how soon calls go through again). The server is
 * `mcp-tx/testing`'s scripted peer in real time (a transport that NACKs as `withTxServer` does),
 * so only the client's behaviour is measured. Results go to bench/results/retry-budget.{md,json}.
 * `npm run bench:retry-budget`, or `-- --quick` for a short smoke run (1 s outage, 200 calls/s).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { lib, testing } from './lib.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const OUTAGE_MS = values.quick ? 1_000 : 5_000;
const AFTER_MS = values.quick ? 1_000 : 3_000;
const RATE = values.quick ? 200 : 1_000; // calls per second
const TICK_MS = 10;

/** What one run measured. */
interface Run {
  mode: string;
  calls: number;
  /** Requests the server received during the outage, and after it. */
  outageRequests: number;
  afterRequests: number;
  /** Outage requests per call started during the outage. */
  amplification: number;
  /** Calls ended, by outcome (`completed` or an error code). */
  outcomes: Record<string, number>;
  /** Calls started after the outage that failed (the budget still spent, say). */
  failedAfter: number;
  throttled: number;
}

async function run(mode: string, retryBudget: boolean): Promise<Run> {
  const start = Date.now();
  const recovery = start + OUTAGE_MS;
  const peer = testing.scriptedPeer({
    tools: { work: ({ time }) => (time < recovery ? { nack: 'overloaded' } : { result: 'ok' }) },
  });
  // no concurrency limit: a call waiting out a backoff would hold a slot, and a full queue
  // would refuse calls before the retries under test could happen
  const client = await lib.TxClient.connect(peer, { concurrency: Infinity, retryBudget });
  const outcomes: Record<string, number> = {};
  let calls = 0;
  let outageCalls = 0;
  let failedAfter = 0;
  const ended: Promise<void>[] = [];
  const end = start + OUTAGE_MS + AFTER_MS;
  while (Date.now() < end) {
    const due = Math.floor(((Date.now() - start) * RATE) / 1_000) - calls;
    for (let i = 0; i < due; i++) {
      const startedAt = Date.now();
      if (startedAt < recovery) outageCalls++;
      calls++;
      ended.push(
        client.call('work', { i: calls }).then(
          () => void (outcomes.completed = (outcomes.completed ?? 0) + 1),
          (e: unknown) => {
            const code = lib.isTxError(e) ? e.code : 'ERROR';
            outcomes[code] = (outcomes[code] ?? 0) + 1;
            if (startedAt >= recovery) failedAfter++;
          },
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  await Promise.all(ended); // the last retries of the outage's calls end within the backoff
  const outageRequests = peer.calls.filter((c) => c.time < recovery).length;
  const throttled = client.metrics().totals.retriesThrottled;
  await client.close();
  return {
    mode,
    calls,
    outageRequests,
    afterRequests: peer.calls.length - outageRequests,
    amplification: outageRequests / outageCalls,
    outcomes,
    failedAfter,
    throttled,
  };
}

const runs = [await run('retries, no budget', false), await run('retries + retryBudget: true', true)];
const table = [
  `# Retry budget: ${OUTAGE_MS / 1_000} s of overloaded NACKs under ${RATE.toLocaleString('en')} calls/s`,
  '',
  `${new Date().toISOString().slice(0, 10)}, Node ${process.versions.node}. Default retries (3 attempts, 1 s base backoff, full jitter), no concurrency limit; ${AFTER_MS / 1_000} s of answers after the outage.`,
  '',
  '| client | calls | requests during the outage | per call | requests after | throttled | outcomes | failed after the outage |',
  '|---|---:|---:|---:|---:|---:|---|---:|',
  ...runs.map(
    (r) =>
      `| ${r.mode} | ${r.calls.toLocaleString('en')} | ${r.outageRequests.toLocaleString('en')} | ${r.amplification.toFixed(2)} | ${r.afterRequests.toLocaleString('en')} | ${r.throttled.toLocaleString('en')} | ${Object.entries(
        r.outcomes,
      )
        .map(([k, n]) => `${k} ${n.toLocaleString('en')}`)
        .join(', ')} | ${r.failedAfter} |`,
  ),
  '',
].join('\n');
console.log(table);
if (!values.quick) {
  writeFileSync(new URL('results/retry-budget.md', import.meta.url), table);
  writeFileSync(new URL('results/retry-budget.json', import.meta.url), `${JSON.stringify(runs, null, 2)}\n`);
}
