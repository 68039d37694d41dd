#!/bin/bash
test_description='transactions: a migration that fails half-way

SPEC.md §6 and the issue: the SQL of each revision and its version-table
change commit together; when a statement fails that revision is rolled back,
earlier ones stay, alembic_version names the last good revision and the
error names the revision, the file and the database message (exit 255).
With transaction_per_migration = false the whole run is one transaction.'

. "$(dirname "$0")/test-lib.sh"

# failing_project DIR [EXTRA-INI-LINE]: three revisions creating t1, t2,
# t3; the third (in third_step.sql, a name without its id) fails at its
# second statement, line 9.
failing_project () {
	rt_make_project "$1" &&
	if [ -n "${2:-}" ]; then
		rt_ini_add "$1/alembic.ini" "$2"
	fi &&
	(
		cd "$1" &&
		rt_write_rev aaaa00000001 "" "create t1" \
			"CREATE TABLE t1 (id INTEGER);" "DROP TABLE t1;" &&
		rt_write_rev bbbb00000002 aaaa00000001 "create t2" \
			"CREATE TABLE t2 (id INTEGER);" "DROP TABLE t2;" &&
		write_third_step migrations/versions/third_step.sql \
			"INSERT INTO no_such_table VALUES (1);"
	)
}

# write_third_step FILE SECOND-STATEMENT
write_third_step () {
	cat >"$1" <<-EOF
	-- create t3 then fail
	--
	-- Revision ID: cccc00000003
	-- Revises: bbbb00000002
	-- Create Date: 2024-01-01 00:00:00.000000

	-- +upgrade
	CREATE TABLE t3 (id INTEGER);
	$2

	-- +downgrade
	DROP TABLE t3;
	EOF
}

test_expect_success 'setup' '
	failing_project . &&
	sed -n 9p migrations/versions/third_step.sql >line9 &&
	echo "INSERT INTO no_such_table VALUES (1);" >expect &&
	test_cmp expect line9
'

test_expect_success 'upgrade head stops at the failing revision, exit 255' '
	test_expect_code 255 retort upgrade head >out 2>err &&
	rt_failed out err
'

test_expect_success 'the error names the revision, the file and the SQLite message' '
	test_grep -F "cccc00000003" failed &&
	test_grep -F "third_step.sql" failed &&
	test_grep -F "no such table: no_such_table" failed
'

test_expect_success 'the error names the line of the failing statement' '
	test_grep -E "third_step\.sql:9([^0-9]|$)" failed
'

test_expect_success 'the log shows the three revisions being run' '
	rt_log_lines err >actual &&
	rt_log_expect \
		"Running upgrade  -> aaaa00000001, create t1" \
		"Running upgrade aaaa00000001 -> bbbb00000002, create t2" \
		"Running upgrade bbbb00000002 -> cccc00000003, create t3 then fail" >expect &&
	test_cmp expect actual
'

test_expect_success SQLITE3 'revisions 1-2 are applied, revision 3 is rolled back' '
	echo bbbb00000002 >expect &&
	rt_versions test.db >actual &&
	test_cmp expect actual &&
	printf "alembic_version\nt1\nt2\n" >expect &&
	rt_tables test.db >actual &&
	test_cmp expect actual
'

test_expect_success 'current names the last good revision' '
	retort current >out 2>err &&
	echo bbbb00000002 >expect &&
	test_cmp expect out
'

test_expect_success 'running it again fails the same way and changes nothing' '
	rt_schema test.db >before &&
	test_expect_code 255 retort upgrade head >out 2>err &&
	rt_failed out err "no such table: no_such_table" &&
	rt_log_lines err >actual &&
	rt_log_expect "Running upgrade bbbb00000002 -> cccc00000003, create t3 then fail" >expect &&
	test_cmp expect actual &&
	rt_schema test.db >after &&
	test_cmp before after
'

test_expect_success SQLITE3 'once the script is fixed only revision 3 runs' '
	write_third_step migrations/versions/third_step.sql "INSERT INTO t3 VALUES (1);" &&
	retort upgrade head 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "Running upgrade bbbb00000002 -> cccc00000003, create t3 then fail" >expect &&
	test_cmp expect actual &&
	echo cccc00000003 >expect &&
	rt_versions test.db >actual &&
	test_cmp expect actual &&
	echo 1 >expect &&
	rt_sqlite test.db "SELECT id FROM t3" >actual &&
	test_cmp expect actual
