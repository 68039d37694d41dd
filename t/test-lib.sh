# test-lib.sh - the harness every end-to-end test script sources.
#
# A test script looks like this (see t/README.md for the house rules):
#
#	#!/bin/bash
#	test_description='what this script covers'
#	. "$(dirname "$0")/test-lib.sh"
#
#	test_expect_success 'heads on an empty project' '
#		rt_make_project &&
#		retort heads >actual &&
#		test_must_be_empty actual
#	'
#	test_done
#
# It prints TAP on stdout, so `prove` can run the scripts (and the cmocka
# unit binaries) together.  Each script runs in its own trash directory,
# t/trash.<script name>, removed when every test passed and kept for
# inspection otherwise.  Written from scratch for retort; the ideas (not the
# code) come from git's test suite.

if [ -z "${BASH_VERSION:-}" ]; then
	echo "Bail out! test-lib.sh needs bash" >&2
	exit 1
fi

# --- options -----------------------------------------------------------------

verbose=
immediate=
trace=
debug=
for opt in "$@"; do
	case "$opt" in
	-v | --verbose) verbose=t ;;
	-i | --immediate) immediate=t ;;
	-x | --trace) trace=t ;;
	-d | --debug) debug=t ;;
	-h | --help)
		echo "usage: $0 [-v|--verbose] [-i|--immediate] [-x|--trace] [-d|--debug]"
		exit 0
		;;
	*)
		echo "Bail out! unknown test option '$opt'" >&2
		exit 1
		;;
	esac
done
# -x is only readable with the commands' output next to it.
[ "$trace" = t ] && verbose=t

# --- where things are ----------------------------------------------------------

TEST_DIRECTORY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
TEST_NAME=$(basename "$0" .sh)
# RT_TEST_OUTPUT_DIRECTORY moves the trash directories (t0000 uses it to
# run scripts inside its own trash).
TRASH_DIRECTORY="${RT_TEST_OUTPUT_DIRECTORY:-$TEST_DIRECTORY}/trash.$TEST_NAME"
# The Makefile sets RT_BUILD; by hand the default is the tree's build/.
RT_BUILD=${RT_BUILD:-$TEST_DIRECTORY/../build}
RT_ALEMBIC_PYTHON=${RT_ALEMBIC_PYTHON:-/usr/bin/python3}
export TEST_DIRECTORY TRASH_DIRECTORY RT_BUILD

if [ -z "${RT_TEST_NO_RETORT:-}" ] && [ ! -x "$RT_BUILD/retort" ]; then
	echo "Bail out! no retort binary at $RT_BUILD/retort (run make first)"
	exit 1
fi
if [ -d "$RT_BUILD" ]; then
	RT_BUILD=$(cd "$RT_BUILD" && pwd -P)
fi

# --- a predictable environment -----------------------------------------------

# Nothing from the caller's shell may steer retort or its libraries.
unset ALEMBIC_CONFIG DATABASE_URL EDITOR VISUAL PGHOST PGPORT PGUSER \
	PGDATABASE PGPASSWORD PGSERVICE CDPATH
export LC_ALL=C LANG=C TZ=UTC
# A sanitizer report must look like a crash (SIGABRT, exit 134), not like an
# ordinary failure (exit 1), so test_must_fail can tell the two apart.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="abort_on_error=1:halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

# fd 3/4: where the commands of a test write (the terminal with --verbose).
# fd 5/6: the script's own stdout/stderr, for TAP lines and diagnostics.
exec 5>&1 6>&2
if [ "$verbose" = t ]; then
	exec 3>&1 4>&2
else
	exec 3>/dev/null 4>/dev/null
fi

# --- state ---------------------------------------------------------------------

test_count=0
test_success=0
test_failure=0
test_fixed=0
test_broken=0
test_skipped=0
test_done_called=
test_current_title=
declare -A rt_prereq_lazy=()
declare -A rt_prereq_result=()

say () {
	printf '%s\n' "$*" >&5
}

# Something in a test script itself is wrong, not in retort.
BUG () {
	echo "Bail out! BUG in $TEST_NAME: $*" >&5
	test_done_called=t
	exit 1
}

