#!/usr/bin/env bash
# Local test services for integration/e2e tests, without Docker:
#   - FerretDB (MongoDB wire protocol, SQLite backend) via our own wrapper in tools/ferretdb
#   - stripe-mock (github.com/stripe/stripe-mock)
#   - Toxiproxy (github.com/Shopify/toxiproxy/v2), the TCP proxy fault tests put between the
#     ledger and a server to add latency, resets, stalls and bandwidth collapse on demand
#
# Usage: bash scripts/test-services.sh start|stop|status|env
#   eval "$(bash scripts/test-services.sh env)"   # exports MONGODB_TEST_URL, STRIPE_MOCK_URL, TOXIPROXY_URL, ...
#
# Everything (binaries, state, logs, pids) lives in .services/ at the repo root.
# Only `go` (with access to the Go module proxy), curl and node are needed; the
# binaries are built on first use and reused while they are up to date.
#
# Environment:
#   MONGODB_TEST_PORT        FerretDB port            (default 27018)
#   STRIPE_MOCK_PORT         stripe-mock HTTP port    (default 12111)
#   STRIPE_MOCK_HTTPS_PORT   stripe-mock HTTPS port   (default 12112)
#   TOXIPROXY_PORT           Toxiproxy's API port     (default 8474; the proxies tests create
#                            listen on free ports of their own)
#   TEST_SERVICES_TIMEOUT    seconds to wait for each service to answer (default 120)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES_DIR="$ROOT/.services"
BIN_DIR="$SERVICES_DIR/bin"
ENV_FILE="$SERVICES_DIR/env"
FERRETDB_SRC="$ROOT/tools/ferretdb"

STRIPE_MOCK_VERSION="v0.197.0"
TOXIPROXY_VERSION="v2.12.0"
HOST="127.0.0.1"
MONGODB_TEST_PORT="${MONGODB_TEST_PORT:-27018}"
STRIPE_MOCK_PORT="${STRIPE_MOCK_PORT:-12111}"
STRIPE_MOCK_HTTPS_PORT="${STRIPE_MOCK_HTTPS_PORT:-12112}"
TOXIPROXY_PORT="${TOXIPROXY_PORT:-8474}"
TIMEOUT="${TEST_SERVICES_TIMEOUT:-120}"

