#!/bin/bash
test_description='init DIR: the project layout

SPEC.md §1 and reference/alembic.md §2.1: alembic.ini, DIR/README,
DIR/script.sql.tmpl, DIR/versions/, the status lines Alembic prints, and
the refusal to write into a non-empty directory.'

. "$(dirname "$0")/test-lib.sh"

# init_lines TOP DIR [INI]: the status lines of `init DIR` run in TOP, in
# sorted order (Alembic does not fix the order of the Generating lines).
init_lines () {
	local top=$1 dir=$2 ini=${3:-alembic.ini}

	{
		echo "Creating directory $top/$dir ...  done"
		echo "Creating directory $top/$dir/versions ...  done"
		echo "Generating $top/$dir/README ...  done"
		echo "Generating $top/$dir/script.sql.tmpl ...  done"
		echo "Generating $top/$ini ...  done"
		echo "Please edit configuration/connection/logging settings in '$top/$ini' before proceeding."
	} | sort
}

test_expect_success 'init migrations' '
	mkdir proj &&
	(
		cd proj &&
		retort init migrations >../out 2>../err
	) &&
	sort out >actual &&
	init_lines "$TRASH_DIRECTORY/proj" migrations >expect &&
	test_cmp expect actual
'

test_expect_success 'the status lines come in a sensible order' '
	head -n 1 out >actual &&
	echo "Creating directory $TRASH_DIRECTORY/proj/migrations ...  done" >expect &&
	test_cmp expect actual &&
	tail -n 1 out >actual &&
	echo "Please edit configuration/connection/logging settings in ${SQ}$TRASH_DIRECTORY/proj/alembic.ini${SQ} before proceeding." >expect &&
	test_cmp expect actual
'

test_expect_success 'the layout is complete' '
	test_path_is_file proj/alembic.ini &&
	test_path_is_file proj/migrations/README &&
	test_path_is_file proj/migrations/script.sql.tmpl &&
	test_path_is_dir proj/migrations/versions &&
	ls -A proj/migrations/versions >actual &&
	test_must_be_empty actual &&
	ls -A proj/migrations >actual &&
	printf "README\nscript.sql.tmpl\nversions\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'alembic.ini names the directory as typed' '
	test_grep "^\[alembic\]$" proj/alembic.ini &&
	test_grep "^script_location = migrations$" proj/alembic.ini &&
	test_grep "^sqlalchemy.url = " proj/alembic.ini
'

test_expect_success 'alembic.ini has the logging sections' '
	for section in loggers handlers formatters logger_root logger_sqlalchemy \
		logger_alembic handler_console formatter_generic
	do
		test_grep "^\[$section\]$" proj/alembic.ini || return 1
	done
'

test_expect_success 'the new project is usable at once' '
	(
		cd proj &&
		retort heads >../heads &&
		retort history >../history &&
		retort -x url=sqlite:///test.db upgrade head >../out 2>../err &&
		retort -x url=sqlite:///test.db current >../current
	) &&
	test_must_be_empty heads &&
	test_must_be_empty history &&
	test_must_be_empty out &&
	test_must_be_empty current
'

test_expect_success 'init refuses a non-empty directory' '
	mkdir full full/migrations &&
	echo keep >full/migrations/file &&
	(
		cd full &&
		test_expect_code 255 retort init migrations >../out 2>../err
	) &&
	echo "FAILED: Directory migrations already exists and is not empty" >expect &&
	test_cmp expect out &&
	test_path_is_missing full/alembic.ini &&
	ls -A full/migrations >actual &&
	echo file >expect &&
	test_cmp expect actual
'

test_expect_success 'init refuses to run twice' '
	(
		cd proj &&
		cp alembic.ini ../ini.before &&
		test_expect_code 255 retort init migrations >../out 2>../err
	) &&
	echo "FAILED: Directory migrations already exists and is not empty" >expect &&
	test_cmp expect out &&
	test_cmp ini.before proj/alembic.ini
'

test_expect_success 'init into an existing empty directory' '
	mkdir -p emptydir/migrations &&
	(
		cd emptydir &&
		retort init migrations >../out 2>../err
	) &&
	sort out >actual &&
	init_lines "$TRASH_DIRECTORY/emptydir" migrations >expect.all &&
	grep -v "^Creating directory $TRASH_DIRECTORY/emptydir/migrations \.\.\." expect.all >expect &&
	test_cmp expect actual &&
	test_path_is_file emptydir/migrations/script.sql.tmpl
'

test_expect_success 'an existing alembic.ini is kept' '
	mkdir keepini &&
	printf "[alembic]\nscript_location = elsewhere\n" >keepini/alembic.ini &&
	cp keepini/alembic.ini ini.before &&
	(
		cd keepini &&
		retort init migrations >../out 2>../err
	) &&
	test_grep "^File $TRASH_DIRECTORY/keepini/alembic.ini already exists, skipping$" out &&
	test_grep -v "^Generating $TRASH_DIRECTORY/keepini/alembic.ini" out &&
	tail -n 1 out >actual &&
	echo "Please edit configuration/connection/logging settings in ${SQ}$TRASH_DIRECTORY/keepini/alembic.ini${SQ} before proceeding." >expect &&
	test_cmp expect actual &&
	test_cmp ini.before keepini/alembic.ini &&
	test_path_is_file keepini/migrations/script.sql.tmpl
'

test_expect_success 'init -c writes the named config file' '
	mkdir named &&
	(
		cd named &&
		retort -c other.ini init m2 >../out 2>../err
	) &&
	sort out >actual &&
	init_lines "$TRASH_DIRECTORY/named" m2 other.ini >expect &&
	test_cmp expect actual &&
	test_path_is_missing named/alembic.ini &&
	test_grep "^script_location = m2$" named/other.ini
'

test_expect_success 'init a nested path' '
	mkdir nested &&
	(
		cd nested &&
		retort init db/migrations >../out 2>../err
	) &&
	test_path_is_dir nested/db/migrations/versions &&
	test_grep "^script_location = db/migrations$" nested/alembic.ini &&
	(
		cd nested &&
		retort heads >../heads
	) &&
	test_must_be_empty heads
'

test_done
