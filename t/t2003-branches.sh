#!/bin/bash
test_description='branches, heads, history, current and show on a branched graph

The graph (`br` of reference/alembic.md §0.2, grown by three heads):

	aaaa -> bbbb -> dddd -> eeee (merges cccc, dddd) -> ffff -> 1a1a
	aaaa -> cccc ---------/                               ffff -> 2b2b
	                                                      ffff -> 3c3c

so aaaa and ffff are branch points, eeee is a merge point and there are
three heads.  Every expected text was printed by Alembic 1.8.1 (reading
the files in sorted order, as Alembic 1.10+ does) on the equivalent .py
project.

Where Alembic takes its order from a Python set, it changes with the hash
seed: the child lines under a branch point in `branches`, the list after
`Branches into:`, and the lines of `current` / the entries of `current -v`.
Those outputs are compared after sorting (canon_set_order, sort).  retort
prints one fixed order that is among Alembic'\''s: branch children in load
order (sorted file names), `current` in history order (newest first); the
tests named "retort'\''s fixed order" pin that choice.'

. "$(dirname "$0")/test-lib.sh"

V=$TRASH_DIRECTORY/migrations/versions

# rev ID PARENTS MSG: a revision script in migrations/versions (PARENTS
# comma-separated, empty for a base) that creates the table t_ID.
rev () {
	local file

	file="migrations/versions/$1_$(rt_slug "$3").sql"
	{
		printf -- '-- %s\n--\n-- Revision ID: %s\n' "$3" "$1"
		printf -- '-- Revises:%s\n' "${2:+ $2}"
		printf -- '-- Create Date: 2024-01-01 00:00:00.000000\n\n'
		printf -- '-- +upgrade\nCREATE TABLE t_%s (id INTEGER);\n\n' "$1"
		printf -- '-- +downgrade\nDROP TABLE t_%s;\n' "$1"
	} >"$file"
}

# canon_set_order FILE: FILE with the parts Alembic prints in set order
# sorted: each run of "   -> child" lines and the "Branches into:" list.
canon_set_order () {
	perl -ne '
		if (/^ +-> /) { push @run, $_; next }
		print sort @run; @run = ();
		s/^(Branches into: )(.*)$/$1 . join(", ", sort split(m{, }, $2))/e;
		print;
		END { print sort @run }
	' "$1"
}

# canon_entries FILE: FILE with its verbose entries ("Rev: ..." up to the
# next one) sorted, the lines before the first entry kept in front.
canon_entries () {
	perl -e '
		local $/; my $t = <>;
		my @p = split /(?=^Rev: )/m, $t;
		my $head = $p[0] =~ /^Rev: / ? "" : shift @p;
		print $head, sort @p;
	' "$1"
}

# same_set_order EXPECT ACTUAL: equal once the set-ordered parts are sorted.
same_set_order () {
	canon_set_order "$1" >"$1.canon" &&
	canon_set_order "$2" >"$2.canon" &&
	test_cmp "$1.canon" "$2.canon"
}

test_expect_success 'setup' '
	rt_make_project &&
	rev aaaa00000001 "" "base rev" &&
	rev bbbb00000002 aaaa00000001 b1 &&
	rev cccc00000003 aaaa00000001 c1 &&
	rev dddd00000004 bbbb00000002 "d after b" &&
	rev eeee00000005 "cccc00000003, dddd00000004" "merge d and c" &&
	rev ffff00000006 eeee00000005 "after merge" &&
	rev 1a1a00000007 ffff00000006 left &&
	rev 2b2b00000008 ffff00000006 right &&
	rev 3c3c00000009 ffff00000006 third
'

test_expect_success 'branches: one block per branch point, newest first' '
	retort branches >out 2>err &&
	cat >expect <<-\EOF &&
	ffff00000006 (branchpoint)
	             -> 1a1a00000007 (head)
	             -> 2b2b00000008 (head)
	             -> 3c3c00000009 (head)

	aaaa00000001 (branchpoint)
	             -> bbbb00000002
	             -> cccc00000003

	EOF
	same_set_order expect out &&
	test_path_is_missing test.db
