#!/bin/bash
test_description='version_table, version_table_schema and search_path on PostgreSQL

version_table names the table (Alembic DDL: VARCHAR(32) NOT NULL, primary
key constraint <table>_pkc); version_table_schema puts it in that schema
(which must exist, as with Alembic) and the migration lock is keyed on
schema and table, so two version tables in one database migrate
independently.  search_path (retort only, PostgreSQL only) sets the
session search_path: unqualified names in the scripts, and the version
table without version_table_schema, land in its first schema.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-pg.sh"
rt_pg_require

DB=$(rt_pg_dbname vt)

# project DIR [INI-LINE...]: the lin project on DB, with extra ini lines.
project () {
	local dir=$1 line

	shift
	mkdir "$dir" &&
	rt_make_lin_project "$dir" &&
	rt_ini_set_url "$dir/alembic.ini" "$(rt_pg_url "$DB")" &&
	for line in "$@"; do
		rt_ini_add "$dir/alembic.ini" "$line" || return 1
	done
}

# vt_ddl SCHEMA TABLE: the version table as the catalogue describes it.
vt_ddl () {
	rt_pg_sql "$DB" "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
		FROM pg_attribute a WHERE a.attrelid = ${SQ}\"$1\".\"$2\"${SQ}::regclass AND a.attnum > 0
		ORDER BY a.attnum" &&
	rt_pg_sql "$DB" "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = ${SQ}\"$1\".\"$2\"${SQ}::regclass"
}

test_expect_success 'setup' '
	rt_pg_fresh_db vt >/dev/null &&
	rt_pg_sql "$DB" "CREATE SCHEMA audit; CREATE SCHEMA app; CREATE SCHEMA \"Mixed Case\""
'

test_expect_success 'the default version table has Alembic'"'"'s DDL' '
	project plain &&
	(cd plain && retort upgrade 1111 2>../err) &&
	vt_ddl public alembic_version >actual &&
	cat >expect <<-\EOF &&
	version_num|character varying(32)|t
	alembic_version_pkc|p|PRIMARY KEY (version_num)
	EOF
	test_cmp expect actual &&
	(cd plain && retort downgrade base 2>../err) &&
	rt_pg_sql "$DB" "DROP TABLE alembic_version"
'

test_expect_success 'version_table: read-only commands create nothing' '
	project named "version_table = my_versions" &&
	(
		cd named &&
		retort current >../out 2>../err &&
		retort history --indicate-current >>../out 2>>../err &&
		retort heads >>../out 2>>../err &&
		retort show head >>../out 2>>../err
	) &&
	rt_pg_tables "$DB" >actual &&
	test_must_be_empty actual
'

test_expect_success 'version_table: the rows go to that table' '
	(cd named && retort upgrade head 2>../err) &&
	printf "account\nmy_versions\n" >expect &&
	rt_pg_tables "$DB" >actual &&
	test_cmp expect actual &&
	echo 3333cccc0003 >expect &&
	rt_pg_versions "$DB" my_versions >actual &&
	test_cmp expect actual &&
	(cd named && retort current >../out 2>../err) &&
	echo "3333cccc0003 (head)" >expect &&
	test_cmp expect out &&
	vt_ddl public my_versions >actual &&
	cat >expect <<-\EOF &&
	version_num|character varying(32)|t
	my_versions_pkc|p|PRIMARY KEY (version_num)
	EOF
	test_cmp expect actual &&
	(cd named && retort downgrade base 2>../err) &&
	echo my_versions >expect &&
	rt_pg_tables "$DB" >actual &&
	test_cmp expect actual &&
	rt_pg_sql "$DB" "DROP TABLE my_versions"
'

