/** mcp-tx/testing: tools to test reliability behaviour under faults. */
export { chaosTransport, ChaosTransport } from './chaos-transport.js';
export type {
  ChaosOptions,
  ChaosFaults,
  ChaosFaultOptions,
  ChaosAction,
  ChaosDirection,
  ChaosStats,
} from './chaos-options.js';
export { mulberry32 } from './prng.js';
