// The README's runnable examples are the files that run them: a change to one shows in the other.
import { readFileSync } from 'node:fs';
import { markdownBlocks } from '../helpers/markdown-blocks.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** The ```ts block of the README that starts with `firstLine`. */
function readmeBlock(firstLine: string): string {
  const blocks = markdownBlocks(read('README.md')).map((b) => b.body);
  const block = blocks.find((b) => b.startsWith(firstLine));
  if (block === undefined) throw new Error(`no README block starts with ${firstLine}`);
  return block;
}

describe('the README', () => {
  it.each([
    [
      'spec/examples/chaos-readme.spec.ts',
      "import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';",
    ],
    ['spec/examples/scripted-peer-readme.spec.ts', "import { map } from 'rxjs';"],
    // the reference pipeline (README, Architecture), its imports left out
    ['spec/helpers/reference/pipeline.ts', "/**\n * The client's call path as the design card draws it"],
  ])('should show %s as it runs', (spec, firstLine) => {
    const code = read(spec);
    expect(code.slice(code.indexOf(firstLine))).toBe(readmeBlock(firstLine));
  });

  // The example adds a client that calls the server, after the README's part.
  it('should show the server of examples/http-server.ts line for line', () => {
    const block = readmeBlock("import { randomUUID } from 'node:crypto';");
    expect(block.split('\n').length).toBeGreaterThan(80);
    expect(read('examples/http-server.ts')).toContain(block);
  });
});
