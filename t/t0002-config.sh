#!/bin/bash
test_description='configuration: finding alembic.ini, its syntax, the URL

SPEC.md §3 and reference/alembic.md §3: -c, ALEMBIC_CONFIG, ./alembic.ini;
-n SECTION; ConfigParser syntax (continuation lines, %(here)s and %(name)s
interpolation, %% escapes); -x url= > DATABASE_URL > sqlalchemy.url; a
malformed file is one FAILED line naming file and line, exit 255.'

. "$(dirname "$0")/test-lib.sh"

HEAD_LINE='3333cccc0003 (head)'

# write_ini FILE MAIN-SECTION-BODY: an ini with the logging sections.
write_ini () {
	{
		cat
		echo
		rt_ini_logging
	} >"$1"
}

test_expect_success 'setup: a project in proj/ anchored with %(here)s' '
	rt_make_lin_project proj &&
	write_ini proj/alembic.ini <<-\EOF &&
	[alembic]
	script_location = %(here)s/migrations
	sqlalchemy.url = sqlite:///%(here)s/test.db
	EOF
	echo "$HEAD_LINE" >expect.head
'

test_expect_success 'alembic.ini is read from the working directory' '
	(
		cd proj &&
		retort heads >../out
	) &&
	test_cmp expect.head out
'

test_expect_success 'without a config file: the Alembic message, exit 255' '
	mkdir empty &&
	(
		cd empty &&
		test_expect_code 255 retort heads >../out
	) &&
	echo "FAILED: No config file ${SQ}alembic.ini${SQ} found, or file has no ${SQ}[alembic]${SQ} section" >expect &&
	test_cmp expect out
'

test_expect_success '-c and --config name the file' '
	retort -c proj/alembic.ini heads >out &&
	test_cmp expect.head out &&
	retort --config proj/alembic.ini heads >out &&
	test_cmp expect.head out
'

test_expect_success '-c with a missing file' '
	test_expect_code 255 retort -c nonexist.ini heads >out &&
	echo "FAILED: No config file ${SQ}nonexist.ini${SQ} found, or file has no ${SQ}[alembic]${SQ} section" >expect &&
	test_cmp expect out
'

test_expect_success 'ALEMBIC_CONFIG names the file' '
	ALEMBIC_CONFIG=proj/alembic.ini retort heads >out &&
	test_cmp expect.head out
'

test_expect_success '-c wins over ALEMBIC_CONFIG' '
	ALEMBIC_CONFIG=nonexist.ini retort -c proj/alembic.ini heads >out &&
	test_cmp expect.head out &&
	(
		cd proj &&
		ALEMBIC_CONFIG=nonexist.ini test_expect_code 255 retort heads >../out
	) &&
	test_grep "nonexist.ini" out
'

test_expect_success '%(here)s anchors paths to the ini file, not the cwd' '
	mkdir elsewhere &&
	(
		cd elsewhere &&
		retort -c ../proj/alembic.ini upgrade head >../out 2>../err &&
		retort -c ../proj/alembic.ini current -v >../current
	) &&
	test_must_be_empty out &&
	test_path_is_missing elsewhere/test.db &&
	echo 3333cccc0003 >expect &&
	rt_versions proj/test.db >actual &&
	test_cmp expect actual &&
	head -n 1 current >actual &&
	echo "Current revision(s) for sqlite:///$TRASH_DIRECTORY/proj/test.db:" >expect &&
	test_cmp expect actual
'

test_expect_success 'relative paths in the ini are relative to the cwd' '
	rt_make_lin_project rel &&
	(
		cd elsewhere &&
		test_expect_code 255 retort -c ../rel/alembic.ini heads >../out
	) &&
	echo "FAILED: Path doesn${SQ}t exist: ${SQ}$TRASH_DIRECTORY/elsewhere/migrations${SQ}.  Please use the ${SQ}init${SQ} command to create a new scripts folder." >expect &&
	test_cmp expect out &&
	(
		cd rel &&
		retort -c alembic.ini upgrade head 2>/dev/null
	) &&
	test_path_is_file rel/test.db &&
	test_path_is_missing elsewhere/test.db
'

test_expect_success 'a missing script_location key' '
	mkdir noloc &&
	write_ini noloc/alembic.ini <<-\EOF &&
	[alembic]
	sqlalchemy.url = sqlite:///test.db
	EOF
	test_expect_code 255 retort -c noloc/alembic.ini heads >out &&
	echo "FAILED: No ${SQ}script_location${SQ} key found in configuration." >expect &&
	test_cmp expect out
'

