import { Option, type Command } from 'commander';
import { DEMO_DEFAULTS } from './demo/defaults.js';
import type { DemoOptions, RunProgress } from './demo/index.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from './support/errors.js';
import { decimal, integer } from './support/parse.js';

interface DemoFlags {
  calls: number;
  concurrency: number;
  loss: number;
  seed: number;
  json?: boolean;
  ui?: boolean;
  port?: number;
  sdk: 'v1' | 'v2';
}

/** Cells of the bar. */
const BAR_WIDTH = 40;
/** At most one redraw per this many ms (a run makes thousands of updates a second). */
const REDRAW_MS = 100;

/**
 * A progress bar with live counters, one run at a time, redrawn in place with a carriage
 * return; `undefined` when stdout is not a terminal. Drawn here rather than with a progress-bar
 * package, so that the CLI costs a library user no dependency of its own (README "Dependencies").
 */
function progressBar(): DemoOptions['onProgress'] {
  const out = process.stdout;
  if (!out.isTTY) return undefined;
  let run: string | undefined;
  let drawnAt = 0;
  return (name, p: RunProgress) => {
    const now = performance.now();
    const last = p.done === p.total;
    if (name !== run && run !== undefined) out.write('\n');
    if (name === run && !last && now - drawnAt < REDRAW_MS) return;
    run = name;
    drawnAt = now;
    const filled = p.total === 0 ? BAR_WIDTH : Math.round((p.done / p.total) * BAR_WIDTH);
    const bar = '\u2588'.repeat(filled) + '\u2591'.repeat(BAR_WIDTH - filled);
    const counters =
      name === 'mcp-tx'
        ? `retries ${p.retries} | ACKs ${p.acks} | NACKs ${p.nacks} | executions ${p.executions}`
        : `retries ${p.retries} | executions ${p.executions}`;
    const label = name === 'mcp-tx' ? 'mcp-tx  ' : 'bare SDK';
    out.write(`\r${label} ${bar} ${p.done}/${p.total} | ${counters}\u001b[K${last ? '\n' : ''}`);
    if (last) run = undefined;
  };
}

/** Registers `mcp-tx demo`. */
export function demoCommand(program: Command, setExit: (code: number) => void): void {
  program
    .command('demo')
    .description(
      'exactly-once under message loss, duplicates, delays and a server restart, beside the bare SDK',
    )
    .option('--calls <n>', 'transfers to make', integer(1, 100_000), DEMO_DEFAULTS.calls)
    .option('--concurrency <n>', 'calls in flight at once', integer(1, 10_000), DEMO_DEFAULTS.concurrency)
    .option(
      '--loss <p>',
      'probability that a message is lost, each way (0..1)',
      decimal(0, 1),
      DEMO_DEFAULTS.loss,
    )
    .option('--seed <n>', 'seed of the faults and the transfers', integer(0, 2 ** 32 - 1), DEMO_DEFAULTS.seed)
    .addOption(
      new Option(
        '--sdk <major>',
        "mcp-tx's run on SDK v1 (mcp-tx) or v2 (mcp-tx/v2, @modelcontextprotocol/server)",
      )
        .choices(['v1', 'v2'])
        .default('v1'),
    )
    .option('--json', 'print the summary as JSON (no progress bar)')
    .option('--ui', 'serve the live view instead: a page whose TxClient runs in your browser tab')
    .option('--port <n>', 'port of the live view on 127.0.0.1 (default: 0, a free one)', integer(0, 65_535))
    .addHelpText(
      'after',
      `
An in-memory ledger server with a side-effecting 'transfer' tool, behind withTxServer, is
called through TxClient over a faulty link; then the same transfers go through the bare SDK
Client with a naive retry-on-timeout loop. Exit code 1 if mcp-tx was not exactly-once.
With --sdk v2, mcp-tx's run uses the mcp-tx/v2 client and SDK v2 ledger servers on the
stateless 2026-07-28 protocol (install @modelcontextprotocol/client and
@modelcontextprotocol/server); the bare run stays on SDK v1.

With --ui, the same ledger server is served over Streamable HTTP on 127.0.0.1 with a page whose
TxClient runs in the browser tab, through a lossy link: fire keyed transfers and watch each
call's ACKs, NACKs, retries and replays, the latency, and the ledger's executions per key.
With --ui --sdk v2, the page runs mcp-tx/v2's client against SDK v2's createMcpHandler, on the
stateless 2026-07-28 protocol.

Examples:
  $ mcp-tx demo
  $ mcp-tx demo --calls 1000 --concurrency 50 --loss 0.3 --seed 7
  $ mcp-tx demo --sdk v2
  $ mcp-tx demo --json | jq '{executions, bare: .bare.executions}'
  $ mcp-tx demo --ui --port 3000
  $ mcp-tx demo --ui --sdk v2`,
    )
    .action(async (opts: DemoFlags) => {
      if (opts.ui) {
        if (opts.json) throw new UsageError('--json is for the summary of a run, not for --ui');
        const { runUi } = await import('./demo/ui/run.js');
        await runUi({ port: opts.port ?? 0, sdk: opts.sdk }, (line) => process.stdout.write(line));
        return setExit(EXIT_OK);
      }
      if (opts.port !== undefined) throw new UsageError('--port is for the live view: use it with --ui');
      const { formatSummary, runDemo } = await import('./demo/index.js');
      const onProgress = opts.json ? undefined : progressBar();
      const summary = await runDemo({
        calls: opts.calls,
        concurrency: opts.concurrency,
        loss: opts.loss,
        seed: opts.seed,
        sdk: opts.sdk,
        ...(onProgress ? { onProgress } : {}),
      });
      process.stdout.write(
        opts.json ? `${JSON.stringify(summary, null, 2)}\n` : `\n${formatSummary(summary)}`,
      );
      const exact = summary.executions === summary.calls && summary.completed === summary.calls;
      setExit(exact ? EXIT_OK : EXIT_FAILED);
    });
}
