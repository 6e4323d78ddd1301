#!/usr/bin/env bash
# Two `cpe serve` instances writing one decision log on a real PostgreSQL
# server (a throwaway cluster in a temporary folder), as behind a load
# balancer:
#  1. keep-alive clients post decisions at both; one instance is SIGKILLed at
#     a random moment; every X-Decision-Id a client received with a 200 is in
#     the log, no id is there twice, and the two instances' ids differ in
#     their instance part;
#  2. `cpe log --db postgresql://...` reads the log: every row, --client and
#     --per-day, the same rows as psql;
#  3. the decisions table locked by another session past --log-lock-timeout:
#     503 within the bound, served again once the lock is released; likewise
#     a server that stops answering (its backend SIGSTOPped);
#  4. PostgreSQL stopped mid-run: decisions get 503 decision_log_unavailable
#     with Retry-After (never a 200), /readyz is not ready and refusals are
#     counted; started again, the instance serves by itself;
#  5. an instance with another salt is refused at start, and one without
#     --salt-file is told to give it.
# Usage: serve_postgres.sh CPE
set -uo pipefail
CPE=$1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d); chmod 755 "$WORK"
. "$ROOT/tests/support/pg_cluster.sh"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  wait 2>/dev/null
  pg_cluster_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$WORK"/serve_*.err; do [ -f "$f" ] && { echo "== $f"; tail -5 "$f"; }; done; exit 1; }
cd "$ROOT"

pg_cluster_start "$WORK/pg" || fail "could not start a PostgreSQL server (see above)"
DB="postgresql:///postgres?host=$PGHOST&port=$PGPORT&user=cpe"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/salt"; chmod 600 "$WORK/salt"
printf 'alpha %s\nbeta %s\n' "alpha-token-0123456789abcdef" "beta-token-0123456789abcdef" >"$WORK/tokens"; chmod 600 "$WORK/tokens"
BODY='{"policy":"fixture.threshold","facts":{"score":8}}'