test_expect_success '-n picks another section' '
	mkdir named &&
	rt_make_lin_project named &&
	write_ini named/alembic.ini <<-\EOF &&
	[alembic]
	script_location = %(here)s/migrations
	sqlalchemy.url = sqlite:///%(here)s/main.db

	[other]
	script_location = %(here)s/migrations
	sqlalchemy.url = sqlite:///%(here)s/other.db
	EOF
	retort -c named/alembic.ini -n other upgrade head 2>err &&
	test_path_is_missing named/main.db &&
	echo 3333cccc0003 >expect &&
	rt_versions named/other.db >actual &&
	test_cmp expect actual &&
	retort -c named/alembic.ini --name other downgrade base 2>err &&
	rt_versions named/other.db >actual &&
	test_must_be_empty actual &&
	test_path_is_missing named/main.db
'

test_expect_success '-n with a section that does not exist' '
	test_expect_code 255 retort -c named/alembic.ini -n missing heads >out &&
	echo "FAILED: No config file ${SQ}named/alembic.ini${SQ} found, or file has no ${SQ}[missing]${SQ} section" >expect &&
	test_cmp expect out
'

test_expect_success '%(name)s interpolates from the section and from DEFAULT' '
	mkdir interp &&
	rt_make_lin_project interp &&
	write_ini interp/alembic.ini <<-\EOF &&
	[DEFAULT]
	dbdir = %(here)s/data

	[alembic]
	scripts = migrations
	script_location = %(here)s/%(scripts)s
	dbname = interp.db
	sqlalchemy.url = sqlite:///%(dbdir)s/%(dbname)s
	EOF
	mkdir interp/data &&
	retort -c interp/alembic.ini upgrade head 2>err &&
	echo 3333cccc0003 >expect &&
	rt_versions interp/data/interp.db >actual &&
	test_cmp expect actual
'

test_expect_success '%% is a literal percent sign' '
	mkdir pct &&
	rt_make_lin_project pct &&
	write_ini pct/alembic.ini <<-\EOF &&
	[alembic]
	script_location = %(here)s/migrations
	sqlalchemy.url = sqlite:///%(here)s/100%%.db
	EOF
	retort -c pct/alembic.ini upgrade head 2>err &&
	echo 3333cccc0003 >expect &&
	rt_versions "pct/100%.db" >actual &&
	test_cmp expect actual
'

test_expect_success 'a lone % is an error naming file and line' '
	write_ini pct/bad.ini <<-\EOF &&
	[alembic]
	script_location = %(here)s/migrations
	sqlalchemy.url = sqlite:///%(here)s/lone%.db
	EOF
	test_expect_code 255 retort -c pct/bad.ini upgrade head >out 2>err &&
	rt_failed out err "bad\.ini" 3 &&
	test_path_is_missing "pct/lone%.db" &&
	test_path_is_missing "pct/lone.db"
'

test_expect_success 'an interpolation of a missing key is an error' '
	write_ini pct/missing.ini <<-\EOF &&
	[alembic]
	script_location = %(here)s/migrations
	sqlalchemy.url = sqlite:///%(nosuchkey)s/x.db
	EOF
	test_expect_code 255 retort -c pct/missing.ini upgrade head >out 2>err &&
	rt_failed out err "missing\.ini" 3
'

test_expect_success 'continuation lines belong to the key above them' '
	mkdir cont &&
	rt_make_lin_project cont &&
	write_ini cont/alembic.ini <<-\EOF &&
	[alembic]
	script_location = %(here)s/migrations
	some_list = first
	    second

	    script_location = %(here)s/wrong
	# a comment line
	sqlalchemy.url = sqlite:///%(here)s/test.db
	EOF
	retort -c cont/alembic.ini heads >out &&
	test_cmp expect.head out &&
	retort -c cont/alembic.ini upgrade head 2>err &&
	test_path_is_file cont/test.db
'

test_expect_success 'keys are case-insensitive; "key: value" works' '
	mkdir keys &&
	rt_make_lin_project keys &&
	write_ini keys/alembic.ini <<-\EOF &&
	[alembic]
	Script_Location: %(here)s/migrations
	SQLALCHEMY.URL = sqlite:///%(here)s/test.db
	EOF
	retort -c keys/alembic.ini upgrade head 2>err &&
	echo 3333cccc0003 >expect &&
	rt_versions keys/test.db >actual &&
	test_cmp expect actual
'

# check_malformed NAME LINE: bad/NAME.ini is malformed at LINE; every
# command says so in one FAILED line and the database is not created.
check_malformed () {
	test_expect_code 255 retort -c bad/$1.ini upgrade head >out 2>err &&
	rt_failed out err "$1\.ini" $2 &&
	test_path_is_missing bad/test.db &&
	test_expect_code 255 retort -c bad/$1.ini heads >out 2>err &&
	rt_failed out err "$1\.ini" $2
}

test_expect_success 'malformed ini: a line that is not key = value' '
	rt_make_lin_project bad &&
	cat >bad/noequals.ini <<-\EOF &&
	[alembic]
	script_location = %(here)s/migrations
	this line has no equals sign
	sqlalchemy.url = sqlite:///%(here)s/test.db
	EOF
	check_malformed noequals 3
'

