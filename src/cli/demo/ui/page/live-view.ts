/**
 * The live view's page: a TxClient in this tab, over a chaos link, calling the demo's ledger
 * server; every call's life, counters, a latency plot and the ledger's check, as they happen.
 * Started by the page's entry of each SDK major (main.ts, main-v2.ts), which `npm run build`
 * (scripts/build-ui.ts) bundles into dist/ui/app.js and dist/ui/app-v2.js.
 */
import type { CallOptions, TxResult } from '../../../../index.js';
import { CallsView } from './calls-view.js';
import { CountersView } from './counters-view.js';
import { connectDemo, type PageSdk } from './demo-link.js';
import { byId } from './dom.js';
import { LatencyPlot } from './latency-plot.js';
import { LedgerView } from './ledger-view.js';
import { Transfers } from './transfers.js';

/**
 * Runs the live view in this page with `sdk`'s client (mcp-tx's, or mcp-tx/v2's).
 *
 * @example
 * await startLiveView({ TxClient, httpTransport });
 */
export async function startLiveView(sdk: PageSdk): Promise<void> {
  const status = byId('status', HTMLElement);
  const fire = byId('fire', HTMLButtonElement);
  const replay = byId('replay', HTMLButtonElement);
  const count = byId('count', HTMLInputElement);
  const loss = byId('loss', HTMLInputElement);
  const lossValue = byId('loss-value', HTMLOutputElement);
  const countNote = byId('count-note', HTMLOutputElement);

  /** The most transfers one click fires. */
  const MAX_TRANSFERS = 200;

  /** The number of transfers asked for, clamped to 1..MAX_TRANSFERS; a clamped value says so. */
  function transferCount(): number {
    const n = Math.min(MAX_TRANSFERS, Math.max(1, Math.floor(Number(count.value)) || 1));
    const clamped = String(n) !== count.value.trim();
    countNote.textContent = clamped ? `clamped to ${n} (1 to ${MAX_TRANSFERS})` : '';
    countNote.dataset.clamped = String(clamped);
    if (clamped) count.value = String(n);
    return n;
  }

  const link = await connectDemo(sdk, new URL('/mcp', location.href), Number(loss.value)).catch(
    (e: unknown) => {
      status.textContent = `cannot reach the server: ${e instanceof Error ? e.message : String(e)}`;
      status.dataset.status = 'closed';
      throw e; // the page stays as it is: nothing to show without a client
    },
  );
  const { client } = link;
  const transfers = new Transfers();
  const counters = new CountersView(
    byId('counters', HTMLElement),
    () => link.stats().dropped,
    () => client.metrics().queue.queued,
  );
  const calls = new CallsView(byId('calls', HTMLOListElement), (key) => transfers.byKey.get(key));
  const plot = new LatencyPlot(byId('latency', HTMLCanvasElement));
  const ledger = new LedgerView(byId('ledger', HTMLDivElement), '/ledger');

  client.status$.subscribe((s) => {
    status.textContent = s;
    status.dataset.status = s;
  });
  client.events$.subscribe((event) => {
    counters.add(event);
    calls.add(event);
    plot.add(event);
    if (event.type === 'response') ledger.refresh();
  });

  /** Makes the keyed transfer `key` (a new one when omitted), with `options` of the call's own. */
  function transfer(key?: string, options: CallOptions = {}): Promise<TxResult> {
    const t = transfers.next(key);
    replay.disabled = false;
    return client.call('transfer', { ...t }, { ...options, idempotencyKey: t.ref });
  }

  fire.addEventListener('click', () => {
    const n = transferCount();
    for (let i = 0; i < n; i++) transfer().catch(() => undefined);
  });
  count.addEventListener('change', () => void transferCount());
  replay.addEventListener('click', () => {
    if (transfers.last) transfer(transfers.last.ref).catch(() => undefined);
  });
  loss.addEventListener('input', () => {
    const value = Number(loss.value);
    lossValue.textContent = `${Math.round(value * 100)} %`;
    link.setLoss(value);
  });
  window.addEventListener('pagehide', () => void client.close());
  fire.disabled = false;

  // For the console (and the specs): the client itself, and the page's own transfer.
  Object.assign(window, { mcpTxDemo: { client, transfer, link, counters: counters.counts } });
}
