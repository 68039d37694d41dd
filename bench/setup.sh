#!/bin/bash
# bench/setup.sh - install what the benchmarks need; safe to run again.
#
#   bench/setup.sh                 install what is missing, then print the
#                                  absolute path of the dbmate binary
#   bench/setup.sh --dbmate-path   print that path only (installs nothing;
#                                  exit 1 when dbmate is not there yet)
#
# Standard output is that one line and nothing else, so a driver can do
# DBMATE=$(bench/setup.sh); everything else goes to standard error.
#
# As root on Debian, `apt-get install` adds the packages below that are not
# installed yet (nothing when all are; `apt-get update` only if the install
# fails, e.g. on stale package lists).  Without root it skips apt and says
# which packages are missing; the benchmark then measures what it can.
#
#   python3-alembic python3-psycopg2   Alembic and its PostgreSQL driver
#   postgresql                         server binaries for t/pg-server.sh, psql
#   sqlite3                            the SQLite floor (the sqlite3 CLI)
#   gnuplot-nox                        charts: on Debian 12 it has both the
#                                      pngcairo and the png (libgd) terminal
#   hyperfine time valgrind            timing, peak RSS, instruction counts
#   nodejs npm                         only to fetch dbmate from npm
#
# nodejs and npm count as present when the `node` and `npm` commands are:
# NodeSource's nodejs package bundles npm and conflicts with Debian's npm
# package, so asking apt for npm there would try to remove nodejs.
#
# dbmate comes from the npm registry (package `dbmate`, whose per-platform
# optional dependency @dbmate/<os>-<cpu> carries the static Go binary) and
# is installed into bench/tools/ (git-ignored), pinned to DBMATE_VERSION.
# The path printed is that Go binary, not node_modules/.bin/dbmate: the
# latter is a node script that spawns the binary, and node's start-up
# (about 85 ms here, against 12 ms for `dbmate --version` itself) would be
# added to every timed run.
set -euo pipefail

# dbmate 2.36.0, the newest release on npm when this was written.  What
# the benchmark relies on: one transaction per migration file; `rollback`
# undoes exactly one migration (no --steps), so rolling all back is N runs;
# global options such as --url and --no-dump-schema go before the command.
DBMATE_VERSION=2.36.0
APT_PACKAGES="python3-alembic python3-psycopg2 postgresql sqlite3 gnuplot-nox
hyperfine time valgrind nodejs npm"

BENCH_DIR=$(cd "$(dirname "$0")" && pwd -P)
TOOLS_DIR=$BENCH_DIR/tools

die () {
	echo "setup.sh: $*" >&2
	exit 1
}

usage () {
	sed -n -e '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

# The platform part of @dbmate/<os>-<cpu>, in node's words.
npm_platform () {
	local os cpu

	case "$(uname -s)" in
	Linux) os=linux ;;
	Darwin) os=darwin ;;
	*) die "no dbmate build for $(uname -s)" ;;
	esac
	case "$(uname -m)" in
	x86_64 | amd64) cpu=x64 ;;
	aarch64 | arm64) cpu=arm64 ;;
	i?86) cpu=ia32 ;;
	armv*) cpu=arm ;;
	*) die "no dbmate build for $(uname -m)" ;;
	esac
	echo "$os-$cpu"
}

dbmate_bin () {
	echo "$TOOLS_DIR/node_modules/@dbmate/$(npm_platform)/bin/dbmate"
}

# dbmate_ok BIN: BIN is the pinned dbmate and runs.
dbmate_ok () {
	[ -x "$1" ] &&
		[ "$("$1" --version 2>/dev/null)" = "dbmate version $DBMATE_VERSION" ]
}

# is_missing PACKAGE: the Debian package (or, for nodejs and npm, the
# command) is not there.
is_missing () {
	case "$1" in
	nodejs) ! command -v node >/dev/null 2>&1 ;;
	npm) ! command -v npm >/dev/null 2>&1 ;;
	*) [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" != installed ] ;;
	esac
}

# apt_install PACKAGE...: quiet; its output is shown only when it fails.
apt_install () {
	local log rc=0

	log=$(mktemp "${TMPDIR:-/tmp}/bench-setup.XXXXXX")
	echo "setup.sh: apt-get install $*" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" \
		>"$log" 2>&1 ||
		{
			echo "setup.sh: apt-get install failed; apt-get update, then again" >&2
			DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$log" 2>&1 &&
				DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" \
					>>"$log" 2>&1
		} || rc=$?
	[ $rc = 0 ] || tail -n 30 "$log" >&2
	rm -f "$log"
	return $rc
}

install_packages () {
	local missing=() p

	if ! command -v dpkg-query >/dev/null 2>&1 ||
		! command -v apt-get >/dev/null 2>&1; then
		echo "setup.sh: not Debian (no apt-get/dpkg-query): install by hand what is missing of: $(echo $APT_PACKAGES)" >&2
		return 0
	fi
	for p in $APT_PACKAGES; do
		is_missing "$p" && missing+=("$p")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	if [ "$(id -u)" != 0 ]; then
		echo "setup.sh: not root: skipping apt-get; missing: ${missing[*]}" >&2
		return 0
	fi
	apt_install "${missing[@]}" || die "could not install ${missing[*]}"
}

install_dbmate () {
	local bin log

	bin=$(dbmate_bin)
	dbmate_ok "$bin" && return 0
	command -v npm >/dev/null 2>&1 ||
		die "no npm to fetch dbmate with (Debian: nodejs, npm)"
	mkdir -p "$TOOLS_DIR"
	log=$TOOLS_DIR/npm-install.log
	echo "setup.sh: npm install dbmate@$DBMATE_VERSION into $TOOLS_DIR" >&2
	# --ignore-scripts: the binary arrives as a plain file of the
	# optional dependency, no install script is needed (or run).
	if ! (cd "$TOOLS_DIR" && npm install --prefix "$TOOLS_DIR" \
		--save-exact --ignore-scripts --no-audit --no-fund \
		--no-update-notifier --loglevel=error \
		"dbmate@$DBMATE_VERSION") >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		die "npm install dbmate@$DBMATE_VERSION failed (log: $log)"
	fi
	rm -f "$log"
	dbmate_ok "$bin" ||
		die "npm installed dbmate, but $bin is not dbmate $DBMATE_VERSION"
}

case "${1:-}" in
"") ;;
--dbmate-path)
	[ $# = 1 ] || usage
	bin=$(dbmate_bin)
	[ -x "$bin" ] || die "dbmate is not installed; run $0 first"
	echo "$bin"
	exit 0
	;;
-h | --help) usage ;;
*) usage ;;
esac

install_packages
install_dbmate
dbmate_bin
