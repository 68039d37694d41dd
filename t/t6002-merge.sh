#!/bin/bash
test_description='merge: writing merge revisions

reference/alembic.md §6.4: `merge REVISIONS -m MSG` writes a revision whose
Revises: lists the resolved revisions (for `heads`: in the order the heads
were loaded, not sorted), prints `Generating <path> ...  done`, and takes
--branch-label and --rev-id.  `merge heads` with a single head writes an
ordinary child.  The Alembic side: Alembic 1.8.1 (files read in sorted
order) on the equivalent .py projects; its docstring is the header here.'

. "$(dirname "$0")/test-lib.sh"

# rev ID PARENTS MSG: a revision script in migrations/versions.
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

# header FILE: the header block of a script (up to the first empty line),
# with the Create Date replaced by DATE.
header () {
	sed -n -e '/^$/q' -e 's/^-- Create Date: [0-9-]* [0-9:.]*$/-- Create Date: DATE/' -e p "$1"
}

# files DIR: the names of the scripts in DIR/migrations/versions.
files () {
	ls "$1/migrations/versions"
}

# mh DIR: the `mh` project of reference/alembic.md in DIR: aaaa -> bbbb ->
# dddd and aaaa -> cccc, two heads.
mh () {
	mkdir "$1" &&
	(
		cd "$1" &&
		rt_make_project &&
		rev aaaa00000001 "" "base rev" &&
		rev bbbb00000002 aaaa00000001 b1 &&
		rev cccc00000003 aaaa00000001 c1 &&
		rev dddd00000004 bbbb00000002 "d after b"
	)
}

test_expect_success 'merge heads -m MSG --rev-id: the Generating line' '
	mh p &&
	(
		cd p &&
		retort merge heads -m "merge d and c" --rev-id eeee00000005 >../out 2>../err
	) &&
	echo "Generating $TRASH_DIRECTORY/p/migrations/versions/eeee00000005_merge_d_and_c.sql ...  done" >expect &&
	test_cmp expect out
'

test_expect_success 'the merge script: Revises: the heads in load order' '
	header p/migrations/versions/eeee00000005_merge_d_and_c.sql >actual &&
	cat >expect <<-\EOF &&
	-- merge d and c
	--
	-- Revision ID: eeee00000005
	-- Revises: cccc00000003, dddd00000004
	-- Create Date: DATE
	EOF
	test_cmp expect actual &&
	test_grep "^-- +upgrade" p/migrations/versions/eeee00000005_merge_d_and_c.sql &&
	test_grep "^-- +downgrade" p/migrations/versions/eeee00000005_merge_d_and_c.sql
'

test_expect_success 'the merge revision is the single head, a merge point' '
	(
		cd p &&
		retort heads >../out 2>../err &&
		retort history >../out2 2>../err
	) &&
	echo "eeee00000005 (head)" >expect &&
	test_cmp expect out &&
	cat >expect <<-\EOF &&
	cccc00000003, dddd00000004 -> eeee00000005 (head) (mergepoint), merge d and c
	aaaa00000001 -> cccc00000003, c1
	bbbb00000002 -> dddd00000004, d after b
	aaaa00000001 -> bbbb00000002, b1
	<base> -> aaaa00000001 (branchpoint), base rev
	EOF
	test_cmp expect out2
'

test_expect_success 'upgrade head runs through the new merge' '
	(
		cd p &&
		retort upgrade head >../out 2>../err
	) &&
	rt_log_lines err >actual &&
	rt_log_expect "Running upgrade  -> aaaa00000001, base rev" \
		"Running upgrade aaaa00000001 -> bbbb00000002, b1" \
		"Running upgrade bbbb00000002 -> dddd00000004, d after b" \
		"Running upgrade aaaa00000001 -> cccc00000003, c1" \
		"Running upgrade cccc00000003, dddd00000004 -> eeee00000005, merge d and c" >expect &&
	test_cmp expect actual &&
	echo eeee00000005 >expect &&
	rt_versions p/test.db >actual &&
	test_cmp expect actual
'

test_expect_success 'merge heads when load order is not id order' '
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
			migrations/versions/2024_02_01-0000bbbb0003_early_id.sql &&
		retort merge heads -m m --rev-id cccc >../out 2>../err
	) &&
	echo "Generating $TRASH_DIRECTORY/lo/migrations/versions/cccc_m.sql ...  done" >expect &&
	test_cmp expect out &&
	test_grep "^-- Revises: ffff00000002, 0000bbbb0003$" lo/migrations/versions/cccc_m.sql
'

test_expect_success 'merge without -m: empty message' '
	mh nomsg &&
	(
		cd nomsg &&
		retort merge heads --rev-id e5 >../out 2>../err
	) &&
	echo "Generating $TRASH_DIRECTORY/nomsg/migrations/versions/e5_.sql ...  done" >expect &&
	test_cmp expect out &&
	header nomsg/migrations/versions/e5_.sql >actual &&
	cat >expect <<-\EOF &&
	-- empty message
	--
	-- Revision ID: e5
	-- Revises: cccc00000003, dddd00000004
	-- Create Date: DATE
	EOF
	test_cmp expect actual
'

