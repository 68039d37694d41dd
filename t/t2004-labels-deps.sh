#!/bin/bash
test_description='branch labels and depends_on

The `lbl` project of reference/alembic.md §0.2 (three roots labelled shop,
auth, lib; 5c depends on 7a, 7b on 5b, 7c on the label lib), plus
- core: c1 -> c2 (label core) -> c3: the label spreads up to c3 and down
  to c1 (a linear chain has no branch point to stop it);
- edge: e0 -> e1 (label edge), e0 -> e2: e0 is a branch point, so neither
  it nor e2 gets the label.
Covers the labels shown by history/heads/show, `LABEL@head`, `LABEL@base`,
`REV@head`, `LABEL@REV`, `LABEL@+1` / `LABEL@-1`, dependencies in
parentheses, `(effective head)` and what --resolve-dependencies drops.
Expected texts: Alembic 1.8.1 on the equivalent .py project.'

. "$(dirname "$0")/test-lib.sh"

V=$TRASH_DIRECTORY/migrations/versions

# rev ID PARENTS MSG [LABELS [DEPENDS]]: a revision script in
# migrations/versions, with `Branch Labels:` / `Depends On:` header lines
# when given; it creates the table t_ID.
rev () {
	local file

	file="migrations/versions/$1_$(rt_slug "$3").sql"
	{
		printf -- '-- %s\n--\n-- Revision ID: %s\n' "$3" "$1"
		printf -- '-- Revises:%s\n' "${2:+ $2}"
		printf -- '-- Create Date: 2024-01-01 00:00:00.000000\n'
		if [ -n "${4:-}" ]; then
			printf -- '-- Branch Labels: %s\n' "$4"
		fi
		if [ -n "${5:-}" ]; then
			printf -- '-- Depends On: %s\n' "$5"
		fi
		printf -- '\n-- +upgrade\nCREATE TABLE t_%s (id INTEGER);\n\n' "$1"
		printf -- '-- +downgrade\nDROP TABLE t_%s;\n' "$1"
	} >"$file"
}

# at ROW...: the version table holds exactly these rows (sorted).
at () {
	printf '%s\n' "$@" | sed -e '/^$/d' | sort >expect.rows &&
	rt_versions test.db >actual.rows &&
	test_cmp expect.rows actual.rows
}

test_expect_success 'setup' '
	rt_make_project &&
	rev 5a0000000001 "" "shop base" shop &&
	rev 5b0000000002 5a0000000001 "shop two" &&
	rev 5c0000000003 5b0000000002 "shop three" "" 7a0000000001 &&
	rev 7a0000000001 "" "auth base" auth &&
	rev 7b0000000002 7a0000000001 "auth two" "" 5b0000000002 &&
	rev 7c0000000003 7b0000000002 "auth three" "" lib &&
	rev 9a0000000001 "" "lib base" lib &&
	rev c1c1000000a1 "" "core one" &&
	rev c2c2000000a2 c1c1000000a1 "core two" core &&
	rev c3c3000000a3 c2c2000000a2 "core three" &&
	rev e0e0000000b0 "" "edge root" &&
	rev e1e1000000b1 e0e0000000b0 "edge one" edge &&
	rev e2e2000000b2 e0e0000000b0 "edge two"
'

test_expect_success 'history: labels, dependencies in parentheses, effective head' '
	retort history >out 2>err &&
	cat >expect <<-\EOF &&
	5b0000000002 (7a0000000001) -> 5c0000000003 (shop) (head), shop three
	7b0000000002 (lib) -> 7c0000000003 (auth) (head), auth three
	7a0000000001 (5b0000000002) -> 7b0000000002 (auth), auth two
	5a0000000001 -> 5b0000000002 (shop), shop two
	<base> -> 5a0000000001 (shop), shop base
	c2c2000000a2 -> c3c3000000a3 (core) (head), core three
	c1c1000000a1 -> c2c2000000a2 (core), core two
	<base> -> c1c1000000a1 (core), core one
	e0e0000000b0 -> e1e1000000b1 (edge) (head), edge one
	e0e0000000b0 -> e2e2000000b2 (head), edge two
	<base> -> e0e0000000b0 (branchpoint), edge root
	<base> -> 7a0000000001 (auth), auth base
	<base> -> 9a0000000001 (lib) (effective head), lib base
	EOF
	test_cmp expect out
'

