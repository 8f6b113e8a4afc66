#!/usr/bin/env bash
# Management-API benchmarks (issue 2) with ../shared/bench: Userpools (SQLite) side by side with moto and
# cognito-local, plus the harness's JSON echo ceiling; writes a Markdown report.
#
#   bash tools/bench.sh [--work DIR] [--duration S] [--rounds N] [--big-users N] [--only CELLS] [--quick]
#
# CELLS: comma list of echo,get,create,filter10k,filter100k (default: all).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$REPO/bench-work"
DURATION=20
ROUNDS=5
USERS=1000
MID_USERS=10000
BIG_USERS=100000
CONC=16
ONLY="echo,get,create,filter10k,filter100k"
while [ $# -gt 0 ]; do
  case "$1" in
    --work) WORK="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --big-users) BIG_USERS="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --quick) DURATION=4; ROUNDS=2; USERS=200; MID_USERS=1000; BIG_USERS=5000; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
# shellcheck source=tools/bench_lib.sh
. "$REPO/tools/bench_lib.sh"
want() { [[ ",$ONLY," == *",$1,"* ]]; }
REPORT_ARGS=()

if want echo; then
  log "echo ceiling (uvicorn httptools+uvloop)"
  start echo any -- "$WORK/venv/bin/uvicorn" --app-dir "$BENCH" echo_app:app --host 127.0.0.1 --port @PORT@ \
    --no-access-log --log-level warning --http httptools --loop uvloop
  bench "$RUN/echo.json" echo 0 echo "$PID" "$URL"
  cleanup
  REPORT_ARGS+=(--echo "$RUN/echo.json")
fi
if want get; then
  log "AdminGetUser: userpools vs cognito-local, N=$USERS"
  ours get; A_PID=$PID; A_URL=$URL
  cognito_local get; B_PID=$PID; B_URL=$URL
  bench "$RUN/admin_get_user.json" admin_get_user "$USERS" userpools "$A_PID" "$A_URL" cognito-local "$B_PID" "$B_URL"
  cleanup
  REPORT_ARGS+=(--bench "AdminGetUser, N=$USERS, c=$CONC (A=userpools, B=cognito-local)" "$RUN/admin_get_user.json")
fi
if want create; then
  log "AdminCreateUser: userpools vs moto"
  ours create; A_PID=$PID; A_URL=$URL
  moto create; B_PID=$PID; B_URL=$URL
  bench "$RUN/admin_create_user.json" admin_create_user 100 userpools "$A_PID" "$A_URL" moto "$B_PID" "$B_URL"
  cleanup
  REPORT_ARGS+=(--bench "AdminCreateUser, c=$CONC (A=userpools, B=moto)" "$RUN/admin_create_user.json")
fi
if want filter10k; then
  log "ListUsers email filter: userpools vs cognito-local, N=$MID_USERS"
  ours mid; A_PID=$PID; A_URL=$URL
  cognito_local mid; B_PID=$PID; B_URL=$URL
  bench "$RUN/list_users_filter_mid.json" list_users_filter "$MID_USERS" \
    userpools "$A_PID" "$A_URL" cognito-local "$B_PID" "$B_URL"
  cleanup
  REPORT_ARGS+=(--bench "ListUsers email filter, N=$MID_USERS, c=$CONC (A=userpools, B=cognito-local)"
                "$RUN/list_users_filter_mid.json")
fi
if want filter100k; then
  log "ListUsers email filter: userpools alone, N=$BIG_USERS"
  ours big; A_PID=$PID; A_URL=$URL
  bench "$RUN/list_users_filter_big.json" list_users_filter "$BIG_USERS" userpools "$A_PID" "$A_URL"
  cleanup
  REPORT_ARGS+=(--bench "ListUsers email filter, N=$BIG_USERS, c=$CONC (userpools alone)"
                "$RUN/list_users_filter_big.json")
fi

"$PY" "$BENCH/report.py" --out "$RUN/report.md" --title "Userpools management-API benchmarks" \
  --meta "generated" "$(date -u +%Y-%m-%dT%H:%MZ) by tools/bench.sh (raw JSON in $RUN)" \
  --meta "machine" "$(nproc) CPUs, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM; generator and servers share it" \
  "${REPORT_ARGS[@]}"
log "report: $RUN/report.md"
