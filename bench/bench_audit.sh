#!/usr/bin/env bash
# `make bench` (bench/run.sh): `cpe audit` over 10 million rows of synthetic
# coded activity, next to
#   - the raw read speed of the same file (`cat FILE > /dev/null`, warm cache),
#     the I/O limit any tool must pay, and
#   - SQLite (`sqlite3` CLI), the tool analysts would otherwise use: the same
#     counts as one query generated from the same coding rules, with the import
#     and the query timed separately and the counts compared with activity.csv.
# Targets (reported, never asserted): the whole audit under 5 s, within 3x of
# the raw read, and faster than SQLite's query alone.
#
# Environment: AUDIT_BENCH_ROWS (default 10000000), AUDIT_BENCH_DIR (work
# folder, default BUILD_DIR/bench-audit; the data is generated once and kept),
# AUDIT_BENCH_POLICIES (default: policies/ when it holds the 17 EBI coding
# rules, else audit/tests/data/policies), AUDIT_BENCH_SQLITE=0 to skip SQLite,
# AUDIT_BENCH_GZIP=1 to time a .csv.gz run too, AUDIT_BENCH_WIDE=0 to skip the
# same activity as a wide HES-style extract (cpe-gen-activity --layout hes, read
# through its --mapping: rows per second and the ratio to the contract layout).
set -euo pipefail
BUILD_DIR=${1:-build}
cd "$(dirname "$0")/.."
ROWS=${AUDIT_BENCH_ROWS:-10000000}
WORK=${AUDIT_BENCH_DIR:-$BUILD_DIR/bench-audit}
CPE=$BUILD_DIR/cpe
GEN=$BUILD_DIR/cpe-gen-activity
SQLGEN=$BUILD_DIR/cpe-audit-sql
for tool in "$CPE" "$GEN" "$SQLGEN"; do
  [ -x "$tool" ] || { echo "bench_audit: $tool is missing; build first (make build)"; exit 1; }
done
mkdir -p "$WORK"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
per_second() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.2f", n / s / 1e6; else print "-" }'; }
# Best (smallest) of the given numbers.
best() { printf '%s\n' "$@" | sort -g | head -1; }
rule_count() { "$SQLGEN" --policies "$1" 2>/dev/null | grep -c 'SUM(CASE' || true; }

POLICIES=${AUDIT_BENCH_POLICIES:-}
if [ -z "$POLICIES" ]; then
  if [ "$(rule_count policies)" -ge 17 ]; then POLICIES=policies; else POLICIES=audit/tests/data/policies; fi
fi
RULES=$(rule_count "$POLICIES")

CSV=$WORK/activity-$ROWS.csv
if [ ! -s "$CSV" ] || [ "$GEN" -nt "$CSV" ]; then
  echo "generating $ROWS rows of synthetic activity (deterministic seed) ..."
  "$GEN" --rows "$ROWS" --out "$CSV.tmp" && mv "$CSV.tmp" "$CSV"
fi
BYTES=$(stat -c %s "$CSV")
MB=$(awk -v b="$BYTES" 'BEGIN { printf "%.0f", b / 1e6 }')
echo "activity: $ROWS rows, $MB MB ($CSV); $RULES coding rules from $POLICIES"

# Raw read, warm cache: the first cat loads the page cache.
cat "$CSV" > /dev/null
cats=()
for _ in 1 2 3; do t0=$(now); cat "$CSV" > /dev/null; cats+=("$(elapsed "$t0" "$(now)")"); done
CAT=$(best "${cats[@]}")
printf '%-36s %8s s  %6s GB/s          (best of 3: %s)\n' "raw read (cat, warm cache)" "$CAT" \
  "$(awk -v b="$BYTES" -v s="$CAT" 'BEGIN { printf "%.2f", b / s / 1e9 }')" "${cats[*]}"

