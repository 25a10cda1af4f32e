#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2154  # cleanup() runs from the EXIT trap; QPORT_* are set with printf -v
#
# test/run_regress.sh
#	Run the pg_regress suites (test/regress_schedule) against a throwaway
#	PostgreSQL 15 cluster and q test servers, all started and stopped here.
#
# Run as root from anywhere:  test/run_regress.sh
# It builds and installs the extension (make && make install), starts
#	- a PostgreSQL cluster as user postgres (private socket dir, TCP off);
#	- three q test servers loading test/fixtures/*.q, on free ports:
#	    QIPC_TEST_PORT       plain
#	    QIPC_TEST_AUTH_PORT  -U users file with regress_user:secret
#	    QIPC_TEST_ZIP_PORT   -C always (compressed responses)
#	    QIPC_TEST_ASYNC2_PORT, QIPC_TEST_ASYNC3_PORT  plain (sql/async.sql)
#	- TLS q test servers with certificates made by openssl at start-up
#	  (QIPC_TEST_CERTDIR; see "TLS" below): QIPC_TEST_TLS_PORT (-E 2,
#	  fixtures loaded), QIPC_TEST_TLS_MIXED_PORT (-E 1),
#	  QIPC_TEST_TLS_WRONGNAME_PORT, QIPC_TEST_TLS_EXPIRED_PORT and
#	  QIPC_TEST_TLS_CLIENTCERT_PORT (client certificate required);
# then runs the suites with pg_regress (as make installcheck does, but with
# its output in the temp dir; RESULTS_DIR=dir keeps a copy) and stops
# everything it started.
# Environment: PGPORT_REGRESS (default 55432), REGRESS (suites to run,
# default: all of test/regress_schedule), QIPC_FIXTURES (q scripts to
# load, default test/fixtures/*.q), KEEP=1 to keep the temp dir.
# VALGRIND=1 runs the PostgreSQL server under valgrind (memcheck, one log
# per process, --trace-children=no: backends are forked, so they are
# checked too) and reports the processes whose log shows an error, those
# with qipc_fdw.so in a stack first; the run then fails if any error
# involves qipc_fdw.so.  VALGRIND_SUPP names a suppression file (such as
# PostgreSQL's src/tools/valgrind.supp).  Debian's PostgreSQL is not built
# with USE_VALGRIND, so only malloc-level errors (the codec, OpenSSL) and
# uses of uninitialised memory are seen, not palloc overruns; and the
# suites' timing checks may fail under valgrind's slowdown.
# Last line: "pg_regress: N passed, M failed, 0 skipped", one test per file
# (fewer results than files, such as none, is a failure).  Exit status: 0
# when all pass.
#
set -euo pipefail

# count_results LOG: "passed failed" for pg_regress's output, one test per
# .sql file.  PostgreSQL 15 prints "test core ... ok" (or "     core ... ok"
# inside a parallel group) and "... FAILED"; 16 and later print TAP:
# "ok 1         - core   123 ms", "not ok 5     - functions" ("+" instead
# of "-" inside a parallel group).
count_results() {
	local p f
	p=$(grep -cE '^((test | +)?[[:alnum:]_-]+ +\.\.\. ok|ok [0-9]+ +[-+] )' "$1" || true)
	f=$(grep -cE '(\.\.\. FAILED|^not ok [0-9]+ +[-+] )' "$1" || true)
	echo "$p $f"
}
# --count LOG: only count the results in a saved pg_regress output (used by
# test/selftest to check the counting against both output formats)
if [ "${1:-}" = --count ]; then
	count_results "$2"
	exit 0
fi
# bash reads a script while it runs it, so an edit to this file during a
# run would derail the run: run a private copy (this "if" is parsed whole
# before it executes)
if [ -z "${QIPC_RUN_REGRESS_SRC:-}" ]; then
	QIPC_RUN_REGRESS_SRC=$(cd "$(dirname "$0")/.." && pwd)
	export QIPC_RUN_REGRESS_SRC
	self_copy=$(mktemp /tmp/qipc_run_regress.XXXXXX)
	cp "$0" "$self_copy"
	rc=0
	bash "$self_copy" "$@" || rc=$?
	rm -f "$self_copy"
	exit "$rc"
