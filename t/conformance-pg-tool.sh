#!/bin/bash
# conformance-pg-tool.sh RETORT ARGV... - the TOOL that t/conformance-pg.sh
# hands to ../shared/conformance/check.sh, so that its scenarios (recorded
# on SQLite) run against PostgreSQL.
#
# check.sh runs `TOOL ARGV...` in a fresh copy of a scenario project, whose
# alembic.ini points at the SQLite file test.db, and then scores stdout, the
# exit status and what test.db holds: alembic_version and the `steps` table
# the scenario scripts insert into.  This shim, run in that directory:
#
#  1. on its first call there, creates a PostgreSQL database of its own
#     (named after a hash of the directory) with the same `steps` table;
#  2. runs `RETORT -x url=<that database> ARGV...`, its stdout and stderr
#     untouched.  Offline commands (`--sql`) never connect, and what they
#     print was recorded in SQLite's dialect: they run unchanged;
#  3. copies the PostgreSQL state into test.db (whether alembic_version
#     exists, its rows, the steps rows with their ids) for check.sh to read;
#  4. exits with retort's status.
#
# Environment: RETORT_TEST_PG_URL, the server (t/with-postgres.sh sets it);
# RT_PG_CONFORMANCE_STATE, a directory where each database made is recorded
# (a file named after it holding the project directory), so that the caller
# can drop them all at the end; RETORT_TEST_PG_BIN, where psql is (else
# PATH).  A failure of the shim itself (not of retort) is reported on stderr
# and leaves no test.db, so check.sh cannot score the command as passing.
set -uo pipefail

me=conformance-pg-tool
if [ $# -lt 1 ]; then
	echo "usage: $0 RETORT ARGV..." >&2
	exit 2
fi
retort=$1
shift

fail () {
	echo "$me: $*" >&2
	rm -f test.db
	exit 125
}

[ -n "${RETORT_TEST_PG_URL:-}" ] ||
	fail "RETORT_TEST_PG_URL is not set (run under t/with-postgres.sh)"
state=${RT_PG_CONFORMANCE_STATE:-${TMPDIR:-/tmp}/retort-pg-conformance}
psql=psql
[ -n "${RETORT_TEST_PG_BIN:-}" ] && psql=$RETORT_TEST_PG_BIN/psql

# The database URL: the server's, with our database name as the path.
scheme=${RETORT_TEST_PG_URL%%://*}
rest=${RETORT_TEST_PG_URL#*://}
query=
case "$rest" in
*\?*) query="?${rest#*\?}" rest=${rest%%\?*} ;;
esac
authority=${rest%%/*}
server_db=postgres
case "$rest" in
*/?*) server_db=${rest#*/} ;;
esac
db=rt_conf_$(printf '%s' "$PWD" | sha1sum | cut -c1-20)
db_url="$scheme://$authority/$db$query"
admin_url="$scheme://$authority/$server_db$query"

q_psql () {
	"$psql" -X -q -v ON_ERROR_STOP=1 "$@"
}

if [ ! -f "$state/$db" ]; then
	mkdir -p "$state" || fail "cannot create $state"
	# A leftover of an interrupted run may have the same name.
	err=$(q_psql -d "$admin_url" -c "DROP DATABASE IF EXISTS $db" \
		-c "CREATE DATABASE $db TEMPLATE template0" 2>&1 >/dev/null) ||
		fail "cannot create database $db: $err"
	printf '%s\n' "$PWD" >"$state/$db"
	err=$(q_psql -d "$db_url" \
		-c "CREATE TABLE steps(id SERIAL PRIMARY KEY, step TEXT)" 2>&1 >/dev/null) ||
		fail "cannot create the steps table in $db: $err"
fi

online=t
for arg in "$@"; do
	[ "$arg" = --sql ] && online=
done
if [ -z "$online" ]; then
	"$retort" "$@"
	status=$?
else
	# `current -v` names the database: the recording has the SQLite
	# URL there, so that one line gets it back; everything else on
	# stdout, and all of stderr, is retort's own.
	out=$(mktemp) || fail "cannot create a temporary file"
	"$retort" -x "url=$db_url" "$@" >"$out"
	status=$?
	from=$(printf '%s' "$db_url" | sed 's/[][\\|.*^$]/\\&/g')
	to=$(printf '%s' "sqlite:///$PWD/test.db" | sed 's/[\\|&]/\\&/g')
	sed "s|^Current revision(s) for $from:\$|Current revision(s) for $to:|" \
		"$out" || { rm -f "$out"; fail "cannot copy retort's output"; }
	rm -f "$out"
fi

# PostgreSQL -> test.db, in one SQLite transaction.  The strings are
# quoted the standard way ('' for '), which SQLite reads too.
mirror=$(q_psql -A -t -d "$db_url" 2>&1 <<'EOF'
SELECT 'BEGIN;';
SELECT 'CREATE TABLE IF NOT EXISTS steps(id INTEGER PRIMARY KEY, step TEXT);';
SELECT 'DELETE FROM steps;';
SELECT 'INSERT INTO steps(id, step) VALUES (' || id || ', ' ||
	coalesce(quote_literal(step), 'NULL') || ');'
	FROM steps ORDER BY id;
SELECT 'DROP TABLE IF EXISTS alembic_version;';
SELECT to_regclass('alembic_version') IS NOT NULL AS has_version \gset
\if :has_version
SELECT 'CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);';
SELECT 'INSERT INTO alembic_version VALUES (' ||
	quote_literal(version_num) || ');' FROM alembic_version;
\endif
SELECT 'COMMIT;';
EOF
) || fail "cannot read the state of $db: $mirror"
case "$mirror" in
*\\*) fail "a backslash in the state of $db; cannot copy it to SQLite" ;;
esac
err=$(printf '%s\n' "$mirror" | sqlite3 -bail test.db 2>&1) ||
	fail "cannot write test.db: $err"
exit "$status"
