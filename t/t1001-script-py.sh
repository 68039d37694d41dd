#!/bin/bash
test_description='Alembic .py revision scripts: reading their metadata

retort reads the module docstring and the module-level revision,
down_revision, branch_labels and depends_on of Alembic scripts without
running Python (reference/realworld.md §2), so history, heads, branches,
show, current and stamp work on an Alembic project as it is, and .sql and
.py revisions can revise each other.  upgrade and downgrade refuse to run a
.py revision, before touching the database.  The expected texts were made
by Alembic 1.8.1 on the same project with every script written as .py
(Alembic cannot see .sql files), loading files in sorted order as Alembic
>= 1.10 does.'

. "$(dirname "$0")/test-lib.sh"

# write_py FILE REV DOWN DOC [LINE...]: an Alembic script in
# migrations/versions; DOWN is a Python expression, DOC the docstring
# (none when empty), each LINE is added after down_revision.
write_py () {
	local file=migrations/versions/$1 rev=$2 down=$3 doc=$4 line

	shift 4
	{
		if [ -n "$doc" ]; then
			printf '"""%s"""\n' "$doc"
		fi
		printf 'from alembic import op\nimport sqlalchemy as sa\n\n'
		printf "# revision identifiers, used by Alembic.\n"
		printf "revision = '%s'\n" "$rev"
		printf 'down_revision = %s\n' "$down"
		for line in "$@"; do
			printf '%s\n' "$line"
		done
		printf '\n\ndef upgrade():\n'
		printf '    op.execute("CREATE TABLE t_%s (id INTEGER)")\n' "$rev"
		printf '\n\ndef downgrade():\n'
		printf '    op.execute("DROP TABLE t_%s")\n' "$rev"
	} >"$file"
}

# The mixed project: 1111 and 3333 are .sql, the others .py.
#
#   1111 (sql) --- 2222 (py) --- 3333 (sql) --- 5555 (py, merge) --- 6666 (py)
#        \------- 4444 (py, branch label shop) --/
write_py_revisions () {
	write_py 2222bbbb0002_add_email.py 2222bbbb0002 "'1111aaaa0001'" \
		"add email
to account

Revision ID: 2222bbbb0002
Revises: 1111aaaa0001
" &&
	write_py 4444dddd0004_start_shop_branch.py 4444dddd0004 \
		"'1111aaaa0001'" "start shop branch" \
		"branch_labels = ('shop',)" "depends_on = None" &&
	write_py 5555eeee0005_merge.py 5555eeee0005 \
		"('3333cccc0003', '4444dddd0004')" "merge account and shop" &&
	write_py 6666ffff0006_.py 6666ffff0006 "'5555eeee0005'" "" \
		"branch_labels: tuple[str] | None = None" \
		"depends_on: list[str] = ['2222bbbb0002']" \
		"'''after the assignments: not a docstring'''"
}

test_expect_success 'setup: a project mixing .sql and .py revisions' '
	mkdir mixed &&
	rt_make_project mixed &&
	(
		cd mixed &&
		rt_write_rev 1111aaaa0001 "" "create account table" \
			"$SQL1_UP" "$SQL1_DOWN" &&
		rt_write_rev 3333cccc0003 2222bbbb0002 "add index on email" \
			"CREATE TABLE t_3333 (id INTEGER);" "DROP TABLE t_3333;" &&
		write_py_revisions
	)
'

test_expect_success 'history: .py and .sql revisions in one graph' '
	(cd mixed && retort history >../actual 2>../err) &&
	cat >expect <<-\EOF &&
	5555eeee0005 (2222bbbb0002) -> 6666ffff0006 (shop) (head), 
	3333cccc0003, 4444dddd0004 -> 5555eeee0005 (shop) (mergepoint), merge account and shop
	2222bbbb0002 -> 3333cccc0003, add index on email
	1111aaaa0001 -> 2222bbbb0002, add email
	to account
	1111aaaa0001 -> 4444dddd0004 (shop), start shop branch
	<base> -> 1111aaaa0001 (branchpoint), create account table
	EOF
	test_cmp expect actual &&
	test_must_be_empty err
'

test_expect_success 'heads and branches' '
	(
		cd mixed &&
		retort heads >../heads &&
		retort branches >../branches
	) &&
	echo "6666ffff0006 (shop) (head)" >expect &&
	test_cmp expect heads &&
	cat >expect <<-\EOF &&
	1111aaaa0001 (branchpoint)
	             -> 2222bbbb0002
	             -> 4444dddd0004 (shop)

	EOF
	test_cmp expect branches
'

test_expect_success 'show: a .sql revision revising a .py one' '
	(cd mixed && retort show 3333cccc0003 >../actual) &&
	cat >expect <<-EOF &&
	Rev: 3333cccc0003
	Parent: 2222bbbb0002
	Path: $(pwd -P)/mixed/migrations/versions/3333cccc0003_add_index_on_email.sql

	    add index on email
	    
	    Revision ID: 3333cccc0003
	    Revises: 2222bbbb0002
	    Create Date: 2024-01-01 00:00:00.000000

	EOF
	test_cmp expect actual
