#!/bin/bash
test_description='PostgreSQL URLs, passwords and connection errors

A URL with the percent-encoded password of the role that must give one
(RETORT_TEST_PG_PW_USER, over TCP with scram) works, and the raw password
(or its encoded form) is printed nowhere: not with SQL echo on, not by
current -v, not in a failed connection'"'"'s error (wrong database, port or
password), not with --raiseerr.  Without a password in the URL, libpq'"'"'s
PGPASSWORD and ~/.pgpass are used.  URL forms (SPEC.md §3): postgres://,
postgresql+psycopg2://, ?host=/socket/dir, libpq parameters passed through
(application_name, connect_timeout, sslmode); a bad parameter is a clear
error.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-pg.sh"
rt_pg_require

DB=$(rt_pg_dbname pw)

# project DIR URL: the lin project plus a revision that records the
# connection (user, application_name) it ran on, in table `seen`.
project () {
	mkdir "$1" &&
	rt_make_lin_project "$1" &&
	rt_ini_set_url "$1/alembic.ini" "$2" &&
	(
		cd "$1" &&
		rt_write_rev 4444dddd0004 3333cccc0003 "record the session" \
			"CREATE TABLE seen AS SELECT current_user::text AS who, application_name AS app FROM pg_stat_activity WHERE pid = pg_backend_pid();" \
			"DROP TABLE seen;"
	)
}

# log_sql INI: turn on SQL echo ([logger_sqlalchemy] level = INFO).
log_sql () {
	awk '
		/^\[/ { in_sa = ($0 == "[logger_sqlalchemy]") }
		in_sa && /^level *=/ { print "level = INFO"; next }
		{ print }
	' "$1" >"$1.tmp" &&
	mv "$1.tmp" "$1"
}

# seen DB: who ran the last revision, with which application_name.
seen () {
	rt_pg_sql "$1" "SELECT who || ${SQ} ${SQ} || app FROM seen"
}

test_expect_success PG_PW 'setup: a database the password role owns' '
	rt_pg_fresh_db pw >/dev/null &&
	rt_pg_sql postgres "ALTER DATABASE $DB OWNER TO $RETORT_TEST_PG_PW_USER" &&
	PW_URL=$(rt_pg_pw_url "$DB") &&
	case "$PW_URL" in *%40*) : ;; *) false ;; esac &&
	project p "$PW_URL" &&
	# the ini file holds it with ConfigParser'"'"'s %% for %
	test_grep -F "%%40" p/alembic.ini
'

test_expect_success PG_PW 'the password URL works (sqlalchemy.url), nothing printed on stdout' '
	(cd p && retort upgrade head >../out 2>../err) &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	test_line_count = 4 actual &&
	echo 4444dddd0004 >expect &&
	rt_pg_versions "$DB" >actual &&
	test_cmp expect actual &&
	echo "$RETORT_TEST_PG_PW_USER retort" >expect &&
	seen "$DB" >actual &&
	test_cmp expect actual &&
	rt_no_password out err
'

test_expect_success PG_PW 'current -v shows the URL with XXXXX for the password' '
	(cd p && retort current -v >../out 2>../err) &&
	head -n 1 out >actual &&
	echo "Current revision(s) for postgresql://$RETORT_TEST_PG_PW_USER:XXXXX@$RT_PG_HOST:$RT_PG_PORT/$DB:" >expect &&
	test_cmp expect actual &&
	rt_no_password out err
'

test_expect_success PG_PW 'SQL echo on: the password is not in the log' '
	log_sql p/alembic.ini &&
	test_grep -A1 "^\[logger_sqlalchemy\]" p/alembic.ini &&
	(cd p && retort downgrade base >../out 2>../err) &&
	test_grep "DROP TABLE seen" err &&
	(cd p && retort upgrade head >>../out 2>>../err) &&
	test_grep "CREATE TABLE account" err &&
	rt_no_password out err &&
	(cd p && retort -x "url=$PW_URL" current -v >../out 2>../err) &&
	rt_no_password out err
'

test_expect_success PG_PW 'DATABASE_URL and -x url with the password' '
	(cd p && DATABASE_URL=$PW_URL retort downgrade 3333 >../out 2>../err) &&
	(cd p && retort -x "url=$PW_URL" current >../out 2>../err) &&
	sed -n 1p out >actual &&
	echo 3333cccc0003 >expect &&
	test_cmp expect actual &&
	rt_no_password out err
'

# fails_clean URL ARGS...: `retort ARGS` in p/ on URL (in DATABASE_URL,
# so that no command line holds the password, not even in a message of
# this script) fails with one FAILED line that shows no password, and
# --raiseerr (exit 1, as Alembic'"'"'s traceback) shows none either.
fails_clean () {
	local url=$1

	shift
	(cd p && DATABASE_URL=$url test_expect_code 255 retort "$@" >../out 2>../err) &&
	rt_failed out err &&
	rt_no_password out err &&
	(cd p && DATABASE_URL=$url test_must_fail retort --raiseerr "$@" >../out.r 2>../err.r) &&
	test_grep "FAILED" out.r err.r &&
	rt_no_password out.r err.r
}

