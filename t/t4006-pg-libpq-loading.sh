#!/bin/bash
test_description='libpq is loaded on the first PostgreSQL connection only

retort does not link libpq (nor the ~25 libraries libpq needs): SQLite runs
start without them, and db/libpq_loader.c dlopen()s libpq.so.5 when a
PostgreSQL connection is opened.  When it cannot, the connection fails like
one that cannot be made, and the message names the package to install.

No server is needed: the PostgreSQL URL points at a socket directory that
does not exist, so a run that gets as far as libpq fails with libpq'"'"'s own
"connection to server on socket" message.  A libpq.so.5 that is not a
library, put first in LD_LIBRARY_PATH, stands for a missing or broken libpq:
the dynamic loader refuses to start a program that links it.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-pg.sh"

test_lazy_prereq READELF 'command -v readelf'
test_lazy_prereq CC 'command -v cc'
# glibc's loader reports the libraries it loads with LD_DEBUG=files.
test_lazy_prereq LD_DEBUG 'LD_DEBUG=files /bin/true 2>err && grep -q "file=" err'

NEEDS='PostgreSQL support needs libpq (Debian package libpq5): '

test_expect_success 'setup' '
	rt_make_lin_project sq &&
	rt_make_lin_project pg &&
	rt_ini_set_url pg/alembic.ini \
		"postgresql://someone@/nodb?host=$TRASH_DIRECTORY/nosock" &&
	echo "someone@$TRASH_DIRECTORY/nosock/nodb" >display &&
	mkdir notelf &&
	echo "not a shared library" >notelf/libpq.so.5
'

test_expect_success READELF 'retort and libretort.so do not link libpq' '
	for f in retort libretort.so
	do
		readelf -d "$RT_BUILD/$f" >dynamic &&
		grep "(NEEDED)" dynamic >needed &&
		test_grep "libc\.so" needed &&
		! grep -i "libpq" needed ||
		return 1
	done
'

test_expect_success 'retort.pc does not make static users link libpq' '
	grep "^Requires" "$RT_BUILD/retort.pc" >requires &&
	test_grep sqlite3 requires &&
	! grep "libpq" "$RT_BUILD/retort.pc"
'

test_expect_success 'a SQLite run starts with a broken libpq.so.5 on the path' '
	(cd sq && LD_LIBRARY_PATH="$TRASH_DIRECTORY/notelf" retort upgrade head >../out 2>../err) &&
	test_must_be_empty out &&
	(cd sq && LD_LIBRARY_PATH="$TRASH_DIRECTORY/notelf" retort current >../out 2>../err) &&
	echo "$REV3 (head)" >expect &&
	test_cmp expect out
'

test_expect_success LD_DEBUG 'a SQLite run does not load libpq' '
	(cd sq && LD_DEBUG=files retort current >../out 2>../debug) &&
	test_cmp expect out &&
	test_grep "file=.*libsqlite3" debug &&
	! grep "libpq" debug
'

test_expect_success LD_DEBUG 'a PostgreSQL run loads libpq when it connects' '
	(cd pg && LD_DEBUG=files test_expect_code 255 retort current >../out 2>../debug) &&
	test_grep -E "file=libpq\.so\.5 .*dynamically loaded" debug &&
	sed -e "/^ *[0-9]*:/d" debug >err &&
	rt_failed out err &&
	test_grep -F "FAILED: cannot connect to PostgreSQL database $(cat display): connection to server on socket" failed &&
	# libpq indents its second line: one line here, single-spaced
	test_grep -F "; Is the server running" failed &&
	test_grep -v "  " failed
'

test_expect_success 'without libpq, a PostgreSQL run fails as a connection does, naming the package' '
	(cd pg && LD_LIBRARY_PATH="$TRASH_DIRECTORY/notelf" test_expect_code 255 retort current >../out 2>../err) &&
	rt_failed out err &&
	test_grep -F "FAILED: cannot connect to PostgreSQL database $(cat display): $NEEDS" failed &&
	test_grep -F "$TRASH_DIRECTORY/notelf/libpq.so.5" failed &&
	(cd pg && LD_LIBRARY_PATH="$TRASH_DIRECTORY/notelf" test_expect_code 255 retort upgrade head >../out 2>../err) &&
	rt_failed out err &&
	test_grep -F "$NEEDS" failed
'

test_expect_success CC 'a libpq.so.5 without libpq'"'"'s functions: the same, naming the first missing' '
	mkdir notlibpq &&
	printf "int rt_not_libpq;\n" >notlibpq.c &&
	cc -shared -fPIC -o notlibpq/libpq.so.5 notlibpq.c &&
	(cd pg && LD_LIBRARY_PATH="$TRASH_DIRECTORY/notlibpq" test_expect_code 255 retort current >../out 2>../err) &&
	rt_failed out err &&
	test_grep -F "FAILED: cannot connect to PostgreSQL database $(cat display): $NEEDS" failed &&
	test_grep -F "PQconnectdbParams" failed
'

test_done
