#!/bin/bash
test_description='transactions on PostgreSQL: a migration that fails half-way

As t3003 on SQLite: each revision and its alembic_version change commit
together, and PostgreSQL DDL is transactional, so a revision that fails at
its second statement leaves none of its changes (tables, columns, indexes)
and alembic_version names the last good revision; the error names the
file and line (exit 255).  With transaction_per_migration = false a
failure leaves nothing of the whole run.  A `-- Transactional: false`
script runs outside any transaction (CREATE INDEX CONCURRENTLY needs
that); when it fails, the error says the database may be partly changed.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-pg.sh"
rt_pg_require

# write_third_step FILE SECOND-STATEMENT: revision cccc00000003, whose
# second statement is at line 10 (the first, at line 9, creates t3; the
# third adds a column to t1 and an index).
write_third_step () {
	cat >"$1" <<-EOF
	-- create t3 then fail
	--
	-- Revision ID: cccc00000003
	-- Revises: bbbb00000002
	-- Create Date: 2024-01-01 00:00:00.000000

	-- +upgrade
	-- t3, then the statement under test
	CREATE TABLE t3 (id INTEGER);
	$2
	ALTER TABLE t1 ADD COLUMN extra INTEGER;
	CREATE INDEX ix_t1_extra ON t1 (extra);

	-- +downgrade
	DROP TABLE t3;
	ALTER TABLE t1 DROP COLUMN extra;
	EOF
}

# failing_project DIR URL [EXTRA-INI-LINE]: t1, t2, then third_step.sql
# (a file name without its id) failing at line 10.
failing_project () {
	mkdir "$1" &&
	rt_make_project "$1" "$2" &&
	if [ -n "${3:-}" ]; then
		rt_ini_add "$1/alembic.ini" "$3"
	fi &&
	(
		cd "$1" &&
		rt_write_rev aaaa00000001 "" "create t1" \
			"CREATE TABLE t1 (id INTEGER PRIMARY KEY);" "DROP TABLE t1;" &&
		rt_write_rev bbbb00000002 aaaa00000001 "create t2" \
			"$(printf "CREATE TABLE t2 (id INTEGER);\nINSERT INTO t2 VALUES (2);")" \
			"DROP TABLE t2;" &&
		write_third_step migrations/versions/third_step.sql \
			"INSERT INTO no_such_table VALUES (1);"
	)
}

test_expect_success 'setup' '
	url=$(rt_pg_fresh_db tx) &&
	DB=$(rt_pg_dbname tx) &&
	failing_project p "$url" &&
	sed -n 10p p/migrations/versions/third_step.sql >line10 &&
	echo "INSERT INTO no_such_table VALUES (1);" >expect &&
	test_cmp expect line10
'

test_expect_success 'upgrade head stops at the failing revision, exit 255' '
	(cd p && test_expect_code 255 retort upgrade head >../out 2>../err) &&
	rt_failed out err "third_step\.sql" 10
'

test_expect_success 'the error names the revision, the file, the line and the server message' '
	test_grep -F "cccc00000003" failed &&
	test_grep -F "third_step.sql:10" failed &&
	test_grep -F "relation \"no_such_table\" does not exist" failed &&
	test_grep -F "42P01" failed &&
	test_grep -F "rolled back" failed
'

test_expect_success 'the log shows the three revisions being run' '
	rt_log_lines err >actual &&
	rt_log_expect \
		"Running upgrade  -> aaaa00000001, create t1" \
		"Running upgrade aaaa00000001 -> bbbb00000002, create t2" \
		"Running upgrade bbbb00000002 -> cccc00000003, create t3 then fail" >expect &&
	test_cmp expect actual
'

test_expect_success 'revisions 1-2 are applied; none of revision 3 (DDL rolled back)' '
	echo bbbb00000002 >expect &&
	rt_pg_versions "$DB" >actual &&
	test_cmp expect actual &&
	printf "alembic_version\nt1\nt2\n" >expect &&
	rt_pg_tables "$DB" >actual &&
	test_cmp expect actual &&
	echo id >expect &&
	rt_pg_columns "$DB" t1 >actual &&
	test_cmp expect actual &&
	echo 2 >expect &&
	rt_pg_sql "$DB" "SELECT id FROM t2" >actual &&
	test_cmp expect actual &&
	rt_pg_schema "$DB" >schema.after-fail &&
	test_grep -v "t3\|extra" schema.after-fail
