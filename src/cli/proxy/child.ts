import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  ErrorCode,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { Subject, timer, type Subscription } from 'rxjs';
import { decorrelatedJitterBackoff, type BackoffStrategy } from '../../operators/index.js';
import { childOf } from '../../sdk/v1/child-process-node.js';
import type { WatchedChild } from '../../sdk/v1/child-process.js';
import { DEFAULT_MAX_MESSAGE_BYTES, limitMessages, type OversizedMessage } from './message-limit.js';

/** How a dead child is restarted. */
export interface RestartConfig {
  /** Shortest backoff before a restart (decorrelated jitter grows it from there), ms. @default 200 */
  baseDelayMs?: number;
  /** Longest backoff between restarts, ms. @default 10_000 */
  maxDelayMs?: number;
  /** Restarts in a row (of children that did not stay up `stableAfterMs`) before giving up. @default 10 */
  maxRestarts?: number;
  /** A child up this long counts as healthy: the next crash starts the backoff over, ms. @default 10_000 */
  stableAfterMs?: number;
  /** How long a restarted child may take to answer the replayed `initialize`, ms. @default 10_000 */
  initializeTimeoutMs?: number;
}

/** @default see {@link RestartConfig} */
export const DEFAULT_RESTART: Required<RestartConfig> = {
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  maxRestarts: 10,
  stableAfterMs: 10_000,
  initializeTimeoutMs: 10_000,
};

/** What to spawn. */
export interface ChildCommand {
  command: string;
  args: readonly string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Largest message read from the child, bytes; a larger response becomes an error for its call alone. @default DEFAULT_MAX_MESSAGE_BYTES */
  maxMessageBytes?: number;
}

/** Messages waiting for a (re)started child; past this, the oldest are dropped (their callers retry). */
const MAX_BUFFERED = 10_000;
const REPLAY_ID_PREFIX = 'mcp-tx-proxy:initialize:';

/**
 * A stdio MCP server child that is restarted with jittered, bounded backoff when it dies. A
 * restarted child is given the client's original `initialize` and `notifications/initialized`
 * (its answer is swallowed), so the client never learns it is talking to a new process; until
 * then, messages wait in a bounded buffer.
 *
 * @example
 * const child = new ChildSupervisor({ command: 'node', args: ['server.js'] }, {}, console.error);
 * child.messages$.subscribe((m) => upstream.send(m));
 * await child.start();
 * child.send(requestFromClient);
 */
export class ChildSupervisor {
  /** Every message of the child meant for the client. */
  readonly messages$ = new Subject<JSONRPCMessage>();
  /** Emits when a child dies (requests in flight to it will never be answered); errors when restarts are exhausted. */
  readonly deaths$ = new Subject<{ pid: number | null }>();

  private readonly config: Required<RestartConfig>;
  private transport: StdioClientTransport | undefined;
  private ready = false;
  private stopped = false;
  private buffer: JSONRPCMessage[] = [];
  /** The client's `initialize`, and whether a child answered it (the handshake is then replayed). */
  private initialize: JSONRPCRequest | undefined;
  private initialized = false;
  /** Requests the current child sent to the client: only their responses go back to it. */
  private readonly childRequests = new Set<RequestId>();
  private replayId: string | undefined;
  private spawns = 0;
  private failures = 0;
  private startedAt = 0;
  private pending: Subscription | undefined;
  private readonly backoff: BackoffStrategy;
  /** The backoff before the last restart (decorrelated jitter grows from it). */
  private delayMs = 0;

  constructor(
    private readonly child: ChildCommand,
    restart: RestartConfig = {},
    private readonly log: (line: string) => void = () => undefined,
    private readonly random: () => number = Math.random,
  ) {
    this.config = { ...DEFAULT_RESTART, ...restart };
    const { baseDelayMs, maxDelayMs } = this.config;
    this.backoff = decorrelatedJitterBackoff({
      baseDelayMs,
      maxDelayMs: Math.max(baseDelayMs, maxDelayMs),
      multiplier: 2,
    });
  }

