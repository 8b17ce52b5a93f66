#!/usr/bin/env bash
# Installs the Debian 12 packages dyadtone builds and tests with. Idempotent:
# asks apt only for what is missing. Needs root (or sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libabsl-dev                        # Abseil: Status, strings, flags, containers
  libgtest-dev libgmock-dev          # GoogleTest / GoogleMock
  libbenchmark-dev                   # Google Benchmark
  nlohmann-json3-dev                 # JSON for the command-line tools
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  grpc-proto                         # gRPC, Protobuf, the health proto
  libsqlite3-dev                     # the embedded store
  libpq-dev                          # the PostgreSQL store (libpq)
  postgresql                         # throwaway clusters for the PostgreSQL tests (initdb, pg_ctl, psql)
  python3-grpcio python3-grpc-tools  # the independent client of the e2e test
  libssl-dev                         # OpenSSL: TLS files checked at startup, token digests
  openssl                            # the security tests make their certificates with it
  python3-yaml                       # parses the Kubernetes manifests (tests/deploy)
  podman runc                        # builds and runs the image (container-test.sh)
  debootstrap                        # makes the Debian base images without a registry
  clang-14 libclang-rt-14-dev llvm-14  # scripts/sanitize.sh: ASan, UBSan, TSan,
                                       # libFuzzer, llvm-symbolizer
)
# npm, for buf (API lint); any npm will do, Debian's if there is none.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# buf, at the exact version package.json names.
cd "$(dirname "$0")/.."
if [ ! -x node_modules/.bin/buf ]; then
  npm install --no-audit --no-fund --no-package-lock --loglevel=error
fi
