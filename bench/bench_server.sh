#!/usr/bin/env bash
# `cpe serve` under load: wrk (keep-alive) POSTs decisions to /v1/decisions
# with the decision log on, and this prints requests/s and p50/p99 latency.
# Target on the 2-core reference machine: >= 20,000 decisions/s, p99 < 5 ms.
# wrk runs on the same machine and takes its share of the cores, so the
# figures are for server and load generator together; the server's own CPU
# time per request is printed as well, being less sensitive to that.
#
#   bash bench/bench_server.sh BUILD_DIR
# Environment: BENCH_SECONDS (10), BENCH_CONNECTIONS (16), BENCH_WRK_THREADS (1),
# BENCH_POLICIES / BENCH_BODY to decide on another policy.
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

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Defaults otherwise: one I/O thread per core, access log on (to a file).
"$CPE" serve --policies "$POLICIES" --port 0 --db "$work/decisions.db" --access-log "$work/access.log" \
  >"$work/stdout" 2>"$work/stderr" &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/stdout" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$work/stdout")
[ -n "$port" ] || { echo "cpe serve did not start:"; cat "$work/stderr"; exit 1; }
url="http://127.0.0.1:$port/v1/decisions"

# The body must decide (200), or the benchmark measures refusals.
status=$(curl -s -o "$work/check.json" -w '%{http_code}' -H 'Content-Type: application/json' -d "$BODY" "$url" || true)
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
load_before=$(cut -d' ' -f1 /proc/loadavg)
ticks_before=$(cpu_ticks)
wait_before=$(queue_wait_ns)
wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --latency -s "$work/post.lua" "$url" >"$work/wrk.txt"
ticks_after=$(cpu_ticks)
wait_after=$(queue_wait_ns)
load_after=$(cut -d' ' -f1 /proc/loadavg)
# What the server says it decided, to hold the log to after shutdown.
decided=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^cpe_decisions_total/ {s += $2} END {print s + 0}')

# Stop the server as an operator would, then check the log kept every decision.
kill -TERM "$server_pid"
for _ in $(seq 300); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
wait "$server_pid" 2>/dev/null || true
server_pid=""

to_ms() { # wrk prints 250.00us / 1.20ms / 1.05s
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}
rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.txt")
requests=$(awk '/requests in/ {print $1}' "$work/wrk.txt")
p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")")
p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")")
non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt"); non2xx=${non2xx:-0}
errors=$(awk '/Socket errors/ {print}' "$work/wrk.txt")
hz=$(getconf CLK_TCK)
cpu_us=$(awk -v t=$((ticks_after - ticks_before)) -v hz="$hz" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
# Run-queue wait summed over the server's threads, per second of the run.
queue_ms=$(awk -v w=$((wait_after - wait_before)) -v s="$SECONDS_RUN" 'BEGIN { printf "%.0f", w / 1e6 / s }')
rows=$(sqlite3 "$work/decisions.db" 'SELECT count(*) FROM decisions' 2>/dev/null || echo "?")

echo "wrk: $WRK_THREADS thread(s), $CONNECTIONS keep-alive connections, ${SECONDS_RUN}s, decision log on (SQLite WAL)"
echo "decisions/s:      $rps   (target >= 20000)"
echo "latency p50:      ${p50} ms"
echo "latency p99:      ${p99} ms   (target < 5 ms)"
echo "server CPU:       ${cpu_us} us per decision"
echo "run-queue wait:   ${queue_ms} ms per second, summed over the server's threads (time runnable but without a core)"
echo "non-2xx:          $non2xx${errors:+   $errors}"
echo "decision log:     $rows rows for $decided decisions made (after SIGTERM)"
echo "load average:     $load_before before, $load_after after (other work on the machine skews the figures)"
