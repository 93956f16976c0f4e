import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage, MessageExtraInfo } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { withTxServer, type IdempotencyStore, type TxServerOptions } from '../../server/index.js';
import type { Ledger, Transfer } from './ledger.js';

/** Simulated work per transfer, ms: long enough for retries to overlap a running execution. */
const WORK_MS = 2;

/**
 * Connects a fresh McpServer with the side-effecting `transfer` tool on `ledger` to `transport`:
 * behind `withTxServer` over `store` when given one, bare otherwise; `counters` count what
 * reached it.
 *
 * @example
 * await startLedgerServer(serverTransport, ledger, store, { requests: 0, replays: 0 });
 */
export async function startLedgerServer(
  transport: Transport,
  ledger: Ledger,
  store: IdempotencyStore | undefined,
  counters: ServerCounters,
  { tx = {}, workMs = WORK_MS }: LedgerServerOptions = {},
): Promise<McpServer> {
  const server = new McpServer({ name: 'mcp-tx-demo-ledger', version: '1.0.0' });
  const { description, annotations, run } = transferTool(ledger, workMs);
  server.registerTool(
    'transfer',
    {
      description,
      inputSchema: { from: z.string(), to: z.string(), cents: z.number().int().positive(), ref: z.string() },
      annotations,
    },
    run,
  );
  const counted = new CountingTransport(transport, counters);
  await server.connect(store ? withTxServer(counted, { ...tx, store }) : counted);
  return server;
}

/**
 * The `transfer` tool on `ledger`, for a server of either SDK major: its description, annotations
 * and handler (each run moves money, after `workMs` of simulated work).
 *
 * @example
 * const { run } = transferTool(ledger);
 * await run({ from: 'alice', to: 'bob', cents: 100, ref: 't-1' });
 */
export function transferTool(ledger: Ledger, workMs = WORK_MS) {
  return {
    description: 'Move cents between two accounts (not idempotent: every run moves money).',
    annotations: { destructiveHint: true, idempotentHint: false },
    run: async (args: Transfer) => {
      await new Promise((resolve) => setTimeout(resolve, workMs));
      try {
        const balances = ledger.transfer(args);
        return { content: [{ type: 'text' as const, text: JSON.stringify(balances) }] };
      } catch (e) {
        return {
          content: [{ type: 'text' as const, text: e instanceof Error ? e.message : String(e) }],
          isError: true,
        };
      }
    },
  };
}

/** Options of {@link startLedgerServer}. */
export interface LedgerServerOptions {
  /** `withTxServer` options besides the store. @default {} */
  tx?: Omit<TxServerOptions, 'store'>;
  /** Simulated work per transfer, ms. @default 2 */
  workMs?: number;
}

/** What reached a server and what it answered without running the tool. */
export interface ServerCounters {
  /** `tools/call` requests that arrived, before mcp-tx or the SDK saw them. */
  requests: number;
  /** Results sent with `_meta.mcp_tx.duplicate: true`: a request answered from the store. */
  replays: number;
}

/**
 * A transport that counts tool requests in and replayed results out.
 *
 * @example
 * await server.connect(new CountingTransport(transport, { requests: 0, replays: 0 }));
 */
export class CountingTransport implements Transport {
  onclose?: () => void; // no `| undefined`: fits SDK 1.x before 1.32.2 (exactOptionalPropertyTypes)
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;

  constructor(
    private readonly inner: Transport,
    private readonly counters: ServerCounters,
  ) {
    inner.onmessage = (message, extra) => {
      if ((message as { method?: unknown }).method === 'tools/call') counters.requests++;
      this.onmessage?.(message, extra);
    };
    inner.onclose = () => this.onclose?.();
    inner.onerror = (error) => this.onerror?.(error);
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const meta = (message as { result?: { _meta?: { mcp_tx?: { duplicate?: unknown } } } }).result?._meta
      ?.mcp_tx;
    if (meta?.duplicate === true) this.counters.replays++;
    return this.inner.send(message, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
