#!/usr/bin/env bash
# tools/pgchroot.sh -- build and test qipc_fdw against another PostgreSQL
# major version inside a throwaway Debian chroot.
#
# Debian carries one PostgreSQL major version per release, and its binaries
# need that release's C library, so a version the host does not have is
# tested inside a minimal chroot of the release that has it:
#	15  bookworm (main only: the point release's 15.x, without the
#	    security suite's newer one)
#	17  trixie
#	18  sid
#
#	tools/pgchroot.sh ensure N          make the chroot for version N
#	                                    (reused when already made)
#	tools/pgchroot.sh test N [ARGS...]  copy the work tree into it and run
#	                                    tools/test.sh --pg N ARGS... there
#	tools/pgchroot.sh shell N [CMD...]  run CMD (default: bash) in it,
#	                                    with the mounts made
#	tools/pgchroot.sh suite N           print the Debian suite for N
#
# Chroots live in $QIPC_CHROOT_DIR (default /var/cache/qipc_fdw/chroots),
# one per suite, and are reused; a chroot is complete once its .ready file
# exists, so one left half-made by an interrupted run is made again.  The
# packages come from the Debian mirror configured for apt on this machine.
# One run at a time uses a chroot (a lock file beside it): proc and a tmpfs
# on /dev/shm are mounted for the run and always unmounted at its end.
# Needs root; installs debootstrap with apt-get when it is missing.
set -uo pipefail

QIPC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CHROOT_DIR=${QIPC_CHROOT_DIR:-/var/cache/qipc_fdw/chroots}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'pgchroot: %s\n' "$*" >&2; exit 2; }

suite_of() {
	case $1 in
	15) echo bookworm ;;
	17) echo trixie ;;
	18) echo sid ;;
	*) return 1 ;;
	esac
}

# debian_mirror: the first Debian archive URI (not the security archive)
# that apt on this machine is configured with, from the deb822 .sources
# files or the one-line sources.list format
debian_mirror() {
	local f uri
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$f" |
			grep -E '/debian/?$' | head -n1)
		[ -n "$uri" ] && { echo "${uri%/}"; return 0; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' "$f" |
			grep -E '/debian/?$' | head -n1)
		[ -n "$uri" ] && { echo "${uri%/}"; return 0; }
	done
	return 1
}

# ensure N: make the chroot for PostgreSQL N unless it is there already
ensure() {
	local ver=$1 suite root mirror pkgs
	suite=$(suite_of "$ver") || die "no chroot known for PostgreSQL $ver (15, 17, 18)"
	root="$CHROOT_DIR/$suite"
	[ -f "$root/.ready" ] && return 0
	mkdir -p "$CHROOT_DIR"
	# making a chroot takes the same lock as using one
	exec 8>>"$CHROOT_DIR/$suite.lock"
	flock 8
	if [ -f "$root/.ready" ]; then exec 8>&-; return 0; fi
	command -v debootstrap >/dev/null || {
		log "installing debootstrap"
		# another run may be installing packages too: wait for dpkg's lock
		local apt=(apt-get -o DPkg::Lock::Timeout=600 -y -qq)
		DEBIAN_FRONTEND=noninteractive "${apt[@]}" install debootstrap >/dev/null ||
			{ "${apt[@]}" update && DEBIAN_FRONTEND=noninteractive "${apt[@]}" install debootstrap >/dev/null; } ||
			die "could not install debootstrap"
	}
	mirror=$(debian_mirror) || die "no Debian mirror found in /etc/apt/sources.list(.d)"
	ENSURE_ROOT=$root
	trap 'umount_all "$ENSURE_ROOT"' EXIT
	umount_all "$root"
	rm -rf "$root"
	log "debootstrap $suite from $mirror into $root"
	local t0=$SECONDS
	debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$CHROOT_DIR/$suite.debootstrap.log" 2>&1 ||
		{ tail -n 30 "$CHROOT_DIR/$suite.debootstrap.log" >&2; die "debootstrap $suite failed"; }
	# the archive's Release files carry a Valid-Until date that a mirror
	# frozen in time (a snapshot) is past; packages are still checked
	# against the archive's signatures
	printf 'Acquire::Check-Valid-Until "false";\nAPT::Install-Recommends "false";\n' \
		>"$root/etc/apt/apt.conf.d/90qipc"
	echo "deb $mirror $suite main" >"$root/etc/apt/sources.list"
	# no services may start inside the chroot while packages install
	printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
	chmod 755 "$root/usr/sbin/policy-rc.d"
	# pg_locale.h includes ICU's headers; openssl makes the test certificates
	pkgs=(build-essential "postgresql-$ver" "postgresql-server-dev-$ver" libssl-dev
		libicu-dev openssl procps util-linux)
	log "installing ${pkgs[*]} in $suite"
	mount_all "$root"
	if ! chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive sh -c \
		"apt-get update -qq && apt-get install -y -qq ${pkgs[*]}" \
		>"$CHROOT_DIR/$suite.install.log" 2>&1; then
		tail -n 30 "$CHROOT_DIR/$suite.install.log" >&2
		die "installing packages in $suite failed"
	fi
	chroot "$root" apt-get clean
	umount_all "$root"
	[ -x "$root/usr/lib/postgresql/$ver/bin/postgres" ] || die "$suite has no PostgreSQL $ver"
	touch "$root/.ready"
	trap - EXIT
	log "chroot $suite ready ($((SECONDS - t0)) s, $(du -sm "$root" | cut -f1) MB)"
	exec 8>&-
}