test_expect_success 'malformed ini: a key before any section' '
	cat >bad/nosection.ini <<-\EOF &&
	script_location = %(here)s/migrations
	[alembic]
	sqlalchemy.url = sqlite:///%(here)s/test.db
	EOF
	check_malformed nosection 1
'

test_expect_success 'malformed ini: a duplicate key' '
	cat >bad/dupkey.ini <<-\EOF &&
	[alembic]
	script_location = %(here)s/migrations
	sqlalchemy.url = sqlite:///%(here)s/test.db
	script_location = %(here)s/migrations
	EOF
	check_malformed dupkey 4
'

test_expect_success 'malformed ini: a duplicate section' '
	cat >bad/dupsection.ini <<-\EOF &&
	[alembic]
	script_location = %(here)s/migrations
	sqlalchemy.url = sqlite:///%(here)s/test.db

	[alembic]
	sqlalchemy.url = sqlite:///%(here)s/test.db
	EOF
	check_malformed dupsection 5
'

test_expect_success 'malformed ini: an unterminated section header' '
	cat >bad/header.ini <<-\EOF &&
	[alembic]
	script_location = %(here)s/migrations
	[loggers
	sqlalchemy.url = sqlite:///%(here)s/test.db
	EOF
	check_malformed header 3
'

test_expect_success 'setup: URL precedence project' '
	rt_make_lin_project urls &&
	write_ini urls/alembic.ini <<-\EOF
	[alembic]
	script_location = %(here)s/migrations
	sqlalchemy.url = sqlite:///%(here)s/ini.db
	EOF
'

test_expect_success 'sqlalchemy.url is used when nothing overrides it' '
	(
		cd urls &&
		retort upgrade head 2>err &&
		retort current -v >out
	) &&
	echo 3333cccc0003 >expect &&
	rt_versions urls/ini.db >actual &&
	test_cmp expect actual &&
	head -n 1 urls/out >actual &&
	echo "Current revision(s) for sqlite:///$TRASH_DIRECTORY/urls/ini.db:" >expect &&
	test_cmp expect actual
'

test_expect_success 'DATABASE_URL wins over sqlalchemy.url' '
	(
		cd urls &&
		DATABASE_URL=sqlite:///env.db retort upgrade 2222 2>err &&
		DATABASE_URL=sqlite:///env.db retort current -v >out
	) &&
	echo 2222bbbb0002 >expect &&
	rt_versions urls/env.db >actual &&
	test_cmp expect actual &&
	echo 3333cccc0003 >expect &&
	rt_versions urls/ini.db >actual &&
	test_cmp expect actual &&
	head -n 1 urls/out >actual &&
	echo "Current revision(s) for sqlite:///env.db:" >expect &&
	test_cmp expect actual
'

test_expect_success '-x url= wins over DATABASE_URL and sqlalchemy.url' '
	(
		cd urls &&
		DATABASE_URL=sqlite:///env.db retort -x url=sqlite:///x.db upgrade 1111 2>err &&
		DATABASE_URL=sqlite:///env.db retort -x url=sqlite:///x.db current -v >out
	) &&
	echo 1111aaaa0001 >expect &&
	rt_versions urls/x.db >actual &&
	test_cmp expect actual &&
	echo 2222bbbb0002 >expect &&
	rt_versions urls/env.db >actual &&
	test_cmp expect actual &&
	head -n 1 urls/out >actual &&
	echo "Current revision(s) for sqlite:///x.db:" >expect &&
	test_cmp expect actual
'

test_expect_success '-x may be repeated; other keys are ignored' '
	(
		cd urls &&
		retort -x foo=bar -x url=sqlite:///x2.db -x baz upgrade head 2>err
	) &&
	echo 3333cccc0003 >expect &&
	rt_versions urls/x2.db >actual &&
	test_cmp expect actual
'

test_expect_success '[logger_alembic] at WARN silences the INFO lines' '
	mkdir quiet &&
	rt_make_lin_project quiet &&
	sed -e "/^\[logger_alembic\]/,/^\[/s/^level = INFO/level = WARN/" \
		quiet/alembic.ini >quiet/tmp.ini &&
	mv quiet/tmp.ini quiet/alembic.ini &&
	test_grep "^level = WARN" quiet/alembic.ini &&
	(
		cd quiet &&
		retort upgrade head >../out 2>../err
	) &&
	test_must_be_empty out &&
	rt_log_lines err >actual &&
	test_must_be_empty actual &&
	echo 3333cccc0003 >expect &&
	rt_versions quiet/test.db >actual &&
	test_cmp expect actual
'

test_expect_success 'an ini without logging sections still works' '
	mkdir nolog &&
	rt_make_lin_project nolog &&
	printf "[alembic]\nscript_location = migrations\nsqlalchemy.url = sqlite:///test.db\n" >nolog/alembic.ini &&
	(
		cd nolog &&
		retort upgrade head >../out 2>../err &&
		retort current >../current
	) &&
	test_must_be_empty out &&
	echo "$HEAD_LINE" >expect &&
	test_cmp expect current
'

test_done
