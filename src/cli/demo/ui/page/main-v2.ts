/**
 * The live view's page on SDK v2 (`mcp-tx demo --ui --sdk v2`): the live view with mcp-tx/v2's
 * TxClient, on the stateless 2026-07-28 protocol. Bundled by `npm run build`
 * (scripts/build-ui.ts) into dist/ui/app-v2.js.
 */
import { TxClient, httpTransport } from '../../../../v2/index.js';
import { startLiveView } from './live-view.js';

await startLiveView({ TxClient, httpTransport });
