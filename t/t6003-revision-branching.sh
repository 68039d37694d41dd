#!/bin/bash
test_description='revision on branched projects

reference/alembic.md §5.6 and §6.3: --head (LABEL@head, base, heads, an id
or prefix), --splice, --branch-label, --depends-on, --version-path with
several version_locations, --rev-id checks, and the multiple-heads error.
Expected texts: Alembic 1.8.1 (files read in sorted order) on the
equivalent .py projects.  Two checks are retort'\''s own improvements
(Alembic writes the file first, then breaks): a branch label already in
use and a revision id already in use are refused before anything is
written.'

. "$(dirname "$0")/test-lib.sh"

# rev ID PARENTS MSG [LABELS [DEPENDS]]: a revision script in
# migrations/versions of the working directory.
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

# header FILE: the header block of a script (up to the first empty line),
# the Create Date replaced by DATE.
header () {
	sed -n -e '/^$/q' -e 's/^-- Create Date: [0-9-]* [0-9:.]*$/-- Create Date: DATE/' -e p "$1"
}

# listing DIR: every file under DIR, sorted.
listing () {
	(cd "$1" && find . -type f | LC_ALL=C sort)
}

# generating PATH: the line revision prints for a new script.
generating () {
	printf 'Generating %s ...  done\n' "$1"
}