'

test_expect_success 'show: a .py merge, and a .py script without docstring' '
	(
		cd mixed &&
		retort show 5555 >../merge &&
		retort show shop@head >../nodoc
	) &&
	cat >expect <<-EOF &&
	Rev: 5555eeee0005 (mergepoint)
	Merges: 3333cccc0003, 4444dddd0004
	Branch names: shop
	Path: $(pwd -P)/mixed/migrations/versions/5555eeee0005_merge.py

	    merge account and shop

	EOF
	test_cmp expect merge &&
	cat >expect <<-EOF &&
	Rev: 6666ffff0006 (head)
	Parent: 5555eeee0005
	Also depends on: 2222bbbb0002
	Branch names: shop
	Path: $(pwd -P)/mixed/migrations/versions/6666ffff0006_.py



	EOF
	test_cmp expect nodoc
'

test_expect_success 'compiled files, __init__.py and editor files are not revisions' '
	(
		cd mixed &&
		printf "garbage" >migrations/versions/2222bbbb0002_add_email.pyc &&
		: >migrations/versions/__init__.py &&
		echo "revision = (" >migrations/versions/.#5555eeee0005_merge.py &&
		retort heads >../heads
	) &&
	echo "6666ffff0006 (shop) (head)" >expect &&
	test_cmp expect heads
'

# --- stamp and current on an Alembic project ------------------------------------

test_expect_success 'setup: an Alembic project (.py only)' '
	mkdir py &&
	rt_make_project py &&
	(
		cd py &&
		write_py 1111aaaa0001_create_account_table.py 1111aaaa0001 None \
			"create account table" &&
		write_py 2222bbbb0002_add_email_to_account.py 2222bbbb0002 \
			"${SQ}1111aaaa0001${SQ}" "add email to account" &&
		write_py 3333cccc0003_add_index_on_email.py 3333cccc0003 \
			"${SQ}2222bbbb0002${SQ}" "add index on email"
	)
'

test_expect_success SQLITE3 'stamp and current work on .py revisions' '
	(
		cd py &&
		retort stamp head 2>../err &&
		retort current >../current 2>>../err &&
		rt_versions test.db >../versions &&
		retort stamp 1111 2>>../err &&
		retort current >../current1 2>>../err
	) &&
	echo 3333cccc0003 >expect &&
	test_cmp expect versions &&
	echo "3333cccc0003 (head)" >expect &&
	test_cmp expect current &&
	echo 1111aaaa0001 >expect &&
	test_cmp expect current1 &&
	rt_log_lines err >actual &&
	rt_log_expect "Running stamp_revision  -> 3333cccc0003" \
		"Running stamp_revision 3333cccc0003 -> 1111aaaa0001" >expect &&
	test_cmp expect actual
'

# refused REV: the message for a refused .py revision of project py/.
refused () {
	local path

	path=$(cd py/migrations/versions && echo "$(pwd -P)/$1"_*.py)
	printf "FAILED: %s (%s) is an Alembic .py revision; " "$1" "$path"
	printf "retort cannot run .py migrations yet: run it with Alembic, or "
	printf "rewrite it as a .sql script, then \`retort stamp\` to record it\n"
}

test_expect_success SQLITE3 'upgrade over a .py revision fails, database untouched' '
	cksum <py/test.db >before &&
	(cd py && test_expect_code 255 retort upgrade head >../out 2>../err) &&
	refused 2222bbbb0002 >expect &&
	test_cmp expect out &&
	test_must_be_empty err &&
	cksum <py/test.db >after &&
	test_cmp before after &&
	echo 1111aaaa0001 >expect &&
	rt_versions py/test.db >actual &&
	test_cmp expect actual
'

test_expect_success SQLITE3 'downgrade over a .py revision fails, database untouched' '
	cksum <py/test.db >before &&
	(cd py && test_expect_code 255 retort downgrade base >../out 2>../err) &&
	refused 1111aaaa0001 >expect &&
	test_cmp expect out &&
	cksum <py/test.db >after &&
	test_cmp before after
'

test_expect_success 'upgrade without a database creates none' '
	rm -f py/test.db &&
	(cd py && test_expect_code 255 retort upgrade +1 >../out 2>../err) &&
	refused 1111aaaa0001 >expect &&
	test_cmp expect out &&
	test_path_is_missing py/test.db
'

test_expect_success 'upgrade --sql refuses .py revisions too' '
	(cd py && test_expect_code 255 retort upgrade --sql head >../out 2>../err) &&
	refused 1111aaaa0001 >expect &&
	test_cmp expect out &&
	test_path_is_missing py/test.db
'

