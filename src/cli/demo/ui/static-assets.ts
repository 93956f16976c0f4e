import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../../support/errors.js';

/** The page's files (built by `npm run build` into `dist/ui/`), by URL path, with their types. */
const FILES: Readonly<Record<string, { name: string; type: string }>> = {
  '/': { name: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { name: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { name: 'style.css', type: 'text/css; charset=utf-8' },
};

/** Where `npm run build` puts the page, next to the compiled CLI (`dist/ui/`). */
export const BUILT_ASSETS = new URL('../../../ui/', import.meta.url);

/**
 * The live view's static files, read once: a fixed list (no path from the URL reaches the file
 * system), served with no caching so that a rebuilt page shows on reload.
 *
 * @example
 * const assets = await StaticAssets.load(BUILT_ASSETS);
 * if (!assets.serve('/app.js', res)) notFound(res);
 */
export class StaticAssets {
  private constructor(private readonly files: ReadonlyMap<string, { body: Buffer; type: string }>) {}

  /**
   * Reads the page from `dir`, its script of SDK major `sdk` (`app-v2.js` served as `/app.js` for
   * `v2`); a `UsageError` saying how to build it when it is missing.
   */
  static async load(dir: URL | string, sdk: 'v1' | 'v2' = 'v1'): Promise<StaticAssets> {
    const base = typeof dir === 'string' ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : dir;
    const files = new Map<string, { body: Buffer; type: string }>();
    for (const [path, file] of Object.entries(FILES)) {
      const { name, type } = path === '/app.js' && sdk === 'v2' ? { ...file, name: 'app-v2.js' } : file;
      try {
        files.set(path, { body: await readFile(new URL(name, base)), type });
      } catch {
        throw new UsageError(
          `the live view is not built (${new URL(name, base).pathname} is missing): run \`npm run build\``,
        );
      }
    }
    return new StaticAssets(files);
  }

  /** Answers a GET of one of the page's files; `false` when `path` is none of them. */
  serve(path: string, res: ServerResponse): boolean {
    const file = this.files.get(path);
    if (file === undefined) return false;
    res.writeHead(200, {
      'content-type': file.type,
      'content-length': file.body.length,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    res.end(file.body);
    return true;
  }
}
