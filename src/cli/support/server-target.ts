import { UsageError } from './errors.js';

/** Where an MCP server is: a Streamable HTTP endpoint, or a stdio command to spawn. */
export type ServerTarget = { url: URL } | { command: string; args: readonly string[] };

/**
 * Reads the server target of `call`: exactly one of `--url <http-url>` or `-- <command…>`.
 *
 * @example
 * serverTarget(undefined, ['node', 'server.js']) // { command: 'node', args: ['server.js'] }
 */
export function serverTarget(url: string | undefined, command: readonly string[]): ServerTarget {
  if (url !== undefined && command.length > 0) {
    throw new UsageError('give either --url <http-url> or -- <server command>, not both');
  }
  if (url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new UsageError(`--url: not a URL: ${url}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new UsageError(`--url: expected an http(s) URL, got ${parsed.protocol}`);
    }
    return { url: parsed };
  }
  const [first, ...rest] = command;
  if (first === undefined) throw new UsageError('no server: give --url <http-url> or -- <server command>');
  return { command: first, args: rest };
}
