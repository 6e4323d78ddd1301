#!/usr/bin/env bash
# `cpe serve` under load: wrk (keep-alive) POSTs decisions to /v1/decisions
# with the decision log on, and this prints requests/s and p50/p99 latency.
# Every decision is answered only once its log record is committed (group
# commit); the run is made twice, with the default --durable process-crash
# and with --durable power-loss (an fsync per commit). With BENCH_BASELINE
# set to another cpe binary (e.g. one built from an older commit), the same
# run is made against it first, for a comparison on the same machine load.
# The default run is repeated with --reference-reader (every request body read
# by the reference reader, as before the fast case reader), then over HTTPS (--tls-cert, a self-signed
# certificate made here; wrk's connections are kept alive, so this measures
# TLS records, not handshakes) unless BENCH_TLS=0.
# Then the same load with the decision log on PostgreSQL (`--db postgresql://`,
# a throwaway cluster from tests/support/pg_cluster.sh on a Unix socket, fsync
# ON: each commit is flushed to disk, so PostgreSQL's default durability is
# power-loss), and a summary table of every run side by side.
# Target on the 2-core reference machine: >= 40,000 decisions/s, p99 < 5 ms.
# wrk runs on the same machine and takes its share of the cores, so the
# figures are for server and load generator together; the server's own CPU
# time per request is printed as well, being less sensitive to that.
#
#   bash bench/bench_server.sh BUILD_DIR
# Environment: BENCH_SECONDS (10), BENCH_CONNECTIONS (16), BENCH_WRK_THREADS (1),
# BENCH_POLICIES / BENCH_BODY to decide on another policy, BENCH_BASELINE, BENCH_TLS=0
# to leave HTTPS out, BENCH_POSTGRES=0 to leave PostgreSQL out.
set -euo pipefail
BUILD_DIR=${1:-build}
cd "$(dirname "$0")/.."
CPE="$BUILD_DIR/cpe"
SECONDS_RUN=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
WRK_THREADS=${BENCH_WRK_THREADS:-1}
POLICIES=${BENCH_POLICIES:-server/tests/policies}
BODY=${BENCH_BODY:-'{"policy":"fixture.bariatric","facts":{"age":42,"bmi":41.5,"smoker":false,"diabetes":"type2"},"as_of":"2026-06-01"}'}

command -v wrk >/dev/null || { echo "wrk is not installed (make setup-bench)"; exit 1; }
[ -x "$CPE" ] || { echo "no $CPE: build first"; exit 1; }

server_pid=""
works=()
tls_dir=""
summary=()
RUN_DB=""  # "": a SQLite file in the run's folder; else this PostgreSQL connection string
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  if declare -F pg_cluster_stop >/dev/null; then pg_cluster_stop; fi
  for w in "${works[@]}"; do rm -rf "$w"; done
}
trap cleanup EXIT

# run LABEL CPE [serve options...]
run() {
local label=$1 cpe=$2
shift 2
local work
work=$(mktemp -d)
works+=("$work")

# Defaults otherwise: one I/O thread per core, access log on (to a file).
local db=(--db "$work/decisions.db") store="SQLite WAL"
if [ -n "$RUN_DB" ]; then
  head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$work/salt"; chmod 600 "$work/salt"
  db=(--db "$RUN_DB" --salt-file "$work/salt") store="PostgreSQL"
fi
"$cpe" serve --policies "$POLICIES" --port 0 "${db[@]}" --access-log "$work/access.log" "$@" \
  >"$work/stdout" 2>"$work/stderr" &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/stdout" 2>/dev/null && break; sleep 0.1; done
local port=$(sed -n 's/.*listening on https\{0,1\}:\/\/[^:]*:\([0-9]*\).*/\1/p' "$work/stdout")
[ -n "$port" ] || { echo "cpe serve did not start:"; cat "$work/stderr"; exit 1; }
local scheme=$(sed -n 's/.*listening on \(https\{0,1\}\):.*/\1/p' "$work/stdout")
local base="$scheme://127.0.0.1:$port"
local url="$base/v1/decisions"
# curl checks the certificate (made for 127.0.0.1 below); wrk does not.
local curl_tls=()
[ "$scheme" = https ] && curl_tls=(--cacert "$tls_dir/cert.pem")

# The body must decide (200), or the benchmark measures refusals.
local status=$(curl -s "${curl_tls[@]}" -o "$work/check.json" -w '%{http_code}' -H 'Content-Type: application/json' -d "$BODY" "$url" || true)
[ "$status" = 200 ] || { echo "the benchmark request is refused ($status):"; cat "$work/check.json"; exit 1; }

cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[$BODY]]
LUA

cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
# Nanoseconds the server's threads spent waiting on the run queue (runnable,
# no core free): when this is large, other work on the machine, not the
# server, is what holds the figures back.
queue_wait_ns() { cat /proc/"$server_pid"/task/*/schedstat 2>/dev/null | awk '{s += $2} END {printf "%.0f", s}'; }
wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d2s -s "$work/post.lua" "$url" >"$work/warmup.txt"
local load_before=$(cut -d' ' -f1 /proc/loadavg)
local ticks_before=$(cpu_ticks)
local wait_before=$(queue_wait_ns)
wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --latency -s "$work/post.lua" "$url" >"$work/wrk.txt"
local ticks_after=$(cpu_ticks)
local wait_after=$(queue_wait_ns)
local load_after=$(cut -d' ' -f1 /proc/loadavg)
# What the server says it decided, to hold the log to after shutdown.
local decided=$(curl -s "${curl_tls[@]}" "$base/metrics" | awk '/^cpe_decisions_total/ {s += $2} END {print s + 0}')

# Stop the server as an operator would, then check the log kept every decision.
kill -TERM "$server_pid"
for _ in $(seq 300); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
wait "$server_pid" 2>/dev/null || true
server_pid=""

to_ms() { # wrk prints 250.00us / 1.20ms / 1.05s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}
local rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.txt")
local requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
local p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")")
local p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")")
local non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt"); non2xx=${non2xx:-0}
local errors=$(awk '/Socket errors/ {print}' "$work/wrk.txt")
local hz=$(getconf CLK_TCK)
local cpu_us=$(awk -v t=$((ticks_after - ticks_before)) -v hz="$hz" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
# Run-queue wait summed over the server's threads, per second of the run.
local queue_ms=$(awk -v w=$((wait_after - wait_before)) -v s="$SECONDS_RUN" 'BEGIN { printf "%.0f", w / 1e6 / s }')
local rows
if [ -n "$RUN_DB" ]; then
  rows=$(psql -XAtq -c 'SELECT count(*) FROM decisions' 2>/dev/null || echo "?")
  # The next run starts on an empty log, with its own salt.
  psql -XAtq -c 'DROP TABLE decisions, meta; DROP SEQUENCE decision_log_instances' >/dev/null 2>&1 || true
else
  rows=$(sqlite3 "$work/decisions.db" 'SELECT count(*) FROM decisions' 2>/dev/null || echo "?")
fi

echo "-- $label"
echo "wrk: $WRK_THREADS thread(s), $CONNECTIONS keep-alive connections, ${SECONDS_RUN}s, $scheme, decision log on ($store)"
echo "decisions/s:      $rps   (target >= 40000)"
echo "latency p50:      ${p50} ms"
echo "latency p99:      ${p99} ms   (target < 5 ms)"
echo "server CPU:       ${cpu_us} us per decision"
echo "run-queue wait:   ${queue_ms} ms per second, summed over the server's threads (time runnable but without a core)"
echo "non-2xx:          $non2xx${errors:+   $errors}"
echo "decision log:     $rows rows for $decided decisions made (after SIGTERM)"
echo "load average:     $load_before before, $load_after after (other work on the machine skews the figures)"
summary+=("$(printf '%-58s %12s %9s %9s %10s' "$label" "$rps" "$p50" "$p99" "$cpu_us")")
}

if [ -n "${BENCH_BASELINE:-}" ]; then run "baseline: $BENCH_BASELINE" "$BENCH_BASELINE"; echo; fi
run "group commit, --durable process-crash (default)" "$CPE"
echo
# The same with every body read by the reference reader (nlohmann), as before
# the fast case reader: the server's CPU per decision, before and after.
run "the same, bodies by the reference reader (before)" "$CPE" --reference-reader
echo
if [ "${BENCH_TLS:-1}" != 0 ]; then
  tls_dir=$(mktemp -d)
  works+=("$tls_dir")
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tls_dir/key.pem" -out "$tls_dir/cert.pem" -days 2 -subj /CN=localhost \
    -addext subjectAltName=IP:127.0.0.1 2>/dev/null
  run "group commit, --durable process-crash, HTTPS (TLS 1.3, RSA 2048)" "$CPE" --tls-cert "$tls_dir/cert.pem" \
    --tls-key "$tls_dir/key.pem"
  echo
fi
run "group commit, --durable power-loss (fsync per commit)" "$CPE" --durable power-loss

if [ "${BENCH_POSTGRES:-1}" = 1 ]; then
  . tests/support/pg_cluster.sh
  pg_work=$(mktemp -d); chmod 755 "$pg_work"; works+=("$pg_work")
  # A port of its own, so that a test's cluster running meanwhile is no matter.
  if PG_CLUSTER_PORT=54339 PG_CLUSTER_FSYNC=on pg_cluster_start "$pg_work/pg"; then
    RUN_DB="postgresql:///postgres?host=$PGHOST&port=$PGPORT&user=cpe"
    echo
    # PostgreSQL's default synchronous_commit=on with fsync on: every commit
    # is on disk before it is answered, whichever --durable.
    run "PostgreSQL, fsync on (a commit is on disk when answered)" "$CPE"
    RUN_DB=""
  else
    echo "(PostgreSQL left out: no server programs; make setup-bench installs them)"
  fi
fi

echo
echo "-- summary (same run, same machine load)"
printf '%-58s %12s %9s %9s %10s\n' "decision log" "decisions/s" "p50 ms" "p99 ms" "CPU us/dec"
for line in "${summary[@]}"; do echo "$line"; done
