/** mcp-tx/testing: tools to test reliability behaviour under faults, and a scripted peer for marble tests. */
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
export { scriptedPeer, ScriptedPeer } from './scripted-peer.js';
export {
  DEFAULT_SCRIPTED_FEATURES,
  type ScriptedPeerOptions,
  type ScriptedReply,
  type ScriptedCall,
  type ToolScript,
} from './scripted-peer-options.js';
