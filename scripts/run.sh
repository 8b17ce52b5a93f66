#!/usr/bin/env bash
# The main job: installs what is missing, builds, scores the example
# articles and shows the Pakistan-United States tone by date.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh dyadtone-score-local >/dev/null
BUILD_DIR=${BUILD_DIR:-build}
"$BUILD_DIR"/tools/dyadtone-score-local --evidence=false examples/articles/*.txt |
  /usr/bin/python3 -c '
import json, sys
dec = json.JSONDecoder()
text = sys.stdin.read()
pos, rows = 0, []
while pos < len(text.rstrip()):
    obj, pos = dec.raw_decode(text, pos)
    pos += 1
    d = next((d for d in obj["dyads"] if d["dyad"] == ["PAK", "USA"]), None)
    rows.append((obj["date"].get("day", "?"), obj["file"].split("/")[-1],
                 "-".join(obj.get("mainDyad", [])), d["tone"] if d else 0.0,
                 d["signals"] if d else 0))
print("%-10s  %-26s  %-8s  %6s  %7s" % ("date", "article", "main", "tone", "signals"))
for r in sorted(rows):
    bar = "#" * int(round(abs(r[3]) * 20))
    print("%-10s  %-26s  %-8s  %+6.2f  %7d  %s" % (r + (("+" if r[3] >= 0 else "-") + bar,)))
'