  /** Spawns the first child; rejects when the command cannot be started at all. */
  start(): Promise<void> {
    return this.spawn();
  }

  /** The pid of the running child, if any. */
  get pid(): number | null {
    return this.transport?.pid ?? null;
  }

  /** The client's `initialize` when no child has answered it yet (a new child must see it as the client sent it). */
  get unansweredInitialize(): JSONRPCRequest | undefined {
    return this.initialized ? undefined : this.initialize;
  }

  /** Sends a client message to the child, or keeps it until a child is ready. */
  send(message: JSONRPCMessage): void {
    const m = message as Partial<JSONRPCRequest> & { result?: unknown; error?: unknown };
    if (m.method === 'initialize' && m.id !== undefined) this.initialize = message as JSONRPCRequest;
    if (m.method === undefined && m.id !== undefined && !this.childRequests.delete(m.id)) return; // for a dead child
    if (!this.ready || !this.transport) {
      if (this.buffer.push(message) > MAX_BUFFERED) this.buffer.shift();
      return;
    }
    this.transport.send(message).catch((e: unknown) => this.log(`send to child failed: ${String(e)}`));
  }

  /** Stops the child for good (stdin closed, then SIGTERM, then SIGKILL); no restart follows. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pending?.unsubscribe();
    const transport = this.transport;
    this.transport = undefined;
    await transport?.close();
    this.messages$.complete();
    this.deaths$.complete();
  }

  private async spawn(): Promise<void> {
    const { command, args, env, cwd, maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES } = this.child;
    const transport = new StdioClientTransport({
      command,
      args: [...args],
      stderr: 'inherit',
      ...(env ? { env } : {}),
      ...(cwd ? { cwd } : {}),
    });
    limitMessages(transport, maxMessageBytes, (m) => this.oversized(transport, m, maxMessageBytes));
    let dead = false;
    let pid: number | null = null;
    let childProcess: WatchedChild | undefined = undefined;
    const onDeath = () => {
      if (dead) return;
      dead = true;
      this.answerInitialize(childProcess);
      this.died(transport, pid);
    };
    transport.onmessage = (message) => this.receive(transport, message);
    transport.onclose = onDeath;
    transport.onerror = (e) => this.log(`child: ${e.message}`);
    this.transport = transport;
    this.ready = false;
    this.startedAt = Date.now();
    try {
      await transport.start();
    } catch (e) {
      if (this.spawns === 0) {
        this.transport = undefined;
        throw new Error(`cannot start ${command}: ${e instanceof Error ? e.message : String(e)}`, {
          cause: e,
        });
      }
      onDeath();
      return;
    }
    this.spawns++;
    pid = transport.pid;
    childProcess = childOf(transport);
    if (this.initialized && this.initialize) this.replayHandshake(transport, this.initialize);
    else this.becomeReady(transport);
  }

  /** Gives a restarted child the client's handshake; it is ready once it answered. */
  private replayHandshake(transport: StdioClientTransport, initialize: JSONRPCRequest): void {
    this.replayId = `${REPLAY_ID_PREFIX}${this.spawns}`;
    const replay: JSONRPCRequest = { ...initialize, id: this.replayId };
    transport.send(replay).catch((e: unknown) => this.log(`initialize replay failed: ${String(e)}`));
    this.pending = timer(this.config.initializeTimeoutMs).subscribe(() => {
      if (this.transport !== transport || this.ready) return;
      this.log(`child did not answer initialize within ${this.config.initializeTimeoutMs} ms; restarting it`);
      void transport.close();
    });
  }

