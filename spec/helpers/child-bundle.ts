/**
 * The arguments that start a TypeScript child script of the specs (a replica) with `node`.
 *
 * Under `node --import tsx` such a child spends 1.5-2.5 s of CPU before it listens (tsx's loader
 * hooks resolve and load some 300 modules, one message to its hook thread each); an esbuild
 * bundle of the script, its sources and its packages starts in about 0.3 s, the same code. The
 * specs start dozens of replicas, on a 2-core CI machine, so a jest run bundles each script once:
 * the global setup (spec/helpers/redis-global-setup.ts) names a folder of its own in
 * `MCP_TX_SPEC_BUNDLES`, the first spec that needs a script bundles it there, and the others use
 * that file. Outside such a run (no folder named) the script runs under tsx, as before.
 */
import { build } from 'esbuild';
import { existsSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';

/** What the bundle needs that an ES module bundle lacks: `require` for the CommonJS packages in it. */
const REQUIRE_SHIM =
  "import { createRequire as mcpTxRequire } from 'node:module';\nconst require = mcpTxRequire(import.meta.url);";

/** Bundles being written by this process, by script. */
const pending = new Map<string, Promise<string>>();

/** Bundles `script` into `folder` unless a bundle is there already; resolves to the bundle's path. */
async function bundleOnce(script: string, folder: string): Promise<string> {
  const target = join(folder, `${basename(script, '.ts')}.mjs`);
  if (existsSync(target)) return target;
  // Written aside and renamed: another jest worker may bundle the same script at the same time,
  // and a child must never start from half a file.
  const aside = `${target}.${process.pid}.tmp`;
  await build({
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
 */
export async function childScriptArgs(script: string): Promise<string[]> {
  const folder = process.env.MCP_TX_SPEC_BUNDLES;
  if (folder === undefined || folder === '') return ['--import', 'tsx', script];
  let bundle = pending.get(script);
  if (bundle === undefined) {
    bundle = bundleOnce(script, folder);
    pending.set(script, bundle);
  }
  return [await bundle];
}
