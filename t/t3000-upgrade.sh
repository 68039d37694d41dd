#!/bin/bash
test_description='upgrade on SQLite along a linear history

Targets head, a full id, a prefix, +N, REV+N, head-N; the INFO lines on
stderr, nothing on stdout; the version table of Alembic (reference/alembic.md
§5.4, §6.5, §8.1) and the schema the scripts build.'

. "$(dirname "$0")/test-lib.sh"

RUN1='Running upgrade  -> 1111aaaa0001, create account table'
RUN2='Running upgrade 1111aaaa0001 -> 2222bbbb0002, add email to account'
RUN3='Running upgrade 2222bbbb0002 -> 3333cccc0003, add index on email'

# fresh: forget the database.
fresh () {
	rm -f test.db
}

# at REV: the version table holds exactly REV (nothing for "").
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

test_expect_success 'upgrade head from an empty database' '
	retort upgrade head >out 2>err &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	rt_log_expect "$RUN1" "$RUN2" "$RUN3" >expect &&
	test_cmp expect actual &&
	at 3333cccc0003
'

test_expect_success SQLITE3 'the scripts built the schema' '
	printf "account\nalembic_version\n" >expect &&
	rt_tables test.db >actual &&
	test_cmp expect actual &&
	printf "id\nname\nemail\n" >expect &&
	rt_columns test.db account >actual &&
	test_cmp expect actual &&
	rt_sqlite test.db "SELECT name FROM sqlite_master WHERE type = ${SQ}index${SQ} AND name = ${SQ}ix_account_email${SQ}" >actual &&
	echo ix_account_email >expect &&
	test_cmp expect actual
'

test_expect_success SQLITE3 'the version table is the one Alembic creates' '
	rt_sqlite test.db "SELECT sql FROM sqlite_master WHERE name = ${SQ}alembic_version${SQ}" >actual &&
	printf "CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)\n" >expect &&
	test_cmp expect actual &&
	rt_sqlite test.db "SELECT name FROM sqlite_master WHERE type = ${SQ}index${SQ} AND tbl_name = ${SQ}alembic_version${SQ}" >actual &&
	echo sqlite_autoindex_alembic_version_1 >expect &&
	test_cmp expect actual
'

test_expect_success 'upgrade head again does nothing' '
	rt_schema test.db >before &&
	retort upgrade head >out 2>err &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	test_must_be_empty actual &&
	rt_schema test.db >after &&
	test_cmp before after &&
	at 3333cccc0003
'

test_expect_success 'upgrade to a full id' '
	fresh &&
	retort upgrade 2222bbbb0002 >out 2>err &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	rt_log_expect "$RUN1" "$RUN2" >expect &&
	test_cmp expect actual &&
	at 2222bbbb0002 &&
	printf "id\nname\nemail\n" >expect &&
	rt_columns test.db account >actual &&
	test_cmp expect actual
'

test_expect_success 'upgrade to a prefix' '
	retort upgrade 3333 >out 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "$RUN3" >expect &&
	test_cmp expect actual &&
	at 3333cccc0003
'

test_expect_success 'upgrade to a short unique prefix' '
	fresh &&
	retort upgrade 1 2>err &&
	at 1111aaaa0001
'

test_expect_success 'upgrade +1, step by step' '
	fresh &&
	retort upgrade +1 >out 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "$RUN1" >expect &&
	test_cmp expect actual &&
	at 1111aaaa0001 &&
	retort upgrade +1 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "$RUN2" >expect &&
	test_cmp expect actual &&
	at 2222bbbb0002
'

test_expect_success 'upgrade +2' '
	fresh &&
	retort upgrade +2 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "$RUN1" "$RUN2" >expect &&
	test_cmp expect actual &&
	at 2222bbbb0002
'

test_expect_success 'upgrade +N past the head fails and changes nothing' '
	rt_schema test.db >before &&
	test_expect_code 255 retort upgrade +5 >out 2>err &&
	echo "FAILED: Relative revision +5 didn${SQ}t produce 5 migrations" >expect &&
	test_cmp expect out &&
	rt_log_lines err >actual &&
	test_must_be_empty actual &&
	rt_schema test.db >after &&
	test_cmp before after &&
	at 2222bbbb0002
'

test_expect_success 'upgrade REV+N' '
	fresh &&
	retort upgrade 1111+1 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "$RUN1" "$RUN2" >expect &&
	test_cmp expect actual &&
	at 2222bbbb0002
'

test_expect_success 'upgrade head-1' '
	fresh &&
	retort upgrade head-1 2>err &&
	at 2222bbbb0002
'

test_expect_success 'upgrade to an ancestor of the current revision is a no-op' '
	retort upgrade head 2>err &&
	retort upgrade 1111 >out 2>err &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	test_must_be_empty actual &&
	at 3333cccc0003
'

test_expect_success 'upgrade to an unknown revision' '
	test_expect_code 255 retort upgrade nosuch >out 2>err &&
	rt_cant_locate nosuch >expect &&
	test_cmp expect out &&
	test_expect_code 255 retort upgrade 12 >out 2>err &&
	rt_cant_locate 12 >expect &&
	test_cmp expect out &&
	at 3333cccc0003
'

test_expect_success 'upgrade with a range' '
	test_expect_code 255 retort upgrade 1111:3333 >out 2>err &&
	echo "FAILED: Range revision not allowed" >expect &&
	test_cmp expect out &&
	at 3333cccc0003
'

test_expect_success 'upgrade -N is not an upgrade' '
	test_expect_code 255 retort upgrade -1 >out 2>err &&
	echo "FAILED: Relative revision -1 didn${SQ}t produce 1 migrations" >expect &&
	test_cmp expect out &&
	at 3333cccc0003
'

test_expect_success 'a new revision is picked up by the next upgrade' '
	rt_write_rev 4444dddd0004 3333cccc0003 "add phone" \
		"ALTER TABLE account ADD COLUMN phone VARCHAR(20);" \
		"ALTER TABLE account DROP COLUMN phone;" &&
	retort upgrade head 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "Running upgrade 3333cccc0003 -> 4444dddd0004, add phone" >expect &&
	test_cmp expect actual &&
	at 4444dddd0004 &&
	printf "id\nname\nemail\nphone\n" >expect &&
	rt_columns test.db account >actual &&
	test_cmp expect actual
'

test_expect_success 'upgrade on a project without revisions' '
	mkdir empty &&
	rt_make_project empty &&
	(
		cd empty &&
		retort upgrade head >out 2>err &&
		test_must_be_empty out &&
		rt_versions test.db >rows &&
		test_must_be_empty rows
	)
'

test_done