test_expect_success SQLITE3 'the .sql revisions below a .py one still run' '
	(
		cd mixed &&
		retort upgrade 1111aaaa0001 2>../err &&
		cksum <test.db >../before &&
		test_expect_code 255 retort upgrade head >../out 2>>../err &&
		cksum <test.db >../after
	) &&
	test_cmp before after &&
	test_grep "^FAILED: 4444dddd0004 (.*/4444dddd0004_start_shop_branch.py) is an Alembic .py revision" out &&
	echo 1111aaaa0001 >expect &&
	rt_versions mixed/test.db >actual &&
	test_cmp expect actual &&
	rt_has_table mixed/test.db account &&
	(cd mixed && retort downgrade base 2>>../err) &&
	test_must_fail rt_has_table mixed/test.db account
'

# --- scripts retort cannot read ---------------------------------------------------

test_expect_success 'a name from the application is an error naming file, line and expression' '
	mkdir app &&
	rt_make_project app &&
	(
		cd app &&
		write_py 599c6a226151_neutrodb_ipam.py 599c6a226151 None "" \
			"branch_labels = (cli.EXPAND_BRANCH,)" &&
		sed -i "1i from neutron.db.migration import cli" \
			migrations/versions/599c6a226151_neutrodb_ipam.py &&
		test_expect_code 255 retort history >../out 2>../err
	) &&
	path=$(pwd -P)/app/migrations/versions/599c6a226151_neutrodb_ipam.py &&
	echo "FAILED: $path:8: cannot read branch_labels = (cli.EXPAND_BRANCH,) without running Python; write the value as a literal, e.g. ($SQ""expand$SQ,)" >expect &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'no revision variable: Alembic'\''s message' '
	mkdir norev &&
	rt_make_project norev &&
	printf "down_revision = None\n" >norev/migrations/versions/notarev.py &&
	(cd norev && test_expect_code 255 retort heads >../out 2>../err) &&
	echo "FAILED: Could not determine revision id from filename notarev.py. Be sure the ${SQ}revision${SQ} variable is declared inside the script (please see ${SQ}Upgrading from Alembic 0.1 to 0.2${SQ} in the documentation)." >expect &&
	test_cmp expect out &&
	rt_failed out err "notarev.py"
'

test_expect_success 'a <hex>.py file without revision uses its name' '
	mv norev/migrations/versions/notarev.py norev/migrations/versions/0abc12.py &&
	(cd norev && retort heads >../out) &&
	echo "0abc12 (head)" >expect &&
	test_cmp expect out
'

test_expect_success 'no down_revision and syntax errors fail on stderr, as Alembic crashes' '
	mkdir broken &&
	rt_make_project broken &&
	printf "revision = ${SQ}abc${SQ}\n" >broken/migrations/versions/abc_x.py &&
	(cd broken && test_expect_code 255 retort history >../out 2>../err) &&
	test_must_be_empty out &&
	rt_failed out err "abc_x.py: no module-level down_revision" &&
	printf "revision = ${SQ}abc${SQ}\ndown_revision = None\n\ndef upgrade():\n    op.execute(\"\"\"\n" \
		>broken/migrations/versions/abc_x.py &&
	(cd broken && test_expect_code 255 retort history >../out 2>../err) &&
	test_must_be_empty out &&
	rt_failed out err "abc_x.py:5: a triple-quoted string starting here is never closed" 5
'

# --- the same answers as Alembic ---------------------------------------------------

# Alembic, loading each folder in sorted order (Alembic >= 1.10 does; the
# installed 1.8.1 uses the file system's order).
alembic_sorted () {
	"$RT_ALEMBIC_PYTHON" -c '
import os, sys
unsorted = os.listdir
os.listdir = lambda path=".": sorted(unsorted(path))
from alembic.config import main
sys.exit(main(argv=sys.argv[1:], prog="alembic"))
' "$@"
}

test_expect_success ALEMBIC 'Alembic prints the same on the .py twin of the mixed project' '
	cp -R mixed twin &&
	(
		cd twin &&
		rm -f test.db migrations/versions/*.sql migrations/versions/*.pyc &&
		write_py 1111aaaa0001_create_account_table.py 1111aaaa0001 None \
			"create account table" &&
		write_py 3333cccc0003_add_index_on_email.py 3333cccc0003 \
			"${SQ}2222bbbb0002${SQ}" "add index on email" &&
		for cmd in history heads "show 5555" "show shop@head" "history -r 1111:4444"
		do
			alembic_sorted $cmd >../a.out 2>../a.err &&
			retort $cmd >../r.out 2>../r.err &&
			test_cmp ../a.out ../r.out || return 1
		done
	)
'

test_expect_success ALEMBIC 'Alembic fails the same way without a revision variable' '
	mv norev/migrations/versions/0abc12.py norev/migrations/versions/notarev.py &&
	(
		cd norev &&
		test_expect_code 255 alembic heads >../a.out 2>../a.err &&
		test_expect_code 255 retort heads >../r.out 2>../r.err
	) &&
	test_cmp a.out r.out
'

test_done
