#!/usr/bin/env bash
# `cpe serve --tls-cert --tls-key` end to end: certificates made here with
# `openssl req`, checked with curl, openssl s_client and tls_probe.py (raw
# sockets). Covers start-up errors, a decision over HTTPS, protocol versions,
# plain HTTP and garbage on the TLS port, the read timeout around the
# handshake, the connection cap, SIGHUP with a new and with a broken pair,
# and a stop with a client that never answers close_notify.
#
#   serve_tls.sh CPE_BINARY
set -uo pipefail  # patterns are matched on here-strings: `echo | grep -q` can die of SIGPIPE under pipefail
CPE=$1
HERE=$(cd "$(dirname "$0")" && pwd)
POLICIES="$HERE/../policies"
PROBE="python3 $HERE/tls_probe.py"
fail=0; passed=0
ok() { passed=$((passed+1)); }
bad() { echo "FAIL: $*"; fail=$((fail+1)); }
tmp=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
BODY='{"policy":"fixture.bariatric","facts":{"age":42,"bmi":41.5,"smoker":false,"diabetes":"type2"},"as_of":"2026-06-01"}'

# Two self-signed pairs for localhost (RSA and EC, so that the two differ in
# more than their serial), and a key belonging to neither.
make_pair() {  # make_pair NAME KEYSPEC...
  local name=$1; shift
  openssl req -x509 "$@" -nodes -keyout "$tmp/$name.key" -out "$tmp/$name.crt" -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>"$tmp/openssl.err" || { cat "$tmp/openssl.err"; exit 1; }
}
make_pair a -newkey rsa:2048
make_pair b -newkey ec -pkeyopt ec_paramgen_curve:P-256
openssl genrsa -out "$tmp/stray.key" 2048 2>/dev/null
# Clients trust both, so that which one is served is read from the fingerprint.
cat "$tmp/a.crt" "$tmp/b.crt" >"$tmp/ca.pem"
fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 | cut -d= -f2; }
served_fp() { openssl s_client -connect "127.0.0.1:$port" -servername localhost </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256 | cut -d= -f2; }
fp_a=$(fp "$tmp/a.crt"); fp_b=$(fp "$tmp/b.crt")
# The files the server is given; the test replaces their contents.
cp "$tmp/a.crt" "$tmp/server.crt"; cp "$tmp/a.key" "$tmp/server.key"; chmod 600 "$tmp/server.key"