'

test_expect_success 'current names the last good revision' '
	(cd p && retort current >../out 2>../err) &&
	echo bbbb00000002 >expect &&
	test_cmp expect out
'

test_expect_success 'running it again fails the same way and changes nothing' '
	(cd p && test_expect_code 255 retort upgrade head >../out 2>../err) &&
	rt_failed out err "third_step\.sql" 10 &&
	rt_log_lines err >actual &&
	rt_log_expect "Running upgrade bbbb00000002 -> cccc00000003, create t3 then fail" >expect &&
	test_cmp expect actual &&
	rt_pg_schema "$DB" >after &&
	test_cmp schema.after-fail after
'

test_expect_success 'an error in the middle of a multi-line statement names its line' '
	write_third_step p/migrations/versions/third_step.sql \
		"$(printf "INSERT INTO t3\nSELECT id\nFROM no_such_table;")" &&
	(cd p && test_expect_code 255 retort upgrade head >../out 2>../err) &&
	rt_failed out err "third_step\.sql" 12 &&
	test_grep -F "relation \"no_such_table\" does not exist" failed &&
	rt_pg_schema "$DB" >after &&
	test_cmp schema.after-fail after
'

test_expect_success 'a failing third statement after DDL also leaves nothing' '
	write_third_step p/migrations/versions/third_step.sql \
		"ALTER TABLE t2 ADD COLUMN more INTEGER; CREATE INDEX ix_t2 ON t2 (more); SELECT 1/0;" &&
	(cd p && test_expect_code 255 retort upgrade head >../out 2>../err) &&
	rt_failed out err "third_step\.sql" 10 &&
	test_grep -F "division by zero" failed &&
	rt_pg_schema "$DB" >after &&
	test_cmp schema.after-fail after &&
	echo bbbb00000002 >expect &&
	rt_pg_versions "$DB" >actual &&
	test_cmp expect actual
'

test_expect_success 'once the script is fixed only revision 3 runs' '
	write_third_step p/migrations/versions/third_step.sql "INSERT INTO t3 VALUES (1);" &&
	(cd p && retort upgrade head >../out 2>../err) &&
	rt_log_lines err >actual &&
	rt_log_expect "Running upgrade bbbb00000002 -> cccc00000003, create t3 then fail" >expect &&
	test_cmp expect actual &&
	echo cccc00000003 >expect &&
	rt_pg_versions "$DB" >actual &&
	test_cmp expect actual &&
	printf "id\nextra\n" >expect &&
	rt_pg_columns "$DB" t1 >actual &&
	test_cmp expect actual
'

test_expect_success 'a downgrade that fails half-way is rolled back' '
	cat >>p/migrations/versions/bbbb00000002_create_t2.sql <<-\EOF &&
	DELETE FROM no_such_table;
	EOF
	rt_pg_schema "$DB" >before &&
	(cd p && test_expect_code 255 retort downgrade base >../out 2>../err) &&
	rt_failed out err "bbbb00000002_create_t2\.sql" 13 &&
	test_grep -F "relation \"no_such_table\" does not exist" failed &&
	echo bbbb00000002 >expect &&
	rt_pg_versions "$DB" >actual &&
	test_cmp expect actual &&
	printf "alembic_version\nt1\nt2\n" >expect &&
	rt_pg_tables "$DB" >actual &&
	test_cmp expect actual
'

test_expect_success 'a failing first revision leaves nothing, not even alembic_version' '
	url=$(rt_pg_fresh_db first) &&
	mkdir first &&
	rt_make_project first "$url" &&
	(
		cd first &&
		rt_write_rev aaaa00000001 "" "create t1 then fail" \
			"$(printf "CREATE TABLE t1 (id INTEGER);\nCREATE TABL oops (id INTEGER);")" &&
		test_expect_code 255 retort upgrade head >../out 2>../err
	) &&
	rt_failed out err "aaaa00000001_create_t1_then_fail\.sql" 9 &&
	test_grep -F "syntax error" failed &&
	rt_pg_tables "$(rt_pg_dbname first)" >actual &&
	test_must_be_empty actual
'

