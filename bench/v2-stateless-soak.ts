/**
 * `npm run soak:v2`: issue 22's stateless replicas at full size, the production soak
 * (spec/helpers/production-soak.ts) on SDK v2. Two SDK v2 server processes (`txServerFactory` on
 * `createMcpHandler`, a server per request, one Redis store) behind a plain round-robin proxy (no
 * sticky sessions) losing 20 % of the messages each way; 1,000 keyed calls of a side-effecting
 * tool from one `mcp-tx/v2` TxClient on the stateless 2026-07-28 protocol, 50 in flight, while one
 * replica is SIGKILLed mid-run (and restarted). Writes bench/results/v2-stateless-soak.{md,json};
 * exits non-zero if a tool ran twice, a call went unanswered, a key stayed stuck, a completed call
 * never ran, or a call failed otherwise than with a typed outcome-unknown put down to the kill.
 *
 *   npm run soak:v2
 *   npm run soak:v2 -- --calls 200 --replica-kills 2 --redis-restarts 1 --base-port 7900
 */
import { runSoakCli } from './soak-cli.js';

await runSoakCli({
  name: 'soak:v2',
  file: 'v2-stateless-soak',
  title: (loss) =>
    `SDK v2 stateless soak: two v2 replicas, plain round robin, ${loss} % message loss, a replica SIGKILLed`,
  sdk: 'v2',
  defaults: { calls: 1_000, seed: 22, replicaKills: 1, redisRestarts: 0 },
  failOnFindings: true,
});
