/**
 * The mcp-tx command line from the TypeScript sources (`node --import tsx spec/helpers/mcp-tx-source.ts …`),
 * as bin/mcp-tx.js runs the built one: for specs that must not rebuild dist/ while other specs use it.
 */
import { main } from '../../src/cli/index.js';

const code = await main(process.argv);
process.stdout.write('', () => process.exit(code));