start() {  # start NAME ARGS...: serves the fixture library over TLS, sets $port and $pid
  local name=$1; shift
  "$CPE" serve --policies "$POLICIES" --port 0 --db "$tmp/$name.db" --access-log "$tmp/$name.access" \
    --tls-cert "$tmp/server.crt" --tls-key "$tmp/server.key" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null &
  pid=$!; pids+=($pid)
  for _ in $(seq 100); do
    # (the server's shell may not have made the file yet)
    port=$(sed -n 's/.*listening on https:\/\/[^:]*:\([0-9]*\).*/\1/p' "$tmp/$name.out" 2>/dev/null)
    [ -n "$port" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "FAIL: cpe serve did not start"; cat "$tmp/$name.err"; exit 1
}
wait_for_line() {  # wait_for_line FILE PATTERN: up to 10 s
  for _ in $(seq 100); do grep -q "$2" "$1" && return 0; sleep 0.1; done
  return 1
}
alive() { [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$tmp/ca.pem" "https://localhost:$port/healthz")" = 200 ]; }

# --- (g) start-up errors: exit 2, naming the option or the file; never a hang.
startup_error() {  # startup_error LABEL EXPECTED_PATTERN ARGS...
  local label=$1 pattern=$2; shift 2
  local err rc
  err=$(timeout 20 "$CPE" serve --policies "$POLICIES" --port 0 --db "$tmp/never.db" "$@" </dev/null 2>&1 >/dev/null); rc=$?
  [ $rc -eq 2 ] && grep -qF -- "$pattern" <<<"$err" && ok || bad "$label: rc=$rc, expected 2 and '$pattern': $err"
}
printf 'this is not a certificate\n' >"$tmp/garbage.pem"
openssl pkey -in "$tmp/a.key" -aes256 -passout pass:secret -out "$tmp/encrypted.key" 2>/dev/null
startup_error "--tls-cert alone" "--tls-cert requires --tls-key" --tls-cert "$tmp/a.crt"
startup_error "--tls-key alone" "--tls-key requires --tls-cert" --tls-key "$tmp/a.key"
startup_error "missing certificate" "$tmp/missing.crt: No such file" --tls-cert "$tmp/missing.crt" --tls-key "$tmp/a.key"
startup_error "missing key" "$tmp/missing.key: No such file" --tls-cert "$tmp/a.crt" --tls-key "$tmp/missing.key"
startup_error "mismatched key" "$tmp/b.key: the private key does not match the certificate in $tmp/a.crt" \
  --tls-cert "$tmp/a.crt" --tls-key "$tmp/b.key"
startup_error "certificate not PEM" "$tmp/garbage.pem: not a PEM certificate" --tls-cert "$tmp/garbage.pem" --tls-key "$tmp/a.key"
startup_error "key not PEM" "$tmp/garbage.pem: not a PEM private key" --tls-cert "$tmp/a.crt" --tls-key "$tmp/garbage.pem"
startup_error "certificate given as key" "$tmp/a.crt: not a PEM private key" --tls-cert "$tmp/a.crt" --tls-key "$tmp/a.crt"
startup_error "encrypted key" "$tmp/encrypted.key: the private key is protected by a passphrase" \
  --tls-cert "$tmp/a.crt" --tls-key "$tmp/encrypted.key"
[ ! -e "$tmp/never.db" ] && ok || bad "a refused start created the decision log"

# --- the service over HTTPS.
start main --read-timeout 1 --keep-alive 5
grep -q "HTTPS (TLS 1.2 and 1.3) with the certificate in $tmp/server.crt: CN = localhost, .*fingerprint $fp_a" "$tmp/main.err" \
  && ok || bad "start-up line: $(cat "$tmp/main.err")"

# (a) a decision, with its id, over HTTPS; keep-alive holds (one connection
# for two requests); TLS 1.2 and 1.3 are both spoken.
out=$(curl -sS --cacert "$tmp/a.crt" -D "$tmp/headers" -H 'Content-Type: application/json' -d "$BODY" \
  "https://localhost:$port/v1/decisions" 2>&1)
grep -q '"outcome":"eligible"' <<<"$out" && grep -qi '^x-decision-id: [0-9a-f]\{32\}' "$tmp/headers" && ok || bad "decision over HTTPS: $out"
conns=$(curl -sS --cacert "$tmp/a.crt" -o /dev/null -o /dev/null -w '%{num_connects} ' "https://localhost:$port/healthz" "https://localhost:$port/readyz")
[ "$conns" = "1 0 " ] && ok || bad "keep-alive over TLS: connections made per request: $conns"
for v in 1.2 1.3; do
  got=$(curl -sS --cacert "$tmp/a.crt" --tlsv$v --tls-max $v -o /dev/null -w '%{http_code}' "https://localhost:$port/healthz" 2>&1)
  [ "$got" = 200 ] && ok || bad "TLS $v: $got"
done
cipher=$(openssl s_client -connect "127.0.0.1:$port" -tls1_2 </dev/null 2>/dev/null | sed -n 's/^ *Cipher *: //p')
[[ $cipher == ECDHE-*-GCM-* || $cipher == ECDHE-*-CHACHA20-* ]] && ok || bad "TLS 1.2 cipher is not forward-secret AEAD: '$cipher'"
big=$(head -c 70000 /dev/zero | tr '\0' a)
got=$(curl -sS --cacert "$tmp/a.crt" -H 'Content-Type: application/json' --data-binary "{\"policy\":\"$big\"}" \
  -o "$tmp/big.json" -w '%{http_code}' "https://localhost:$port/v1/decisions")
[ "$got" = 413 ] && grep -q body_too_large "$tmp/big.json" && ok || bad "body limit over TLS: $got"

# Sessions resume (from the server's cache: no tickets), over 1.2 and 1.3;
# this needs the client's close_notify answered (OpenSSL drops a session
# whose connection was not shut down both ways).
for v in 1_2 1_3; do
  rm -f "$tmp/session"
  sleep 0.5 | openssl s_client -connect "127.0.0.1:$port" -tls$v -sess_out "$tmp/session" >/dev/null 2>&1
  got=$(openssl s_client -connect "127.0.0.1:$port" -tls$v -sess_in "$tmp/session" </dev/null 2>/dev/null | grep -E '^(New|Reused),')
  grep -q '^Reused' <<<"$got" && ok || bad "TLS $v session resumption: $got"
done

# (b) TLS 1.1 and older are refused by the server: the client offers 1.1
# (OpenSSL's security level lowered on the client's side only, so that the
# refusal is the server's protocol_version alert, not the client's policy).
err=$(curl -sS --cacert "$tmp/a.crt" --tlsv1.0 --tls-max 1.1 "https://localhost:$port/healthz" 2>&1); rc=$?
[ $rc -ne 0 ] && ok || bad "curl --tls-max 1.1 was served: $err"
err=$(openssl s_client -connect "127.0.0.1:$port" -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null 2>&1)
grep -q "alert protocol version" <<<"$err" && ok || bad "TLS 1.1 handshake: $(tail -3 <<<"$err")"
err=$(openssl s_client -connect "127.0.0.1:$port" -tls1 -cipher 'DEFAULT:@SECLEVEL=0' </dev/null 2>&1)
grep -q "alert protocol version" <<<"$err" && ok || bad "TLS 1.0 handshake: $(tail -3 <<<"$err")"
# No compression, and a client's renegotiation request is refused.
grep -q "^Compression: NONE" <<<"$(openssl s_client -connect "127.0.0.1:$port" -tls1_2 </dev/null 2>/dev/null)" && ok || bad "compression"
reneg=$( (sleep 0.5; echo R; sleep 1) | openssl s_client -connect "127.0.0.1:$port" -tls1_2 2>&1)
grep -q "RENEGOTIATING" <<<"$reneg" && grep -q "no renegotiation" <<<"$reneg" && ok || bad "renegotiation: $(tail -4 <<<"$reneg")"

# (c) plain HTTP to the TLS port is told so in plain HTTP and closed; bytes
# that are neither are closed; the server serves on.
got=$(curl -sS -o "$tmp/plain.json" -w '%{http_code}' "http://127.0.0.1:$port/healthz" 2>&1)
[ "$got" = 400 ] && grep -q "this port serves HTTPS" "$tmp/plain.json" && ok || bad "plain HTTP to the TLS port: $got"
$PROBE "$port" "$tmp/ca.pem" garbage 1 >"$tmp/probe.out" && ok || bad "garbage: $(cat "$tmp/probe.out")"
alive && ok || bad "the server stopped answering after plain HTTP and garbage"

# (d) the read timeout (1 s here) around the handshake: a TCP connection that
# sends nothing, a handshake that stalls, and one that completes but is
# followed by nothing are all closed after it; a request stalled over TLS
# gets 408.
for check in silent-tcp partial-hello handshake-then-nothing stalled-request; do
  $PROBE "$port" "$tmp/ca.pem" $check 1 >"$tmp/probe.out" && ok || bad "$check: $(cat "$tmp/probe.out")"
done
alive && ok || bad "the server stopped answering after the timeouts"

# (e) SIGHUP with a new pair: a connection opened before keeps the old
# certificate and is still served; a new one sees the new certificate.
rm -f "$tmp/reloaded"
$PROBE "$port" "$tmp/ca.pem" hold-across-reload 1 "$tmp/reloaded" >"$tmp/hold.out" &
holder=$!
wait_for_line "$tmp/hold.out" "^before" || bad "the held connection did not start"
cp "$tmp/b.crt" "$tmp/server.crt"; cp "$tmp/b.key" "$tmp/server.key"
kill -HUP "$pid"
wait_for_line "$tmp/main.err" "TLS certificate reloaded from $tmp/server.crt: .*$fp_b" && ok || bad "reload line: $(tail -3 "$tmp/main.err")"
[ "$(served_fp)" = "$fp_b" ] && ok || bad "after SIGHUP a new connection sees $(served_fp), not the new $fp_b"
touch "$tmp/reloaded"
wait "$holder" && grep -q "^before $fp_a" "$tmp/hold.out" && grep -q "^after $fp_a statuses 200 200" "$tmp/hold.out" \
  && ok || bad "the connection open across the reload: $(cat "$tmp/hold.out")"

# (f) SIGHUP with a broken pair (a stray key; then a certificate that is not
# PEM): refused with a log line naming the file; the pair in service stays.
cp "$tmp/stray.key" "$tmp/server.key"
kill -HUP "$pid"
wait_for_line "$tmp/main.err" "TLS reload refused, the certificate in service stays: $tmp/server.key: the private key does not match" \
  && ok || bad "refused reload line: $(tail -3 "$tmp/main.err")"
[ "$(served_fp)" = "$fp_b" ] && alive && ok || bad "after a broken reload the server serves $(served_fp), not $fp_b"
cp "$tmp/b.key" "$tmp/server.key"; cp "$tmp/garbage.pem" "$tmp/server.crt"
kill -HUP "$pid"
wait_for_line "$tmp/main.err" "refused, the certificate in service stays: $tmp/server.crt: not a PEM certificate" \
  && ok || bad "refused reload line (bad PEM): $(tail -3 "$tmp/main.err")"
[ "$(served_fp)" = "$fp_b" ] && alive && ok || bad "after a bad-PEM reload the server serves $(served_fp), not $fp_b"
cp "$tmp/b.crt" "$tmp/server.crt"

# Metrics and the access log count what came over TLS.
metrics=$(curl -sS --cacert "$tmp/ca.pem" "https://localhost:$port/metrics")
grep -q '^cpe_decisions_total{policy="fixture.bariatric",outcome="eligible"} 1' <<<"$metrics" && ok || bad "metrics: $(grep decisions_total <<<"$metrics")"
grep -q '"path":"/v1/decisions","status":200' "$tmp/main.access" && grep -q '"status":408' "$tmp/main.access" \
  && ok || bad "access log: $(head -3 "$tmp/main.access")"

# Stop with an idle client that never reads (so never answers close_notify):
# the server sends its close_notify, waits a bounded time, and exits 0.
$PROBE "$port" "$tmp/ca.pem" never-answers-close-notify 1 30 >"$tmp/idle.out" &
idle=$!
wait_for_line "$tmp/idle.out" holding || bad "the idle client did not connect"
kill -TERM "$pid"
stopped=no
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || { stopped=yes; break; }; sleep 0.1; done
wait "$pid"; rc=$?
[ $stopped = yes ] && [ $rc -eq 0 ] && ok || bad "stop with a client that never answers close_notify: stopped=$stopped rc=$rc"
kill "$idle" 2>/dev/null; wait "$idle" 2>/dev/null
rows=$(sqlite3 "$tmp/main.db" 'SELECT count(*) FROM decisions')
[ "$rows" = 1 ] && ok || bad "decision log rows after stop: $rows"

# The connection cap over TLS: two held connections are served, a third is
# closed before any handshake and counted.
start cap --max-connections 2 --keep-alive 5
$PROBE "$port" "$tmp/ca.pem" cap 1 2 >"$tmp/probe.out" && ok || bad "cap: $(cat "$tmp/probe.out")"
# (the held connections close as the probe exits: the server may not have
# seen that yet, and would refuse this one too)
for _ in $(seq 50); do
  refused=$(curl -s --cacert "$tmp/ca.pem" "https://localhost:$port/metrics" | awk '/^cpe_http_connections_refused_total/ {print $2}')
  [ -n "$refused" ] && break; sleep 0.1
done
[ "${refused:-0}" -ge 1 ] && ok || bad "refused connections counted: $refused"

echo "$passed passed, $fail failed"
[ $fail -eq 0 ]
