#!/bin/bash
test_description='interop with the real Alembic on one PostgreSQL database

As t8000 on SQLite: an Alembic project (.py scripts, psycopg2) and a
retort project (.sql scripts) with the same revisions share one database.
Alembic upgrades part way, retort continues to the head, Alembic reads
that and takes it back down, and the reverse; on a branched graph with a
merge too; with version_table and version_table_schema set on both sides;
and through a password URL, whose current -v line both print alike.
Needs Alembic and psycopg2 for $RT_ALEMBIC_PYTHON (Debian: python3-alembic,
python3-psycopg2) and a server (t/with-postgres.sh).'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-pg.sh"
rt_pg_require

if ! "$RT_ALEMBIC_PYTHON" -c 'import alembic, psycopg2' 2>/dev/null; then
	test_skip_all "Alembic with psycopg2 is not installed for $RT_ALEMBIC_PYTHON" \
		"(Debian packages python3-alembic and python3-psycopg2)"
fi

DB=$(rt_pg_dbname shared)

# write_py DIR ID PARENTS MSG UPSQL DOWNSQL: an Alembic script in
# DIR/migrations/versions.  PARENTS: "" (a base), "a" or "a, b" (a merge).
write_py () {
	local down_rev=None revises="Revises:"

	case "$3" in
	"") ;;
	*,*) down_rev="($(printf '%s' "$3" | sed -e "s/\([0-9a-f]*\)/'\1'/g"))"
		revises="Revises: $3" ;;
	*) down_rev="'$3'"; revises="Revises: $3" ;;
	esac
	cat >"$1/migrations/versions/${2}_$(rt_slug "$4").py" <<-EOF
	"""$4

	Revision ID: $2
	$revises
	Create Date: 2024-01-01 00:00:00.000000

	"""
	from alembic import op

	revision = '$2'
	down_revision = $down_rev
	branch_labels = None
	depends_on = None


	def upgrade() -> None:
	    op.execute("""$5""")


	def downgrade() -> None:
	    op.execute("""$6""")
	EOF
}

# alembic_init DIR URL: `alembic init` in DIR, on URL; its env.py also
# passes the ini keys version_table and version_table_schema on (the
# generic env.py ignores them; retort reads them from the ini file).
alembic_init () {
	mkdir "$1" &&
	(
		cd "$1" &&
		alembic init migrations >/dev/null &&
		sed -e "s|^sqlalchemy.url = .*|sqlalchemy.url = ${2//%/%%}|" alembic.ini >tmp.ini &&
		mv tmp.ini alembic.ini &&
		sed -e "s|context.configure(|context.configure(version_table=config.get_main_option(\"version_table\", \"alembic_version\"), version_table_schema=config.get_main_option(\"version_table_schema\"), |" \
			migrations/env.py >tmp.py &&
		mv tmp.py migrations/env.py &&
		test "$(grep -c "version_table_schema=config" migrations/env.py)" = 2
	)
}

# lin_pair URL: ap/ (Alembic) and rp/ (retort) with the lin revisions.
lin_pair () {
	alembic_init ap "$1" &&
	write_py ap $REV1 "" "$MSG1" "${SQL1_UP%;}" "${SQL1_DOWN%;}" &&
	write_py ap $REV2 $REV1 "$MSG2" "${SQL2_UP%;}" "${SQL2_DOWN%;}" &&
	write_py ap $REV3 $REV2 "$MSG3" "${SQL3_UP%;}" "${SQL3_DOWN%;}" &&
	mkdir rp &&
	rt_make_lin_project rp &&
	rt_ini_set_url rp/alembic.ini "$1"
}

# to_retort FILE: Alembic output made comparable with retort's.
to_retort () {
	sed -e "s|/ap/|/rp/|g" -e "s|/ab/|/rb/|g" -e "s|\.py\$|.sql|" "$1"
}

