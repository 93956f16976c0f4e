import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';

/** The repository root (bundles resolve from here, as a page in this package would). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The conditions esbuild matches for `platform: 'browser'`, ESM output. */
const BROWSER_CONDITIONS = new Set(['browser', 'import', 'module', 'default']);

/** Bare names of Node's built-in modules (`fs`, `crypto`, ...), `node:` prefix stripped. */
const BUILTINS = new Set(builtinModules.map((name) => name.replace(/^node:/, '')));

/** One import of a Node-only module found in a browser bundle. */
export interface NodeOnlyImport {
  /** The specifier as written (`node:crypto`, `fs`). */
  specifier: string;
  /** The importing file, relative to the repository root. */
  importer: string;
}

/** What one browser bundle weighs and what it needed. */
export interface BrowserBundle {
  /** Minified bytes. */
  bytes: number;
  /** Gzipped bytes (level 9) of the minified bundle. */
  gzipBytes: number;
  /** Imports of Node built-ins (left out of the bundle, so that all of them are listed). */
  nodeImports: NodeOnlyImport[];
  /** esbuild's warnings, as text. */
  warnings: string[];
  /** Input files and their bytes in the output. */
  metafile: Metafile;
}

type Conditional = string | null | { [condition: string]: Conditional };

/** The target a package.json `imports`/`exports` entry gives under the browser conditions. */
function browserTarget(entry: Conditional): string | undefined {
  if (entry === null) return undefined;
  if (typeof entry === 'string') return entry;
  for (const [condition, target] of Object.entries(entry)) {
    if (BROWSER_CONDITIONS.has(condition)) return browserTarget(target);
  }
  return undefined;
}

/**
 * Resolves this package's own `#` imports as a browser bundler does (package.json `imports`,
 * browser conditions), then from the compiled file to its source (`./dist/x.js` → `src/x.ts`), so
 * that a bundle of the sources needs no build.
 */
function packageImportsFromSource(): Plugin {
  const { imports = {} } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
    imports?: Record<string, Conditional>;
  };
  return {
    name: 'package-imports-from-source',
    setup(build) {
      build.onResolve({ filter: /^#/ }, ({ path }) => {
        const target = path in imports ? browserTarget(imports[path] as Conditional) : undefined;
        if (!target) return { errors: [{ text: `package.json imports has no browser target for ${path}` }] };
        return { path: `${ROOT}${target.replace(/^\.\/dist\/(.*)\.js$/, 'src/$1.ts')}` };
      });
    },
  };
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
 * Bundles one page (ES module source, resolved from the repository root) for the browser with
 * esbuild, minified, and weighs it.
 *
 * @example
 * const { gzipBytes, nodeImports } = await bundleForBrowser("export { TxClient } from './src/index.js';");
 */
export async function bundleForBrowser(contents: string): Promise<BrowserBundle> {
  const nodeImports: NodeOnlyImport[] = [];
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: 'ts', sourcefile: 'page.ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [packageImportsFromSource(), nodeOnlyGuard(nodeImports)],
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  return {
    bytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    nodeImports,
    warnings: result.warnings.map((w) => `${w.location?.file ?? ''}: ${w.text}`),
    metafile: result.metafile,
  };
}