'

test_expect_success 'branches -v: verbose branch point, children with their doc' '
	retort branches -v >out 2>err &&
	cat >expect <<-EOF &&
	Rev: ffff00000006 (branchpoint)
	Parent: eeee00000005
	Branches into: 1a1a00000007, 2b2b00000008, 3c3c00000009
	Path: $V/ffff00000006_after_merge.sql

	    after merge
	    
	    Revision ID: ffff00000006
	    Revises: eeee00000005
	    Create Date: 2024-01-01 00:00:00.000000

	             -> 1a1a00000007 (head), left
	             -> 2b2b00000008 (head), right
	             -> 3c3c00000009 (head), third

	Rev: aaaa00000001 (branchpoint)
	Parent: <base>
	Branches into: bbbb00000002, cccc00000003
	Path: $V/aaaa00000001_base_rev.sql

	    base rev
	    
	    Revision ID: aaaa00000001
	    Revises:
	    Create Date: 2024-01-01 00:00:00.000000

	             -> bbbb00000002, b1
	             -> cccc00000003, c1

	EOF
	same_set_order expect out &&
	retort branches --verbose >out2 2>err &&
	test_cmp out out2
'

test_expect_success 'history: branch point and merge point markers' '
	retort history >out 2>err &&
	cat >expect <<-\EOF &&
	ffff00000006 -> 1a1a00000007 (head), left
	ffff00000006 -> 2b2b00000008 (head), right
	ffff00000006 -> 3c3c00000009 (head), third
	eeee00000005 -> ffff00000006 (branchpoint), after merge
	cccc00000003, dddd00000004 -> eeee00000005 (mergepoint), merge d and c
	aaaa00000001 -> cccc00000003, c1
	bbbb00000002 -> dddd00000004, d after b
	aaaa00000001 -> bbbb00000002, b1
	<base> -> aaaa00000001 (branchpoint), base rev
	EOF
	test_cmp expect out &&
	test_path_is_missing test.db
'

test_expect_success 'heads: every head, in load order' '
	retort heads >out 2>err &&
	cat >expect <<-\EOF &&
	1a1a00000007 (head)
	2b2b00000008 (head)
	3c3c00000009 (head)
	EOF
	test_cmp expect out
'

test_expect_success 'heads --resolve-dependencies: the same without dependencies' '
	retort heads --resolve-dependencies >out 2>err &&
	cat >expect <<-\EOF &&
	1a1a00000007 (head)
	2b2b00000008 (head)
	3c3c00000009 (head)
	EOF
	test_cmp expect out
'

test_expect_success 'heads -v and show heads: a verbose entry per head' '
	retort heads -v >out 2>err &&
	cat >expect <<-EOF &&
	Rev: 1a1a00000007 (head)
	Parent: ffff00000006
	Path: $V/1a1a00000007_left.sql

	    left
	    
	    Revision ID: 1a1a00000007
	    Revises: ffff00000006
	    Create Date: 2024-01-01 00:00:00.000000

	Rev: 2b2b00000008 (head)
	Parent: ffff00000006
	Path: $V/2b2b00000008_right.sql

	    right
	    
	    Revision ID: 2b2b00000008
	    Revises: ffff00000006
	    Create Date: 2024-01-01 00:00:00.000000

	Rev: 3c3c00000009 (head)
	Parent: ffff00000006
	Path: $V/3c3c00000009_third.sql

	    third
	    
	    Revision ID: 3c3c00000009
	    Revises: ffff00000006
	    Create Date: 2024-01-01 00:00:00.000000

	EOF
	test_cmp expect out &&
	retort show heads >out 2>err &&
	test_cmp expect out
'

