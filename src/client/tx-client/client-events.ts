import type { Observable } from 'rxjs';
import { Multicast, filter } from '../rx-lite.js';
import type { TxAckEvent, TxEvent, TxNackEvent, TxRequestEvent, TxResponseEvent } from '../events.js';

/**
 * The events of a client's calls: the subject they are published on (events are built only while
 * it is observed), and the read-only streams {@link TxClient} shows of it.
 *
 * @example
 * client.acks$.subscribe((ack) => console.log('accepted', ack.requestId));
 */
export class ClientEvents {
  /** @internal What the client's calls publish. */
  protected readonly events = new Multicast<TxEvent>();

  /** Every event of every call: requests, ACKs, NACKs, responses, retries, timeouts, failures. */
  readonly events$: Observable<TxEvent> = this.events.value$; // read-only: no `next`, no `source` back
  /** Every attempt sent, with its `_meta.mcp_tx`. */
  readonly requests$ = this.events$.pipe(filter((e): e is TxRequestEvent => e.type === 'request'));
  /** Every ACK the server sent (duplicates dropped). */
  readonly acks$ = this.events$.pipe(filter((e): e is TxAckEvent => e.type === 'ack'));
  /** Every NACK the server sent. */
  readonly nacks$ = this.events$.pipe(filter((e): e is TxNackEvent => e.type === 'nack'));
  /** Every call's result. */
  readonly responses$ = this.events$.pipe(filter((e): e is TxResponseEvent => e.type === 'response'));
}
