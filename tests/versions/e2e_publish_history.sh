#!/bin/bash
# cpe publish / cpe history against a scratch registry.
source "$(dirname "$0")/e2e_lib.sh" "$@"
DB=$WORK/registry.db
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

expect_exit 0 -- "$CPE" publish "$POL" --db "$DB" --by alice --at 2026-01-01T09:00:00Z
expect_in "$WORK/out" "published     demo.p 2025-04-01"
expect_in "$WORK/out" "published     module common"
expect_in "$WORK/out" "2 published, 0 end dates set, 0 unchanged"

# The same text again: nothing to do.
expect_exit 0 -- "$CPE" publish "$POL" --db "$DB" --by bob
expect_in "$WORK/out" "unchanged     demo.p 2025-04-01"
expect_in "$WORK/out" "0 published, 0 end dates set, 2 unchanged"

# Reformatting does not change the content hash.
sed -i 's/= bmi between/=\n        bmi   between/' "$POL/p.cpl"
expect_exit 0 -- "$CPE" publish "$POL" --db "$DB" --by bob
expect_in "$WORK/out" "unchanged     demo.p 2025-04-01"

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
expect_in "$WORK/out" "end date set  demo.p 2025-04-01"
expect_in "$WORK/out" "published     demo.p 2026-04-01"

expect_exit 0 -- "$CPE" history demo.p --db "$DB"
expect_in "$WORK/out" "2 versions in $DB"
expect_in "$WORK/out" "2025-04-01  2025-04-01 to 2026-03-31"
expect_in "$WORK/out" "2026-04-01  from 2026-04-01"
expect_in "$WORK/out" "carol         end_date_set"
expect_exit 0 -- "$CPE" history --db "$DB"
expect_in "$WORK/out" "demo.p"
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

# The registry serves the same decisions as the files.
rm "$POL/broken.cpl"
echo '{"bmi": 31}' >"$WORK/facts.json"
expect_exit 0 -- "$CPE" doc --registry "$DB" --out "$WORK/doc" --as-of 2026-06-01
expect_in "$WORK/doc/demo.p.md" "registry:demo.p@2026-04-01"
finish
