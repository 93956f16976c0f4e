// What `npm pack` puts in the published tarball: the entry points, their sources (for the source
// maps), the licence; not the CLI's internal declarations, the specs or the benchmarks.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { buildCli, ROOT } from '../cli/cli-helpers.js';

interface PackEntry {
  path: string;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
  imports?: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

let files: Set<string>;

beforeAll(() => {
  buildCli();
  // --ignore-scripts: `prepack` would build again; buildCli just did.
  const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [report] = JSON.parse(json) as [{ files: PackEntry[] }];
  // `npm run build` (prepack) empties dist/ first; buildCli does not (specs running in parallel
  // use dist/), so leave out what an earlier build left of a source since moved or deleted.
  files = new Set(report.files.map((f) => f.path).filter((path) => !isStale(path)));
}, 120_000);

const strip = (path: string) => path.replace(/^\.\//, '');

/** A built file whose source is gone: `dist/x.js`, `.d.ts` or their maps without `src/x.ts`. */
function isStale(path: string): boolean {
  const built = /^dist\/(.*?)(\.d\.ts|\.js)(\.map)?$/.exec(path);
  return built !== null && !existsSync(join(ROOT, 'src', `${built[1] ?? ''}.ts`));
}

describe('npm pack', () => {
  it('should hold the licence, the README and package.json', () => {
    expect(files).toContain('LICENSE');
    expect(files).toContain('README.md');
    expect(files).toContain('package.json');
    const licence = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    expect(licence).toMatch(/^MIT License/);
    expect(licence).toContain('Copyright (c) 2026 the mcp-tx authors');
  });

  it('should hold every file the exports and imports maps and the bin point to', () => {
    const targets = [...Object.values(pkg.exports), ...Object.values(pkg.imports ?? {})].flatMap((entry) =>
      typeof entry === 'string' ? [entry] : Object.values(entry),
    );
    expect(targets.length).toBeGreaterThan(6);
    for (const target of [...targets, ...Object.values(pkg.bin)]) expect(files).toContain(strip(target));
    expect(files).toContain('dist/cli/index.js');
  });

  it("should not ship the CLI's internal declarations, the specs, the benchmarks or the examples", () => {
    const unwanted = [...files].filter(
      (f) => /^dist\/cli\/.*\.d\.ts(\.map)?$/.test(f) || /^(spec|bench|examples|node_modules)\//.test(f),
    );
    expect(unwanted).toEqual([]);
    expect([...files].filter((f) => f.startsWith('dist/cli/') && f.endsWith('.js')).length).toBeGreaterThan(
      5,
    );
  });

  it('should ship every source a source map or declaration map points to', () => {
    const maps = [...files].filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(50);
    const missing: string[] = [];
    for (const map of maps) {
      const { sources, sourceRoot = '' } = JSON.parse(readFileSync(join(ROOT, map), 'utf8')) as {
        sources: string[];
        sourceRoot?: string;
      };
      for (const source of sources) {
        const path = posix.normalize(posix.join(posix.dirname(map), sourceRoot, source));
        if (!files.has(path)) missing.push(`${map} -> ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('should run no script when the tarball is installed', () => {
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) {
      expect(pkg.scripts[script]).toBeUndefined();
    }
    expect(pkg.scripts['prepack']).toBe('npm run build');
    expect(pkg.scripts['prebuild']).toMatch(/rmSync\('dist'/); // no stale file reaches the tarball
  });
});