log() { printf '[test-services] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

ensure_dirs() {
  mkdir -p "$BIN_DIR" "$SERVICES_DIR/ferretdb-state"
  # Keep .services/ out of git.
  local gi="$ROOT/.gitignore"
  if ! { [[ -f "$gi" ]] && grep -qxE '/?\.services/?' "$gi"; }; then
    if [[ -s "$gi" && -n "$(tail -c1 "$gi")" ]]; then printf '\n' >>"$gi"; fi
    printf '.services/\n' >>"$gi"
  fi
}

require_go() {
  command -v go >/dev/null 2>&1 || die "'go' is not on PATH; Go >= 1.24 is needed to build FerretDB, stripe-mock and Toxiproxy"
}

# ---------------------------------------------------------------- builds

build_ferretdb() {
  local bin="$BIN_DIR/ferretdb-runner"
  if [[ -x "$bin" ]] && [[ -z "$(find "$FERRETDB_SRC" -maxdepth 1 -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) -newer "$bin" -print -quit)" ]]; then
    return 0
  fi
  require_go
  log "building ferretdb-runner (first build downloads modules and compiles SQLite; takes a few minutes)..."
  local start=$SECONDS
  # -mod=readonly: go.mod/go.sum are committed and complete; never rewrite them.
  # ferretdb_no_postgresql: documented FerretDB build tag; we only use SQLite.
  (cd "$FERRETDB_SRC" && CGO_ENABLED=0 go build -mod=readonly -trimpath \
    -tags ferretdb_no_postgresql -o "$bin.tmp" .) || die "building tools/ferretdb failed"
  mv -f "$bin.tmp" "$bin"
  log "built ferretdb-runner in $((SECONDS - start))s"
}

stripe_mock_is_current() {
  [[ -x "$BIN_DIR/stripe-mock" ]] || return 1
  command -v go >/dev/null 2>&1 || return 0 # cannot check; trust the existing binary
  go version -m "$BIN_DIR/stripe-mock" 2>/dev/null |
    grep -qE "^[[:space:]]+mod[[:space:]]+github.com/stripe/stripe-mock[[:space:]]+${STRIPE_MOCK_VERSION}([[:space:]]|$)"
}

build_stripe_mock() {
  stripe_mock_is_current && return 0
  require_go
  log "installing stripe-mock@${STRIPE_MOCK_VERSION}..."
  local start=$SECONDS
  # Run outside the repo so no go.mod/go.work of ours is involved.
  (cd "$SERVICES_DIR" && GOBIN="$BIN_DIR" GOFLAGS=-mod=mod CGO_ENABLED=0 \
    go install "github.com/stripe/stripe-mock@${STRIPE_MOCK_VERSION}") || die "go install stripe-mock failed"
  log "installed stripe-mock in $((SECONDS - start))s"
}

toxiproxy_is_current() {
  [[ -x "$BIN_DIR/toxiproxy-server" ]] || return 1
  command -v go >/dev/null 2>&1 || return 0 # cannot check; trust the existing binary
  go version -m "$BIN_DIR/toxiproxy-server" 2>/dev/null |
    grep -qE "^[[:space:]]+mod[[:space:]]+github.com/Shopify/toxiproxy/v2[[:space:]]+${TOXIPROXY_VERSION}([[:space:]]|$)"
}

# The server command is the package cmd/server, so `go install` names it `server`; it is built
# into a scratch GOBIN and renamed. go's own output is kept, so a failure says why (no network
# to the module proxy, an old Go, a full disk) instead of only that it failed.
build_toxiproxy() {
  toxiproxy_is_current && return 0
  require_go
  local module="github.com/Shopify/toxiproxy/v2/cmd/server@${TOXIPROXY_VERSION}"
  local scratch="$SERVICES_DIR/toxiproxy-build" output="$SERVICES_DIR/toxiproxy-build.log" rc=0
  log "installing toxiproxy-server ${TOXIPROXY_VERSION} (go install $module)..."
  local start=$SECONDS
  rm -rf "$scratch"
  mkdir -p "$scratch"
  (cd "$SERVICES_DIR" && GOBIN="$scratch" GOFLAGS=-mod=mod CGO_ENABLED=0 go install "$module") >"$output" 2>&1 || rc=$?
  if ((rc != 0)) || [[ ! -x "$scratch/server" ]]; then
    tail -n 20 "$output" >&2 || true
    rm -rf "$scratch"
    die "building Toxiproxy failed: 'go install $module' exited with $rc ($(grep -v '^go: downloading' "$output" | tail -n 1 || true)); $(go version 2>&1), GOPROXY=$(go env GOPROXY 2>&1); full output in $output"
  fi
  mv -f "$scratch/server" "$BIN_DIR/toxiproxy-server"
  rm -rf "$scratch"
  log "installed toxiproxy-server in $((SECONDS - start))s"
}

# ---------------------------------------------------------------- probes

tcp_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Sends a real MongoDB OP_MSG {ping: 1, $db: "admin"} and expects {ok: 1}.
mongo_ping() {
  local port=$1
  if ! command -v node >/dev/null 2>&1; then
    tcp_open "$port"
    return
  fi
  # shellcheck disable=SC2016 # "$db" below is JavaScript, not shell
  node -e '
const net = require("net");
const port = Number(process.argv[1]);
function cstr(s) { return Buffer.concat([Buffer.from(s, "utf8"), Buffer.from([0])]); }
const db = Buffer.from("admin\0", "utf8");
const dbLen = Buffer.alloc(4); dbLen.writeInt32LE(db.length);
const one = Buffer.alloc(4); one.writeInt32LE(1);
let body = Buffer.concat([Buffer.from([0x10]), cstr("ping"), one,
  Buffer.from([0x02]), cstr("$db"), dbLen, db, Buffer.from([0])]);
const docLen = Buffer.alloc(4); docLen.writeInt32LE(body.length + 4);
const doc = Buffer.concat([docLen, body]);
const header = Buffer.alloc(16 + 4 + 1);
header.writeInt32LE(16 + 4 + 1 + doc.length, 0); // messageLength
header.writeInt32LE(1, 4);                       // requestID
header.writeInt32LE(0, 8);                       // responseTo
header.writeInt32LE(2013, 12);                   // OP_MSG
header.writeUInt32LE(0, 16);                     // flagBits
header.writeUInt8(0, 20);                        // section kind 0 (body)
const sock = net.connect({ host: "127.0.0.1", port });
const timer = setTimeout(() => { sock.destroy(); process.exit(1); }, 5000);
let buf = Buffer.alloc(0);
sock.on("connect", () => sock.write(Buffer.concat([header, doc])));
sock.on("error", () => process.exit(1));
sock.on("data", (d) => {
  buf = Buffer.concat([buf, d]);
  if (buf.length < 4 || buf.length < buf.readInt32LE(0)) return;
  clearTimeout(timer); sock.destroy();
  if (buf.readInt32LE(12) !== 2013 || buf.readUInt8(20) !== 0) process.exit(1);
  // Walk the top-level BSON fields of the reply looking for ok == 1.
  const start = 21, end = start + buf.readInt32LE(start) - 1;
  let i = start + 4;
  while (i < end) {
    const type = buf[i++]; const nameEnd = buf.indexOf(0, i);
    const name = buf.toString("utf8", i, nameEnd); i = nameEnd + 1;
    let val, size;
    switch (type) {
      case 0x01: val = buf.readDoubleLE(i); size = 8; break;
      case 0x10: val = buf.readInt32LE(i); size = 4; break;
      case 0x12: case 0x09: case 0x11: val = Number(buf.readBigInt64LE(i)); size = 8; break;
      case 0x02: size = 4 + buf.readInt32LE(i); break;
      case 0x03: case 0x04: size = buf.readInt32LE(i); break;
      case 0x05: size = 5 + buf.readInt32LE(i); break;
      case 0x07: size = 12; break;
      case 0x08: val = buf[i]; size = 1; break;
      case 0x0A: size = 0; break;
      default: process.exit(name === "ok" ? 1 : 0); // unknown type before ok: connection works
    }
    if (name === "ok") process.exit(val === 1 ? 0 : 1);
    i += size;
  }
  process.exit(1);
});
' "$port" 2>/dev/null
}

stripe_ping() {
  local port=$1
  curl -sf -o /dev/null --max-time 5 -u sk_test_123: "http://$HOST:$port/v1/customers"
}

# Toxiproxy's API answers its version on GET /version.
toxiproxy_ping() {
  local port=$1
  curl -sf -o /dev/null --max-time 5 "http://$HOST:$port/version"
}

# ---------------------------------------------------------------- process helpers

pid_file() { echo "$SERVICES_DIR/$1.pid"; }
log_file() { echo "$SERVICES_DIR/$1.log"; }
port_file() { echo "$SERVICES_DIR/$1.port"; }

# Prints the pid if the service we started is alive (and is really our binary).
running_pid() {
  local name=$1 f pid
  f="$(pid_file "$name")"
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against pid reuse: the process must be one of our binaries.
  if [[ -r "/proc/$pid/cmdline" ]] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$BIN_DIR/"; then
    return 1
  fi
  echo "$pid"
}

show_log_tail() {
  local f
  f="$(log_file "$1")"
  if [[ -f "$f" ]]; then
    log "last lines of $f:"
    tail -n 40 "$f" >&2 || true
    echo >&2
  fi
}

wait_ready() { # name pid probe port
  local name=$1 pid=$2 probe=$3 port=$4 deadline=$((SECONDS + TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      show_log_tail "$name"
      die "$name (pid $pid) exited before answering on $HOST:$port"
    fi
    if "$probe" "$port"; then
      return 0
    fi
    sleep 0.5
  done
  show_log_tail "$name"
  die "$name (pid $pid) did not answer on $HOST:$port within ${TIMEOUT}s"
}

stop_service() {
  local name=$1 pid i
  if pid="$(running_pid "$name")"; then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do # up to 10 s
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) ignored SIGTERM; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
  fi
  rm -f "$(pid_file "$name")" "$(port_file "$name")"
}

# start_service name probe port "other ports" -- command...
start_service() {
  local name=$1 probe=$2 port=$3 other_ports=$4 pid p
  shift 5
  if pid="$(running_pid "$name")"; then
    if [[ "$(cat "$(port_file "$name")" 2>/dev/null || true)" == "$port" ]] && "$probe" "$port"; then
      log "$name already running (pid $pid) on $HOST:$port; reusing it"
      return 0
    fi
    log "$name (pid $pid) is running but not answering on $HOST:$port; restarting it"
    stop_service "$name"
  fi
  rm -f "$(pid_file "$name")" "$(port_file "$name")"
  for p in $port $other_ports; do
    if tcp_open "$p"; then
      die "port $HOST:$p is already in use by another process; stop it or choose another port (see the variables at the top of $0)"
    fi
  done
  : >"$(log_file "$name")"
  # Drop PORT so stripe-mock's env fallback cannot interfere; stdin from /dev/null
  # and output to the log so callers' pipes are not held open.
  env -u PORT nohup "$@" >>"$(log_file "$name")" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$(pid_file "$name")"
  echo "$port" >"$(port_file "$name")"
  log "started $name (pid $pid) on $HOST:$port; waiting for it to answer..."
  wait_ready "$name" "$pid" "$probe" "$port"
  log "$name is ready"
}

# ---------------------------------------------------------------- env

env_lines() {
  cat <<EOF
export MONGODB_TEST_URL=mongodb://$HOST:$MONGODB_TEST_PORT/
export STRIPE_MOCK_URL=http://$HOST:$STRIPE_MOCK_PORT
export STRIPE_MOCK_HOST=$HOST
export STRIPE_MOCK_PORT=$STRIPE_MOCK_PORT
export STRIPE_MOCK_HTTPS_PORT=$STRIPE_MOCK_HTTPS_PORT
export TOXIPROXY_URL=http://$HOST:$TOXIPROXY_PORT
EOF
}

write_env() {
  env_lines >"$ENV_FILE.tmp"
  mv -f "$ENV_FILE.tmp" "$ENV_FILE"
}

# ---------------------------------------------------------------- commands

cmd_start() {
  ensure_dirs
  build_ferretdb
  build_stripe_mock
  build_toxiproxy
  start_service ferretdb mongo_ping "$MONGODB_TEST_PORT" "" -- \
    "$BIN_DIR/ferretdb-runner" \
    -listen-addr "$HOST:$MONGODB_TEST_PORT" \
    -state-dir "$SERVICES_DIR/ferretdb-state" \
    -log-level warn
  start_service stripe-mock stripe_ping "$STRIPE_MOCK_PORT" "$STRIPE_MOCK_HTTPS_PORT" -- \
    "$BIN_DIR/stripe-mock" \
    -http-addr "$HOST:$STRIPE_MOCK_PORT" \
    -https-addr "$HOST:$STRIPE_MOCK_HTTPS_PORT"
  # Only the API port is fixed: each proxy a test creates listens on a free port it asks for.
  # Logs at warn level, or every connection through every proxy is a log line.
  start_service toxiproxy toxiproxy_ping "$TOXIPROXY_PORT" "" -- \
    env LOG_LEVEL=warn "$BIN_DIR/toxiproxy-server" \
    -host "$HOST" \
    -port "$TOXIPROXY_PORT"
  write_env
  log "services ready; environment in $ENV_FILE:"
  cat "$ENV_FILE" >&2
}

cmd_stop() {
  stop_service toxiproxy
  stop_service stripe-mock
  stop_service ferretdb
  rm -f "$ENV_FILE"
}

cmd_status() {
  local name pid port probe rc=0
  for name in ferretdb stripe-mock toxiproxy; do
    case $name in
      ferretdb) probe=mongo_ping ;;
      stripe-mock) probe=stripe_ping ;;
      toxiproxy) probe=toxiproxy_ping ;;
    esac
    if pid="$(running_pid "$name")"; then
      port="$(cat "$(port_file "$name")" 2>/dev/null || echo '?')"
      if [[ "$port" != '?' ]] && "$probe" "$port"; then
        echo "$name: running (pid $pid) on $HOST:$port, answering"
      else
        echo "$name: running (pid $pid) on $HOST:$port, NOT answering"
        rc=1
      fi
    else
      echo "$name: stopped"
      rc=1
    fi
  done
  return "$rc"
}

cmd_env() {
  if [[ -f "$ENV_FILE" ]]; then
    cat "$ENV_FILE"
  else
    log "warning: services not started (no $ENV_FILE); printing the configured defaults"
    env_lines
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac
