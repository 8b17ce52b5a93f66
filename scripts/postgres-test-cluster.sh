#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, all of it inside DIR: initdb
# and pg_ctl as the `postgres` user (when run as root; as yourself
# otherwise), listening on 127.0.0.1 on a free port and on a private socket
# directory, superuser `postgres` with a random password (scram-sha-256 over
# TCP), encoding UTF8.
#
#   postgres-test-cluster.sh start DIR   creates and starts it; prints its URL
#   postgres-test-cluster.sh url DIR     prints the URL (postgresql://postgres:PW@127.0.0.1:PORT/postgres)
#   postgres-test-cluster.sh down DIR    stops the server (pg_ctl stop -m fast), keeps the cluster
#   postgres-test-cluster.sh up DIR      starts it again on the same port
#   postgres-test-cluster.sh stop DIR    stops the server and deletes DIR
#
# `start` first removes what an interrupted run left in DIR; `stop` of a
# missing DIR does nothing. The binaries come from $PG_BINDIR, else
# `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin, else PATH.
# The URL is also in DIR/url.
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}
[ $# -eq 2 ] || usage
command=$1
dir=$2
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac

bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  if command -v pg_config >/dev/null 2>&1; then
    local b
    b=$(pg_config --bindir 2>/dev/null || true)
    if [ -x "$b/initdb" ]; then echo "$b"; return; fi
  fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$newest" ] && [ -x "$newest/initdb" ]; then echo "$newest"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  echo "postgres-test-cluster: no initdb found; install postgresql (scripts/install-deps.sh) or set PG_BINDIR" >&2
  exit 1
}

# Runs a command as the cluster's owner: `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$dir" && runuser -u postgres -- "$@")
  else
    (cd "$dir" && "$@")
  fi
}

free_port() {
  if [ -x /usr/bin/python3 ]; then
    /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
    return
  fi
  local port
  while true; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

socket_dir() { cat "$dir/socket_dir"; }

server_running() {
  [ -f "$dir/data/postmaster.pid" ] && as_owner "$(bindir)/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

stop_server() {
  [ -d "$dir/data" ] || return 0
  server_running || return 0
  local bin
  bin=$(bindir)
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || {
      local pid
      pid=$(head -1 "$dir/data/postmaster.pid" 2>/dev/null || true)
      [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
    }
}

start_server() {
  local bin=$1
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
}

write_port() {
  local port=$1
  cat >"$dir/data/postgresql.auto.conf" <<EOF
# Written by postgres-test-cluster.sh
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$(socket_dir)'
max_connections = 200
shared_buffers = 32MB
EOF
  [ "$(id -u)" -ne 0 ] || chown postgres: "$dir/data/postgresql.auto.conf"
  echo "$port" >"$dir/port"
  echo "postgresql://postgres:$(cat "$dir/password")@127.0.0.1:$port/postgres" >"$dir/url"
}

remove_cluster() {
  stop_server
  if [ -f "$dir/socket_dir" ]; then rm -rf "$(socket_dir)"; fi
  rm -rf "$dir"
}

case "$command" in
  start)
    bin=$(bindir)
    remove_cluster
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$dir"
      if ! runuser -u postgres -- test -w "$dir"; then
        echo "postgres-test-cluster: the postgres user cannot write $dir (is a parent directory closed to it?)" >&2
        exit 1
      fi
    fi
    # A socket path must stay under about 100 bytes.
    if [ ${#dir} -le 60 ]; then
      mkdir -p "$dir/socket"
      echo "$dir/socket" >"$dir/socket_dir"
    else
      mktemp -d /tmp/dyadtone-pg-socket.XXXXXX >"$dir/socket_dir"
    fi
    [ "$(id -u)" -ne 0 ] || chown postgres: "$(socket_dir)"
    head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' | sed 's/^/pgtest-/' >"$dir/password"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir/password"
    if ! as_owner "$bin/initdb" -D "$dir/data" -U postgres --pwfile="$dir/password" \
        -E UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256 \
        --no-sync --no-instructions >"$dir/initdb.log" 2>&1; then
      cat "$dir/initdb.log" >&2
      exit 1
    fi
    started=0
    for _ in 1 2 3 4 5; do  # a port taken in the meantime: another one
      write_port "$(free_port)"
      if start_server "$bin"; then started=1; break; fi
    done
    if [ $started -ne 1 ]; then
      echo "postgres-test-cluster: the server did not start; its log:" >&2
      tail -20 "$dir/server.log" >&2 || true
      exit 1
    fi
    cat "$dir/url"
    ;;
  url)
    cat "$dir/url"
    ;;
  down)
    stop_server
    ;;
  up)
    start_server "$(bindir)"
    ;;
  stop)
    [ -d "$dir" ] || exit 0
    remove_cluster
    ;;
  *)
    usage
    ;;
esac