# run_both DIR-A DIR-R ARGS...: Alembic in DIR-A, retort in DIR-R; their
# stdout in a.cmp (paths as retort's) and r.out, exit codes in a.rc, r.rc.
run_both () {
	local a=$1 r=$2

	shift 2
	(cd "$a" && alembic "$@" >../a.out 2>../a.err; echo $? >../a.rc)
	(cd "$r" && retort "$@" >../r.out 2>../r.err; echo $? >../r.rc)
	to_retort a.out >a.cmp
}

# both DIR-A DIR-R ARGS...: the same stdout and exit code.
both () {
	run_both "$@" &&
	test_cmp a.cmp r.out &&
	test_cmp a.rc r.rc
}

# both_sorted DIR-A DIR-R ARGS...: the same, line order aside (Alembic
# prints several current heads in Python set order, which varies).
both_sorted () {
	run_both "$@" &&
	sort a.cmp >a.sorted &&
	sort r.out >r.sorted &&
	test_cmp a.sorted r.sorted &&
	test_cmp a.rc r.rc
}

# at ROW...: the version table of DB holds exactly these rows.
at () {
	printf '%s\n' "$@" | sed -e '/^$/d' | sort >expect.rows &&
	rt_pg_versions "$DB" >actual.rows &&
	test_cmp expect.rows actual.rows
}

# vt_ddl SCHEMA TABLE: the version table as the catalogue describes it.
vt_ddl () {
	rt_pg_sql "$DB" "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
		FROM pg_attribute a WHERE a.attrelid = ${SQ}\"$1\".\"$2\"${SQ}::regclass AND a.attnum > 0
		ORDER BY a.attnum" &&
	rt_pg_sql "$DB" "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = ${SQ}\"$1\".\"$2\"${SQ}::regclass"
}

test_expect_success 'setup: the same three revisions in both projects, one database' '
	rt_pg_fresh_db shared >/dev/null &&
	lin_pair "$(rt_pg_url "$DB")" &&
	(cd ap && alembic heads >../a.heads) &&
	echo "3333cccc0003 (head)" >expect &&
	test_cmp expect a.heads
'

test_expect_success 'upgrading from empty: the same log lines, the same version table' '
	(cd ap && alembic upgrade head >../a.out 2>../a.err) &&
	vt_ddl public alembic_version >alembic.ddl &&
	rt_pg_schema "$DB" >alembic.schema &&
	(cd ap && alembic downgrade base 2>/dev/null) &&
	rt_pg_sql "$DB" "DROP TABLE alembic_version" &&
	(cd rp && retort upgrade head >../r.out 2>../r.err) &&
	vt_ddl public alembic_version >retort.ddl &&
	rt_pg_schema "$DB" >retort.schema &&
	test_cmp alembic.ddl retort.ddl &&
	test_cmp alembic.schema retort.schema &&
	test_cmp a.out r.out &&
	rt_log_lines a.err >a.log &&
	test_line_count = 3 a.log &&
	rt_log_lines r.err >r.log &&
	test_cmp a.log r.log &&
	(cd rp && retort downgrade base 2>/dev/null) &&
	rt_pg_sql "$DB" "DROP TABLE alembic_version"
'

test_expect_success 'Alembic upgrades part way, retort continues to head' '
	(cd ap && alembic upgrade 2222 2>../err) &&
	at 2222bbbb0002 &&
	(cd rp && retort current >../out 2>../err) &&
	echo 2222bbbb0002 >expect &&
	test_cmp expect out &&
	(cd rp && retort upgrade head >../out 2>../err) &&
	rt_log_lines err >actual &&
	rt_log_expect "Running upgrade 2222bbbb0002 -> 3333cccc0003, add index on email" >expect &&
	test_cmp expect actual &&
	at 3333cccc0003
'

