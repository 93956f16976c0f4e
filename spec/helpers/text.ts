import type { TxResult } from '../../src/index.js';

/** The text of a result's first content block (the spec tools answer with one text block). */
export function textOf(result: TxResult): string {
  const first = result.result.content[0];
  return first?.type === 'text' ? first.text : '';
}
