#!/usr/bin/env bash
# The container image, tested for real with podman: builds the image from the
# Dockerfile, runs it as its non-root user on a read-only root filesystem with
# a named volume for /data, then from the host, with the host-built dyadtone
# CLI: waits for SERVING, ingests examples/articles, reads the PAK-USA trend
# by month (the five articles and months of tests/e2e/e2e_test.py), checks
# the health status through the CLI and through the image's own HEALTHCHECK,
# stops the container with SIGTERM (exit 0 and the server's "stopped" line),
# and reads the same data back from a new container on the same volume.
#
# No registry is needed: the two Debian base images are made here with
# debootstrap from the host's Debian mirror when podman does not have them
# yet (they stay cached in podman's image store), and the build never pulls.
#
# Prints "SKIP: ..." and exits 0 when podman cannot run here (not installed,
# not root, no runc). Removes its containers and volume on exit. Every wait
# is bounded. Environment: DYADTONE_IMAGE (the tag to build, default
# localhost/dyadtone:latest), RUNC (the OCI runtime, default /usr/sbin/runc),
# BUILD_DIR (the host build, default build), BUILD_JOBS (compile jobs in the
# image build, default one per core), DEBIAN_MIRROR (default: the host's).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${DYADTONE_IMAGE:-localhost/dyadtone:latest}
BASE_IMAGES=(docker.io/library/debian:bookworm docker.io/library/debian:bookworm-slim)
BUILD_DIR=${BUILD_DIR:-build}
EXPECTED_MONTHS="2021-12-01 2022-12-01 2023-04-01 2023-06-01 2024-05-01"
started=$SECONDS

say() { printf '[container-test %4ds] %s\n' $((SECONDS - started)) "$*"; }
skip() { echo "SKIP: container test: $*"; exit 0; }

command -v podman >/dev/null 2>&1 || skip "podman is not installed"
[ "$(id -u)" -eq 0 ] || skip "rootful podman needs root (uid is $(id -u))"
RUNC=${RUNC:-/usr/sbin/runc}
[ -x "$RUNC" ] || RUNC=$(command -v runc 2>/dev/null) || skip "no runc"

# The options this machine needs for every container, build steps included
# (with runc): small fixed ulimits and the host network (on which the test
# uses loopback only).
RUN_OPTS=(--ulimit nofile=1024:1024 --ulimit nproc=1000:1000 --network host)
# A bounded podman call. Without systemd (as on this machine) podman cannot
# schedule the periodic health checks and says so on every start and stop;
# those lines are dropped: the test runs the HEALTHCHECK itself.
P() {
  timeout 120 podman --runtime "$RUNC" "$@" \
    2> >(grep -v 'unable to get systemd connection' >&2)
}

