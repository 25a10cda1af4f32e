# tools/lib.sh -- shell helpers shared by tools/test.sh, tools/demo.sh and the
# benchmarks: install what a fresh Debian 12 machine lacks, build, and start
# throwaway services (a PostgreSQL 15 cluster owned by user postgres with TCP
# off, q test servers on free ports).  Everything started is recorded and
# stopped by qipc_cleanup, which callers install as an EXIT trap.
#
# Source it from bash: . "$(dirname "$0")/lib.sh"

QIPC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PGBIN=/usr/lib/postgresql/15/bin
QIPC_PIDS=()
QIPC_TMP=""

qipc_log() { printf '==> %s\n' "$*" >&2; }

# Install build and test dependencies with apt-get when something is missing.
qipc_install_deps() {
	local need=()
	command -v gcc >/dev/null && command -v make >/dev/null || need+=(build-essential)
	[ -x "$PGBIN/postgres" ] || need+=(postgresql-15)
	[ -f /usr/include/postgresql/15/server/postgres.h ] || need+=(postgresql-server-dev-15)
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

qipc_tmpdir() {
	if [ -z "$QIPC_TMP" ]; then
		QIPC_TMP=$(mktemp -d /tmp/qipc.XXXXXX)
		chmod 755 "$QIPC_TMP"
	fi
}

qipc_as_pg() { (cd / && runuser -u postgres -- "$@"); }

# Start a throwaway cluster; exports PGHOST PGPORT PGUSER PGDATABASE.
qipc_pg_start() {
	local port=${1:-54329}
	qipc_tmpdir
	mkdir -p "$QIPC_TMP/pg"
	chown postgres: "$QIPC_TMP/pg"
	qipc_as_pg "$PGBIN/initdb" -D "$QIPC_TMP/pg/data" -A trust -U postgres -E UTF8 \
		--locale=C.UTF-8 --no-sync >"$QIPC_TMP/initdb.log" 2>&1 ||
		{ cat "$QIPC_TMP/initdb.log"; return 1; }
	qipc_as_pg "$PGBIN/pg_ctl" -D "$QIPC_TMP/pg/data" -l "$QIPC_TMP/pg/server.log" -w -t 60 \
		-o "-p $port -k $QIPC_TMP/pg -c listen_addresses='' ${QIPC_PG_OPTS:-}" start >/dev/null
	export PGHOST="$QIPC_TMP/pg" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
}

# qipc_qserver_start VAR [qserver args...]: start a q test server on a free
# port, wait for its "listening" line and store the port in $VAR.
qipc_qserver_start() {
	local var=$1; shift
	local log pid port i
	qipc_tmpdir
	log="$QIPC_TMP/qserver.$var.log"
	"$QIPC_ROOT/test/qserver/qserver" -p 0 "$@" >"$log" 2>&1 &
	pid=$!
	QIPC_PIDS+=("$pid")
	for i in $(seq 1 600); do
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
	if [ -n "$QIPC_TMP" ] && [ -f "$QIPC_TMP/pg/data/postmaster.pid" ]; then
		qipc_as_pg "$PGBIN/pg_ctl" -D "$QIPC_TMP/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	if [ -n "$QIPC_TMP" ] && [ -z "${QIPC_KEEP_TMP:-}" ]; then
		rm -rf "$QIPC_TMP"
	fi
}
