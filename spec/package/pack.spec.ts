// What `npm pack` puts in the published tarball: the entry points, their sources (for the source
// maps), the licence, the examples the README names; not the CLI's internal declarations, the
// specs or the benchmarks. It packs a copy of the package, `prepack` (the build) included, as
// `npm publish` does, so that the build empties and fills the copy's dist/, not the one the other
// specs use.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { ROOT } from '../cli/cli-helpers.js';

interface PackEntry {
  path: string;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, string>>;
  imports?: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  files: string[];
  repository?: { type: string; url: string };
  homepage?: string;
  bugs?: { url: string };
};

/**
 * What the build and `npm pack` read: package.json's `files` (dist/ aside: the build makes it),
 * the README, and the build's own inputs.
 */
const COPIED = [
  ...pkg.files.filter((entry) => !entry.startsWith('!') && entry !== 'dist'),
  'package.json',
  'README.md',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts',
];

let copy: string;
let stdout: string;
let files: Set<string>;

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), 'mcp-tx-pack-'));
  for (const name of COPIED) cpSync(join(ROOT, name), join(copy, name), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
  stdout = execFileSync('npm', ['pack', '--dry-run', '--json'], {
    cwd: copy,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [report] = JSON.parse(stdout) as [{ files: PackEntry[] }];
  files = new Set(report.files.map((f) => f.path));
}, 180_000);

afterAll(() => rmSync(copy, { recursive: true, force: true }));

const strip = (path: string) => path.replace(/^\.\//, '');

describe('npm pack', () => {
  it('should print nothing but its JSON report on stdout, the build included', () => {
    // the build's own report and npm's script banners go to stderr
    expect(stdout.trimStart().startsWith('[')).toBe(true);
    expect(() => JSON.parse(stdout) as unknown).not.toThrow();
  });

  it('should hold the licence, the README, the changelog and package.json', () => {
    expect(files).toContain('LICENSE');
    expect(files).toContain('README.md');
    expect(files).toContain('CHANGELOG.md');
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

  it('should hold every example the README names', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const named = [...new Set([...readme.matchAll(/(?<![\w/])examples\/[\w./-]*\.ts\b/g)].map((m) => m[0]))];
    expect(named).toContain('examples/http-server.ts');
    expect(named).toContain('examples/browser/page.ts');
    expect(named.filter((path) => !files.has(path))).toEqual([]);
  });

  it('should say where the project lives', () => {
    expect(pkg.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/.+\.git$/) });
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs?.url).toMatch(/^https:\/\/.+\/issues$/);
  });

  it("should not ship the CLI's internal declarations, the specs or the benchmarks", () => {
    const unwanted = [...files].filter(
      (f) => /^dist\/cli\/.*\.d\.ts(\.map)?$/.test(f) || /^(spec|bench|node_modules)\//.test(f),
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
      const { sources, sourceRoot = '' } = JSON.parse(readFileSync(join(copy, map), 'utf8')) as {
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
