import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every contact with the SDK's internals lives in src/sdk/ (DESIGN section 2): nothing outside
 * it reads a private SDK member, calls a private lookup, tests an SDK error class with
 * `instanceof` (an app's copy of the SDK has classes of its own), or patches a transport
 * (replaces its send/start/close, or wraps a handler someone else set).
 */
const SRC = join(import.meta.dirname, '../../src');

/** Code of `file` with comments blanked out (TSDoc examples name SDK members freely). */
function codeOf(path: string): string[] {
  const text = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  return text.split('\n').map((line) => line.replace(/(^|[^:'"`])\/\/.*$/, '$1'));
}

const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts') && !f.startsWith('sdk/') && !f.startsWith('sdk\\'))
  .sort();

const FORBIDDEN: [string, RegExp][] = [
  // `_meta` is MCP's own field, not an SDK member
  ['a private SDK member (_options, _process, _readBuffer, _clientInfo, ...)', /\._(?!meta\b)[A-Za-z]\w*/],
  ['a private lookup of the SDK client', /\b(isToolTaskRequired|getToolOutputValidator|cacheToolMetadata)\b/],
  ['the experimental tasks API', /\.experimental\.tasks\b/],
  [
    'instanceof on an SDK error class',
    /instanceof\s+(McpError|StreamableHTTPError|SseError|UrlElicitationRequiredError)\b/,
  ],
  ["a transport's send/start/close replaced", /\.(send|start|close)\s*=[^=>]/],
  ['a handler read to be wrapped', /=\s*[\w.]+\.(onmessage|onclose|onerror)\s*;/],
];

/**
 * Files that set a transport's handlers as its one user (the way the SDK's `connect` does): a
 * decorator on the transport it was handed, the CLI on the transports it made. Setting them is
 * the transport's public contract; wrapping someone else's is what stays in src/sdk/.
 */
const HANDLER_OWNERS = [
  'cli/demo/run-bare.ts', // the bare SDK client's own onclose (the demo's naive reconnect)
  'cli/demo/server.ts', // CountingTransport, a decorator
  'cli/proxy/child.ts', // the child's stdio transport it creates
  'cli/proxy/relay.ts', // the upstream transport and the decorator it creates
  'server/with-tx-server.ts', // the decorator's inner transport
  'testing/chaos-transport.ts', // the decorator's inner transport
];
const HANDLER_SET = /\.(onmessage|onclose|onerror)\s*=[^=>]/;

describe('the SDK room (src/sdk/)', () => {
  it('should have the only contact with SDK internals', () => {
    const found: string[] = [];
    for (const file of files) {
      codeOf(join(SRC, file)).forEach((line, i) => {
        for (const [what, pattern] of FORBIDDEN) {
          if (pattern.test(line)) found.push(`${file}:${i + 1}: ${what}: ${line.trim()}`);
        }
        if (HANDLER_SET.test(line) && !HANDLER_OWNERS.includes(file.replace(/\\/g, '/'))) {
          found.push(`${file}:${i + 1}: a transport handler set outside its owner: ${line.trim()}`);
        }
      });
    }
    expect(found).toEqual([]);
  });

  it('should list as handler owners only files that still set handlers', () => {
    const stale = HANDLER_OWNERS.filter(
      (file) => !codeOf(join(SRC, file)).some((line) => HANDLER_SET.test(line)),
    );
    expect(stale).toEqual([]);
  });

  it('should catch each kind of contact (the patterns are live)', () => {
    const samples = [
      'const o = (sdk as any)._options;',
      "sdk.isToolTaskRequired('x')",
      'sdk.experimental.tasks.cancelTask(id)',
      'if (e instanceof McpError) {}',
      'transport.send = (m) => send(m);',
      'const deliver = transport.onmessage;',
    ];
    expect(samples.map((s) => FORBIDDEN.some(([, p]) => p.test(s)))).toEqual(samples.map(() => true));
    expect(FORBIDDEN.some(([, p]) => p.test('params._meta.progressToken'))).toBe(false);
  });
});
