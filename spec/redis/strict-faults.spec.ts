import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { fingerprint } from '../../src/protocol/fingerprint.js';
import { txCapabilities } from '../../src/protocol/index.js';
import { recordKey } from '../../src/redis/key-layout.js';
import { batchedScript } from '../../src/redis/script-batches.js';
import { CLAIM } from '../../src/redis/scripts.js';
import {
  REDIS_URL,
  deleteKeys,
  describeRedis,
  randomPrefix,
  replyDropRelay,
  type ReplyDropRelay,
} from '../helpers/redis.js';
import { meta, nackOf, txCall } from '../helpers/server-fixtures.js';
import { childScriptArgs } from '../helpers/child-bundle.js';

/**
 * A replica on the Redis store under `--unhandled-rejections=strict`, its claims' replies lost and
 * its records malformed: a promise on the path without a rejection path would end the process.
 */
describeRedis('withTxServer on RedisIdempotencyStore under --unhandled-rejections=strict', () => {
  const prefix = randomPrefix('strict');
  let relay: ReplyDropRelay;
  let redis: ReturnType<typeof createClient>;
  let client: Client;
  let stderr = '';
  let closed = false;

  beforeAll(async () => {
    relay = await replyDropRelay();
    redis = createClient({ url: REDIS_URL });
    await redis.connect();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [
        '--unhandled-rejections=strict',
        ...childScriptArgs(fileURLToPath(new URL('../helpers/redis-store-server.ts', import.meta.url))),
      ],
      env: { ...process.env, MCP_TX_REDIS_URL: relay.url, MCP_TX_REDIS_PREFIX: prefix } as Record<
        string,
        string
      >,
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'strict-redis', version: '1.0.0' }, { capabilities: txCapabilities() });
    client.onclose = () => (closed = true);
    await client.connect(transport);
    await txCall(client, 'echo', { v: 'warm' }, meta({ requestId: 'warm' }));
  }, 20_000);

  afterAll(async () => {
    if (!closed) await client?.close();
    await relay?.close();
    redis?.destroy();
    await deleteKeys(prefix);
  });

  it('should answer a call whose claim reply was lost with a retryable NACK; a retry runs the tool once', async () => {
    relay.arm(batchedScript(CLAIM).sha);
    const first = await nackOf(
      txCall(client, 'counter', { id: 'lost' }, meta({ requestId: 'l', idempotencyKey: 'lost' })),
    );
    expect(first).toMatchObject({ reason: 'overloaded', retryable: true });
    let text: string | undefined;
    for (let attempt = 1; text === undefined && attempt < 100; attempt++) {
      const m = meta({ requestId: 'l', idempotencyKey: 'lost', retryCount: attempt });
      text = await txCall(client, 'counter', { id: 'lost' }, m).then(
        (r) => r.text,
        () => new Promise<undefined>((r) => setTimeout(() => r(undefined), 20)),
      );
    }
    expect(text).toBe('lost:1');
  });

  it.each([
    ['null', 'null'],
    ['empty', '{}'],
    ['garbage', 'garbage{'],
  ])(
    'should answer key %s (outcome %s) with a retryable NACK naming the malformed record, and live on',
    async (key, v) => {
      const fp = fingerprint('echo', { v: key });
      await redis.hSet(recordKey(prefix, key), { s: 'd', f: fp, v, a: '1', t: '1' });
      for (let attempt = 0; attempt < 2; attempt++) {
        const m = meta({ requestId: `${key}-r`, idempotencyKey: key, retryCount: attempt });
        const nack = await nackOf(txCall(client, 'echo', { v: key }, m));
        expect(nack).toMatchObject({ reason: 'overloaded', retryable: true });
        expect(nack.message).toMatch(/malformed record/);
      }
    },
  );

  it('should still be running, and serving other keys', async () => {
    expect((await txCall(client, 'echo', { v: 'alive' }, meta({ requestId: 'alive' }))).text).toBe('alive');
    expect(closed).toBe(false);
    expect(stderr).not.toMatch(/Unhandled|TypeError/);
  });
});
