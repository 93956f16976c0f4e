import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { SchedulerLike } from 'rxjs';
import type { Sink } from '../rx-lite.js';
import type { TxCapability } from '../../protocol/index.js';
import type { CallContext } from './call-context.js';
import type { ArgumentPacker } from '../transports/compression.js';
import type { Connection } from '../connection/connection.js';
import type { TxEvent } from '../events.js';
import type { TxMetrics } from '../metrics/metrics.js';
import type { DurationClock } from '../metrics/duration-clock.js';

/**
 * What an attempt needs of the client it belongs to (apart from the runner, which the attempt and
 * the task run would otherwise import back).
 *
 * @example
 * const attempts = new AttemptRunner(host, clientInternalsOf); // host: AttemptHost, the client's
 */
export interface AttemptHost {
  readonly sdk: Client;
  readonly connection: Connection;
  readonly recorder: TxMetrics;
  /** The client's event subject (events are built only while it is observed). */
  readonly events: Sink<TxEvent>;
  readonly scheduler: SchedulerLike;
  /** The clock of latencies (sub-millisecond under a real-time scheduler). */
  readonly elapsed: DurationClock;
  readonly packer: ArgumentPacker;
  readonly maxInflatedBytes: number;
  /** What the server advertised, `undefined` for a plain MCP server. */
  server(): TxCapability | undefined;
  /** Whether a retry after an unknown outcome cannot run the tool twice. */
  replaySafe(ctx: CallContext, server: TxCapability | undefined): boolean;
  isClosed(): boolean;
}
