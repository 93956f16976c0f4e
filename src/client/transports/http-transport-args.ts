import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { defaultHttpFetch } from '#http-fetch';
import { perRequestSignalFetch } from './per-request-signal-fetch.js';

/** What {@link httpTransportArgs} needs of an SDK major's transport options: an optional fetch. */
interface WithFetch {
  fetch?: FetchLike;
}

/**
 * The arguments of a Streamable HTTP client transport (SDK v1's or v2's) that `httpTransport`
 * makes: `url` checked and made a `URL`, `options` checked and given mcp-tx's fetch (the Node
 * fetch, else `options.fetch` or the global one through {@link perRequestSignalFetch}). Throws a
 * `TypeError` naming the argument.
 *
 * @example
 * return new StreamableHTTPClientTransport(...httpTransportArgs(url, options));
 */
export function httpTransportArgs<O extends WithFetch>(url: string | URL, options: O): [URL, O] {
  if (typeof url !== 'string' && !(url instanceof URL)) {
    throw new TypeError(`url must be a string or a URL, got ${url === null ? 'null' : typeof url}`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw new TypeError(`options.fetch must be a function, got ${typeof options.fetch}`);
  }
  return [
    typeof url === 'string' ? new URL(url) : url,
    {
      ...options,
      fetch:
        options.fetch === undefined && defaultHttpFetch !== undefined
          ? defaultHttpFetch
          : perRequestSignalFetch(options.fetch),
    },
  ];
}