fi
cd "$QIPC_RUN_REGRESS_SRC"
ROOT=$(pwd)
# shellcheck source-path=SCRIPTDIR/.. source=tools/lib.sh disable=SC1091
. "$ROOT/tools/lib.sh"

export PATH="$PGBIN:$PATH"
export PG_CONFIG=${PG_CONFIG:-$PGBIN/pg_config}
PGPORT_REGRESS=${PGPORT_REGRESS:-55432}

qipc_install_lock
make -s >/dev/null
make -s qserver >/dev/null
make -s install >/dev/null

# the temp dir (tools/lib.sh's $QIPC_TMP) holds the cluster itself: data/,
# server.log and the socket; qipc_cleanup (the EXIT trap) stops everything
# and removes it unless KEEP=1
if [ "${KEEP:-0}" = 1 ]; then QIPC_KEEP_TMP=1; else QIPC_KEEP_TMP=""; fi
QIPC_TMP_PREFIX=qipc_regress qipc_tmpdir
TMP=$QIPC_TMP
chown postgres: "$TMP"
cleanup() {
	qipc_cleanup
	if [ -n "$QIPC_KEEP_TMP" ]; then echo "kept $TMP"; fi
}
trap cleanup EXIT

# start_qserver NAME ARGS...: start a q test server on a free port, set
# QPORT_<NAME> to its port.
start_qserver() {
	local name=$1
	shift
	qipc_qserver_start "QPORT_$name" "$@" || exit 2
}

# QIPC_FIXTURES: override the q scripts loaded (default test/fixtures/*.q)
if [ -n "${QIPC_FIXTURES:-}" ]; then
	# shellcheck disable=SC2206
	FIXTURES=($QIPC_FIXTURES)