mount_all() {
	local root=$1
	mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
	mkdir -p "$root/dev/shm"
	mountpoint -q "$root/dev/shm" || mount -t tmpfs -o mode=1777,size=512m shm "$root/dev/shm"
	# the chroot's /dev from debootstrap has the basic nodes (null, zero,
	# random, urandom, tty); a bind mount of the host's /dev/pts is not needed
}

umount_all() {
	local root=$1 m
	for m in "$root/dev/shm" "$root/proc"; do
		mountpoint -q "$m" 2>/dev/null && umount -l "$m"
	done
	return 0
}

# lock_chroot N: hold the lock of N's chroot until this script exits (a
# run copies its tree into the chroot, so the copy is made under the lock)
lock_chroot() {
	local suite
	suite=$(suite_of "$1") || die "no chroot known for PostgreSQL $1"
	exec 8>>"$CHROOT_DIR/$suite.lock"
	if ! flock -n 8; then
		log "waiting for another run in the $suite chroot ($CHROOT_DIR/$suite.lock)"
		flock 8
	fi
}

# in_chroot N CMD...: run CMD in N's chroot (locked by the caller), with the
# mounts made and removed again whatever happens
in_chroot() {
	local ver=$1 suite
	shift
	suite=$(suite_of "$ver") || die "no chroot known for PostgreSQL $ver"
	ROOT_OF_RUN="$CHROOT_DIR/$suite"
	trap 'umount_all "$ROOT_OF_RUN"' EXIT
	trap 'exit 130' INT TERM
	mount_all "$ROOT_OF_RUN"
	chroot "$ROOT_OF_RUN" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
		HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" CI="${CI:-}" QIPC_IN_CHROOT=1 "$@"
}

# copy_tree DEST: the work tree's files (tracked and untracked, not ignored,
# so build products stay behind) into DEST, replacing what was there
copy_tree() {
	local dest=$1
	rm -rf "$dest"
	mkdir -p "$dest"
	if git -C "$QIPC_ROOT" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$QIPC_ROOT" && git ls-files -z --cached --others --exclude-standard |
			xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
			tar --null -T - -cf -) | tar -C "$dest" -xf -
	else
		(cd "$QIPC_ROOT" && tar --exclude='*.o' --exclude='*.so' --exclude='*.bc' -cf - .) |
			tar -C "$dest" -xf -
	fi
}

# the whole command is in main, and the line that calls it also exits:
# bash reads a script while running it, and an edit to this file must not
# derail a long run
main() {
	local cmd=${1:-} ver suite
	[ $# -ge 2 ] || die "usage: $0 ensure|test|shell|suite N [ARGS...]"
	ver=$2
	shift 2
	[ "$(id -u)" = 0 ] || [ "$cmd" = suite ] || die "must run as root"
	case $cmd in
	suite)
		suite_of "$ver" || die "no chroot known for PostgreSQL $ver"
		;;
	ensure)
		ensure "$ver"
		;;
	shell)
		ensure "$ver"
		if [ $# -eq 0 ]; then set -- bash; fi
		lock_chroot "$ver"
		in_chroot "$ver" "$@"
		;;
	test)
		# the run's count line also when the chroot cannot be made
		(ensure "$ver") || { echo "0 passed, 1 failed, 0 skipped"; return 2; }
		suite=$(suite_of "$ver")
		lock_chroot "$ver"
		# the work tree is copied, not bind-mounted: the build writes its
		# objects into the tree, and the host's own build must not see them
		copy_tree "$CHROOT_DIR/$suite/build/qipc_fdw"
		in_chroot "$ver" bash /build/qipc_fdw/tools/test.sh --pg "$ver" "$@"
		;;
	*)
		die "unknown command $cmd"
		;;
	esac
}

main "$@"; exit $?
