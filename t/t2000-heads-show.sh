#!/bin/bash
test_description='heads and show on a linear history

Exact stdout as Alembic prints it (reference/alembic.md §6.10, §6.11, §7):
the one-line head format and the verbose entry, with the .sql path.
Neither command touches the database.'

. "$(dirname "$0")/test-lib.sh"

# entry ID PARENT MSG [MARKS]: the verbose entry of a revision written by
# rt_write_rev in the working directory's project.
entry () {
	printf 'Rev: %s%s\n' "$1" "${4:-}"
	printf 'Parent: %s\n' "${2:-<base>}"
	printf 'Path: %s\n\n' "$(rt_rev_path "$1")"
	printf '    %s\n    \n' "$3"
	printf '    Revision ID: %s\n' "$1"
	if [ -n "$2" ]; then
		printf '    Revises: %s\n' "$2"
	else
		printf '    Revises:\n'
	fi
	printf '    Create Date: 2024-01-01 00:00:00.000000\n\n'
}

test_expect_success 'heads of a project without revisions is empty' '
	mkdir empty &&
	rt_make_project empty &&
	(
		cd empty &&
		retort heads >../out 2>../err
	) &&
	test_must_be_empty out
'

test_expect_success 'setup' '
	rt_make_lin_project
'

test_expect_success 'heads' '
	retort heads >out 2>err &&
	echo "3333cccc0003 (head)" >expect &&
	test_cmp expect out &&
	test_path_is_missing test.db
'

test_expect_success 'heads -v' '
	retort heads -v >out &&
	cat >expect <<-EOF &&
	Rev: 3333cccc0003 (head)
	Parent: 2222bbbb0002
	Path: $TRASH_DIRECTORY/migrations/versions/3333cccc0003_add_index_on_email.sql

	    add index on email
	    
	    Revision ID: 3333cccc0003
	    Revises: 2222bbbb0002
	    Create Date: 2024-01-01 00:00:00.000000

	EOF
	test_cmp expect out &&
	retort heads --verbose >out &&
	test_cmp expect out
'

test_expect_success 'show a full id' '
	retort show 2222bbbb0002 >out 2>err &&
	cat >expect <<-EOF &&
	Rev: 2222bbbb0002
	Parent: 1111aaaa0001
	Path: $TRASH_DIRECTORY/migrations/versions/2222bbbb0002_add_email_to_account.sql

	    add email to account
	    
	    Revision ID: 2222bbbb0002
	    Revises: 1111aaaa0001
	    Create Date: 2024-01-01 00:00:00.000000

	EOF
	test_cmp expect out &&
	test_path_is_missing test.db
'

test_expect_success 'show a prefix, of any length when unique' '
	entry 2222bbbb0002 1111aaaa0001 "$MSG2" >expect &&
	retort show 2222 >out &&
	test_cmp expect out &&
	retort show 2222bbbb >out &&
	test_cmp expect out &&
	retort show 2 >out &&
	test_cmp expect out
'

test_expect_success 'show a base revision' '
	entry 1111aaaa0001 "" "$MSG1" >expect &&
	retort show 1111aaaa0001 >out &&
	test_cmp expect out
'

test_expect_success 'show head and heads' '
	entry 3333cccc0003 2222bbbb0002 "$MSG3" " (head)" >expect &&
	retort show head >out &&
	test_cmp expect out &&
	retort show heads >out &&
	test_cmp expect out
'

test_expect_success 'show base prints nothing' '
	retort show base >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'show an unknown revision' '
	test_expect_code 255 retort show nosuch >out 2>err &&
	rt_cant_locate nosuch >expect &&
	test_cmp expect out &&
	test_expect_code 255 retort show 12 >out 2>err &&
	rt_cant_locate 12 >expect &&
	test_cmp expect out
'

test_expect_success 'show with an ambiguous prefix' '
	mkdir amb &&
	rt_make_project amb &&
	(
		cd amb &&
		rt_write_rev abcd11110001 "" "first" &&
		rt_write_rev abcd22220002 abcd11110001 "second" &&
		test_expect_code 255 retort show abcd >../out 2>../err &&
		retort show abcd2 >../out2
	) &&
	rt_cant_locate abcd >expect &&
	test_cmp expect out &&
	test_grep "^Rev: abcd22220002 (head)$" out2
'

test_expect_success 'heads follows a new revision' '
	rt_write_rev 4444dddd0004 3333cccc0003 "fourth" &&
	retort heads >out &&
	echo "4444dddd0004 (head)" >expect &&
	test_cmp expect out &&
	entry 3333cccc0003 2222bbbb0002 "$MSG3" >expect &&
	retort show 3333 >out &&
	test_cmp expect out &&
	rm migrations/versions/4444dddd0004_fourth.sql
'

test_expect_success 'a multi-line message: doc is its first paragraph' '
	mkdir multi &&
	rt_make_project multi &&
	cat >multi/migrations/versions/aaaa00000001_multi.sql <<-\EOF &&
	-- first line of the message
	--
	-- Revision ID: aaaa00000001
	-- Revises:
	-- Create Date: 2024-01-01 00:00:00.000000

	-- +upgrade
	EOF
	(
		cd multi &&
		retort history >../out &&
		retort show aaaa >../show
	) &&
	echo "<base> -> aaaa00000001 (head), first line of the message" >expect &&
	test_cmp expect out &&
	test_grep "^    first line of the message$" show
'

test_done
