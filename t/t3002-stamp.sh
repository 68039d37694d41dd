#!/bin/bash
test_description='stamp: set the version table without running scripts

The `Running stamp_revision from -> to` lines, --purge, and that the
scripts really do not run (reference/alembic.md §6.7, §8.5).'

. "$(dirname "$0")/test-lib.sh"

at () {
	if [ -n "$1" ]; then
		echo "$1" >expect.rows
	else
		: >expect.rows
	fi &&
	rt_versions test.db >actual.rows &&
	test_cmp expect.rows actual.rows
}

test_expect_success 'setup' '
	rt_make_lin_project
'

test_expect_success 'stamp head on an empty database' '
	retort stamp head >out 2>err &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	rt_log_expect "Running stamp_revision  -> 3333cccc0003" >expect &&
	test_cmp expect actual &&
	at 3333cccc0003 &&
	echo alembic_version >expect &&
	rt_tables test.db >actual &&
	test_cmp expect actual
'

test_expect_success 'stamp base' '
	retort stamp base >out 2>err &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	rt_log_expect "Running stamp_revision 3333cccc0003 -> " >expect &&
	test_cmp expect actual &&
	at "" &&
	echo alembic_version >expect &&
	rt_tables test.db >actual &&
	test_cmp expect actual
'

test_expect_success 'stamp a prefix' '
	retort stamp 2222 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "Running stamp_revision  -> 2222bbbb0002" >expect &&
	test_cmp expect actual &&
	at 2222bbbb0002
'

test_expect_success 'stamp down to an ancestor' '
	retort stamp 1111aaaa0001 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "Running stamp_revision 2222bbbb0002 -> 1111aaaa0001" >expect &&
	test_cmp expect actual &&
	at 1111aaaa0001
'

test_expect_success 'stamp up to a descendant' '
	retort stamp 3333 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "Running stamp_revision 1111aaaa0001 -> 3333cccc0003" >expect &&
	test_cmp expect actual &&
	at 3333cccc0003
'

test_expect_success 'stamp the current revision changes nothing' '
	retort stamp 3333 >out 2>err &&
	test_must_be_empty out &&
	at 3333cccc0003
'

test_expect_success 'stamp --purge' '
	retort stamp --purge 1111 >out 2>err &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	rt_log_expect "Running stamp_revision  -> 1111aaaa0001" >expect &&
	test_cmp expect actual &&
	at 1111aaaa0001
'

test_expect_success SQLITE3 'a row the scripts do not know: stamp fails, --purge works' '
	rt_sqlite test.db "DELETE FROM alembic_version; INSERT INTO alembic_version VALUES (${SQ}deadbeef0000${SQ})" &&
	test_expect_code 255 retort stamp 2222 >out 2>err &&
	rt_cant_locate deadbeef0000 >expect &&
	test_cmp expect out &&
	at deadbeef0000 &&
	retort stamp --purge 2222 >out 2>err &&
	test_must_be_empty out &&
	at 2222bbbb0002
'

test_expect_success 'stamp an unknown revision' '
	test_expect_code 255 retort stamp nosuch >out 2>err &&
	rt_cant_locate nosuch >expect &&
	test_cmp expect out &&
	at 2222bbbb0002
'

test_expect_success 'stamp runs no script' '
	rm -f test.db &&
	retort stamp head 2>err &&
	echo alembic_version >expect &&
	rt_tables test.db >actual &&
	test_cmp expect actual
'

test_expect_success SQLITE3 'stamp adopts an existing schema; upgrade continues' '
	rm -f test.db &&
	rt_sqlite test.db "$SQL1_UP" &&
	retort stamp 1111 2>err &&
	at 1111aaaa0001 &&
	retort upgrade head 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect \
		"Running upgrade 1111aaaa0001 -> 2222bbbb0002, add email to account" \
		"Running upgrade 2222bbbb0002 -> 3333cccc0003, add index on email" >expect &&
	test_cmp expect actual &&
	at 3333cccc0003 &&
	printf "id\nname\nemail\n" >expect &&
	rt_columns test.db account >actual &&
	test_cmp expect actual
'

test_done