NAME=dyadtone-ctest-$$
VOLUME=dyadtone-ctest-$$
rootfs=""
cleanup() {
  local rc=$?
  for c in "$NAME" "$NAME-2"; do
    timeout 60 podman rm -f -t 0 "$c" >/dev/null 2>&1 || true
  done
  timeout 60 podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  if [ -n "$rootfs" ]; then rm -rf --one-file-system "$rootfs"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # interrupted or timed out: clean up all the same

fail() {
  echo "FAIL: container test: $*" >&2
  for c in "$NAME" "$NAME-2"; do
    if timeout 10 podman container exists "$c" 2>/dev/null; then
      echo "--- podman logs $c" >&2
      timeout 30 podman logs "$c" 2>&1 | tail -30 >&2 || true
    fi
  done
  exit 1
}

# ---- the base images

# The Debian mirror of the host's bookworm sources (deb822 or one-line form),
# so that debootstrap and apt in the image use what is reachable here.
host_mirror() {
  local kind=$1  # "" for the main archive, "-security" for security updates
  cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v kind="$kind" '
    /^URIs:/ { uri = $2 }
    /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm" kind) found = 1 }
    /^$/ { if (found && uri != "") { print uri; exit } found = 0; uri = "" }
    END { if (found && uri != "") print uri }' | head -1 || true
  { grep -hE '^deb[[:space:]]' /etc/apt/sources.list 2>/dev/null || true; } |
    sed -E 's/\[[^]]*\]//' |
    awk -v kind="$kind" '$3 == "bookworm" kind { print $2; exit }'
}

make_base_images() {
  local missing=0 image
  for image in "${BASE_IMAGES[@]}"; do
    P image exists "$image" || missing=1
  done
  if [ $missing -eq 0 ]; then
    say "base images present (cached): ${BASE_IMAGES[*]}"
    return
  fi
  command -v debootstrap >/dev/null 2>&1 ||
    fail "debootstrap is needed to make the Debian base images (scripts/install-deps.sh)"
  local mirror security
  mirror=${DEBIAN_MIRROR:-$(host_mirror "" | head -1)}
  mirror=${mirror:-http://deb.debian.org/debian}
  security=$(host_mirror -security | head -1)
  security=${security:-http://deb.debian.org/debian-security}
  rootfs=$(mktemp -d /var/tmp/dyadtone-rootfs.XXXXXX)
  say "making the base images: debootstrap --variant=minbase bookworm from $mirror"
  if ! timeout 900 debootstrap --variant=minbase bookworm "$rootfs/root" "$mirror" \
      >"$rootfs/debootstrap.log" 2>&1; then
    tail -20 "$rootfs/debootstrap.log" >&2
    fail "debootstrap failed"
  fi
  # One minbase tree serves as both tags: it is larger than the official
  # bookworm-slim (no docs or locales stripped) but has the same packages.
  # The sources of the official image (with updates and security), and no
  # package caches in the layer.
  rm -f "$rootfs/root/etc/apt/sources.list"
  cat >"$rootfs/root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  rm -rf "$rootfs"/root/var/cache/apt/archives/*.deb "$rootfs"/root/var/lib/apt/lists/*
  tar -C "$rootfs/root" -c . |
    timeout 300 podman import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["bash"]' - "${BASE_IMAGES[0]}" >/dev/null ||
    fail "podman import of the debootstrap tree failed"
  P tag "${BASE_IMAGES[0]}" "${BASE_IMAGES[1]}"
  rm -rf --one-file-system "$rootfs"
  rootfs=""
  say "base images made: ${BASE_IMAGES[*]}"
}

# ---- helpers for the checks

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

cli() { "$CLI" --target="$TARGET" "$@"; }  # with a --timeout of 30 s

# --read-only-tmpfs=false: not even /tmp, /var/tmp or /run are writable.
run_container() {  # NAME: starts the image on the volume, read-only, detached
  P run -d --name "$1" "${RUN_OPTS[@]}" \
    --read-only --read-only-tmpfs=false -v "$VOLUME:/data" \
    -e DYADTONE_LISTEN="$TARGET" "$IMAGE" >/dev/null ||
    fail "podman run $1 failed"
}

wait_serving() {  # NAME: up to 30 s for SERVING
  for _ in $(seq 1 60); do
    if cli --timeout=1 health >/dev/null 2>&1; then return 0; fi
    [ "$(P inspect -f '{{.State.Running}}' "$1")" = true ] ||
      fail "$1 exited before serving"
    sleep 0.5
  done
  fail "$1 not SERVING within 30 s"
}

# Checks the trend: the five months of the examples, one article each, warm.
check_trend() {
  local json
  json=$(cli --format=json trend PAK USA --by month) || fail "trend failed"
  python3 -c '
import json, sys
points = json.loads(sys.argv[1]).get("points", [])
months = [p.get("periodStart") for p in points]
if months != sys.argv[2].split():
    sys.exit("months %s, expected %s" % (months, sys.argv[2]))
for p in points:
    if int(p.get("articleCount", 0)) != 1 or float(p.get("meanTone", 0)) <= 0:
        sys.exit("point %s: want 1 article, warm tone" % p)
' "$json" "$EXPECTED_MONTHS" || fail "PAK-USA trend: $json"
}

stored_articles() {
  cli --format=json info |
    python3 -c 'import json, sys; print(int(json.load(sys.stdin).get("storedArticles", 0)))'
}

# ---- the test

timeout 60 podman info >/dev/null 2>&1 ||
  fail "podman info fails: $(timeout 60 podman info 2>&1 | tail -3)"

CLI="$BUILD_DIR/client/cli/dyadtone"
if [ ! -x "$CLI" ]; then
  say "building the host CLI"
  scripts/build.sh dyadtone >/dev/null
fi

make_base_images

# build_image TAG [--target STAGE]: podman build, quiet unless it fails; then
# the steps that took 5 s or more, for whoever wonders where the time went.
build_image() {
  local tag=$1 log t0=$SECONDS
  shift
  log=$(mktemp /var/tmp/dyadtone-build.XXXXXX)
  if ! timeout 1800 nice podman build --runtime "$RUNC" --pull=never --format docker \
      "${RUN_OPTS[@]}" --build-arg BUILD_JOBS="${BUILD_JOBS:-$(nproc)}" \
      --label org.opencontainers.image.revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
      -t "$tag" "$@" . 2>&1 |
      while IFS= read -r line; do  # each line with its second of the build
        printf '%d %s\n' $((SECONDS - t0)) "$line"
      done >"$log"; then
    tail -40 "$log" >&2
    rm -f "$log"
    fail "podman build of $tag failed"
  fi
  awk 'function flush() { if (step != "" && $1 - at >= 5) printf "    %4ds  %s\n", $1 - at, step }
       / STEP [0-9]+\/[0-9]+: / { flush(); at = $1; step = substr($0, index($0, "STEP")) }
       END { flush() }' "$log" | cut -c1-110
  rm -f "$log"
}

image_id() { P image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }

# The builder stage gets a tag of its own, so that the layers of an image
# replaced by this build (which would stay behind untagged, ~0.8 GB a time)
# can be removed by their id without touching the build cache in use.
BUILDER_IMAGE=${DYADTONE_BUILDER_IMAGE:-localhost/dyadtone-builder:latest}
old_ids="$(image_id "$BUILDER_IMAGE") $(image_id "$IMAGE")"
say "building $IMAGE (podman build --format docker --pull=never)"
build_image "$BUILDER_IMAGE" --target builder
build_image "$IMAGE"
new_ids="$(image_id "$BUILDER_IMAGE") $(image_id "$IMAGE")"
for id in $old_ids; do
  case " $new_ids " in
    *" $id "*) ;;
    *) P rmi "$id" >/dev/null 2>&1 || true ;;  # still used elsewhere: kept
  esac
done
say "image built: $(P image inspect -f '{{.Size}}' "$IMAGE") bytes"

[ "$(P image inspect -f '{{.Config.User}}' "$IMAGE")" = "10001:10001" ] ||
  fail "the image's user is not 10001:10001"
P image inspect -f '{{json .Config.Healthcheck}}' "$IMAGE" | grep -q healthcheck ||
  fail "the image has no HEALTHCHECK (built without --format docker?)"

TARGET="127.0.0.1:$(free_port)"
P volume create "$VOLUME" >/dev/null
say "running $NAME on $TARGET, --read-only, volume $VOLUME at /data"
run_container "$NAME"
wait_serving "$NAME"

uid=$(P exec "$NAME" sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' /proc/1/status)
[ "$uid" = 10001 ] || fail "dyadtoned runs as uid '$uid', not 10001"
probe=$(P exec --user 0 "$NAME" touch /usr/share/dyadtone/probe 2>&1) &&
  fail "the root filesystem is writable"
grep -q "Read-only file system" <<<"$probe" ||
  fail "writing as root in the container: '$probe', not a read-only error"
say "dyadtoned runs as uid 10001; the root filesystem is read-only"

ingest=$(cli --format=json ingest examples/articles) || fail "ingest failed: $ingest"
python3 -c 'import json, sys; r = json.loads(sys.argv[1]); sys.exit(0 if int(r.get("stored", 0)) == 5 else "stored: %s" % r)' \
  "$ingest" || fail "the first ingest did not store 5 articles: $ingest"
check_trend
[ "$(stored_articles)" = 5 ] || fail "the server does not report 5 stored articles"
say "ingested 5 articles from the host; PAK-USA trend: $EXPECTED_MONTHS"

cli health >/dev/null || fail "dyadtone health (host CLI) is not SERVING"
P healthcheck run "$NAME" || fail "podman healthcheck run: unhealthy"
status=$(P inspect -f '{{.State.Health.Status}}' "$NAME")
[ "$status" = healthy ] || fail "health status '$status', not healthy"
# The check follows DYADTONE_LISTEN: a wildcard host is reached on loopback,
# and a port where nothing listens is unhealthy.
P exec -e DYADTONE_LISTEN="0.0.0.0:${TARGET##*:}" "$NAME" \
  /usr/libexec/dyadtone/healthcheck >/dev/null ||
  fail "the health check does not reach 0.0.0.0:PORT on loopback"
if P exec -e DYADTONE_LISTEN="127.0.0.1:$(free_port)" "$NAME" \
    /usr/libexec/dyadtone/healthcheck >/dev/null 2>&1; then
  fail "the health check passes where no server listens"
fi
say "health: the CLI says SERVING, the image's HEALTHCHECK says $status"

say "podman stop (SIGTERM)"
P stop -t 30 "$NAME" >/dev/null || fail "podman stop failed"
code=$(P inspect -f '{{.State.ExitCode}}' "$NAME")
[ "$code" = 0 ] || fail "exit code $code after SIGTERM, not 0"
logs=$(P logs "$NAME" 2>&1)
grep -q '"msg":"shutting down","signal":"Terminated"' <<<"$logs" ||
  fail "no shutdown line for SIGTERM in the log"
grep -q '"msg":"stopped"' <<<"$logs" || fail "no \"stopped\" line in the log"
say "stopped on SIGTERM: exit code 0, \"stopped\" logged"

say "a new container $NAME-2 on the same volume"
run_container "$NAME-2"
wait_serving "$NAME-2"
[ "$(stored_articles)" = 5 ] || fail "the 5 articles did not survive the restart"
check_trend
again=$(cli --format=json ingest examples/articles) || fail "re-ingest failed"
python3 -c 'import json, sys; r = json.loads(sys.argv[1]); sys.exit(0 if int(r.get("unchanged", 0)) == 5 else "%s" % r)' \
  "$again" || fail "re-ingesting changed something: $again"
P stop -t 30 "$NAME-2" >/dev/null || fail "podman stop $NAME-2 failed"
[ "$(P inspect -f '{{.State.ExitCode}}' "$NAME-2")" = 0 ] ||
  fail "$NAME-2 did not exit 0 on SIGTERM"
say "the data survived: 5 articles, same trend, re-ingest unchanged"

say "PASS ($((SECONDS - started)) s)"
