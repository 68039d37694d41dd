#!/bin/bash
test_description='upgrade, downgrade and stamp on branched graphs

Two projects:
- br: aaaa -> {bbbb -> dddd, cccc}, eeee merges (cccc, dddd), ffff after it,
  then ffff -> {1a1a, 2b2b, 3c3c}: a branch point, a merge point, another
  branch point, three heads;
- lbl: three labelled roots with dependencies (shop, auth, lib) and two
  more roots (core: a labelled chain; edge: a branch point), as in t2004.
After every command the `Running ...` lines (stderr), in their order, and
the alembic_version rows are those Alembic 1.8.1 printed and left on the
equivalent .py project (Alembic reading files in sorted order).  Alembic
upgrades the branch whose head is loaded first last, see
conformance/README.md.'

. "$(dirname "$0")/test-lib.sh"

# rev ID PARENTS MSG [LABELS [DEPENDS]]: a revision script that creates
# the table t_ID (and drops it on the way down).
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

# at DB ROW...: the version table of DB holds exactly these rows.
at () {
	local db=$1

	shift
	printf '%s\n' "$@" | sed -e '/^$/d' | sort >expect.rows &&
	rt_versions "$db" >actual.rows &&
	test_cmp expect.rows actual.rows
}

# tables DB ID...: the t_<id> tables of DB are exactly those of the IDs,
# i.e. the scripts that ran are those of the revisions recorded.
tables () {
	local db=$1

	shift
	printf 't_%s\n' "$@" | sed -e '/^t_$/d' | sort >expect.tables &&
	{ rt_tables "$db" | grep '^t_' || :; } >actual.tables &&
	test_cmp expect.tables actual.tables
}

