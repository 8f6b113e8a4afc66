#!/usr/bin/env bash
# Performance at scale (issue 7) with ../shared/bench: AdminGetUser and the ListUsers email filter on
# PostgreSQL, a pool of --users N (default 1,000,000) side by side with a pool of 1,000, one server each
# on its own fresh database; the report gives both medians and the ratio per cell.
#
#   bash tools/bench_scale.sh [--work DIR] [--users N] [--small-users N] [--duration S] [--rounds N] [--workers N]
#
# Both servers run `serve --workers N` (default 2, one per core here), which also halves the setup time;
# the harness then reads only the parent's CPU, so its CPU-per-op column does not apply.
#
# Setup goes through the API (AdminCreateUser, as the harness does): ~20-25 minutes for 1,000,000 users
# on a 2-core machine. The databases are dropped afterwards.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$REPO/bench-work"
DURATION=20
ROUNDS=5
USERS=1000000
SMALL_USERS=1000
CONC=1,16
WORKERS=2
while [ $# -gt 0 ]; do
  case "$1" in
    --work) WORK="$2"; shift 2 ;;
    --users) USERS="$2"; shift 2 ;;
    --small-users) SMALL_USERS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --workers) WORKERS="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=tools/bench_lib.sh
. "$REPO/tools/bench_lib.sh"

STAMP="$(date +%s)"
BIG_DB="userpools_scale_big_$STAMP"
SMALL_DB="userpools_scale_small_$STAMP"
drop_dbs() {
  for db in "$BIG_DB" "$SMALL_DB"; do
    psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres || true
  done
}
trap 'cleanup; drop_dbs' EXIT
for db in "$BIG_DB" "$SMALL_DB"; do psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $db" postgres; done

log "PostgreSQL: a $USERS-user pool and a $SMALL_USERS-user pool, one server and database each"
ours "big" --db "postgresql://postgres@127.0.0.1:5432/$BIG_DB" --workers "$WORKERS"; A_PID=$PID; A_URL=$URL
ours "small" --db "postgresql://postgres@127.0.0.1:5432/$SMALL_DB" --workers "$WORKERS"; B_PID=$PID; B_URL=$URL
# The harness gives every target of one run the same N, so each pool is measured in its own run with
# otherwise identical arguments: the small one first (a minute), then the big one right after its setup.
bench "$RUN/scale-small.json" admin_get_user,list_users_filter "$SMALL_USERS" "userpools-$SMALL_USERS" \
  "$B_PID" "$B_URL"
bench "$RUN/scale-big.json" admin_get_user,list_users_filter "$USERS" "userpools-$USERS" "$A_PID" "$A_URL" -- \
  --setup-max-s 3600 --setup-concurrency 16
"$PY" "$BENCH/report.py" --out "$RUN/report.md" --title "Userpools at scale (PostgreSQL)" \
  --meta "generated" "$(date -u +%Y-%m-%dT%H:%MZ) by tools/bench_scale.sh (raw JSON in $RUN)" \
  --meta "machine" "$(nproc) CPUs, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM; generator and servers share it" \
  --bench "PostgreSQL, N=$USERS" "$RUN/scale-big.json" --bench "PostgreSQL, N=$SMALL_USERS" "$RUN/scale-small.json"
log "report: $RUN/report.md"