test_expect_success 'show a merge point: Merges: instead of Parent:' '
	retort show eeee >out 2>err &&
	cat >expect <<-EOF &&
	Rev: eeee00000005 (mergepoint)
	Merges: cccc00000003, dddd00000004
	Path: $V/eeee00000005_merge_d_and_c.sql

	    merge d and c
	    
	    Revision ID: eeee00000005
	    Revises: cccc00000003, dddd00000004
	    Create Date: 2024-01-01 00:00:00.000000

	EOF
	test_cmp expect out
'

test_expect_success 'show a branch point: Branches into:' '
	retort show ffff >out 2>err &&
	cat >expect <<-EOF &&
	Rev: ffff00000006 (branchpoint)
	Parent: eeee00000005
	Branches into: 1a1a00000007, 2b2b00000008, 3c3c00000009
	Path: $V/ffff00000006_after_merge.sql

	    after merge
	    
	    Revision ID: ffff00000006
	    Revises: eeee00000005
	    Create Date: 2024-01-01 00:00:00.000000

	EOF
	same_set_order expect out &&
	retort show aaaa00000001 >out 2>err &&
	cat >expect <<-EOF &&
	Rev: aaaa00000001 (branchpoint)
	Parent: <base>
	Branches into: bbbb00000002, cccc00000003
	Path: $V/aaaa00000001_base_rev.sql

	    base rev
	    
	    Revision ID: aaaa00000001
	    Revises:
	    Create Date: 2024-01-01 00:00:00.000000

	EOF
	same_set_order expect out
'

test_expect_success 'history -r from one side of the merge through it' '
	retort history -r bbbb:ffff >out 2>err &&
	cat >expect <<-\EOF &&
	eeee00000005 -> ffff00000006 (branchpoint), after merge
	cccc00000003, dddd00000004 -> eeee00000005 (mergepoint), merge d and c
	bbbb00000002 -> dddd00000004, d after b
	aaaa00000001 -> bbbb00000002, b1
	EOF
	test_cmp expect out &&
	retort history -r cccc: >out 2>err &&
	cat >expect <<-\EOF &&
	ffff00000006 -> 1a1a00000007 (head), left
	ffff00000006 -> 2b2b00000008 (head), right
	ffff00000006 -> 3c3c00000009 (head), third
	eeee00000005 -> ffff00000006 (branchpoint), after merge
	cccc00000003, dddd00000004 -> eeee00000005 (mergepoint), merge d and c
	aaaa00000001 -> cccc00000003, c1
	EOF
	test_cmp expect out &&
	retort history -r dddd:1a1a >out 2>err &&
	cat >expect <<-\EOF &&
	ffff00000006 -> 1a1a00000007 (head), left
	eeee00000005 -> ffff00000006 (branchpoint), after merge
	cccc00000003, dddd00000004 -> eeee00000005 (mergepoint), merge d and c
	bbbb00000002 -> dddd00000004, d after b
	EOF
	test_cmp expect out
'

test_expect_success 'history -r up to a merge point takes both sides' '
	cat >expect <<-\EOF &&
	cccc00000003, dddd00000004 -> eeee00000005 (mergepoint), merge d and c
	aaaa00000001 -> cccc00000003, c1
	bbbb00000002 -> dddd00000004, d after b
	aaaa00000001 -> bbbb00000002, b1
	<base> -> aaaa00000001 (branchpoint), base rev
	EOF
	retort history -r :eeee >out 2>err &&
	test_cmp expect out &&
	retort history -r aaaa:eeee >out 2>err &&
	test_cmp expect out &&
	retort history -r base:eeee >out 2>err &&
	test_cmp expect out
'

test_expect_success 'history -r from a merge point to the heads' '
	retort history -r eeee:heads >out 2>err &&
	cat >expect <<-\EOF &&
	ffff00000006 -> 1a1a00000007 (head), left
	ffff00000006 -> 2b2b00000008 (head), right
	ffff00000006 -> 3c3c00000009 (head), third
	eeee00000005 -> ffff00000006 (branchpoint), after merge
	cccc00000003, dddd00000004 -> eeee00000005 (mergepoint), merge d and c
	EOF
	test_cmp expect out
