/**
 * The live view's page on SDK v1 (`mcp-tx demo --ui`): the live view with mcp-tx's TxClient.
 * Bundled by `npm run build` (scripts/build-ui.ts) into dist/ui/app.js.
 */
import { TxClient, httpTransport } from '../../../../index.js';
import { startLiveView } from './live-view.js';

await startLiveView({ TxClient, httpTransport });
