/**
 * An esbuild plugin shared by the demo page's build (scripts/build-ui.ts) and the browser bundle
 * bench (bench/browser-bundle.ts): it resolves this package's own `#` imports as a browser bundler
 * does, then from the compiled file to its source, so that a bundle of the sources needs no dist/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

/** The repository root. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The conditions esbuild matches for `platform: 'browser'`, ESM output. */
const BROWSER_CONDITIONS = new Set(['browser', 'import', 'module', 'default']);

type Conditional = string | null | { [condition: string]: Conditional };

/** The target a package.json `imports`/`exports` entry gives under the browser conditions. */
function browserTarget(entry: Conditional | undefined): string | undefined {
  if (entry === null || entry === undefined) return undefined;
  if (typeof entry === 'string') return entry;
  for (const [condition, target] of Object.entries(entry)) {
    if (BROWSER_CONDITIONS.has(condition)) return browserTarget(target);
  }
  return undefined;
}

/**
 * Resolves the package's `#` imports (package.json `imports`) under the browser conditions, from
 * the compiled file to its source (`./dist/x.js` → `src/x.ts`).
 *
 * @example
 * await build({ entryPoints: ['page.ts'], bundle: true, plugins: [packageImportsFromSource()] });
 */
export function packageImportsFromSource(): Plugin {
  return {
    name: 'package-imports-from-source',
    setup(build) {
      build.onResolve({ filter: /^#/ }, ({ path }) => {
        const source = browserSourceOf(path);
        if (source === undefined)
          return { errors: [{ text: `package.json imports has no browser target for ${path}` }] };
        return { path: source };
      });
    },
  };
}

/**
 * The source file a `#` import of this package resolves to under the browser conditions (absolute
 * path), or `undefined` when package.json `imports` has no browser target for it; for bundlers
 * other than esbuild (the Vite build of bench/fetched-bundle.ts).
 *
 * @example
 * browserSourceOf('#sha256'); // '/.../src/protocol/sha256.ts'
 */
export function browserSourceOf(specifier: string): string | undefined {
  const { imports = {} } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    imports?: Record<string, Conditional>;
  };
  const target = browserTarget(imports[specifier]);
  return target === undefined ? undefined : join(ROOT, target.replace(/^\.\/dist\/(.*)\.js$/, 'src/$1.ts'));
}