# The machine may be shared: wall time alone says little without the load
# beside it, so every timed step also reports its CPU time (user + sys).
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "load average before: $(load) ($(nproc) cores)"
# Runs a command (stdout to $1, stderr to $1.err); sets WALL and CPU.
timed() {
  local out=$1 TIMEFORMAT='%R %U %S' times
  shift
  times=$( { time "$@" > "$out" 2> "$out.err"; } 2>&1 ) || { cat "$out.err"; exit 1; }
  read -r WALL user sys <<< "$times"
  CPU=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
}
audit_run() {  # threads, input, out folder -> "wall cpu"
  timed "$3.summary" "$CPE" audit --policies "$POLICIES" --activity "$2" --out "$3" --threads "$1" --no-progress
  echo "$WALL $CPU"
}
runs=() cpus=()
for _ in 1 2 3; do
  read -r w c <<< "$(audit_run 2 "$CSV" "$WORK/out")"
  runs+=("$w") cpus+=("$c")
done
AUDIT=$(best "${runs[@]}")
AUDIT_CPU=$(best "${cpus[@]}")
printf '%-36s %8s s  %6s M rows/s  %5sx raw read  (best of 3: %s; CPU user+sys %s s)\n' "cpe audit, 2 threads (whole run)" \
  "$AUDIT" "$(per_second "$ROWS" "$AUDIT")" "$(ratio "$AUDIT" "$CAT")" "${runs[*]}" "${cpus[*]}"
read -r ONE ONE_CPU <<< "$(audit_run 1 "$CSV" "$WORK/out1")"
printf '%-36s %8s s  %6s M rows/s  (CPU user+sys %s s)\n' "cpe audit, 1 thread" "$ONE" "$(per_second "$ROWS" "$ONE")" "$ONE_CPU"
echo "  $(head -1 "$WORK/out.summary")"  # its first line; the versions applied follow it in the file
if ! cmp -s "$WORK/out/activity.csv" "$WORK/out1/activity.csv"; then echo "  MISMATCH: 1 and 2 threads differ"; fi

if [ "${AUDIT_BENCH_WIDE:-1}" != 0 ]; then
  WIDE=$WORK/activity-$ROWS-hes.csv
  if [ ! -s "$WIDE" ] || [ "$GEN" -nt "$WIDE" ]; then
    echo "generating the same $ROWS rows as a wide HES-style extract ..."
    "$GEN" --rows "$ROWS" --layout hes --mapping-out "$WORK/hes.map" --out "$WIDE.tmp" && mv "$WIDE.tmp" "$WIDE"
  fi
  "$GEN" --rows 0 --layout hes --mapping-out "$WORK/hes.map" > /dev/null
  wides=() wcpus=()
  for _ in 1 2 3; do
    timed "$WORK/outwide.summary" "$CPE" audit --policies "$POLICIES" --activity "$WIDE" --mapping "$WORK/hes.map" \
      --out "$WORK/outwide" --threads 2 --no-progress
    wides+=("$WALL") wcpus+=("$CPU")
  done
  WIDE_BEST=$(best "${wides[@]}")
  printf '%-36s %8s s  %6s M rows/s  %5sx the contract layout  (%s MB; best of 3: %s; CPU %s s)\n' \
    "cpe audit, wide HES layout, 2 thr" "$WIDE_BEST" "$(per_second "$ROWS" "$WIDE_BEST")" "$(ratio "$WIDE_BEST" "$AUDIT")" \
    "$(awk -v b="$(stat -c %s "$WIDE")" 'BEGIN { printf "%.0f", b / 1e6 }')" "${wides[*]}" "${wcpus[*]}"
  cmp -s "$WORK/out/activity.csv" "$WORK/outwide/activity.csv" || echo "  MISMATCH: the wide layout's counts differ"
fi

