// No import circle in src/: each module's imports (type-only and dynamic ones included, as
// `madge --circular` counts them) lead only to modules that do not lead back to it.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Relative specifiers of `import`/`export … from` and `import('…')` in `code`, outside comments. */
function specifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = [
    ...code.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'/gms),
    ...code.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g),
    ...code.matchAll(/^\s*import\s+'(\.[^']+)'/gm),
  ];
  return found.map((m) => m[1] ?? '');
}

/** Every module of src/ (path relative to src/) with the src/ modules it imports. */
function importGraph(): Map<string, string[]> {
  const files = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter(
    (file) => file.endsWith('.ts') && !file.endsWith('.d.ts'),
  );
  const known = new Set(files.map((file) => normalize(file)));
  const graph = new Map<string, string[]>();
  for (const file of known) {
    const code = readFileSync(join(SRC, file), 'utf8');
    const targets = specifiers(code)
      .map((spec) => relative(SRC, join(SRC, dirname(file), spec.replace(/\.js$/, '.ts'))))
      .filter((target) => known.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The circles of `graph`, each from its smallest module, found by a depth-first walk. */
function circles(graph: Map<string, string[]>): string[][] {
  const found = new Map<string, string[]>();
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Map<string, number>();
  const visit = (node: string): void => {
    onPath.set(node, path.length);
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const at = onPath.get(next);
      if (at !== undefined) {
        const circle = rotate(path.slice(at));
        found.set(circle.join(' > '), circle);
      } else if (!done.has(next)) {
        visit(next);
      }
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
  };
  for (const node of [...graph.keys()].sort()) if (!done.has(node)) visit(node);
  return [...found.values()];
}

function rotate(circle: string[]): string[] {
  const smallest = circle.indexOf([...circle].sort()[0] as string);
  return [...circle.slice(smallest), ...circle.slice(0, smallest)];
}

describe('src imports', () => {
  const graph = importGraph();

  it('should form no circle', () => {
    expect(circles(graph).map((circle) => circle.join(' > '))).toEqual([]);
  });

  it('should find a circle where there is one', () => {
    const circular = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(circles(circular)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('should read type-only, re-exporting and dynamic imports', () => {
    const code = [
      "import type { A } from './a.js';",
      "export { B } from '../b.js';",
      "import {\n  C,\n  type D,\n} from './c.js';",
      "const e = () => import('./e.js');",
      "import 'node:fs';",
      "/** @example\n * const { f } = await import('./f.js');\n */",
      "// import('./g.js')",
    ].join('\n');
    expect(specifiers(code)).toEqual(['./a.js', '../b.js', './c.js', './e.js']);
  });

  it('should see every module of src/', () => {
    expect(graph.get('client/call/attempt-runner.ts')).toContain('client/call/attempt.ts');
    expect(graph.get('client/call/load-task-run.ts')).toEqual(['client/call/task-run.ts']);
  });
});
