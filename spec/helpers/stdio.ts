import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { fileURLToPath } from 'node:url';

/** A stdio transport to a child process running `script` (a TypeScript file in spec/) through tsx. */
export function stdioTransport(script: string, args: string[] = []): StdioClientTransport {
  return new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args],
    stderr: 'inherit',
  });
}