# Where the audit's time goes: its scan's stages alone, each adding to the
# one before (read; + split into records; + fields checked and converted),
# on the same two threads. The rest of the audit's time is the coding rules,
# the counting, loading the policies and writing the outputs.
STAGES=$BUILD_DIR/bench/bench_scan_stages
if [ -x "$STAGES" ]; then
  "$STAGES" "$CSV" 2 > "$WORK/stages.out"
  while read -r stage wall _ _ cpu _; do
    case $stage in
      read) what="scan stage: read() only" ;;
      split) what="scan stage: + split into records" ;;
      parse) what="scan stage: + check/convert fields" ;;
      *) continue ;;
    esac
    printf '%-36s %8s s  %6s M rows/s  %5sx raw read  (CPU %s s)\n' "$what, 2 threads" "$wall" \
      "$(per_second "$ROWS" "$wall")" "$(ratio "$wall" "$CAT")" "$cpu"
  done < "$WORK/stages.out"
  grep -q MISMATCH "$WORK/stages.out" && echo "  MISMATCH in the scan stages: $(grep MISMATCH "$WORK/stages.out")"
fi

if [ "${AUDIT_BENCH_GZIP:-0}" = 1 ]; then
  if [ ! -s "$CSV.gz" ] || [ "$CSV" -nt "$CSV.gz" ]; then gzip -1 -c "$CSV" > "$CSV.gz"; fi
  GZ=$(audit_run 2 "$CSV.gz" "$WORK/outgz")
  printf '%-36s %8s s  %6s M rows/s  (%s MB compressed)\n' "cpe audit, .csv.gz" "$GZ" "$(per_second "$ROWS" "$GZ")" \
    "$(awk -v b="$(stat -c %s "$CSV.gz")" 'BEGIN { printf "%.0f", b / 1e6 }')"
  cmp -s "$WORK/out/activity.csv" "$WORK/outgz/activity.csv" || echo "  MISMATCH: .csv.gz counts differ"
fi

SQL_RESULT="skipped (AUDIT_BENCH_SQLITE=0)"
if [ "${AUDIT_BENCH_SQLITE:-1}" != 0 ]; then
  if ! command -v sqlite3 > /dev/null; then
    SQL_RESULT="skipped (sqlite3 is not installed)"
  else
    DB=$WORK/activity-$ROWS.db
    "$SQLGEN" --policies "$POLICIES" > "$WORK/query.sql"
    rm -f "$DB"
    timed "$WORK/import.out" sqlite3 "$DB" ".import --csv $CSV activity"
    IMPORT=$WALL
    printf '%-36s %8s s  (CPU user+sys %s s)\n' "sqlite3 .import --csv" "$IMPORT" "$CPU"
    timed "$WORK/sql_raw.csv" sqlite3 -csv -header "$DB" ".read $WORK/query.sql"
    QUERY=$WALL
    tr -d '\r' < "$WORK/sql_raw.csv" > "$WORK/sql_activity.csv"
    printf '%-36s %8s s  %6s M rows/s  (CPU user+sys %s s; cpe audit is %sx faster)\n' "sqlite3 query (same rules)" "$QUERY" \
      "$(per_second "$ROWS" "$QUERY")" "$CPU" "$(ratio "$QUERY" "$AUDIT")"
    if cmp -s "$WORK/sql_activity.csv" "$WORK/out/activity.csv"; then
      SQL_RESULT="identical ($(($(wc -l < "$WORK/out/activity.csv") - 1)) intervention x provider rows)"
    else
      SQL_RESULT="DIFFERENT: diff $WORK/sql_activity.csv $WORK/out/activity.csv"
    fi
    rm -f "$DB"
  fi
fi
echo "counts: cpe audit vs SQLite: $SQL_RESULT"
echo "load average after: $(load) ($(nproc) cores; figures are wall time on a possibly shared machine)"
yesno() { awk -v c="$1" 'BEGIN { print (c ? "met" : "NOT met") }'; }
VS_SQL="n/a"
if [ -n "${QUERY:-}" ]; then VS_SQL=$(yesno "$(awk -v a="$AUDIT" -v q="$QUERY" 'BEGIN { print (a < q) }')"); fi
echo "targets: whole audit < 5 s: $(yesno "$(awk -v a="$AUDIT" 'BEGIN { print (a < 5) }')");" \
  "within 3x of raw read: $(yesno "$(awk -v a="$AUDIT" -v c="$CAT" 'BEGIN { print (a <= 3 * c) }')") ($(ratio "$AUDIT" "$CAT")x);" \
  "faster than SQLite's query: $VS_SQL"
