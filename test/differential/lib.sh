# test/differential/lib.sh -- what the differential runners
# (run_differential.sh, run_join_differential.sh,
# run_joinpush_differential.sh) share: the machine-wide install lock, the
# options --seeds, --queries and --help, the report of a failed setup, and
# the services -- a q test server and a PostgreSQL cluster started here
# (stopped by qipc_cleanup at exit), or the ones the environment names --
# with a fresh database.
#
# Source it from bash, set the DIFF_* variables below, then call
# diff_start "$@".
# shellcheck shell=bash disable=SC2034  # OPT_*, PSQL: set here for the runners

# shellcheck source-path=SCRIPTDIR source=../../tools/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib.sh"

# Set by the runner before diff_start:
#	DIFF_LABEL         the runner's name in messages ("join differential")
#	DIFF_DB            the database made afresh
#	DIFF_PGPORT        the port of the cluster started here
#	DIFF_QSERVER_ARGS  array: the q test server's arguments (fixtures)
#	DIFF_USAGE_ON_ERROR=1  an unknown argument also prints the usage
# and optionally a function diff_option ARGS...: handles a runner's own
# option "$1" (with its values after it) and sets DIFF_SHIFT to the number
# of arguments it took, or leaves it 0 when "$1" is not its option.
DIFF_USAGE_ON_ERROR=0
DIFF_SHIFT=0
OPT_SEEDS=""
OPT_QUERIES=""

# diff_usage STATUS: the runner's header comment (up to "set -uo"), then exit
diff_usage() {
	sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
	exit "${1:-0}"
}

# fail_setup MESSAGE: the setup failed: say so, count it as one failure
fail_setup() {
	echo "$DIFF_LABEL: $*" >&2
	echo "0 passed, 1 failed, 0 skipped"
	exit 2
}

# diff_start "$@": take the install lock, parse the runner's arguments
# (--seeds S and --queries N go to OPT_SEEDS and OPT_QUERIES, the rest to
# diff_option), start the services unless PGHOST, PGPORT and
# QIPC_TEST_PORT all name running ones, and make the database DIFF_DB.
# Leaves the working directory at the repository's root, PostgreSQL's
# binaries first in PATH, PGUSER and PGDATABASE exported and PSQL the psql
# command (an array) the runners use.
diff_start() {
	qipc_install_lock
	cd "$QIPC_ROOT" || exit 2
	export PATH="$PGBIN:$PATH"

	while [ $# -gt 0 ]; do
		DIFF_SHIFT=0
		case $1 in
			--seeds) OPT_SEEDS=$2; DIFF_SHIFT=2 ;;
			--queries) OPT_QUERIES=$2; DIFF_SHIFT=2 ;;
			-h|--help) diff_usage 0 ;;
			*) declare -F diff_option >/dev/null && diff_option "$@" ;;
		esac
		if [ "$DIFF_SHIFT" -eq 0 ]; then
			echo "unknown argument: $1" >&2
			[ "$DIFF_USAGE_ON_ERROR" = 1 ] && diff_usage 2
			exit 2
		fi
		shift "$DIFF_SHIFT"
	done

	trap qipc_cleanup EXIT
	if [ -n "${PGHOST:-}" ] && [ -n "${PGPORT:-}" ] && [ -n "${QIPC_TEST_PORT:-}" ]; then
		qipc_log "$DIFF_LABEL: using PostgreSQL at $PGHOST:$PGPORT, q test server on port $QIPC_TEST_PORT"
	else
		[ -f "$(pg_config --sharedir)/extension/qipc_fdw.control" ] ||
			fail_setup "qipc_fdw is not installed: run make && make install first"
		[ -x test/qserver/qserver ] ||
			fail_setup "test/qserver/qserver is not built: run make qserver first"
		qipc_qserver_start QIPC_TEST_PORT "${DIFF_QSERVER_ARGS[@]}" ||
			fail_setup "cannot start the q test server"
		qipc_pg_start "$DIFF_PGPORT" || fail_setup "cannot start PostgreSQL"
	fi
	export PGUSER=${PGUSER:-postgres}
	export PGDATABASE=$DIFF_DB
	PSQL=(psql -X -q -v ON_ERROR_STOP=1 --no-psqlrc)

	timeout 60 dropdb --if-exists --force "$DIFF_DB" >/dev/null 2>&1
	timeout 60 createdb -T template0 "$DIFF_DB" || fail_setup "createdb $DIFF_DB failed"
}
