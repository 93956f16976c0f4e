import type { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import type { Client, Transport } from '@modelcontextprotocol/client';
import { parseTxCapability, parseTxExtension } from '../../protocol/index.js';
import { markingAbandonedCancels } from './abandoned-cancels.js';
import { boundedConnect } from './bounded-connect.js';
import { ANY_VALUE } from './any-value.js';
import { v1Error } from './sdk-errors.js';
import { V2Tasks } from './tasks.js';

/** What the client core's options to `callTool`, `listTools` and `ping` hold (SDK v1's `RequestOptions`). */
interface CoreRequestOptions {
  signal?: AbortSignal;
  timeout?: number;
  onprogress?: (progress: {
    progress: number;
    total?: number | undefined;
    message?: string | undefined;
  }) => void;
}

/** A notification handler the core registers (SDK v1's form: a schema with a `method` literal). */
type CoreNotificationHandler = (notification: { method: string; params?: unknown }) => unknown;

/**
 * The one place the client core meets an SDK v2 `Client`: a view of it with the members of SDK
 * v1's `Client` the core calls (`connect`, `close`, `onclose`, `transport`, `callTool`,
 * `listTools`, `ping`, `getServerCapabilities`, `setNotificationHandler`), each through v2's public
 * API, its errors turned into the v1 errors the core classifies ({@link v1Error}).
 *
 * Attempts go through v2's `callTool` with a per-request `AbortSignal` (the core's `cancelBySignal`):
 * v2 keeps every check of its own (output schemas, the stateless protocol's `resultType`, the
 * per-request envelope that asks for mcp-tx through `clientCapabilities.extensions`), and
 * cancelling the signal sends `notifications/cancelled`. ACK notifications reach the core through
 * v2's notification handler for a custom method.
 *
 * `transport` is a stand-in that forwards `send` and `close` to v2's transport and is handed no
 * incoming message: the core's transport tap may wrap it without touching v2's transport.
 *
 * @example
 * const core = new CoreTxClient(clientView(new Client(info, { capabilities })), options);
 */
export class ClientView {
  readonly #views = new WeakMap<Transport, Transport>();
  #onclose: (() => void) | undefined;
  /** Task calls and task requests (the `initialize` era; refused on the stateless protocol). */
  readonly #tasks: V2Tasks;
  /** The server's capabilities as last seen: SDK v2 clears its own at the start of each reconnect. */
  #lastCapabilities: Record<string, unknown> | undefined;

  constructor(
    /** The SDK v2 client seen. */
    readonly client: Client,
  ) {
    // a task's status notification reaches the core's tap as a message of the stand-in transport
    this.#tasks = new V2Tasks(client, (message) => this.transport?.onmessage?.(message));
    const previous = client.onclose;
    client.onclose = () => {
      previous?.();
      this.#onclose?.();
    };
  }

  /** What v1's `Client.onclose` is: called once the connection closed. */
  get onclose(): (() => void) | undefined {
    return this.#onclose;
  }

  set onclose(handler: (() => void) | undefined) {
    this.#onclose = handler;
  }

  /** A stand-in for v2's transport (the same one per transport), `undefined` when not connected. */
  get transport(): Transport | undefined {
    const real = this.client.transport;
    if (!real) return undefined;
    let view = this.#views.get(real);
    if (!view) {
      const stand: Transport & { readonly _url?: unknown } = {
        start: async () => undefined,
        send: (message, options) => real.send(message, options),
        close: () => real.close(),
        get sessionId() {
          return real.sessionId;
        },
        // the endpoint the core names in an HTTP failure's message (endpointOf, read by shape)
        get _url() {
          return (real as { _url?: unknown })._url;
        },
      };
      view = stand;
      this.#views.set(real, view);
    }
    return view;
  }

  async connect(transport: Transport, options?: { timeout?: number }): Promise<void> {
    // the notifications/cancelled of a call given up for good are marked on their way out; the
    // handshake is bounded as a whole, as on SDK v1
    await boundedConnect(this.client, markingAbandonedCancels(transport), options?.timeout).catch(rethrowV1);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /**
   * The server's capabilities, with the mcp-tx extension of the stateless protocol (from
   * `server/discover`) also shown where the `initialize` era puts it (`experimental.mcp_tx`).
   * While a reconnection runs, the last server's: SDK v2 clears them as a fresh connect starts
   * (SDK v1 keeps them until the new handshake), and an attempt made meanwhile, sent once the
   * connection is back, must still carry its idempotency key (a plain call could run twice).
   */
  getServerCapabilities(): Record<string, unknown> | undefined {
    const capabilities =
      (this.client.getServerCapabilities() as Record<string, unknown> | undefined) ?? this.#lastCapabilities;
    this.#lastCapabilities = capabilities;
    if (!capabilities || parseTxCapability(capabilities)) return capabilities;
    const extension = parseTxExtension(capabilities);
    if (!extension) return capabilities;
    const experimental = capabilities.experimental as Record<string, unknown> | undefined;
    return { ...capabilities, experimental: { ...experimental, mcp_tx: extension } };
  }

  callTool(
    params: Parameters<Client['callTool']>[0],
    _schema: unknown,
    options: CoreRequestOptions = {},
  ): Promise<unknown> {
    const sent =
      (params as { task?: unknown }).task === undefined
        ? this.client.callTool(params, options)
        : this.#tasks.call(params as Record<string, unknown>, options);
    return sent.catch(rethrowV1);
  }

  /** What v1's `Client.request` is to the core's task run: `tasks/get`, `tasks/result`, `tasks/cancel`. */
  request(request: { method: string; params?: unknown }, _schema: unknown, options: CoreRequestOptions = {}) {
    return this.#tasks.request(request, options).catch(rethrowV1);
  }

  /** Whether `tool` was listed with `execution.taskSupport: 'required'` (v1's private lookup, which the core reads). */
  isToolTaskRequired(tool: string): boolean {
    return this.#tasks.isToolTaskRequired(tool);
  }

  listTools(params: { cursor?: string } | undefined, options: CoreRequestOptions = {}): Promise<unknown> {
    // the core lists tools to read their annotations: the SDK's answer, not its cache
    return this.client
      .listTools(params, { ...options, cacheMode: 'bypass' })
      .then((result) => (this.#tasks.noteTools(result), result), rethrowV1);
  }

  /**
   * One round trip to the server (the warm-up's): `ping`, or on the stateless protocol, which has
   * no `ping`, `server/discover`.
   */
  ping(options: CoreRequestOptions = {}): Promise<unknown> {
    const sent =
      this.client.getProtocolEra() === 'modern'
        ? this.client.request({ method: 'server/discover', params: {} }, options)
        : this.client.ping(options);
    return sent.catch(rethrowV1);
  }

  /** Registers `handler` for the method the v1 schema names (a `z.literal`), its params as sent. */
  setNotificationHandler(
    schema: { shape: { method: { value: string } } },
    handler: CoreNotificationHandler,
  ): void {
    const method = schema.shape.method.value;
    this.client.setNotificationHandler(method, { params: ANY_VALUE }, (params) => {
      void handler({ method, params });
    });
  }
}

/**
 * The view of `client` as the client core takes it (typed as SDK v1's `Client`, whose members the
 * core calls and the view implements).
 *
 * @example
 * const core = new CoreTxClient(clientView(sdk), options);
 */
export function clientView(client: Client): ClientV1 {
  return new ClientView(client) as unknown as ClientV1;
}

function rethrowV1(error: unknown): never {
  throw v1Error(error);
}