test_expect_success 'heads: a revision others depend on is an effective head' '
	retort heads >out 2>err &&
	cat >expect <<-\EOF &&
	5c0000000003 (shop) (head)
	7c0000000003 (auth) (head)
	9a0000000001 (lib) (effective head)
	c3c3000000a3 (core) (head)
	e1e1000000b1 (edge) (head)
	e2e2000000b2 (head)
	EOF
	test_cmp expect out
'

test_expect_success 'heads --resolve-dependencies drops the effective head' '
	retort heads --resolve-dependencies >out 2>err &&
	cat >expect <<-\EOF &&
	5c0000000003 (shop) (head)
	7c0000000003 (auth) (head)
	c3c3000000a3 (core) (head)
	e1e1000000b1 (edge) (head)
	e2e2000000b2 (head)
	EOF
	test_cmp expect out
'

test_expect_success 'heads -v: Also depends on, Branch names, (head) only' '
	retort heads -v >out 2>err &&
	cat >expect <<-EOF &&
	Rev: 5c0000000003 (head)
	Parent: 5b0000000002
	Also depends on: 7a0000000001
	Branch names: shop
	Path: $V/5c0000000003_shop_three.sql

	    shop three
	    
	    Revision ID: 5c0000000003
	    Revises: 5b0000000002
	    Create Date: 2024-01-01 00:00:00.000000
	    Depends On: 7a0000000001

	Rev: 7c0000000003 (head)
	Parent: 7b0000000002
	Also depends on: lib
	Branch names: auth
	Path: $V/7c0000000003_auth_three.sql

	    auth three
	    
	    Revision ID: 7c0000000003
	    Revises: 7b0000000002
	    Create Date: 2024-01-01 00:00:00.000000
	    Depends On: lib

	Rev: 9a0000000001 (head)
	Parent: <base>
	Branch names: lib
	Path: $V/9a0000000001_lib_base.sql

	    lib base
	    
	    Revision ID: 9a0000000001
	    Revises:
	    Create Date: 2024-01-01 00:00:00.000000
	    Branch Labels: lib

	Rev: c3c3000000a3 (head)
	Parent: c2c2000000a2
	Branch names: core
	Path: $V/c3c3000000a3_core_three.sql

	    core three
	    
	    Revision ID: c3c3000000a3
	    Revises: c2c2000000a2
	    Create Date: 2024-01-01 00:00:00.000000

	Rev: e1e1000000b1 (head)
	Parent: e0e0000000b0
	Branch names: edge
	Path: $V/e1e1000000b1_edge_one.sql

	    edge one
	    
	    Revision ID: e1e1000000b1
	    Revises: e0e0000000b0
	    Create Date: 2024-01-01 00:00:00.000000
	    Branch Labels: edge

	Rev: e2e2000000b2 (head)
	Parent: e0e0000000b0
	Path: $V/e2e2000000b2_edge_two.sql

	    edge two
	    
	    Revision ID: e2e2000000b2
	    Revises: e0e0000000b0
	    Create Date: 2024-01-01 00:00:00.000000

	EOF
	test_cmp expect out
'

test_expect_success 'branches: the label stops at the branch point' '
	retort branches >out 2>err &&
	cat >expect <<-\EOF &&
	e0e0000000b0 (branchpoint)
	             -> e2e2000000b2 (head)
	             -> e1e1000000b1 (edge) (head)

	EOF
	sed -n -e 1p -e 4p expect >expect.fixed &&
	sed -n -e 1p -e 4p out >out.fixed &&
	test_cmp expect.fixed out.fixed &&
	sed -n -e 2,3p expect | sort >expect.children &&
	sed -n -e 2,3p out | sort >out.children &&
	test_cmp expect.children out.children &&
	test_line_count = 4 out
'

test_expect_success 'LABEL@head: the head of the labelled branch' '
	retort show shop@head >out 2>err &&
	cat >expect <<-EOF &&
	Rev: 5c0000000003 (head)
	Parent: 5b0000000002
	Also depends on: 7a0000000001
	Branch names: shop
	Path: $V/5c0000000003_shop_three.sql

	    shop three
	    
	    Revision ID: 5c0000000003
	    Revises: 5b0000000002
	    Create Date: 2024-01-01 00:00:00.000000
	    Depends On: 7a0000000001

	EOF
	test_cmp expect out &&
	retort show lib@head >out 2>err &&
	test_grep "^Rev: 9a0000000001 (head)$" out
'

