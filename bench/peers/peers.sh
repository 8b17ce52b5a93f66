#!/usr/bin/env bash
# Our scorers against the npm peers on the same snippets, in the same run:
# prints snippets per second for each and our ratio to each peer. Skips
# with a message when the peers cannot be installed (no npm registry).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
SNIPPETS=tests/testdata/vader/movieReviewSnippets_GroundTruth.txt
if [ ! -d node_modules/vader-sentiment ] || [ ! -d node_modules/sentiment ]; then
  if ! npm install --no-audit --no-fund --no-package-lock --loglevel=error \
        >/dev/null 2>&1; then
    echo "peers: skipped (npm could not install vader-sentiment and sentiment)"
    exit 0
  fi
fi
# The best of 5 repetitions on our side, as peer_bench.js takes the best of
# 5 rounds on theirs: on a shared machine the best is the least disturbed.
ours=$("$BUILD_DIR"/bench/peer_benchmark --benchmark_repetitions=5 \
  --benchmark_format=csv 2>/dev/null |
  awk -F, '/^"BM_/ && !/_(mean|median|stddev|cv)"/ {
             gsub("\"","",$1); if ($7 > best[$1]) best[$1] = $7 }
           END { for (k in best) print k, best[k] }' | sort)
theirs=$(node bench/peers/peer_bench.js "$SNIPPETS" 5)
/usr/bin/python3 - "$ours" "$theirs" <<'PY'
import json, sys
ours = dict((l.split()[0], float(l.split()[1])) for l in sys.argv[1].splitlines() if l.strip())
theirs = [json.loads(l) for l in sys.argv[2].splitlines() if l.strip()]
print("%-24s %14s" % ("scorer", "snippets/s"))
for name, rate in ours.items():
    print("%-24s %14.0f" % ("dyadtone " + name.replace("BM_", ""), rate))
for p in theirs:
    print("%-24s %14.0f" % (p["name"], p["snippets_per_s"]))
for name, rate in ours.items():
    for p in theirs:
        print("dyadtone %s / %s: %.1fx" % (name.replace("BM_", ""), p["name"],
                                            rate / p["snippets_per_s"]))
PY