test_expect_success PG_PW 'a wrong database name: a clear error without the password' '
	url=$(rt_pg_pw_url nosuch_database_here) &&
	fails_clean "$url" upgrade head &&
	test_grep -F "nosuch_database_here" failed &&
	test_grep -F "does not exist" failed &&
	test_grep -F "$RETORT_TEST_PG_PW_USER@$RT_PG_HOST:$RT_PG_PORT/nosuch_database_here" failed &&
	fails_clean "$url" current
'

test_expect_success PG_PW 'a wrong port: a clear error without the password' '
	closed=$(rt_pg_port_closed) &&
	url=$(printf "%s" "$PW_URL" | sed -e "s/:$RT_PG_PORT\//:$closed\//") &&
	fails_clean "$url" upgrade head &&
	test_grep -F "cannot connect" failed &&
	test_grep -F ":$closed/" failed &&
	fails_clean "$url" current -v
'

test_expect_success PG_PW 'a wrong password: authentication fails, neither password printed' '
	url="postgresql://$RETORT_TEST_PG_PW_USER:n0t%40it@$RT_PG_HOST:$RT_PG_PORT/$DB" &&
	fails_clean "$url" upgrade head &&
	test_grep -F "password authentication failed" failed &&
	test_grep -v -F "n0t" failed &&
	test_grep -v -F "n0t" err.r
'

test_expect_success PG_PW 'a malformed URL with the password: the message hides it' '
	enc=$(rt_urlencode "$RETORT_TEST_PG_PASSWORD") &&
	fails_clean "postgresql://$RETORT_TEST_PG_PW_USER:$enc@$RT_PG_HOST:notaport/$DB" upgrade head &&
	test_grep -F "XXXXX" failed &&
	fails_clean "postgresql://$RETORT_TEST_PG_PW_USER:$enc@$RT_PG_HOST:$RT_PG_PORT/$DB?nosuch_option=1" current &&
	test_grep -F "nosuch_option" failed
'

test_expect_success PG_PW 'no password in the URL, none in the environment: a clear error' '
	url=$(rt_pg_url "$DB" "$RETORT_TEST_PG_PW_USER") &&
	(cd p && test_expect_code 255 retort -x "url=$url" current >../out 2>../err) &&
	rt_failed out err &&
	test_grep -i "password" failed
'

test_expect_success PG_PW 'no password in the URL: PGPASSWORD is used' '
	url=$(rt_pg_url "$DB" "$RETORT_TEST_PG_PW_USER") &&
	(cd p && PGPASSWORD=$RETORT_TEST_PG_PASSWORD retort -x "url=$url" upgrade head >../out 2>../err) &&
	echo 4444dddd0004 >expect &&
	rt_pg_versions "$DB" >actual &&
	test_cmp expect actual &&
	rt_no_password out err
'

test_expect_success PG_PW 'no password in the URL: ~/.pgpass is used (HOME is the trash)' '
	test "$HOME" = "$TRASH_DIRECTORY" &&
	esc=$(printf "%s" "$RETORT_TEST_PG_PASSWORD" | sed -e "s/[\\\\:]/\\\\&/g") &&
	printf "%s:%s:*:%s:%s\n" "$RT_PG_HOST" "$RT_PG_PORT" "$RETORT_TEST_PG_PW_USER" "$esc" >.pgpass &&
	chmod 600 .pgpass &&
	url=$(rt_pg_url "$DB" "$RETORT_TEST_PG_PW_USER") &&
	(cd p && retort -x "url=$url" downgrade 3333 >../out 2>../err) &&
	echo 3333cccc0003 >expect &&
	rt_pg_versions "$DB" >actual &&
	test_cmp expect actual &&
	rt_no_password out err &&
	rm .pgpass
'

test_expect_success PG_PW,PG_SOCKET 'the password with ?host=/socket/dir' '
	enc=$(rt_urlencode "$RETORT_TEST_PG_PASSWORD") &&
	url="postgresql://$RETORT_TEST_PG_PW_USER:$enc@/$DB?host=$RT_PG_SOCKET&port=$RT_PG_PORT" &&
	(cd p && retort -x "url=$url" upgrade head >../out 2>../err) &&
	echo "$RETORT_TEST_PG_PW_USER retort" >expect &&
	seen "$DB" >actual &&
	test_cmp expect actual &&
	rt_no_password out err &&
	(cd p && retort -x "url=$url" current -v >../out 2>../err) &&
	rt_no_password out err &&
	test_grep "^Current revision(s) for postgresql://$RETORT_TEST_PG_PW_USER:XXXXX@/$DB?host=" out
