#!/bin/bash
test_description='the cache of parsed script headers

heads and history on a project of 300 scripts, through the cache
($RETORT_CACHE_DIR, else $XDG_CACHE_HOME/retort, else ~/.cache/retort):
the same output as reading every script, the cache file written once,
an edited script seen at once, a damaged or unwritable cache harmless,
no cache for small projects or with RETORT_CACHE_DIR empty.'

. "$(dirname "$0")/test-lib.sh"

N=300
V=migrations/versions

# cache_files DIR: the cache files in DIR, one a line.
cache_files () {
	find "$1" -name 'headers-*' -type f 2>/dev/null | sort
}

# stamp FILE: what changes when FILE is written anew (inode, mtime).
stamp () {
	stat -c '%i %y' "$1"
}

test_expect_success 'setup: a chain of 300 scripts' '
	rt_make_project &&
	i=1 &&
	while [ $i -le $N ]
	do
		id=$(printf "r%04d" $i) &&
		parent=$(if [ $i -gt 1 ]; then printf "r%04d" $((i - 1)); fi) &&
		rt_write_rev "$id" "$parent" "step $i" "SELECT $i;" || return 1
		i=$((i + 1))
	done &&
	ls $V >names &&
	test_line_count = $N names &&
	# the scripts must be 2 s old before the cache stores them
	sleep 3
'

test_expect_success 'without a cache: the reference output' '
	RETORT_CACHE_DIR= retort heads >expect-heads 2>err &&
	test_must_be_empty err &&
	RETORT_CACHE_DIR= retort history -v >expect-history 2>err &&
	test_must_be_empty err &&
	echo "r0300 (head)" >expect &&
	test_cmp expect expect-heads &&
	test_path_is_missing "$RETORT_CACHE_DIR"
'

test_expect_success 'the first run writes the cache, with the same output' '
	retort heads >out 2>err &&
	test_must_be_empty err &&
	test_cmp expect-heads out &&
	cache_files "$RETORT_CACHE_DIR" >caches &&
	test_line_count = 1 caches &&
	case "$(cat caches)" in
	*/headers-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) ;;
	*) echo "unexpected cache name: $(cat caches)"; false ;;
	esac &&
	test "$(stat -c %a "$RETORT_CACHE_DIR")" = 700
'

test_expect_success 'later runs read it, and leave it as it is' '
	cache=$(cat caches) &&
	stamp "$cache" >before &&
	retort heads >out 2>err &&
	test_must_be_empty err &&
	test_cmp expect-heads out &&
	retort history -v >out 2>err &&
	test_must_be_empty err &&
	test_cmp expect-history out &&
	stamp "$cache" >after &&
	test_cmp before after
'

test_expect_success 'an edited Revises line is seen at once' '
	f=$(rt_rev_path r0150) &&
	sed -e "s/^-- Revises: r0149$/-- Revises: r0100/" "$f" >tmp &&
	cat tmp >"$f" &&
	grep "^-- Revises: r0100$" "$f" &&
	retort heads >out 2>err &&
	test_must_be_empty err &&
	! test_cmp expect-heads out >/dev/null &&
	test_grep "^r0149 (head)$" out &&
	RETORT_CACHE_DIR= retort heads >expect 2>err &&
	test_cmp expect out &&
	retort history >out 2>err &&
	RETORT_CACHE_DIR= retort history >expect 2>err &&
	test_cmp expect out
'

test_expect_success 'a damaged cache is read past and written anew' '
	cache=$(cat caches) &&
	RETORT_CACHE_DIR= retort history -v >expect &&
	head -c 1000 "$cache" >cut &&
	cat cut >"$cache" &&
	retort history -v >out 2>err &&
	test_must_be_empty err &&
	test_cmp expect out &&
	printf "not a cache" >"$cache" &&
	retort history -v >out 2>err &&
	test_must_be_empty err &&
	test_cmp expect out &&
	test "$(wc -c <"$cache")" -gt 1000
'

test_expect_success 'an unwritable cache folder changes nothing' '
	echo "a file" >blocker &&
	RETORT_CACHE_DIR=$TRASH_DIRECTORY/blocker/retort retort heads \
		>out 2>err &&
	test_must_be_empty err &&
	RETORT_CACHE_DIR= retort heads >expect &&
	test_cmp expect out
'

test_expect_success 'XDG_CACHE_HOME, else HOME, when RETORT_CACHE_DIR is unset' '
	(
		unset RETORT_CACHE_DIR &&
		XDG_CACHE_HOME=$TRASH_DIRECTORY/xdg retort heads >out &&
		XDG_CACHE_HOME=relative HOME=$TRASH_DIRECTORY/home \
			retort heads >>out
	) &&
	cache_files xdg/retort >caches &&
	test_line_count = 1 caches &&
	cache_files home/.cache/retort >caches &&
	test_line_count = 1 caches &&
	test_path_is_missing relative
'

test_expect_success 'no cache for a small project' '
	mkdir small &&
	(
		cd small &&
		rt_make_lin_project &&
		RETORT_CACHE_DIR=$TRASH_DIRECTORY/small-cache retort heads \
			>out &&
		echo "3333cccc0003 (head)" >expect &&
		test_cmp expect out
	) &&
	test_path_is_missing small-cache
'

test_done
