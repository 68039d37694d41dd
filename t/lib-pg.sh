# lib-pg.sh - helpers for the end-to-end tests that run on PostgreSQL
# (family t4xxx, t8001).  Source it after test-lib.sh:
#
#	. "$(dirname "$0")/test-lib.sh"
#	. "$TEST_DIRECTORY/lib-pg.sh"
#	rt_pg_require
#
# The server is a throwaway one started by t/with-postgres.sh (make check
# does that), which exports RETORT_TEST_PG_URL, _HOST, _PORT, _SOCKET,
# _USER, _PW_USER, _PASSWORD and _BIN.  Without them the script skips.
#
# test-lib.sh unsets PGHOST, PGPORT, PGUSER, PGPASSWORD...: retort must
# reach the server through its URL alone, so a test that forgets the port
# in a URL fails instead of being rescued by the environment.  Our own
# psql calls name host, port and user explicitly for the same reason.
#
# Each script works in databases of its own, named rt_<test number>_NAME
# (rt_pg_fresh_db), so scripts can share one server.

# More libpq environment that would steer retort's connections (test-lib.sh
# already clears the common ones).
unset PGHOSTADDR PGPASSFILE PGSERVICEFILE PGOPTIONS PGAPPNAME PGSSLMODE \
	PGREQUIRESSL PGCONNECT_TIMEOUT PGTARGETSESSIONATTRS PGSYSCONFDIR \
	PGCLIENTENCODING PGTZ PGDATESTYLE

RT_PG_HOST=${RETORT_TEST_PG_HOST:-127.0.0.1}
RT_PG_PORT=${RETORT_TEST_PG_PORT:-}
RT_PG_USER=${RETORT_TEST_PG_USER:-postgres}
RT_PG_SOCKET=${RETORT_TEST_PG_SOCKET:-}
# rt_t4002 for t4002-pg-concurrency: the prefix of this script's databases.
RT_PG_DB_PREFIX="rt_$(printf '%s' "${TEST_NAME%%-*}" | tr -c 'a-z0-9' '_')"

if [ -n "${RETORT_TEST_PG_BIN:-}" ] && [ -x "$RETORT_TEST_PG_BIN/psql" ]; then
	RT_PG_PSQL=$RETORT_TEST_PG_BIN/psql
else
	RT_PG_PSQL=psql
fi

# rt_pg_bail_ MESSAGE: the server we were told about is not usable: that
# is a broken test setup, not a reason to skip quietly.
rt_pg_bail_ () {
	echo "Bail out! $TEST_NAME: $*" >&5
	test_done_called=t
	exit 1
}

# rt_pg_require: skip the whole script when no server was given; bail out
# when one was given but does not answer.  Sets the prerequisites
# PG_PW (a password role exists) and PG_SOCKET (a Unix socket directory).
rt_pg_require () {
	if [ -z "${RETORT_TEST_PG_URL:-}" ]; then
		test_skip_all "no PostgreSQL server: RETORT_TEST_PG_URL is not set" \
			"(run make check, or the script under t/with-postgres.sh)"
	fi
	[ -n "$RT_PG_PORT" ] ||
		rt_pg_bail_ "RETORT_TEST_PG_URL is set but RETORT_TEST_PG_PORT is not"
	command -v "$RT_PG_PSQL" >/dev/null 2>&1 ||
		rt_pg_bail_ "no psql (RETORT_TEST_PG_BIN=${RETORT_TEST_PG_BIN:-unset})"
	rt_pg_sql postgres "SELECT 1" >/dev/null 2>&1 ||
		rt_pg_bail_ "the PostgreSQL server at $RT_PG_HOST:$RT_PG_PORT does not answer"
	if [ -n "${RETORT_TEST_PG_PW_USER:-}" ] && [ -n "${RETORT_TEST_PG_PASSWORD:-}" ]; then
		test_set_prereq PG_PW
	fi
	if [ -n "$RT_PG_SOCKET" ] && [ -d "$RT_PG_SOCKET" ]; then
		test_set_prereq PG_SOCKET
	fi
}

