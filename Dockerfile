# The dyadtoned image: the server, the dyadtone CLI (for the health check and
# for operators) and the shipped gazetteer and lexicon, on debian:bookworm-slim
# with only the runtime libraries.
#
#   podman build --format docker -t dyadtone .     (docker build -t dyadtone .)
#   podman run -d -p 50051:50051 -v dyadtone-data:/data dyadtone
#
# "--format docker" keeps the HEALTHCHECK (the OCI image format has none).
# Every dyadtoned flag can be set with DYADTONE_<FLAG> in the environment;
# DYADTONE_STORE=postgresql://... selects the PostgreSQL store (libpq5 is in
# the image). The root filesystem may be read-only: the server writes only
# to /data (the SQLite store) and nothing at all with PostgreSQL.

# ---- builder: the Debian 12 toolchain and -dev packages; Release build of
# the two binaries only (no tests, no benchmarks, no tools).
FROM docker.io/library/debian:bookworm AS builder

# libpq-dev: the PostgreSQL store's client library; libssl-dev: TLS files
# checked at startup and token digests.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config \
      libabsl-dev nlohmann-json3-dev libsqlite3-dev libpq-dev libssl-dev \
      libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc \
      grpc-proto \
 && apt-get clean && rm -rf /var/lib/apt/lists/*

# Only what the build reads, so that a change to the docs, tests or scripts
# does not rebuild the binaries.
WORKDIR /src
COPY CMakeLists.txt ./
COPY proto proto
COPY service service
COPY client client
COPY tools tools
COPY data data
# The engine's profile-guided build trains on these texts (service/engine/).
COPY tests/testdata/lexicon_cases.tsv tests/testdata/
COPY tests/testdata/vader/vader_lexicon.txt tests/testdata/vader/tweets_GroundTruth.txt \
     tests/testdata/vader/

# BUILD_JOBS: parallel compile jobs (empty: one per core).
ARG BUILD_JOBS=
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DDYADTONE_BUILD_TESTS=OFF -DDYADTONE_BUILD_BENCHMARKS=OFF \
      -DCMAKE_INSTALL_PREFIX=/usr -DDYADTONE_DATA_DIR=/usr/share/dyadtone \
 && cmake --build build --target dyadtoned dyadtone ${BUILD_JOBS:+-j "$BUILD_JOBS"} \
 && DESTDIR=/install cmake --install build --strip

# ---- runtime
FROM docker.io/library/debian:bookworm-slim

# The shared libraries the two binaries link: gRPC (which brings Protobuf,
# Abseil, RE2, c-ares, OpenSSL and zlib with it, named here all the same so
# that the list says what the binaries need), SQLite, and libpq for the
# PostgreSQL store.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 libre2-9 \
      libc-ares2 libssl3 zlib1g libsqlite3-0 libpq5 \
 && apt-get clean && rm -rf /var/lib/apt/lists/*

# A fixed numeric uid, so that Kubernetes' runAsNonRoot can verify it, and
# the data directory owned by it (a new named volume copies this ownership).
RUN groupadd --system --gid 10001 dyadtone \
 && useradd --system --uid 10001 --gid dyadtone --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin dyadtone \
 && mkdir /data && chown dyadtone:dyadtone /data && chmod 0750 /data

COPY --from=builder /install/usr/bin/dyadtoned /install/usr/bin/dyadtone /usr/bin/
COPY --from=builder /install/usr/share/dyadtone /usr/share/dyadtone/
COPY deploy/container/healthcheck.sh /usr/libexec/dyadtone/healthcheck

# Fails the build, naming the library, if a binary links one that the list
# above does not install (e.g. a new store backend's client library).
RUN if ldd /usr/bin/dyadtoned /usr/bin/dyadtone | grep 'not found'; then \
      echo 'add the package of these libraries to the runtime stage' >&2; \
      exit 1; \
    fi \
 && test -r /usr/share/dyadtone/lexicon.txt \
 && test -r /usr/share/dyadtone/gazetteer.txt

# VERSION follows project() in CMakeLists.txt. The commit is best added at
# build time: --label org.opencontainers.image.revision=$(git rev-parse HEAD)
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="dyadtone" \
      org.opencontainers.image.description="gRPC service scoring the tone of country pairs (dyads) in news text" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.base.name="docker.io/library/debian:bookworm-slim"

ENV DYADTONE_LISTEN=0.0.0.0:50051 \
    DYADTONE_STORE=sqlite:/data/dyadtone.db
VOLUME /data
WORKDIR /data
EXPOSE 50051
USER 10001:10001

# The health service through the CLI: exit 0 only when SERVING.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/libexec/dyadtone/healthcheck"]

# dyadtoned is PID 1 and handles SIGTERM itself: NOT_SERVING, calls in flight
# finish within --shutdown-grace-seconds (10), the store closes, exit 0. Give
# the runtime a stop timeout above that grace (podman stop -t 30).
STOPSIGNAL SIGTERM
ENTRYPOINT ["dyadtoned"]
