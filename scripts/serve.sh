#!/usr/bin/env bash
# Serve a database as `make run` does: the server, and beside it trytond-cron,
# which runs the scheduled tasks (report mailings, deadlines, the analytics'
# counts by day, the manager's panel); both stop together (Ctrl+C, or a
# signal to this script).
#   scripts/serve.sh CONF DATABASE        (VBIN: the venv's bin folder)
set -uo pipefail
conf=$1 db=$2
root=$(cd "$(dirname "$0")/.." && pwd)
VBIN=${VBIN:-$root/.venv/bin}
logconf=$root/config/logging.conf

# One worker process: the demo's tasks are small, and each worker loads the
# whole pool.  A group of its own (its pid), stopped as a whole: the worker
# outlives a main process stopped alone.
setsid "$VBIN/trytond-cron" -c "$conf" --logconf "$logconf" -d "$db" -n 1 &
cron=$!
"$VBIN/trytond" -c "$conf" --logconf "$logconf" -d "$db" &
server=$!

stop() {
    kill "$server" 2>/dev/null
    kill -- "-$cron" 2>/dev/null
    wait "$server" "$cron" 2>/dev/null
}
trap 'stop; exit 130' INT TERM
# Whichever ends first ends the other
wait -n "$server" "$cron"
rc=$?
stop
exit $rc
