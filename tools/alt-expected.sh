#!/usr/bin/env bash
# tools/alt-expected.sh -- (re)make the pg_regress alternative expected
# files of the PostgreSQL versions whose messages differ from 15's.
#
# pg_regress accepts a suite's result when it matches expected/NAME.out or
# any expected/NAME_N.out.  Where a later PostgreSQL words one of its own
# messages differently, expected/NAME_1.out is NAME.out with those lines
# changed, made by this script from NAME.out, so that an edit to a suite
# only needs NAME.out to be updated and this script run again.
#
#	tools/alt-expected.sh           write the alternative files
#	tools/alt-expected.sh --check   exit 1 (listing them) if any is stale
#
# The differences, by suite:
#	functions  16+: GetUserMapping's error names the user and the server
#	joins_remote  18+: EXPLAIN ANALYZE prints a node's actual rows with
#	           two decimals ("actual rows=7.00 loops=1"); 15 to 17 print a
#	           whole number
#	async      not by version but by timing: psql prints a statement's
#	           error and the NOTICEs the server sends after it (those of
#	           the connections closed when the transaction aborts) in
#	           either order, as they reach it (seen with psql 15 and 17)

# the make_* functions are called by name, from the loop at the end
# shellcheck disable=SC2317
set -euo pipefail
cd "$(dirname "$0")/.."

# make_functions_1: functions_1.out from functions.out
make_functions_1() {
	sed -E 's/^ERROR:  user mapping not found for "([^"]*)"$/ERROR:  user mapping not found for user "\1", server "regress_fn"/' \
		expected/functions.out
}

# make_joins_remote_1: joins_remote_1.out from joins_remote.out: the
# actual row count of an EXPLAIN ANALYZE node gets two decimals.  A row of
# a psql table that grows longer than its header's rule would change the
# table's width (and so its header): that is refused instead of written
# wrong.
make_joins_remote_1() {
	awk '
		/^-+(\+-+)*$/ { rule = length($0) }
		/actual rows=[0-9]+ loops=/ {
			line = ""
			rest = $0
			while (match(rest, /actual rows=[0-9]+ loops=/)) {
				# RLENGTH - 7: up to the digits, without " loops="
				line = line substr(rest, 1, RSTART + RLENGTH - 8) ".00 loops="
				rest = substr(rest, RSTART + RLENGTH)
			}
			$0 = line rest
			# a one-column table: its widest row is one shorter than the rule
			if (length($0) > rule - 1) {
				print "alt-expected: a table in joins_remote.out grows wider: " $0 > "/dev/stderr"
				exit 1
			}
		}
		{ print }
	' expected/joins_remote.out
}

# make_async_1: async_1.out from async.out: an ERROR line that follows
# NOTICE/DETAIL lines moves before them
make_async_1() {
	awk '
		/^(NOTICE|DETAIL):  / { held = held $0 "\n"; next }
		/^ERROR:  / && held != "" { print; printf "%s", held; held = ""; next }
		{ printf "%s", held; held = ""; print }
		END { printf "%s", held }
	' expected/async.out
}

check=0
[ "${1:-}" = --check ] && check=1
stale=0
for name in functions joins_remote async; do
	new=$(mktemp)
	if ! "make_${name}_1" >"$new"; then
		rm -f "$new"
		exit 2
	fi
	if cmp -s "$new" "expected/$name.out"; then
		rm -f "$new"
		echo "alt-expected: no line of expected/$name.out differs by version any more" >&2
		exit 2
	fi
	if [ "$check" = 1 ]; then
		if ! cmp -s "$new" "expected/${name}_1.out"; then
			echo "expected/${name}_1.out is stale: run tools/alt-expected.sh"
			stale=1
		fi
		rm -f "$new"
	else
		mv "$new" "expected/${name}_1.out"
		chmod 644 "expected/${name}_1.out"
	fi
done
exit "$stale"
