/**
 * An SDK v2 server over stdio behind mcp-tx, for the v2 specs:
 * `node --import tsx spec/helpers/v2-stdio-server.ts serve-stdio` serves through `serveStdio`
 * (the 2026-07-28 protocol, or the `initialize` era if the client opens with it);
 * `… stdio-transport` connects one server to a decorated `StdioServerTransport` (the `initialize`
 * era only); `… plain` connects one to a bare `StdioServerTransport`, no mcp-tx (a server for
 * `mcp-tx proxy` to front); `… plain-serve-stdio` serves through `serveStdio`, no mcp-tx (the
 * same, as SDK v2 serves stdio). The tools are spec/helpers/v2-tool-server.ts's; `log` reads what they did.
 */
import { serveStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { txServerFactory, withTxServer } from '../../src/v2/server/index.js';
import { v2ToolFactory, v2ToolLog } from './v2-tool-server.js';

const build = v2ToolFactory(v2ToolLog());
if (process.argv[2] === 'serve-stdio') {
  serveStdio(txServerFactory(build));
} else if (process.argv[2] === 'plain-serve-stdio') {
  serveStdio(build);
} else if (process.argv[2] === 'plain') {
  await build().connect(new StdioServerTransport());
} else {
  await build().connect(withTxServer(new StdioServerTransport()));
}
process.stdin.on('end', () => process.exit(0));
