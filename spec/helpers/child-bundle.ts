/**
 * The arguments that start a TypeScript child script of the specs (a replica, a stdio server)
 * with `node`.
 *
 * Under `node --import tsx` such a child spends 1.5-2.5 s of CPU before it serves (tsx's loader
 * hooks resolve and load some 300 modules, one message to its hook thread each); an esbuild
 * bundle of the script, its sources and its packages starts in about 0.3 s, the same code. The
 * specs start hundreds of such children, on a 2-core CI machine, so a jest run bundles each
 * script once: the global setup (spec/helpers/redis-global-setup.ts) names a folder of its own in
 * `MCP_TX_SPEC_BUNDLES`, the first spec that needs a script bundles it there, and the others use
 * that file. Outside such a run (no folder named) the script runs under tsx, as before.
 *
 * A script bundled so must not find files next to itself through `import.meta.url` (it runs
 * from the bundle folder).
 */
import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';

/** What the bundle needs that an ES module bundle lacks: `require` for the CommonJS packages in it. */
const REQUIRE_SHIM =
  "import { createRequire as mcpTxRequire } from 'node:module';\nconst require = mcpTxRequire(import.meta.url);";

/** Bundles `script` into `folder` unless a bundle is there already; returns the bundle's path. */
function bundleOnce(script: string, folder: string): string {
  // named by its path too: spec/helpers and spec/cli/fixtures each have a ledger-server.ts
  const tag = createHash('sha256').update(script).digest('hex').slice(0, 8);
  const target = join(folder, `${basename(script).replace(/\.[cm]?[jt]s$/, '')}-${tag}.mjs`);
  if (existsSync(target)) return target;
  // Written aside and renamed: another jest worker may bundle the same script at the same time,
  // and a child must never start from half a file.
  const aside = `${target}.${process.pid}.tmp`;
  buildSync({
    entryPoints: [script],
    outfile: aside,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: { js: REQUIRE_SHIM },
    logLevel: 'error',
  });
  renameSync(aside, target);
  return target;
}

/**
 * The `node` arguments that run `script` (an absolute path): its bundle when the jest run has a
 * bundle folder, else `--import tsx <script>`.
 *
 * @example
 * spawn(process.execPath, [...childScriptArgs(script), '--port', '0']);
 */
export function childScriptArgs(script: string): string[] {
  const folder = process.env.MCP_TX_SPEC_BUNDLES;
  if (folder === undefined || folder === '') return ['--import', 'tsx', script];
  return [bundleOnce(script, folder)];
}
