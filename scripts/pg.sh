#!/usr/bin/env bash
# Throw-away PostgreSQL cluster for tests and benchmarks.
#
#   scripts/pg.sh start          create + start a cluster, write var/pg.env
#   scripts/pg.sh stop           stop it and remove its folder
#   scripts/pg.sh status         print var/pg.env and whether the server answers
#   scripts/pg.sh run -- CMD...  start, run CMD with the environment below, always stop
#
# The cluster lives in a mktemp folder, owned by the `postgres` user when run as
# root (initdb refuses root), trust authentication, listening on 127.0.0.1 only
# on the first free port from PG_PORT (default 55432). var/pg.env (sourceable)
# and the environment of `run` carry:
#   TRYTOND_DATABASE_URI=postgresql://postgres@127.0.0.1:PORT/
#   PGHOST=127.0.0.1 PGPORT=PORT PGUSER=postgres PG_BIN=<server binaries>
# Settings: fsync/synchronous_commit off for speed unless PG_DURABLE=1;
# random_page_cost 1.1 as for SSD storage (see docs in README).
# With CI=true and no server binaries, postgresql is apt-installed first.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${PG_STATE:-$ROOT/var/pg.env}
PG_PORT=${PG_PORT:-55432}
PG_USER=postgres

find_bin() {
    local d
    for d in ${PG_BIN:-} $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"; return 0
    fi
    return 1
}

ensure_bin() {
    if ! BIN=$(find_bin); then
        if [ "${CI:-}" = "true" ] && [ "$(id -u)" = 0 ]; then
            echo ">> PostgreSQL server not found: apt-get install postgresql" >&2
            apt-get update -qq >&2
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
            BIN=$(find_bin) || { echo "PostgreSQL server binaries still missing" >&2; exit 1; }
        else
            echo "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and PATH)." >&2
            echo "Install them: apt-get install postgresql (or set PG_BIN)." >&2
            exit 1
        fi
    fi
}

free_port() {
    python3 - "$1" <<'PY'
import socket, sys
start = int(sys.argv[1])
for port in range(start, start + 200):
    with socket.socket() as s:
        try:
            s.bind(('127.0.0.1', port))
        except OSError:
            continue
        print(port)
        break
else:
    sys.exit('no free port')
PY
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        # from /: the postgres user may not enter the caller's folder
        (cd / && runuser -u "$PG_USER" -- "$@")
    else
        "$@"
    fi
}

cmd_start() {
    if [ -f "$STATE" ]; then
        # shellcheck disable=SC1090
        if (. "$STATE" && "$PG_BIN/pg_isready" -q -h "$PGHOST" -p "$PGPORT"); then
            echo "a cluster is already running ($STATE); run '$0 stop' first" >&2
            exit 1
        fi
        echo ">> removing the leftovers of a cluster that is not running" >&2
        cmd_stop
    fi
    ensure_bin
    if [ "$(id -u)" = 0 ] && ! id -u "$PG_USER" >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/bash "$PG_USER"
    fi
    local dir port owner_user
    dir=$(mktemp -d "${TMPDIR:-/tmp}/crm-pg.XXXXXX")
    chmod 755 "$dir"
    if [ "$(id -u)" = 0 ]; then chown "$PG_USER": "$dir"; owner_user=$PG_USER; else owner_user=$(id -un); fi
    port=$(free_port "$PG_PORT")
    mkdir -p "$ROOT/var"
    # Register before anything can fail so that `stop` always cleans up
    cat > "$STATE" <<EOF
PG_DIR=$dir
PG_BIN=$BIN
PGHOST=127.0.0.1
PGPORT=$port
PGUSER=$owner_user
TRYTOND_DATABASE_URI=postgresql://$owner_user@127.0.0.1:$port/
EOF
    as_owner "$BIN/initdb" -D "$dir/data" -U "$owner_user" --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || as_owner "$BIN/initdb" -D "$dir/data" -U "$owner_user" --auth=trust \
            --encoding=UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    local opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir"
    opts+=" -c max_connections=200 -c shared_buffers=256MB"
    # SSD / cached data: at the default 4.0 the planner prices an index
    # probe so high that it reads 400k appeals to find 4k by applicant
    opts+=" -c random_page_cost=1.1 -c effective_cache_size=1GB"
    if [ "${PG_DURABLE:-0}" != 1 ]; then
        opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$opts" -w -t 60 start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo ">> PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)" >&2
}

cmd_stop() {
    if [ ! -f "$STATE" ]; then
        echo "no cluster registered ($STATE missing)" >&2
        return 0
    fi
    # shellcheck disable=SC1090
    . "$STATE"
    if [ -d "$PG_DIR/data" ]; then
        as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    case "$PG_DIR" in
        */crm-pg.*) rm -rf "$PG_DIR" ;;
    esac
    rm -f "$STATE"
    echo ">> PostgreSQL on port $PGPORT stopped and removed" >&2
}

cmd_status() {
    if [ ! -f "$STATE" ]; then echo "no cluster"; return 1; fi
    cat "$STATE"
    # shellcheck disable=SC1090
    . "$STATE"
    "$PG_BIN/pg_isready" -h "$PGHOST" -p "$PGPORT"
}

cmd_run() {
    [ "${1:-}" = "--" ] && shift
    [ $# -gt 0 ] || { echo "usage: $0 run -- CMD..." >&2; exit 2; }
    # A state file of its own: `run` never touches a cluster started by `start`
    STATE=$ROOT/var/pg-run-$$.env
    trap cmd_stop EXIT
    trap 'exit 130' INT TERM
    cmd_start
    set -a
    # shellcheck disable=SC1090
    . "$STATE"
    set +a
    export PATH="$PG_BIN:$PATH"
    "$@"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    run) shift; cmd_run "$@" ;;
    *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
