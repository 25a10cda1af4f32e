#!/usr/bin/env bash
# test/selftest/run_selftest.sh -- tests of the tests: each experiment breaks
# something in a throwaway copy of the work tree (a test assertion, the code
# under test, a data file, a suite script, the differential oracle, the
# walkthrough fixture) and checks that the suite which should notice turns
# red: non-zero exit status and a count line with failures.  Also checks the
# counting of pg_regress output in the formats of PostgreSQL 15 and 16+.
#
# Usage: test/selftest/run_selftest.sh [--quick]
#   --quick  only the experiments that need no PostgreSQL (unit, test.sh,
#            conformance, pg_regress counting; about a minute)
# Without --quick it also runs the differential oracle, same-error and
# walkthrough experiments, which use the installed extension and take the
# machine-wide install lock (tools/lib.sh).
# The work tree itself is never modified.  Ends with
# "N passed, M failed, 0 skipped" (N = experiments whose breakage was
# caught); exit status 1 if any breakage went unnoticed.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
QUICK=0
[ "${1:-}" = --quick ] && QUICK=1
T=$(mktemp -d /tmp/qipc_selftest.XXXXXX)
PASS=0
FAIL=0
trap 'rm -rf "$T"' EXIT

ok() { PASS=$((PASS + 1)); echo "ok - $1"; }
notok() {
	local name=$1 l
	shift
	FAIL=$((FAIL + 1))
	echo "not ok - $name"
	for l in "$@"; do printf '    %s\n' "$l"; done
}

# fresh_copy: $COPY becomes a copy of the work tree (with its build
# products, so that builds are incremental), without git metadata
fresh_copy() {
	COPY="$T/tree"
	rm -rf "$COPY"
	mkdir -p "$COPY"
	(cd "$ROOT" && tar --exclude=./.git -cf - .) | (cd "$COPY" && tar -xf -)
}

# mutate FILE PYTHON-EXPRESSION-ON-s: edit a file of the copy; fails the
# experiment when the edit changes nothing (the mutation went stale)
mutate() {
	local file="$COPY/$1" expr=$2
	python3 - "$file" "$expr" <<'EOF'
import sys
path, expr = sys.argv[1], sys.argv[2]
s = open(path).read()
t = eval(expr, {"s": s})
if t == s:
    sys.exit("mutation changed nothing in " + path)
open(path, "w").write(t)
EOF
}

