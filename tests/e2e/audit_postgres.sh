#!/usr/bin/env bash
# `cpe audit --database ... --query SQL` reads coded activity straight from a
# real PostgreSQL server (a throwaway cluster in a temporary folder) and gives
# exactly what the same activity gives from a file: activity.csv,
# variation.csv and rejects.csv byte for byte, from a typed table read with
# renamed columns and from a text table holding malformed rows. A query the
# server refuses, a server that is not there, and --database without --query
# each stop with the reason (exit 2).
# Usage: audit_postgres.sh CPE GEN
set -uo pipefail
CPE=$1 GEN=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d); chmod 755 "$WORK"
. "$ROOT/tests/support/pg_cluster.sh"
trap 'pg_cluster_stop; rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$ROOT"

pg_cluster_start "$WORK/pg" || fail "could not start a PostgreSQL server (see above)"
createdb hospital || fail "createdb"
export PGDATABASE=hospital
"$GEN" --rows 30000 --seed 11 --quoted 0.02 --out "$WORK/activity.csv" 2>/dev/null || fail "cpe-gen-activity"

# 1. A typed table, as an analyst's warehouse holds it: other column names,
#    integers and dates; the query renames to the audit's columns.
psql -q -v ON_ERROR_STOP=1 <<SQL || fail "loading the typed table"
CREATE TABLE apc (row_no serial, epikey text, procode3 text, ccg text, startage integer, sex text,
  admimeth text, setting text, opertn_dom text, opertn_all text, diag_all text, admidate date);
\copy apc (epikey, procode3, ccg, startage, sex, admimeth, setting, opertn_dom, opertn_all, diag_all, admidate) FROM '$WORK/activity.csv' WITH (FORMAT csv, HEADER)
SQL
cat >"$WORK/apc.sql" <<'SQL'
SELECT epikey AS episode_id, procode3 AS provider, ccg AS commissioner, startage AS age, sex,
       admimeth AS admission_method, setting, opertn_dom AS dominant_procedure,
       opertn_all AS procedures, diag_all AS diagnoses, admidate AS admission_date
  FROM apc ORDER BY row_no;
SQL
"$CPE" audit --activity "$WORK/activity.csv" --out "$WORK/file" --no-progress >/dev/null || fail "file audit"
"$CPE" audit --database "dbname=hospital" --query-file "$WORK/apc.sql" --out "$WORK/db" --no-progress \
  >"$WORK/db.out" 2>"$WORK/db.err" || fail "database audit exited $?: $(cat "$WORK/db.err")"
for f in activity.csv variation.csv rejects.csv; do
  cmp -s "$WORK/file/$f" "$WORK/db/$f" || fail "$f from the database differs from the file's: $(diff "$WORK/file/$f" "$WORK/db/$f" | head -5)"
done
[ "$(wc -l <"$WORK/db/activity.csv")" -gt 10 ] || fail "the database audit counted almost nothing"
grep -q "30,000 rows read" "$WORK/db.out" || fail "summary does not say 30,000 rows read: $(cat "$WORK/db.out")"

# 2. A text table with malformed values: the same rejects, on the same lines.
awk -F, 'BEGIN { OFS = "," } NR == 6 { $4 = "abc" } NR == 9 { $11 = "2024-13-01" } { print }' \
  "$WORK/activity.csv" >"$WORK/bad.csv"
psql -q -v ON_ERROR_STOP=1 <<SQL || fail "loading the text table"
CREATE TABLE raw (row_no serial, episode_id text, provider text, commissioner text, age text, sex text,
  admission_method text, setting text, dominant_procedure text, procedures text, diagnoses text, admission_date text);
\copy raw (episode_id, provider, commissioner, age, sex, admission_method, setting, dominant_procedure, procedures, diagnoses, admission_date) FROM '$WORK/bad.csv' WITH (FORMAT csv, HEADER)
SQL
"$CPE" audit --activity "$WORK/bad.csv" --out "$WORK/badfile" --no-progress >/dev/null || fail "file audit of bad rows"
"$CPE" audit --query "SELECT episode_id, provider, commissioner, age, sex, admission_method, setting,
  dominant_procedure, procedures, diagnoses, admission_date FROM raw ORDER BY row_no" \
  --out "$WORK/baddb" --no-progress >/dev/null 2>&1 || fail "database audit of bad rows (PG* environment)"
[ "$(wc -l <"$WORK/baddb/rejects.csv")" = 3 ] || fail "want 2 rejects, got: $(cat "$WORK/baddb/rejects.csv")"
for f in activity.csv rejects.csv; do
  cmp -s "$WORK/badfile/$f" "$WORK/baddb/$f" || fail "$f with bad rows differs: $(diff "$WORK/badfile/$f" "$WORK/baddb/$f" | head -5)"
done

# 3. Errors, each with the reason.
expect_error() {  # want-text, cpe args...
  local want=$1; shift
  "$CPE" audit "$@" --out "$WORK/err" --no-progress >/dev/null 2>"$WORK/err.txt"
  local rc=$?
  [ "$rc" = 2 ] || fail "$* exited $rc, want 2"
  grep -qF -- "$want" "$WORK/err.txt" || fail "$* said: $(cat "$WORK/err.txt"), want: $want"
}
expect_error 'database query at character 8 of --query: column "nope" does not exist' \
  --query "SELECT nope FROM raw"
expect_error 'database query at character 15 of --query: relation "missing" does not exist' --query "SELECT * FROM missing"
expect_error "database: cannot connect:" --database "host=$WORK/nowhere dbname=hospital" --query "SELECT 1"
expect_error "--database needs --query" --database "dbname=hospital"
expect_error "give one of --activity FILE or --query SQL" --activity "$WORK/bad.csv" --query "SELECT 1"
# A query giving the wrong columns is refused at its header, like a file.
expect_error "episode_id" --query "SELECT provider FROM raw"
echo "ok: the audit reads PostgreSQL as it reads a file (30000 rows, 2 rejects, 6 errors)"
