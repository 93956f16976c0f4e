/**
 * `npm run soak:production`: the production soak at full size (spec/helpers/production-soak.ts).
 * Two SDK v1 replicas (stateless Streamable HTTP, `withTxServer`, one Redis store) behind a
 * round-robin proxy losing 20 % of the messages each way, one private `redis-server` with an
 * append-only file fsynced on every write; 10,000 keyed calls of a side-effecting tool from one
 * `TxClient`, 50 in flight, while the replicas are SIGKILLed and restarted and Redis is SIGKILLed
 * and restarted. Writes bench/results/production-soak.{md,json}; exits non-zero if a tool ran
 * twice, a call went unanswered, a key stayed stuck, or a completed call never ran.
 *
 *   npm run soak:production
 *   npm run soak:production -- --calls 2000 --replica-kills 4 --redis-restarts 1 --base-port 7200
 */
import { runSoakCli } from './soak-cli.js';

await runSoakCli({
  name: 'soak:production',
  file: 'production-soak',
  title: (loss) =>
    `Production soak: two replicas, round robin, ${loss} % message loss, SIGKILLs, Redis restarts`,
  defaults: { calls: 10_000, seed: 21, replicaKills: 6, redisRestarts: 2 },
  failOnFindings: false,
});
