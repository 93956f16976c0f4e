/**
 * Type-checks the TypeScript blocks of Markdown documents (```ts or ```typescript fences) as the
 * repository's own code is checked: with tsconfig.json's options (strict,
 * exactOptionalPropertyTypes, the `mcp-tx-source` condition, so `mcp-tx` is the package's
 * sources), each block a module of its own, all blocks of all documents in one TypeScript Program.
 *
 * A block that is a fragment names what it uses in an HTML comment right before its fence (blank
 * lines between them allowed), whose lines are TypeScript put before the block's own:
 *
 *     <!-- ts-prelude
 *     import { TxClient } from 'mcp-tx';
 *     declare const client: TxClient;
 *     -->
 *
 * Readers of the rendered Markdown do not see it. Each diagnostic is reported at the document's
 * own line, whether it falls in the block or in its prelude.
 */
import { dirname, join } from 'node:path';
import ts from 'typescript';

/** A Markdown document to check: `name` labels its diagnostics, `text` is its content. */
export interface MarkdownDocument {
  name: string;
  text: string;
}

/** One fenced TypeScript block, with its prelude, as lines of the document (1-based). */
export interface MarkdownBlock {
  /** Line of the opening fence. */
  fenceLine: number;
  /** The block's own text as the reader sees it (each line ending in a newline), without prelude. */
  body: string;
  /** The prelude's code lines (none without a `ts-prelude` comment), then the block's. */
  lines: string[];
  /** For each of `lines`, its line in the document. */
  lineMap: number[];
  /** Spaces taken off the front of each line (a block in a list item is indented). */
  indent: number;
}

/** An opening fence of a TypeScript block; a list item's may be indented (up to 3 spaces). */
const FENCE = /^( {0,3})```(?:ts|typescript)\s*$/;
const PRELUDE_START = /^<!--\s*ts-prelude\s*$/;

/**
 * The TypeScript blocks of `text`, each with the prelude of the comment before it.
 *
 * @example
 * const [block] = markdownBlocks('```ts\nconst a = 1;\n```\n'); // block.fenceLine === 1
 */
export function markdownBlocks(text: string): MarkdownBlock[] {
  const lines = text.split('\n');
  const blocks: MarkdownBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = FENCE.exec(line);
    if (fence === null && /^ {0,3}```/.test(line)) {
      i = closingFence(lines, i); // another language's block: skip it whole
      continue;
    }
    if (fence === null) continue;
    const indent = fence[1] ?? '';
    const end = closingFence(lines, i);
    const prelude = preludeBefore(lines, i);
    const body = range(i + 1, end);
    blocks.push({
      fenceLine: i + 1,
      body: body.map((n) => `${unindent(lines[n] ?? '', indent)}\n`).join(''),
      lines: [...prelude, ...body].map((n) => unindent(lines[n] ?? '', indent)),
      lineMap: [...prelude, ...body].map((n) => n + 1),
      indent: indent.length,
    });
    i = end;
  }
  return blocks;
}

const unindent = (line: string, indent: string) =>
  line.startsWith(indent) ? line.slice(indent.length) : line;

/** Index of the fence closing the block opened at `open` (the last line when there is none). */
function closingFence(lines: string[], open: number): number {
  for (let i = open + 1; i < lines.length; i++) if (/^ {0,3}```\s*$/.test(lines[i] ?? '')) return i;
  return lines.length - 1;
}

/** Indexes of the code lines of a `ts-prelude` comment ending just before `fence`, if any. */
function preludeBefore(lines: string[], fence: number): number[] {
  let close = fence - 1;
  while (close >= 0 && (lines[close] ?? '').trim() === '') close--;
  if (close < 0 || (lines[close] ?? '').trim() !== '-->') return [];
  for (let open = close - 1; open >= 0; open--) {
    const line = lines[open] ?? '';
    if (PRELUDE_START.test(line)) return range(open + 1, close);
    if (line.includes('<!--') || line.includes('-->')) return [];
  }
  return [];
}

const range = (from: number, to: number) =>
  Array.from({ length: Math.max(0, to - from) }, (_, k) => from + k);

/**
 * Type-checks every TypeScript block of `documents` under the project at `root` (its
 * tsconfig.json), in one Program; returns one line per error, `name:line:column TSxxxx message`.
 *
 * @example
 * const errors = checkMarkdownBlocks(ROOT, [{ name: 'README.md', text: readme }]); // [] when all compile
 */
export function checkMarkdownBlocks(root: string, documents: readonly MarkdownDocument[]): string[] {
  const options = compilerOptions(root);
  const virtual = new Map<string, { document: string; block: MarkdownBlock; code: string }>();
  documents.forEach((document, d) => {
    for (const block of markdownBlocks(document.text)) {
      // A file beside package.json: ESM as the package is, `mcp-tx` resolves to the package itself.
      const file = join(root, `.md-block-${d}-L${block.fenceLine}.ts`);
      // `export {}` makes a block without imports a module too (top-level await, own scope).
      virtual.set(file, { document: document.name, block, code: `${block.lines.join('\n')}\nexport {};\n` });
    }
  });
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
  host.readFile = (file) => virtual.get(file)?.code ?? readFile.call(host, file);
  host.getSourceFile = (file, language, ...rest) => {
    const entry = virtual.get(file);
    return entry
      ? ts.createSourceFile(file, entry.code, language, true)
      : getSourceFile.call(host, file, language, ...rest);
  };
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
  const errors: string[] = [];
  for (const [file, { document, block }] of virtual) {
    const source = program.getSourceFile(file);
    if (source === undefined) throw new Error(`${file} is not in the program`);
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    for (const diagnostic of diagnostics) {
      const { line, character } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const at = block.lineMap[line] ?? block.fenceLine;
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n    ');
      errors.push(`${document}:${at}:${character + 1 + block.indent} TS${diagnostic.code} ${message}`);
    }
  }
  return errors;
}

/** tsconfig.json's options at `root`, for type checking only. */
function compilerOptions(root: string): ts.CompilerOptions {
  const path = join(root, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(path, (file) => ts.sys.readFile(file));
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, dirname(path));
  return { ...parsed.options, noEmit: true };
}
