// A v2-only app installs no @modelcontextprotocol/sdk: nothing mcp-tx/v2 or mcp-tx/v2/server loads
// at run time may import it. Walks src from each entry along relative imports (static and
// dynamic, `.js` resolved to `.ts`; `import type` and `export type` are erased, so skipped).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
/** `import … from 'x'`, `export … from 'x'` (not `import type` / `export type`), and `import('x')`. */
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s+(?!type\s)(?:[^;'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** `file: specifier` for every run-time import of `@modelcontextprotocol/sdk` reachable from `entry`. */
function sdkV1Imports(entry: string): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const [, stat, dynamic] of code.matchAll(IMPORT)) {
      const specifier = stat ?? dynamic ?? '';
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
        visit(existsSync(target) ? target : join(target.replace(/\.ts$/, ''), 'index.ts'));
      } else if (
        specifier === '@modelcontextprotocol/sdk' ||
        specifier.startsWith('@modelcontextprotocol/sdk/')
      ) {
        found.push(`${relative(SRC, file)}: ${specifier}`);
      }
    }
  };
  visit(join(SRC, entry));
  return found;
}

describe('the SDK v2 entry points without SDK 1.x', () => {
  it.each(['v2/index.ts', 'v2/server/index.ts'])(
    'should import no @modelcontextprotocol/sdk at run time from %s',
    (entry) => {
      expect(sdkV1Imports(entry)).toEqual([]);
    },
  );

  it('should find the run-time imports of SDK 1.x that the mcp-tx entry has', () => {
    // the walk itself works: the v1 client does import SDK 1.x
    expect(sdkV1Imports('index.ts')).toEqual(
      expect.arrayContaining(['client/tx-client.ts: @modelcontextprotocol/sdk/client/index.js']),
    );
  });
});
