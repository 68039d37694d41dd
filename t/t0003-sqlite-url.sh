#!/bin/bash
test_description='database URLs: the SQLite forms and unsupported schemes

SPEC.md §3: sqlite:///relative (to the working directory),
sqlite:////absolute, sqlite:// (in memory), a query string; an unknown
scheme is one FAILED line listing the supported ones, and a password is
never printed.'

. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	rt_make_lin_project &&
	sed -e "s|^script_location = .*|script_location = %(here)s/migrations|" \
		alembic.ini >tmp.ini &&
	mv tmp.ini alembic.ini &&
	mkdir sub other
'

test_expect_success 'sqlite:///relative/path is relative to the cwd' '
	retort -x url=sqlite:///sub/rel.db upgrade head 2>err &&
	echo 3333cccc0003 >expect &&
	rt_versions sub/rel.db >actual &&
	test_cmp expect actual &&
	(
		cd other &&
		mkdir sub &&
		retort -c ../alembic.ini -x url=sqlite:///sub/rel.db stamp 1111 2>/dev/null
	) &&
	echo 1111aaaa0001 >expect &&
	rt_versions other/sub/rel.db >actual &&
	test_cmp expect actual
'

test_expect_success 'sqlite:////absolute/path' '
	abs="$TRASH_DIRECTORY/abs.db" &&
	case "$abs" in /*) : ;; *) false ;; esac &&
	(
		cd other &&
		retort -c ../alembic.ini -x "url=sqlite:///$abs" upgrade 2222 2>/dev/null &&
		retort -c ../alembic.ini -x "url=sqlite:///$abs" current >../out
	) &&
	test_path_is_missing other/abs.db &&
	echo 2222bbbb0002 >expect &&
	rt_versions abs.db >actual &&
	test_cmp expect actual &&
	test_cmp expect out
'

test_expect_success 'sqlite:// is an in-memory database' '
	: >after &&
	ls -a >before &&
	retort -x url=sqlite:// upgrade head >out 2>err &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	rt_log_expect \
		"Running upgrade  -> 1111aaaa0001, create account table" \
		"Running upgrade 1111aaaa0001 -> 2222bbbb0002, add email to account" \
		"Running upgrade 2222bbbb0002 -> 3333cccc0003, add index on email" >expect &&
	test_cmp expect actual &&
	retort -x url=sqlite:// current >out 2>err &&
	test_must_be_empty out &&
	ls -a >after &&
	test_cmp before after
'

test_expect_success 'a query string is not part of the file name' '
	retort -x "url=sqlite:///q.db?timeout=5" upgrade head 2>err &&
	echo 3333cccc0003 >expect &&
	rt_versions q.db >actual &&
	test_cmp expect actual &&
	test_path_is_missing "q.db?timeout=5" &&
	retort -x "url=sqlite:///q.db?timeout=5" current -v >out &&
	head -n 1 out >actual &&
	echo "Current revision(s) for sqlite:///q.db?timeout=5:" >expect &&
	test_cmp expect actual
'

test_expect_success 'an unsupported scheme lists the supported ones' '
	test_expect_code 255 retort -x url=mysql://scott:tiger@localhost/test upgrade head >out 2>err &&
	rt_failed out err mysql &&
	test_grep "sqlite" failed &&
	test_grep "postgresql" failed
'

test_expect_success 'the error never shows the password' '
	test_expect_code 255 retort -x url=mysql://scott:s3cr3tpw@localhost/test upgrade head >out 2>err &&
	test_grep -v s3cr3tpw out &&
	test_grep -v s3cr3tpw err
'

test_expect_success 'the placeholder URL of a new alembic.ini is refused' '
	test_expect_code 255 retort -x url=driver://user:pass@localhost/dbname upgrade head >out 2>err &&
	rt_failed out err sqlite
'

test_expect_success 'a malformed URL is one FAILED line' '
	test_expect_code 255 retort -x "url=not a url" upgrade head >out 2>err &&
	rt_failed out err &&
	test_path_is_missing "not a url"
'

test_expect_success 'no URL at all is one FAILED line' '
	mkdir nourl &&
	rt_make_lin_project nourl &&
	printf "[alembic]\nscript_location = migrations\n" >nourl/alembic.ini &&
	(
		cd nourl &&
		test_expect_code 255 retort upgrade head >../out 2>../err
	) &&
	rt_failed out err
'

test_expect_success 'a database in a missing directory: the SQLite message' '
	test_expect_code 255 retort -x url=sqlite:///nodir/x.db upgrade head >out 2>err &&
	rt_failed out err "unable to open database file" &&
	test_path_is_missing nodir
'

test_expect_success SQLITE3 'a file that is not a database: the SQLite message' '
	echo "this is not a database, just some text that is long enough to fill a header" >junk.db &&
	test_expect_code 255 retort -x url=sqlite:///junk.db upgrade head >out 2>err &&
	rt_failed out err "not a database"
'

test_done