rt_exit_trap_ () {
	local code=$?

	[ -n "$test_done_called" ] && return
	echo "Bail out! $TEST_NAME exited unexpectedly (code $code)${test_current_title:+ in test '$test_current_title'}" >&5
	echo "trash directory kept: $TRASH_DIRECTORY" >&6
	exit 1
}
trap rt_exit_trap_ EXIT

# --- prerequisites ---------------------------------------------------------------

# test_set_prereq NAME: declare NAME satisfied.
test_set_prereq () {
	rt_prereq_result[$1]=0
}

# test_lazy_prereq NAME 'script': NAME holds when the script, run once (in a
# subshell, in a scratch directory) when first asked, exits 0.
test_lazy_prereq () {
	rt_prereq_lazy[$1]=$2
}

rt_eval_prereq_ () {
	local name=$1 dir="$TRASH_DIRECTORY/.prereq-$1" rc

	if [ -z "${rt_prereq_result[$name]+set}" ]; then
		if [ -z "${rt_prereq_lazy[$name]+set}" ]; then
			rt_prereq_result[$name]=1
		else
			mkdir -p "$dir"
			(cd "$dir" && eval "${rt_prereq_lazy[$name]}") \
				>&3 2>&4 </dev/null
			rc=$?
			rm -rf "$dir"
			[ $rc = 0 ] || rc=1
			rt_prereq_result[$name]=$rc
		fi
	fi
	return "${rt_prereq_result[$name]}"
}

