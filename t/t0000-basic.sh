#!/bin/bash
test_description='the test harness itself (test-lib.sh)

Checks the helpers every other script relies on: test_must_fail tells an
ordinary failure from a crash, test_cmp, prerequisites, and what a script
with failing, broken and skipped tests prints.'

RT_TEST_NO_RETORT=1
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'the test runs in its trash directory' '
	[ "$(pwd -P)" = "$TRASH_DIRECTORY" ] &&
	case "$TRASH_DIRECTORY" in
	*/trash.t0000-basic) : ;;
	*) false ;;
	esac
'

test_expect_success 'the environment is scrubbed' '
	[ -z "${ALEMBIC_CONFIG+set}" ] &&
	[ -z "${DATABASE_URL+set}" ] &&
	[ "$TZ" = UTC ] &&
	[ "$HOME" = "$TRASH_DIRECTORY" ]
'

test_expect_success 'each test starts in the trash directory' '
	mkdir sub &&
	cd sub
'

test_expect_success '... even after a test changed directory' '
	[ "$(pwd -P)" = "$TRASH_DIRECTORY" ]
'

test_expect_success 'test_must_fail accepts ordinary failures' '
	test_must_fail sh -c "exit 1" &&
	test_must_fail sh -c "exit 2" &&
	test_must_fail sh -c "exit 255"
'

test_expect_success 'test_must_fail rejects success' '
	! test_must_fail true
'

test_expect_success 'test_must_fail rejects signals and sanitizer aborts' '
	! test_must_fail sh -c "kill -ABRT \$\$" &&
	! test_must_fail sh -c "kill -SEGV \$\$" &&
	! test_must_fail sh -c "exit 134" &&
	! test_must_fail sh -c "exit 139"
'

test_expect_success 'test_must_fail rejects a command that cannot run' '
	! test_must_fail ./no-such-command
'

test_expect_success 'test_expect_code wants the exact code' '
	test_expect_code 2 sh -c "exit 2" &&
	! test_expect_code 2 sh -c "exit 1" &&
	! test_expect_code 0 sh -c "exit 255"
'

test_expect_success 'test_cmp, test_line_count, test_must_be_empty' '
	printf "a\nb\n" >one &&
	printf "a\nb\n" >two &&
	printf "a\nc\n" >three &&
	: >empty &&
	test_cmp one two &&
	! test_cmp one three &&
	test_line_count = 2 one &&
	! test_line_count = 3 one &&
	test_line_count -gt 1 one &&
	test_must_be_empty empty &&
	! test_must_be_empty one &&
	! test_must_be_empty missing
'

test_expect_success 'path and grep helpers' '
	mkdir d && : >f &&
	test_path_is_dir d &&
	test_path_is_file f &&
	test_path_is_missing nothing &&
	! test_path_is_missing f &&
	printf "hello world\n" >g &&
	test_grep "^hello" g &&
	! test_grep "^world" g &&
	test_grep -v "^world" g &&
	! test_grep -v "hello" g
'

test_set_prereq HAVEIT
test_lazy_prereq LAZY_TRUE 'true'
test_lazy_prereq LAZY_FALSE 'false'

test_expect_success 'prerequisites: set, lazy and negated' '
	test_have_prereq HAVEIT &&
	test_have_prereq LAZY_TRUE &&
	! test_have_prereq LAZY_FALSE &&
	test_have_prereq !LAZY_FALSE &&
	test_have_prereq HAVEIT,!LAZY_FALSE &&
	! test_have_prereq HAVEIT,LAZY_FALSE &&
	! test_have_prereq NEVER_DECLARED
'

test_expect_success LAZY_FALSE 'a test with a missing prerequisite is skipped' '
	false
'

test_expect_success 'rt_slug follows Alembic for ASCII messages' '
	[ "$(rt_slug "create account table")" = create_account_table ] &&
	[ "$(rt_slug "This is a very long message, with punctuation! and UPPER case")" = this_is_a_very_long_message_with_ ] &&
	[ "$(rt_slug "create account table" 10)" = create_ ] &&
	[ "$(rt_slug "abcdefghijklmno" 10)" = abcdefghij_ ]
'

test_expect_success 'rt_write_rev writes the SQL script format' '
	rt_make_project &&
	rt_write_rev $REV1 "" "$MSG1" "$SQL1_UP" "$SQL1_DOWN" &&
	rt_write_rev $REV2 $REV1 "$MSG2" "$SQL2_UP" &&
	cat >expect <<-EOF &&
	-- create account table
	--
	-- Revision ID: 1111aaaa0001
	-- Revises:
	-- Create Date: 2024-01-01 00:00:00.000000

	-- +upgrade
	CREATE TABLE account (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);

	-- +downgrade
	DROP TABLE account;
	EOF
	test_cmp expect migrations/versions/1111aaaa0001_create_account_table.sql &&
	cat >expect <<-EOF &&
	-- add email to account
	--
	-- Revision ID: 2222bbbb0002
	-- Revises: 1111aaaa0001
	-- Create Date: 2024-01-01 00:00:00.000000

	-- +upgrade
	ALTER TABLE account ADD COLUMN email VARCHAR(100);

	-- +downgrade
	EOF
	test_cmp expect migrations/versions/2222bbbb0002_add_email_to_account.sql &&
	[ "$(rt_rev_path $REV2)" = "$TRASH_DIRECTORY/migrations/versions/2222bbbb0002_add_email_to_account.sql" ]
