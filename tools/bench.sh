#!/usr/bin/env bash
# Runs the issue's benchmark cells with ../shared/bench: Userpools (SQLite) side by side with moto and
# cognito-local, plus the harness's JSON echo ceiling, and writes a Markdown report.
#
#   bash tools/bench.sh [--work DIR] [--duration S] [--rounds N] [--big-users N] [--quick]
#
# Installs the harness and the peers under --work (default ./bench-work, git-ignored) the first time.
# Only 127.0.0.1 is used; every server started here is stopped by PID on exit.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="${BENCH_DIR:-$REPO/../shared/bench}"
WORK="$REPO/bench-work"
DURATION=20
ROUNDS=5
USERS=1000
MID_USERS=10000
BIG_USERS=100000
CONC=16
while [ $# -gt 0 ]; do
  case "$1" in
    --work) WORK="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --big-users) BIG_USERS="$2"; shift 2 ;;
    --quick) DURATION=4; ROUNDS=2; USERS=200; MID_USERS=1000; BIG_USERS=5000; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
RUN="$WORK/run-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RUN"
PY="$WORK/venv/bin/python"
log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

if [ ! -x "$PY" ]; then
  python3 -m venv "$WORK/venv"
fi
"$WORK/venv/bin/pip" install -q -r "$BENCH/requirements.txt" 2>&1 | grep -v '^WARNING: Location' || true
if [ ! -f "$WORK/npm/node_modules/cognito-local/package.json" ]; then
  mkdir -p "$WORK/npm"
  ( cd "$WORK/npm" && { [ -f package.json ] || npm init -y >/dev/null; } \
    && npm install --no-audit --no-fund cognito-local@5.3.0 >/dev/null )
fi
[ -x "$REPO/.venv/bin/userpools" ] || make -C "$REPO" install

PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && "$PY" "$BENCH/serverctl.py" stop --pid "$p" || true; done; PIDS=(); }
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start() {  # NAME READY -- CMD...  -> prints "PID URL"
  local name="$1" ready="$2"; shift 3
  local port; port=$(free_port)
  local cmd=("${@//@PORT@/$port}")
  local pid
  pid=$("$PY" "$BENCH/serverctl.py" start --url "http://127.0.0.1:$port/" --ready "$ready" \
        --info "$RUN/$name.server.json" --log "$RUN/$name.log" --cwd "$RUN" --env "PORT=$port" --env HOST=127.0.0.1 \
        -- "${cmd[@]}")
  PIDS+=("$pid")
  log "$name up: pid $pid port $port $(cat "$RUN/$name.server.json")"
  echo "$pid http://127.0.0.1:$port/"
}
ours() { start "userpools-$1" cognito -- "$REPO/.venv/bin/userpools" serve --port @PORT@ --data-dir "$RUN/userpools-$1-data"; }
moto() { start "moto-$1" cognito -- "$WORK/venv/bin/moto_server" -H 127.0.0.1 -p @PORT@; }
cognito_local() {
  mkdir -p "$RUN/cl-$1/.cognito"
  echo '{"UserPoolDefaults":{"UsernameAttributes":[]}}' > "$RUN/cl-$1/.cognito/config.json"
  start "cognito-local-$1" cognito -- bash -c "cd '$RUN/cl-$1' && exec node '$WORK/npm/node_modules/cognito-local/lib/bin/start.js'"
}
bench() {  # OUT LABEL_A PID_A URL_A LABEL_B PID_B URL_B SCENARIO USERS
  local args=(--url "$4" --label-a "$2" --pid-a "$3" --scenario "$8" --concurrency "$CONC" --duration "$DURATION"
              --rounds "$ROUNDS" --users "$9" --setup-max-s 1800 --out "$1")
  [ -n "$5" ] && args+=(--url-b "$7" --label-b "$5" --pid-b "$6")
  "$PY" "$BENCH/bench.py" "${args[@]}" 2> >(tee -a "$RUN/bench.log" >&2)
}

log "1/5 echo ceiling"
read -r E_PID E_URL < <(start echo any -- "$WORK/venv/bin/uvicorn" --app-dir "$BENCH" echo_app:app --host 127.0.0.1 \
  --port @PORT@ --no-access-log --log-level warning --http httptools --loop uvloop)
bench "$RUN/echo.json" echo "$E_PID" "$E_URL" "" "" "" echo 0
cleanup

log "2/5 AdminGetUser: userpools vs cognito-local, N=$USERS"
read -r A_PID A_URL < <(ours get); read -r B_PID B_URL < <(cognito_local get)
bench "$RUN/admin_get_user.json" userpools "$A_PID" "$A_URL" cognito-local "$B_PID" "$B_URL" admin_get_user "$USERS"
cleanup

log "3/5 AdminCreateUser: userpools vs moto"
read -r A_PID A_URL < <(ours create); read -r B_PID B_URL < <(moto create)
bench "$RUN/admin_create_user.json" userpools "$A_PID" "$A_URL" moto "$B_PID" "$B_URL" admin_create_user 100
cleanup

log "4/5 ListUsers email filter: userpools vs cognito-local, N=$MID_USERS"
read -r A_PID A_URL < <(ours mid); read -r B_PID B_URL < <(cognito_local mid)
bench "$RUN/list_users_filter_mid.json" userpools "$A_PID" "$A_URL" cognito-local "$B_PID" "$B_URL" list_users_filter "$MID_USERS"
cleanup

log "5/5 ListUsers email filter: userpools alone, N=$BIG_USERS"
read -r A_PID A_URL < <(ours big)
bench "$RUN/list_users_filter_big.json" userpools "$A_PID" "$A_URL" "" "" "" list_users_filter "$BIG_USERS"
cleanup

"$PY" "$BENCH/report.py" --out "$RUN/report.md" --title "Userpools benchmarks" \
  --meta "generated" "$(date -u +%Y-%m-%dT%H:%MZ) by tools/bench.sh (raw JSON in $RUN)" \
  --meta "machine" "$(nproc) CPUs, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM; generator and servers share it" \
  --server userpools "$RUN/userpools-get.server.json" \
  --bench "AdminGetUser, N=$USERS, c=$CONC (A=userpools, B=cognito-local)" "$RUN/admin_get_user.json" \
  --bench "AdminCreateUser, c=$CONC (A=userpools, B=moto)" "$RUN/admin_create_user.json" \
  --bench "ListUsers email filter, N=$MID_USERS, c=$CONC (A=userpools, B=cognito-local)" "$RUN/list_users_filter_mid.json" \
  --bench "ListUsers email filter, N=$BIG_USERS, c=$CONC (userpools alone)" "$RUN/list_users_filter_big.json" \
  --echo "$RUN/echo.json"
log "report: $RUN/report.md"
