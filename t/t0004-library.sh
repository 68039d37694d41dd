#!/bin/bash
test_description='libretort used from a C program

Builds examples/migrate_at_start.c against the library and headers of this
build (with the same compiler flags, so it also runs under the sanitizers)
and checks that it migrates a database and reports through its callbacks.'

. "$(dirname "$0")/test-lib.sh"

TOP=$(cd "$TEST_DIRECTORY/.." && pwd -P)

test_expect_success 'the example program builds against libretort' '
	(
		cd "$TOP" &&
		$(cat "$RT_BUILD/CFLAGS") -o "$TRASH_DIRECTORY/app" \
			examples/migrate_at_start.c "$RT_BUILD/libretort.a" \
			$(pkg-config --libs sqlite3) \
			$(sed -n "s/^Libs.private: *//p" "$RT_BUILD/retort.pc")
	) &&
	test -x app
'

test_expect_success SQLITE3 'it upgrades to head and prints the current revision' '
	rt_make_lin_project &&
	${RT_TEST_WRAPPER:-} ./app alembic.ini >out 2>err &&
	echo "$REV3 (head)" >expect &&
	test_cmp expect out &&
	grep "^\[migrate\] Running upgrade  -> $REV1, $MSG1\$" err &&
	grep "^\[migrate\] Running upgrade $REV2 -> $REV3, $MSG3\$" err &&
	echo $REV3 >expect &&
	rt_versions test.db >actual &&
	test_cmp expect actual
'

test_expect_success SQLITE3 'a second start finds nothing to do' '
	${RT_TEST_WRAPPER:-} ./app alembic.ini >out 2>err &&
	echo "$REV3 (head)" >expect &&
	test_cmp expect out &&
	! grep "Running upgrade" err
'

test_expect_success 'a failure comes back as an error message, not an exit' '
	test_expect_code 1 ${RT_TEST_WRAPPER:-} ./app nosuch.ini >out 2>err &&
	test_must_be_empty out &&
	echo "migration failed: No config file ${SQ}nosuch.ini${SQ} found, or file has no ${SQ}[alembic]${SQ} section" >expect &&
	test_cmp expect err
'

test_expect_success 'the pkg-config file names the library' '
	PKG_CONFIG_PATH="$RT_BUILD" pkg-config --libs retort >libs &&
	grep -e "-lretort" libs &&
	PKG_CONFIG_PATH="$RT_BUILD" pkg-config --modversion retort >version &&
	grep -E "^[0-9]+\.[0-9]+\.[0-9]+$" version
'

test_done
