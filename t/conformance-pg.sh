#!/bin/bash
# conformance-pg.sh RETORT - the conformance score (see t/conformance.sh) with
# retort on PostgreSQL instead of SQLite.
#
# Runs both corpora of ../shared/conformance strictly through
# t/conformance-pg-tool.sh, which gives every scenario a PostgreSQL
# database of its own, runs retort on it and copies the result into the
# scenario's test.db for check.sh to score.  Fails unless every command
# passes.  The scenarios' databases are dropped at the end.  Where the
# conformance kit is not next to the repository it says so and succeeds,
# as t/conformance.sh does.
#
# Needs a server: RETORT_TEST_PG_URL (t/with-postgres.sh); without one it
# runs itself under t/with-postgres.sh.  RT_CONFORMANCE_DIR overrides where
# the kit is; RT_CONFORMANCE_PG_JOBS how many scenarios run at once (default:
# twice the CPU count, as most of the time is spent waiting on the server).
set -uo pipefail

if [ $# -ne 1 ]; then
	echo "usage: $0 RETORT" >&2
	exit 2
fi
case "$1" in
/*) retort=$1 ;;
*) retort=$(pwd)/$1 ;;
esac
if [ ! -x "$retort" ]; then
	echo "conformance-pg: no retort binary at $retort (run make first)" >&2
	exit 1
fi

here=$(cd "$(dirname "$0")" && pwd)
top=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null) ||
	top=$(cd "$here/.." && pwd)
kit=${RT_CONFORMANCE_DIR:-$top/../shared/conformance}
if [ ! -f "$kit/check.sh" ]; then
	echo "conformance-pg: skipped: no conformance kit at $kit"
	echo "conformance-pg: (set RT_CONFORMANCE_DIR to the shared/conformance directory)"
	exit 0
fi
if [ -z "${RETORT_TEST_PG_URL:-}" ]; then
	exec "$here/with-postgres.sh" "$0" "$retort"
fi

psql=psql
[ -n "${RETORT_TEST_PG_BIN:-}" ] && psql=$RETORT_TEST_PG_BIN/psql
jobs=${RT_CONFORMANCE_PG_JOBS:-$((2 * $(nproc 2>/dev/null || echo 2)))}

tmp=$(mktemp -d) || exit 1
export RT_PG_CONFORMANCE_STATE=$tmp/databases
# No cache of script headers in the caller's ~/.cache (see conformance.sh).
export RETORT_CACHE_DIR=

# Drop every database the tool made (their names are the file names in
# the state directory), whatever happened.
cleanup () {
	local f

	trap - EXIT INT TERM HUP
	if [ -d "$RT_PG_CONFORMANCE_STATE" ]; then
		for f in "$RT_PG_CONFORMANCE_STATE"/rt_conf_*; do
			[ -f "$f" ] || continue
			echo "DROP DATABASE IF EXISTS $(basename "$f") WITH (FORCE);"
		done | "$psql" -X -q -d "$RETORT_TEST_PG_URL" >/dev/null ||
			echo "conformance-pg: could not drop every scratch database" >&2
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# One plain command first: if retort cannot work on this server at all,
# say so once instead of with every scenario.
probe=$tmp/probe
mkdir "$probe" && printf '[alembic]\nscript_location = %%(here)s\n' \
	>"$probe/alembic.ini" && mkdir "$probe/versions"
if ! (cd "$probe" && "$retort" -x "url=$RETORT_TEST_PG_URL" current) \
	>"$tmp/probe.out" 2>&1; then
	echo "conformance-pg: FAILED: retort cannot use the PostgreSQL server:"
	sed 's/^/    /' "$tmp/probe.out"
	exit 1
fi

tool="$(printf '%q' "$here/conformance-pg-tool.sh") $(printf '%q' "$retort")"
# Scenarios whose recorded result depends on the order in which SQLite
# returns alembic_version rows: `downgrade -N` with several heads starts
# from the first row, and SQLite's UPDATE keeps a row in place where
# PostgreSQL's writes a new row version at the end (Alembic itself on
# PostgreSQL takes the same path as retort).  They are skipped here,
# and pass on SQLite (t/conformance.sh).
row_order_dependent=" p03_diamond p13_multiple_base v12_depends_on_branch_four "
status=0
for corpus in public ported; do
	only=
	for d in "$kit/$corpus"/*/; do
		name=$(basename "$d")
		case "$row_order_dependent" in
		*" $name "*) echo "conformance-pg: skipping $corpus/$name (row order of alembic_version differs by backend)"; continue ;;
		esac
		only="$only --only $name"
	done
	echo "conformance-pg: $corpus/ (on PostgreSQL)"
	# shellcheck disable=SC2086
	if sh "$kit/check.sh" "$tool" "$kit/$corpus" --failures 20 $only \
		--jobs "$jobs" >"$tmp/$corpus" 2>&1; then
		tail -n 2 "$tmp/$corpus"
	else
		cat "$tmp/$corpus"
		status=1
	fi
done
if [ $status -ne 0 ]; then
	echo "conformance-pg: FAILED: on PostgreSQL, some recorded Alembic behaviour differs"
	exit 1
fi
echo "conformance-pg: every recorded command passes on PostgreSQL"
