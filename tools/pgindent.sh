#!/usr/bin/env bash
#
# tools/pgindent.sh
#	Format qipc_fdw's C sources (src/ and src/kipc/) with PostgreSQL 15's
#	pgindent, as contrib modules are formatted.
#
# Usage: tools/pgindent.sh [--check] [FILE...]
#	FILE...   files to format (default: src/*.c src/*.h src/kipc/*.c
#	          src/kipc/*.h; test/qserver has its own layout and is not
#	          formatted)
#	--check   format copies and list the files that pgindent would
#	          change; exit status 1 if there are any (PG 15's pgindent
#	          itself has no --diff or --check)
#
# Needs pg_bsd_indent 2.1.1 (Debian package pg-bsd-indent) and the pgindent
# script with PostgreSQL's typedefs.list, which are not in any binary
# package.  They are taken from, in this order:
#	PGINDENT_DIR    a directory holding pgindent and typedefs.list (for
#	                example src/tools/pgindent of a PostgreSQL 15 tree)
#	the cache       ${XDG_CACHE_HOME:-$HOME/.cache}/qipc_fdw/pgindent-15
#	apt-get source  postgresql-15 from Debian's main suite, downloaded into
#	                a temp dir with a private sources list (nothing under
#	                /etc is touched), then kept in the cache
# The project's own typedefs are in tools/typedefs.list (keep it up to
# date when adding a typedef: pgindent formats an unknown typedef name as
# an expression, e.g. "Foo * x").
#
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

check=0
if [ "${1:-}" = "--check" ]; then
	check=1
	shift
fi
if [ "$#" -gt 0 ]; then
	FILES=("$@")
else
	FILES=(src/*.c src/*.h src/kipc/*.c src/kipc/*.h)
fi

INDENT=${INDENT:-pg_bsd_indent}
if ! command -v "$INDENT" >/dev/null; then
	echo "pg_bsd_indent not found: apt-get install pg-bsd-indent" >&2
	exit 2
fi
export INDENT

CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/qipc_fdw/pgindent-15
if [ -n "${PGINDENT_DIR:-}" ]; then
	PGI=$PGINDENT_DIR
elif [ -f "$CACHE/pgindent" ] && [ -f "$CACHE/typedefs.list" ]; then
	PGI=$CACHE
else
	echo "fetching pgindent from Debian's postgresql-15 source package" >&2
	T=$(mktemp -d /tmp/qipc_pgindent.XXXXXX)
	trap 'rm -rf "$T"' EXIT
	uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null ||
		true)
	uri=${uri:-http://deb.debian.org/debian}
	echo "deb-src $uri bookworm main" >"$T/sources.list"
	mkdir -p "$T/lists/partial"
	APT=(-o Dir::Etc::sourcelist="$T/sources.list" -o Dir::Etc::sourceparts=/nonexistent
		-o Dir::State::Lists="$T/lists")
	apt-get -q "${APT[@]}" update >"$T/apt.log" 2>&1
	(cd "$T" && apt-get -q "${APT[@]}" source --download-only postgresql-15 >>"$T/apt.log" 2>&1)
	tar xjf "$T"/postgresql-15_*.orig.tar.bz2 -C "$T" --wildcards '*/src/tools/pgindent/*'
	mkdir -p "$CACHE"
	cp "$T"/postgresql-15*/src/tools/pgindent/{pgindent,typedefs.list} "$CACHE/"
	PGI=$CACHE
fi

# PostgreSQL's typedefs plus the project's
TYPEDEFS=$(mktemp /tmp/qipc_typedefs.XXXXXX)
WORK=$(mktemp -d /tmp/qipc_pgindent_work.XXXXXX)
# shellcheck disable=SC2317  # runs from the EXIT trap
cleanup() { rm -rf "$TYPEDEFS" "$WORK" "${T:-}"; }
trap cleanup EXIT
cat "$PGI/typedefs.list" tools/typedefs.list >"$TYPEDEFS"

if [ "$check" = 0 ]; then
	perl "$PGI/pgindent" --typedefs="$TYPEDEFS" "${FILES[@]}"
	exit 0
fi

changed=0
for f in "${FILES[@]}"; do
	mkdir -p "$WORK/$(dirname "$f")"
	cp "$f" "$WORK/$f"
	(cd "$WORK" && perl "$PGI/pgindent" --typedefs="$TYPEDEFS" "$f")
	if ! cmp -s "$f" "$WORK/$f"; then
		echo "$f"
		changed=1
	fi
done
exit "$changed"