test_expect_success 'Alembic reads what retort wrote and takes it back down' '
	(cd ap && alembic current >../out 2>../err) &&
	echo "3333cccc0003 (head)" >expect &&
	test_cmp expect out &&
	(cd ap && alembic downgrade 1111 2>../err) &&
	at 1111aaaa0001 &&
	printf "id\nname\n" >expect &&
	rt_pg_columns "$DB" account >actual &&
	test_cmp expect actual &&
	(cd ap && alembic downgrade base 2>../err) &&
	at &&
	echo alembic_version >expect &&
	rt_pg_tables "$DB" >actual &&
	test_cmp expect actual
'

test_expect_success 'current, current -v, history -i print the same' '
	(cd ap && alembic upgrade 2222 2>../err) &&
	both ap rp current &&
	both ap rp current -v &&
	test_grep "^Current revision(s) for postgresql://" r.out &&
	both ap rp history --indicate-current
'

test_expect_success 'retort downgrades what Alembic upgraded' '
	(cd ap && alembic upgrade head 2>../err) &&
	(cd rp && retort downgrade base >../out 2>../err) &&
	at &&
	echo alembic_version >expect &&
	rt_pg_tables "$DB" >actual &&
	test_cmp expect actual
'

test_expect_success 'stamp: each reads the rows the other wrote' '
	(cd rp && retort stamp 2222 2>../err) &&
	(cd ap && alembic current >../out 2>../err) &&
	echo 2222bbbb0002 >expect &&
	test_cmp expect out &&
	(cd ap && alembic stamp head 2>../err) &&
	(cd rp && retort current >../out 2>../err) &&
	echo "3333cccc0003 (head)" >expect &&
	test_cmp expect out &&
	(cd rp && retort stamp --purge base 2>../err) &&
	(cd ap && alembic current >../out 2>../err) &&
	test_must_be_empty out
'

# --- a branched graph with a merge ----------------------------------------------

# br_rev ID PARENTS MSG: the same revision in ab/ (.py) and rb/ (.sql),
# creating table t_ID.
br_rev () {
	write_py ab "$1" "$2" "$3" "CREATE TABLE t_$1 (id INTEGER)" "DROP TABLE t_$1" &&
	(cd rb && rt_write_rev "$1" "$2" "$3" "CREATE TABLE t_$1 (id INTEGER);" "DROP TABLE t_$1;")
}

test_expect_success 'setup: the br graph in both projects' '
	rt_pg_fresh_db shared >/dev/null &&
	alembic_init ab "$(rt_pg_url "$DB")" &&
	mkdir rb &&
	rt_make_project rb "$(rt_pg_url "$DB")" &&
	br_rev aaaa00000001 "" "base rev" &&
	br_rev bbbb00000002 aaaa00000001 b1 &&
	br_rev cccc00000003 aaaa00000001 c1 &&
	br_rev dddd00000004 bbbb00000002 "d after b" &&
	br_rev eeee00000005 "cccc00000003, dddd00000004" "merge d and c" &&
	br_rev ffff00000006 eeee00000005 "after merge" &&
	both ab rb heads &&
	echo "ffff00000006 (head)" >expect &&
	test_cmp expect r.out
'

test_expect_success 'Alembic upgrades one branch, retort the other and through the merge' '
	(cd ab && alembic upgrade dddd 2>../err) &&
	at dddd00000004 &&
	(cd rb && retort upgrade cccc 2>../err) &&
	at cccc00000003 dddd00000004 &&
	both_sorted ab rb current &&
	(cd rb && retort upgrade head 2>../err) &&
	rt_log_lines err >actual &&
	rt_log_expect "Running upgrade cccc00000003, dddd00000004 -> eeee00000005, merge d and c" \
		"Running upgrade eeee00000005 -> ffff00000006, after merge" >expect &&
	test_cmp expect actual &&
	at ffff00000006
'

test_expect_success 'Alembic unmerges what retort merged, retort goes on down' '
	(cd ab && alembic downgrade dddd 2>../err) &&
	at cccc00000003 dddd00000004 &&
	both_sorted ab rb current &&
	both ab rb heads &&
	(cd rb && retort downgrade bbbb 2>../err) &&
	at bbbb00000002 cccc00000003 &&
	(cd ab && alembic downgrade base 2>../err) &&
	at &&
	echo alembic_version >expect &&
	rt_pg_tables "$DB" >actual &&
	test_cmp expect actual
