import { serveDemoUi, type DemoUiOptions } from './serve.js';

/**
 * `mcp-tx demo --ui`: serves the live view until SIGINT or SIGTERM (or `signal`), printing its
 * address first and the ledger's check last.
 *
 * @example
 * await runUi({ port: 3000 }, (line) => process.stdout.write(line));
 */
export async function runUi(
  options: DemoUiOptions,
  print: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const ui = await serveDemoUi(options);
  print(`mcp-tx live view: ${ui.url.href}  (open it in a browser; Ctrl-C stops)\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop);
  });
  const check = ui.endpoint.check();
  await ui.close();
  print(
    `ledger: ${check.keys} keys, ${check.executions} executions, ${check.doubleExecutions} double executions\n`,
  );
}
