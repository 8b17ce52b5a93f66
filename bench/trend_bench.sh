#!/usr/bin/env bash
# GetTrend latency as the store grows: fills SQLite stores of 10 thousand,
# 100 thousand and 1 million synthetic articles over ten years (store_fill),
# serves each with dyadtoned and times GetTrend PAK-USA, 2015-2024 by day
# (3,653 periods) with the load generator, one call at a time. Rollups make
# the cost depend on the days in the range, not the articles in the store,
# so p50 should stay flat.
#
#   bench/trend_bench.sh                     # sizes 10000 100000 1000000
#   SIZES="10000 100000" BENCH_SECONDS=2 bench/trend_bench.sh
#   STORE_DIR=/var/tmp/trend bench/trend_bench.sh   # keep (and reuse) the stores
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
SIZES=${SIZES:-"10000 100000 1000000"}
SECONDS_EACH=${BENCH_SECONDS:-5}
tmp=$(mktemp -d)
STORE_DIR=${STORE_DIR:-$tmp}
mkdir -p "$STORE_DIR"
server=""
cleanup() {
  if [ -n "$server" ]; then kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

printf '%-10s %12s %10s %10s %10s %10s\n' articles fill_s qps p50_us p99_us rss_kib
for n in $SIZES; do
  db="$STORE_DIR/trend-$n.db"
  fill_s="reused"
  if [ ! -s "$db" ]; then
    start=$(date +%s.%N)
    "$BUILD_DIR"/bench/store_fill --store="sqlite:$db" --articles="$n" >/dev/null
    fill_s=$(/usr/bin/python3 -c "print('%.1f' % ($(date +%s.%N) - $start))")
  fi
  port=$(free_port)
  "$BUILD_DIR"/service/server/dyadtoned --listen="127.0.0.1:$port" \
    --store="sqlite:$db" 2>"$tmp/server-$n.log" &
  server=$!
  for _ in $(seq 1 100); do
    "$BUILD_DIR"/client/cli/dyadtone --target="127.0.0.1:$port" --timeout=1 \
      health >/dev/null 2>&1 && break
    sleep 0.1
  done
  result=$("$BUILD_DIR"/bench/load_generator --target="127.0.0.1:$port" \
    --method=trend --concurrency=1 --seconds="$SECONDS_EACH" --json)
  rss=$(awk '/VmHWM/ {print $2}' /proc/$server/status)
  kill -TERM "$server"; wait "$server" || true; server=""
  /usr/bin/python3 - "$n" "$fill_s" "$rss" "$result" <<'PY'
import json, sys
n, fill_s, rss, r = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
if r["errors"]:
    sys.exit("GetTrend errors: %d" % r["errors"])
print("%-10s %12s %10.0f %10.0f %10.0f %10s" % (n, fill_s, r["rate"], r["p50_us"], r["p99_us"], rss))
PY
done
