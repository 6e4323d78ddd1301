#!/bin/bash
# cpe publish / cpe history against a scratch registry: a SQLite file, or
# with CPE_REGISTRY_POSTGRES=1 a PostgreSQL database (a throwaway cluster),
# where every output must be the same.
source "$(dirname "$0")/e2e_lib.sh" "$@"
DB=$WORK/registry.db
if [ "${CPE_REGISTRY_POSTGRES:-}" = 1 ]; then
    . "$SRC/tests/support/pg_cluster.sh"
    trap 'pg_cluster_stop; rm -rf "$WORK"' EXIT
    chmod 755 "$WORK"
    pg_cluster_start "$WORK/pg" || { echo "FAIL: could not start a PostgreSQL server" >&2; exit 1; }
    createdb registry && createdb empty || { echo "FAIL: createdb" >&2; exit 1; }
    DB="postgresql:///registry?host=$PGHOST&port=$PGPORT&user=cpe"
    # A database without a registry is told apart from an empty new one.
    expect_exit 2 -- "$CPE" history --db "postgresql:///empty?host=$PGHOST&port=$PGPORT&user=cpe"
    expect_in "$WORK/err" "no registry in this database"
fi
POL=$WORK/policies
mkdir -p "$POL"
cp "$SRC/policies/shared/common.cpl" "$POL/"
cat >"$POL/p.cpl" <<'CPL'
policy demo.p {
    title "Demo policy"
    version "2025-04-01"
    effective 2025-04-01
    use common
    criterion bmi_ok "BMI between 19 and 30" = bmi between 19 and 30
    decide {
        eligible when bmi_ok
        otherwise not_eligible
    }
}
CPL

# The first 12 digits of the sha256 of what the registry stores: a version's
# text (as `cpe history --text` prints it), or a module's from the JSON log.
sha_of() { "$CPE" history demo.p --db "$DB" --text "$1" | sha256sum | cut -c1-12; }
module_sha() { "$CPE" history common --db "$DB" --format json | grep -o '"sha256": "[0-9a-f]*' | tail -1 | cut -c12-23; }

expect_exit 0 -- "$CPE" publish "$POL" --db "$DB" --by alice --at 2026-01-01T09:00:00Z
cp "$WORK/out" "$WORK/published"
expect_exactly "$WORK/published" <<EOF
published  module common                       sha256 $(module_sha)
published  demo.p 2025-04-01  from 2025-04-01  sha256 $(sha_of 2025-04-01)
2 published, 0 end dates set, 0 unchanged → $DB
EOF
FIRST_SHA=$(sha_of 2025-04-01)

# The same text again: nothing to do.
expect_exit 0 -- "$CPE" publish "$POL" --db "$DB" --by bob
expect_in "$WORK/out" "unchanged  demo.p 2025-04-01  from 2025-04-01  sha256 $FIRST_SHA"
expect_in "$WORK/out" "0 published, 0 end dates set, 2 unchanged"

# Reformatting does not change the content hash.
sed -i 's/= bmi between/=\n        bmi   between/' "$POL/p.cpl"
expect_exit 0 -- "$CPE" publish "$POL" --db "$DB" --by bob
expect_in "$WORK/out" "unchanged  demo.p 2025-04-01  from 2025-04-01  sha256 $FIRST_SHA"

# Changed rules under the same version: refused, naming the file and line, and nothing written.
sed -i 's/19 and 30/19 and 32/' "$POL/p.cpl"
expect_exit 1 -- "$CPE" publish "$POL" --db "$DB" --by carol
expect_in "$WORK/err" "p.cpl:1:8: error: demo.p version 2025-04-01 is already published with different text"
expect_in "$WORK/err" "by alice at 2026-01-01T09:00:00Z"
expect_in "$WORK/err" "nothing was published to $DB"

# The change as a new version, with the old one given its end date: accepted.
cat >"$POL/p.cpl" <<'CPL'
policy demo.p {
    title "Demo policy"
    version "2025-04-01"
    effective 2025-04-01 until 2026-03-31
    use common
    criterion bmi_ok "BMI between 19 and 30" = bmi between 19 and 30
    decide {
        eligible when bmi_ok
        otherwise not_eligible
    }
}

policy demo.p {
    title "Demo policy"
    version "2026-04-01"
    effective 2026-04-01
    use common
    criterion bmi_ok "BMI between 19 and 32" = bmi between 19 and 32
    decide {
        eligible when bmi_ok
        otherwise not_eligible
    }
}
CPL
expect_exit 0 -- "$CPE" publish "$POL" --db "$DB" --by carol --at 2026-02-01T09:00:00Z
cp "$WORK/out" "$WORK/published"
expect_exactly "$WORK/published" <<EOF
unchanged     module common                                sha256 $(module_sha)
end date set  demo.p 2025-04-01  2025-04-01 to 2026-03-31  sha256 $(sha_of 2025-04-01)
published     demo.p 2026-04-01  from 2026-04-01           sha256 $(sha_of 2026-04-01)
1 published, 1 end dates set, 1 unchanged → $DB
EOF