test_expect_success 'LABEL@head from a label declared mid-chain' '
	retort show core@head >out 2>err &&
	test_grep "^Rev: c3c3000000a3 (head)$" out &&
	retort show edge@head >out 2>err &&
	test_grep "^Rev: e1e1000000b1 (head)$" out
'

test_expect_success 'REV@head: the head above a revision, by id or prefix' '
	retort show 5a00@head >out 2>err &&
	retort show shop@head >expect 2>err &&
	test_cmp expect out &&
	retort show c1c1000000a1@head >out 2>err &&
	retort show core@head >expect 2>err &&
	test_cmp expect out
'

test_expect_success 'REV@head above a branch point: several heads' '
	test_expect_code 255 retort show e0e0@head >out 2>err &&
	echo "FAILED: Multiple head revisions are present for given argument ${SQ}e0e0@head${SQ}; please specify a specific target revision, ${SQ}<branchname>@e0e0@head${SQ} to narrow to a specific head, or ${SQ}heads${SQ} for all heads" >expect &&
	test_cmp expect out
'

test_expect_success 'a bare label names the revision that declares it' '
	retort show core >out 2>err &&
	cat >expect <<-EOF &&
	Rev: c2c2000000a2
	Parent: c1c1000000a1
	Branch names: core
	Path: $V/c2c2000000a2_core_two.sql

	    core two
	    
	    Revision ID: c2c2000000a2
	    Revises: c1c1000000a1
	    Create Date: 2024-01-01 00:00:00.000000
	    Branch Labels: core

	EOF
	test_cmp expect out &&
	retort show lib >out 2>err &&
	cat >expect <<-EOF &&
	Rev: 9a0000000001 (head)
	Parent: <base>
	Branch names: lib
	Path: $V/9a0000000001_lib_base.sql

	    lib base
	    
	    Revision ID: 9a0000000001
	    Revises:
	    Create Date: 2024-01-01 00:00:00.000000
	    Branch Labels: lib

	EOF
	test_cmp expect out
'

test_expect_success 'LABEL@REV: a revision of that branch, by prefix' '
	retort show shop@5b00 >out 2>err &&
	test_grep "^Rev: 5b0000000002$" out &&
	test_grep "^Branch names: shop$" out &&
	test_expect_code 255 retort show auth@5b00 >out 2>err &&
	rt_cant_locate 5b00 >expect &&
	test_cmp expect out
'

test_expect_success 'an unknown label' '
	test_expect_code 255 retort show nosuch@head >out 2>err &&
	rt_cant_locate nosuch >expect &&
	test_cmp expect out
'

test_expect_success 'LABEL@base and REV@base resolve to nothing in show' '
	retort show auth@base >out 2>err &&
	test_must_be_empty out &&
	retort show 7c00@base >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'LABEL@-1 without a database counts from the head' '
	retort show shop@-1 >out 2>err &&
	test_grep "^Rev: 5b0000000002$" out
'

test_expect_success 'history -r LABEL@base:LABEL@head follows dependencies' '
	retort history -r shop@base:shop@head >out 2>err &&
	cat >expect <<-\EOF &&
	5b0000000002 (7a0000000001) -> 5c0000000003 (shop) (head), shop three
	5a0000000001 -> 5b0000000002 (shop), shop two
	<base> -> 5a0000000001 (shop), shop base
	<base> -> 7a0000000001 (auth), auth base
	EOF
	test_cmp expect out &&
	retort history -r auth@base:auth@head >out 2>err &&
	cat >expect <<-\EOF &&
	7b0000000002 (lib) -> 7c0000000003 (auth) (head), auth three
	7a0000000001 (5b0000000002) -> 7b0000000002 (auth), auth two
	<base> -> 7a0000000001 (auth), auth base
	<base> -> 9a0000000001 (lib) (effective head), lib base
	5a0000000001 -> 5b0000000002 (shop), shop two
	<base> -> 5a0000000001 (shop), shop base
	EOF
	test_cmp expect out &&
	retort history -r :auth@head >out 2>err &&
	test_cmp expect out
'

test_expect_success 'history -r over a spread label' '
	retort history -r core@base:core@head >out 2>err &&
	cat >expect <<-\EOF &&
	c2c2000000a2 -> c3c3000000a3 (core) (head), core three
	c1c1000000a1 -> c2c2000000a2 (core), core two
	<base> -> c1c1000000a1 (core), core one
	EOF
	test_cmp expect out
'

