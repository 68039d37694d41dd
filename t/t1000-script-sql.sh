#!/bin/bash
test_description='SQL revision scripts: reading them, and refusing bad ones

SPEC.md §4 (the format) and §7: a broken script or graph is one FAILED line
naming the file (and line where there is one), exit 255, reported before
anything touches the database.'

. "$(dirname "$0")/test-lib.sh"

# --- scripts that load ---------------------------------------------------------

write_split_script () {
	cat >"$1" <<-\EOF
	-- notes
	--
	-- Revision ID: aaaa00000001
	-- Revises:

	-- +upgrade
	CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
	INSERT INTO notes (body) VALUES ('semi;colon -- not a comment');
	-- a comment line; with a semicolon
	INSERT INTO notes (body) VALUES ('it''s');
	/* a block comment; with a semicolon */
	CREATE TRIGGER notes_ai AFTER INSERT ON notes
	BEGIN
		UPDATE notes SET body = body || '!' WHERE id = new.id;
	END;
	INSERT INTO notes (body) VALUES ('last')

	-- +downgrade
	DROP TABLE notes;
	EOF
}

test_expect_success SQLITE3 'statements are split the way SQLite does' '
	mkdir split &&
	rt_make_project split &&
	write_split_script split/migrations/versions/aaaa00000001_notes.sql &&
	(
		cd split &&
		retort upgrade head 2>err
	) &&
	rt_sqlite split/test.db "SELECT body FROM notes ORDER BY id" >actual &&
	printf "%s\n" "semi;colon -- not a comment" "it${SQ}s" "last!" >expect &&
	test_cmp expect actual &&
	(
		cd split &&
		retort downgrade base 2>err
	) &&
	echo alembic_version >expect &&
	rt_tables split/test.db >actual &&
	test_cmp expect actual
'

test_expect_success SQLITE3 'a script without a downgrade section' '
	mkdir nodown &&
	rt_make_project nodown &&
	(
		cd nodown &&
		cat >migrations/versions/aaaa00000001_only_up.sql <<-\EOF &&
		-- only up
		--
		-- Revision ID: aaaa00000001
		-- Revises:
		-- Create Date: 2024-01-01 00:00:00.000000

		-- +upgrade
		CREATE TABLE t1 (id INTEGER);
		EOF
		retort upgrade head 2>err &&
		rt_versions test.db >../actual.up &&
		retort downgrade base 2>err &&
		rt_versions test.db >../actual.down &&
		rt_tables test.db >../tables
	) &&
	echo aaaa00000001 >expect &&
	test_cmp expect actual.up &&
	test_must_be_empty actual.down &&
	printf "alembic_version\nt1\n" >expect &&
	test_cmp expect tables
'

test_expect_success 'empty sections are fine' '
	mkdir empty &&
	rt_make_project empty &&
	(
		cd empty &&
		rt_write_rev aaaa00000001 "" "nothing at all" &&
		retort upgrade head 2>err &&
		rt_versions test.db >../actual
	) &&
	echo aaaa00000001 >expect &&
	test_cmp expect actual
'

test_expect_success 'other files in versions/ are ignored' '
	mkdir other &&
	rt_make_lin_project other &&
	(
		cd other &&
		echo "not a revision" >migrations/versions/README.txt &&
		echo "garbage; not a script" >migrations/versions/.hidden.sql &&
		mkdir migrations/versions/subdir &&
		retort heads >../actual
	) &&
	echo "3333cccc0003 (head)" >expect &&
	test_cmp expect actual
'

test_expect_success 'scripts load by content, not by file name order' '
	mkdir names &&
	rt_make_project names &&
	(
		cd names &&
		rt_write_rev ffff00000001 "" "first" &&
		rt_write_rev 0000aaaa0002 ffff00000001 "second" &&
		mv migrations/versions/0000aaaa0002_second.sql migrations/versions/zzz.sql &&
		retort history >../actual
	) &&
	cat >expect <<-\EOF &&
	ffff00000001 -> 0000aaaa0002 (head), second
	<base> -> ffff00000001, first
	EOF
	test_cmp expect actual
'