# start NAME [extra options]: sets PORT_<NAME> and PID_<NAME>.
start() {
  local name=$1; shift
  "$CPE" serve --policies server/tests/policies --port 0 --db "$DB" --salt-file "$WORK/salt" --token-file "$WORK/tokens" \
    --access-log off --log-lock-timeout 1 "$@" >"$WORK/serve_$name.out" 2>"$WORK/serve_$name.err" &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do grep -q "listening on" "$WORK/serve_$name.out" 2>/dev/null && break; sleep 0.1; done
  local port
  port=$(sed -n 's/.*listening on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$WORK/serve_$name.out")
  [ -n "$port" ] || fail "cpe serve $name did not start: $(cat "$WORK/serve_$name.err")"
  printf -v "PORT_$name" '%s' "$port"
  printf -v "PID_$name" '%s' "$pid"
}

# client N PORT TOKEN: posts decisions on keep-alive connections (200 a curl
# run) until $WORK/stop exists; writes "STATUS|ID|RETRY-AFTER" a line.
client() {
  local n=$1 port=$2 token=$3
  while [ ! -e "$WORK/stop" ]; do
    curl -s -o /dev/null -w '%{http_code}|%header{x-decision-id}|%header{retry-after}\n' \
      -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d "$BODY" \
      "http://127.0.0.1:$port/v1/decisions?n=[1-200]" >>"$WORK/client_$n.txt" 2>/dev/null
    [ -e "$WORK/stop" ] || sleep 0.02
  done
}

psql_value() { psql -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
readyz() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/readyz"; }
wait_ready() {  # PORT: until /readyz says 200, at most 10 s
  for _ in $(seq 100); do [ "$(readyz "$1")" = 200 ] && return 0; sleep 0.1; done
  return 1
}
# refused_in_time PORT WHAT WANT-TEXT: one decision is refused (503, the body
# naming WANT-TEXT) within 3 s (the bound is 1 s); sets waited_ms.
refused_in_time() {
  local started status
  started=$(date +%s%N)
  status=$(curl -s -o "$WORK/refused_now.json" -w '%{http_code}' -H "Authorization: Bearer alpha-token-0123456789abcdef" \
    -d "$BODY" "http://127.0.0.1:$1/v1/decisions")
  waited_ms=$((($(date +%s%N) - started) / 1000000))
  [ "$status" = 503 ] || fail "a decision while $2: $status, want 503"
  grep -q "$3" "$WORK/refused_now.json" || fail "$2: $(cat "$WORK/refused_now.json")"
  [ "$waited_ms" -lt 3000 ] || fail "$2: the refusal took $waited_ms ms: the bound is 1 s"
}
# served_again PORT WHAT: ready again, and a decision answered 200.
served_again() {
  wait_ready "$1" || fail "not ready 10 s after $2"
  local status
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer alpha-token-0123456789abcdef" -d "$BODY" \
    "http://127.0.0.1:$1/v1/decisions")
  [ "$status" = 200 ] || fail "after $2: $status, want 200"
}

# --- 1. two instances, one SIGKILLed under load --------------------------------
start A
start B
[ "$(psql_value "SELECT count(*) FROM pg_class WHERE relname IN ('decisions', 'meta', 'decision_log_instances')")" = 3 ] ||
  fail "the tables were not created"
client 1 "$PORT_A" alpha-token-0123456789abcdef &
c1=$!
client 2 "$PORT_A" beta-token-0123456789abcdef &
c2=$!
client 3 "$PORT_B" alpha-token-0123456789abcdef &
c3=$!
client 4 "$PORT_B" beta-token-0123456789abcdef &
c4=$!
delay_ms=$((1000 + RANDOM % 2000))
sleep "$(awk -v ms=$delay_ms 'BEGIN { printf "%.3f", ms / 1000 }')"
kill -KILL "$PID_A"
wait "$PID_A" 2>/dev/null
sleep 1  # B goes on serving
touch "$WORK/stop"
wait $c1 $c2 $c3 $c4

cat "$WORK"/client_*.txt >"$WORK/all.txt"
awk -F'|' '$1 == 200 { print $2 }' "$WORK/all.txt" | sort >"$WORK/answered.txt"
answered=$(wc -l <"$WORK/answered.txt")
[ "$answered" -gt 200 ] || fail "only $answered decisions answered before and after the kill"
unexpected=$(awk -F'|' '$1 != 200 && $1 != "000"' "$WORK/all.txt" | sort | uniq -c)
[ -z "$unexpected" ] || fail "answers other than 200 (or a dropped connection at the kill): $unexpected"
[ -z "$(uniq -d "$WORK/answered.txt")" ] || fail "an id was answered twice: $(uniq -d "$WORK/answered.txt" | head -3)"
psql_value "SELECT decision_id FROM decisions" | sort >"$WORK/logged.txt"
missing=$(comm -23 "$WORK/answered.txt" "$WORK/logged.txt" | wc -l)
[ "$missing" = 0 ] || fail "$missing of $answered answered decisions are not in the log, e.g. $(comm -23 "$WORK/answered.txt" "$WORK/logged.txt" | head -3)"
[ "$(psql_value "SELECT count(*) - count(DISTINCT decision_id) FROM decisions")" = 0 ] || fail "a decision id is in the log twice"
prefixes=$(cut -c1-8 "$WORK/answered.txt" | sort -u | wc -l)
[ "$prefixes" = 2 ] || fail "want the two instances' ids with two instance parts, got $prefixes: $(cut -c1-8 "$WORK/answered.txt" | sort | uniq -c)"
logged=$(wc -l <"$WORK/logged.txt")
echo "killed A after $delay_ms ms: $answered decisions answered by A and B, all in the log ($logged rows), ids unique"

# --- 2. cpe log reads PostgreSQL --------------------------------------------------
"$CPE" log --db "$DB" --limit 0 --format json >"$WORK/log.json" 2>"$WORK/log.err" || fail "cpe log: $(cat "$WORK/log.err")"
[ "$(wc -l <"$WORK/log.json")" = "$logged" ] || fail "cpe log listed $(wc -l <"$WORK/log.json") rows, psql $logged"
# The same rows as psql, newest first like the SQLite log.
sed -n 's/.*"decision_id":"\([0-9a-f]*\)".*/\1/p' "$WORK/log.json" | sort | cmp -s - "$WORK/logged.txt" || fail "cpe log's ids differ from psql's"
first=$(head -1 "$WORK/log.json" | sed -n 's/.*"time":"\([^"]*\)".*/\1/p')
[ "$first" = "$(psql_value "SELECT max(time) FROM decisions")" ] || fail "cpe log does not list the newest first ($first)"
for who in alpha beta; do
  "$CPE" log --db "$DB" --limit 0 --client "$who" --format json | sed -n 's/.*"decision_id":"\([0-9a-f]*\)".*/\1/p' | sort >"$WORK/log_$who.txt"
  grep -q "\"client\":\"$who\"" "$WORK/log.json" || fail "no row names the client $who"
done
# Clients 1 and 3 asked as alpha, 2 and 4 as beta.
cat "$WORK/client_1.txt" "$WORK/client_3.txt" | awk -F'|' '$1 == 200 { print $2 }' | sort >"$WORK/answered_alpha.txt"
[ -z "$(comm -23 "$WORK/answered_alpha.txt" "$WORK/log_alpha.txt")" ] || fail "cpe log --client alpha lacks decisions alpha was answered"
[ -z "$(comm -12 "$WORK/log_alpha.txt" "$WORK/log_beta.txt")" ] || fail "--client alpha and --client beta share rows"
[ $(($(wc -l <"$WORK/log_alpha.txt") + $(wc -l <"$WORK/log_beta.txt"))) = "$logged" ] || fail "alpha's and beta's rows are not all the rows"
per_day=$("$CPE" log --db "$DB" --per-day --format json)
echo "$per_day" | grep -q "\"total\":$logged,\"eligible\":$logged," || fail "cpe log --per-day: $per_day, want $logged eligible"

# --- 3. the table locked by another session past the bound (--log-lock-timeout 1)
psql -XAtq -c "BEGIN; LOCK TABLE decisions IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(4); COMMIT;" >/dev/null &
locker=$!
sleep 0.5
refused_in_time "$PORT_B" "the log was locked" decision_log_unavailable
wait $locker
served_again "$PORT_B" "the lock was released"
echo "table locked past the bound: 503 after $waited_ms ms; released: served again"

# A server that stops answering altogether (its backend for B frozen): the
# client-side deadline refuses, the connection is dropped, and B serves
# again on a new one.
backend=$(psql_value "SELECT pid FROM pg_stat_activity WHERE application_name = 'cpe serve' LIMIT 1")
[ -n "$backend" ] || fail "no backend for cpe serve"
# Only B is left: A was killed, so its backend has gone.
[ "$(psql_value "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cpe serve'")" = 1 ] ||
  fail "want one cpe serve backend (B's), got $(psql_value "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cpe serve'")"
kill -STOP "$backend"
refused_in_time "$PORT_B" "PostgreSQL did not answer" "no answer from the server in time"
kill -CONT "$backend"
served_again "$PORT_B" "the frozen server"
echo "server not answering: 503 after $waited_ms ms; then served again on a new connection"

# --- 4. PostgreSQL stopped mid-run, then started again ---------------------------
rm -f "$WORK/stop" "$WORK"/client_*.txt
client 5 "$PORT_B" alpha-token-0123456789abcdef &
c5=$!
sleep 0.5
pg_cluster_pause || fail "could not stop PostgreSQL"
sleep 1.5
ready=$(readyz "$PORT_B")
[ "$ready" = 503 ] || fail "/readyz answered $ready while PostgreSQL was down, want 503"
curl -s -o "$WORK/refused.json" -D "$WORK/refused.headers" -H "Authorization: Bearer alpha-token-0123456789abcdef" \
  -d "$BODY" "http://127.0.0.1:$PORT_B/v1/decisions"
grep -q '^HTTP/1.1 503' "$WORK/refused.headers" || fail "a decision while PostgreSQL was down: $(head -1 "$WORK/refused.headers")"
grep -qi '^Retry-After: ' "$WORK/refused.headers" || fail "the 503 has no Retry-After"
grep -qi '^X-Decision-Id' "$WORK/refused.headers" && fail "the 503 carries a decision id"
grep -q '"code":"decision_log_unavailable"' "$WORK/refused.json" || fail "the 503 body: $(cat "$WORK/refused.json")"
refusals=$(curl -s -H "Authorization: Bearer alpha-token-0123456789abcdef" "http://127.0.0.1:$PORT_B/metrics" |
  awk '$1 == "cpe_decision_log_refusals_total" { print $2 }')
[ "${refusals:-0}" -gt 0 ] || fail "no refusals counted while PostgreSQL was down"
pg_cluster_resume || fail "could not start PostgreSQL again"
wait_ready "$PORT_B" || fail "not ready 10 s after PostgreSQL came back"
sleep 1
touch "$WORK/stop"
wait $c5
# While down: only 503s with Retry-After after the stop took effect, and after
# it 200s again; every 200 of the whole run is in the log.
awk -F'|' '$1 == 503 && $3 == "" { bad++ } END { exit bad > 0 }' "$WORK/client_5.txt" || fail "a 503 without Retry-After"
awk -F'|' '$1 != 200 && $1 != 503' "$WORK/client_5.txt" | grep -q . && fail "answers other than 200/503: $(awk -F'|' '$1 != 200 && $1 != 503' "$WORK/client_5.txt" | sort | uniq -c)"
refused=$(awk -F'|' '$1 == 503' "$WORK/client_5.txt" | wc -l)
[ "$refused" -gt 0 ] || fail "the load saw no 503 while PostgreSQL was down"
after=$(awk -F'|' 'seen503 && $1 == 200 { n++ } $1 == 503 { seen503 = 1 } END { print n + 0 }' "$WORK/client_5.txt")
[ "$after" -gt 0 ] || fail "no decision answered after PostgreSQL came back"
awk -F'|' '$1 == 200 { print $2 }' "$WORK/client_5.txt" | sort >"$WORK/answered5.txt"
psql_value "SELECT decision_id FROM decisions" | sort >"$WORK/logged5.txt"
missing=$(comm -23 "$WORK/answered5.txt" "$WORK/logged5.txt" | wc -l)
[ "$missing" = 0 ] || fail "$missing decisions answered around the outage are not in the log"
echo "PostgreSQL stopped: $refused decisions refused (503, Retry-After), /readyz 503; started again: $after answered, all logged"

# --- 5. the salt is the log's ------------------------------------------------------
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/other.salt"; chmod 600 "$WORK/other.salt"
"$CPE" serve --policies server/tests/policies --port 0 --db "$DB" --salt-file "$WORK/other.salt" >/dev/null 2>"$WORK/salt.err" &
pids+=($!)
wait $! && fail "an instance with another salt started"
grep -q "different salt" "$WORK/salt.err" || fail "another salt: $(cat "$WORK/salt.err")"
"$CPE" serve --policies server/tests/policies --port 0 --db "$DB" >/dev/null 2>"$WORK/nosalt.err" &
pids+=($!)
wait $! && fail "an instance without --salt-file started"
grep -q "needs --salt-file" "$WORK/nosalt.err" || fail "no --salt-file: $(cat "$WORK/nosalt.err")"
echo "ok: two instances on one PostgreSQL log lose no answered decision, fail closed while it is down, and resume"