else
	FIXTURES=(test/fixtures/*.q)
fi
printf 'regress_user:secret\n' >"$TMP/users"
start_qserver plain "${FIXTURES[@]}"
start_qserver auth -U "$TMP/users" "${FIXTURES[@]}"
start_qserver zip -C always "${FIXTURES[@]}"
# PyKX's server.py example with its .z.pg/.z.ps hooks, on its own server:
# the walkthrough restarts it and its hooks must not sit in front of the
# other suites
start_qserver pykx test/fixtures/pykx/server.q
export QIPC_TEST_PYKX_PORT=$QPORT_pykx
# sql/async.sql: two more plain servers, so that a partitioned table spans
# three q servers (the plain one is the first); each says which it is
# (test/fixtures/async/serverN.q)
start_qserver async2 "${FIXTURES[@]}" test/fixtures/async/server2.q
start_qserver async3 "${FIXTURES[@]}" test/fixtures/async/server3.q
export QIPC_TEST_ASYNC2_PORT=$QPORT_async2
export QIPC_TEST_ASYNC3_PORT=$QPORT_async3
export QIPC_TEST_PORT=$QPORT_plain
export QIPC_TEST_AUTH_PORT=$QPORT_auth
export QIPC_TEST_ZIP_PORT=$QPORT_zip

# TLS (sql/tls.sql, sql/credentials.sql): throwaway certificates made with
# openssl in $TMP/certs, and q test servers using them.  EC P-256 keys;
# "openssl ca" because it can back-date a certificate (-startdate/-enddate:
# OpenSSL 3.0's x509 command cannot), which the expired one needs.
#	ca        CA of the server certificates
#	wrongca   another CA (verification against it must fail)
#	server    CN localhost, SAN DNS:localhost IP:127.0.0.1, signed by ca
#	wrongname CN/SAN wrong.example, signed by ca
#	expired   like server, valid 2020-01-01 .. 2020-01-02 only
#	clientca  CA of the client certificates
#	client    CN regress_client, clientAuth, signed by clientca
#	badclient CN regress_client, clientAuth, signed by wrongca
# The client files are read by the PostgreSQL backend (user postgres): the
# keys are owned by postgres with mode 0600, as libpq insists (and
# client_grouprw.key, a copy of client.key with mode 0640, is refused).
CERTS="$TMP/certs"
mkdir -p "$CERTS"
chmod 755 "$CERTS"
# mkca NAME CN: a self-signed CA and an "openssl ca" database for it
mkca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$CERTS/$1.key" -out "$CERTS/$1.pem" -days 3 -subj "/CN=$2" &&
		mkdir -p "$CERTS/$1.db" && touch "$CERTS/$1.db/index.txt" &&
		echo 01 >"$CERTS/$1.db/serial" &&
		cat >"$CERTS/$1.cnf" <<EOF
[ca]
default_ca = CA_default
[CA_default]
dir = $CERTS/$1.db
database = $CERTS/$1.db/index.txt
new_certs_dir = $CERTS/$1.db
serial = $CERTS/$1.db/serial
default_md = sha256
policy = policy_any
copy_extensions = copy
unique_subject = no
[policy_any]
commonName = supplied
EOF
}
# mkleaf CA NAME SUBJECT EXTENSION DATE-OPTIONS...: a key and a
# certificate signed by CA
mkleaf() {
	local ca=$1 name=$2 subj=$3 ext=$4
	shift 4
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$CERTS/$name.key" -out "$CERTS/$name.csr" -subj "$subj" -addext "$ext" &&
		openssl ca -batch -notext -config "$CERTS/$ca.cnf" -cert "$CERTS/$ca.pem" \
			-keyfile "$CERTS/$ca.key" -in "$CERTS/$name.csr" -out "$CERTS/$name.pem" "$@"
}
if ! {
	mkca ca qipc-regress-ca &&
		mkca wrongca qipc-regress-wrong-ca &&
		mkca clientca qipc-regress-client-ca &&
		mkleaf ca server /CN=localhost "subjectAltName=DNS:localhost,IP:127.0.0.1" -days 3 &&
		mkleaf ca wrongname /CN=wrong.example "subjectAltName=DNS:wrong.example" -days 3 &&
		mkleaf ca expired /CN=localhost "subjectAltName=DNS:localhost,IP:127.0.0.1" \
			-startdate 20200101000000Z -enddate 20200102000000Z &&
		mkleaf clientca client /CN=regress_client "extendedKeyUsage=clientAuth" -days 3 &&
		mkleaf wrongca badclient /CN=regress_client "extendedKeyUsage=clientAuth" -days 3
} >"$TMP/certs.log" 2>&1; then
	echo "could not make the test certificates with openssl:" >&2
	tail -n 20 "$TMP/certs.log" >&2
	exit 2
fi
chmod 644 "$CERTS"/*.pem
chmod 600 "$CERTS"/*.key
chown postgres: "$CERTS/client.key" "$CERTS/badclient.key"
# a group-readable copy of the client key, which must be refused (tls.sql)
cp "$CERTS/client.key" "$CERTS/client_grouprw.key"
chmod 640 "$CERTS/client_grouprw.key"
chown postgres: "$CERTS/client_grouprw.key"
TLSOPT=(-cert "$CERTS/server.pem" -key "$CERTS/server.key")
start_qserver tls -E 2 "${TLSOPT[@]}" "${FIXTURES[@]}"
start_qserver tlsmixed -E 1 "${TLSOPT[@]}"
start_qserver tlswrongname -E 2 -cert "$CERTS/wrongname.pem" -key "$CERTS/wrongname.key"
start_qserver tlsexpired -E 2 -cert "$CERTS/expired.pem" -key "$CERTS/expired.key"
start_qserver tlsclientcert -E 2 "${TLSOPT[@]}" -cafile "$CERTS/clientca.pem" -verify-client
export QIPC_TEST_CERTDIR=$CERTS
export QIPC_TEST_TLS_PORT=$QPORT_tls
export QIPC_TEST_TLS_MIXED_PORT=$QPORT_tlsmixed
export QIPC_TEST_TLS_WRONGNAME_PORT=$QPORT_tlswrongname
export QIPC_TEST_TLS_EXPIRED_PORT=$QPORT_tlsexpired
export QIPC_TEST_TLS_CLIENTCERT_PORT=$QPORT_tlsclientcert

PG_OPTS=""
if [ "${VALGRIND:-0}" = 1 ]; then
	VGDIR="$TMP/valgrind"
	mkdir -p "$VGDIR"
	chown postgres: "$VGDIR"
	VGOPTS=(-q --tool=memcheck --trace-children=no --error-limit=no
		--num-callers=40 --leak-check=no --track-origins=yes
		--log-file="$VGDIR/vg.%p.log")
	if [ -n "${VALGRIND_SUPP:-}" ]; then
		cp "$VALGRIND_SUPP" "$TMP/valgrind.supp"
		chmod 644 "$TMP/valgrind.supp"
		VGOPTS+=(--suppressions="$TMP/valgrind.supp")
	fi
	# the postmaster itself runs under valgrind (pg_ctl cannot wrap it);
	# pg_ctl stop still works through postmaster.pid.  No JIT: LLVM's code
	# generation only adds noise (and time) under valgrind.
	# shellcheck disable=SC2034  # read by qipc_pg_start
	QIPC_PG_WRAP=(valgrind "${VGOPTS[@]}")
	PG_OPTS="-c jit=off"
fi
# the cluster in $TMP (data/, server.log, the socket); exports PGHOST=$TMP
# PGPORT=$PGPORT_REGRESS PGUSER=postgres (and PGDATABASE); exits 2 if
# postgres does not start under valgrind
QIPC_PG_DIR=$TMP QIPC_PG_OPTS=$PG_OPTS qipc_pg_start "$PGPORT_REGRESS" || exit $?

# pg_regress directly (what make installcheck runs), with its output in
# the temp dir so that concurrent runs in the same tree cannot collide
PG_REGRESS="$($PG_CONFIG --pkglibdir)/pgxs/src/test/regress/pg_regress"
if [ -n "${REGRESS:-}" ]; then
	read -r -a SUITES <<<"$REGRESS"
else
	mapfile -t SUITES < <(grep -v '^[[:space:]]*$' test/regress_schedule)
fi
mkdir -p "$TMP/out"
set +e
"$PG_REGRESS" --inputdir="$ROOT" --outputdir="$TMP/out" --bindir="$PGBIN" \
	--load-extension=qipc_fdw --dbname=contrib_regression "${SUITES[@]}" 2>&1 |
	tee "$TMP/regress.log"
status=${PIPESTATUS[0]}
set -e

if [ "$status" -ne 0 ]; then
	[ -f "$TMP/out/regression.diffs" ] && { echo "--- regression.diffs ---"; cat "$TMP/out/regression.diffs"; }
	echo "--- server.log (tail) ---"
	tail -n 30 "$TMP/server.log"
fi
if [ "${VALGRIND:-0}" = 1 ]; then
	# a fast stop lets every backend exit (and valgrind finish its log)
	qipc_as_pg pg_ctl -D "$TMP/data" -m fast -w -t 120 stop >/dev/null 2>&1 || true
	cp -r "$VGDIR" "$TMP/out/valgrind"
	VG_OURS='qipc_fdw\.so|\((kipc_[a-z]+|connection|deparse|funcscan|functions|import|jsonconv|option|pushdown|qipc_fdw|typemap)\.c:[0-9]+\)'
	vg_ours=0
	vg_other=0
	for log in "$VGDIR"/vg.*.log; do
		[ -s "$log" ] || continue
		# with debug information valgrind names the source file instead
		if grep -qE "$VG_OURS" "$log"; then
			vg_ours=$((vg_ours + 1))
			echo "--- valgrind: error involving qipc_fdw.so: $log ---"
			cat "$log"
		else
			vg_other=$((vg_other + 1))
			echo "--- valgrind: error outside qipc_fdw.so: $log (first lines) ---"
			head -n 20 "$log"
		fi
	done
	echo "valgrind: $vg_ours process log(s) with errors in qipc_fdw.so, $vg_other other"
	if [ "$vg_ours" -gt 0 ] && [ "$status" -eq 0 ]; then
		status=3
	fi
fi
if [ -n "${RESULTS_DIR:-}" ]; then
	rm -rf "$RESULTS_DIR"
	cp -r "$TMP/out" "$RESULTS_DIR"
fi
read -r passed failed < <(count_results "$TMP/regress.log")
planned=${#SUITES[@]}
if [ $((passed + failed)) -lt "$planned" ]; then
	echo "not ok - pg_regress reported $((passed + failed)) results for $planned tests"
	failed=$((failed + planned - passed - failed))
	[ "$status" -ne 0 ] || status=1
fi
echo "pg_regress: ${passed} passed, ${failed} failed, 0 skipped"
exit "$status"
