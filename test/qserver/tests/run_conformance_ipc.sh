#!/usr/bin/env bash
# shellcheck disable=SC2317  # cleanup runs from trap
# test/qserver/tests/run_conformance_ipc.sh -- run the conformance suite
# (test/qserver/conformance/*.tsv) against the q test server over kdb+ IPC,
# through two clients:
#   - libkipc, the project's own client code (conformance_ipc.c, built here
#     from src/kipc: kipc_conn_* transport, encoder and decoder);
#   - node-q, an independent npm client (nodeq/conformance_nodeq.js).
# run_conformance.sh checks the same rows in-process; this checks them end
# to end.  Each client runs each file's rows in order on ONE connection to a
# fresh qserver (globals are per process: a fresh server per file and
# client, like the in-process checker's fresh interpreter per file).
#
# Usage: test/qserver/tests/run_conformance_ipc.sh [FILE.tsv ...]
#   QSERVER=path  server binary (default test/qserver/qserver; run make)
#   KEEP_TMP=1    keep the temporary directory (server logs, client output)
# Prints mismatches, per-client counts and skipped rows (node-q's "# skip"
# lines: replies it cannot decode or compare), then one line
# "N passed, M failed, K skipped" summing both clients (rows per client,
# setup rows not counted); exit status 1 on any failure.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
QSERVER=${QSERVER:-$ROOT/test/qserver/qserver}
NODEQ_DIR=$HERE/nodeq
T=$(mktemp -d /tmp/qipc_confipc.XXXXXX)
SERVER_PID=

stop_server() {
	local p=$SERVER_PID
	SERVER_PID=
	[ -n "$p" ] || return 0
	kill -TERM "$p" 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$p" 2>/dev/null
	wait "$p" 2>/dev/null
}

cleanup() {
	stop_server
	if [ -n "${KEEP_TMP:-}" ]; then
		echo "# kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail_setup() {
	echo "not ok - $1"
	[ -n "${2:-}" ] && printf '    %s\n' "$2"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}

# start_server NAME: a fresh qserver on a free port; sets PORT, SERVER_PID
start_server() {
	local name=$1
	"$QSERVER" -p 0 >"$T/$name.out" 2>"$T/$name.err" &
	SERVER_PID=$!
	PORT=
	for _ in $(seq 1 200); do
		grep -q listening "$T/$name.out" 2>/dev/null && break
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.05
	done
	PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/$name.out" | head -n1)
	[ -n "$PORT" ] || fail_setup "start qserver $name" "$(cat "$T/$name.err")"
}

[ -x "$QSERVER" ] || fail_setup "qserver not built: $QSERVER (run make)"
if [ -n "$(find "$ROOT/test/qserver" "$ROOT/src/kipc" -maxdepth 1 -name '*.[ch]' -newer "$QSERVER" 2>/dev/null)" ]; then
	echo "# warning: $QSERVER is older than its sources: run make, or mismatches may be stale"
fi
command -v node >/dev/null || fail_setup "node is not installed"

if [ "$#" -gt 0 ]; then
	FILES=("$@")
else
	FILES=()
	for f in "$ROOT"/test/qserver/conformance/*.tsv; do
		FILES+=("$f")
	done
fi
[ "${#FILES[@]}" -gt 0 ] || fail_setup "no conformance files"

# the libkipc client
if ! gcc -O1 -g -std=gnu11 -Wall -I"$ROOT/src/kipc" -o "$T/conformance_ipc" \
	"$HERE/conformance_ipc.c" "$HERE/conformance_tsv.c" "$ROOT"/src/kipc/*.c -lssl -lcrypto -lm >"$T/build.log" 2>&1; then
	fail_setup "build conformance_ipc" "$(tail -n 20 "$T/build.log")"
fi

# node-q, pinned by nodeq/package-lock.json
if [ ! -f "$NODEQ_DIR/node_modules/node-q/index.js" ]; then
	if ! (cd "$NODEQ_DIR" && timeout 120 npm install --no-audit --no-fund >"$T/npm.log" 2>&1); then
		fail_setup "npm install node-q" "$(tail -n 5 "$T/npm.log")"
	fi
fi

KP=0 KF=0 NP=0 NF=0 NS=0
# run_client CLIENT FILE: run one client (libkipc or node-q) over FILE on a
# fresh server; prints its output, sets LAST_P / LAST_F
run_client() {
	local client=$1 file=$2 name log rc line p f s
	name=$client.$(basename "$file" .tsv)
	log="$T/$name.log"
	start_server "$name"
	if [ "$client" = libkipc ]; then
		timeout 300 "$T/conformance_ipc" -p "$PORT" "$file" >"$log" 2>&1
	else
		timeout 300 node "$NODEQ_DIR/conformance_nodeq.js" "$PORT" "$file" >"$log" 2>&1
	fi
	rc=$?
	stop_server
	# mismatches, skipped rows, notes: everything but the count line
	grep -vE '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n1)
	if [ -n "$line" ]; then
		read -r p f s < <(sed -E 's/^([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/' <<<"$line")
	else
		echo "not ok - $name printed no count line"
		p=0 f=1 s=0
	fi
	if [ "$rc" = 124 ]; then
		echo "not ok - $name timed out"
	fi
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	echo "# $name: $p passed, $f failed, $s skipped"
	LAST_P=$p LAST_F=$f LAST_S=$s
}

for file in "${FILES[@]}"; do
	run_client libkipc "$file"
	KP=$((KP + LAST_P)) KF=$((KF + LAST_F))
	run_client node-q "$file"
	NP=$((NP + LAST_P)) NF=$((NF + LAST_F)) NS=$((NS + LAST_S))
done

SKIPPED=$(cat "$T"/node-q.*.log 2>/dev/null | grep -c '^# skip ')
ECHOED=$(cat "$T"/libkipc.*.log 2>/dev/null | grep -c '^# by display: ')
echo "# libkipc client: $KP passed, $KF failed, 0 skipped ($ECHOED rows checked by display of the echoed decoded reply)"
echo "# node-q client: $NP passed, $NF failed, $NS skipped (see '# skip' lines)"
if [ "$SKIPPED" -ne "$NS" ]; then
	echo "not ok - node-q counts $NS skipped rows but names $SKIPPED"
	NF=$((NF + 1))
fi
echo "$((KP + NP)) passed, $((KF + NF)) failed, $NS skipped"
[ $((KF + NF)) -eq 0 ]
