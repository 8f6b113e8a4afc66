#!/usr/bin/env bash
# Sign-in benchmarks (issue 3) with ../shared/bench: Userpools on SQLite and on PostgreSQL, side by side with
# moto and cognito-local, plus refs.py's single-core crypto floor; writes a Markdown report.
#
#   bash tools/bench_signin.sh [--work DIR] [--duration S] [--rounds N] [--users N] [--stores sqlite,postgresql]
#                              [--workers N]
#
# --workers N: the side-by-side cells run `userpools serve --workers N` (N processes on one port); the
# harness then reads only the parent's CPU, so CPU per op comes from the USER_SRP_AUTH cell, which always
# runs one process and signs on its event loop. With spare cores the side-by-side cells sign in a child
# process (USERPOOLS_SIGNING=auto), whose CPU the harness's "srv CPU ms/op" leaves out.
#
# PostgreSQL: a fresh database on 127.0.0.1:5432 (user postgres, trust auth), dropped afterwards.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$REPO/bench-work"
DURATION=20
ROUNDS=5
USERS=1000
CONC=16
STORES="sqlite,postgresql"
WORKERS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --work) WORK="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --users) USERS="$2"; shift 2 ;;
    --stores) STORES="$2"; shift 2 ;;
    --workers) WORKERS="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=tools/bench_lib.sh
. "$REPO/tools/bench_lib.sh"

log "crypto floor (refs.py)"
"$PY" "$BENCH/refs.py" --out "$RUN/refs.json" 2> >(tee -a "$RUN/bench.log" >&2)

REPORT_ARGS=()
for store in ${STORES//,/ }; do
  db_args=()
  if [ "$store" = postgresql ]; then
    DBNAME="userpools_bench_$(date +%s)"
    psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DBNAME" postgres
    db_args=(--db "postgresql://postgres@127.0.0.1:5432/$DBNAME")
  fi
  log "[$store] userpools vs moto"
  ours "$store-moto" "${db_args[@]}" --workers "$WORKERS"; A_PID=$PID; A_URL=$URL
  moto "$store"; B_PID=$PID; B_URL=$URL
  bench "$RUN/$store-vs-moto.json" initiate_auth_password,refresh_token,mixed,sign_up "$USERS" \
    userpools "$A_PID" "$A_URL" moto "$B_PID" "$B_URL"
  cleanup
  if [ "$store" = postgresql ]; then
    psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $DBNAME WITH (FORCE)" postgres
    psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DBNAME" postgres
  fi
  log "[$store] userpools vs cognito-local"
  ours "$store-cl" "${db_args[@]}" --workers "$WORKERS"; A_PID=$PID; A_URL=$URL
  cognito_local "$store"; B_PID=$PID; B_URL=$URL
  bench "$RUN/$store-vs-cognito-local.json" get_user,mixed "$USERS" \
    userpools "$A_PID" "$A_URL" cognito-local "$B_PID" "$B_URL"
  cleanup
  if [ "$store" = postgresql ]; then
    psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $DBNAME WITH (FORCE)" postgres
    psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DBNAME" postgres
  fi
  log "[$store] USER_SRP_AUTH server CPU (userpools alone; no peer does real SRP)"
  # Signatures on the event loop: the harness reads one process's CPU, and the floor counts them.
  SIGNING=loop ours "$store-srp" "${db_args[@]}"; A_PID=$PID; A_URL=$URL
  bench "$RUN/$store-srp.json" initiate_auth_srp "$USERS" userpools "$A_PID" "$A_URL"
  cleanup
  [ "$store" = postgresql ] && psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE $DBNAME WITH (FORCE)" postgres
  REPORT_ARGS+=(--bench "[$store] A=userpools (--workers $WORKERS), B=moto, N=$USERS, c=$CONC" "$RUN/$store-vs-moto.json"
                --bench "[$store] A=userpools (--workers $WORKERS), B=cognito-local, N=$USERS, c=$CONC" "$RUN/$store-vs-cognito-local.json"
                --bench "[$store] USER_SRP_AUTH, userpools alone, c=$CONC" "$RUN/$store-srp.json")
done

"$PY" "$BENCH/report.py" --out "$RUN/report.md" --title "Userpools sign-in benchmarks" \
  --meta "generated" "$(date -u +%Y-%m-%dT%H:%MZ) by tools/bench_signin.sh (raw JSON in $RUN)" \
  --meta "machine" "$(nproc) CPUs, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM; generator and servers share it" \
  "${REPORT_ARGS[@]}" --refs "$RUN/refs.json"
log "report: $RUN/report.md"
