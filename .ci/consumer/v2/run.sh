#!/usr/bin/env bash
# The SDK v2-only consumer app: installs the packed tarball with @modelcontextprotocol/client and
# @modelcontextprotocol/server (the repository's devDependency ranges), rxjs 7.8.1 and zod, and no
# @modelcontextprotocol/sdk (an optional peer: npm must not bring it); compiles a file that uses
# mcp-tx/v2 and mcp-tx/v2/server under strict + exactOptionalPropertyTypes (moduleResolution
# bundler and node16), and runs a keyed call once, with a NACK, an attempt timeout and an SDK
# protocol error classified, on SDK v2 alone.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
work=${MCP_TX_SCRATCH:-${TMPDIR:-/tmp}/mcp-tx-sdk-matrix}/consumer-v2
rm -rf "$work" && mkdir -p "$work"
cp "$here"/v2-call.ts "$here"/tsconfig.json "$here"/tsconfig.node16.json "$work"/
tarball=$(bash "$here/../pack.sh" "$work")
range() { node -p "require('$repo/package.json').devDependencies['$1']"; }
cd "$work"
echo '{ "name": "mcp-tx-consumer-v2", "private": true, "type": "module" }' > package.json
npm install --no-audit --no-fund "@modelcontextprotocol/client@$(range @modelcontextprotocol/client)" \
  "@modelcontextprotocol/server@$(range @modelcontextprotocol/server)" rxjs@7.8.1 \
  "zod@$(range zod)" "./$tarball" >/dev/null
if npm ls @modelcontextprotocol/sdk --all --parseable | grep -q .; then
  echo 'consumer v2: @modelcontextprotocol/sdk was installed:' >&2
  npm ls @modelcontextprotocol/sdk --all >&2 || true
  exit 1
fi
echo 'consumer v2: no @modelcontextprotocol/sdk installed'
npm ls @modelcontextprotocol/client @modelcontextprotocol/server rxjs zod
tsc="node $repo/node_modules/typescript/bin/tsc"
$tsc -p tsconfig.json          # moduleResolution bundler; emits out/
$tsc -p tsconfig.node16.json   # moduleResolution node16
echo 'consumer v2: mcp-tx/v2 and mcp-tx/v2/server compile (bundler and node16)'
node out/v2-call.js
