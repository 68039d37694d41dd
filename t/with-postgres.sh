#!/bin/bash
# with-postgres.sh CMD [ARGS...] - run CMD with a PostgreSQL server for the
# tests, and exit with CMD's status.
#
# If RETORT_TEST_PG_URL is set, a server is already there (an outer
# with-postgres.sh, as under `make check`, or one you run yourself): CMD
# just runs.  Otherwise this starts a throwaway server with t/pg-server.sh
# in a fresh directory under $RETORT_TEST_PG_TMPDIR (default $TMPDIR, else
# /tmp), exports its RETORT_TEST_PG_* variables (see pg-server.sh) to CMD,
# and stops the server and removes the directory when CMD ends - also when
# CMD fails and on Ctrl-C or SIGTERM.  A server that cannot start is an
# error, reported with the end of its log: the PostgreSQL tests are never
# silently skipped.
set -uo pipefail

if [ $# -eq 0 ]; then
	echo "usage: $0 CMD [ARGS...]" >&2
	exit 2
fi
if [ -n "${RETORT_TEST_PG_URL:-}" ]; then
	exec "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
tmp=${RETORT_TEST_PG_TMPDIR:-${TMPDIR:-/tmp}}
dir=$(mktemp -d "$tmp/retort-pg.XXXXXX") || {
	echo "with-postgres: cannot create a directory in $tmp" >&2
	exit 1
}
child=

cleanup () {
	local status=$?

	trap - EXIT INT TERM HUP
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null && wait "$child" 2>/dev/null
	fi
	"$here/pg-server.sh" stop "$dir" || status=1
	exit "$status"
}
trap cleanup EXIT
# On a signal: stop CMD (Ctrl-C has reached it already; kill or SIGTERM
# may not have), then the EXIT trap stops the server.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if ! "$here/pg-server.sh" start "$dir"; then
	echo "with-postgres: FAILED: could not start PostgreSQL for the tests (see above)" >&2
	exit 1
fi
eval "$("$here/pg-server.sh" env "$dir")" || exit 1

# CMD runs in the background so that a signal reaches our trap at once
# rather than when CMD ends.  A background command would get /dev/null as
# standard input and ignore Ctrl-C; `<&0` and `trap -` undo both, so CMD
# behaves as in the foreground.
(
	trap - INT QUIT
	exec "$@"
) <&0 &
child=$!
wait "$child"
status=$?
child=
exit "$status"
