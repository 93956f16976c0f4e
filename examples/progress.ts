/**
 * Progress: one call as a stream of its own events (`client.stream$`), the tool's MCP progress
 * notifications among them. Drawn as a terminal progress bar (cli-progress) when stdout is a
 * terminal, and folded into a UI row (the state a table row would render) either way. The
 * attempt timeout (300 ms) is shorter than the job (about 600 ms): `resetTimeoutOnProgress`
 * restarts it on each progress, so a job that keeps reporting is not cut off.
 * Run with `node --import tsx examples/progress.ts`.
 */
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SingleBar } from 'cli-progress';
import { lastValueFrom, scan, tap } from 'rxjs';
import { z } from 'zod';
import { TxClient, type TxCallEvent } from 'mcp-tx';
import { withTxServer } from 'mcp-tx/server';

// A tool that reports progress as it works, through extra.sendNotification, when asked to.
const server = new McpServer({ name: 'indexer', version: '1.0.0' });
server.registerTool('index', { inputSchema: { files: z.number() } }, async ({ files }, extra) => {
  const progressToken = extra._meta?.progressToken;
  for (let done = 1; done <= files; done++) {
    await new Promise((resolve) => setTimeout(resolve, 60));
    if (progressToken === undefined) continue; // the caller did not ask for progress
    const params = { progressToken, progress: done, total: files, message: `file-${done}.md` };
    await extra.sendNotification({ method: 'notifications/progress', params });
  }
  return { content: [{ type: 'text', text: `indexed ${files} files` }] };
});
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
await server.connect(withTxServer(serverSide));
const client = await TxClient.connect(clientSide, { timeoutMs: 300 });

// A UI row: the state of one call, folded from its events.
interface Row {
  status: string;
  done: number;
  total: number | undefined;
  note: string;
}
const fold = (row: Row, e: TxCallEvent): Row => {
  switch (e.type) {
    case 'request':
      return { ...row, status: e.attempt === 0 ? 'sent' : `retry #${e.attempt}` };
    case 'ack':
      return { ...row, status: 'running' };
    case 'progress':
      return { ...row, done: e.progress, total: e.total, note: e.message ?? '' };
    case 'timeout':
      return { ...row, status: 'timed out' };
    case 'response':
      return { ...row, status: e.result.result.isError ? 'failed' : 'done', note: '' };
    default:
      return row;
  }
};

// On a terminal, a progress bar too.
const bar = process.stdout.isTTY
  ? new SingleBar({ format: 'index [{bar}] {value}/{total} {file}' })
  : undefined;
bar?.start(10, 0, { file: '' });

const last = await lastValueFrom(
  client.stream$('index', { files: 10 }, { resetTimeoutOnProgress: true }).pipe(
    tap((e) => e.type === 'progress' && bar?.update(e.progress, { file: e.message })),
    scan(fold, { status: 'queued', done: 0, total: undefined, note: '' }),
    tap(
      (row) =>
        !bar && console.log(`row  ${row.status.padEnd(9)} ${row.done}/${row.total ?? '?'} ${row.note}`),
    ),
  ),
);
bar?.stop();
console.log(`row  ${last.status} ${last.done}/${last.total}: the job outlived its 300 ms attempt timeout`);

// A plain call asks for progress with onProgress (call and call$ emit only the result).
let reports = 0;
const { result } = await client.call(
  'index',
  { files: 3 },
  { onProgress: () => reports++, resetTimeoutOnProgress: true },
);
console.log(`call: ${(result.content[0] as { text: string }).text}, ${reports} progress reports`);
await client.close();
