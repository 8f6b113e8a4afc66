# Shared by tools/bench.sh and tools/bench_signin.sh: installs ../shared/bench and the peers under $WORK,
# starts servers on free loopback ports, stops them by PID on exit. Source it after setting REPO/WORK.
BENCH="${BENCH_DIR:-$REPO/../shared/bench}"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
RUN="$WORK/run-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RUN"
PY="$WORK/venv/bin/python"
log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

[ -x "$PY" ] || python3 -m venv "$WORK/venv"
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

# start NAME READY -- CMD... (@PORT@ in CMD becomes the port): sets PID and URL, and records PID for cleanup.
start() {
  local name="$1" ready="$2"; shift 3
  local port; port=$(free_port)
  local cmd=("${@//@PORT@/$port}")
  PID=$("$PY" "$BENCH/serverctl.py" start --url "http://127.0.0.1:$port/" --ready "$ready" \
        --info "$RUN/$name.server.json" --log "$RUN/$name.log" --cwd "$RUN" --env "PORT=$port" --env HOST=127.0.0.1 \
        -- "${cmd[@]}")
  URL="http://127.0.0.1:$port/"
  PIDS+=("$PID")
  log "$name up: pid $PID port $port $(cat "$RUN/$name.server.json")"
}
# The harness does not sign requests: --auth off lets its unsigned admin calls through (loopback only).
ours() {  # NAME [extra serve args]; env SIGNING: USERPOOLS_SIGNING (default auto)
  local name="$1"; shift
  start "userpools-$name" cognito -- env "USERPOOLS_SIGNING=${SIGNING:-${USERPOOLS_SIGNING:-auto}}" \
    "$REPO/.venv/bin/userpools" serve --port @PORT@ --auth off \
    --data-dir "$RUN/userpools-$name-data" "$@"
}
moto() { start "moto-$1" cognito -- "$WORK/venv/bin/moto_server" -H 127.0.0.1 -p @PORT@; }
cognito_local() {
  mkdir -p "$RUN/cl-$1/.cognito"
  echo '{"UserPoolDefaults":{"UsernameAttributes":[]}}' > "$RUN/cl-$1/.cognito/config.json"
  start "cognito-local-$1" cognito -- bash -c \
    "cd '$RUN/cl-$1' && exec node '$WORK/npm/node_modules/cognito-local/lib/bin/start.js'"
}
# bench OUT SCENARIOS USERS LABEL_A PID_A URL_A [LABEL_B PID_B URL_B] -- [extra bench.py args]
bench() {
  local out="$1" scen="$2" users="$3"; shift 3
  local args=(--url "$3" --label-a "$1" --pid-a "$2")
  shift 3
  if [ $# -ge 3 ] && [ "$1" != "--" ]; then args+=(--url-b "$3" --label-b "$1" --pid-b "$2"); shift 3; fi
  [ "${1:-}" = "--" ] && shift
  "$PY" "$BENCH/bench.py" "${args[@]}" --scenario "$scen" --concurrency "$CONC" --duration "$DURATION" \
    --rounds "$ROUNDS" --users "$users" --setup-max-s 1800 --out "$out" "$@" 2> >(tee -a "$RUN/bench.log" >&2)
}
