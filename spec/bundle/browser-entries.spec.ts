import { readFileSync } from 'node:fs';
import { ROOT, bundleForBrowser } from '../../bench/browser-bundle.js';

/** The client entries of the package (they must run in a browser tab): name, package.json `exports` key. */
const CLIENT_ENTRIES = [
  ['mcp-tx', '.'],
  ['mcp-tx/testing', './testing'],
  ['mcp-tx/otel', './otel'],
];

const { exports } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
  exports: Record<string, { import: string }>;
};

/** The source file an entry is compiled from (`./dist/testing/index.js` → `./src/testing/index.ts`). */
function sourceOf(entry: string): string {
  const target = exports[entry]?.import;
  if (!target) throw new Error(`package.json exports has no ${entry}`);
  return target.replace(/^\.\/dist\/(.*)\.js$/, './src/$1.ts');
}

// esbuild takes a second or two per bundle on a loaded machine
const TIMEOUT_MS = 60_000;

describe('the client entries in a browser bundle', () => {
  describe.each(CLIENT_ENTRIES)('%s', (_name, entry) => {
    it(
      'should bundle for the browser with no Node-only import anywhere in its graph',
      async () => {
        const bundle = await bundleForBrowser(`export * from '${sourceOf(entry)}';`);
        expect(bundle.nodeImports).toEqual([]);
        expect(bundle.bytes).toBeGreaterThan(0);
      },
      TIMEOUT_MS,
    );
  });

  it(
    'should hash with the portable SHA-256 in the browser, not the Node fast path',
    async () => {
      const { metafile } = await bundleForBrowser("export { fingerprint } from './src/index.js';");
      const inputs = Object.keys(metafile.inputs);
      expect(inputs).toContain('src/protocol/sha256.ts');
      expect(inputs).not.toContain('src/protocol/sha256-node.ts');
    },
    TIMEOUT_MS,
  );

  it(
    'should give httpTransport the global fetch in the browser, not the Node one on node:http',
    async () => {
      const { metafile } = await bundleForBrowser("export { httpTransport } from './src/index.js';");
      const inputs = Object.keys(metafile.inputs);
      expect(inputs).toContain('src/client/transports/http-fetch.ts');
      expect(inputs).not.toContain('src/client/transports/http-fetch-node.ts');
    },
    TIMEOUT_MS,
  );

  it(
    "should bundle the README's browser example (examples/browser/page.ts) cleanly",
    async () => {
      const bundle = await bundleForBrowser("export * from './examples/browser/page.js';");
      expect(bundle.nodeImports).toEqual([]);
      expect(bundle.warnings).toEqual([]);
      expect(Object.keys(bundle.metafile.inputs)).toContain('examples/browser/page.ts');
    },
    TIMEOUT_MS,
  );

  it(
    'should name every Node-only import and its importer (the guard itself)',
    async () => {
      const bundle = await bundleForBrowser("import 'node:crypto';\nimport 'fs';\nexport const x = 1;");
      expect(bundle.nodeImports).toEqual([
        { specifier: 'node:crypto', importer: 'page.ts' },
        { specifier: 'fs', importer: 'page.ts' },
      ]);
    },
    TIMEOUT_MS,
  );
});
