// The README shows the schema `migrate()` makes: a change to one shows in the other.
import { readFileSync } from 'node:fs';
import { migrationSql } from '../../src/postgres/index.js';

describe('the README', () => {
  it("should show the PostgreSQL store's schema as migrate() makes it", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const blocks = [...readme.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(blocks).toContain(
      `${migrationSql('mcp_tx')
        .map((statement) => `${statement};`)
        .join('\n\n')}\n`,
    );
  });
});
