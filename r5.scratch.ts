import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { TxClient } from './src/index.js';
const script = process.argv[2] === 'exit' ? 'process.exit(3)' : 'setInterval(() => {}, 1000); process.stdin.resume()';
const pids: number[] = [];
const factory = () => {
  const t = new StdioClientTransport({ command: process.execPath, args: ['-e', script], stderr: 'inherit' });
  const start = t.start.bind(t);
  t.start = async () => { await start(); pids.push(t.pid!); };
  return t;
};
const t0 = Date.now();
const err = await TxClient.connect(factory, { reconnect: { maxAttempts: 3, initializeTimeoutMs: 300, baseDelayMs: 10, maxDelayMs: 20 } }).catch((e) => e);
console.log('after', Date.now() - t0, 'ms:', err?.name, err?.message);
const alive = () => pids.filter((p) => { try { process.kill(p, 0); return true; } catch { return false; } });
console.log('pids', pids, 'alive now', alive());
await new Promise((r) => setTimeout(r, 5000));
console.log('alive after 5s', alive());
process.exit(0);
