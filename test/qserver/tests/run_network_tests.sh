#!/usr/bin/env bash
# shellcheck disable=SC2015,SC2317  # "test && ok || notok" is intended; cleanup runs from trap
# test/qserver/tests/run_network_tests.sh -- network tests of the q test
# server (test/qserver/qserver) and of the libkipc client transport, through
# the qclient program (test/qserver/tests/qclient.c).
#
# Starts qservers on free ports (-p 0) and checks: handshake and
# authentication (-U file with plain/md5/sha1 passwords, .z.pw), the Unix
# socket, compression both ways, 20 concurrent clients, async messages,
# every fault hook (.qserver.close/garbage/asyncfirst/restart/exit),
# messages to the caller's handle (neg[.z.w] x, .z.w x, its -T bound), -T,
# malformed messages, SIGTERM, and TLS (-E 1 / -E 2 with throwaway
# certificates made here: require, verify-ca, verify-full, wrong CA, wrong
# host name, expired certificate, client certificates, plain client at a
# TLS-only port and TLS client at a plain port).
#
# Usage: test/qserver/tests/run_network_tests.sh [-v]
#   QSERVER=path  server binary (default test/qserver/qserver, built by make)
#   QCLIENT=path  client binary (default test/qserver/tests/qclient; built
#                 here with gcc when missing or older than its sources)
#   KEEP_TMP=1    keep the temporary directory (server logs, certificates)
# Every "ok"/"not ok" line is one test (setup steps such as making the
# certificates print "# setup:" and are not counted; a failed one is).
# Ends with one line "N passed, M failed, 0 skipped"; exit status 1 on any
# failure.
# Every command is bounded by a timeout; every process started is stopped.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
QSERVER=${QSERVER:-$ROOT/test/qserver/qserver}
QCLIENT=${QCLIENT:-$ROOT/test/qserver/tests/qclient}
VERBOSE=0
[ "${1:-}" = "-v" ] && VERBOSE=1

PASS=0
FAIL=0
PIDS=()
T=$(mktemp -d /tmp/qipc_net.XXXXXX)

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

ok() {
	PASS=$((PASS + 1))
	echo "ok - $1"
}

notok() {
	local name=$1 l
	shift
	FAIL=$((FAIL + 1))
	echo "not ok - $name"
	for l in "$@"; do
		printf '    %s\n' "$l"
	done
}

# ---------------------------------------------------------------------------
# build the client if needed
# ---------------------------------------------------------------------------
if [ ! -x "$QSERVER" ]; then
	echo "qserver not built: $QSERVER (run make)"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
need_build=0
if [ ! -x "$QCLIENT" ]; then
	need_build=1