'

test_expect_success 'history -v -r across the merge' '
	retort history -v -r eeee:ffff >out 2>err &&
	cat >expect <<-EOF &&
	Rev: ffff00000006 (branchpoint)
	Parent: eeee00000005
	Branches into: 1a1a00000007, 2b2b00000008, 3c3c00000009
	Path: $V/ffff00000006_after_merge.sql

	    after merge
	    
	    Revision ID: ffff00000006
	    Revises: eeee00000005
	    Create Date: 2024-01-01 00:00:00.000000

	Rev: eeee00000005 (mergepoint)
	Merges: cccc00000003, dddd00000004
	Path: $V/eeee00000005_merge_d_and_c.sql

	    merge d and c
	    
	    Revision ID: eeee00000005
	    Revises: cccc00000003, dddd00000004
	    Create Date: 2024-01-01 00:00:00.000000

	EOF
	same_set_order expect out
'

test_expect_success 'history -r between two branches is refused' '
	test_expect_code 255 retort history -r cccc:dddd >out 2>err &&
	echo "FAILED: Requested range cccc:dddd does not refer to ancestor/descendant revisions along the same branch" >expect &&
	test_cmp expect out
'

test_expect_success 'current with two heads: one line each' '
	retort stamp 1a1a00000007 2b2b00000008 >out 2>err &&
	retort current >out 2>err &&
	cat >expect <<-\EOF &&
	2b2b00000008 (head)
	1a1a00000007 (head)
	EOF
	sort expect >expect.sorted &&
	sort out >out.sorted &&
	test_cmp expect.sorted out.sorted
'

test_expect_success 'retort'\''s fixed order: current in history order' '
	cat >expect <<-\EOF &&
	1a1a00000007 (head)
	2b2b00000008 (head)
	EOF
	test_cmp expect out
'

test_expect_success 'current -v with two heads' '
	retort current -v >out 2>err &&
	cat >expect <<-EOF &&
	Current revision(s) for sqlite:///test.db:
	Rev: 1a1a00000007 (head)
	Parent: ffff00000006
	Path: $V/1a1a00000007_left.sql

	    left
	    
	    Revision ID: 1a1a00000007
	    Revises: ffff00000006
	    Create Date: 2024-01-01 00:00:00.000000

	Rev: 2b2b00000008 (head)
	Parent: ffff00000006
	Path: $V/2b2b00000008_right.sql

	    right
	    
	    Revision ID: 2b2b00000008
	    Revises: ffff00000006
	    Create Date: 2024-01-01 00:00:00.000000

	EOF
	canon_entries expect >expect.canon &&
	canon_entries out >out.canon &&
	test_cmp expect.canon out.canon
'

test_expect_success 'history -i marks both current heads' '
	retort history -i >out 2>err &&
	cat >expect <<-\EOF &&
	ffff00000006 -> 1a1a00000007 (head) (current), left
	ffff00000006 -> 2b2b00000008 (head) (current), right
	ffff00000006 -> 3c3c00000009 (head), third
	eeee00000005 -> ffff00000006 (branchpoint), after merge
	cccc00000003, dddd00000004 -> eeee00000005 (mergepoint), merge d and c
	aaaa00000001 -> cccc00000003, c1
	bbbb00000002 -> dddd00000004, d after b
	aaaa00000001 -> bbbb00000002, b1
	<base> -> aaaa00000001 (branchpoint), base rev
	EOF
	test_cmp expect out &&
	retort history --indicate-current >out 2>err &&
	test_cmp expect out
'

