#!/bin/bash
test_description='current and current -v

One line per current revision, " (head)" on a head; -v adds the header
with the URL and the verbose entries (reference/alembic.md §6.8, §7.3).
current never creates the version table.'

. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	rt_make_lin_project
'

test_expect_success 'current without a database prints nothing' '
	retort current >out 2>err &&
	test_must_be_empty out &&
	! rt_has_table test.db alembic_version
'

test_expect_success SQLITE3 'current never creates the version table' '
	rt_sqlite other.db "CREATE TABLE unrelated (id INTEGER)" &&
	retort -x url=sqlite:///other.db current >out 2>err &&
	test_must_be_empty out &&
	echo unrelated >expect &&
	rt_tables other.db >actual &&
	test_cmp expect actual
'

test_expect_success 'current -v without revisions prints only the header' '
	retort current -v >out 2>err &&
	echo "Current revision(s) for sqlite:///test.db:" >expect &&
	test_cmp expect out
'

test_expect_success 'current below the head' '
	retort upgrade 2222 2>err &&
	retort current >out 2>err &&
	echo 2222bbbb0002 >expect &&
	test_cmp expect out
'

test_expect_success 'current -v below the head' '
	retort current -v >out 2>err &&
	cat >expect <<-EOF &&
	Current revision(s) for sqlite:///test.db:
	Rev: 2222bbbb0002
	Parent: 1111aaaa0001
	Path: $TRASH_DIRECTORY/migrations/versions/2222bbbb0002_add_email_to_account.sql

	    add email to account
	    
	    Revision ID: 2222bbbb0002
	    Revises: 1111aaaa0001
	    Create Date: 2024-01-01 00:00:00.000000

	EOF
	test_cmp expect out &&
	retort current --verbose >out 2>err &&
	test_cmp expect out
'

test_expect_success 'show current' '
	retort show current >out 2>err &&
	tail -n +2 expect >expect.entry &&
	test_cmp expect.entry out
'

test_expect_success 'current at the head' '
	retort upgrade head 2>err &&
	retort current >out 2>err &&
	echo "3333cccc0003 (head)" >expect &&
	test_cmp expect out &&
	retort current -v >out 2>err &&
	head -n 2 out >actual &&
	printf "%s\n" "Current revision(s) for sqlite:///test.db:" \
		"Rev: 3333cccc0003 (head)" >expect &&
	test_cmp expect actual
'

test_expect_success 'current at a base revision' '
	retort downgrade 1111 2>err &&
	retort current >out 2>err &&
	echo 1111aaaa0001 >expect &&
	test_cmp expect out
'

test_expect_success 'current after downgrade base prints nothing' '
	retort downgrade base 2>err &&
	retort current >out 2>err &&
	test_must_be_empty out
'

test_expect_success SQLITE3 'current with a revision the scripts do not know' '
	rt_sqlite test.db "INSERT INTO alembic_version (version_num) VALUES (${SQ}deadbeef0000${SQ})" &&
	test_expect_code 255 retort current >out 2>err &&
	rt_cant_locate deadbeef0000 >expect &&
	test_cmp expect out &&
	rt_sqlite test.db "DELETE FROM alembic_version"
'

test_expect_success 'current does not change the database' '
	retort upgrade 2222 2>err &&
	rt_schema test.db >before &&
	retort current >out 2>err &&
	retort current -v >out 2>err &&
	rt_schema test.db >after &&
	test_cmp before after &&
	echo 2222bbbb0002 >expect &&
	rt_versions test.db >actual &&
	test_cmp expect actual
'

test_done