test_expect_success 'version_table_schema: the table is created in that schema' '
	project inaudit "version_table_schema = audit" &&
	(cd inaudit && retort current >../out 2>../err) &&
	test_must_be_empty out &&
	rt_pg_tables "$DB" audit >actual &&
	test_must_be_empty actual &&
	(cd inaudit && retort upgrade 2222 >../out 2>../err) &&
	echo alembic_version >expect &&
	rt_pg_tables "$DB" audit >actual &&
	test_cmp expect actual &&
	echo account >expect &&
	rt_pg_tables "$DB" public >actual &&
	test_cmp expect actual &&
	echo 2222bbbb0002 >expect &&
	rt_pg_versions "$DB" alembic_version audit >actual &&
	test_cmp expect actual &&
	(cd inaudit && retort current >../out 2>../err) &&
	test_cmp expect out &&
	vt_ddl audit alembic_version >actual &&
	cat >expect <<-\EOF &&
	version_num|character varying(32)|t
	alembic_version_pkc|p|PRIMARY KEY (version_num)
	EOF
	test_cmp expect actual
'

test_expect_success 'version_table_schema: a project on public does not see it' '
	(cd plain && retort current >../out 2>../err) &&
	test_must_be_empty out &&
	(cd inaudit && retort upgrade head 2>../err && retort current >../out) &&
	echo "3333cccc0003 (head)" >expect &&
	test_cmp expect out
'

