#!/bin/bash
test_description='every command on PostgreSQL prints what it prints on SQLite

Two copies of one project, made with `retort init` and `retort revision`:
sq/ on a SQLite file, pg/ on a PostgreSQL database (sqlalchemy.url in its
alembic.ini).  The same commands run in both; their exit codes, stdout
(paths aside), `Running ...` log lines, alembic_version rows and tables
must be the same.  The graph has a branch point, a labelled branch and,
once `merge` has written it, a merge point:

  aaaa -> bbbb -> dddd
       \-> cccc (label side) -> eeee (label side)    merge ffff = (dddd, eeee)

The SQLite behaviour is checked against Alembic by the t2xxx/t3xxx
scripts; here it is the reference for PostgreSQL.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-pg.sh"
rt_pg_require

DB=$(rt_pg_dbname cmds)

# rev ID PARENTS MSG [LABEL]: a script creating table t_ID, in both projects.
rev () {
	local d file

	for d in sq pg; do
		file="$d/migrations/versions/$1_$(rt_slug "$3").sql"
		{
			printf -- '-- %s\n--\n-- Revision ID: %s\n' "$3" "$1"
			printf -- '-- Revises:%s\n' "${2:+ $2}"
			printf -- '-- Create Date: 2024-01-01 00:00:00.000000\n'
			if [ -n "${4:-}" ]; then
				printf -- '-- Branch Labels: %s\n' "$4"
			fi
			printf -- '\n-- +upgrade\nCREATE TABLE t_%s (id INTEGER PRIMARY KEY, v VARCHAR(10));\n' "$1"
			printf -- "INSERT INTO t_%s VALUES (1, 'x');\n\n" "$1"
			printf -- '-- +downgrade\nDROP TABLE t_%s;\n' "$1"
		} >"$file" || return 1
	done
}

# same_db: both databases hold the same alembic_version rows and tables.
same_db () {
	rt_versions sq/test.db >s.rows &&
	rt_pg_versions "$DB" >p.rows &&
	test_cmp s.rows p.rows &&
	rt_tables sq/test.db >s.tables &&
	rt_pg_tables "$DB" >p.tables &&
	test_cmp s.tables p.tables
}

# current -v names the URL, which differs (checked on its own below).
URL_LINE='s/^Current revision(s) for .*:$/Current revision(s) for URL:/'

# both ARGS...: run `retort ARGS` in sq/ and in pg/, then compare: exit
# code, stdout (with sq/ read as pg/, the URL aside), the Running lines, the FAILED line
# wherever it went, and the databases.
both () {
	(cd sq && retort "$@" >../s.out 2>../s.err; echo $? >../s.rc)
	(cd pg && retort "$@" >../p.out 2>../p.err; echo $? >../p.rc)
	test_cmp s.rc p.rc &&
	sed -e "s|$TRASH_DIRECTORY/sq/|$TRASH_DIRECTORY/pg/|g" -e "$URL_LINE" s.out >s.cmp &&
	sed -e "$URL_LINE" p.out >p.cmp &&
	test_cmp s.cmp p.cmp &&
	rt_log_lines s.err >s.log &&
	rt_log_lines p.err >p.log &&
	test_cmp s.log p.log &&
	{ grep "^FAILED" s.err || :; } >s.failed &&
	{ grep "^FAILED" p.err || :; } >p.failed &&
	test_cmp s.failed p.failed &&
	same_db
}

# ok: the last `both` succeeded (exit 0 in both).
ok () {
	echo 0 >expect.rc &&
	test_cmp expect.rc p.rc
}

test_expect_success 'setup: init in both directories, then point pg/ at PostgreSQL' '
	url=$(rt_pg_fresh_db cmds) &&
	mkdir sq pg &&
	(cd sq && retort init migrations >../s.out 2>../s.err) &&
	(cd pg && retort init migrations >../p.out 2>../p.err) &&
	sed -e "s|/sq/|/pg/|g" s.out >s.cmp &&
	test_cmp s.cmp p.out &&
	test_grep "^Creating directory .*/pg/migrations/versions \.\.\.  done$" p.out &&
	test_grep "^Please edit configuration/connection/logging settings in" p.out &&
	rt_ini_set_url sq/alembic.ini "sqlite:///test.db" &&
	rt_ini_set_url pg/alembic.ini "$url" &&
	test_grep "^sqlalchemy.url = postgresql://" pg/alembic.ini &&
	rev aaaa00000001 "" "base rev" &&
	rev bbbb00000002 aaaa00000001 b1 &&
	rev cccc00000003 aaaa00000001 c1 side &&
	rev dddd00000004 bbbb00000002 "d after b"
'

test_expect_success 'read-only commands on an empty database: same output, nothing created' '
	for cmd in current "current -v" heads "heads -v" history "history -v" \
		"history --indicate-current" "history -r aaaa:dddd" branches \
		"branches -v" "show aaaa" "show side@head" "show heads" "show base"
	do
		both $cmd || return 1
	done &&
	test_must_be_empty p.rows &&
	rt_pg_tables "$DB" >actual &&
	test_must_be_empty actual
