// Every TypeScript block of the README compiles as a user's code would: under the repository's
// strict tsconfig (exactOptionalPropertyTypes included), against the package's own sources. A
// fragment names what it uses in a `<!-- ts-prelude … -->` comment before its fence (README,
// Development; spec/helpers/markdown-blocks.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCli, ROOT } from '../cli/cli-helpers.js';
import { checkMarkdownBlocks, markdownBlocks } from '../helpers/markdown-blocks.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** A document with known faults, checked in the same Program: the check can fail, at the right line. */
const FAULTY = [
  'A block that compiles, then one that does not (line 6):', // 1
  '',
  '```ts',
  "import { TxClient } from 'mcp-tx';",
  'export const client: TxClient | undefined = undefined;',
  "const n: number = 'one';", // 6
  '```',
  '<!-- ts-prelude',
  "import type { TxClient } from 'mcp-tx';",
  'declare const client: TxClient;', // 10
  '-->',
  '',
  '```typescript',
  "await client.call('echo', {});", // 14: client is in scope
  '```',
  '',
  '```ts',
  'await client.close(); // not in scope without a prelude', // 18
  '```',
  '<!-- ts-prelude',
  'declare const x: strin;', // 21: a fault in the prelude
  '-->',
  '```ts',
  'export const y = x;',
  '```',
  '- a list item:',
  '',
  '  ```ts',
  '  const o: { a?: number } = { a: undefined }; // exactOptionalPropertyTypes', // 29
  '  ```',
  '```sh',
  'not TypeScript: left alone',
  '```',
].join('\n');

let errors: { readme: string[]; faulty: string[] };

beforeAll(() => {
  buildCli(); // `mcp-tx/redis` and the `#` imports resolve into dist/
  const all = checkMarkdownBlocks(ROOT, [
    { name: 'README.md', text: README },
    { name: 'faulty.md', text: FAULTY },
  ]);
  errors = {
    readme: all.filter((e) => e.startsWith('README.md:')),
    faulty: all.filter((e) => e.startsWith('faulty.md:')),
  };
}, 120_000);

describe('the README', () => {
  it('should have its TypeScript blocks found', () => {
    expect(markdownBlocks(README).length).toBeGreaterThanOrEqual(15);
    expect(markdownBlocks(FAULTY).map((b) => b.fenceLine)).toEqual([3, 13, 17, 23, 28]);
  });

  it('should compile every TypeScript block', () => {
    if (errors.readme.length > 0) {
      throw new Error(
        `${errors.readme.length} error(s) in the README's TypeScript blocks (a fragment names what it ` +
          'uses in a <!-- ts-prelude … --> comment right before its fence; see README, Development):\n' +
          errors.readme.join('\n'),
      );
    }
  });

  it('should report each error at its line, in a block or in its prelude', () => {
    expect(errors.faulty.map((e) => e.replace(/ TS(\d+) [\s\S]*$/, ' TS$1'))).toEqual([
      'faulty.md:6:7 TS2322',
      'faulty.md:18:7 TS2304',
      'faulty.md:21:18 TS2552',
      'faulty.md:29:9 TS2375',
    ]);
    expect(errors.faulty[1]).toContain("Cannot find name 'client'");
    expect(errors.faulty[3]).toContain('exactOptionalPropertyTypes');
  });
});
