#!/bin/bash
test_description='edit: open revision scripts in an editor

The editor is $EDITOR, else $VISUAL, else the first of sensible-editor,
editor, nano, vim and code on PATH, as with Alembic; a fake editor here
records which files it was given.'

. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: a project and a recording editor' '
	rt_make_lin_project &&
	cat >record-editor <<-\EOF &&
	#!/bin/sh
	echo "$1" >>edited
	EOF
	chmod +x record-editor &&
	cat >failing-editor <<-\EOF &&
	#!/bin/sh
	exit 3
	EOF
	chmod +x failing-editor
'

test_expect_success 'edit REV opens that revision script' '
	EDITOR="$PWD/record-editor" retort edit $REV2 >out 2>err &&
	test_must_be_empty out &&
	rt_rev_path $REV2 >expect &&
	test_cmp expect edited
'

test_expect_success 'a prefix and head work too; VISUAL is the fallback' '
	rm -f edited &&
	EDITOR= VISUAL="$PWD/record-editor" retort edit head &&
	rt_rev_path $REV3 >expect &&
	test_cmp expect edited
'

test_expect_success 'edit current opens the database revision' '
	rm -f edited &&
	retort stamp $REV1 2>/dev/null &&
	EDITOR="$PWD/record-editor" retort edit current &&
	rt_rev_path $REV1 >expect &&
	test_cmp expect edited
'

test_expect_success 'edit base names no file (Alembic text)' '
	EDITOR="$PWD/record-editor" test_expect_code 255 retort edit base >out 2>err &&
	echo "FAILED: No revision files indicated by symbol ${SQ}base${SQ}" >expect &&
	test_cmp expect out
'

test_expect_success 'edit current with an empty version table (Alembic text)' '
	retort stamp --purge base 2>/dev/null &&
	EDITOR="$PWD/record-editor" test_expect_code 255 retort edit current >out 2>err &&
	echo "FAILED: No current revisions" >expect &&
	test_cmp expect out
'

test_expect_success 'an editor that fails is reported with its exit status' '
	EDITOR="$PWD/failing-editor" test_expect_code 255 retort edit $REV1 >out 2>err &&
	echo "FAILED: Error executing editor (Command ${SQ}[${SQ}$PWD/failing-editor${SQ}, ${SQ}$(rt_rev_path $REV1)${SQ}]${SQ} returned non-zero exit status 3.)" >expect &&
	test_cmp expect out
'

test_expect_success 'no editor at all is a clear error' '
	test_expect_code 255 env EDITOR= VISUAL= PATH=/nonexistent "$RT_BUILD/retort" edit $REV1 >out 2>err &&
	echo "FAILED: Error executing editor (No suitable editor found. Please set the \"EDITOR\" or \"VISUAL\" environment variables)" >expect &&
	test_cmp expect out
'

test_done