'

test_expect_success 'current -v names the PostgreSQL URL' '
	(cd pg && retort current -v >../out 2>../err) &&
	echo "Current revision(s) for $(rt_pg_url "$DB"):" >expect &&
	test_cmp expect out
'

test_expect_success 'revision writes the same script (it does not touch the database)' '
	(cd sq && retort revision -m "e on side" --head side@head --rev-id eeee00000005 >../s.out 2>../s.err) &&
	(cd pg && retort revision -m "e on side" --head side@head --rev-id eeee00000005 >../p.out 2>../p.err) &&
	sed -e "s|/sq/|/pg/|g" s.out >s.cmp &&
	test_cmp s.cmp p.out &&
	echo "Generating $TRASH_DIRECTORY/pg/migrations/versions/eeee00000005_e_on_side.sql ...  done" >expect &&
	test_cmp expect p.out &&
	sed -e "/^-- Create Date/d" sq/migrations/versions/eeee00000005_e_on_side.sql >s.script &&
	sed -e "/^-- Create Date/d" pg/migrations/versions/eeee00000005_e_on_side.sql >p.script &&
	test_cmp s.script p.script &&
	# the same Create Date in both, for the comparisons to come
	cp sq/migrations/versions/eeee00000005_e_on_side.sql pg/migrations/versions/ &&
	rt_pg_tables "$DB" >actual &&
	test_must_be_empty actual
'

test_expect_success 'upgrade head with two heads fails the same way, nothing is created' '
	both upgrade head &&
	echo 255 >expect &&
	test_cmp expect p.rc &&
	test_grep "Multiple head revisions are present" p.out &&
	test_must_be_empty p.rows
'

test_expect_success 'upgrade relative +1, again at the branch point; upgrade REV, downgrade -1' '
	both upgrade +1 && ok &&
	echo aaaa00000001 >expect &&
	test_cmp expect p.rows &&
	both upgrade +1 &&
	echo "FAILED: Ambiguous walk" >expect &&
	test_cmp expect p.out &&
	both upgrade bbbb && ok &&
	both downgrade -1 && ok &&
	echo aaaa00000001 >expect &&
	test_cmp expect p.rows &&
	both upgrade bbbb && ok &&
	both current && ok &&
	echo bbbb00000002 >expect &&
	test_cmp expect p.out
'

test_expect_success 'upgrade a label: LABEL@head' '
	both upgrade side@head && ok &&
	printf "bbbb00000002\neeee00000005\n" >expect &&
	test_cmp expect p.rows &&
	test_line_count = 2 p.log
'

test_expect_success 'upgrade heads, then current, heads, branches' '
	both upgrade heads && ok &&
	printf "dddd00000004\neeee00000005\n" >expect &&
	test_cmp expect p.rows &&
	both heads && ok &&
	both heads -v && ok &&
	both branches && ok &&
	test_grep "^aaaa00000001 (branchpoint)" p.out &&
	both branches -v && ok
'

test_expect_success 'current and current -v with two heads' '
	both current && ok &&
	test_line_count = 2 p.out &&
	both current -v && ok &&
	test_grep "^Rev: dddd00000004 (head)" p.out &&
	test_grep "^Rev: eeee00000005 (head)" p.out
'

test_expect_success 'history -v, -r, --indicate-current, show' '
	for cmd in history "history -v" "history -r bbbb:dddd" \
		"history -r side@base:side@head -v" "history -r current:" \
		"history -r base:current -v" "show eeee" "show heads" \
		"show side@head"
	do
		both $cmd && ok || return 1
	done &&
	both history --indicate-current && ok &&
	test_grep "^cccc00000003 -> eeee00000005 (side) (head) (current), e on side$" p.out
'

test_expect_success 'downgrade -1 from one head, relative LABEL@-1' '
	both downgrade side@-1 && ok &&
	printf "cccc00000003\ndddd00000004\n" >expect &&
	test_cmp expect p.rows &&
	both upgrade side@+1 && ok &&
	both downgrade eeee-1 && ok &&
	printf "cccc00000003\ndddd00000004\n" >expect &&
	test_cmp expect p.rows
'

test_expect_success 'merge heads writes the same merge revision' '
	(cd sq && retort merge heads -m "join" --rev-id ffff00000006 >../s.out 2>../s.err) &&
	(cd pg && retort merge heads -m "join" --rev-id ffff00000006 >../p.out 2>../p.err) &&
	sed -e "s|/sq/|/pg/|g" s.out >s.cmp &&
	test_cmp s.cmp p.out &&
	sed -e "/^-- Create Date/d" sq/migrations/versions/ffff00000006_join.sql >s.script &&
	sed -e "/^-- Create Date/d" pg/migrations/versions/ffff00000006_join.sql >p.script &&
	test_cmp s.script p.script &&
	cp sq/migrations/versions/ffff00000006_join.sql pg/migrations/versions/ &&
	both heads && ok &&
	echo "ffff00000006 (side) (head)" >expect &&
	test_cmp expect p.out