# rt_pg_sql DB SQL: run SQL as the superuser in database DB (psql -XAtq),
# stop at the first error.  Rows come out as `a|b`.
rt_pg_sql () {
	"$RT_PG_PSQL" -X -A -t -q -v ON_ERROR_STOP=1 -h "$RT_PG_HOST" \
		-p "$RT_PG_PORT" -U "$RT_PG_USER" -d "$1" -c "$2"
}

# rt_pg_dbname NAME: the name of this script's database NAME.
rt_pg_dbname () {
	printf '%s_%s\n' "$RT_PG_DB_PREFIX" "$1"
}

# rt_pg_url DB [USER]: a postgresql:// URL for DB (a full database name)
# over TCP, as USER (default the trusted superuser).
rt_pg_url () {
	printf 'postgresql://%s@%s:%s/%s\n' "${2:-$RT_PG_USER}" "$RT_PG_HOST" \
		"$RT_PG_PORT" "$1"
}

# rt_pg_fresh_db NAME: drop and create this script's database NAME (any
# session still in it is ended), then print its URL.  The database is
# named rt_<test number>_NAME; $(rt_pg_dbname NAME) gives the name.
rt_pg_fresh_db () {
	local db

	db=$(rt_pg_dbname "$1") &&
	rt_pg_drop_db "$1" &&
	rt_pg_sql postgres "CREATE DATABASE $db" &&
	rt_pg_url "$db"
}

# rt_pg_drop_db NAME: drop this script's database NAME if it exists.
rt_pg_drop_db () {
	rt_pg_sql postgres "DROP DATABASE IF EXISTS $(rt_pg_dbname "$1") WITH (FORCE)" 2>/dev/null
}

# rt_pg_drop_all: drop every database of this script (at the end).
rt_pg_drop_all () {
	local db

	for db in $(rt_pg_sql postgres "SELECT datname FROM pg_database WHERE datname LIKE '${RT_PG_DB_PREFIX}\\_%'"); do
		rt_pg_sql postgres "DROP DATABASE IF EXISTS $db WITH (FORCE)" || return 1
	done
}

# rt_pg_has_table DB NAME [SCHEMA]: DB has table SCHEMA.NAME (default
# schema: public).
rt_pg_has_table () {
	local n

	n=$(rt_pg_sql "$1" "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = '${3:-public}' AND tablename = '$2'") &&
	[ "$n" = 1 ]
}

# rt_pg_versions DB [TABLE [SCHEMA]]: the rows of the version table
# (default public.alembic_version), sorted; nothing when it does not exist.
rt_pg_versions () {
	local table=${2:-alembic_version} schema=${3:-public}

	rt_pg_has_table "$1" "$table" "$schema" || return 0
	rt_pg_sql "$1" "SELECT version_num FROM \"$schema\".\"$table\" ORDER BY version_num COLLATE \"C\""
}

# rt_pg_tables DB [SCHEMA]: the tables of SCHEMA (default public), sorted.
rt_pg_tables () {
	rt_pg_sql "$1" "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = '${2:-public}' ORDER BY tablename COLLATE \"C\""
}

# rt_pg_columns DB TABLE [SCHEMA]: the column names of TABLE, in order.
rt_pg_columns () {
	rt_pg_sql "$1" "SELECT column_name FROM information_schema.columns WHERE table_schema = '${3:-public}' AND table_name = '$2' ORDER BY ordinal_position"
}

# rt_pg_schema DB: every user table, column, index and schema of DB, for
# before/after comparisons.
rt_pg_schema () {
	rt_pg_sql "$1" "SELECT x FROM (
		SELECT 'schema ' || nspname FROM pg_catalog.pg_namespace
		 WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
		UNION ALL
		SELECT 'column ' || table_schema || '.' || table_name || '.' ||
		       column_name || ' ' || data_type
		  FROM information_schema.columns
		 WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
		UNION ALL
		SELECT 'index ' || schemaname || '.' || indexname || ' ' || indexdef
		  FROM pg_catalog.pg_indexes
		 WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
		) AS s(x) ORDER BY x COLLATE \"C\""
}