# expect_red NAME LOG RC [PATTERN]: the run must have failed (exit status
# non-zero, last count line with failures) and print PATTERN
expect_red() {
	local name=$1 log=$2 rc=$3 pat=${4:-} line
	line=$(grep -E '^([A-Za-z_-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
	if [ "$rc" -eq 0 ]; then
		notok "$name" "exit status 0 (the breakage went unnoticed)" "last count line: $line"
	elif ! grep -qE '[1-9][0-9]* failed' <<<"$line"; then
		notok "$name" "exit status $rc but the count line shows no failure: $line"
	elif [ -n "$pat" ] && ! grep -qE -- "$pat" "$log"; then
		notok "$name" "failed, but without the expected message /$pat/" "$(tail -n 5 "$log")"
	else
		ok "$name ($line)"
	fi
}

# expect_green NAME LOG RC: the unbroken copy passes (control experiment)
expect_green() {
	local name=$1 log=$2 rc=$3 line
	line=$(grep -E '^([A-Za-z_-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
	if [ "$rc" -eq 0 ] && grep -qE ' 0 failed' <<<"$line"; then
		ok "$name ($line)"
	else
		notok "$name" "exit status $rc, count line: $line" "$(tail -n 5 "$log")"
	fi
}

unit() { (cd "$COPY" && make -s unitcheck) >"$T/log" 2>&1; }
testsh() { (cd "$COPY" && bash tools/test.sh "$@") >"$T/log" 2>&1; }

# ---------------------------------------------------------------------------
# unit tests
# ---------------------------------------------------------------------------
fresh_copy
unit; expect_green "control: the unbroken unit tests pass" "$T/log" $?

mutate test/unit/test_misc.c "s.replace(\"(expr[1] == 'N' || expr[1] == 'n')\", \"expr[1] == 'N'\")" &&
	{ unit; expect_red "unit: a broken assertion (0n expected not null) fails" "$T/log" $? 'kipc_is_null 0n'; }

# the precedence fault let any kipc_is_null answer pass for 0n: a codec
# that stops seeing float nulls must now be caught by that very check
fresh_copy
mutate src/kipc/kipc_object.c "s.replace('''			case -KIPC_T_FLOAT:
			case -KIPC_T_DATETIME:
				return isnan(o->a.f);''', '''			case -KIPC_T_FLOAT:
			case -KIPC_T_DATETIME:
				return false;''', 1)" &&
	{ unit; expect_red "unit: kipc_is_null missing float nulls is caught by the 0n check" "$T/log" $? 'kipc_is_null 0n'; }

fresh_copy
rm -f "$COPY/test/data/kdb-ipc-vectors.tsv"
unit; expect_red "unit: a removed vectors file fails" "$T/log" $? 'vectors file not found'

fresh_copy
(cd "$COPY/test/unit" && make -s -C ../.. test/unit/unittest >/dev/null 2>&1 &&
	KIPC_VECTORS=/nonexistent/vectors.tsv ./unittest) >"$T/log" 2>&1
expect_red "unit: \$KIPC_VECTORS naming a missing file fails" "$T/log" $? 'vectors file not found: /nonexistent'

fresh_copy
mutate test/data/kdb-ipc-vectors.tsv "s.replace('\t010000000d000000fa01000000', '\t010000000e000000fa01000000', 1)" &&
	{ unit; expect_red "unit: a corrupted vector row (length field) fails" "$T/log" $? 'vector line 2'; }

# ---------------------------------------------------------------------------
# tools/test.sh: missing scripts, count lines, skips
# ---------------------------------------------------------------------------
fresh_copy
rm -f "$COPY/test/qserver/tests/run_conformance.sh"
testsh conformance; expect_red "test.sh: a removed suite script fails, named" "$T/log" $? \
	'suite conformance: script test/qserver/tests/run_conformance.sh is missing'

stub_conformance() {
	printf '#!/bin/sh\n%s\n' "$1" >"$COPY/test/qserver/tests/run_conformance.sh"
	chmod +x "$COPY/test/qserver/tests/run_conformance.sh"
}
fresh_copy
stub_conformance 'echo "3 passed, 0 failed, 1 skipped"'
testsh conformance; expect_red "test.sh: a skip that is not named fails" "$T/log" $? 'counts 1 skipped but names 0'
stub_conformance 'echo "# skip row 7: cannot run here"; echo "3 passed, 0 failed, 1 skipped"'
testsh conformance
if [ $? -eq 0 ] && grep -q '^3 passed, 0 failed, 1 skipped$' "$T/log" &&
	grep -q 'conformance: row 7: cannot run here' "$T/log"; then
	ok "test.sh: a named skip is counted and listed"
else
	notok "test.sh: a named skip is counted and listed" "$(tail -n 6 "$T/log")"
fi
stub_conformance 'echo "all good"'
testsh conformance; expect_red "test.sh: a suite without a count line fails" "$T/log" $? 'printed no'
stub_conformance 'echo "0 passed, 0 failed, 0 skipped"'
testsh conformance; expect_red "test.sh: a suite that runs no test fails" "$T/log" $? 'ran no test'
stub_conformance 'echo "5 passed, 0 failed, 0 skipped"; exit 3'
testsh conformance; expect_red "test.sh: a suite exiting non-zero fails" "$T/log" $? 'exited with status 3'

# ---------------------------------------------------------------------------
# conformance rows
# ---------------------------------------------------------------------------
fresh_copy
mutate test/qserver/conformance/verbs.tsv "s.replace('sum 2 3 5 7\t17\t', 'sum 2 3 5 7\t18\t', 1)" &&
	{ (cd "$COPY" && test/qserver/tests/run_conformance.sh) >"$T/log" 2>&1
	  expect_red "conformance: a wrong expected value fails" "$T/log" $? 'sum 2 3 5 7'; }
fresh_copy
mutate test/qserver/conformance/verbs.tsv "s.replace('sum 2 3 5 7\t17\tcode.kx.com/q/ref/sum/\t', 'sum 2 3 5 7\t17\tcode.kx.com/q/ref/sum/\tprobably\t', 1)" &&
	{ (cd "$COPY" && test/qserver/tests/run_conformance.sh) >"$T/log" 2>&1
	  expect_red "conformance: a malformed source column fails" "$T/log" $? 'malformed source column'; }
fresh_copy
mutate test/qserver/conformance/qsql.tsv "s.replace('t:([] sym:\`a\`b\`a\`c; p:1 2 3 0N; s:10 20 30 40)\t-', 't:([] sym:\`a\`b\`a\`c; p:1 2 3 0N; s:10 20 30 40 50)\t-', 1)" &&
	{ (cd "$COPY" && test/qserver/tests/run_conformance.sh) >"$T/log" 2>&1
	  expect_red "conformance: a failing setup row fails" "$T/log" $? 'length'; }

# ---------------------------------------------------------------------------
# pg_regress output of PostgreSQL 15 and 16+
# ---------------------------------------------------------------------------
cat >"$T/pg15.log" <<'EOF'
test core                         ... ok          120 ms
parallel group (2 tests):  types functions
     types                        ... ok           10 ms
     functions                    ... FAILED       20 ms
EOF
cat >"$T/pg16.log" <<'EOF'
# using temp instance on port 61696 with PID 1234
ok 1         - core                                      123 ms
# parallel group (2 tests):  types functions
ok 2         + types                                      12 ms
not ok 3     + functions                                  13 ms
not ok 4     - pushdown                                   13 ms
1..4
# 2 of 4 tests failed.
EOF
c15=$(bash "$ROOT/test/run_regress.sh" --count "$T/pg15.log")
c16=$(bash "$ROOT/test/run_regress.sh" --count "$T/pg16.log")
[ "$c15" = "2 1" ] && ok "pg_regress counting: PostgreSQL 15 format (2 passed, 1 failed)" ||
	notok "pg_regress counting: PostgreSQL 15 format" "got '$c15', want '2 1'"
[ "$c16" = "2 2" ] && ok "pg_regress counting: PostgreSQL 16+ TAP format (2 passed, 2 failed)" ||
	notok "pg_regress counting: PostgreSQL 16+ TAP format" "got '$c16', want '2 2'"

# ---------------------------------------------------------------------------
# experiments with PostgreSQL (installed extension, install lock)
# ---------------------------------------------------------------------------
if [ "$QUICK" = 0 ]; then
	# a corrupted oracle value: the locally built table says 'hello world!'
	# where q has `hello world
	fresh_copy
	mutate test/differential/setup.sql "s.replace(\"'Abc', 'hello world', 'it''s'\", \"'Abc', 'hello world!', 'it''s'\", 1)" &&
		{ (cd "$COPY" && test/differential/run_differential.sh --seeds 1 --queries 25) >"$T/log" 2>&1
		  expect_red "differential: a corrupted oracle row fails" "$T/log" $? 'not ok - oracle'; }

	# same error on both sides: with no share allowed, the run must fail
	fresh_copy
	(cd "$COPY" && DIFF_MAX_SAME_ERROR_PCT=0 test/differential/run_differential.sh --seeds 1 --queries 100) \
		>"$T/log" 2>&1
	expect_red "differential: too many same-error matches fail" "$T/log" $? 'errors on both sides'

	# walkthrough fixture whose data has no row for x=`a, x1>0.9995
	fresh_copy
	mutate test/fixtures/pykx/server.q "s.replace('0.1415926536*1+til 1000', '0.6180339887*1+til 1000', 1)" &&
		{ (cd "$COPY" && REGRESS=walkthrough test/run_regress.sh) >"$T/log" 2>&1
		  expect_red "walkthrough: a fixture without matching rows fails" "$T/log" $? 'some_rows'; }
fi

echo "${PASS} passed, ${FAIL} failed, 0 skipped"
[ "$FAIL" -eq 0 ]
