/**
 * Bundles the live view's page (`mcp-tx demo --ui`) for the browser: `src/cli/demo/ui/page/` →
 * `<outDir>/app.js` (SDK v1's client) and `<outDir>/app-v2.js` (`--sdk v2`: mcp-tx/v2's client)
 * (esbuild, ESM, minified) beside its `index.html` and `style.css`. Run by
 * `npm run build` (`node --import tsx scripts/build-ui.ts`, into dist/ui/); the specs call
 * {@link buildUi} with a folder of their own.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { packageImportsFromSource } from './package-imports-plugin.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PAGE = join(ROOT, 'src/cli/demo/ui/page');

/** Sizes of the built page script (SDK v1's; app-v2.js is built beside it). */
export interface UiBuild {
  /** Minified bytes of app.js. */
  bytes: number;
  /** The same, gzipped. */
  gzipBytes: number;
}

/**
 * Builds the page into `outDir` (created if needed); fails on any import a browser cannot load.
 *
 * @example
 * const { gzipBytes } = await buildUi('dist/ui');
 */
export async function buildUi(outDir: string): Promise<UiBuild> {
  await mkdir(outDir, { recursive: true });
  const bundle = (entry: string, out: string) =>
    build({
      entryPoints: [join(PAGE, entry)],
      outfile: join(outDir, out),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
      plugins: [packageImportsFromSource()],
    });
  await Promise.all([bundle('main.ts', 'app.js'), bundle('main-v2.ts', 'app-v2.js')]);
  await Promise.all(['index.html', 'style.css'].map((f) => copyFile(join(PAGE, f), join(outDir, f))));
  const script = await readFile(join(outDir, 'app.js'));
  return { bytes: script.length, gzipBytes: gzipSync(script, { level: 9 }).length };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = join(ROOT, 'dist/ui');
  const { bytes, gzipBytes } = await buildUi(outDir);
  // stderr: the build runs in `npm pack --json`'s prepack, whose stdout is JSON for tools to parse
  process.stderr.write(`live view: ${outDir}/app.js, ${bytes} bytes (${gzipBytes} gzipped)\n`);
}