else
	for f in "$HERE/qclient.c" "$ROOT"/src/kipc/*.c "$ROOT"/src/kipc/*.h; do
		[ "$f" -nt "$QCLIENT" ] && need_build=1
	done
fi
if [ "$need_build" = 1 ]; then
	if ! gcc -O2 -g -Wall -Wextra -Wno-unused-parameter -std=gnu11 -I"$ROOT/src/kipc" \
		-o "$QCLIENT" "$HERE/qclient.c" "$ROOT"/src/kipc/*.c -lssl -lcrypto -lm \
		>"$T/build.log" 2>&1; then
		cat "$T/build.log"
		echo "0 passed, 1 failed, 0 skipped"
		exit 1
	fi
fi

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

# start_server NAME ARGS...: start a qserver on a free port; sets PORT, SPID
start_server() {
	local name=$1 i
	shift
	"$QSERVER" -p 0 "$@" >"$T/$name.out" 2>"$T/$name.err" &
	SPID=$!
	PIDS+=("$SPID")
	PORT=
	for _ in $(seq 1 200); do
		if grep -q listening "$T/$name.out" 2>/dev/null; then
			break
		fi
		kill -0 "$SPID" 2>/dev/null || break
		sleep 0.05
	done
	PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$T/$name.out" | head -n1)
	if [ -z "$PORT" ]; then
		notok "start server $name" "$(cat "$T/$name.err")"
		return 1
	fi
	return 0
}

# stop_server PID: SIGTERM, wait (bounded); sets STOP_RC
stop_server() {
	local p=$1 i
	kill -TERM "$p" 2>/dev/null
	for i in $(seq 1 50); do
		kill -0 "$p" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$p" 2>/dev/null; then
		kill -KILL "$p" 2>/dev/null
	fi
	wait "$p" 2>/dev/null
	STOP_RC=$?
}

# qc ARGS...: run qclient (bounded); sets QC_RC, QC_OUT, QC_ERR, QC_SECS
qc() {
	local t0 t1
	t0=$(date +%s.%N)
	timeout 20 "$QCLIENT" -t 10 "$@" >"$T/qc.out" 2>"$T/qc.err"
	QC_RC=$?
	t1=$(date +%s.%N)
	QC_OUT=$(cat "$T/qc.out")
	QC_ERR=$(cat "$T/qc.err")
	QC_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	if [ "$VERBOSE" = 1 ]; then
		echo "  \$ qclient $* -> rc $QC_RC (${QC_SECS}s)"
		sed 's/^/  | /' "$T/qc.out" "$T/qc.err"
	fi
}

# expect NAME WANT ARGS...: qclient must succeed and print exactly WANT
expect() {
	local name=$1 want=$2
	shift 2
	qc "$@"
	if [ "$QC_RC" -eq 0 ] && [ "$QC_OUT" = "$want" ]; then
		ok "$name"
	else
		notok "$name" "qclient $*" "rc=$QC_RC" "got: $QC_OUT" "want: $want" "stderr: $QC_ERR"
	fi
}

# expect_fail NAME RC PATTERN ARGS...: qclient must exit RC within 5 s with
# PATTERN (grep -E) in its stderr+stdout
expect_fail() {
	local name=$1 rc=$2 pat=$3
	shift 3
	qc "$@"
	if [ "$QC_RC" -eq "$rc" ] && grep -Eq -- "$pat" <<<"$(printf '%s\n%s\n' "$QC_OUT" "$QC_ERR")" &&
		awk -v s="$QC_SECS" 'BEGIN { exit !(s < 5) }'; then
		ok "$name"
	else
		notok "$name" "qclient $*" "rc=$QC_RC (want $rc) after ${QC_SECS}s" "stdout: $QC_OUT" \
			"stderr: $QC_ERR" "want pattern: $pat"
	fi
}

# raw_handshake PORT BYTES-PRINTF-FORMAT: send the bytes (in two pieces, with
# a pause, to exercise partial reads) and print the reply bytes in hex
raw_handshake() {
	local port=$1 first=$2 second=$3
	(
		exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 9
		# shellcheck disable=SC2059
		printf "$first" >&3
		sleep 0.2
		# shellcheck disable=SC2059
		printf "$second" >&3
		timeout 3 head -c 1 <&3 | od -An -tx1 | tr -d ' \n'
	)
}

# raw_request PORT HANDSHAKE REQUEST: handshake, then one raw request; prints
# the handshake reply byte in hex, leaves the response bytes (hex) in
# $T/raw.reply
raw_request() {
	local port=$1 hs=$2 req=$3
	(
		exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 9
		# shellcheck disable=SC2059
		printf "$hs" >&3
		timeout 3 head -c 1 <&3 | od -An -tx1 | tr -d ' \n'
		# shellcheck disable=SC2059
		printf "$req" >&3
		timeout 3 head -c 14 <&3 | od -An -tx1 | tr -d ' \n' >"$T/raw.reply"
	)
}

# ---------------------------------------------------------------------------
# plain server: basics
# ---------------------------------------------------------------------------
cat >"$T/pw.q" <<'EOF'
/ refuse the user baduser, accept everybody else
.z.pw:{[u;p] not u=`baduser}
EOF

if start_server plain "$T/pw.q"; then
	P=$PORT
	PLAIN_PID=$SPID
	if grep -Eq "^qserver: listening on 127\.0\.0\.1:$P and @/tmp/kx\.$P\$" "$T/plain.out"; then
		ok "startup line names the TCP port and the Unix socket"
	else
		notok "startup line" "$(cat "$T/plain.out")"
	fi

	expect "sync request over TCP (til 5)" "0 1 2 3 4" -p "$P" 'til 5'
	expect "host name localhost" "0 1 2" -h localhost -p "$P" 'til 3'
	expect "abstract Unix socket @/tmp/kx.PORT" "0 1 2" -h unix -p "$P" 'til 3'
	expect_fail "q error comes back as an error response" 1 "^'type" -p "$P" '1+`a'
	qc -p "$P" '1+`a' '1+1'
	[ "$QC_RC" = 1 ] && [ "$QC_OUT" = "$(printf "'type\n2")" ] &&
		ok "connection still usable after a q error" ||
		notok "connection still usable after a q error" "rc $QC_RC" "$QC_OUT" "$QC_ERR"
	expect "several requests on one connection" ",0
0 1
2" -p "$P" 'til 1' 'til 2' '1+1'
	qc -v -p "$P" 'til 3'
	if grep -q '^# connected: capability 3$' <<<"$QC_OUT"; then
		ok "capability 3 negotiated"
	else
		notok "capability 3 negotiated" "$QC_OUT"
	fi

	# .z.pw
	expect ".z.pw accepts a user" '`alice' -p "$P" -u alice:x '.z.u'
	expect_fail ".z.pw refusal: closed without a byte" 2 \
		"server closed the connection during the handshake" -p "$P" -u baduser:x 'til 1'
	expect "server still serves after a refusal" ",0" -p "$P" 'til 1'

	# handshake byte level: split across reads, capability = min(cap, 3)
	r=$(raw_handshake "$P" 'us' 'er:pw\006\000')
	[ "$r" = "03" ] && ok "handshake split across reads, capability 6 -> 3" ||
		notok "handshake split, capability 6 -> 3" "reply: '$r'"
	r=$(raw_handshake "$P" 'user:pw' '\001\000')
	[ "$r" = "01" ] && ok "capability 1 -> 1" || notok "capability 1 -> 1" "reply: '$r'"
	r=$(raw_handshake "$P" 'user:' 'pw\000')
	[ "$r" = "00" ] && ok "legacy handshake without capability byte -> 0" ||
		notok "legacy handshake -> 0" "reply: '$r'"
	r=$(raw_handshake "$P" 'baduser:' 'pw\003\000')
	[ "$r" = "" ] && ok "refused handshake: nothing sent back" ||
		notok "refused handshake: nothing sent back" "reply: '$r'"

	# capability below 3: a guid cannot be sent ('type), kdb-ipc-protocol 1.2
	# (sync request, char vector "0Ng": 17 bytes)
	r=$(raw_request "$P" 'u:p\001\000' '\001\001\000\000\021\000\000\000\012\000\003\000\000\000\060Ng')
	reply=$(cat "$T/raw.reply" 2>/dev/null)
	[ "$r" = "01" ] && [ "$reply" = "010200000e000000807479706500" ] &&
		ok "capability 1 peer: a guid result becomes 'type" ||
		notok "capability 1 peer: a guid result becomes 'type" "handshake '$r', reply '$reply'"
	expect "capability 3 peer: the same guid goes through" "00000000-0000-0000-0000-000000000000" -p "$P" '0Ng'

	# async messages: no reply, effect visible to a later sync
	expect "async message: no reply, effect visible to the next sync" "99" \
		-p "$P" --async 'a:99' 'a'
	expect "async error: nothing sent back" "2" -p "$P" --async '1+`a' '1+1'

	# compressed request (kdb+ accepts them from any client)
	expect "compressed sync request is decompressed" "0 1 2" \
		-p "$P" --zip "til 3$(printf '%*s' 3000 '')"

	# a 20 MB request: partial non-blocking writes on the client side
	expect "20 MB request (partial writes), then another request" "0 1 2
0 1" -p "$P" --pad 20000000 'til 3' 'til 2'

	# auto compression never compresses on loopback / unix
	qc -v -p "$P" 'til 1000'
	if grep -q 'compressed=0' <<<"$QC_OUT" && [ "$QC_RC" = 0 ]; then
		ok "-C auto: no compression on loopback"
	else
		notok "-C auto: no compression on loopback" "$QC_OUT"
	fi

	# malformed messages close only that connection
	"$QCLIENT" -t 10 -p "$P" 'til 1' --sleep 1500 'til 2' >"$T/bystander.out" 2>&1 &
	BY=$!
	PIDS+=("$BY")
	sleep 0.3
	expect_fail "malformed message (message type 7) closes the connection" 2 \
		"closed the connection" -p "$P" --raw 01070000110000000a0003000000616263
	expect_fail "malformed message (vector longer than the message) closes it" 2 \
		"closed the connection" -p "$P" --raw 01010000110000000aff03000000616263
	expect_fail "malformed message (unknown type byte) closes it" 2 \
		"closed the connection" -p "$P" --raw 01010000100000004d000000000000ff
	expect "server serves new clients after malformed messages" "0 1 2" -p "$P" 'til 3'
	wait "$BY"
	BYRC=$?
	if [ "$BYRC" = 0 ] && [ "$(cat "$T/bystander.out")" = "$(printf ',0\n0 1')" ]; then
		ok "an open connection is unaffected by another's malformed message"
	else
		notok "open connection unaffected by malformed message" "rc $BYRC" "$(cat "$T/bystander.out")"
	fi
	grep -q "'badmsg" "$T/plain.err" && ok "server logs 'badmsg" ||
		notok "server logs 'badmsg" "$(cat "$T/plain.err")"

	# 20 concurrent clients, while one keeps an idle connection open: the
	# idle client is still connected (its process still running) when all
	# twenty have been answered, which shows the server does not serve
	# connections one after another -- an ordering, not a timing
	"$QCLIENT" -t 20 -p "$P" 'til 2' --sleep 6000 'til 3' >"$T/idle.out" 2>&1 &
	IDLE=$!
	PIDS+=("$IDLE")
	sleep 0.2
	CPIDS=()
	for i in $(seq 1 20); do
		if [ $((i % 2)) = 0 ]; then h=unix; else h=127.0.0.1; fi
		"$QCLIENT" -t 10 -h "$h" -p "$P" "til $i" 'til 3' 'a' 'til 1000' >"$T/c$i.out" 2>&1 &
		CPIDS+=($!)
		PIDS+=($!)
	done
	bad=0
	for i in $(seq 1 20); do
		wait "${CPIDS[$((i - 1))]}" || bad=$((bad + 1))
		exp="$(seq -s ' ' 0 $((i - 1)))"
		[ "$i" = 1 ] && exp=",0"
		if [ "$(sed -n 1p "$T/c$i.out")" != "$exp" ] ||
			[ "$(sed -n 2p "$T/c$i.out")" != "0 1 2" ] ||
			[ "$(sed -n 3p "$T/c$i.out")" != "99" ]; then
			bad=$((bad + 1))
			[ "$VERBOSE" = 1 ] && cat "$T/c$i.out"
		fi
	done
	idle_open=no
	kill -0 "$IDLE" 2>/dev/null && idle_open=yes
	if [ "$bad" = 0 ] && [ "$idle_open" = yes ]; then
		ok "20 concurrent clients served while another connection idles"
	else
		notok "20 concurrent clients" "$bad failures, idle connection still open: $idle_open" "$(head -n3 "$T/c1.out" "$T/c2.out")"
	fi
	wait "$IDLE"
	[ "$(cat "$T/idle.out")" = "$(printf '0 1\n0 1 2')" ] && ok "idle connection still works afterwards" ||
		notok "idle connection still works afterwards" "$(cat "$T/idle.out")"

	# fault hooks
	expect_fail ".qserver.close[]: connection dropped without reply" 2 \
		"closed the connection" -p "$P" '.qserver.close[]'
	expect_fail ".qserver.garbage[]: malformed reply detected, no hang" 2 \
		"invalid message from server" -p "$P" '.qserver.garbage[]'
	expect ".qserver.asyncfirst[x]: async message before the response" 'async: `hello
42' -p "$P" '.qserver.asyncfirst[`hello];42'
	expect "server fine after the fault hooks" "0 1" -p "$P" 'til 2'

	# handle application on the caller's handle (.z.w), as in kdb+
	expect "neg[.z.w] x: async message to the caller, then the response" 'async: "hello"
42' -p "$P" 'neg[.z.w] "hello"; 42'
	expect "(neg .z.w) each: one async message per item" 'async: `a
async: `b
::' -p "$P" '(neg .z.w) each `a`b;'
	expect ".z.w x: sync request to the caller, its error response trapped" \
		'"unable to process sync requests"' -p "$P" '@[.z.w;"1+1";{x}]'
	expect_fail ".z.w x: the caller's error response signalled" 1 \
		"unable to process sync requests" -p "$P" '.z.w "1+1"'
	expect "server fine after .z.w calls" "0 1" -p "$P" 'til 2'

	# restart: every connection closed, listeners gone for ms, then back
	"$QCLIENT" -t 10 -p "$P" 'til 1' --sleep 1500 --alive >"$T/rs_idle.out" 2>&1 &
	RSI=$!
	PIDS+=("$RSI")
	sleep 0.3
	expect_fail ".qserver.restart[1000]: caller's connection closed" 2 \
		"closed the connection" -p "$P" '.qserver.restart[1000]'
	expect_fail "during a restart: connection refused" 2 "Connection refused" -p "$P" 'til 1'
	expect_fail "during a restart: Unix socket refused too" 2 "Connection refused" -h unix -p "$P" 'til 1'
	sleep 1.2
	expect "after the restart: same port serves again" "0 1" -p "$P" 'til 2'
	expect "after the restart: Unix socket serves again" "0 1" -h unix -p "$P" 'til 2'
	wait "$RSI"
	[ "$(cat "$T/rs_idle.out")" = "$(printf ',0\ndead')" ] &&
		ok "kipc_conn_is_alive sees the idle connection closed by the restart" ||
		notok "kipc_conn_is_alive after restart" "$(cat "$T/rs_idle.out")"
	expect "kipc_conn_is_alive on a healthy idle connection" ",0
alive
0 1" -p "$P" 'til 1' --sleep 200 --alive 'til 2'

	# SIGTERM: clean exit 0
	stop_server "$PLAIN_PID"
	[ "$STOP_RC" = 0 ] && ok "SIGTERM: exit status 0" || notok "SIGTERM: exit status 0" "rc $STOP_RC"
	expect_fail "stopped server: connection refused" 2 "Connection refused" -p "$P" 'til 1'
fi

# ---------------------------------------------------------------------------
# -U password file
# ---------------------------------------------------------------------------
MD5=$(printf '%s' 'pw2' | openssl dgst -md5 -r | cut -d' ' -f1)
SHA1=$(printf '%s' 'pw3' | openssl dgst -sha1 -r | cut -d' ' -f1)
printf 'alice:secret\nbob:%s\ncarol:%s\n' "$MD5" "$SHA1" >"$T/users.txt"
if start_server users -U "$T/users.txt"; then
	P=$PORT
	expect "-U: plain-text password accepted" '`alice' -p "$P" -u alice:secret '.z.u'
	expect "-U: md5 password accepted" '`bob' -p "$P" -u bob:pw2 '.z.u'
	expect "-U: sha1 password accepted" '`carol' -p "$P" -u carol:pw3 '.z.u'
	expect_fail "-U: wrong password refused" 2 "credentials refused" -p "$P" -u alice:wrong 'til 1'
	expect_fail "-U: unknown user refused" 2 "credentials refused" -p "$P" -u mallory:secret 'til 1'
	expect_fail "-U: no credentials refused" 2 "credentials refused" -p "$P" 'til 1'
	expect "-U: works over the Unix socket" '`alice' -h unix -p "$P" -u alice:secret '.z.u'
fi

# ---------------------------------------------------------------------------
# -C always / never
# ---------------------------------------------------------------------------
if start_server zip -C always; then
	ZP=$PORT
	if start_server nozip -C never; then
		NP=$PORT
		qc -v -p "$ZP" 'til 1000'
		ZOUT=$QC_OUT
		qc -v -p "$NP" 'til 1000'
		NOUT=$QC_OUT
		if grep -q '^# msgtype=2 compressed=1' <<<"$ZOUT" &&
			grep -q '^# msgtype=2 compressed=0' <<<"$NOUT" &&
			[ "$(echo "$ZOUT" | grep -v '^#')" = "$(echo "$NOUT" | grep -v '^#')" ]; then
			ok "-C always: reply compressed on loopback, same data as -C never"
		else
			notok "-C always vs never" "$ZOUT" "$NOUT"
		fi
		qc -v -h unix -p "$ZP" 'til 1000'
		grep -q 'compressed=1' <<<"$QC_OUT" && ok "-C always: compressed over the Unix socket too" ||
			notok "-C always over unix" "$QC_OUT"
		qc -v -p "$ZP" '1+1'
		grep -q 'compressed=0' <<<"$QC_OUT" &&
			ok "-C always: small reply that does not halve is sent plain" ||
			notok "-C always small reply" "$QC_OUT"
	fi
fi

# ---------------------------------------------------------------------------
# -T timeout and .qserver.exit[]
# ---------------------------------------------------------------------------
if start_server tmo -T 1; then
	expect_fail "-T 1: long evaluation stops with 'stop" 1 "^'stop" -p "$PORT" '.qserver.sleep[3000]'
	expect "-T 1: server fine after 'stop" "0 1" -p "$PORT" 'til 2'
	# .z.w x waits for the caller's response until the -T deadline
	expect_fail "-T 1: .z.w x to a caller that never answers stops with 'stop" 1 "'stop" \
		--ignore-sync -p "$PORT" '.z.w "1+1"'
	expect "-T 1: that wait trapped" 'ignored sync: "1+1"
"stop"' --ignore-sync -p "$PORT" '@[.z.w;"1+1";{x}]'
	expect "-T 1: server fine after the .z.w timeouts" "0 1" -p "$PORT" 'til 2'
fi
if start_server ex; then
	EXPID=$SPID
	qc -p "$PORT" '.qserver.exit[]'
	for i in $(seq 1 40); do
		kill -0 "$EXPID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$EXPID" 2>/dev/null; then
		notok ".qserver.exit[]: server exits" "still running"
	else
		wait "$EXPID"
		rc=$?
		[ "$rc" = 0 ] && [ "$QC_RC" = 0 ] && ok ".qserver.exit[]: reply sent, server exits 0" ||
			notok ".qserver.exit[]" "server rc $rc, client rc $QC_RC: $QC_ERR"
	fi
fi

# ---------------------------------------------------------------------------
# TLS
# ---------------------------------------------------------------------------
C="$T/certs"
mkdir -p "$C/ca"
EC="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
mkcerts() {
	# shellcheck disable=SC2086
	openssl req -x509 $EC -keyout "$C/ca.key" -out "$C/ca.pem" -days 2 -subj /CN=qipc-test-ca &&
		openssl req -x509 $EC -keyout "$C/wrongca.key" -out "$C/wrongca.pem" -days 2 -subj /CN=qipc-wrong-ca &&
		touch "$C/ca/index.txt" && echo 01 >"$C/ca/serial" &&
		cat >"$C/ca.cnf" <<EOF &&
[ca]
default_ca = CA_default
[CA_default]
dir = $C/ca
database = $C/ca/index.txt
new_certs_dir = $C/ca
serial = $C/ca/serial
default_md = sha256
policy = policy_any
copy_extensions = copy
unique_subject = no
[policy_any]
commonName = supplied
EOF
		leaf server "/CN=localhost" "subjectAltName=DNS:localhost,IP:127.0.0.1" -days 2 &&
		leaf wrongname "/CN=wrong.example" "subjectAltName=DNS:wrong.example" -days 2 &&
		leaf expired "/CN=localhost" "subjectAltName=DNS:localhost,IP:127.0.0.1" \
			-startdate 20200101000000Z -enddate 20200102000000Z &&
		leaf client "/CN=client" "extendedKeyUsage=clientAuth" -days 2
}
# leaf NAME SUBJECT EXT DATE-OPTIONS...: key + certificate signed by ca
leaf() {
	local n=$1 subj=$2 ext=$3
	shift 3
	# shellcheck disable=SC2086
	openssl req $EC -keyout "$C/$n.key" -out "$C/$n.csr" -subj "$subj" -addext "$ext" &&
		openssl ca -batch -notext -config "$C/ca.cnf" -cert "$C/ca.pem" -keyfile "$C/ca.key" \
			-in "$C/$n.csr" -out "$C/$n.pem" "$@"
}
if ! mkcerts >"$T/certs.log" 2>&1; then
	notok "make throwaway certificates with openssl" "$(tail -n 5 "$T/certs.log")"
else
	echo "# setup: throwaway certificates made with openssl"
	TLSOPT=(-cert "$C/server.pem" -key "$C/server.key")

	if start_server tls2 -E 2 "${TLSOPT[@]}" "$T/pw.q"; then
		P=$PORT
		qc -v -p "$P" --sslmode require 'til 3'
		if [ "$QC_RC" = 0 ] && grep -q 'capability 3, TLS' <<<"$QC_OUT" &&
			grep -q '^0 1 2$' <<<"$QC_OUT"; then
			ok "-E 2, sslmode require"
		else
			notok "-E 2, sslmode require" "$QC_OUT" "$QC_ERR"
		fi
		expect "-E 2, verify-ca" "0 1 2" -p "$P" --sslmode verify-ca --tls-ca "$C/ca.pem" 'til 3'
		expect "-E 2, verify-full with host name localhost" "0 1 2" \
			-h localhost -p "$P" --sslmode verify-full --tls-ca "$C/ca.pem" 'til 3'
		expect "-E 2, verify-full with IP address 127.0.0.1 (IP SAN)" "0 1 2" \
			-h 127.0.0.1 -p "$P" --sslmode verify-full --tls-ca "$C/ca.pem" 'til 3'
		expect "-E 2, TLS over the Unix socket (verify-full as localhost)" "0 1 2" \
			-h unix -p "$P" --sslmode verify-full --tls-ca "$C/ca.pem" 'til 3'
		expect_fail "-E 2, verify-ca with the wrong CA fails" 2 \
			"certificate verify failed: unable to get local issuer certificate" \
			-p "$P" --sslmode verify-ca --tls-ca "$C/wrongca.pem" 'til 3'
		expect_fail "-E 2, refused credentials over TLS: access denied" 2 \
			"server closed the connection during the handshake" \
			-p "$P" --sslmode require -u baduser:x 'til 3'
		expect_fail "missing root certificate file" 2 "could not read root certificate file" \
			-p "$P" --sslmode verify-ca --tls-ca "$C/nonexistent.pem" 'til 3'
		expect_fail "-E 2, plain client gets a prompt clear error" 2 \
			"closed the connection during the handshake" -p "$P" 'til 3'
		qc -v -p "$P" --sslmode require 'til 100000'
		[ "$QC_RC" = 0 ] && grep -q 'len=800014' <<<"$QC_OUT" &&
			ok "-E 2, 800 kB reply over TLS" || notok "800 kB reply over TLS" "$(echo "$QC_OUT" | head -c 300)" "$QC_ERR"
		expect "-E 2, async then sync over TLS" "7" -p "$P" --sslmode require --async 'a:7' 'a'
		expect "-E 2, 20 MB request over TLS (partial writes)" "0 1 2" \
			-p "$P" --sslmode require --pad 20000000 'til 3'
		expect "-E 2, kipc_conn_is_alive on a healthy idle TLS connection" ",0
alive" -p "$P" --sslmode require 'til 1' --sleep 200 --alive
		"$QCLIENT" -t 10 -p "$P" --sslmode require 'til 1' --sleep 1200 --alive >"$T/tls_idle.out" 2>&1 &
		TI=$!
		PIDS+=("$TI")
		sleep 0.4
		qc -p "$P" --sslmode require '.qserver.restart[300]'
		wait "$TI"
		[ "$(cat "$T/tls_idle.out")" = "$(printf ',0\ndead')" ] &&
			ok "-E 2, kipc_conn_is_alive sees a TLS connection closed by a restart" ||
			notok "-E 2, is_alive after restart" "$(cat "$T/tls_idle.out")"
		sleep 0.3
		expect "-E 2, TLS again after the restart" "0 1" -p "$P" --sslmode require 'til 2'
	fi

	if start_server tlsexp -E 2 -cert "$C/expired.pem" -key "$C/expired.key"; then
		expect_fail "expired server certificate: verify-ca fails" 2 \
			"certificate verify failed: certificate has expired" \
			-p "$PORT" --sslmode verify-ca --tls-ca "$C/ca.pem" 'til 3'
		expect "expired server certificate: sslmode require does not verify" "0 1 2" \
			-p "$PORT" --sslmode require 'til 3'
	fi

	if start_server tlsname -E 2 -cert "$C/wrongname.pem" -key "$C/wrongname.key"; then
		expect_fail "wrong host name: verify-full fails" 2 \
			"certificate verify failed: [Hh]ostname mismatch" \
			-h localhost -p "$PORT" --sslmode verify-full --tls-ca "$C/ca.pem" 'til 3'
		expect_fail "wrong IP address: verify-full fails" 2 \
			"certificate verify failed: IP address mismatch" \
			-h 127.0.0.1 -p "$PORT" --sslmode verify-full --tls-ca "$C/ca.pem" 'til 3'
		expect "wrong host name: verify-ca accepts (chain only)" "0 1 2" \
			-h localhost -p "$PORT" --sslmode verify-ca --tls-ca "$C/ca.pem" 'til 3'
	fi

	if start_server tls1 -E 1 "${TLSOPT[@]}"; then
		expect "-E 1: plain client" "0 1 2" -p "$PORT" 'til 3'
		expect "-E 1: TLS client on the same port" "0 1 2" \
			-h localhost -p "$PORT" --sslmode verify-full --tls-ca "$C/ca.pem" 'til 3'
		expect "-E 1: plain client over the Unix socket" "0 1 2" -h unix -p "$PORT" 'til 3'
	fi

	if start_server tls0; then
		expect_fail "-E 0: TLS client gets a prompt clear error" 2 \
			"TLS handshake failed: .*(is TLS enabled on the server\?|closed)" \
			-p "$PORT" --sslmode require 'til 3'
		grep -q "TLS not enabled" "$T/tls0.err" && ok "-E 0: server logs TLS not enabled" ||
			notok "-E 0: server logs TLS not enabled" "$(cat "$T/tls0.err")"
	fi

	if start_server tlsvc -E 2 "${TLSOPT[@]}" -cafile "$C/ca.pem" -verify-client; then
		expect "client certificate required: accepted with one" "0 1 2" \
			-p "$PORT" --sslmode verify-ca --tls-ca "$C/ca.pem" \
			--tls-cert "$C/client.pem" --tls-key "$C/client.key" 'til 3'
		expect_fail "client certificate required: refused without one" 2 \
			"certificate required|handshake failure|alert" \
			-p "$PORT" --sslmode verify-ca --tls-ca "$C/ca.pem" 'til 3'
		expect_fail "client certificate from another CA refused" 2 \
			"unknown ca|alert|certificate" \
			-p "$PORT" --sslmode require --tls-cert "$C/wrongca.pem" --tls-key "$C/wrongca.key" 'til 3'
	fi
fi

echo "${PASS} passed, ${FAIL} failed, 0 skipped"
[ "$FAIL" -eq 0 ]
