#!/bin/bash
test_description='downgrade on SQLite along a linear history

Targets base, a full id, a prefix, -N; the INFO lines; the version table
and schema after each step (reference/alembic.md §5.4, §6.6).'

. "$(dirname "$0")/test-lib.sh"

DOWN3='Running downgrade 3333cccc0003 -> 2222bbbb0002, add index on email'
DOWN2='Running downgrade 2222bbbb0002 -> 1111aaaa0001, add email to account'
DOWN1='Running downgrade 1111aaaa0001 -> , create account table'

at () {
	if [ -n "$1" ]; then
		echo "$1" >expect.rows
	else
		: >expect.rows
	fi &&
	rt_versions test.db >actual.rows &&
	test_cmp expect.rows actual.rows
}

to_head () {
	retort upgrade head 2>/dev/null
}

test_expect_success 'setup' '
	rt_make_lin_project &&
	to_head &&
	at 3333cccc0003
'

test_expect_success 'downgrade -1' '
	retort downgrade -1 >out 2>err &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	rt_log_expect "$DOWN3" >expect &&
	test_cmp expect actual &&
	at 2222bbbb0002 &&
	rt_sqlite test.db "SELECT count(*) FROM sqlite_master WHERE name = ${SQ}ix_account_email${SQ}" >actual &&
	echo 0 >expect &&
	test_cmp expect actual
'

test_expect_success 'downgrade base' '
	retort downgrade base >out 2>err &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	rt_log_expect "$DOWN2" "$DOWN1" >expect &&
	test_cmp expect actual &&
	at "" &&
	echo alembic_version >expect &&
	rt_tables test.db >actual &&
	test_cmp expect actual
'

test_expect_success 'downgrade base from the head' '
	to_head &&
	retort downgrade base 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "$DOWN3" "$DOWN2" "$DOWN1" >expect &&
	test_cmp expect actual &&
	at ""
'

test_expect_success 'downgrade to a prefix' '
	to_head &&
	retort downgrade 1111 >out 2>err &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	rt_log_expect "$DOWN3" "$DOWN2" >expect &&
	test_cmp expect actual &&
	at 1111aaaa0001 &&
	printf "id\nname\n" >expect &&
	rt_columns test.db account >actual &&
	test_cmp expect actual
'

test_expect_success 'downgrade to a full id' '
	to_head &&
	retort downgrade 2222bbbb0002 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "$DOWN3" >expect &&
	test_cmp expect actual &&
	at 2222bbbb0002
'

test_expect_success 'downgrade -2' '
	to_head &&
	retort downgrade -2 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "$DOWN3" "$DOWN2" >expect &&
	test_cmp expect actual &&
	at 1111aaaa0001
'

test_expect_success 'downgrade to the current revision does nothing' '
	retort downgrade 1111 >out 2>err &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	test_must_be_empty actual &&
	at 1111aaaa0001
'

test_expect_success 'downgrade to a revision above the current one' '
	rt_schema test.db >before &&
	test_expect_code 255 retort downgrade 3333 >out 2>err &&
	echo "FAILED: Destination 3333 is not a valid downgrade target from current head(s)" >expect &&
	test_cmp expect out &&
	rt_schema test.db >after &&
	test_cmp before after &&
	at 1111aaaa0001
'

test_expect_success 'downgrade -N below base fails and changes nothing' '
	to_head &&
	rt_schema test.db >before &&
	test_expect_code 255 retort downgrade -5 >out 2>err &&
	echo "FAILED: Relative revision -5 didn${SQ}t produce 5 migrations" >expect &&
	test_cmp expect out &&
	rt_log_lines err >actual &&
	test_must_be_empty actual &&
	rt_schema test.db >after &&
	test_cmp before after &&
	at 3333cccc0003
'

test_expect_success 'downgrade +1 is not a downgrade' '
	test_expect_code 255 retort downgrade +1 >out 2>err &&
	echo "FAILED: Relative revision +1 didn${SQ}t produce 1 migrations" >expect &&
	test_cmp expect out &&
	at 3333cccc0003
'

test_expect_success 'downgrade REV-N walking below base' '
	test_expect_code 255 retort downgrade 3333-5 >out 2>err &&
	echo "FAILED: Walked too far" >expect &&
	test_cmp expect out &&
	at 3333cccc0003
'

test_expect_success 'downgrade to an unknown revision' '
	test_expect_code 255 retort downgrade nosuch >out 2>err &&
	rt_cant_locate nosuch >expect &&
	test_cmp expect out &&
	at 3333cccc0003
'

test_expect_success 'downgrade with a range' '
	test_expect_code 255 retort downgrade 3333:1111 >out 2>err &&
	echo "FAILED: Range revision not allowed" >expect &&
	test_cmp expect out &&
	at 3333cccc0003
'

test_expect_success 'downgrade -1 on an empty database' '
	retort downgrade base 2>err &&
	test_expect_code 255 retort downgrade -1 >out 2>err &&
	echo "FAILED: Relative revision -1 didn${SQ}t produce 1 migrations" >expect &&
	test_cmp expect out &&
	at ""
'

test_expect_success 'downgrade base on an empty database does nothing' '
	retort downgrade base >out 2>err &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	test_must_be_empty actual &&
	at ""
'

test_expect_success 'up and down again leave the same schema' '
	rm -f test.db &&
	retort upgrade 1111 2>err &&
	rt_schema test.db >at1 &&
	retort upgrade head 2>err &&
	retort downgrade 1111 2>err &&
	rt_schema test.db >again &&
	test_cmp at1 again
'

test_done
