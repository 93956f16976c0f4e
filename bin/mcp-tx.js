#!/usr/bin/env node
// The mcp-tx command line. The CLI is compiled to dist/ by `npm run build` (run by `prepack`, so the
// published package holds it; in a repository checkout, run `npm run build` once).
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const entry = new URL('../dist/cli/index.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    'mcp-tx: the CLI is not built (dist/ is missing); run `npm run build` in the package first\n',
  );
  process.exit(1);
}
const { main } = await import(entry.href);
const code = await main(process.argv);
// Leave once stdout is flushed, even if a handle of a finished command is still open.
process.stdout.write('', () => process.exit(code));
