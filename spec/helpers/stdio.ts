import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { childScriptArgs } from './child-bundle.js';
import { ACK_METHOD, decodeAck, txCapabilities, type TxAck } from '../../src/protocol/index.js';

/** A stdio transport to a child process running `script` (a TypeScript file in spec/helpers), see child-bundle.ts. */
export function stdioTransport(script: string, args: string[] = []): StdioClientTransport {
  return new StdioClientTransport({
    command: process.execPath,
    args: [...childScriptArgs(fileURLToPath(new URL(script, import.meta.url))), ...args],
    stderr: 'inherit',
  });
}

/** An mcp_tx-capable SDK Client on a child process running `server-stdio-fixture.ts`. */
export interface StdioFixture {
  readonly client: Client;
  /** ACKs the client received, in order. */
  readonly acks: TxAck[];
  /** The child's process id (to signal it). */
  readonly pid: number;
  /** What the child wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

/** Starts the stdio fixture server with `args` (`--major v1|v2`, `--max-concurrent N`, `--max-queue N`) and connects to it. */
export async function connectStdioFixture(args: string[] = []): Promise<StdioFixture> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [...childScriptArgs(fileURLToPath(new URL('./server-stdio-fixture.ts', import.meta.url))), ...args],
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'stdio-spec', version: '1.0.0' }, { capabilities: txCapabilities() });
  const acks: TxAck[] = [];
  client.setNotificationHandler(
    z.object({ method: z.literal(ACK_METHOD), params: z.object({}).passthrough() }),
    (n) => void acks.push(decodeAck(n.params)),
  );
  await client.connect(transport);
  return { client, acks, pid: transport.pid ?? -1, stderr: () => stderr, close: () => client.close() };
}
