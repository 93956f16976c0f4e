import { builtinModules } from 'node:module';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import { packageImportsFromSource } from '../scripts/package-imports-plugin.js';

/** The repository root (bundles resolve from here, as a page in this package would). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Bare names of Node's built-in modules (`fs`, `crypto`, ...), `node:` prefix stripped. */
const BUILTINS = new Set(builtinModules.map((name) => name.replace(/^node:/, '')));

/** One import of a Node-only module found in a browser bundle. */
export interface NodeOnlyImport {
  /** The specifier as written (`node:crypto`, `fs`). */
  specifier: string;
  /** The importing file, relative to the repository root. */
  importer: string;
}

/** A module a page loads only on a dynamic `import()` (the compression codec, once compression is on). */
export interface LazyChunk {
  /** The module, relative to the repository root. */
  module: string;
  /** Minified bytes it adds to the page when loaded (the page with it imported statically, less the page). */
  bytes: number;
  /** The same, gzipped (level 9). */
  gzipBytes: number;
}

/** What one browser bundle weighs and what it needed. */
export interface BrowserBundle {
  /** Minified bytes the page loads up front: everything but what it imports dynamically. */
  bytes: number;
  /** The same, gzipped (level 9). */
  gzipBytes: number;
  /** Modules loaded only on a dynamic `import()`, not counted above. */
  lazy: LazyChunk[];
  /** Imports of Node built-ins (left out of the bundle, so that all of them are listed). */
  nodeImports: NodeOnlyImport[];
  /** esbuild's warnings, as text. */
  warnings: string[];
  /** Input files and their bytes in the output. */
  metafile: Metafile;
}

/** Records every import of a Node built-in and leaves it out, so the build goes on and lists them all. */
function nodeOnlyGuard(found: NodeOnlyImport[]): Plugin {
  return {
    name: 'node-only-guard',
    setup(build) {
      build.onResolve({ filter: /^[a-z_:/]+$/ }, ({ path, importer }) => {
        if (!path.startsWith('node:') && !BUILTINS.has(path.split('/')[0] as string)) return undefined;
        found.push({ specifier: path, importer: importer.replace(ROOT, '') });
        return { path, external: true };
      });
    },
  };
}

/**
 * Leaves each dynamic `import()` of the page's own sources out of its bundle, as an app bundler
 * makes it a chunk of its own, fetched when the import runs; records the modules.
 */
function lazyImports(found: Set<string>): Plugin {
  return {
    name: 'lazy-imports',
    setup(build) {
      build.onResolve({ filter: /^\./ }, ({ path, kind, importer, resolveDir }) => {
        if (kind !== 'dynamic-import' || !importer.startsWith(`${ROOT}src/`)) return undefined;
        found.add(relative(ROOT, resolve(resolveDir, path)).replace(/\.js$/, '.ts'));
        return { path, external: true };
      });
    },
  };
}

/** esbuild's options for a page: browser, ES modules, minified, nothing written. */
const PAGE_OPTIONS = {
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  minify: true,
  write: false,
  metafile: true,
  logLevel: 'silent',
} as const;

/**
 * Bundles one page (ES module source, resolved from the repository root) for the browser with
 * esbuild, minified, and weighs what it loads up front; each module it imports dynamically is
 * left out (a chunk of its own in an app bundle) and weighed on its own.
 *
 * @example
 * const { gzipBytes, nodeImports } = await bundleForBrowser("export { TxClient } from './src/index.js';");
 */
export async function bundleForBrowser(contents: string): Promise<BrowserBundle> {
  const nodeImports: NodeOnlyImport[] = [];
  const dynamic = new Set<string>();
  const page = (source: string) =>
    build({
      ...PAGE_OPTIONS,
      stdin: { contents: source, resolveDir: ROOT, loader: 'ts', sourcefile: 'page.ts' },
      plugins: [packageImportsFromSource(), nodeOnlyGuard(nodeImports), lazyImports(dynamic)],
    });
  const result = await page(contents);
  const upFront = weigh(result.outputFiles[0]?.contents);
  const lazy: LazyChunk[] = [];
  for (const module of [...dynamic].sort()) {
    const loaded = await page(`${contents}\nexport * as lazy from './${module.replace(/\.ts$/, '.js')}';`);
    const { bytes, gzipBytes } = weigh(loaded.outputFiles[0]?.contents);
    lazy.push({ module, bytes: bytes - upFront.bytes, gzipBytes: gzipBytes - upFront.gzipBytes });
  }
  return {
    ...upFront,
    lazy,
    nodeImports,
    warnings: result.warnings.map((w) => `${w.location?.file ?? ''}: ${w.text}`),
    metafile: result.metafile,
  };
}

function weigh(code: Uint8Array = new Uint8Array()): { bytes: number; gzipBytes: number } {
  return { bytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}
