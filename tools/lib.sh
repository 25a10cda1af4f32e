# tools/lib.sh -- shell helpers shared by tools/test.sh, tools/demo.sh,
# test/run_regress.sh, the differential test and the benchmarks: install
# what a fresh Debian 12 machine lacks, build, and start throwaway services
# (a PostgreSQL $QIPC_PG_VERSION cluster owned by user postgres with TCP
# off, q test servers on free ports).  Everything started is recorded and
# stopped by qipc_cleanup, which callers install as an EXIT trap.
#
# The benchmarks (bench/*.sh) begin with qipc_bench_setup, which does all of
# that in one call: build, install, start a q test server (or several) and a
# cluster, create the extension, a foreign server and a user mapping, and
# install qipc_bench_teardown as the EXIT trap.  Its options are documented
# above it.
#
# Source it from bash: . "$(dirname "$0")/lib.sh"
# shellcheck shell=bash

QIPC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# QIPC_PG_VERSION: the PostgreSQL major version to build and test against
# (15 on the host; tools/test.sh --pg N sets it inside a chroot)
QIPC_PG_VERSION=${QIPC_PG_VERSION:-15}
PGBIN=${PGBIN:-/usr/lib/postgresql/$QIPC_PG_VERSION/bin}
QIPC_PIDS=()
QIPC_TMP=""
QIPC_PG_DATA=""
QIPC_PG_WRAP=()

qipc_log() { printf '==> %s\n' "$*" >&2; }

# Install build and test dependencies with apt-get when something is missing.
qipc_install_deps() {
	local need=()
	# a chroot made by tools/pgchroot.sh has what its suites need already
	[ -n "${QIPC_IN_CHROOT:-}" ] && return 0
	command -v gcc >/dev/null && command -v make >/dev/null || need+=(build-essential)
	[ -x "$PGBIN/postgres" ] || need+=("postgresql-$QIPC_PG_VERSION")
	[ -f "/usr/include/postgresql/$QIPC_PG_VERSION/server/postgres.h" ] ||
		need+=("postgresql-server-dev-$QIPC_PG_VERSION")
	[ -f /usr/include/openssl/ssl.h ] || need+=(libssl-dev)
	command -v openssl >/dev/null || need+=(openssl)
	command -v clang >/dev/null || need+=(clang)
	command -v node >/dev/null || need+=(nodejs)
	command -v npm >/dev/null || need+=(npm)
	command -v runuser >/dev/null || need+=(util-linux)
	if [ "${#need[@]}" -gt 0 ]; then
		qipc_log "installing: ${need[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq "${need[@]}" >/dev/null
	fi
}

# qipc_tmpdir: create $QIPC_TMP (/tmp/$QIPC_TMP_PREFIX.XXXXXX, default
# prefix qipc) once; qipc_cleanup removes it unless QIPC_KEEP_TMP is set.
qipc_tmpdir() {
	if [ -z "$QIPC_TMP" ]; then
		QIPC_TMP=$(mktemp -d "/tmp/${QIPC_TMP_PREFIX:-qipc}.XXXXXX")
		chmod 755 "$QIPC_TMP"
	fi
}

# qipc_install_lock: hold a machine-wide lock from here until this process
# and its children exit.  PostgreSQL's extension directory is shared by every
# work tree on a machine, so two runs that each "make install" and then test
# would test each other's build; the lock makes such runs take turns.  A
# script run by one that holds it does not wait for it again.
qipc_install_lock() {
	[ -n "${QIPC_INSTALL_LOCK_HELD:-}" ] && return 0
	exec 9>>/tmp/qipc_fdw-install.lock
	if ! flock -n 9; then
		qipc_log "waiting for another test run on this machine (/tmp/qipc_fdw-install.lock)"
		flock 9
	fi
	export QIPC_INSTALL_LOCK_HELD=$$
}

qipc_as_pg() { (cd / && runuser -u postgres -- "$@" 9>&-); }