# A clean table: columns as wide as their widest cell, two spaces apart.
OLD_SHA=$(sha_of 2025-04-01) NEW_SHA=$(sha_of 2026-04-01)
expect_exit 0 -- "$CPE" history demo.p --db "$DB"
expect_exactly "$WORK/out" <<EOF
demo.p: Demo policy
2 versions in $DB

VERSION     IN FORCE                  SHA256        PUBLISHED BY  AT
2025-04-01  2025-04-01 to 2026-03-31  $OLD_SHA  alice         2026-01-01T09:00:00Z
2026-04-01  from 2026-04-01           $NEW_SHA  carol         2026-02-01T09:00:00Z

Log
  AT                    BY     ACTION        VERSION     SHA256
  2026-01-01T09:00:00Z  alice  published     2025-04-01  $FIRST_SHA
  2026-02-01T09:00:00Z  carol  end_date_set  2025-04-01  $OLD_SHA
  2026-02-01T09:00:00Z  carol  published     2026-04-01  $NEW_SHA
EOF
[ "$FIRST_SHA" != "$OLD_SHA" ] || fail "the end date did not change the stored text's hash"
expect_exit 0 -- "$CPE" history --db "$DB"
expect_exactly "$WORK/out" <<EOF
POLICY  VERSION     IN FORCE                  SHA256        PUBLISHED BY  AT
demo.p  2025-04-01  2025-04-01 to 2026-03-31  $OLD_SHA  alice         2026-01-01T09:00:00Z
demo.p  2026-04-01  from 2026-04-01           $NEW_SHA  carol         2026-02-01T09:00:00Z
EOF
expect_exit 0 -- "$CPE" history demo.p --db "$DB" --format json
expect_in "$WORK/out" '"action": "end_date_set"'
expect_exit 0 -- "$CPE" history demo.p --db "$DB" --text 2026-04-01
expect_in "$WORK/out" "bmi between 19 and 32"

# Bad input: a typo'd id, a missing registry, a file that is not one, broken policies.
expect_exit 2 -- "$CPE" history demo.q --db "$DB"
expect_in "$WORK/err" "no policy or module 'demo.q' has been published (did you mean 'demo.p'?)"
expect_exit 2 -- "$CPE" history demo.p --db "$WORK/none.db"
expect_in "$WORK/err" "$WORK/none.db: no such registry"
echo "not a database at all, just text, but long enough to look like a file header of some sort" >"$WORK/text.db"
expect_exit 2 -- "$CPE" history --db "$WORK/text.db"
expect_in "$WORK/err" "$WORK/text.db"
echo "policy broken {" >"$POL/broken.cpl"
expect_exit 2 -- "$CPE" publish "$POL" --db "$DB"
expect_in "$WORK/err" "nothing was published"

# The registry documents and serves the same decisions as the files, each
# case under the version in force on its date.
rm "$POL/broken.cpl"
expect_exit 0 -- "$CPE" doc --registry "$DB" --out "$WORK/doc" --as-of 2026-06-01
expect_in "$WORK/doc/demo.p.md" "registry:demo.p@2026-04-01"

# post PORT PATH BODY: the response body of one HTTP request (bash's /dev/tcp, so no client is needed).
post() {
    exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
    printf 'POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
        "$2" "${#3}" "$3" >&3
    timeout 10 cat <&3 | sed '1,/^\r$/d'
    exec 3<&-
}
"$CPE" serve --registry "$DB" --port 0 --db "$WORK/decisions.db" --access-log off >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER=$!
for _ in $(seq 100); do grep -q listening "$WORK/serve.out" && break; sleep 0.1; done
PORT=$(grep -o ':[0-9]*$' "$WORK/serve.out" | tr -d :)
if [ -z "$PORT" ]; then
    fail "cpe serve --registry did not start: $(cat "$WORK/serve.err")"
else
    for day in 2026-03-31 2026-04-01; do
        post "$PORT" /v1/decisions '{"policy": "demo.p", "facts": {"bmi": 31}, "as_of": "'$day'"}' >"$WORK/served.$day"
        "$CPE" decide --policies "$POL" --policy demo.p --facts - --as-of $day <<<'{"bmi": 31}' >"$WORK/decided.$day"
    done
    expect_in "$WORK/served.2026-03-31" '"policy_version":"2025-04-01","outcome":"not_eligible"'
    expect_in "$WORK/served.2026-03-31" '"at":"registry:demo.p@2025-04-01:'
    expect_in "$WORK/served.2026-04-01" '"policy_version":"2026-04-01","outcome":"eligible"'
    expect_in "$WORK/decided.2026-03-31" '"outcome": "not_eligible"'
    expect_in "$WORK/decided.2026-04-01" '"outcome": "eligible"'
    expect_in "$WORK/serve.err" "1 policies from registry $DB"
fi
kill "$SERVER" 2>/dev/null
wait "$SERVER"
expect_exit 1 -- "$CPE" serve --registry "$WORK/none.db" --port 0 --db "$WORK/decisions.db"
expect_in "$WORK/err" "$WORK/none.db: no such registry"
finish