test_expect_success 'an empty versions folder is an empty history' '
	mkdir none &&
	rt_make_project none &&
	(
		cd none &&
		retort heads >../heads &&
		retort history >../history &&
		retort upgrade head >../out 2>../err
	) &&
	test_must_be_empty heads &&
	test_must_be_empty history &&
	test_must_be_empty out
'

# --- scripts and graphs that do not -----------------------------------------------

# bad_project DIR: a valid two-revision project with its database at the
# first revision; the schema and rows are saved to compare after failures.
bad_project () {
	rt_make_project "$1" &&
	(
		cd "$1" &&
		rt_write_rev $REV1 "" "$MSG1" "$SQL1_UP" "$SQL1_DOWN" &&
		rt_write_rev $REV2 $REV1 "$MSG2" "$SQL2_UP" "$SQL2_DOWN" &&
		retort upgrade $REV1 2>/dev/null &&
		rt_schema test.db >schema.before &&
		rt_versions test.db >versions.before
	)
}

# check_bad DIR PATTERN [LINE]: every command fails with one FAILED line
# matching PATTERN (an ERE naming the file, or the folder) and LINE; the
# database is exactly as before and a fresh one is not even created.
check_bad () {
	local dir=$1 pattern=$2 line=${3:-} cmd

	(
		cd "$dir" &&
		for cmd in "upgrade head" "downgrade base" "stamp head" heads \
			history current "show $REV1"
		do
			test_expect_code 255 retort $cmd >out 2>err &&
			rt_failed out err "$pattern" $line || return 1
		done &&
		rt_schema test.db >schema.after &&
		test_cmp schema.before schema.after &&
		rt_versions test.db >versions.after &&
		test_cmp versions.before versions.after &&
		test_expect_code 255 retort -x url=sqlite:///fresh.db upgrade head >out 2>err &&
		rt_failed out err "$pattern" $line &&
		test_path_is_missing fresh.db
	)
}

test_expect_success SQLITE3 'a script without Revision ID' '
	bad_project noid &&
	cat >noid/migrations/versions/3333cccc0003_no_id.sql <<-\EOF &&
	-- no id
	--
	-- Revises: 2222bbbb0002
	-- Create Date: 2024-01-01 00:00:00.000000

	-- +upgrade
	CREATE TABLE t3 (id INTEGER);

	-- +downgrade
	DROP TABLE t3;
	EOF
	check_bad noid "3333cccc0003_no_id\.sql"
'

test_expect_success SQLITE3 'two scripts with the same Revision ID' '
	bad_project dup &&
	(
		cd dup &&
		rt_write_rev 3333cccc0003 $REV2 "one" "CREATE TABLE t3 (id INTEGER);" &&
		rt_write_rev 3333cccc0003 $REV2 "two" "CREATE TABLE t4 (id INTEGER);"
	) &&
	check_bad dup "3333cccc0003_(one|two)\.sql" &&
	test_grep "3333cccc0003" dup/failed
'

test_expect_success SQLITE3 'Revises names a revision that does not exist' '
	bad_project orphan &&
	(
		cd orphan &&
		rt_write_rev 3333cccc0003 9999eeee9999 "orphan" "CREATE TABLE t3 (id INTEGER);"
	) &&
	check_bad orphan "3333cccc0003_orphan\.sql" &&
	test_grep "9999eeee9999" orphan/failed
'

test_expect_success SQLITE3 'a cycle in Revises' '
	bad_project cycle &&
	(
		cd cycle &&
		rt_write_rev aaaa00000003 cccc00000005 "cycle a" &&
		rt_write_rev bbbb00000004 aaaa00000003 "cycle b" &&
		rt_write_rev cccc00000005 bbbb00000004 "cycle c"
	) &&
	check_bad cycle "(aaaa00000003_cycle_a|bbbb00000004_cycle_b|cccc00000005_cycle_c)\.sql" &&
	test_grep -i "cycle" cycle/failed
'

test_expect_success SQLITE3 'a revision that revises itself' '
	bad_project self &&
	(
		cd self &&
		rt_write_rev 3333cccc0003 3333cccc0003 "self"
	) &&
	check_bad self "3333cccc0003_self\.sql"
'

