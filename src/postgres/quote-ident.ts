/**
 * `name` as a quoted SQL identifier (a schema or a channel name), its double quotes doubled.
 *
 * @example
 * quoteIdent('mcp_tx'); // '"mcp_tx"'
 */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
