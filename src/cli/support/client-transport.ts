import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { httpTransport } from '../../index.js';
import { inheritedEnv } from './env.js';
import type { ServerTarget } from './server-target.js';

/**
 * A fresh client transport to `target`: {@link httpTransport} for a URL (one abort signal per
 * request), a stdio child otherwise (its stderr passes through).
 *
 * @example
 * await TxClient.connect(clientTransport({ command: 'node', args: ['server.js'] }));
 */
export function clientTransport(target: ServerTarget): Transport {
  if ('url' in target) return httpTransport(target.url);
  return new StdioClientTransport({
    command: target.command,
    args: [...target.args],
    env: inheritedEnv(),
    stderr: 'inherit',
  });
}
