#!/usr/bin/env bash
# A consumer app of the packed tarball: pins the given (lowest) SDK and rxjs 7.8.1, checks that
# npm installs one copy of each (mcp-tx brings none of its own), compiles a file that uses every
# entry point under strict + exactOptionalPropertyTypes with moduleResolution bundler and node16,
# and runs a keyed call once with errors classified as mcp-tx's typed errors.
set -euo pipefail
sdk=${1:?usage: run.sh <sdk-version>}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
work=${MCP_TX_SCRATCH:-${TMPDIR:-/tmp}/mcp-tx-sdk-matrix}/consumer
rm -rf "$work" && mkdir -p "$work"
cp "$here"/entry-points.ts "$here"/keyed-call.ts "$here"/tsconfig.json "$here"/tsconfig.node16.json "$work"/
tarball=$(bash "$here/pack.sh" "$work")
cd "$work"
echo '{ "name": "mcp-tx-consumer", "private": true, "type": "module" }' > package.json
npm install --no-audit --no-fund "@modelcontextprotocol/sdk@$sdk" rxjs@7.8.1 "./$tarball" >/dev/null
for dep in @modelcontextprotocol/sdk rxjs zod; do
  copies=$(npm ls "$dep" --all --parseable | sort -u | grep -c . || true)
  if [ "$copies" != 1 ]; then
    echo "consumer: $copies copies of $dep installed:" >&2
    npm ls "$dep" --all >&2 || true
    exit 1
  fi
done
echo "consumer: one copy each of the SDK ($sdk), rxjs and zod"
npm ls @modelcontextprotocol/sdk rxjs zod --all
tsc="node $repo/node_modules/typescript/bin/tsc"
$tsc -p tsconfig.json          # moduleResolution bundler; emits out/
$tsc -p tsconfig.node16.json   # moduleResolution node16
echo "consumer: every entry point compiles (bundler and node16)"
node out/keyed-call.js
