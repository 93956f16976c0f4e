// The README's test examples are the specs that run them: a change to one shows in the other.
import { readFileSync } from 'node:fs';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** The ```ts block of the README that starts with `firstLine`. */
function readmeBlock(firstLine: string): string {
  const blocks = [...read('README.md').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
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
  ])('should show %s as it runs', (spec, firstLine) => {
    const code = read(spec);
    expect(code.slice(code.indexOf(firstLine))).toBe(readmeBlock(firstLine));
  });
});
