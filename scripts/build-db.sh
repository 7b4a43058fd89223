#!/usr/bin/env bash
# Build a CRM database from scratch, on SQLite or PostgreSQL (per CONF):
#   scripts/build-db.sh CONF NAME [MODULE...]      (MODULE defaults to crm_dispatch)
#
# 1. init (ir, res), admin password from $TRYTONPASSFILE
# 2. activate the modules with their dependencies and Russian translations
# 3. make Russian the default language (scripts/set_language.py)
# 4. demo data: tools/demo.py -c CONF -d NAME $DEMO_ARGS   (e.g. DEMO_ARGS=--small;
#    DEMO=0 skips it)
#
# The database is built under a temporary name (NAME_build) and renamed to NAME
# only when everything succeeded: an interrupted run never leaves a half database.
set -euo pipefail

CONF=${1:?usage: build-db.sh CONF NAME [MODULE...]}
NAME=${2:?usage: build-db.sh CONF NAME [MODULE...]}
shift 2
MODULES=("$@")
[ ${#MODULES[@]} -gt 0 ] || MODULES=(crm_dispatch)

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$ROOT/.venv/bin
: "${TRYTONPASSFILE:?TRYTONPASSFILE must name a file holding the admin password}"
DBTOOL=("$BIN/python" "$ROOT/scripts/dbtool.py" -c "$CONF")
BUILD=${NAME}_build

trap '"${DBTOOL[@]}" drop "$BUILD" || true' EXIT
"${DBTOOL[@]}" create "$BUILD"

step() { echo; echo ">> [$(date +%H:%M:%S)] $*"; }

step "initialising database $NAME ($("${DBTOOL[@]}" backend)): ir, res"
"$BIN/trytond-admin" -c "$CONF" -d "$BUILD" --all --email admin@example.com

step "activating ${MODULES[*]} with dependencies, Russian translations"
"$BIN/trytond-admin" -c "$CONF" -d "$BUILD" -u "${MODULES[@]}" --activate-dependencies -l ru

step "making Russian the default language"
"$BIN/python" "$ROOT/scripts/set_language.py" -c "$CONF" -d "$BUILD" ru

if [ "${DEMO:-1}" = 0 ]; then
    echo ">> DEMO=0: no demo data"
elif [ -f "$ROOT/tools/demo.py" ]; then
    step "loading demo data: tools/demo.py ${DEMO_ARGS:-}"
    # shellcheck disable=SC2086
    "$BIN/python" "$ROOT/tools/demo.py" -c "$CONF" -d "$BUILD" ${DEMO_ARGS:-}
    # Users created by the demo get Russian too
    "$BIN/python" "$ROOT/scripts/set_language.py" -c "$CONF" -d "$BUILD" ru
else
    echo "!! tools/demo.py not found: the database has no demo data" >&2
fi

"${DBTOOL[@]}" rename "$BUILD" "$NAME"
trap - EXIT
step "database $NAME ready"