test_expect_success 'merge --branch-label: the label is written and shown' '
	mh bl &&
	(
		cd bl &&
		retort merge heads -m "merge" --branch-label merged --rev-id eeee00000005 >../out 2>../err
	) &&
	echo "Generating $TRASH_DIRECTORY/bl/migrations/versions/eeee00000005_merge.sql ...  done" >expect &&
	test_cmp expect out &&
	header bl/migrations/versions/eeee00000005_merge.sql >actual &&
	cat >expect <<-\EOF &&
	-- merge
	--
	-- Revision ID: eeee00000005
	-- Revises: cccc00000003, dddd00000004
	-- Create Date: DATE
	-- Branch Labels: merged
	EOF
	test_cmp expect actual &&
	(
		cd bl &&
		retort heads >../out 2>../err &&
		retort show merged@head >../out2 2>../err
	) &&
	echo "eeee00000005 (merged) (head)" >expect &&
	test_cmp expect out &&
	test_grep "^Branch names: merged$" out2
'

test_expect_success 'merge explicit revisions: Revises: in the order given' '
	mh ex &&
	(
		cd ex &&
		retort merge dddd cccc00000003 -m explicit --rev-id eeee00000005 >../out 2>../err
	) &&
	echo "Generating $TRASH_DIRECTORY/ex/migrations/versions/eeee00000005_explicit.sql ...  done" >expect &&
	test_cmp expect out &&
	header ex/migrations/versions/eeee00000005_explicit.sql >actual &&
	cat >expect <<-\EOF &&
	-- explicit
	--
	-- Revision ID: eeee00000005
	-- Revises: dddd00000004, cccc00000003
	-- Create Date: DATE
	EOF
	test_cmp expect actual
'

test_expect_success 'merge of one explicit head: an ordinary child' '
	mh one &&
	(
		cd one &&
		retort merge cccc -m single --rev-id e5 >../out 2>../err
	) &&
	echo "Generating $TRASH_DIRECTORY/one/migrations/versions/e5_single.sql ...  done" >expect &&
	test_cmp expect out &&
	test_grep "^-- Revises: cccc00000003$" one/migrations/versions/e5_single.sql
'

test_expect_success 'merge heads with a single head: an ordinary child revision' '
	rt_make_lin_project lin &&
	(
		cd lin &&
		retort merge heads -m lonely --rev-id 4444dddd0004 >../out 2>../err
	) &&
	echo "Generating $TRASH_DIRECTORY/lin/migrations/versions/4444dddd0004_lonely.sql ...  done" >expect &&
	test_cmp expect out &&
	header lin/migrations/versions/4444dddd0004_lonely.sql >actual &&
	cat >expect <<-\EOF &&
	-- lonely
	--
	-- Revision ID: 4444dddd0004
	-- Revises: 3333cccc0003
	-- Create Date: DATE
	EOF
	test_cmp expect actual &&
	(
		cd lin &&
		retort history -r 3333: >../out 2>../err
	) &&
	cat >expect <<-\EOF &&
	3333cccc0003 -> 4444dddd0004 (head), lonely
	2222bbbb0002 -> 3333cccc0003, add index on email
	EOF
	test_cmp expect out
'

test_expect_success 'merge of a revision that is not a head is refused, nothing written' '
	mh nh &&
	files nh >before &&
	(
		cd nh &&
		test_expect_code 255 retort merge bbbb cccc -m x --rev-id eeee00000005 >../out 2>../err
	) &&
	echo "FAILED: Revision bbbb00000002 is not a head revision; please specify --splice to create a new branch from this revision" >expect &&
	test_cmp expect out &&
	files nh >after &&
	test_cmp before after
'

test_expect_success 'merge of the same head twice is refused' '
	(
		cd nh &&
		test_expect_code 255 retort merge cccc cccc00000003 -m x --rev-id e5 >../out 2>../err
	) &&
	echo "FAILED: Duplicate head revisions specified" >expect &&
	test_cmp expect out &&
	files nh >after &&
	test_cmp before after
'

test_expect_success 'merge of an unknown revision' '
	(
		cd nh &&
		test_expect_code 255 retort merge heads nosuch -m x >../out 2>../err
	) &&
	rt_cant_locate nosuch >expect &&
	test_cmp expect out &&
	files nh >after &&
	test_cmp before after
'

test_expect_success 'merge without revisions is a usage error' '
	(
		cd nh &&
		test_expect_code 2 retort merge -m x >../out 2>../err
	) &&
	test_must_be_empty out &&
	test_grep "error: the following arguments are required: revisions" err
'

test_expect_success 'merge --rev-id of an existing revision is refused (retort only)' '
	# Alembic writes a second file with that id and warns
	# "Revision X is present more than once" from then on.
	(
		cd nh &&
		test_expect_code 255 retort merge heads -m x --rev-id cccc00000003 >../out 2>../err
	) &&
	rt_failed out err cccc00000003 &&
	files nh >after &&
	test_cmp before after
'

test_expect_success 'merge --branch-label already used is refused before writing (retort only)' '
	# Alembic writes the file, then fails with a RevisionError traceback,
	# leaving a script that breaks every later command.
	mh dup &&
	(
		cd dup &&
		retort merge heads -m first --branch-label shop --rev-id e5 >../out 2>../err &&
		retort revision -m second --rev-id e6 >../out 2>../err
	) &&
	files dup >before &&
	(
		cd dup &&
		test_expect_code 255 retort merge e6 -m third --branch-label shop --rev-id e7 >../out 2>../err
	) &&
	rt_failed out err "Branch name ${SQ}shop${SQ}" &&
	files dup >after &&
	test_cmp before after
'

test_done
