#!/bin/sh
# run_conformance.sh: build the interpreter conformance checker and run it
# over test/qserver/conformance/*.tsv (rows: q expression, the result real
# kdb+ gives in q's one-line display form, the KX page it comes from).
# Works from any directory; prints mismatches and "N passed, M failed".
set -e
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
TMP=${TMPDIR:-/tmp}/qconf.$$
mkdir -p "$TMP"
trap 'rm -rf "$TMP"' EXIT
cd "$ROOT"
gcc -O1 -g -std=gnu11 -Isrc/kipc -Itest/qserver -o "$TMP/conformance" \
	test/qserver/tests/conformance_main.c test/qserver/tests/conformance_tsv.c test/qserver/q_*.c src/kipc/*.c \
	-lssl -lcrypto -lm
"$TMP/conformance" "$@"