'

# --- URL forms (the trusted superuser) ----------------------------------------

# form_works URL: upgrade head then downgrade base through URL.
form_works () {
	(cd q && retort -x "url=$1" upgrade head >../out 2>../err) &&
	echo 4444dddd0004 >expect &&
	rt_pg_versions "$QDB" >actual &&
	test_cmp expect actual &&
	(cd q && retort -x "url=$1" current >../out 2>../err) &&
	echo "4444dddd0004 (head)" >expect &&
	test_cmp expect out &&
	(cd q && retort -x "url=$1" downgrade base >../out 2>../err) &&
	rt_pg_versions "$QDB" >actual &&
	test_must_be_empty actual
}

test_expect_success 'setup: a project for the URL forms' '
	rt_pg_fresh_db forms >/dev/null &&
	QDB=$(rt_pg_dbname forms) &&
	project q "sqlite:///unused.db"
'

test_expect_success 'postgres:// and postgresql+psycopg2://' '
	form_works "postgres://$RT_PG_USER@$RT_PG_HOST:$RT_PG_PORT/$QDB" &&
	form_works "postgresql+psycopg2://$RT_PG_USER@$RT_PG_HOST:$RT_PG_PORT/$QDB" &&
	form_works "postgresql+psycopg://$RT_PG_USER@$RT_PG_HOST:$RT_PG_PORT/$QDB" &&
	test_path_is_missing q/unused.db
'

test_expect_success PG_SOCKET '?host=/socket/dir (no host part), and with a host part it overrides' '
	form_works "postgresql://$RT_PG_USER@/$QDB?host=$RT_PG_SOCKET&port=$RT_PG_PORT" &&
	form_works "postgresql://$RT_PG_USER@localhost:$RT_PG_PORT/$QDB?host=$RT_PG_SOCKET"
'

test_expect_success '?application_name= is what the server sees during the run' '
	(cd q && retort -x "url=$(rt_pg_url "$QDB")?application_name=deploy-42" upgrade head >../out 2>../err) &&
	echo "$RT_PG_USER deploy-42" >expect &&
	seen "$QDB" >actual &&
	test_cmp expect actual &&
	(cd q && retort -x "url=$(rt_pg_url "$QDB")" downgrade base >../out 2>../err)
'

test_expect_success 'without it the server sees application_name retort' '
	form_works "$(rt_pg_url "$QDB")" &&
	(cd q && retort -x "url=$(rt_pg_url "$QDB")" upgrade head >../out 2>../err) &&
	echo "$RT_PG_USER retort" >expect &&
	seen "$QDB" >actual &&
	test_cmp expect actual &&
	(cd q && retort -x "url=$(rt_pg_url "$QDB")" downgrade base >../out 2>../err)
'

test_expect_success '?connect_timeout=2 and ?sslmode=disable are passed to libpq' '
	form_works "$(rt_pg_url "$QDB")?connect_timeout=2" &&
	form_works "$(rt_pg_url "$QDB")?sslmode=disable&connect_timeout=2&application_name=x"
'

test_expect_success 'an unknown parameter: a clear error, nothing done' '
	rt_pg_schema "$QDB" >before &&
	(cd q && test_expect_code 255 retort -x "url=$(rt_pg_url "$QDB")?nosuch_param=1" upgrade head >../out 2>../err) &&
	rt_failed out err "nosuch_param" &&
	test_grep -F "$QDB" failed &&
	rt_pg_schema "$QDB" >after &&
	test_cmp before after
'

test_expect_success 'a bad value: a clear error' '
	(cd q && test_expect_code 255 retort -x "url=$(rt_pg_url "$QDB")?sslmode=sometimes" current >../out 2>../err) &&
	rt_failed out err "sslmode" &&
	(cd q && test_expect_code 255 retort -x "url=$(rt_pg_url "$QDB")?connect_timeout=soon" current >../out 2>../err) &&
	rt_failed out err "connect_timeout"
'

test_expect_success 'sslmode=require on a server without SSL fails clearly' '
	(cd q && test_expect_code 255 retort -x "url=$(rt_pg_url "$QDB")?sslmode=require" current >../out 2>../err) &&
	rt_failed out err "SSL"
'

test_expect_success 'an empty port, a port out of range: URL errors' '
	(cd q && test_expect_code 255 retort -x "url=postgresql://$RT_PG_USER@$RT_PG_HOST:/$QDB" current >../out 2>../err) &&
	rt_failed out err "port" &&
	(cd q && test_expect_code 255 retort -x "url=postgresql://$RT_PG_USER@$RT_PG_HOST:99999/$QDB" current >../out 2>../err) &&
	rt_failed out err "port"
'

test_expect_success 'cleanup: drop the databases' '
	rt_pg_drop_all
'

test_done
