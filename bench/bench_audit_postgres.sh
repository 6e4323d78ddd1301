#!/usr/bin/env bash
# `make bench` (bench/run.sh): `cpe audit --query` reading coded activity
# straight from PostgreSQL, against the reading limit: `psql -c "COPY (same
# query) TO STDOUT" > /dev/null`, which moves the same rows through the same
# server and protocol and does nothing with them. The server is a throwaway
# cluster (tests/support/pg_cluster.sh) holding a typed table, read with
# renamed columns as an analyst's warehouse would be.
# Target (reported, never asserted): the audit within 1.5x of the COPY alone.
#
# Environment: AUDIT_PG_ROWS (default 2000000).
set -euo pipefail
BUILD_DIR=${1:-build}
cd "$(dirname "$0")/.."
ROOT=$PWD
ROWS=${AUDIT_PG_ROWS:-2000000}
CPE=$BUILD_DIR/cpe
GEN=$BUILD_DIR/cpe-gen-activity
for tool in "$CPE" "$GEN"; do
  [ -x "$tool" ] || { echo "bench_audit_postgres: $tool is missing; build first (make build)"; exit 1; }
done
WORK=$(mktemp -d); chmod 755 "$WORK"
. tests/support/pg_cluster.sh
trap 'pg_cluster_stop; rm -rf "$WORK"' EXIT
pg_cluster_start "$WORK/pg"
createdb hospital
export PGDATABASE=hospital

"$GEN" --rows "$ROWS" --seed 5 --out "$WORK/activity.csv" 2>/dev/null
psql -q -v ON_ERROR_STOP=1 <<SQL
CREATE TABLE apc (row_no serial, epikey text, procode3 text, ccg text, startage integer, sex text,
  admimeth text, setting text, opertn_dom text, opertn_all text, diag_all text, admidate date);
\copy apc (epikey, procode3, ccg, startage, sex, admimeth, setting, opertn_dom, opertn_all, diag_all, admidate) FROM '$WORK/activity.csv' WITH (FORMAT csv, HEADER)
VACUUM ANALYZE apc;
SQL
rm -f "$WORK/activity.csv"
QUERY="SELECT epikey AS episode_id, procode3 AS provider, ccg AS commissioner, startage AS age, sex,
       admimeth AS admission_method, setting, opertn_dom AS dominant_procedure,
       opertn_all AS procedures, diag_all AS diagnoses, admidate AS admission_date FROM apc"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
best() { printf '%s\n' "$@" | sort -g | head -1; }
copies=() audits=()
for _ in 1 2 3; do
  t0=$(now); psql -Atq -c "COPY ($QUERY) TO STDOUT WITH (FORMAT csv, HEADER)" >/dev/null; copies+=("$(elapsed "$t0" "$(now)")")
  t0=$(now); "$CPE" audit --policies policies --query "$QUERY" --out "$WORK/out" --no-progress >/dev/null
  audits+=("$(elapsed "$t0" "$(now)")")
done
COPY=$(best "${copies[@]}") AUDIT=$(best "${audits[@]}")
rate() { awk -v n="$ROWS" -v s="$1" 'BEGIN { printf "%.2f", n / s / 1e6 }'; }
echo "PostgreSQL $(psql -Atc 'SHOW server_version'), $ROWS rows in a typed table, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %6s s  %6s M rows/s  (best of 3: %s)\n' "psql COPY (query) TO STDOUT > /dev/null" "$COPY" "$(rate "$COPY")" "${copies[*]}"
printf '%-44s %6s s  %6s M rows/s  (best of 3: %s)\n' "cpe audit --query (same query)" "$AUDIT" "$(rate "$AUDIT")" "${audits[*]}"
echo "audit / COPY alone: $(awk -v a="$AUDIT" -v c="$COPY" 'BEGIN { printf "%.2fx", a / c }') (target: within 1.5x)"
