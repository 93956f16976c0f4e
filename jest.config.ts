/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

/**
 * The SDK matrix (`.ci/sdk-matrix.sh`) runs the specs against another `@modelcontextprotocol/sdk`
 * installed in a scratch folder (`npm install --prefix <dir>`), named by `MCP_TX_SDK_DIR`: every
 * import of the SDK, the sources' and the specs', then resolves there.
 */
const sdkDir = process.env['MCP_TX_SDK_DIR'];
const sdkMapper: Record<string, string> = sdkDir
  ? {
      '^@modelcontextprotocol/sdk/(.*)\\.js$': `${sdkDir}/node_modules/@modelcontextprotocol/sdk/dist/esm/$1.js`,
    }
  : {};

/**
 * Jest runs the TypeScript sources as native ES modules (ts-jest ESM mode under
 * `node --experimental-vm-modules`, see the `test` script). The package is ESM-only and so is
 * nanoid 5; running specs as ESM means they load exactly the module graph users load.
 * Type checking is left to `npm run typecheck` (tsconfig `isolatedModules` makes ts-jest transpile only), which keeps the
 * suite fast.
 */
const config: Config = {
  // jest's Node environment, failing a spec file that leaves a socket, server, child process or
  // timer open behind it (spec/helpers/leak-guard-environment.ts).
  testEnvironment: '<rootDir>/spec/helpers/leak-guard-environment.ts',
  // `mcp-tx`, `mcp-tx/server` and `mcp-tx/testing` (self-references, as a user writes them) resolve
  // through package.json `exports` to the TypeScript sources: the condition that picks them.
  testEnvironmentOptions: { customExportConditions: ['mcp-tx-source', 'node', 'node-addons'] },
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    ...sdkMapper,
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // The package's `#sha256` import points at dist/ (see package.json `imports`); specs run the
    // sources, with the Node fast path as Node users get it (spec/protocol/sha256.spec.ts pins the
    // portable one to it).
    '^#sha256$': '<rootDir>/src/protocol/sha256-node.ts',
    // likewise `#child-process`: the stdio child's end and exit code, Node only
    '^#child-process$': '<rootDir>/src/sdk/v1/child-process-node.ts',
    // and `#http-fetch`: httpTransport's fetch on node:http's keep-alive agent
    '^#http-fetch$': '<rootDir>/src/client/transports/http-fetch-node.ts',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  testMatch: ['<rootDir>/spec/**/*.spec.ts'],
  testTimeout: 20_000,
  // Finds out once whether Redis is there: spec/redis runs against it, or is skipped with a hint;
  // starts a local Redis Cluster of three masters for the cluster backend of the shared-store specs.
  globalSetup: '<rootDir>/spec/helpers/redis-global-setup.ts',
  // and stops the local Redis Cluster it started for the cluster specs
  globalTeardown: '<rootDir>/spec/helpers/redis-global-teardown.ts',
  maxWorkers: 2,
  // A worker's heap grows with each spec file it runs (about 750 MB used after some 50 files); a
  // process ends by freeing its heap, which then took longer than the 500 ms Jest allows a worker
  // to exit ("A worker process has failed to exit gracefully" with nothing left open). A worker
  // using more than this after a file is replaced by a fresh one.
  workerIdleMemoryLimit: '300MB',
  // Even so, freeing a heap of 150-300 MB took 140-860 ms here (a plain Node process outside Jest,
  // on the shared 2-core machine under load). A handle left open keeps a worker alive for good, so
  // it still gets "failed to exit gracefully" after this; the leak guard above names the file.
  workerGracefulExitTimeout: 3_000,
};

export default config;