test_expect_success 'history -r current: and :current with two heads' '
	retort history -r current: >out 2>err &&
	cat >expect <<-\EOF &&
	ffff00000006 -> 1a1a00000007 (head), left
	ffff00000006 -> 2b2b00000008 (head), right
	EOF
	test_cmp expect out &&
	retort history -r :current >out 2>err &&
	cat >expect <<-\EOF &&
	ffff00000006 -> 1a1a00000007 (head), left
	ffff00000006 -> 2b2b00000008 (head), right
	eeee00000005 -> ffff00000006 (branchpoint), after merge
	cccc00000003, dddd00000004 -> eeee00000005 (mergepoint), merge d and c
	aaaa00000001 -> cccc00000003, c1
	bbbb00000002 -> dddd00000004, d after b
	aaaa00000001 -> bbbb00000002, b1
	<base> -> aaaa00000001 (branchpoint), base rev
	EOF
	test_cmp expect out
'

test_expect_success 'current on the two sides of the merge, not heads' '
	retort stamp --purge cccc00000003 dddd00000004 >out 2>err &&
	retort current >out 2>err &&
	cat >expect <<-\EOF &&
	cccc00000003
	dddd00000004
	EOF
	sort out >out.sorted &&
	test_cmp expect out.sorted
'

test_expect_success 'current on a merge point and on a branch point' '
	retort stamp --purge eeee00000005 >out 2>err &&
	retort current >out 2>err &&
	echo "eeee00000005 (mergepoint)" >expect &&
	test_cmp expect out &&
	retort stamp --purge ffff00000006 >out 2>err &&
	retort current >out 2>err &&
	echo "ffff00000006 (branchpoint)" >expect &&
	test_cmp expect out &&
	retort stamp --purge aaaa00000001 >out 2>err &&
	retort current >out 2>err &&
	echo "aaaa00000001 (branchpoint)" >expect &&
	test_cmp expect out
'

test_expect_success 'history -i -r with the database on a branch point' '
	retort stamp --purge ffff00000006 >out 2>err &&
	retort history -i -r dddd:ffff >out 2>err &&
	cat >expect <<-\EOF &&
	eeee00000005 -> ffff00000006 (current) (branchpoint), after merge
	cccc00000003, dddd00000004 -> eeee00000005 (mergepoint), merge d and c
	bbbb00000002 -> dddd00000004, d after b
	EOF
	test_cmp expect out
'

test_expect_success 'setup: a branch point whose load order is not id order' '
	mkdir lo &&
	(
		cd lo &&
		rt_make_project &&
		rev aaaa00000001 "" "base rev" &&
		rev ffff00000002 aaaa00000001 "late id" &&
		rev 0000bbbb0003 aaaa00000001 "early id" &&
		mv migrations/versions/ffff00000002_late_id.sql \
			migrations/versions/2024_01_01-ffff00000002_late_id.sql &&
		mv migrations/versions/0000bbbb0003_early_id.sql \
			migrations/versions/2024_02_01-0000bbbb0003_early_id.sql
	)
'

test_expect_success 'heads and history follow load order, not id order' '
	(
		cd lo &&
		retort heads >../out 2>../err &&
		retort history >../out2 2>../err
	) &&
	cat >expect <<-\EOF &&
	ffff00000002 (head)
	0000bbbb0003 (head)
	EOF
	test_cmp expect out &&
	cat >expect <<-\EOF &&
	aaaa00000001 -> ffff00000002 (head), late id
	aaaa00000001 -> 0000bbbb0003 (head), early id
	<base> -> aaaa00000001 (branchpoint), base rev
	EOF
	test_cmp expect out2
'

test_expect_success 'branches: the same children as Alembic' '
	(
		cd lo &&
		retort branches >../out 2>../err
	) &&
	cat >expect <<-\EOF &&
	aaaa00000001 (branchpoint)
	             -> 0000bbbb0003 (head)
	             -> ffff00000002 (head)

	EOF
	same_set_order expect out
'

test_expect_success 'retort'\''s fixed order: branch children in load order' '
	cat >expect <<-\EOF &&
	aaaa00000001 (branchpoint)
	             -> ffff00000002 (head)
	             -> 0000bbbb0003 (head)

	EOF
	test_cmp expect out &&
	(
		cd lo &&
		retort show aaaa >../out 2>../err
	) &&
	test_grep "^Branches into: ffff00000002, 0000bbbb0003$" out
'

test_done