test_expect_success 'LABEL@+1 from an empty database starts at the label'\''s base' '
	retort upgrade shop@+1 >out 2>err &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	rt_log_expect "Running upgrade  -> 5a0000000001, shop base" >expect &&
	test_cmp expect actual &&
	at 5a0000000001 &&
	retort current >out 2>err &&
	echo 5a0000000001 >expect &&
	test_cmp expect out
'

test_expect_success 'LABEL@+1 moves only that branch' '
	retort upgrade shop@+1 >out 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "Running upgrade 5a0000000001 -> 5b0000000002, shop two" >expect &&
	test_cmp expect actual &&
	at 5b0000000002 &&
	retort upgrade auth@+1 >out 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "Running upgrade  -> 7a0000000001, auth base" >expect &&
	test_cmp expect actual &&
	at 5b0000000002 7a0000000001
'

test_expect_success 'current and history -i on two labelled branches' '
	retort current >out 2>err &&
	cat >expect <<-\EOF &&
	5b0000000002
	7a0000000001
	EOF
	sort out >out.sorted &&
	test_cmp expect out.sorted &&
	retort history -i >out 2>err &&
	cat >expect <<-\EOF &&
	5b0000000002 (7a0000000001) -> 5c0000000003 (shop) (head), shop three
	7b0000000002 (lib) -> 7c0000000003 (auth) (head), auth three
	7a0000000001 (5b0000000002) -> 7b0000000002 (auth), auth two
	5a0000000001 -> 5b0000000002 (shop) (current), shop two
	<base> -> 5a0000000001 (shop), shop base
	c2c2000000a2 -> c3c3000000a3 (core) (head), core three
	c1c1000000a1 -> c2c2000000a2 (core), core two
	<base> -> c1c1000000a1 (core), core one
	e0e0000000b0 -> e1e1000000b1 (edge) (head), edge one
	e0e0000000b0 -> e2e2000000b2 (head), edge two
	<base> -> e0e0000000b0 (branchpoint), edge root
	<base> -> 7a0000000001 (auth) (current), auth base
	<base> -> 9a0000000001 (lib) (effective head), lib base
	EOF
	test_cmp expect out
'

test_expect_success 'LABEL@+1 past the head of its branch' '
	retort upgrade shop@+1 >out 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "Running upgrade 5b0000000002 -> 5c0000000003, shop three" >expect &&
	test_cmp expect actual &&
	at 5c0000000003 &&
	test_expect_code 255 retort upgrade shop@+1 >out 2>err &&
	echo "FAILED: Relative revision +1 didn${SQ}t produce 1 migrations" >expect &&
	test_cmp expect out &&
	at 5c0000000003
'

test_expect_success 'LABEL@-1 steps that branch down, keeping the dependency' '
	retort downgrade shop@-1 >out 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "Running downgrade 5c0000000003 -> 5b0000000002, shop three" >expect &&
	test_cmp expect actual &&
	at 5b0000000002 7a0000000001
'

test_expect_success 'LABEL@head pulls in what the branch depends on, by id and by label' '
	retort upgrade auth@head >out 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "Running upgrade  -> 9a0000000001, lib base" \
		"Running upgrade 7a0000000001 -> 7b0000000002, auth two" \
		"Running upgrade 7b0000000002 -> 7c0000000003, auth three" >expect &&
	test_cmp expect actual &&
	at 7c0000000003
'

test_expect_success 'current lists the dependencies the table no longer stores' '
	retort current >out 2>err &&
	cat >expect <<-\EOF &&
	9a0000000001 (effective head)
	5b0000000002
	7c0000000003 (head)
	EOF
	sort expect >expect.sorted &&
	sort out >out.sorted &&
	test_cmp expect.sorted out.sorted
'

test_expect_success 'LABEL@+2 that cannot be made' '
	retort downgrade auth@-1 >out 2>err &&
	rt_log_lines err >actual &&
	rt_log_expect "Running downgrade 7c0000000003 -> 7b0000000002, auth three" >expect &&
	test_cmp expect actual &&
	at 7b0000000002 9a0000000001 &&
	test_expect_code 255 retort upgrade auth@+2 >out 2>err &&
	echo "FAILED: Relative revision +2 didn${SQ}t produce 2 migrations" >expect &&
	test_cmp expect out &&
	at 7b0000000002 9a0000000001
'

test_expect_success 'current with an effective head stored' '
	retort current >out 2>err &&
	cat >expect <<-\EOF &&
	5b0000000002
	7b0000000002
	9a0000000001 (effective head)
	EOF
	sort out >out.sorted &&
	test_cmp expect out.sorted
'

test_done