test_expect_success 'version_table_schema with version_table' '
	project both "version_table = v2" "version_table_schema = Mixed Case" &&
	sed -i -e "s/account/account2/g" -e "s/ix_account_email/ix_account2_email/" \
		both/migrations/versions/*.sql &&
	(cd both && retort upgrade head 2>../err) &&
	echo v2 >expect &&
	rt_pg_tables "$DB" "Mixed Case" >actual &&
	test_cmp expect actual &&
	echo 3333cccc0003 >expect &&
	rt_pg_versions "$DB" v2 "Mixed Case" >actual &&
	test_cmp expect actual &&
	(cd both && retort downgrade base 2>../err && retort current >../out) &&
	test_must_be_empty out
'

test_expect_success 'version_table_schema that does not exist: a clear error, nothing created' '
	project noschema "version_table_schema = nosuch" &&
	sed -i -e "s/account/account3/g" -e "s/ix_account_email/ix_account3_email/" \
		noschema/migrations/versions/*.sql &&
	rt_pg_schema "$DB" >before &&
	(cd noschema && test_must_fail retort upgrade head >../out 2>../err) &&
	rt_failed out err "nosuch" &&
	test_grep -F "does not exist" failed &&
	rt_pg_schema "$DB" >after &&
	test_cmp before after
'

# --- the lock follows the version table -------------------------------------

# slow_project DIR INI-LINE...: one revision that sleeps (3 s), on DB.
slow_project () {
	local dir=$1 line

	shift
	mkdir "$dir" &&
	rt_make_project "$dir" "$(rt_pg_url "$DB")" &&
	for line in "$@"; do
		rt_ini_add "$dir/alembic.ini" "$line" || return 1
	done &&
	(
		cd "$dir" &&
		rt_write_rev aaaa00000001 "" "sleep" "SELECT pg_sleep($RT_PG_HOLD);" ""
	)
}

test_expect_success 'the lock is keyed on version_table_schema' '
	slow_project slowaudit "version_table_schema = audit" "version_table = slow_versions" &&
	slow_project slowpublic "version_table = slow_versions" &&
	slow_project slowaudit2 "version_table_schema = audit" "version_table = slow_versions" &&
	(cd slowaudit && retort upgrade head >../holder.out 2>../holder.err) &
	holder=$! &&
	rt_pg_holding "$DB" &&
	(cd slowpublic && retort --lock-timeout 1 stamp head >../out 2>../err) &&
	test_grep -v "Waiting for the migration lock" err &&
	kill -0 $holder &&
	(cd slowaudit2 && test_expect_code 255 retort --lock-timeout 0.5 upgrade head >../out 2>../err) &&
	rt_failed out err &&
	test_grep -F "migration lock on audit.slow_versions" failed &&
	test_grep "^INFO  \[retort\.lock\] Waiting for the migration lock on audit\.slow_versions, held by" err &&
	wait $holder &&
	echo aaaa00000001 >expect &&
	rt_pg_versions "$DB" slow_versions audit >actual &&
	test_cmp expect actual &&
	rt_pg_versions "$DB" slow_versions public >actual &&
	test_cmp expect actual
'

# --- search_path --------------------------------------------------------------

test_expect_success 'search_path: scripts and the version table land in its first schema' '
	project sp "search_path = app, public" &&
	(cd sp && retort upgrade head >../out 2>../err) &&
	printf "account\nalembic_version\n" >expect &&
	rt_pg_tables "$DB" app >actual &&
	test_cmp expect actual &&
	echo 3333cccc0003 >expect &&
	rt_pg_versions "$DB" alembic_version app >actual &&
	test_cmp expect actual &&
	(cd sp && retort current >../out 2>../err) &&
	echo "3333cccc0003 (head)" >expect &&
	test_cmp expect out &&
	rt_pg_sql "$DB" "SELECT indexname FROM pg_indexes WHERE schemaname = ${SQ}app${SQ} AND indexname = ${SQ}ix_account_email${SQ}" >actual &&
	echo ix_account_email >expect &&
	test_cmp expect actual
'

test_expect_success 'search_path: the lock is keyed on the schema the table is in' '
	(
		cd sp &&
		rt_write_rev 4444dddd0004 3333cccc0003 "sleep" "SELECT pg_sleep($RT_PG_HOLD);" "" &&
		retort upgrade head >../holder.out 2>../holder.err
	) &
	holder=$! &&
	rt_pg_holding "$DB" &&
	(cd sp && test_expect_code 255 retort --lock-timeout 0.5 upgrade head >../out 2>../err) &&
	rt_failed out err &&
	test_grep -F "migration lock on app.alembic_version" failed &&
	wait $holder &&
	echo 4444dddd0004 >expect &&
	rt_pg_versions "$DB" alembic_version app >actual &&
	test_cmp expect actual
'

test_expect_success 'search_path with version_table_schema: each goes its own way' '
	project spv "search_path = \"Mixed Case\"" "version_table_schema = audit" "version_table = spv_versions" &&
	(cd spv && retort upgrade head >../out 2>../err) &&
	echo spv_versions >expect &&
	rt_pg_tables "$DB" audit >actual &&
	grep spv_versions actual >actual.spv &&
	test_cmp expect actual.spv &&
	rt_pg_tables "$DB" "Mixed Case" >actual &&
	test_grep "^account$" actual &&
	(cd spv && retort downgrade base 2>../err) &&
	rt_pg_tables "$DB" "Mixed Case" >actual &&
	test_grep -v "^account$" actual
'

test_expect_success 'read-only commands with search_path create nothing' '
	rt_pg_sql "$DB" "CREATE SCHEMA empty_one" &&
	project spro "search_path = empty_one" &&
	(
		cd spro &&
		retort current >../out 2>../err &&
		retort current -v >>../out 2>>../err &&
		retort history -i >>../out 2>>../err
	) &&
	rt_pg_tables "$DB" empty_one >actual &&
	test_must_be_empty actual
'

test_expect_success 'a bad search_path: a FAILED line naming the key' '
	project spbad "search_path = \"unterminated" &&
	(cd spbad && test_expect_code 255 retort upgrade head >../out 2>../err) &&
	rt_failed out err "search_path" &&
	test_grep -F "ini file" failed &&
	(cd spbad && test_expect_code 255 retort current >../out 2>../err) &&
	rt_failed out err "search_path"
'

test_expect_success 'search_path on SQLite is refused' '
	mkdir sq &&
	rt_make_lin_project sq &&
	rt_ini_add sq/alembic.ini "search_path = app" &&
	(cd sq && test_expect_code 255 retort upgrade head >../out 2>../err) &&
	rt_failed out err "search_path" &&
	test_grep -F "sqlite" failed &&
	test_path_is_missing sq/test.db
'

test_expect_success 'cleanup: drop the databases' '
	rt_pg_drop_all
'

test_done