# ran LINE...: stderr (file err) holds exactly these Running lines.
ran () {
	if [ $# = 0 ]; then
		: >expect.log
	else
		rt_log_expect "$@" >expect.log
	fi &&
	rt_log_lines err >actual.log &&
	test_cmp expect.log actual.log
}

UA='Running upgrade  -> aaaa00000001, base rev'
UB='Running upgrade aaaa00000001 -> bbbb00000002, b1'
UC='Running upgrade aaaa00000001 -> cccc00000003, c1'
UD='Running upgrade bbbb00000002 -> dddd00000004, d after b'
UE='Running upgrade cccc00000003, dddd00000004 -> eeee00000005, merge d and c'
UF='Running upgrade eeee00000005 -> ffff00000006, after merge'
U1='Running upgrade ffff00000006 -> 1a1a00000007, left'
U2='Running upgrade ffff00000006 -> 2b2b00000008, right'
U3='Running upgrade ffff00000006 -> 3c3c00000009, third'
DA='Running downgrade aaaa00000001 -> , base rev'
DB='Running downgrade bbbb00000002 -> aaaa00000001, b1'
DC='Running downgrade cccc00000003 -> aaaa00000001, c1'
DD='Running downgrade dddd00000004 -> bbbb00000002, d after b'
DE='Running downgrade eeee00000005 -> cccc00000003, dddd00000004, merge d and c'
DF='Running downgrade ffff00000006 -> eeee00000005, after merge'
D1='Running downgrade 1a1a00000007 -> ffff00000006, left'
D2='Running downgrade 2b2b00000008 -> ffff00000006, right'
D3='Running downgrade 3c3c00000009 -> ffff00000006, third'

MULTI="FAILED: Multiple head revisions are present for given argument 'head'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads"

test_expect_success 'setup' '
	mkdir br lbl &&
	(
		cd br &&
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
	) &&
	(
		cd lbl &&
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
	)
'

# --- br: heads, the merge point, the branch points ----------------------------

test_expect_success 'upgrade head with three heads fails, nothing is run' '
	(
		cd br &&
		test_expect_code 255 retort upgrade head >../out 2>../err
	) &&
	echo "$MULTI" >expect &&
	test_cmp expect out &&
	ran &&
	at br/test.db &&
	if [ -f br/test.db ]; then tables br/test.db; fi
'

test_expect_success 'upgrade heads: the branch loaded first is upgraded last' '
	(
		cd br &&
		retort upgrade heads >../out 2>../err
	) &&
	test_must_be_empty out &&
	ran "$UA" "$UB" "$UD" "$UC" "$UE" "$UF" "$U3" "$U2" "$U1" &&
	at br/test.db 1a1a00000007 2b2b00000008 3c3c00000009 &&
	tables br/test.db aaaa00000001 bbbb00000002 cccc00000003 dddd00000004 \
		eeee00000005 ffff00000006 1a1a00000007 2b2b00000008 3c3c00000009
'

test_expect_success 'upgrade head still fails at the heads; the database is untouched' '
	rt_schema br/test.db >schema.before &&
	(
		cd br &&
		test_expect_code 255 retort upgrade head >../out 2>../err
	) &&
	echo "$MULTI" >expect &&
	test_cmp expect out &&
	ran &&
	rt_schema br/test.db >schema.after &&
	test_cmp schema.before schema.after &&
	at br/test.db 1a1a00000007 2b2b00000008 3c3c00000009
'

test_expect_success 'downgrade to a merge point: the three heads, then the branch point' '
	(
		cd br &&
		retort downgrade eeee00000005 >../out 2>../err
	) &&
	test_must_be_empty out &&
	ran "$D1" "$D2" "$D3" "$DF" &&
	at br/test.db eeee00000005
'

test_expect_success 'downgrade across the merge point to one side' '
	(
		cd br &&
		retort downgrade bbbb00000002 >../out 2>../err
	) &&
	ran "$DE" "$DD" &&
	at br/test.db bbbb00000002 cccc00000003 &&
	tables br/test.db aaaa00000001 bbbb00000002 cccc00000003
'

test_expect_success 'upgrade through the merge point from two rows' '
	(
		cd br &&
		retort upgrade ffff00000006 >../out 2>../err
	) &&
	ran "$UD" "$UE" "$UF" &&
	at br/test.db ffff00000006
'

test_expect_success 'downgrade to a parent of the merge point: unmerge' '
	(
		cd br &&
		retort downgrade dddd00000004 >../out 2>../err
	) &&
	ran "$DF" "$DE" &&
	at br/test.db cccc00000003 dddd00000004
'

test_expect_success 'downgrade -1 with two rows steps down the first row read' '
	(
		cd br &&
		retort downgrade -1 >../out 2>../err
	) &&
	test_must_be_empty out &&
	ran "$DD" &&
	at br/test.db bbbb00000002 cccc00000003
'

test_expect_success 'upgrade one head from two rows' '
	(
		cd br &&
		retort upgrade 2b2b00000008 >../out 2>../err
	) &&
	ran "$UD" "$UE" "$UF" "$U2" &&
	at br/test.db 2b2b00000008 &&
	(
		cd br &&
		retort upgrade heads >../out 2>../err
	) &&
	ran "$U3" "$U1" &&
	at br/test.db 1a1a00000007 2b2b00000008 3c3c00000009
'

test_expect_success 'downgrade to the branch point joins the heads' '
	(
		cd br &&
		retort downgrade ffff00000006 >../out 2>../err
	) &&
	ran "$D1" "$D2" "$D3" &&
	at br/test.db ffff00000006
'

test_expect_success 'downgrade across the merge down to the first branch point' '
	(
		cd br &&
		retort downgrade aaaa00000001 >../out 2>../err
	) &&
	ran "$DF" "$DE" "$DC" "$DD" "$DB" &&
	at br/test.db aaaa00000001 &&
	tables br/test.db aaaa00000001
'

test_expect_success 'upgrade one side, then the other, then the merge' '
	(
		cd br &&
		retort upgrade cccc00000003 >../out 2>../err
	) &&
	ran "$UC" &&
	at br/test.db cccc00000003 &&
	(
		cd br &&
		retort upgrade dddd00000004 >../out 2>../err
	) &&
	ran "$UB" "$UD" &&
	at br/test.db cccc00000003 dddd00000004 &&
	(
		cd br &&
		retort upgrade eeee00000005 >../out 2>../err
	) &&
	ran "$UE" &&
	at br/test.db eeee00000005
'

test_expect_success 'upgrade to one head, then to another' '
	(
		cd br &&
		retort upgrade 1a1a00000007 >../out 2>../err
	) &&
	ran "$UF" "$U1" &&
	at br/test.db 1a1a00000007 &&
	(
		cd br &&
		retort upgrade 3c3c00000009 >../out 2>../err
	) &&
	ran "$U3" &&
	at br/test.db 1a1a00000007 3c3c00000009
'

test_expect_success 'downgrade base from two heads, across both branch points and the merge' '
	(
		cd br &&
		retort downgrade base >../out 2>../err
	) &&
	test_must_be_empty out &&
	ran "$D1" "$D3" "$DF" "$DE" "$DC" "$DD" "$DB" "$DA" &&
	at br/test.db &&
	tables br/test.db
'

# --- br: stamp ------------------------------------------------------------------

test_expect_success 'stamp two heads' '
	(
		cd br &&
		retort stamp 1a1a00000007 3c3c00000009 >../out 2>../err
	) &&
	test_must_be_empty out &&
	ran "Running stamp_revision  -> 1a1a00000007" \
		"Running stamp_revision  -> 3c3c00000009" &&
	at br/test.db 1a1a00000007 3c3c00000009 &&
	tables br/test.db
'

test_expect_success 'stamp heads adds the missing head' '
	(
		cd br &&
		retort stamp heads >../out 2>../err
	) &&
	ran "Running stamp_revision  -> 2b2b00000008" &&
	at br/test.db 1a1a00000007 2b2b00000008 3c3c00000009
'

test_expect_success 'stamp a merge point from three heads' '
	(
		cd br &&
		retort stamp eeee00000005 >../out 2>../err
	) &&
	ran "Running stamp_revision 1a1a00000007, 3c3c00000009, 2b2b00000008 -> eeee00000005" &&
	at br/test.db eeee00000005
'

test_expect_success 'stamp both parents of the current merge point fails after the first' '
	# Alembic stamps eeee -> cccc, then crashes with KeyError: eeee00000005
	# (exit 1, nothing on stdout), the first step committed.
	(
		cd br &&
		test_must_fail retort stamp cccc00000003 dddd00000004 >../out 2>../err
	) &&
	test_must_be_empty out &&
	rt_failed out err &&
	ran "Running stamp_revision eeee00000005 -> cccc00000003" &&
	at br/test.db cccc00000003
'

test_expect_success 'stamp a merge point from one of its parents' '
	(
		cd br &&
		retort stamp eeee00000005 >../out 2>../err
	) &&
	ran "Running stamp_revision cccc00000003 -> eeee00000005" &&
	at br/test.db eeee00000005
'

test_expect_success 'stamp --purge with two revisions' '
	(
		cd br &&
		retort stamp --purge bbbb00000002 cccc00000003 >../out 2>../err
	) &&
	test_must_be_empty out &&
	ran "Running stamp_revision  -> bbbb00000002" \
		"Running stamp_revision  -> cccc00000003" &&
	at br/test.db bbbb00000002 cccc00000003
'

test_expect_success 'stamp --purge heads' '
	(
		cd br &&
		retort stamp --purge heads >../out 2>../err
	) &&
	ran "Running stamp_revision  -> 1a1a00000007" \
		"Running stamp_revision  -> 2b2b00000008" \
		"Running stamp_revision  -> 3c3c00000009" &&
	at br/test.db 1a1a00000007 2b2b00000008 3c3c00000009
'

test_expect_success 'stamp the branch point from its three heads, then base' '
	(
		cd br &&
		retort stamp ffff00000006 >../out 2>../err
	) &&
	ran "Running stamp_revision 1a1a00000007, 2b2b00000008, 3c3c00000009 -> ffff00000006" &&
	at br/test.db ffff00000006 &&
	(
		cd br &&
		retort stamp base >../out 2>../err
	) &&
	ran "Running stamp_revision ffff00000006 -> " &&
	at br/test.db
'

test_expect_success 'stamp head with three heads fails' '
	(
		cd br &&
		test_expect_code 255 retort stamp head >../out 2>../err
	) &&
	echo "FAILED: Multiple heads are present; please specify a single target revision" >expect &&
	test_cmp expect out &&
	ran &&
	at br/test.db
'

test_expect_success 'stamp a branch point up to its three heads' '
	(
		cd br &&
		retort stamp --purge 2b2b00000008 >../out 2>../err &&
		retort stamp aaaa00000001 >../out 2>../err
	) &&
	ran "Running stamp_revision 2b2b00000008 -> aaaa00000001" &&
	at br/test.db aaaa00000001 &&
	(
		cd br &&
		retort stamp 1a1a00000007 2b2b00000008 3c3c00000009 >../out 2>../err
	) &&
	ran "Running stamp_revision aaaa00000001 -> 1a1a00000007" \
		"Running stamp_revision aaaa00000001 -> 2b2b00000008" \
		"Running stamp_revision aaaa00000001 -> 3c3c00000009" &&
	at br/test.db 1a1a00000007 2b2b00000008 3c3c00000009
'

test_expect_success 'stamp --purge base empties the table' '
	(
		cd br &&
		retort stamp --purge base >../out 2>../err
	) &&
	test_must_be_empty out &&
	ran &&
	at br/test.db &&
	rt_has_table br/test.db alembic_version
'

# --- lbl: labels and dependencies --------------------------------------------------

test_expect_success 'upgrade LABEL@head runs what the branch depends on first' '
	(
		cd lbl &&
		retort upgrade auth@head >../out 2>../err
	) &&
	test_must_be_empty out &&
	ran "Running upgrade  -> 5a0000000001, shop base" \
		"Running upgrade 5a0000000001 -> 5b0000000002, shop two" \
		"Running upgrade  -> 9a0000000001, lib base" \
		"Running upgrade  -> 7a0000000001, auth base" \
		"Running upgrade 7a0000000001 -> 7b0000000002, auth two" \
		"Running upgrade 7b0000000002 -> 7c0000000003, auth three" &&
	at lbl/test.db 7c0000000003 &&
	tables lbl/test.db 5a0000000001 5b0000000002 9a0000000001 \
		7a0000000001 7b0000000002 7c0000000003
'

test_expect_success 'upgrade another LABEL@head adds a row' '
	(
		cd lbl &&
		retort upgrade shop@head >../out 2>../err
	) &&
	ran "Running upgrade 5b0000000002 -> 5c0000000003, shop three" &&
	at lbl/test.db 5c0000000003 7c0000000003
'

test_expect_success 'downgrade LABEL@base takes down what depends on the branch' '
	(
		cd lbl &&
		retort downgrade auth@base >../out 2>../err
	) &&
	test_must_be_empty out &&
	ran "Running downgrade 5c0000000003 -> 5b0000000002, shop three" \
		"Running downgrade 7c0000000003 -> 7b0000000002, auth three" \
		"Running downgrade 7b0000000002 -> 7a0000000001, auth two" \
		"Running downgrade 7a0000000001 -> , auth base" &&
	at lbl/test.db 5b0000000002 9a0000000001
'

test_expect_success 'upgrade heads on a forest with dependencies' '
	(
		cd lbl &&
		retort upgrade heads >../out 2>../err
	) &&
	ran "Running upgrade  -> e0e0000000b0, edge root" \
		"Running upgrade e0e0000000b0 -> e2e2000000b2, edge two" \
		"Running upgrade e0e0000000b0 -> e1e1000000b1, edge one" \
		"Running upgrade  -> c1c1000000a1, core one" \
		"Running upgrade c1c1000000a1 -> c2c2000000a2, core two" \
		"Running upgrade c2c2000000a2 -> c3c3000000a3, core three" \
		"Running upgrade  -> 7a0000000001, auth base" \
		"Running upgrade 7a0000000001 -> 7b0000000002, auth two" \
		"Running upgrade 7b0000000002 -> 7c0000000003, auth three" \
		"Running upgrade 5b0000000002 -> 5c0000000003, shop three" &&
	at lbl/test.db 5c0000000003 7c0000000003 c3c3000000a3 e1e1000000b1 \
		e2e2000000b2
'

test_expect_success 'downgrade LABEL@base of a branch others depend on' '
	(
		cd lbl &&
		retort downgrade shop@base >../out 2>../err
	) &&
	ran "Running downgrade 5c0000000003 -> 5b0000000002, shop three" \
		"Running downgrade 7c0000000003 -> 7b0000000002, auth three" \
		"Running downgrade 7b0000000002 -> 7a0000000001, auth two" \
		"Running downgrade 5b0000000002 -> 5a0000000001, shop two" \
		"Running downgrade 5a0000000001 -> , shop base" &&
	at lbl/test.db 7a0000000001 9a0000000001 c3c3000000a3 e1e1000000b1 \
		e2e2000000b2 &&
	(
		cd lbl &&
		retort downgrade lib@base >../out 2>../err
	) &&
	ran "Running downgrade 9a0000000001 -> , lib base" &&
	at lbl/test.db 7a0000000001 c3c3000000a3 e1e1000000b1 e2e2000000b2
'

test_expect_success 'upgrade LABEL@head already there does nothing' '
	(
		cd lbl &&
		retort upgrade core@head >../out 2>../err &&
		retort upgrade edge@head >>../out 2>>../err
	) &&
	test_must_be_empty out &&
	ran &&
	at lbl/test.db 7a0000000001 c3c3000000a3 e1e1000000b1 e2e2000000b2
'

test_expect_success 'downgrade LABEL@base of a label spread down the chain' '
	(
		cd lbl &&
		retort downgrade core@base >../out 2>../err
	) &&
	ran "Running downgrade c3c3000000a3 -> c2c2000000a2, core three" \
		"Running downgrade c2c2000000a2 -> c1c1000000a1, core two" \
		"Running downgrade c1c1000000a1 -> , core one" &&
	at lbl/test.db 7a0000000001 e1e1000000b1 e2e2000000b2
'

test_expect_success 'downgrade base with several roots' '
	(
		cd lbl &&
		retort downgrade base >../out 2>../err
	) &&
	ran "Running downgrade 7a0000000001 -> , auth base" \
		"Running downgrade e1e1000000b1 -> e0e0000000b0, edge one" \
		"Running downgrade e2e2000000b2 -> e0e0000000b0, edge two" \
		"Running downgrade e0e0000000b0 -> , edge root" &&
	at lbl/test.db &&
	tables lbl/test.db
'

test_expect_success 'LABEL@head and REV@head on the two sides of a branch point' '
	(
		cd lbl &&
		retort upgrade edge@head >../out 2>../err
	) &&
	ran "Running upgrade  -> e0e0000000b0, edge root" \
		"Running upgrade e0e0000000b0 -> e1e1000000b1, edge one" &&
	at lbl/test.db e1e1000000b1 &&
	(
		cd lbl &&
		retort upgrade e2e2@head >../out 2>../err
	) &&
	ran "Running upgrade e0e0000000b0 -> e2e2000000b2, edge two" &&
	at lbl/test.db e1e1000000b1 e2e2000000b2
'

test_expect_success 'downgrade LABEL@base below a branch point takes both sides' '
	(
		cd lbl &&
		retort downgrade edge@base >../out 2>../err
	) &&
	ran "Running downgrade e1e1000000b1 -> e0e0000000b0, edge one" \
		"Running downgrade e2e2000000b2 -> e0e0000000b0, edge two" \
		"Running downgrade e0e0000000b0 -> , edge root" &&
	at lbl/test.db &&
	tables lbl/test.db
'

test_done