# qipc_pg_start [PORT]: start a throwaway cluster; exports PGHOST PGPORT
# PGUSER PGDATABASE.  Settings read:
#	QIPC_PG_DIR   directory (owned by postgres) holding the socket, data/
#	              and server.log; default $QIPC_TMP/pg
#	QIPC_PG_OPTS  extra server options ("-c name=value ...")
#	QIPC_PG_WRAP  array: a command that runs the postmaster (such as
#	              valgrind and its options) instead of pg_ctl start; the
#	              server is then waited for with pg_isready (up to 120 s)
#	              and left running in the background (its output goes to
#	              server.log); a fast or immediate pg_ctl stop still works.
# Returns 1 if initdb or pg_ctl fails, 2 if a wrapped server does not start.
qipc_pg_start() {
	local port=${1:-54329} dir opts
	qipc_tmpdir
	dir=${QIPC_PG_DIR:-$QIPC_TMP/pg}
	mkdir -p "$dir"
	chown postgres: "$dir"
	QIPC_PG_DATA="$dir/data"
	qipc_as_pg "$PGBIN/initdb" -D "$QIPC_PG_DATA" -A trust -U postgres -E UTF8 \
		--locale=C.UTF-8 --no-sync >"$QIPC_TMP/initdb.log" 2>&1 ||
		{ cat "$QIPC_TMP/initdb.log"; return 1; }
	if [ "${#QIPC_PG_WRAP[@]}" -gt 0 ]; then
		read -r -a opts <<<"${QIPC_PG_OPTS:-}"
		qipc_as_pg "${QIPC_PG_WRAP[@]}" "$PGBIN/postgres" -D "$QIPC_PG_DATA" \
			-p "$port" -k "$dir" -c listen_addresses='' "${opts[@]}" \
			>"$dir/server.log" 2>&1 &
		for _ in $(seq 1 600); do
			"$PGBIN/pg_isready" -q -h "$dir" -p "$port" && break
			sleep 0.2
		done
		if ! "$PGBIN/pg_isready" -q -h "$dir" -p "$port"; then
			echo "postgres did not start under ${QIPC_PG_WRAP[0]}:" >&2
			tail -n 30 "$dir/server.log" >&2
			return 2
		fi
	else
		qipc_as_pg "$PGBIN/pg_ctl" -D "$QIPC_PG_DATA" -l "$dir/server.log" -w -t 60 \
			-o "-p $port -k $dir -c listen_addresses='' ${QIPC_PG_OPTS:-}" start >/dev/null ||
			return 1
	fi
	export PGHOST="$dir" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
}

