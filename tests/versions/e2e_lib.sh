# Shared by the e2e_*.sh scripts: arguments, a scratch folder, assertions.
# Usage in a script: source "$(dirname "$0")/e2e_lib.sh" "$@"
CPE=$1
GEN=$2
SRC=$3
OUT=$4
mkdir -p "$OUT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
FAILED=0

fail() { echo "FAIL: $*" >&2; FAILED=1; }

# expect_exit CODE -- command...: runs it, keeps stdout/stderr in $WORK/out and $WORK/err.
expect_exit() {
    local want=$1; shift; shift
    "$@" >"$WORK/out" 2>"$WORK/err"
    local got=$?
    if [ "$got" != "$want" ]; then
        fail "exit $got (wanted $want): $*"
        sed 's/^/  stdout: /' "$WORK/out" | head -20 >&2
        sed 's/^/  stderr: /' "$WORK/err" | head -20 >&2
    fi
}

# expect_in FILE TEXT: the file contains the text (fixed string).
expect_in() { grep -qF -- "$2" "$1" || { fail "'$2' not in $1:"; head -30 "$1" | sed 's/^/  | /' >&2; }; }
expect_not_in() { ! grep -qF -- "$2" "$1" || fail "'$2' unexpectedly in $1"; }

# expect_exactly FILE: the file is exactly the text on stdin (a diff is shown when not).
expect_exactly() {
    cat >"$WORK/want"
    cmp -s "$WORK/want" "$1" || { fail "$1 is not as expected (- wanted, + got):"; diff -u "$WORK/want" "$1" | tail -n +3 | sed 's/^/  /' >&2; }
}

finish() {
    if [ "$FAILED" = 0 ]; then echo "ok: $(basename "$0")"; fi
    exit "$FAILED"
}
