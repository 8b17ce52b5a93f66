#!/usr/bin/env bash
# The main job: installs what is missing, builds, starts dyadtoned on its
# embedded default store (SQLite, ./dyadtone.db), ingests the example
# articles with the dyadtone CLI, and shows the Pakistan-United States trend
# by month (and writes it as pak-usa.svg). Stops the server at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh dyadtoned dyadtone >/dev/null
BUILD_DIR=${BUILD_DIR:-build}
SERVER="$BUILD_DIR/service/server/dyadtoned"
CLI="$BUILD_DIR/client/cli/dyadtone"
export DYADTONE_TARGET=${DYADTONE_LISTEN:-127.0.0.1:50051}

"$SERVER" --listen="$DYADTONE_TARGET" 2>dyadtoned.log &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do  # up to 10 s for the server to come up
  if "$CLI" --timeout=1 health >/dev/null 2>&1; then break; fi
  if ! kill -0 $server 2>/dev/null; then
    echo "dyadtoned did not start; see dyadtoned.log" >&2
    exit 1
  fi
  sleep 0.1
done

"$CLI" ingest examples/articles
echo
"$CLI" trend PAK USA --by month --svg pak-usa.svg
