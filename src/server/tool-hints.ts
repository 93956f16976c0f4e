import type { RequestId } from './transport-types.js';
import type { IdempotencyStore } from './idempotency-store.js';
import { objectOrUndefined, type ResponseView } from './jsonrpc-internals.js';

/** Most `tools/list` requests awaiting their response that are remembered (a client pipelining more is unusual). */
const MAX_PENDING_LISTS = 64;

/**
 * Which tools may run again when an earlier execution's outcome is unknown (its claim lapsed in a
 * shared store): those named in `idempotentTools`, and those the server itself annotates
 * `idempotentHint` or `readOnlyHint` in a `tools/list` response passing through this transport, and
 * those whose effects commit with their outcome in the store (its `commitsWithTool`).
 * Any other tool is not run twice: its retry gets `outcome_unknown`.
 *
 * @example
 * const hints = new ToolHints(['lookup']);
 * hints.noteRequest(request);   // a tools/list from the client
 * hints.noteResponse(response); // the server's answer, with each tool's annotations
 * hints.mayRunAgain('lookup');  // true
 */
export class ToolHints {
  readonly #configured: ReadonlySet<string>;
  readonly #annotated = new Set<string>();
  readonly #pending = new Set<RequestId>();

  constructor(
    configured: readonly string[] = [],
    /** The store, which may know tools whose effects commit with their outcome (`commitsWithTool`). */
    private readonly store?: IdempotencyStore,
  ) {
    this.#configured = new Set(configured);
  }

  /** Whether `tool` is safe to run again after an unknown outcome. */
  mayRunAgain(tool: string): boolean {
    return (
      this.#configured.has(tool) || this.#annotated.has(tool) || this.store?.commitsWithTool?.(tool) === true
    );
  }

  /** Notes a `tools/list` request, so that its response is read. */
  noteRequest(id: RequestId): void {
    if (this.#pending.size >= MAX_PENDING_LISTS) return;
    this.#pending.add(id);
  }

  /** Reads the annotations of a `tools/list` response noted before; other responses are ignored. */
  noteResponse(response: ResponseView): void {
    if (this.#pending.size === 0 || !this.#pending.delete(response.id)) return;
    const tools = response.result?.tools;
    if (!Array.isArray(tools)) return;
    for (const tool of tools as unknown[]) {
      const t = objectOrUndefined(tool);
      const annotations = objectOrUndefined(t?.annotations);
      if (typeof t?.name !== 'string') continue;
      if (annotations?.idempotentHint === true || annotations?.readOnlyHint === true)
        this.#annotated.add(t.name);
      else this.#annotated.delete(t.name);
    }
  }
}
