/**
 * A child process speaking MCP over stdio, reached by a client transport of a {@link MajorKit}'s
 * client major (SDK v1's or v2's `StdioClientTransport`), for the specs that run the same stdio
 * behaviour on both majors.
 */
import { StdioClientTransport as StdioV2 } from '@modelcontextprotocol/client/stdio';
import { StdioClientTransport as StdioV1 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { fileURLToPath } from 'node:url';
import { childScriptArgs } from '../child-bundle.js';
import type { AnyTransport, MajorKit } from './describe-majors.js';

/** A client transport to a stdio child, with the child's process id once started. */
export type StdioChildTransport = AnyTransport & { readonly pid: number | null };

/**
 * A stdio transport of the kit's client major to a child running `script` (a TypeScript file in
 * spec/helpers) from its bundle (or through tsx outside jest), with `args` and `--major <the kit's server major>` (the script
 * builds its server of that major).
 *
 * @example
 * const client = await m.connect(stdioChild(m, './stdio-tool-server.ts', ['--tx', 'retry']));
 */
export function stdioChild(kit: MajorKit, script: string, args: string[] = []): StdioChildTransport {
  const params = {
    command: process.execPath,
    args: [
      ...childScriptArgs(fileURLToPath(new URL(`../${script}`, import.meta.url))),
      '--major',
      kit.server,
      ...args,
    ],
    stderr: 'inherit' as const,
  };
  return (kit.client === 'v1' ? new StdioV1(params) : new StdioV2(params)) as unknown as StdioChildTransport;
}
