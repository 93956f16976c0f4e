#!/usr/bin/env bash
# Packs the repository's tarball (npm pack: the build runs as prepack) into the folder given, and
# prints the tarball's file name. Used by the consumer apps (run.sh, v2/run.sh).
set -euo pipefail
dest=${1:?usage: pack.sh <folder>}
repo=$(cd "$(dirname "$0")/../.." && pwd)
# npm pack prints its JSON on stdout; the build (prepack) reports on stderr
cd "$repo" && npm pack --json --pack-destination "$dest" 2>/dev/null |
  node -e "console.log(JSON.parse(require('node:fs').readFileSync(0, 'utf8'))[0].filename)"
