/**
 * The pages of the fetched-bundle budget, as an app's sources: each connects over the SDK's
 * Streamable HTTP transport to the page's own origin, makes one call and puts what it saw in
 * `document.title` (`done ...` or `error ...`), which the browser run waits for. The `V2` pair is
 * the same on SDK v2 (`mcp-tx/v2` against a bare `@modelcontextprotocol/client` page, both on the
 * stateless protocol as `mcp-tx/v2` negotiates it by default).
 */

const TRANSPORT =
  "import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';";
const URL_OF_SERVER = "new URL('/mcp', location.href)";
const TRANSPORT_V2 = "import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';";
const REPORT = [
  'function report(state, detail) {',
  '  document.title = `${state} ${JSON.stringify(detail)}`;',
  '}',
].join('\n');

/** The page sources, keyed by page name (`page.ts` of each page's directory); `src` is the path to this package's `src/`. */
export function fetchedPages(
  src: string,
): Record<'txClient' | 'sdkClient' | 'txClientV2' | 'sdkClientV2', string> {
  return {
    // connects, subscribes to events$ and makes a keyed call
    txClient: [
      `import { TxClient } from '${src}/index.js';`,
      TRANSPORT,
      REPORT,
      'try {',
      `  const client = await TxClient.connect(new StreamableHTTPClientTransport(${URL_OF_SERVER}));`,
      '  const events: string[] = [];',
      '  client.events$.subscribe((event) => events.push(event.type));',
      "  const { result } = await client.call('echo', { v: 1 }, { idempotencyKey: 'page-order-1' });",
      "  report('done', { text: (result.content as { text: string }[])[0]?.text, events });",
      '} catch (error) {',
      "  report('error', String(error));",
      '}',
    ].join('\n'),
    sdkClient: [
      "import { Client } from '@modelcontextprotocol/sdk/client/index.js';",
      TRANSPORT,
      REPORT,
      'try {',
      "  const client = new Client({ name: 'page', version: '1.0.0' });",
      `  await client.connect(new StreamableHTTPClientTransport(${URL_OF_SERVER}));`,
      "  const result = await client.callTool({ name: 'echo', arguments: { v: 1 } });",
      "  report('done', { text: (result.content as { text: string }[])[0]?.text, events: [] });",
      '} catch (error) {',
      "  report('error', String(error));",
      '}',
    ].join('\n'),
    txClientV2: [
      `import { TxClient } from '${src}/v2/index.js';`,
      TRANSPORT_V2,
      REPORT,
      'try {',
      `  const client = await TxClient.connect(new StreamableHTTPClientTransport(${URL_OF_SERVER}));`,
      '  const events: string[] = [];',
      '  client.events$.subscribe((event) => events.push(event.type));',
      "  const { result } = await client.call('echo', { v: 1 }, { idempotencyKey: 'page-order-1' });",
      "  report('done', { text: (result.content as { text: string }[])[0]?.text, events });",
      '} catch (error) {',
      "  report('error', String(error));",
      '}',
    ].join('\n'),
    sdkClientV2: [
      "import { Client } from '@modelcontextprotocol/client';",
      TRANSPORT_V2,
      REPORT,
      'try {',
      "  const client = new Client({ name: 'page', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });",
      `  await client.connect(new StreamableHTTPClientTransport(${URL_OF_SERVER}));`,
      "  const result = await client.callTool({ name: 'echo', arguments: { v: 1 } });",
      "  report('done', { text: (result.content as { text: string }[])[0]?.text, events: [] });",
      '} catch (error) {',
      "  report('error', String(error));",
      '}',
    ].join('\n'),
  };
}

/** The HTML page that loads `script` as an ES module. */
export const html = (script: string): string =>
  `<!doctype html>\n<html><head><meta charset="utf-8"><title>loading</title></head>\n<body><script type="module" src="${script}"></script></body></html>\n`;