test_expect_success SQLITE3 'a script without -- +upgrade' '
	bad_project noup &&
	cat >noup/migrations/versions/3333cccc0003_no_upgrade.sql <<-\EOF &&
	-- no upgrade marker
	--
	-- Revision ID: 3333cccc0003
	-- Revises: 2222bbbb0002
	-- Create Date: 2024-01-01 00:00:00.000000

	CREATE TABLE t3 (id INTEGER);
	EOF
	check_bad noup "3333cccc0003_no_upgrade\.sql"
'

test_expect_success SQLITE3 '-- +downgrade before -- +upgrade' '
	bad_project order &&
	cat >order/migrations/versions/3333cccc0003_order.sql <<-\EOF &&
	-- sections out of order
	--
	-- Revision ID: 3333cccc0003
	-- Revises: 2222bbbb0002

	-- +downgrade
	DROP TABLE t3;

	-- +upgrade
	CREATE TABLE t3 (id INTEGER);
	EOF
	check_bad order "3333cccc0003_order\.sql" 6
'

test_expect_success SQLITE3 'a header key given twice' '
	bad_project twice &&
	cat >twice/migrations/versions/3333cccc0003_twice.sql <<-\EOF &&
	-- header key twice
	--
	-- Revision ID: 3333cccc0003
	-- Revises: 2222bbbb0002
	-- Revises: 1111aaaa0001

	-- +upgrade
	CREATE TABLE t3 (id INTEGER);
	EOF
	check_bad twice "3333cccc0003_twice\.sql" 5
'

test_expect_success SQLITE3 'a revision id with characters Alembic forbids' '
	bad_project badchar &&
	(
		cd badchar &&
		rt_write_rev bad-id $REV2 "bad char"
	) &&
	check_bad badchar "bad-id_bad_char\.sql" 3
'

test_expect_success SQLITE3 'a revision id longer than alembic_version allows' '
	bad_project long &&
	(
		cd long &&
		rt_write_rev 0123456789abcdef0123456789abcdef0 $REV2 "too long"
	) &&
	check_bad long "0123456789abcdef0123456789abcdef0_too_long\.sql" 3
'

test_expect_success SQLITE3 'a versions path that is not a directory' '
	bad_project notdir &&
	rm -rf notdir/migrations/versions &&
	echo "not a directory" >notdir/migrations/versions &&
	(
		cd notdir &&
		for cmd in "upgrade head" heads history
		do
			test_expect_code 255 retort $cmd >out 2>err &&
			rt_failed out err "migrations/versions" || return 1
		done &&
		rt_schema test.db >schema.after &&
		test_cmp schema.before schema.after
	)
'

test_expect_success SQLITE3,NOT_ROOT 'an unreadable versions folder' '
	bad_project unreadable &&
	chmod 000 unreadable/migrations/versions &&
	(
		cd unreadable &&
		test_expect_code 255 retort upgrade head >out 2>err &&
		rt_failed out err "migrations/versions" &&
		rt_schema test.db >schema.after &&
		test_cmp schema.before schema.after
	)
	ret=$?
	chmod 755 unreadable/migrations/versions
	return $ret
'

test_expect_success SQLITE3,NOT_ROOT 'an unreadable script' '
	bad_project unreadable_file &&
	(
		cd unreadable_file &&
		rt_write_rev 3333cccc0003 $REV2 "unreadable" &&
		chmod 000 migrations/versions/3333cccc0003_unreadable.sql &&
		test_expect_code 255 retort upgrade head >out 2>err &&
		rt_failed out err "3333cccc0003_unreadable\.sql" &&
		rt_schema test.db >schema.after &&
		test_cmp schema.before schema.after
	)
'

test_expect_success SQLITE3 'an unknown target revision' '
	bad_project target &&
	(
		cd target &&
		test_expect_code 255 retort upgrade nosuch >out 2>err &&
		rt_cant_locate nosuch >expect &&
		test_cmp expect out &&
		rt_schema test.db >schema.after &&
		test_cmp schema.before schema.after &&
		test_expect_code 255 retort -x url=sqlite:///fresh.db upgrade nosuch >out 2>err &&
		test_cmp expect out &&
		! rt_has_table fresh.db alembic_version
	)
'

test_done
