#!/usr/bin/env bash
# The server under load, on loopback, in one run: the no-op baseline (the
# health service's Check), ScoreArticle at full speed and at half its peak
# rate, ScoreArticle at full speed without the evidence list (what a client
# that keeps only the scores asks for), IngestArticles into SQLite with durable acknowledgements (streams of
# 200 articles, each acknowledged when stored, and bulk streams of 5,000), and
# GetTrend over ten years by day; plus the server's peak RSS. Every loop is
# bounded by BENCH_SECONDS (default 5) and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
SECONDS_EACH=${BENCH_SECONDS:-5}
CONCURRENCY=${CONCURRENCY:-16}
LG="$BUILD_DIR/bench/load_generator"
tmp=$(mktemp -d)
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
target=127.0.0.1:$port
"$BUILD_DIR"/service/server/dyadtoned --listen="$target" \
  --store="sqlite:$tmp/bench.db" 2>"$tmp/server.log" &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do
  "$BUILD_DIR"/client/cli/dyadtone --target="$target" --timeout=1 health \
    >/dev/null 2>&1 && break
  sleep 0.1
done
rss_kb() { awk '/VmHWM/ {print $2}' /proc/$server/status; }
echo "server RSS idle: $(rss_kb) KiB (peak so far)"

run() { "$LG" --target="$target" --seconds="$SECONDS_EACH" --json "$@"; }
health=$(run --method=health --concurrency="$CONCURRENCY")
score=$(run --method=score --concurrency="$CONCURRENCY")
peak=$(echo "$score" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["rate"])')
half=$(run --method=score --concurrency="$CONCURRENCY" \
  --qps="$(/usr/bin/python3 -c "print($peak/2)")")
lean=$(run --method=score --concurrency="$CONCURRENCY" --omit_evidence)
ingest=$(run --method=ingest --concurrency=2 --batch=200)
bulk=$(run --method=ingest --concurrency=2 --batch=5000)
trend=$(run --method=trend --concurrency=1)
echo "server RSS after load: $(rss_kb) KiB (peak)"
/usr/bin/python3 - "$health" "$score" "$half" "$lean" "$ingest" "$bulk" "$trend" <<'PY'
import json, sys
health, score, half, lean, ingest, bulk, trend = (
    json.loads(a) for a in sys.argv[1:])
def row(name, r, unit="qps"):
    print("%-22s %10.0f %s  p50 %6.0f us  p99 %6.0f us  p99.9 %6.0f us  errors %d"
          % (name, r["rate"], unit, r["p50_us"], r["p99_us"], r["p999_us"], r["errors"]))
row("health Check (no-op)", health)
row("ScoreArticle (peak)", score)
row("ScoreArticle (half)", half)
row("ScoreArticle no evid.", lean)
row("IngestArticles x200", ingest, "art/s")
row("IngestArticles x5000", bulk, "art/s")
row("GetTrend 10y by day", trend)
print("ScoreArticle peak / no-op baseline: %.0f%%" % (100 * score["rate"] / health["rate"]))
print("ScoreArticle without evidence / no-op baseline: %.0f%%"
      % (100 * lean["rate"] / health["rate"]))
PY