'

test_expect_success 'rt_failed: one FAILED line, on stdout or stderr' '
	echo "FAILED: x.sql:9: boom" >o1 && : >e1 &&
	rt_failed o1 e1 "x\.sql" 9 &&
	test_cmp o1 failed &&
	: >o2 && printf "INFO  log\nFAILED: x.sql:9: boom\n" >e2 &&
	rt_failed o2 e2 "x\.sql" 9 &&
	test_cmp o1 failed &&
	! rt_failed o1 e1 "y\.sql" &&
	! rt_failed o1 e1 "x\.sql" 19 &&
	! rt_failed o1 e2 &&
	printf "FAILED: x.sql:9: boom\nmore\n" >o3 &&
	! rt_failed o3 e1 &&
	: >e3 &&
	! rt_failed o2 e3
'

test_expect_success SQLITE3 'database helpers' '
	rt_versions none.db >out &&
	test_must_be_empty out &&
	test_path_is_missing none.db &&
	rt_sqlite h.db "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL); INSERT INTO alembic_version VALUES (\"b\"), (\"a\"); CREATE TABLE z (x, y)" &&
	rt_versions h.db >out &&
	printf "a\nb\n" >expect &&
	test_cmp expect out &&
	rt_tables h.db >out &&
	printf "alembic_version\nz\n" >expect &&
	test_cmp expect out &&
	rt_columns h.db z >out &&
	printf "x\ny\n" >expect &&
	test_cmp expect out &&
	rt_has_table h.db z &&
	! rt_has_table h.db nope
'

# A script in the trash directory exercising the reporting side.
write_sub_script () {
	{
		printf "#!/bin/bash\n"
		printf "RT_TEST_NO_RETORT=1\n"
		printf ". \"\$TEST_DIRECTORY/test-lib.sh\"\n"
		cat
		printf "test_done\n"
	} >"$1.sh"
}

run_sub_script () {
	RT_TEST_OUTPUT_DIRECTORY="$TRASH_DIRECTORY" bash "$1.sh" "${@:2}" >"$1.out" 2>"$1.err"
}

test_expect_success 'a passing script prints TAP, exits 0, removes its trash' '
	write_sub_script passing <<-\EOF &&
	test_expect_success "one" "true"
	test_expect_success NEVER "two" "false"
	test_expect_failure "three" "false"
	EOF
	run_sub_script passing &&
	cat >expect <<-\EOF &&
	ok 1 - one
	ok 2 # skip two (missing NEVER)
	not ok 3 - three # TODO known breakage
	# still have 1 known breakage(s)
	1..3
	# passed all 3 test(s)
	EOF
	test_cmp expect passing.out &&
	test_path_is_missing trash.passing
'

test_expect_success 'a failing script says which test and keeps its trash' '
	write_sub_script failing <<-\EOF &&
	test_expect_success "good" "true"
	test_expect_success "bad" "
		echo one >file &&
		false
	"
	test_expect_success "after" "true"
	EOF
	test_expect_code 1 run_sub_script failing &&
	cat >expect <<-\EOF &&
	ok 1 - good
	not ok 2 - bad
	ok 3 - after
	1..3
	# failed 1 among 3 test(s)
	EOF
	test_cmp expect failing.out &&
	test_grep "^#	*echo one >file &&" failing.err &&
	test_path_is_file trash.failing/file
'

test_expect_success '--immediate stops at the first failure' '
	write_sub_script immediate <<-\EOF &&
	test_expect_success "bad" "false"
	test_expect_success "never run" "true"
	EOF
	test_expect_code 1 run_sub_script immediate --immediate &&
	test_grep "^not ok 1 - bad" immediate.out &&
	test_grep -v "never run" immediate.out
'

test_expect_success 'a vanished breakage is reported' '
	write_sub_script vanished <<-\EOF &&
	test_expect_failure "fixed now" "true"
	EOF
	run_sub_script vanished &&
	test_grep "^ok 1 - fixed now # TODO known breakage vanished" vanished.out
'

test_expect_success 'an exit inside a test body is a bail out' '
	write_sub_script exiting <<-\EOF &&
	test_expect_success "exits" "exit 0"
	EOF
	test_expect_code 1 run_sub_script exiting &&
	test_grep "^Bail out! exiting exited unexpectedly (code 0) in test .exits." exiting.out
'

test_expect_success 'without a retort binary a script bails out' '
	printf ". \"\$TEST_DIRECTORY/test-lib.sh\"\ntest_done\n" >nobin.sh &&
	test_expect_code 1 env -u RT_TEST_NO_RETORT RT_BUILD="$TRASH_DIRECTORY/nowhere" \
		bash nobin.sh >nobin.out 2>&1 &&
	test_grep "^Bail out! no retort binary" nobin.out
'

test_done
