// Uses every entry point of mcp-tx, as an app that brings its own SDK and rxjs would. It only has
// to compile (strict, exactOptionalPropertyTypes; moduleResolution bundler and node16): see run.sh.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Observable } from 'rxjs';
import {
  TxClient,
  httpTransport,
  txCapabilities,
  type ConnectionStatus,
  type TxEvent,
  type TxResult,
} from 'mcp-tx';
import { exponentialBackoff, retryWithBackoff } from 'mcp-tx/operators';
import { withTxServer, MemoryIdempotencyStore } from 'mcp-tx/server';
import { chaosTransport, scriptedPeer } from 'mcp-tx/testing';
import type { RedisIdempotencyStore } from 'mcp-tx/redis';
import type { PostgresIdempotencyStore } from 'mcp-tx/postgres';
import type { TxTelemetry } from 'mcp-tx/otel';
import type { TxServerFactory } from 'mcp-tx/v2/server';

export async function connectEverything(): Promise<Observable<TxResult>> {
  const server = new McpServer({ name: 'consumer', version: '1.0.0' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  // the app's own SDK Server connects through mcp-tx's decorator (one SDK: one Transport type)
  await server.connect(withTxServer(serverSide, { store: new MemoryIdempotencyStore() }));
  const sdk = new Client({ name: 'app', version: '1.0.0' }, { capabilities: txCapabilities() });
  await sdk.connect(chaosTransport(clientSide, { seed: 1 }));
  const client = new TxClient(sdk);
  const status: Observable<ConnectionStatus> = client.status$;
  const events: Observable<TxEvent> = client.events$;
  status.subscribe();
  events.subscribe();
  void scriptedPeer({ tools: { echo: { result: 'ok' } } });
  // the app's rxjs Observable type is mcp-tx's (one rxjs)
  const call: Observable<TxResult> = client.call$('echo', {});
  // the operators entry's operators fit the app's rxjs pipe
  return call.pipe(
    retryWithBackoff({
      maxAttempts: 2,
      backoff: exponentialBackoff({ baseDelayMs: 10, maxDelayMs: 100, multiplier: 2 }),
    }),
  );
}

// Over HTTP: the SDK's own HTTP transports are not assignable to its Transport under
// exactOptionalPropertyTypes before SDK 1.32.2 (sessionId); mcp-tx's must be, on every SDK.
export async function overHttp(): Promise<TxClient> {
  const server = new McpServer({ name: 'consumer', version: '1.0.0' });
  await server.connect(withTxServer(new StreamableHTTPServerTransport({ sessionIdGenerator: () => 's' })));
  const sdk = new Client({ name: 'app', version: '1.0.0' }, { capabilities: txCapabilities() });
  await sdk.connect(httpTransport('http://127.0.0.1:3000/mcp'));
  void new TxClient(sdk);
  return TxClient.connect(() => httpTransport('http://127.0.0.1:3000/mcp'));
}

export type Stores = RedisIdempotencyStore | PostgresIdempotencyStore;
export type Telemetry = TxTelemetry;
export type Factory = TxServerFactory;
