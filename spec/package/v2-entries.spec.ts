// SDK v2 beside v1 in one package: mcp-tx/v2/server exports what mcp-tx/server does (the very
// objects), and neither entry's build reaches the other major's packages.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as v1Client from 'mcp-tx';
import * as v1 from 'mcp-tx/server';
import * as v2Client from 'mcp-tx/v2';
import * as v2 from 'mcp-tx/v2/server';
import { ROOT } from '../cli/cli-helpers.js';

/** The bare specifiers `entry` (a file in dist/) imports, following its relative imports, in `.js` or `.d.ts`. */
function packagesReached(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const [, specifier = ''] of code.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier);
        visit(file.endsWith('.d.ts') ? target.replace(/\.js$/, '.d.ts') : target);
      } else
        packages.add(
          specifier
            .split('/')
            .slice(0, specifier.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  };
  visit(join(ROOT, 'dist', entry));
  return packages;
}

describe('the SDK v2 entry points', () => {
  it('should export the names of mcp-tx/server, as the same objects, and txServerFactory', () => {
    const names = Object.keys(v2).filter((name) => name !== 'txServerFactory');
    expect(names.sort()).toEqual(Object.keys(v1).sort());
    for (const name of names)
      expect((v2 as Record<string, unknown>)[name]).toBe((v1 as Record<string, unknown>)[name]);
    expect(typeof v2.txServerFactory).toBe('function');
  });

  it('should export the names of mcp-tx from mcp-tx/v2: its own client, pool and HTTP transport, the rest the very objects', () => {
    const own = ['TxClient', 'TxPool', 'httpTransport'];
    expect(Object.keys(v2Client).sort()).toEqual(Object.keys(v1Client).sort());
    for (const name of Object.keys(v2Client)) {
      const [mine, theirs] = [
        (v2Client as Record<string, unknown>)[name],
        (v1Client as Record<string, unknown>)[name],
      ];
      if (own.includes(name)) expect(mine).not.toBe(theirs);
      else expect(mine).toBe(theirs);
    }
  });

  it('should build mcp-tx/v2 on SDK v2 (its declarations name @modelcontextprotocol/client)', () => {
    expect(packagesReached('v2/index.d.ts')).toContain('@modelcontextprotocol/client');
    expect(packagesReached('v2/index.js')).toContain('@modelcontextprotocol/client');
  });

  it.each(['.js', '.d.ts'])("should keep each major's build (%s) off the other major's packages", (ext) => {
    const v1Packages = packagesReached(`server/index${ext}`);
    const v2Packages = packagesReached(`v2/server/index${ext}`);
    expect([...v2Packages].filter((p) => p === '@modelcontextprotocol/sdk')).toEqual([]);
    expect(
      [...v1Packages].filter((p) => /^@modelcontextprotocol\/(server|client|core|node)$/.test(p)),
    ).toEqual([]);
    // The server side needs no SDK at run time at all: it sees messages, not SDK objects.
    if (ext === '.js')
      expect([...v1Packages, ...v2Packages].filter((p) => p.startsWith('@modelcontextprotocol/'))).toEqual(
        [],
      );
    else expect(v2Packages).toContain('@modelcontextprotocol/server');
  });
});
