#!/usr/bin/env bash
# A bounded soak: dyadtoned on loopback with a temporary SQLite store under
# mixed load at high concurrency -- ScoreArticle, IngestArticles streams,
# GetTrend and health checks all at once -- for SOAK_SECONDS (default 60),
# stopping by itself. Passes when no call failed and the server's memory
# stopped growing after the warm-up: its resident set at the end is within
# 10% + 8 MiB of what it was after the first quarter of the run.
#
#   tests/soak/soak.sh BUILD_DIR [SECONDS]
set -euo pipefail
BUILD_DIR=${1:?usage: soak.sh BUILD_DIR [SECONDS]}
SECONDS_TOTAL=${2:-${SOAK_SECONDS:-60}}
cd "$(dirname "$0")/../.."
LG="$BUILD_DIR/bench/load_generator"
for binary in "$LG" "$BUILD_DIR"/service/server/dyadtoned "$BUILD_DIR"/client/cli/dyadtone; do
  [ -x "$binary" ] || { echo "soak: $binary is not built" >&2; exit 1; }
done
tmp=$(mktemp -d)
server=""
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
target=127.0.0.1:$port
"$BUILD_DIR"/service/server/dyadtoned --listen="$target" \
  --store="sqlite:$tmp/soak.db" 2>"$tmp/server.log" &
server=$!
for _ in $(seq 1 100); do
  "$BUILD_DIR"/client/cli/dyadtone --target="$target" --timeout=1 health \
    >/dev/null 2>&1 && break
  sleep 0.1
done
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
idle=$(rss_kib)

# Trends need something to read: one ingest before the load starts.
"$BUILD_DIR"/client/cli/dyadtone --target="$target" ingest examples/articles >/dev/null

run() {  # name, then load_generator flags
  local name=$1; shift
  "$LG" --target="$target" --seconds="$SECONDS_TOTAL" --json "$@" \
    >"$tmp/$name.json" 2>"$tmp/$name.err" &
  pids+=($!)
}
run score  --method=score  --concurrency=16
run ingest --method=ingest --concurrency=4 --batch=100
run trend  --method=trend  --concurrency=4
run health --method=health --concurrency=4

# RSS every second; the warm-up is the first quarter.
warm_at=$(( SECONDS_TOTAL / 4 ))
samples=()
for (( t = 1; t <= SECONDS_TOTAL; t++ )); do
  sleep 1
  samples+=("$(rss_kib)")
done
for p in "${pids[@]}"; do wait "$p" || true; done  # errors are in the JSON
pids=()
end=$(rss_kib)
warm=${samples[$((warm_at - 1))]}
peak=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
kill -TERM "$server"
server_code=0
wait "$server" || server_code=$?
server=""

/usr/bin/python3 - "$tmp" "$SECONDS_TOTAL" "$idle" "$warm" "$end" "$peak" "$server_code" <<'PY'
import json, sys
tmp, seconds, idle, warm, end, peak, code = sys.argv[1], *map(int, sys.argv[2:])
failed = []
total = 0
for name in ("score", "ingest", "trend", "health"):
    r = json.load(open("%s/%s.json" % (tmp, name)))
    unit = "articles" if name == "ingest" else "calls"
    print("soak %-7s %8.0f %s/s  p50 %7.0f us  p99 %8.0f us  errors %d"
          % (name, r["rate"], unit, r["p50_us"], r["p99_us"], r["errors"]))
    total += r["rate"] * r["seconds"]
    if r["errors"]:
        err = open("%s/%s.err" % (tmp, name)).read().strip()
        failed.append("%s: %d errors (%s)" % (name, r["errors"], err))
print("soak %d s, about %.0f requests/articles; server RSS idle %d KiB, after warm-up "
      "%d KiB, at the end %d KiB (peak %d KiB)" % (seconds, total, idle, warm, end, peak))
if end > warm * 1.10 + 8192:
    failed.append("RSS grew after warm-up: %d -> %d KiB" % (warm, end))
if code != 0:
    failed.append("dyadtoned exited with %d on SIGTERM" % code)
if failed:
    sys.exit("soak FAILED: " + "; ".join(failed))
print("soak passed")
PY