'

test_expect_success 'upgrade head through the merge point from two rows' '
	both upgrade head && ok &&
	echo ffff00000006 >expect &&
	test_cmp expect p.rows &&
	both current && ok &&
	both history --indicate-current && ok
'

test_expect_success 'downgrade from a merge point: -1 is ambiguous, a parent unmerges' '
	both downgrade -1 &&
	echo "FAILED: Ambiguous walk" >expect &&
	test_cmp expect p.out &&
	both downgrade eeee && ok &&
	printf "dddd00000004\neeee00000005\n" >expect &&
	test_cmp expect p.rows &&
	both current && ok &&
	both downgrade base && ok &&
	both upgrade bbbb+1 && ok &&
	echo dddd00000004 >expect &&
	test_cmp expect p.rows &&
	both upgrade side@head && ok &&
	echo ffff00000006 >expect &&
	test_cmp expect p.rows &&
	both downgrade cccc && ok &&
	printf "cccc00000003\ndddd00000004\n" >expect &&
	test_cmp expect p.rows &&
	both current && ok
'

test_expect_success 'stamp: multiple heads, --purge, base' '
	both stamp --purge dddd eeee && ok &&
	printf "dddd00000004\neeee00000005\n" >expect &&
	test_cmp expect p.rows &&
	both stamp head && ok &&
	echo ffff00000006 >expect &&
	test_cmp expect p.rows &&
	both stamp --purge bbbb && ok &&
	echo bbbb00000002 >expect &&
	test_cmp expect p.rows &&
	both stamp bbbb cccc && ok &&
	printf "bbbb00000002\ncccc00000003\n" >expect &&
	test_cmp expect p.rows &&
	both stamp heads && ok &&
	echo ffff00000006 >expect &&
	test_cmp expect p.rows &&
	both stamp nosuch &&
	rt_cant_locate nosuch >expect &&
	test_cmp expect p.out &&
	both stamp base && ok &&
	test_must_be_empty p.rows
'

test_expect_success 'errors: the same FAILED lines' '
	for cmd in "upgrade nosuch" "downgrade +1" "upgrade -1" \
		"show nosuch" "history -r ffff:aaaa" "upgrade nosuch@head"
	do
		both $cmd || return 1
	done
'

test_expect_success 'upgrade heads then downgrade base from the merge' '
	# the tables of aaaa to dddd are still there: say so
	both stamp --purge cccc dddd && ok &&
	both upgrade heads && ok &&
	both downgrade base && ok &&
	test_must_be_empty p.rows &&
	echo alembic_version >expect &&
	test_cmp expect p.tables
'

test_expect_success 'the run logs PostgresqlImpl and transactional DDL' '
	(cd pg && retort upgrade aaaa >../out 2>../err) &&
	test_must_be_empty out &&
	grep -v "Running upgrade" err >actual &&
	cat >expect <<-\EOF &&
	INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.
	INFO  [alembic.runtime.migration] Will assume transactional DDL.
	EOF
	test_cmp expect actual
'

# The three ways of naming the database, first found wins: -x url, then
# DATABASE_URL, then sqlalchemy.url.
test_expect_success 'DATABASE_URL wins over sqlalchemy.url' '
	other=$(rt_pg_fresh_db other) &&
	(cd pg && DATABASE_URL=$other retort upgrade bbbb 2>../err) &&
	echo bbbb00000002 >expect &&
	rt_pg_versions "$(rt_pg_dbname other)" >actual &&
	test_cmp expect actual &&
	echo aaaa00000001 >expect &&
	rt_pg_versions "$DB" >actual &&
	test_cmp expect actual
'

test_expect_success '-x url= wins over DATABASE_URL and sqlalchemy.url' '
	third=$(rt_pg_fresh_db third) &&
	other=$(rt_pg_url "$(rt_pg_dbname other)") &&
	(cd pg && DATABASE_URL=$other retort -x "url=$third" upgrade dddd 2>../err) &&
	echo dddd00000004 >expect &&
	rt_pg_versions "$(rt_pg_dbname third)" >actual &&
	test_cmp expect actual &&
	echo bbbb00000002 >expect &&
	rt_pg_versions "$(rt_pg_dbname other)" >actual &&
	test_cmp expect actual &&
	(cd pg && DATABASE_URL=$other retort -x "url=$third" current >../out 2>../err) &&
	echo dddd00000004 >expect &&
	test_cmp expect out &&
	(cd pg && DATABASE_URL=$other retort current >../out 2>../err) &&
	echo bbbb00000002 >expect &&
	test_cmp expect out
'

test_expect_success 'a SQLite project pointed at PostgreSQL with -x url' '
	(cd sq && retort -x "url=$(rt_pg_url "$DB")" current >../out 2>../err) &&
	echo "aaaa00000001 (branchpoint)" >expect &&
	test_cmp expect out
'

test_expect_success 'cleanup: drop the databases' '
	rt_pg_drop_all
'

test_done