  private receive(transport: StdioClientTransport, message: JSONRPCMessage): void {
    if (transport !== this.transport) return;
    const m = message as { id?: RequestId; method?: string; result?: unknown; error?: { message?: string } };
    if (m.method === undefined && m.id !== undefined && m.id === this.replayId) {
      this.replayId = undefined;
      this.pending?.unsubscribe();
      if (m.error) {
        this.log(`restarted child refused initialize: ${m.error.message ?? 'error'}; restarting it`);
        void transport.close();
        return;
      }
      void transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      this.becomeReady(transport);
      return;
    }
    if (
      m.method === undefined &&
      m.id !== undefined &&
      m.id === this.initialize?.id &&
      m.result !== undefined
    ) {
      this.initialized = true;
    }
    if (m.method !== undefined && m.id !== undefined) this.childRequests.add(m.id);
    this.messages$.next(message);
  }

  /**
   * The child sent a message over the limit, skipped unread. A response becomes an error
   * response for that call alone (which the decorator stores for its key: the tool ran, its
   * result cannot be delivered); a request of the child's is refused; the child lives on.
   */
  private oversized(transport: StdioClientTransport, m: OversizedMessage, limit: number): void {
    const what = `a message of ${m.bytes} bytes${m.method ? ` (${m.method})` : ''}`;
    this.log(`child sent ${what}, over the ${limit}-byte message limit (--max-message-bytes); skipped`);
    if (m.id === undefined) return;
    const message = `mcp-tx proxy: the server's ${m.method === undefined ? 'response' : 'request'} is ${m.bytes} bytes, over the proxy's message limit of ${limit} bytes (--max-message-bytes)`;
    if (m.method === undefined) {
      this.receive(transport, { jsonrpc: '2.0', id: m.id, error: { code: -32603, message } });
      return;
    }
    transport
      .send({ jsonrpc: '2.0', id: m.id, error: { code: -32600, message } })
      .catch((e: unknown) => this.log(`send to child failed: ${String(e)}`));
  }

  private becomeReady(transport: StdioClientTransport): void {
    this.ready = true;
    const buffered = this.buffer;
    this.buffer = [];
    for (const message of buffered) {
      transport.send(message).catch((e: unknown) => this.log(`send to child failed: ${String(e)}`));
    }
  }

  /**
   * A child died before answering the client's `initialize`: the client is told so at once, with
   * how the child ended (rather than waiting out its initialize timeout while children are
   * restarted); its `initialize` is not handed to the next child.
   */
  private answerInitialize(child: WatchedChild | undefined): void {
    const pending = this.initialized ? undefined : this.initialize;
    if (!pending) return;
    this.initialize = undefined;
    this.buffer = this.buffer.filter((m) => m !== pending);
    const message = `the server command ${child?.exit() ?? 'exited'} before answering initialize`;
    this.log(message);
    this.messages$.next({
      jsonrpc: '2.0',
      id: pending.id,
      error: { code: ErrorCode.InternalError, message },
    });
  }

  private died(transport: StdioClientTransport, pid: number | null): void {
    if (this.transport === transport) this.transport = undefined;
    this.ready = false;
    this.replayId = undefined;
    this.pending?.unsubscribe();
    this.childRequests.clear();
    if (this.stopped) return;
    const { maxRestarts, stableAfterMs } = this.config;
    const stable = Date.now() - this.startedAt >= stableAfterMs;
    this.failures = stable ? 1 : this.failures + 1;
    this.deaths$.next({ pid });
    if (this.failures > maxRestarts) {
      this.deaths$.error(new Error(`the server command died ${this.failures} times in a row; giving up`));
      return;
    }
    // Decorrelated jitter never goes below baseDelayMs: a crash loop cannot restart in a hot loop.
    const delayMs = Math.round(this.backoff(this.failures, stable ? 0 : this.delayMs, this.random));
    this.delayMs = delayMs;
    this.log(
      `child exited; restarting in ${delayMs} ms (restart ${this.failures} of at most ${maxRestarts} in a row)`,
    );
    this.pending = timer(delayMs).subscribe(() => void this.spawn());
  }
}