test_expect_success 'transaction_per_migration = false: a failure in revision 3 leaves nothing' '
	url=$(rt_pg_fresh_db whole) &&
	WDB=$(rt_pg_dbname whole) &&
	failing_project whole "$url" "transaction_per_migration = false" &&
	test_grep "^transaction_per_migration = false$" whole/alembic.ini &&
	(cd whole && test_expect_code 255 retort upgrade head >../out 2>../err) &&
	rt_failed out err "third_step\.sql" 10 &&
	test_grep -F "relation \"no_such_table\" does not exist" failed &&
	test_grep -F "transaction_per_migration = false" failed &&
	rt_log_lines err >actual &&
	test_line_count = 3 actual &&
	rt_pg_tables "$WDB" >actual &&
	test_must_be_empty actual &&
	rt_pg_schema "$WDB" >actual &&
	echo "schema public" >expect &&
	test_cmp expect actual
'

test_expect_success 'transaction_per_migration = false: from the middle' '
	(cd whole && retort upgrade aaaa 2>../err) &&
	(cd whole && test_expect_code 255 retort upgrade head >../out 2>../err) &&
	echo aaaa00000001 >expect &&
	rt_pg_versions "$WDB" >actual &&
	test_cmp expect actual &&
	printf "alembic_version\nt1\n" >expect &&
	rt_pg_tables "$WDB" >actual &&
	test_cmp expect actual
'

test_expect_success 'transaction_per_migration = false: a good run applies all, downgrade base' '
	write_third_step whole/migrations/versions/third_step.sql "INSERT INTO t3 VALUES (1);" &&
	(cd whole && retort upgrade head 2>../err) &&
	echo cccc00000003 >expect &&
	rt_pg_versions "$WDB" >actual &&
	test_cmp expect actual &&
	printf "alembic_version\nt1\nt2\nt3\n" >expect &&
	rt_pg_tables "$WDB" >actual &&
	test_cmp expect actual &&
	(cd whole && retort downgrade base 2>../err) &&
	echo alembic_version >expect &&
	rt_pg_tables "$WDB" >actual &&
	test_cmp expect actual
'

# --- Transactional: false ------------------------------------------------

# cic_project DIR URL [EXTRA-INI-LINE]: a table with rows, then a
# non-transactional revision building an index concurrently, then one more.
cic_project () {
	mkdir "$1" &&
	rt_make_project "$1" "$2" &&
	if [ -n "${3:-}" ]; then
		rt_ini_add "$1/alembic.ini" "$3"
	fi &&
	(
		cd "$1" &&
		rt_write_rev aaaa00000001 "" "create big" \
			"$(printf "CREATE TABLE big (id INTEGER PRIMARY KEY, v INTEGER);\nINSERT INTO big SELECT g, g %% 97 FROM generate_series(1, 2000) g;")" \
			"DROP TABLE big;" &&
		cat >migrations/versions/bbbb00000002_index_big_concurrently.sql <<-\EOF &&
		-- index big concurrently
		--
		-- Revision ID: bbbb00000002
		-- Revises: aaaa00000001
		-- Create Date: 2024-01-01 00:00:00.000000
		-- Transactional: false

		-- +upgrade
		CREATE INDEX CONCURRENTLY ix_big_v ON big (v);

		-- +downgrade
		DROP INDEX CONCURRENTLY ix_big_v;
		EOF
		rt_write_rev cccc00000003 bbbb00000002 "after the index" \
			"CREATE TABLE after_ix (id INTEGER);" "DROP TABLE after_ix;"
	)
}

test_expect_success 'CREATE INDEX CONCURRENTLY in a transactional script fails' '
	url=$(rt_pg_fresh_db cictx) &&
	cic_project cictx "$url" &&
	sed -i -e "/^-- Transactional: false$/d" \
		cictx/migrations/versions/bbbb00000002_index_big_concurrently.sql &&
	(cd cictx && test_expect_code 255 retort upgrade head >../out 2>../err) &&
	# line 8: the header lost its Transactional line
	rt_failed out err "bbbb00000002_index_big_concurrently\.sql" 8 &&
	test_grep -F "cannot run inside a transaction block" failed &&
	echo aaaa00000001 >expect &&
	rt_pg_versions "$(rt_pg_dbname cictx)" >actual &&
	test_cmp expect actual
'