# lbl DIR: the labelled project of t2004 (shop, auth, lib, core, edge).
lbl () {
	mkdir "$1" &&
	(
		cd "$1" &&
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
}

P=$TRASH_DIRECTORY/p/migrations/versions

test_expect_success 'setup' '
	lbl p &&
	listing p >before
'

test_expect_success 'multiple heads and no --head' '
	(
		cd p &&
		test_expect_code 255 retort revision -m multi >../out 2>../err
	) &&
	echo "FAILED: Multiple heads are present; please specify the head revision on which the new revision should be based, or perform a merge." >expect &&
	test_cmp expect out &&
	listing p >after &&
	test_cmp before after
'

test_expect_success '--head LABEL@head' '
	(
		cd p &&
		retort revision -m "shop four" --head shop@head --rev-id 5d0000000004 >../out 2>../err
	) &&
	generating "$P/5d0000000004_shop_four.sql" >expect &&
	test_cmp expect out &&
	header "$P/5d0000000004_shop_four.sql" >actual &&
	cat >expect <<-\EOF &&
	-- shop four
	--
	-- Revision ID: 5d0000000004
	-- Revises: 5c0000000003
	-- Create Date: DATE
	EOF
	test_cmp expect actual &&
	(
		cd p &&
		retort heads >../out 2>../err
	) &&
	test_grep "^5d0000000004 (shop) (head)$" out &&
	rm "$P/5d0000000004_shop_four.sql"
'

test_expect_success '--head given twice: the last one wins' '
	(
		cd p &&
		retort revision -m two --head 7a00 --head shop@head --rev-id 5d0000000004 >../out 2>../err
	) &&
	test_grep "^-- Revises: 5c0000000003$" "$P/5d0000000004_two.sql" &&
	rm "$P/5d0000000004_two.sql"
'

test_expect_success '--head on an effective head' '
	(
		cd p &&
		retort revision -m x --head 9a00 --rev-id 9b >../out 2>../err
	) &&
	generating "$P/9b_x.sql" >expect &&
	test_cmp expect out &&
	test_grep "^-- Revises: 9a0000000001$" "$P/9b_x.sql" &&
	rm "$P/9b_x.sql"
'

test_expect_success '--head base: a new root' '
	(
		cd p &&
		retort revision -m "new root" --head base --rev-id 0a0000000001 >../out 2>../err
	) &&
	generating "$P/0a0000000001_new_root.sql" >expect &&
	test_cmp expect out &&
	header "$P/0a0000000001_new_root.sql" >actual &&
	cat >expect <<-\EOF &&
	-- new root
	--
	-- Revision ID: 0a0000000001
	-- Revises: 
	-- Create Date: DATE
	EOF
	test_cmp expect actual &&
	(
		cd p &&
		retort history -r 0a00:0a00 >../out 2>../err
	) &&
	echo "<base> -> 0a0000000001 (head), new root" >expect &&
	test_cmp expect out &&
	rm "$P/0a0000000001_new_root.sql"
'

test_expect_success '--head heads: every head, in load order' '
	(
		cd p &&
		retort revision -m all --head heads --rev-id ffff00000001 >../out 2>../err
	) &&
	generating "$P/ffff00000001_all.sql" >expect &&
	test_cmp expect out &&
	header "$P/ffff00000001_all.sql" >actual &&
	cat >expect <<-\EOF &&
	-- all
	--
	-- Revision ID: ffff00000001
	-- Revises: 5c0000000003, 7c0000000003, c3c3000000a3, e1e1000000b1, e2e2000000b2
	-- Create Date: DATE
	EOF
	test_cmp expect actual &&
	rm "$P/ffff00000001_all.sql"
'

test_expect_success '--head on a revision that is not a head needs --splice' '
	(
		cd p &&
		test_expect_code 255 retort revision -m sp --head 5a0000000001 --rev-id 5e0000000001 >../out 2>../err
	) &&
	echo "FAILED: Revision 5a0000000001 is not a head revision; please specify --splice to create a new branch from this revision" >expect &&
	test_cmp expect out &&
	listing p >after &&
	test_cmp before after
'

test_expect_success '--splice: a new branch from inside the graph' '
	(
		cd p &&
		retort revision -m sp --head 5a0000000001 --splice --rev-id 5e0000000001 >../out 2>../err
	) &&
	generating "$P/5e0000000001_sp.sql" >expect &&
	test_cmp expect out &&
	test_grep "^-- Revises: 5a0000000001$" "$P/5e0000000001_sp.sql" &&
	(
		cd p &&
		retort branches >../out 2>../err
	) &&
	test_grep "^5a0000000001 (shop) (branchpoint)$" out &&
	rm "$P/5e0000000001_sp.sql"
'

test_expect_success '--head of an unknown revision' '
	(
		cd p &&
		test_expect_code 255 retort revision -m x --head nosuch --rev-id 5d0000000004 >../out 2>../err
	) &&
	rt_cant_locate nosuch >expect &&
	test_cmp expect out &&
	listing p >after &&
	test_cmp before after
'

test_expect_success '--branch-label: a new label' '
	(
		cd p &&
		retort revision -m newlabel --branch-label pay --head base --rev-id 0b0000000001 >../out 2>../err
	) &&
	generating "$P/0b0000000001_newlabel.sql" >expect &&
	test_cmp expect out &&
	header "$P/0b0000000001_newlabel.sql" >actual &&
	cat >expect <<-\EOF &&
	-- newlabel
	--
	-- Revision ID: 0b0000000001
	-- Revises: 
	-- Create Date: DATE
	-- Branch Labels: pay
	EOF
	test_cmp expect actual &&
	(
		cd p &&
		retort show pay@head >../out 2>../err
	) &&
	test_grep "^Rev: 0b0000000001 (head)$" out &&
	test_grep "^Branch names: pay$" out &&
	rm "$P/0b0000000001_newlabel.sql"
'

test_expect_success '--branch-label already in use: refused, no file written (retort only)' '
	# Alembic writes the file, then fails with a RevisionError traceback.
	(
		cd p &&
		test_expect_code 255 retort revision -m x --branch-label shop --head base --rev-id 0b0000000001 >../out 2>../err
	) &&
	rt_failed out err "Branch name ${SQ}shop${SQ} in revision 0b0000000001 already used by revision 5a0000000001" &&
	listing p >after &&
	test_cmp before after
'

test_expect_success '--depends-on: an id, a prefix, a label, LABEL@head' '
	(
		cd p &&
		retort revision -m dep --head shop@head --depends-on 7a00 \
			--depends-on lib --depends-on auth@head \
			--rev-id 5d0000000004 >../out 2>../err
	) &&
	generating "$P/5d0000000004_dep.sql" >expect &&
	test_cmp expect out &&
	header "$P/5d0000000004_dep.sql" >actual &&
	cat >expect <<-\EOF &&
	-- dep
	--
	-- Revision ID: 5d0000000004
	-- Revises: 5c0000000003
	-- Create Date: DATE
	-- Depends On: 7a0000000001, lib, 7c0000000003
	EOF
	test_cmp expect actual &&
	(
		cd p &&
		retort history -r 5d00:5d00 >../out 2>../err
	) &&
	echo "5c0000000003 (7a0000000001, lib, 7c0000000003) -> 5d0000000004 (shop) (head), dep" >expect &&
	test_cmp expect out &&
	rm "$P/5d0000000004_dep.sql"
'

test_expect_success '--depends-on one prefix: the full id' '
	(
		cd p &&
		retort revision -m x --head 5c00 --depends-on 5b00 --rev-id 5d >../out 2>../err
	) &&
	test_grep "^-- Depends On: 5b0000000002$" "$P/5d_x.sql" &&
	rm "$P/5d_x.sql"
'

test_expect_success '--depends-on an unknown revision' '
	(
		cd p &&
		test_expect_code 255 retort revision -m x --head lib@head --depends-on nosuch --rev-id 9b >../out 2>../err
	) &&
	rt_cant_locate nosuch >expect &&
	test_cmp expect out &&
	listing p >after &&
	test_cmp before after
'

test_expect_success '--rev-id with characters Alembic does not allow' '
	(
		cd p &&
		test_expect_code 255 retort revision -m x --head shop@head --rev-id bad-id >../out 2>../err
	) &&
	echo "FAILED: Character(s) ${SQ}-${SQ} not allowed in revision identifier ${SQ}bad-id${SQ}" >expect &&
	test_cmp expect out &&
	(
		cd p &&
		test_expect_code 255 retort revision -m x --head shop@head --rev-id a+b@c >../out 2>../err
	) &&
	echo "FAILED: Character(s) ${SQ}+, @${SQ} not allowed in revision identifier ${SQ}a+b@c${SQ}" >expect &&
	test_cmp expect out &&
	listing p >after &&
	test_cmp before after
'

test_expect_success '--rev-id already in use: refused (retort only)' '
	# Alembic writes a second file with that id; every later command
	# warns "Revision 5a0000000001 is present more than once".
	(
		cd p &&
		test_expect_code 255 retort revision -m x --head shop@head --rev-id 5a0000000001 >../out 2>../err
	) &&
	rt_failed out err 5a0000000001 &&
	listing p >after &&
	test_cmp before after
'

# --- several version locations -------------------------------------------------

test_expect_success 'setup: version_locations with two folders' '
	mkdir vl vl/model1 vl/model2 &&
	(
		cd vl &&
		rt_make_project &&
		rm -r migrations/versions &&
		sed -e "s|^script_location = migrations\$|&\nversion_locations = %(here)s/model1 %(here)s/model2|" \
			alembic.ini >ini.tmp &&
		mv ini.tmp alembic.ini
	) &&
	test_grep "^version_locations = %(here)s/model1 %(here)s/model2$" vl/alembic.ini
'

test_expect_success 'several locations and no parent: --version-path is required' '
	listing vl >before &&
	(
		cd vl &&
		test_expect_code 255 retort revision -m first --rev-id 1a >../out 2>../err
	) &&
	echo "FAILED: Multiple version locations present, please specify --version-path" >expect &&
	test_cmp expect out &&
	listing vl >after &&
	test_cmp before after
'

test_expect_success '--version-path picks the folder' '
	(
		cd vl &&
		retort revision -m first --rev-id 1a --version-path model2 >../out 2>../err
	) &&
	generating "$TRASH_DIRECTORY/vl/model2/1a_first.sql" >expect &&
	test_cmp expect out &&
	test_path_is_file vl/model2/1a_first.sql
'

test_expect_success 'a child goes to the folder of its parent' '
	(
		cd vl &&
		retort revision -m second --rev-id 2a >../out 2>../err
	) &&
	generating "$TRASH_DIRECTORY/vl/model2/2a_second.sql" >expect &&
	test_cmp expect out &&
	test_grep "^-- Revises: 1a$" vl/model2/2a_second.sql
'

test_expect_success 'a new root in the other folder, by absolute path' '
	(
		cd vl &&
		retort revision -m root2 --head base --rev-id 1b --version-path "$TRASH_DIRECTORY/vl/model1" >../out 2>../err
	) &&
	generating "$TRASH_DIRECTORY/vl/model1/1b_root2.sql" >expect &&
	test_cmp expect out &&
	(
		cd vl &&
		retort heads >../out 2>../err
	) &&
	cat >expect <<-\EOF &&
	1b (head)
	2a (head)
	EOF
	test_cmp expect out
'

test_expect_success '--version-path outside the locations: nothing written' '
	listing vl >before &&
	(
		cd vl &&
		test_expect_code 255 retort revision -m x --head base --rev-id 1c --version-path "$TRASH_DIRECTORY/vl/nowhere" >../out 2>../err
	) &&
	echo "FAILED: Path $TRASH_DIRECTORY/vl/nowhere is not represented in current version locations" >expect &&
	test_cmp expect out &&
	listing vl >after &&
	test_cmp before after &&
	test_path_is_missing vl/nowhere
'

# Alembic names the path as it was typed on the command line.
test_expect_success 'a relative --version-path is named as typed' '
	(
		cd vl &&
		test_expect_code 255 retort revision -m x --head base --rev-id 1c --version-path nowhere >../out 2>../err
	) &&
	echo "FAILED: Path nowhere is not represented in current version locations" >expect &&
	test_cmp expect out
'

test_expect_success 'a branch label with a comma is refused before writing' '
	(
		cd vl &&
		listing . >../before &&
		test_expect_code 255 retort revision -m x --head base --rev-id 1d --version-path model1 --branch-label "a,b" >../out 2>../err &&
		listing . >../after
	) &&
	echo "FAILED: branch label ${SQ}a,b${SQ} is not valid: use letters, digits and ${SQ}_${SQ} (no ${SQ},${SQ}, ${SQ}@${SQ} or spaces)" >expect &&
	test_cmp expect out &&
	test_cmp before after
'

test_expect_success 'a listed location that does not exist yet is created' '
	mkdir vl3 vl3/migrations vl3/model1 &&
	cp vl/alembic.ini vl3/ &&
	(
		cd vl3 &&
		retort revision -m m2 --head base --rev-id 2b --version-path model2 >../out 2>../err
	) &&
	cat >expect <<-EOF &&
	Creating directory $TRASH_DIRECTORY/vl3/model2 ...  done
	Generating $TRASH_DIRECTORY/vl3/model2/2b_m2.sql ...  done
	EOF
	test_cmp expect out &&
	test_path_is_file vl3/model2/2b_m2.sql
'

test_done
