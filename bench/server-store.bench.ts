/**
 * The server-side costs alone (store memory per entry, decorator CPU per call), printed as text;
 * `npm run bench` measures them too, into bench/results/latest.{md,json}.
 *
 * Run: npm run build && node --expose-gc --import tsx bench/server-store.bench.ts [--quick]
 */
import { SERVER_STORE_SIZES, measureServerStore, serverStoreText } from './server-store.js';

const sizes = SERVER_STORE_SIZES[process.argv.includes('--quick') ? 'quick' : 'full'];
process.stdout.write(serverStoreText(await measureServerStore(sizes)));
process.exit(0);
