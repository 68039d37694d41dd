#!/bin/bash
test_description='history on a linear history: -r RANGE, -v, -i

Newest first; ranges are inclusive and accept base, head, ids, prefixes,
-N (start) and +N (end), current (reference/alembic.md §5.3, §6.9, §7.1).'

. "$(dirname "$0")/test-lib.sh"

L3='2222bbbb0002 -> 3333cccc0003 (head), add index on email'
L2='1111aaaa0001 -> 2222bbbb0002, add email to account'
L1='<base> -> 1111aaaa0001, create account table'

# lines N...: the expected history lines, newest first.
lines () {
	local n var

	for n in "$@"
	do
		var=L$n
		printf '%s\n' "${!var}"
	done
}

test_expect_success 'setup' '
	rt_make_lin_project &&
	mkdir empty &&
	rt_make_project empty
'

test_expect_success 'history of a project without revisions is empty' '
	(
		cd empty &&
		retort history >../out 2>../err
	) &&
	test_must_be_empty out
'

test_expect_success 'history' '
	retort history >out 2>err &&
	cat >expect <<-\EOF &&
	2222bbbb0002 -> 3333cccc0003 (head), add index on email
	1111aaaa0001 -> 2222bbbb0002, add email to account
	<base> -> 1111aaaa0001, create account table
	EOF
	test_cmp expect out &&
	test_path_is_missing test.db
'

test_expect_success 'history -v' '
	retort history -v >out &&
	cat >expect <<-EOF &&
	Rev: 3333cccc0003 (head)
	Parent: 2222bbbb0002
	Path: $TRASH_DIRECTORY/migrations/versions/3333cccc0003_add_index_on_email.sql

	    add index on email
	    
	    Revision ID: 3333cccc0003
	    Revises: 2222bbbb0002
	    Create Date: 2024-01-01 00:00:00.000000

	Rev: 2222bbbb0002
	Parent: 1111aaaa0001
	Path: $TRASH_DIRECTORY/migrations/versions/2222bbbb0002_add_email_to_account.sql

	    add email to account
	    
	    Revision ID: 2222bbbb0002
	    Revises: 1111aaaa0001
	    Create Date: 2024-01-01 00:00:00.000000

	Rev: 1111aaaa0001
	Parent: <base>
	Path: $TRASH_DIRECTORY/migrations/versions/1111aaaa0001_create_account_table.sql

	    create account table
	    
	    Revision ID: 1111aaaa0001
	    Revises:
	    Create Date: 2024-01-01 00:00:00.000000

	EOF
	test_cmp expect out &&
	retort history --verbose >out &&
	test_cmp expect out
'

test_expect_success 'history -r START:END with ids and prefixes' '
	lines 2 1 >expect &&
	retort history -r 1111:2222 >out &&
	test_cmp expect out &&
	retort history -r 1111aaaa0001:2222bbbb0002 >out &&
	test_cmp expect out &&
	retort history --rev-range 1111:2222 >out &&
	test_cmp expect out &&
	retort history --rev-range=1111:2222 >out &&
	test_cmp expect out
'

test_expect_success 'history -r with an open end' '
	lines 2 1 >expect &&
	retort history -r :2222 >out &&
	test_cmp expect out &&
	lines 3 2 >expect &&
	retort history -r 2222: >out &&
	test_cmp expect out &&
	lines 3 >expect &&
	retort history -r head: >out &&
	test_cmp expect out
'

test_expect_success 'history -r base:head, base:, :head are everything' '
	lines 3 2 1 >expect &&
	retort history -r base:head >out &&
	test_cmp expect out &&
	retort history -r base: >out &&
	test_cmp expect out &&
	retort history -r :head >out &&
	test_cmp expect out
'

test_expect_success 'history -r X:X is one revision' '
	lines 3 >expect &&
	retort history -r 3333:3333 >out &&
	test_cmp expect out
'

test_expect_success 'history -r with relative -N start and +N end' '
	lines 3 2 >expect &&
	retort history -r-1: >out &&
	test_cmp expect out &&
	retort history --rev-range=-1: >out &&
	test_cmp expect out &&
	lines 3 2 1 >expect &&
	retort history -r-2: >out &&
	test_cmp expect out &&
	lines 2 1 >expect &&
	retort history -r 1111:+1 >out &&
	test_cmp expect out
'

test_expect_success 'history -r=VALUE: argparse strips the = of a short option' '
	lines 3 2 >expect &&
	retort history -r=-1: >out &&
	test_cmp expect out &&
	lines 2 1 >expect &&
	retort history -r=1111:2222 >out &&
	test_cmp expect out
'

test_expect_success 'history -v -r' '
	retort history -v -r 2222:3333 >out &&
	test_line_count = 20 out &&
	test_grep "^Rev: 3333cccc0003 (head)$" out &&
	test_grep "^Rev: 2222bbbb0002$" out &&
	test_grep -v "^Rev: 1111aaaa0001" out
'

test_expect_success 'a range that goes backwards' '
	test_expect_code 255 retort history -r 3333:1111 >out 2>err &&
	echo "FAILED: Requested range 3333:1111 does not refer to ancestor/descendant revisions along the same branch" >expect &&
	test_cmp expect out
'

test_expect_success 'a range without a colon' '
	test_expect_code 255 retort history -r 2222 >out 2>err &&
	echo "FAILED: History range requires [start]:[end], [start]:, or :[end]" >expect &&
	test_cmp expect out
'

test_expect_success 'a range naming an unknown revision' '
	test_expect_code 255 retort history -r 1111:nosuch >out 2>err &&
	rt_cant_locate nosuch >expect &&
	test_cmp expect out
'

test_expect_success 'history -r with current reads the database' '
	retort upgrade 2222 2>err &&
	lines 3 2 >expect &&
	retort history -r current: >out 2>err &&
	test_cmp expect out &&
	lines 2 1 >expect &&
	retort history -r :current >out 2>err &&
	test_cmp expect out
'

test_expect_success 'history -i marks the current revision' '
	retort history -i >out 2>err &&
	cat >expect <<-\EOF &&
	2222bbbb0002 -> 3333cccc0003 (head), add index on email
	1111aaaa0001 -> 2222bbbb0002 (current), add email to account
	<base> -> 1111aaaa0001, create account table
	EOF
	test_cmp expect out &&
	retort upgrade head 2>err &&
	retort history --indicate-current >out 2>err &&
	cat >expect <<-\EOF &&
	2222bbbb0002 -> 3333cccc0003 (head) (current), add index on email
	1111aaaa0001 -> 2222bbbb0002, add email to account
	<base> -> 1111aaaa0001, create account table
	EOF
	test_cmp expect out
'

test_done