# rt_ini_set_url INI URL: set sqlalchemy.url (a '%' in URL is doubled, as
# ConfigParser interpolation wants).
rt_ini_set_url () {
	local url=${2//%/%%}

	awk -v url="$url" '
		/^sqlalchemy\.url[ \t]*=/ { print "sqlalchemy.url = " url; next }
		{ print }
	' "$1" >"$1.tmp" &&
	mv "$1.tmp" "$1"
}

# rt_urlencode TEXT: TEXT percent-encoded for the user or password part of
# a URL (everything but letters, digits and -._~).
rt_urlencode () {
	local s=$1 i c out=

	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case "$c" in
		[A-Za-z0-9._~-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s\n' "$out"
}

# rt_pg_pw_url DB [QUERY]: a URL for DB as the password role, over TCP,
# with the password percent-encoded (PG_PW).
rt_pg_pw_url () {
	printf 'postgresql://%s:%s@%s:%s/%s%s\n' "$RETORT_TEST_PG_PW_USER" \
		"$(rt_urlencode "$RETORT_TEST_PG_PASSWORD")" "$RT_PG_HOST" \
		"$RT_PG_PORT" "$1" "${2:+?$2}"
}

# rt_no_password FILE...: none of the files holds the password, raw or
# percent-encoded.  On failure it says where, without showing it.
rt_no_password () {
	local f enc

	enc=$(rt_urlencode "$RETORT_TEST_PG_PASSWORD")
	for f in "$@"; do
		[ -f "$f" ] || { echo "rt_no_password: no file '$f'" >&4; return 1; }
		grep -q -F -e "$RETORT_TEST_PG_PASSWORD" -e "$enc" "$f" || continue
		echo "rt_no_password: the password is printed in '$f':" >&4
		awk -v pw="$RETORT_TEST_PG_PASSWORD" -v enc="$enc" '
			function hide(s, w,   i) {
				while ((i = index(s, w)) > 0)
					s = substr(s, 1, i - 1) "<PASSWORD>" substr(s, i + length(w))
				return s
			}
			{ print hide(hide($0, pw), enc) }
		' "$f" >&4
		return 1
	done
}

# rt_pg_wait_for DB SQL [SECONDS]: poll until SQL (one boolean) is true
# in DB, at most SECONDS (default 20).  For ordering concurrent processes.
rt_pg_wait_for () {
	local i tries=$((${3:-20} * 20)) v

	for ((i = 0; i < tries; i++)); do
		v=$(rt_pg_sql "$1" "$2") || return 1
		[ "$v" = t ] && return 0
		sleep 0.05
	done
	echo "rt_pg_wait_for: still false after ${3:-20} s: $2" >&4
	return 1
}

# How long the "slow" revisions of the lock tests hold the migration lock
# (SELECT pg_sleep($RT_PG_HOLD)): long enough for a process started after
# to give up first.  Longer under valgrind, which slows every start.
if [ -n "${RT_TEST_WRAPPER:-}" ]; then
	RT_PG_HOLD=8
else
	RT_PG_HOLD=3
fi

# rt_pg_holding DB: wait until a session of DB is in the middle of a slow
# revision's pg_sleep($RT_PG_HOLD) (so it holds the migration lock).
rt_pg_holding () {
	rt_pg_wait_for "$1" "SELECT count(*) > 0 FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE '%pg_sleep($RT_PG_HOLD)%' AND pid <> pg_backend_pid()"
}

# rt_pg_port_closed: print a TCP port on 127.0.0.1 nothing listens on.
rt_pg_port_closed () {
	local port

	for port in 9 1 7 13 37 79 11111 22222 33333; do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	return 1
}
