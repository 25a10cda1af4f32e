#!/usr/bin/env bash
# shellcheck disable=SC2015,SC2317  # "test && ok || notok" is intended; cleanup runs from trap
# test/qserver/tests/run_nodeq_tests.sh -- check the q test server with the
# independent npm client node-q (test/qserver/tests/nodeq/nodeq_test.js).
#
# Installs node-q into test/qserver/tests/nodeq/node_modules when it is
# missing (npm install, pinned by package-lock.json), makes a throwaway CA
# and a server certificate for localhost with openssl, starts three qservers
# on free ports (plain; -C always; -E 1 with the certificate), runs the node
# script and stops the servers.
#
# Usage: test/qserver/tests/run_nodeq_tests.sh
#   QSERVER=path  server binary (default test/qserver/qserver)
#   KEEP_TMP=1    keep the temporary directory (server logs, certificates)
# Ends with one line "N passed, M failed, K skipped" (skips: checks this
# machine cannot run, each named by a "skip - " line); exit status 1 on any
# failure.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
QSERVER=${QSERVER:-$ROOT/test/qserver/qserver}
NODEQ_DIR=$HERE/nodeq
PIDS=()
T=$(mktemp -d /tmp/qipc_nodeq.XXXXXX)

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
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

command -v node >/dev/null || fail_setup "node is not installed"
[ -x "$QSERVER" ] || fail_setup "qserver not built: $QSERVER (run make)"

if [ ! -f "$NODEQ_DIR/node_modules/node-q/index.js" ]; then
	if ! (cd "$NODEQ_DIR" && timeout 120 npm install --no-audit --no-fund >"$T/npm.log" 2>&1); then
		fail_setup "npm install node-q" "$(tail -n 5 "$T/npm.log")"
	fi
fi

# start_server NAME ARGS...: sets PORT
start_server() {
	local name=$1 pid
	shift
	"$QSERVER" -p 0 "$@" >"$T/$name.out" 2>"$T/$name.err" &
	pid=$!
	PIDS+=("$pid")
	for _ in $(seq 1 200); do
		grep -q listening "$T/$name.out" 2>/dev/null && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/$name.out" | head -n1)
	[ -n "$PORT" ] || fail_setup "start qserver $name" "$(cat "$T/$name.err")"
}

# throwaway CA and a server certificate for localhost / 127.0.0.1
EC="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
# shellcheck disable=SC2086
if ! {
	openssl req -x509 $EC -keyout "$T/ca.key" -out "$T/ca.pem" -days 2 -subj /CN=qipc-nodeq-ca &&
		openssl req $EC -keyout "$T/server.key" -out "$T/server.csr" -subj /CN=localhost &&
		printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$T/ext.cnf" &&
		openssl x509 -req -in "$T/server.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
			-CAcreateserial -out "$T/server.pem" -days 2 -extfile "$T/ext.cnf"
} >"$T/certs.log" 2>&1; then
	fail_setup "make certificates" "$(tail -n 5 "$T/certs.log")"
fi

cat >"$T/pw.q" <<'EOF'
/ refuse the user baduser, accept everybody else
.z.pw:{[u;p] not u=`baduser}
EOF

start_server plain "$T/pw.q"
PLAIN=$PORT
start_server zip -C always
ZIP=$PORT
start_server tls -E 1 -cert "$T/server.pem" -key "$T/server.key"
TLS=$PORT

timeout 90 node "$NODEQ_DIR/nodeq_test.js" "$PLAIN" "$ZIP" "$TLS" "$T/ca.pem"
rc=$?
if [ "$rc" = 124 ]; then
	echo "not ok - node script timed out"
	echo "0 passed, 1 failed, 0 skipped"
fi
exit "$rc"
