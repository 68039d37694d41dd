#!/bin/bash
test_description='command line: help, usage errors, exit codes

Every command answers -h/--help with a usage line on stdout and exit 0,
without needing a project.  Usage errors are argparse-style: a message on
stderr, nothing on stdout, exit 2 (reference/alembic.md §4.1, §4.3).'

. "$(dirname "$0")/test-lib.sh"

COMMANDS='init revision upgrade downgrade current history heads show stamp'

test_expect_success 'retort -h and --help print the usage' '
	retort -h >out 2>err &&
	test_grep "^usage: retort" out &&
	test_must_be_empty err &&
	retort --help >out 2>err &&
	test_grep "^usage: retort" out &&
	test_must_be_empty err
'

test_expect_success 'the global help lists the commands' '
	retort --help >out &&
	for cmd in $COMMANDS
	do
		test_grep -w "$cmd" out || return 1
	done
'

test_expect_success '-h works for every command, without a project' '
	for cmd in $COMMANDS
	do
		retort $cmd -h >out 2>err &&
		head -n 1 out >first &&
		test_grep "^usage: retort $cmd" first &&
		test_must_be_empty err || return 1
	done &&
	test_path_is_missing alembic.ini
'

test_expect_success '--help works for every command' '
	for cmd in $COMMANDS
	do
		retort $cmd --help >out 2>err &&
		test_grep "^usage: retort $cmd" out &&
		test_must_be_empty err || return 1
	done
'

test_expect_success 'every command listed by --help answers -h' '
	retort --help >out &&
	sed -n -e "/^commands:/,/^\$/p" out >section &&
	awk "NR > 1 && NF { print \$1 }" section >listed &&
	test_line_count -ge 9 listed &&
	for cmd in $COMMANDS
	do
		test_grep -x "$cmd" listed || return 1
	done &&
	for cmd in $(cat listed)
	do
		retort $cmd -h >out 2>err &&
		test_grep "^usage: retort $cmd" out &&
		test_must_be_empty err || return 1
	done
'

test_expect_success '--version' '
	retort --version >out 2>err &&
	version=$(sed -n -e "s/^#define RETORT_VERSION *\"\(.*\)\"$/\1/p" \
		"$TEST_DIRECTORY/../include/retort/common.h") &&
	echo "retort $version" >expect &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'command help mentions its options' '
	retort history -h >out &&
	test_grep -e "--rev-range" out &&
	test_grep -e "--verbose" out &&
	retort revision -h >out &&
	test_grep -e "--rev-id" out &&
	test_grep -e "--head" out &&
	test_grep -e "--message" out &&
	retort stamp -h >out &&
	test_grep -e "--purge" out &&
	retort current -h >out &&
	test_grep -e "--verbose" out
'

test_expect_success 'no command is a usage error' '
	test_expect_code 2 retort >out 2>err &&
	test_must_be_empty out &&
	test_grep "^usage: retort" err
'

test_expect_success 'an unknown command is a usage error naming it' '
	test_expect_code 2 retort nosuch >out 2>err &&
	test_must_be_empty out &&
	test_grep "usage: retort" err &&
	test_grep "nosuch" err
'

test_expect_success 'an unknown global option is a usage error' '
	test_expect_code 2 retort --bogus heads >out 2>err &&
	test_must_be_empty out &&
	test_grep -e "--bogus" err
'

test_expect_success 'an unknown command option is a usage error' '
	test_expect_code 2 retort heads --bogus >out 2>err &&
	test_must_be_empty out &&
	test_grep -e "--bogus" err
'

test_expect_success 'global options must come before the command' '
	rt_make_lin_project &&
	test_expect_code 2 retort heads -c alembic.ini >out 2>err &&
	test_must_be_empty out &&
	test_grep "usage: retort" err
'

test_expect_success 'a missing argument is a usage error' '
	for cmd in upgrade downgrade init show stamp
	do
		test_expect_code 2 retort $cmd >out 2>err &&
		test_must_be_empty out &&
		test_grep "usage: retort $cmd" err || return 1
	done
'

test_expect_success 'an option without its value is a usage error' '
	test_expect_code 2 retort -c >out 2>err &&
	test_must_be_empty out &&
	test_expect_code 2 retort history -r >out 2>err &&
	test_must_be_empty out &&
	test_grep "usage: retort history" err &&
	test_expect_code 2 retort revision -m >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'an extra argument is a usage error' '
	test_expect_code 2 retort heads extra >out 2>err &&
	test_must_be_empty out &&
	test_expect_code 2 retort upgrade head extra >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'a value beginning with - must be attached' '
	test_expect_code 2 retort history -r -1: >out 2>err &&
	test_must_be_empty out &&
	retort history -r-1: >out &&
	retort history --rev-range=-1: >out2 &&
	test_cmp out out2 &&
	test_line_count = 2 out
'

test_expect_success 'long options take --opt=value and --opt value' '
	retort --config=alembic.ini heads >out1 &&
	retort --config alembic.ini heads >out2 &&
	retort -calembic.ini heads >out3 &&
	echo "3333cccc0003 (head)" >expect &&
	test_cmp expect out1 &&
	test_cmp expect out2 &&
	test_cmp expect out3
'

test_expect_success 'a short option takes -o=value as argparse does' '
	retort -c=alembic.ini heads >out &&
	echo "3333cccc0003 (head)" >expect &&
	test_cmp expect out
'

test_expect_success 'a FAILED error exits 255 with one line on stdout' '
	test_expect_code 255 retort show nosuch >out 2>err &&
	rt_cant_locate nosuch >expect &&
	test_cmp expect out
'

test_expect_success '-q prints nothing on stdout' '
	retort -q heads >out 2>err &&
	test_must_be_empty out &&
	test_expect_code 255 retort -q show nosuch >out 2>err &&
	test_must_be_empty out
'

test_expect_success '--raiseerr still fails the ordinary way' '
	test_must_fail retort --raiseerr show nosuch >out 2>err &&
	rt_cant_locate nosuch >expect &&
	test_cmp expect out &&
	test_file_not_empty err
'

test_done