test_expect_success 'a Transactional: false script runs CREATE INDEX CONCURRENTLY' '
	url=$(rt_pg_fresh_db cic) &&
	CDB=$(rt_pg_dbname cic) &&
	cic_project cic "$url" &&
	(cd cic && retort upgrade head >../out 2>../err) &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	rt_log_expect \
		"Running upgrade  -> aaaa00000001, create big" \
		"Running upgrade aaaa00000001 -> bbbb00000002, index big concurrently" \
		"Running upgrade bbbb00000002 -> cccc00000003, after the index" >expect &&
	test_cmp expect actual &&
	echo cccc00000003 >expect &&
	rt_pg_versions "$CDB" >actual &&
	test_cmp expect actual &&
	echo "t" >expect &&
	rt_pg_sql "$CDB" "SELECT indisvalid FROM pg_index WHERE indexrelid = ${SQ}ix_big_v${SQ}::regclass" >actual &&
	test_cmp expect actual
'

test_expect_success 'and DROP INDEX CONCURRENTLY on the way down' '
	(cd cic && retort downgrade aaaa >../out 2>../err) &&
	echo aaaa00000001 >expect &&
	rt_pg_versions "$CDB" >actual &&
	test_cmp expect actual &&
	rt_pg_schema "$CDB" >actual &&
	test_grep -v ix_big_v actual
'

test_expect_success 'with transaction_per_migration = false too' '
	url=$(rt_pg_fresh_db cicwhole) &&
	cic_project cicwhole "$url" "transaction_per_migration = false" &&
	(cd cicwhole && retort upgrade head >../out 2>../err) &&
	echo cccc00000003 >expect &&
	rt_pg_versions "$(rt_pg_dbname cicwhole)" >actual &&
	test_cmp expect actual &&
	rt_pg_schema "$(rt_pg_dbname cicwhole)" >actual &&
	test_grep "index public.ix_big_v" actual
'

test_expect_success 'a failing non-transactional script: the database may be partly changed' '
	url=$(rt_pg_fresh_db cicfail) &&
	FDB=$(rt_pg_dbname cicfail) &&
	cic_project cicfail "$url" &&
	cat >cicfail/migrations/versions/bbbb00000002_index_big_concurrently.sql <<-\EOF &&
	-- index big concurrently
	--
	-- Revision ID: bbbb00000002
	-- Revises: aaaa00000001
	-- Create Date: 2024-01-01 00:00:00.000000
	-- Transactional: false

	-- +upgrade
	CREATE INDEX CONCURRENTLY ix_big_v ON big (v);
	CREATE INDEX CONCURRENTLY ix_big_nope ON big (no_such_column);

	-- +downgrade
	DROP INDEX CONCURRENTLY ix_big_v;
	EOF
	(cd cicfail && test_expect_code 255 retort upgrade head >../out 2>../err) &&
	rt_failed out err "bbbb00000002_index_big_concurrently\.sql" 10 &&
	test_grep -F "no_such_column" failed &&
	test_grep -F "may be partly changed" failed &&
	echo aaaa00000001 >expect &&
	rt_pg_versions "$FDB" >actual &&
	test_cmp expect actual &&
	rt_pg_schema "$FDB" >actual &&
	test_grep "index public.ix_big_v " actual &&
	test_grep -v "ix_big_nope" actual
'

test_expect_success 'transaction_per_migration = false with a non-transactional step, then a failure' '
	url=$(rt_pg_fresh_db cicmix) &&
	MDB=$(rt_pg_dbname cicmix) &&
	cic_project cicmix "$url" "transaction_per_migration = false" &&
	(
		cd cicmix &&
		rt_write_rev cccc00000003 bbbb00000002 "after the index" \
			"$(printf "CREATE TABLE after_ix (id INTEGER);\nSELECT 1/0;")"
	) &&
	(cd cicmix && test_expect_code 255 retort upgrade head >../out 2>../err) &&
	rt_failed out err "cccc00000003_after_the_index\.sql" 9 &&
	test_grep -F "division by zero" failed &&
	rt_pg_tables "$MDB" >actual &&
	test_grep -v "^after_ix$" actual &&
	# the index was built outside the transaction and stays: the
	# version table must say so (at bbbb), and the message must not
	# claim the whole run was undone
	rt_pg_schema "$MDB" >actual &&
	test_grep "index public.ix_big_v " actual &&
	echo bbbb00000002 >expect &&
	rt_pg_versions "$MDB" >actual &&
	test_cmp expect actual &&
	test_grep -v "whole run was rolled back" failed &&
	test_grep -F "alembic_version is at bbbb00000002" failed
'

test_expect_success 'cleanup: drop the databases' '
	rt_pg_drop_all
'

test_done
