#!/usr/bin/env bash
# The SDK range: runs the client, server, SDK-room and both-majors specs (spec/majors, whose SDK v1
# halves are the client's and server's core behaviours) against the lowest and the highest
# @modelcontextprotocol/sdk of the peer range in package.json, each installed into a scratch
# folder (npm install --prefix; package.json is not touched). jest.config.ts maps every import of
# the SDK there when MCP_TX_SDK_DIR names the folder. The child processes some specs spawn (stdio
# servers) run the repo's own SDK. Then the consumer app (.ci/consumer/run.sh) installs the packed
# tarball next to the lowest SDK, and the v2-only one (.ci/consumer/v2/run.sh) next to SDK v2 alone.
set -euo pipefail
cd "$(dirname "$0")/.."
range=$(node -p "require('./package.json').peerDependencies['@modelcontextprotocol/sdk']")
lowest=$(node -p "'$range'.replace(/^[\^~>=\s]+/, '')")
highest=$(npm view "@modelcontextprotocol/sdk@$range" version --json | node -e "
  const v = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
  console.log(Array.isArray(v) ? v[v.length - 1] : v);")
scratch=${MCP_TX_SCRATCH:-${TMPDIR:-/tmp}/mcp-tx-sdk-matrix}
specs=(spec/client spec/server spec/sdk spec/majors)
echo "SDK matrix: range $range, lowest $lowest, highest $highest"
for version in $(printf '%s\n' "$lowest" "$highest" | sort -u); do
  dir="$scratch/sdk-$version"
  rm -rf "$dir" && mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock \
    "@modelcontextprotocol/sdk@$version" >/dev/null
  installed=$(node -p "require('$dir/node_modules/@modelcontextprotocol/sdk/package.json').version")
  if [ "$installed" != "$version" ]; then
    echo "SDK matrix: asked for $version, got $installed" >&2
    exit 1
  fi
  echo "SDK matrix: specs against @modelcontextprotocol/sdk $version"
  MCP_TX_SDK_DIR="$dir" node --experimental-vm-modules --no-warnings=ExperimentalWarning \
    node_modules/jest/bin/jest.js --maxWorkers=2 "${specs[@]}"
done
bash .ci/consumer/run.sh "$lowest"
bash .ci/consumer/v2/run.sh # SDK v2 alone: no @modelcontextprotocol/sdk installed