# qipc_qserver_start VAR [qserver args...]: start a q test server on a free
# port, wait for its "listening" line and store the port in $VAR.
qipc_qserver_start() {
	local var=$1; shift
	local log pid port
	qipc_tmpdir
	log="$QIPC_TMP/qserver.$var.log"
	# create the log first: the background job opens it only when it runs,
	# and sed below must not find it missing
	: >"$log"
	"$QIPC_ROOT/test/qserver/qserver" -p 0 "$@" >"$log" 2>&1 9>&- &
	pid=$!
	QIPC_PIDS+=("$pid")
	for _ in $(seq 1 1200); do
		port=$(sed -n 's/.*listening.*127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$log" | head -n1)
		[ -n "$port" ] && break
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "q test server ($var) failed to start:" >&2; cat "$log" >&2; return 1
		fi
		sleep 0.05
	done
	[ -n "$port" ] || { echo "q test server ($var) did not report a port" >&2; cat "$log" >&2; return 1; }
	printf -v "$var" '%s' "$port"
	export "${var?}"
	eval "${var}_PID=$pid"
}

qipc_cleanup() {
	local pid
	for pid in "${QIPC_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${QIPC_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	QIPC_PIDS=()
	if [ -n "$QIPC_PG_DATA" ] && [ -f "$QIPC_PG_DATA/postmaster.pid" ]; then
		qipc_as_pg "$PGBIN/pg_ctl" -D "$QIPC_PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	if [ -n "$QIPC_TMP" ] && [ -z "${QIPC_KEEP_TMP:-}" ]; then
		rm -rf "$QIPC_TMP"
	fi
}

# qipc_bench_setup [OPTIONS] [--] [QSERVER_ARGS...]: the common start of a
# benchmark, in this order:
#   1. installs qipc_bench_teardown as the EXIT trap and makes $QIPC_TMP
#      (prefix qipc_bench unless QIPC_TMP_PREFIX says otherwise), so that
#      whatever fails later leaves nothing behind;
#   2. builds the q test server and its client, and with -P also the
#      extension, which it installs: into PostgreSQL's own directories
#      under the machine-wide lock (qipc_install_lock, held until the
#      benchmark exits), or, when QIPC_BENCH_DESTDIR is set, into a private
#      copy of PostgreSQL at that directory (made from the system's on
#      first use: $QIPC_BENCH_DESTDIR/usr/lib/postgresql/N and
#      .../usr/share/postgresql/N; PostgreSQL finds its files relative to
#      its binaries), which needs no lock;
#   3. starts the q test servers, each with QSERVER_ARGS: one (-n 1, the
#      default) stores its port in $QPORT, several (-n N) in $QPORT1 ..
#      $QPORTN; $QPORT_PID (or $QPORTi_PID) is its process id;
#   4. with -P PORT: starts a throwaway cluster on PORT (qipc_pg_start:
#      QIPC_PG_OPTS and QIPC_PG_DIR are read; PGHOST, PGPORT, PGUSER and
#      PGDATABASE are exported, with $PGBIN first in PATH) and creates the
#      extension qipc_fdw, the extensions named by -e, and, unless -S, a
#      foreign server and a user mapping for the current user per q test
#      server: kdb for a single one, q1 .. qN for several.
# Options:
#   -P PORT  start PostgreSQL (without it: no extension is built, nothing is
#            installed and no cluster is started)
#   -n N     number of q test servers (default 1; 0 starts none)
#   -e EXT   CREATE EXTENSION EXT as well (repeatable: dblink, postgres_fdw)
#   -S       create no foreign server or user mapping
#   -N ROWS  load every q script among QSERVER_ARGS with its "n:" line set
#            to n:ROWS (from a copy in $QIPC_TMP): the benchmarks' tables
#            are sized by such a line
# Exits the benchmark (status 2) when something does not start.
qipc_bench_setup() {
	local pgport="" nq=1 servers=1 rows="" ext opt i name var f
	local -a exts=() qargs=()
	OPTIND=1
	while getopts P:n:e:SN: opt; do
		case $opt in
		P) pgport=$OPTARG ;;
		n) nq=$OPTARG ;;
		e) exts+=("$OPTARG") ;;
		S) servers=0 ;;
		N) rows=$OPTARG ;;
		*) echo "qipc_bench_setup: bad option" >&2; exit 2 ;;
		esac
	done
	shift $((OPTIND - 1))

	trap qipc_bench_teardown EXIT
	QIPC_TMP_PREFIX=${QIPC_TMP_PREFIX:-qipc_bench} qipc_tmpdir

	if [ -n "$pgport" ] && [ -n "${QIPC_BENCH_DESTDIR:-}" ]; then
		qipc_bench_pg_copy "$QIPC_BENCH_DESTDIR" || exit 2
		PGBIN=$QIPC_BENCH_DESTDIR/usr/lib/postgresql/$QIPC_PG_VERSION/bin
	fi
	# the system's pg_config even for a private copy: make install adds
	# DESTDIR to the directories it reports
	export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/$QIPC_PG_VERSION/bin/pg_config}
	export PATH="$PGBIN:$PATH"
	(cd "$QIPC_ROOT" && make -s qserver >/dev/null) || exit 2
	if [ -n "$pgport" ]; then
		(cd "$QIPC_ROOT" && make -s with_llvm=no >/dev/null) || exit 2
		if [ -n "${QIPC_BENCH_DESTDIR:-}" ]; then
			(cd "$QIPC_ROOT" && make -s with_llvm=no install DESTDIR="$QIPC_BENCH_DESTDIR" >/dev/null) || exit 2
		else
			qipc_install_lock
			(cd "$QIPC_ROOT" && make -s with_llvm=no install >/dev/null) || exit 2
		fi
	fi

	for f in "$@"; do
		case $f in
		*.q)
			if [ -n "$rows" ]; then
				sed "s/^n:.*/n:$rows/" "$f" >"$QIPC_TMP/$(basename "$f")" || exit 2
				f=$QIPC_TMP/$(basename "$f")
			fi
			;;
		esac
		qargs+=("$f")
	done
	for i in $(seq 1 "$nq"); do
		var=QPORT
		[ "$nq" -gt 1 ] && var=QPORT$i
		qipc_qserver_start "$var" "${qargs[@]}" || exit 2
	done

	[ -n "$pgport" ] || return 0
	qipc_pg_start "$pgport" || exit 2
	{
		echo "CREATE EXTENSION qipc_fdw;"
		for ext in "${exts[@]}"; do echo "CREATE EXTENSION $ext;"; done
		if [ "$servers" = 1 ]; then
			for i in $(seq 1 "$nq"); do
				name=kdb var=QPORT
				[ "$nq" -gt 1 ] && name=q$i var=QPORT$i
				echo "CREATE SERVER $name FOREIGN DATA WRAPPER qipc_fdw OPTIONS (port '${!var}');"
				echo "CREATE USER MAPPING FOR CURRENT_USER SERVER $name;"
			done
		fi
	} | psql -X -q -v ON_ERROR_STOP=1 || exit 2
}

# qipc_bench_teardown: stop what qipc_bench_setup started (q test servers,
# the cluster) and remove $QIPC_TMP; qipc_bench_setup installs it as the
# EXIT trap, so a benchmark need not call it.
qipc_bench_teardown() {
	qipc_cleanup
}

# qipc_bench_pg_copy DIR: a private copy of the system's PostgreSQL
# $QIPC_PG_VERSION at DIR (kept once made), for benchmarks that install
# there instead of taking the machine-wide lock
qipc_bench_pg_copy() {
	local dir=$1 v=$QIPC_PG_VERSION
	[ -x "$dir/usr/lib/postgresql/$v/bin/postgres" ] && return 0
	qipc_log "copying PostgreSQL $v to $dir"
	mkdir -p "$dir/usr/lib/postgresql" "$dir/usr/share/postgresql" &&
		cp -a "/usr/lib/postgresql/$v" "$dir/usr/lib/postgresql/" &&
		cp -a "/usr/share/postgresql/$v" "$dir/usr/share/postgresql/" &&
		chmod 755 "$dir"
}
