import type { Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { inheritedEnv } from '../../cli/support/env.js';
import type { ServerTarget } from '../../cli/support/server-target.js';
import { httpTransport } from '../client/http-transport.js';

/**
 * A fresh SDK v2 client transport to `target` (what `mcp-tx call --sdk v2` connects through):
 * {@link httpTransport} for a URL, a stdio child otherwise (its stderr passes through, and it
 * sees this process's whole environment).
 *
 * @example
 * await TxClient.connect(v2ClientTransport({ url: new URL('http://127.0.0.1:3000/mcp') }));
 */
export function v2ClientTransport(target: ServerTarget): Transport {
  if ('url' in target) return httpTransport(target.url);
  return new StdioClientTransport({
    command: target.command,
    args: [...target.args],
    env: inheritedEnv(),
    stderr: 'inherit',
  });
}