# test_have_prereq 'A,!B': true when A holds and B does not.
test_have_prereq () {
	local list item negate missing=

	IFS=, read -r -a list <<<"$1"
	for item in "${list[@]}"; do
		negate=
		case "$item" in
		!*) negate=t; item=${item#!} ;;
		esac
		if rt_eval_prereq_ "$item"; then
			[ -n "$negate" ] && missing="$missing !$item"
		else
			[ -z "$negate" ] && missing="$missing $item"
		fi
	done
	rt_missing_prereq=${missing# }
	[ -z "$missing" ]
}

test_lazy_prereq SQLITE3 'command -v sqlite3'
test_lazy_prereq ALEMBIC '"$RT_ALEMBIC_PYTHON" -c "import alembic"'
# Root ignores file permissions, so tests that rely on them need NOT_ROOT.
test_lazy_prereq NOT_ROOT '[ "$(id -u)" != 0 ]'
test_lazy_prereq VALGRIND '[ -n "${RT_TEST_WRAPPER:-}" ]'

# --- running tests ---------------------------------------------------------------

# A function of its own, so that `return` in a test body ends just the body.
rt_eval_body_ () {
	if [ "$trace" = t ]; then
		set -x
	fi
	eval "$1"
}

rt_eval_ () {
	# Each test starts in the trash directory, whatever the last one did.
	cd "$TRASH_DIRECTORY" || BUG "cannot cd to $TRASH_DIRECTORY"
	rt_eval_body_ "$1" </dev/null >&3 2>&4
	rt_eval_rc_=$?
	{ set +x; } 2>/dev/null
	cd "$TRASH_DIRECTORY" || BUG "cannot cd to $TRASH_DIRECTORY"
	return $rt_eval_rc_
}

rt_print_commands_ () {
	printf '%s\n' "$1" | sed -e 's/^/#	/' >&6
}

rt_stop_if_immediate_ () {
	if [ "$immediate" = t ]; then
		say "# stopping at the first failure (--immediate)"
		test_done
	fi
}

# rt_start_test_ PREREQ TITLE: count the test; true when it must be skipped.
rt_start_test_ () {
	test_count=$((test_count + 1))
	test_current_title=$2
	[ -z "$1" ] && return 1
	test_have_prereq "$1" && return 1
	test_skipped=$((test_skipped + 1))
	say "ok $test_count # skip $2 (missing $rt_missing_prereq)"
	return 0
}

# test_expect_success [PREREQ] 'title' 'commands'
test_expect_success () {
	local prereq=

	[ $# = 3 ] && { prereq=$1; shift; }
	[ $# = 2 ] || BUG "test_expect_success needs 2 or 3 arguments"
	rt_start_test_ "$prereq" "$1" && return 0
	if rt_eval_ "$2"; then
		test_success=$((test_success + 1))
		say "ok $test_count - $1"
	else
		test_failure=$((test_failure + 1))
		say "not ok $test_count - $1"
		rt_print_commands_ "$2"
		rt_stop_if_immediate_
	fi
	test_current_title=
}

# test_expect_failure [PREREQ] 'title' 'commands': a known breakage.  TAP's
# TODO keeps it from failing the run; a pass is reported as vanished.
test_expect_failure () {
	local prereq=

	[ $# = 3 ] && { prereq=$1; shift; }
	[ $# = 2 ] || BUG "test_expect_failure needs 2 or 3 arguments"
	rt_start_test_ "$prereq" "$1" && return 0
	if rt_eval_ "$2"; then
		test_fixed=$((test_fixed + 1))
		say "ok $test_count - $1 # TODO known breakage vanished"
	else
		test_broken=$((test_broken + 1))
		say "not ok $test_count - $1 # TODO known breakage"
	fi
	test_current_title=
}

# test_skip_all 'reason': skip the whole script (call before any test).
test_skip_all () {
	test_done_called=t
	say "1..0 # SKIP $*"
	cd "$TEST_DIRECTORY" && rm -rf "$TRASH_DIRECTORY"
	exit 0
}

test_done () {
	test_done_called=t
	[ $test_fixed -gt 0 ] &&
		say "# $test_fixed known breakage(s) vanished; turn them into test_expect_success"
	[ $test_broken -gt 0 ] && say "# still have $test_broken known breakage(s)"
	if [ $test_count = 0 ]; then
		say "1..0 # SKIP no tests"
		exit 0
	fi
	say "1..$test_count"
	if [ $test_failure -gt 0 ]; then
		say "# failed $test_failure among $test_count test(s)"
		echo "trash directory kept: $TRASH_DIRECTORY" >&6
		exit 1
	fi
	say "# passed all $test_count test(s)"
	cd "$TEST_DIRECTORY" || exit 1
	if [ "$debug" = t ]; then
		echo "trash directory kept (--debug): $TRASH_DIRECTORY" >&6
	else
		rt_rm_trash_
	fi
	exit 0
}

rt_rm_trash_ () {
	[ -e "$TRASH_DIRECTORY" ] || return 0
	# Tests may leave mode-000 directories behind.
	chmod -R u+rwx "$TRASH_DIRECTORY" 2>/dev/null
	rm -rf "$TRASH_DIRECTORY"
}

# --- assertions (use them inside test bodies) ------------------------------------

# rt_bad_exit_ CODE: describe CODE when it is a crash rather than a normal
# failure (signal, sanitizer abort, valgrind error, command not found).
rt_bad_exit_ () {
	local code=$1

	if [ "$code" -eq 126 ] || [ "$code" -eq 127 ]; then
		echo "could not run (exit $code)"
	elif [ "$code" -gt 128 ] && [ "$code" -lt 255 ]; then
		echo "killed by signal $((code - 128)) (exit $code; sanitizer report?)"
	elif [ "$code" -eq 99 ] && [ -n "${RT_TEST_WRAPPER:-}" ]; then
		echo "valgrind reported errors (exit 99)"
	else
		return 1
	fi
}

# test_must_fail CMD...: CMD must exit non-zero the ordinary way (1, 2,
# 255, ...).  Success, a signal or a sanitizer abort all fail the test.
test_must_fail () {
	local code why

	"$@"
	code=$?
	if [ $code = 0 ]; then
		echo "test_must_fail: command succeeded: $*" >&4
		return 1
	fi
	if why=$(rt_bad_exit_ $code); then
		echo "test_must_fail: $why: $*" >&4
		return 1
	fi
	return 0
}

# test_expect_code N CMD...: CMD must exit with exactly N.
test_expect_code () {
	local want=$1 code

	shift
	"$@"
	code=$?
	[ "$code" = "$want" ] && return 0
	echo "test_expect_code: expected exit $want, got $code: $*" >&4
	return 1
}

# test_cmp EXPECTED ACTUAL
test_cmp () {
	[ $# = 2 ] || BUG "test_cmp needs 2 arguments"
	diff -u "$1" "$2" >&4
}

# test_line_count OP N FILE, e.g. test_line_count = 3 out
test_line_count () {
	local n

	[ $# = 3 ] || BUG "test_line_count needs 3 arguments"
	[ -f "$3" ] || { echo "test_line_count: no file '$3'" >&4; return 1; }
	n=$(wc -l <"$3")
	if ! test "$n" "$1" "$2"; then
		echo "test_line_count: line count of '$3' is $n, not $1 $2:" >&4
		cat "$3" >&4
		return 1
	fi
}

test_must_be_empty () {
	[ $# = 1 ] || BUG "test_must_be_empty needs 1 argument"
	if [ ! -f "$1" ]; then
		echo "'$1' is missing" >&4
		return 1
	elif [ -s "$1" ]; then
		echo "'$1' is not empty, it contains:" >&4
		cat "$1" >&4
		return 1
	fi
}

test_file_not_empty () {
	[ -s "$1" ] || { echo "'$1' is missing or empty" >&4; return 1; }
}

test_path_is_file () {
	[ -f "$1" ] || { echo "file '$1' does not exist" >&4; return 1; }
}

test_path_is_dir () {
	[ -d "$1" ] || { echo "directory '$1' does not exist" >&4; return 1; }
}

test_path_is_missing () {
	if [ -e "$1" ] || [ -L "$1" ]; then
		echo "path '$1' exists but should not" >&4
		ls -ld "$1" >&4
		return 1
	fi
}

# test_grep [-v] [grep options] PATTERN FILE: like grep, but shows the file
# when it does not match.
test_grep () {
	local invert='' file

	if [ "${1:-}" = -v ]; then
		invert=t
		shift
	fi
	[ $# -ge 2 ] || BUG "test_grep needs a pattern and a file"
	file=${!#}
	[ -f "$file" ] || { echo "test_grep: no file '$file'" >&4; return 1; }
	if [ -n "$invert" ]; then
		grep "$@" >/dev/null || return 0
		echo "test_grep: '$file' should not match, but does:" >&4
	else
		grep "$@" >/dev/null && return 0
		echo "test_grep: '$file' does not match:" >&4
	fi
	cat "$file" >&4
	return 1
}

# A single quote, for expected texts inside single-quoted test bodies.
SQ="'"

# rt_cant_locate X: Alembic's message for a revision that cannot be found.
rt_cant_locate () {
	printf "FAILED: Can't locate revision identified by '%s'\n" "$1"
}

# rt_failed OUT ERR [NAME [LINE]]: the command whose stdout is in OUT and
# stderr in ERR failed with exactly one `FAILED: ` line, on stdout (where
# Alembic prints its errors) or on stderr (where Alembic itself crashes with
# a traceback, see include/retort/error.h), and printed nothing else on
# stdout.  The line must match NAME (an ERE: a file name, a revision...)
# and, when LINE is given, name that line ("NAME:LINE" or "line LINE").
# The FAILED line is left in the file `failed`.
rt_failed () {
	local out=$1 err=$2 name=${3:-} line=${4:-}

	{
		grep "^FAILED: " "$out"
		grep "^FAILED: " "$err"
	} >failed
	test_line_count '=' 1 failed || return 1
	if [ -s "$out" ]; then
		test_cmp failed "$out" || return 1
	fi
	if [ -n "$name" ]; then
		# the FAILED line, or the "hint:" line after it, names it
		grep "^hint: " "$err" >hint
		cat failed hint >failed+hint
		test_grep -E "$name" failed+hint || return 1
	fi
	if [ -n "$line" ]; then
		test_grep -E "(:|line )$line([^0-9]|\$)" failed || return 1
	fi
}

# --- the program under test -------------------------------------------------------

# retort ARGS...: the binary being tested, under $RT_TEST_WRAPPER (e.g.
# valgrind) when set.
retort () {
	# RT_TEST_WRAPPER is a command line: word splitting is wanted.
	# shellcheck disable=SC2086
	${RT_TEST_WRAPPER:-} "$RT_BUILD/retort" "$@"
}

# alembic ARGS...: the real Alembic (ALEMBIC prerequisite), for interop.
alembic () {
	"$RT_ALEMBIC_PYTHON" -m alembic "$@"
}

# --- projects and databases --------------------------------------------------------

# The logging sections of Alembic's generic alembic.ini: with them the
# `INFO  [alembic.runtime.migration] Running upgrade ...` lines appear.
rt_ini_logging () {
	cat <<-\EOF
	[loggers]
	keys = root,sqlalchemy,alembic

	[handlers]
	keys = console

	[formatters]
	keys = generic

	[logger_root]
	level = WARN
	handlers = console
	qualname =

	[logger_sqlalchemy]
	level = WARN
	handlers =
	qualname = sqlalchemy.engine

	[logger_alembic]
	level = INFO
	handlers =
	qualname = alembic

	[handler_console]
	class = StreamHandler
	args = (sys.stderr,)
	level = NOTSET
	formatter = generic

	[formatter_generic]
	format = %(levelname)-5.5s [%(name)s] %(message)s
	datefmt = %H:%M:%S
	EOF
}

# rt_make_project [DIR [URL]]: a project as `retort init migrations` would
# leave it (script_location relative to the working directory, as usual),
# with an empty DIR/migrations/versions and URL (default
# sqlite:///test.db, i.e. test.db in the working directory).
rt_make_project () {
	local dir=${1:-.} url=${2:-sqlite:///test.db}

	mkdir -p "$dir/migrations/versions" &&
	{
		printf '[alembic]\nscript_location = migrations\n'
		printf 'sqlalchemy.url = %s\n\n' "$url"
		rt_ini_logging
	} >"$dir/alembic.ini"
}

# rt_ini_add INI LINE: add LINE at the top of the [alembic] section.
rt_ini_add () {
	awk -v line="$2" '{ print } /^\[alembic\][ \t]*$/ { print line }' "$1" >"$1.tmp" &&
	mv "$1.tmp" "$1"
}

# rt_slug MESSAGE [LEN]: Alembic's file-name slug (ASCII messages only).
rt_slug () {
	local len=${2:-40} slug

	slug=$(printf '%s' "$1" | tr -cs 'A-Za-z0-9_' ' ' | tr '[:upper:]' '[:lower:]' |
		sed -e 's/^ *//' -e 's/ *$//' -e 's/  */_/g')
	if [ ${#slug} -gt "$len" ]; then
		slug=${slug:0:$len}
		slug="${slug%_*}_"
	fi
	printf '%s\n' "$slug"
}

# rt_write_rev ID PARENT MSG [UPSQL [DOWNSQL]]: write
# migrations/versions/<ID>_<slug>.sql (relative to the working directory)
# in the format of SPEC.md §4.  PARENT empty = a base revision.  The
# Create Date is fixed (RT_CREATE_DATE) so `show` output is predictable.
rt_write_rev () {
	local id=$1 parent=$2 msg=$3 up=${4:-} down=${5:-} file

	file="migrations/versions/${id}_$(rt_slug "$msg").sql"
	{
		printf -- '-- %s\n--\n' "$msg"
		printf -- '-- Revision ID: %s\n' "$id"
		if [ -n "$parent" ]; then
			printf -- '-- Revises: %s\n' "$parent"
		else
			printf -- '-- Revises:\n'
		fi
		printf -- '-- Create Date: %s\n\n' "${RT_CREATE_DATE:-2024-01-01 00:00:00.000000}"
		printf -- '-- +upgrade\n'
		if [ -n "$up" ]; then
			printf '%s\n' "$up"
		fi
		printf -- '\n-- +downgrade\n'
		if [ -n "$down" ]; then
			printf '%s\n' "$down"
		fi
	} >"$file"
}

# The three-revision linear project most tests use, with the ids of
# Alembic's own captures (reference/alembic.md, project `lin`).
REV1=1111aaaa0001
REV2=2222bbbb0002
REV3=3333cccc0003
MSG1='create account table'
MSG2='add email to account'
MSG3='add index on email'
SQL1_UP='CREATE TABLE account (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);'
SQL1_DOWN='DROP TABLE account;'
SQL2_UP='ALTER TABLE account ADD COLUMN email VARCHAR(100);'
SQL2_DOWN='ALTER TABLE account DROP COLUMN email;'
SQL3_UP='CREATE UNIQUE INDEX ix_account_email ON account (email);'
SQL3_DOWN='DROP INDEX ix_account_email;'

# rt_make_lin_project [DIR]: rt_make_project plus the three revisions.
rt_make_lin_project () {
	local dir=${1:-.}

	rt_make_project "$dir" &&
	(
		cd "$dir" &&
		rt_write_rev $REV1 "" "$MSG1" "$SQL1_UP" "$SQL1_DOWN" &&
		rt_write_rev $REV2 $REV1 "$MSG2" "$SQL2_UP" "$SQL2_DOWN" &&
		rt_write_rev $REV3 $REV2 "$MSG3" "$SQL3_UP" "$SQL3_DOWN"
	)
}

# rt_rev_path ID: absolute path of the script of revision ID (under the
# working directory's migrations/versions).
rt_rev_path () {
	local f

	for f in "$(pwd -P)"/migrations/versions/"$1"_*.sql; do
		[ -f "$f" ] && { printf '%s\n' "$f"; return 0; }
	done
	return 1
}

# rt_sqlite DB SQL: run SQL with the sqlite3 shell, stop at the first error.
rt_sqlite () {
	sqlite3 -batch -bail "$1" "$2"
}

# rt_has_table DB NAME
rt_has_table () {
	local n

	[ -f "$1" ] || return 1
	n=$(rt_sqlite "$1" "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '$2'") &&
	[ "$n" = 1 ]
}

# rt_versions DB: the rows of alembic_version, sorted; nothing when the
# file or the table does not exist.
rt_versions () {
	rt_has_table "$1" alembic_version || return 0
	rt_sqlite "$1" 'SELECT version_num FROM alembic_version ORDER BY version_num'
}

# rt_tables DB: the user tables, sorted (alembic_version included).
rt_tables () {
	rt_sqlite "$1" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
}

# rt_schema DB: everything in sqlite_master, for before/after comparisons.
rt_schema () {
	rt_sqlite "$1" 'SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name'
}

# rt_columns DB TABLE: column names of TABLE, in order.
rt_columns () {
	rt_sqlite "$1" "SELECT name FROM pragma_table_info('$2') ORDER BY cid"
}

# rt_log_lines FILE: the `Running upgrade/downgrade/stamp_revision` log
# lines of a captured stderr, as they were printed.
rt_log_lines () {
	grep -e '^INFO  \[alembic\.runtime\.migration\] Running ' "$1"
	return 0
}

# rt_log_expect 'Running upgrade  -> a, msg' ...: the full log lines.
rt_log_expect () {
	local line

	for line in "$@"; do
		printf 'INFO  [alembic.runtime.migration] %s\n' "$line"
	done
}

# --- start ---------------------------------------------------------------------

rt_rm_trash_
mkdir -p "$TRASH_DIRECTORY" || BUG "cannot create $TRASH_DIRECTORY"
TRASH_DIRECTORY=$(cd "$TRASH_DIRECTORY" && pwd -P)
export HOME="$TRASH_DIRECTORY"
# retort's cache of script headers (projects of 256 scripts or more) goes
# to the trash too, never to the caller's ~/.cache or $XDG_CACHE_HOME.
export RETORT_CACHE_DIR="$TRASH_DIRECTORY/.cache/retort"
unset XDG_CACHE_HOME
cd "$TRASH_DIRECTORY" || BUG "cannot cd to $TRASH_DIRECTORY"
