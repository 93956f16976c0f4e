/**
 * The `mcp-tx` command line: `demo`, `call`, `proxy` and `bench`, a thin shell over exported
 * functions. `bin/mcp-tx.js` runs {@link main}.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { benchAvailable, benchCommand } from './bench.js';
import { callCommand } from './call.js';
import { demoCommand } from './demo.js';
import { proxyCommand } from './proxy.js';
import { EXIT_OK, EXIT_USAGE, UsageError, reportError } from './support/errors.js';

// The commands' work lives in exported functions: runDemo (./demo/index.js), runCall
// (./call/run.js), runProxy (./proxy/index.js), runBench (./bench.js). Each is loaded only when
// its command runs, so that `mcp-tx --version` and `--help` load neither the SDK nor RxJS
// (spec/cli/startup.spec.ts checks it).
export { EXIT_OK, EXIT_FAILED, EXIT_USAGE, UsageError } from './support/errors.js';

/** Commands that take a server command after `--`. */
const TAKES_COMMAND = new Set(['call', 'proxy']);

/**
 * Runs the CLI on `argv` (`process.argv` shape) and resolves with the exit code: 0 success,
 * 1 failed call or tool error, 2 bad usage. Long-running commands (`proxy`) resolve when they stop.
 *
 * @example
 * process.exitCode = await main(['node', 'mcp-tx', 'demo', '--calls', '60']);
 */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  // Everything after the first `--` is the server command, never parsed as our options.
  const split = argv.indexOf('--', 2);
  const own = split === -1 ? [...argv] : argv.slice(0, split);
  const serverCommand = split === -1 ? [] : argv.slice(split + 1);
  let exitCode = EXIT_OK;
  const program = buildProgram(serverCommand, (code) => (exitCode = code));
  try {
    const command = own.slice(2).find((arg) => !arg.startsWith('-'));
    if (split !== -1 && !TAKES_COMMAND.has(command ?? '')) {
      throw new UsageError(`'--' is only for the server command of 'call' and 'proxy'`);
    }
    await program.parseAsync(own);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    return reportError(error, { verbose: program.opts<{ verbose?: boolean }>().verbose === true });
  }
}

function buildProgram(serverCommand: readonly string[], setExit: (code: number) => void): Command {
  const program = new Command('mcp-tx')
    .description(
      'Reliable MCP tool calls: ACK/NACK, safe retries and exactly-once execution by idempotency key.',
    )
    .version(readVersion(), '-V, --version', 'print the version')
    .option('--verbose', 'print stack traces and client events to stderr')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Examples:
  $ mcp-tx demo                                    # exactly-once under chaos, beside the bare SDK
  $ mcp-tx call add '{"a":1,"b":2}' -- node server.js
  $ mcp-tx proxy -- node server.js                 # give any stdio MCP server ACK, NACK and exactly-once${
    benchAvailable()
      ? '\n  $ mcp-tx bench                                   # bare SDK vs mcp-tx, in a repository checkout'
      : ''
  }`,
    );
  program.configureOutput({ outputError: (text, write) => write(`mcp-tx: ${text.replace(/^error: /, '')}`) });
  // List each command as its usage line shows it (with `-- <server command…>` where it takes one).
  program.configureHelp({ subcommandTerm: (command) => `${command.name()} ${command.usage()}` });
  demoCommand(program, setExit);
  callCommand(program, serverCommand, setExit);
  proxyCommand(program, serverCommand, setExit);
  benchCommand(program, setExit);
  for (const command of program.commands) {
    command.exitOverride().showHelpAfterError(`(run mcp-tx ${command.name()} --help for usage)`);
    command.configureOutput({
      outputError: (text, write) => write(`mcp-tx: ${text.replace(/^error: /, '')}`),
    });
  }
  return program;
}

/** The package version, read from package.json (two levels up from src/cli and dist/cli alike). */
function readVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
