// `npm run docs`: the API reference, generated from the TSDoc into docs/api/ (not committed). The
// entry points are the package's own (package.json `exports`), each from its TypeScript source, so
// that an entry point added there is documented without a second list to keep. A warning (an
// export without TSDoc, a link to nowhere, a type that is used but not exported) fails the run.
import { readFileSync } from 'node:fs';
import { URL } from 'node:url';

const { exports } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

/** An export's source: its `mcp-tx-source` condition, else its built file's (`./dist/x.d.ts` → `./src/x.ts`). */
const sourceOf = (entry) =>
  entry['mcp-tx-source'] ??
  (entry.types ?? entry.import).replace(/^\.\/dist\/(.*?)(\.d)?\.[jt]s$/, './src/$1.ts');

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  entryPoints: Object.values(exports)
    .filter((entry) => typeof entry === 'object' && (entry.types ?? entry.import) !== undefined)
    .map(sourceOf),
  tsconfig: './tsconfig.build.json',
  out: './docs/api',
  readme: 'none',
  excludePrivate: true,
  // TxClient's rooms (ClientEvents, CallPath, CallEntry) share their plumbing as protected members:
  // not API
  excludeProtected: true,
  excludeInternal: true,
  treatWarningsAsErrors: true,
  // no links to a hosted copy of the sources: a clone's remote (CI clones a local path) is no URL to link to
  disableSources: true,
  // the SDK's types that TSDoc links to (`{@link Transport}`) are documented with the SDK
  externalSymbolLinkMappings: {
    '@modelcontextprotocol/sdk': { '*': 'https://github.com/modelcontextprotocol/typescript-sdk' },
  },
  validation: { notExported: true, invalidLink: true, invalidPath: true, notDocumented: true },
  // Every exported class, interface, type and constant has its TSDoc (the house rule); members need
  // not. Functions are left out: TypeDoc's 'Function' takes in every method signature of an
  // interface too (RedisClientLike's, mirroring node-redis).
  requiredToBeDocumented: ['Enum', 'Variable', 'Class', 'Interface', 'TypeAlias'],
};