'

test_expect_success SQLITE3 'a failure from the middle: earlier revisions stay' '
	failing_project middle &&
	(
		cd middle &&
		retort upgrade aaaa 2>err &&
		test_expect_code 255 retort upgrade head >out 2>err &&
		rt_failed out err "third_step\.sql" &&
		echo bbbb00000002 >expect &&
		rt_versions test.db >actual &&
		test_cmp expect actual &&
		printf "alembic_version\nt1\nt2\n" >expect &&
		rt_tables test.db >actual &&
		test_cmp expect actual
	)
'

test_expect_success SQLITE3 'a failing first revision leaves nothing' '
	mkdir first &&
	rt_make_project first &&
	(
		cd first &&
		rt_write_rev aaaa00000001 "" "create t1 then fail" \
			"$(printf "CREATE TABLE t1 (id INTEGER);\nCREATE TABL oops (id INTEGER);")" &&
		rt_write_rev bbbb00000002 aaaa00000001 "create t2" \
			"CREATE TABLE t2 (id INTEGER);" &&
		test_expect_code 255 retort upgrade head >out 2>err &&
		rt_failed out err "aaaa00000001_create_t1_then_fail\.sql" 9 &&
		test_grep -F "syntax error" failed &&
		rt_versions test.db >actual &&
		test_must_be_empty actual &&
		rt_tables test.db >actual &&
		test_grep -v "^t[12]$" actual
	)
'

test_expect_success SQLITE3 'a downgrade that fails half-way is rolled back' '
	mkdir down &&
	rt_make_project down &&
	(
		cd down &&
		rt_write_rev aaaa00000001 "" "create t1" \
			"CREATE TABLE t1 (id INTEGER);" "DROP TABLE t1;" &&
		rt_write_rev bbbb00000002 aaaa00000001 "create t2" \
			"CREATE TABLE t2 (id INTEGER);" \
			"$(printf "DROP TABLE t2;\nDELETE FROM no_such_table;")" &&
		rt_write_rev cccc00000003 bbbb00000002 "create t3" \
			"CREATE TABLE t3 (id INTEGER);" "DROP TABLE t3;" &&
		retort upgrade head 2>err &&
		test_expect_code 255 retort downgrade base >out 2>err &&
		rt_failed out err "bbbb00000002_create_t2\.sql" &&
		test_grep -F "no such table: no_such_table" failed &&
		echo bbbb00000002 >expect &&
		rt_versions test.db >actual &&
		test_cmp expect actual &&
		printf "alembic_version\nt1\nt2\n" >expect &&
		rt_tables test.db >actual &&
		test_cmp expect actual
	)
'

test_expect_success SQLITE3 'transaction_per_migration = false: nothing is applied' '
	failing_project whole "transaction_per_migration = false" &&
	test_grep "^transaction_per_migration = false$" whole/alembic.ini &&
	(
		cd whole &&
		test_expect_code 255 retort upgrade head >out 2>err &&
		rt_failed out err "third_step\.sql" &&
		test_grep -F "no such table: no_such_table" failed &&
		rt_versions test.db >actual &&
		test_must_be_empty actual &&
		rt_tables test.db >actual &&
		test_grep -v "^t[123]$" actual
	)
'

test_expect_success SQLITE3 'transaction_per_migration = false: from the middle' '
	(
		cd whole &&
		retort upgrade aaaa 2>err &&
		test_expect_code 255 retort upgrade head >out 2>err &&
		echo aaaa00000001 >expect &&
		rt_versions test.db >actual &&
		test_cmp expect actual &&
		printf "alembic_version\nt1\n" >expect &&
		rt_tables test.db >actual &&
		test_cmp expect actual
	)
'

test_expect_success SQLITE3 'transaction_per_migration = false: a good run applies all' '
	(
		cd whole &&
		write_third_step migrations/versions/third_step.sql "INSERT INTO t3 VALUES (1);" &&
		retort upgrade head 2>err &&
		echo cccc00000003 >expect &&
		rt_versions test.db >actual &&
		test_cmp expect actual &&
		printf "alembic_version\nt1\nt2\nt3\n" >expect &&
		rt_tables test.db >actual &&
		test_cmp expect actual &&
		retort downgrade base 2>err &&
		echo alembic_version >expect &&
		rt_tables test.db >actual &&
		test_cmp expect actual
	)
'

test_done