'

# trace DIR TOOL: run SEQ with TOOL in DIR from an empty database; after
# each command its exit code, the rows and the tables.
SEQ=("upgrade dddd" "upgrade cccc" "upgrade eeee" "downgrade dddd"
	"upgrade heads" "downgrade bbbb" "stamp heads" "stamp --purge cccc"
	"downgrade base")
trace () {
	local cmd rc

	rt_pg_fresh_db shared >/dev/null &&
	for cmd in "${SEQ[@]}"; do
		(cd "$1" && "$2" $cmd >/dev/null 2>&1; echo $? >../rc) &&
		echo "# $cmd: exit $(cat rc)" &&
		rt_pg_versions "$DB" &&
		rt_pg_tables "$DB" || return 1
	done
}

test_expect_success 'the same commands leave the same rows and tables' '
	trace ab alembic >a.trace &&
	trace rb retort >r.trace &&
	test_cmp a.trace r.trace &&
	test_grep -v "exit [^0]" r.trace
'

# --- version_table and version_table_schema -----------------------------

test_expect_success 'version_table and version_table_schema: Alembic and retort agree' '
	rt_pg_fresh_db shared >/dev/null &&
	rt_pg_sql "$DB" "CREATE SCHEMA audit" &&
	rm -rf ap rp &&
	lin_pair "$(rt_pg_url "$DB")" &&
	for d in ap rp; do
		rt_ini_add $d/alembic.ini "version_table = app_versions" &&
		rt_ini_add $d/alembic.ini "version_table_schema = audit" || return 1
	done &&
	(cd ap && alembic upgrade 1111 2>../err) &&
	echo app_versions >expect &&
	rt_pg_tables "$DB" audit >actual &&
	test_cmp expect actual &&
	vt_ddl audit app_versions >alembic.ddl &&
	(cd rp && retort upgrade head 2>../err) &&
	echo 3333cccc0003 >expect &&
	rt_pg_versions "$DB" app_versions audit >actual &&
	test_cmp expect actual &&
	both ap rp current &&
	(cd ap && alembic downgrade base 2>../err) &&
	rt_pg_sql "$DB" "DROP TABLE audit.app_versions" &&
	(cd rp && retort upgrade 1111 2>../err) &&
	vt_ddl audit app_versions >retort.ddl &&
	test_cmp alembic.ddl retort.ddl &&
	(cd ap && alembic upgrade head 2>../err && alembic current >../out) &&
	echo "3333cccc0003 (head)" >expect &&
	test_cmp expect out &&
	rt_pg_tables "$DB" >actual &&
	test_grep -v alembic_version actual
'

# --- a password URL --------------------------------------------------------------

test_expect_success PG_PW 'a password URL: both connect, both print the same current -v' '
	rt_pg_fresh_db shared >/dev/null &&
	rt_pg_sql postgres "ALTER DATABASE $DB OWNER TO $RETORT_TEST_PG_PW_USER" &&
	rm -rf ap rp &&
	lin_pair "$(rt_pg_pw_url "$DB")" &&
	(cd ap && alembic upgrade 2222 >../a.out 2>../a.err) &&
	(cd rp && retort upgrade head >../r.out 2>../r.err) &&
	at 3333cccc0003 &&
	both ap rp current -v &&
	head -n 1 r.out >actual &&
	echo "Current revision(s) for postgresql://$RETORT_TEST_PG_PW_USER:XXXXX@$RT_PG_HOST:$RT_PG_PORT/$DB:" >expect &&
	test_cmp expect actual &&
	rt_no_password r.out r.err a.out a.err
'

test_expect_success 'cleanup: drop the databases' '
	rt_pg_drop_all
'

test_done
