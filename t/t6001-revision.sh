#!/bin/bash
test_description='revision: writing new scripts

SPEC.md §4 and reference/alembic.md §2.2, §6.3: a 12-hex random id,
Revises: the current head, the file name from file_template (slug cut at
truncate_slug_length), --rev-id, --head, and the `Generating <path> ...
done` line on stdout.'

. "$(dirname "$0")/test-lib.sh"

HEX12='[0-9a-f]{12}'
DATE_RE='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?'

# init_project DIR: `retort init migrations` in DIR, on DIR/test.db.
init_project () {
	mkdir "$1" &&
	(
		cd "$1" &&
		retort init migrations >/dev/null &&
		sed -e "s|^sqlalchemy.url = .*|sqlalchemy.url = sqlite:///test.db|" \
			alembic.ini >tmp.ini &&
		mv tmp.ini alembic.ini
	)
}

# generated OUT: the path in the `Generating <path> ...  done` line of OUT.
generated () {
	sed -n -e "s/^Generating \(.*\) \.\.\.  done$/\1/p" "$1"
}

# rev_id PATH: the revision id written in the script at PATH.
rev_id () {
	sed -n -e "s/^-- Revision ID: *\([^ ]*\) *$/\1/p" "$1"
}

# versions_count DIR: how many files DIR/migrations/versions holds.
versions_count () {
	ls -A "$1/migrations/versions" | wc -l
}

# fill PATH UP DOWN: put SQL under the section markers of a new script.
fill () {
	awk -v up="$2" -v down="$3" '
		{ print }
		/^-- \+upgrade[ \t]*$/ { print up }
		/^-- \+downgrade[ \t]*$/ { print down }
	' "$1" >"$1.tmp" &&
	mv "$1.tmp" "$1"
}

test_expect_success 'setup' '
	init_project p
'

test_expect_success 'revision -m: one Generating line with the absolute path' '
	(
		cd p &&
		retort revision -m "create account table" >../out 2>../err
	) &&
	test_line_count = 1 out &&
	test_grep -E "^Generating $TRASH_DIRECTORY/p/migrations/versions/${HEX12}_create_account_table\.sql \.\.\.  done$" out &&
	generated out >path1 &&
	test_path_is_file "$(cat path1)" &&
	[ "$(versions_count p)" = 1 ]
'

test_expect_success 'the id is 12 random hex digits, in the file name and header' '
	path=$(cat path1) &&
	id=$(rev_id "$path") &&
	echo "$id" >id1 &&
	echo "$id" >actual &&
	test_grep -E "^${HEX12}$" actual &&
	[ "$(basename "$path")" = "${id}_create_account_table.sql" ]
'

test_expect_success 'the script has the SQL format of SPEC.md §4' '
	path=$(cat path1) &&
	head -n 1 "$path" >actual &&
	echo "-- create account table" >expect &&
	test_cmp expect actual &&
	test_grep -E "^-- Revision ID: ${HEX12}$" "$path" &&
	test_grep -E "^-- Revises: ?$" "$path" &&
	test_grep -E "^-- Create Date: ${DATE_RE}$" "$path" &&
	test_grep "^-- +upgrade" "$path" &&
	test_grep "^-- +downgrade" "$path"
'

test_expect_success 'the Create Date is now' '
	before=$(date -u +%Y-%m-%d) &&
	(
		cd p &&
		retort revision -m "dated" --rev-id dated0000001 >../out
	) &&
	after=$(date -u +%Y-%m-%d) &&
	path=$(generated out) &&
	sed -n -e "s/^-- Create Date: \([0-9-]*\) .*/\1/p" "$path" >actual &&
	{ [ "$(cat actual)" = "$before" ] || [ "$(cat actual)" = "$after" ]; } &&
	rm "$path"
'

test_expect_success 'the new revision is the head; show reads it back' '
	id=$(cat id1) &&
	(
		cd p &&
		retort heads >../heads &&
		retort show "$id" >../show
	) &&
	echo "$id (head)" >expect &&
	test_cmp expect heads &&
	test_grep "^Rev: $id (head)$" show &&
	test_grep "^Parent: <base>$" show &&
	test_grep "^    create account table$" show
'

test_expect_success 'the new script runs once its sections are filled' '
	id=$(cat id1) &&
	fill "$(cat path1)" \
		"CREATE TABLE account (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL);" \
		"DROP TABLE account;" &&
	(
		cd p &&
		retort upgrade head >../out 2>../err
	) &&
	rt_log_lines err >actual &&
	rt_log_expect "Running upgrade  -> $id, create account table" >expect &&
	test_cmp expect actual &&
	echo "$id" >expect &&
	rt_versions p/test.db >actual &&
	test_cmp expect actual &&
	printf "account\nalembic_version\n" >expect &&
	rt_tables p/test.db >actual &&
	test_cmp expect actual
'

test_expect_success 'the next revision revises the current head' '
	id1=$(cat id1) &&
	(
		cd p &&
		retort revision --message "add email to account" >../out 2>../err
	) &&
	path=$(generated out) &&
	echo "$path" >path2 &&
	id2=$(rev_id "$path") &&
	echo "$id2" >id2 &&
	[ "$id2" != "$id1" ] &&
	[ "$(basename "$path")" = "${id2}_add_email_to_account.sql" ] &&
	test_grep "^-- Revises: $id1$" "$path" &&
	(
		cd p &&
		retort heads >../heads &&
		retort history >../history
	) &&
	echo "$id2 (head)" >expect &&
	test_cmp expect heads &&
	printf "%s\n" "$id1 -> $id2 (head), add email to account" \
		"<base> -> $id1, create account table" >expect &&
	test_cmp expect history
'

test_expect_success 'revision does not touch the database' '
	rt_schema p/test.db >before &&
	rt_versions p/test.db >rows.before &&
	(
		cd p &&
		retort revision -m "third" --rev-id third0000003 >../out 2>../err
	) &&
	rt_schema p/test.db >after &&
	test_cmp before after &&
	rt_versions p/test.db >rows.after &&
	test_cmp rows.before rows.after &&
	rm "$(generated out)" &&
	init_project nodb &&
	(
		cd nodb &&
		retort revision -m "first" >../out 2>../err
	) &&
	test_path_is_missing nodb/test.db
'

test_expect_success '--rev-id sets the id' '
	id2=$(cat id2) &&
	(
		cd p &&
		retort revision -m "add phone" --rev-id abc123def456 >../out 2>../err
	) &&
	echo "Generating $TRASH_DIRECTORY/p/migrations/versions/abc123def456_add_phone.sql ...  done" >expect &&
	test_cmp expect out &&
	path=$TRASH_DIRECTORY/p/migrations/versions/abc123def456_add_phone.sql &&
	test_grep "^-- Revision ID: abc123def456$" "$path" &&
	test_grep "^-- Revises: $id2$" "$path" &&
	(
		cd p &&
		retort heads >../heads
	) &&
	echo "abc123def456 (head)" >expect &&
	test_cmp expect heads
'

test_expect_success '--rev-id with characters Alembic forbids' '
	count=$(versions_count p) &&
	(
		cd p &&
		test_expect_code 255 retort revision -m x --rev-id bad-id >../out 2>../err
	) &&
	echo "FAILED: Character(s) ${SQ}-${SQ} not allowed in revision identifier ${SQ}bad-id${SQ}" >expect &&
	test_cmp expect out &&
	(
		cd p &&
		test_expect_code 255 retort revision -m x --rev-id "a+b@c" >../out 2>../err
	) &&
	echo "FAILED: Character(s) ${SQ}+, @${SQ} not allowed in revision identifier ${SQ}a+b@c${SQ}" >expect &&
	test_cmp expect out &&
	[ "$(versions_count p)" = "$count" ]
'

test_expect_success '--head with the current head' '
	(
		cd p &&
		retort revision -m "explicit head" --head abc123def456 --rev-id feed00000001 >../out 2>../err
	) &&
	path=$(generated out) &&
	test_grep "^-- Revises: abc123def456$" "$path" &&
	(
		cd p &&
		retort revision -m "explicit head prefix" --head=feed --rev-id feed00000002 >../out 2>../err
	) &&
	path=$(generated out) &&
	test_grep "^-- Revises: feed00000001$" "$path"
'

test_expect_success '--head with a revision that is not a head' '
	id1=$(cat id1) &&
	count=$(versions_count p) &&
	(
		cd p &&
		test_expect_code 255 retort revision -m x --head "$id1" >../out 2>../err
	) &&
	echo "FAILED: Revision $id1 is not a head revision; please specify --splice to create a new branch from this revision" >expect &&
	test_cmp expect out &&
	[ "$(versions_count p)" = "$count" ]
'

test_expect_success '--head with an unknown revision' '
	count=$(versions_count p) &&
	(
		cd p &&
		test_expect_code 255 retort revision -m x --head nosuch >../out 2>../err
	) &&
	rt_cant_locate nosuch >expect &&
	test_cmp expect out &&
	[ "$(versions_count p)" = "$count" ]
'

test_expect_success '--head base starts a new root' '
	(
		cd p &&
		retort revision -m "new root" --head base --rev-id 900000000001 >../out 2>../err
	) &&
	path=$(generated out) &&
	[ "$(basename "$path")" = 900000000001_new_root.sql ] &&
	test_grep -E "^-- Revises: ?$" "$path" &&
	(
		cd p &&
		retort show 900000000001 >../show
	) &&
	test_grep "^Parent: <base>$" show &&
	rm "$path"
'

test_expect_success 'a long message: the slug is cut at 40 characters' '
	(
		cd p &&
		retort revision -m "This is a very long message, with punctuation! and UPPER case: more words 123" >../out 2>../err
	) &&
	path=$(generated out) &&
	id=$(rev_id "$path") &&
	[ "$(basename "$path")" = "${id}_this_is_a_very_long_message_with_.sql" ] &&
	head -n 1 "$path" >actual &&
	echo "-- This is a very long message, with punctuation! and UPPER case: more words 123" >expect &&
	test_cmp expect actual
'

test_expect_success 'no -m: an empty slug and "empty message"' '
	(
		cd p &&
		retort revision --rev-id 5555eeee0005 >../out 2>../err
	) &&
	echo "Generating $TRASH_DIRECTORY/p/migrations/versions/5555eeee0005_.sql ...  done" >expect &&
	test_cmp expect out &&
	head -n 1 p/migrations/versions/5555eeee0005_.sql >actual &&
	echo "-- empty message" >expect &&
	test_cmp expect actual
'

test_expect_success 'truncate_slug_length' '
	init_project short &&
	sed -e "s/^\[alembic\]$/[alembic]\ntruncate_slug_length = 10/" \
		short/alembic.ini >short/tmp.ini &&
	mv short/tmp.ini short/alembic.ini &&
	(
		cd short &&
		retort revision -m "create account table" --rev-id 6666ffff0006 >../out1 &&
		retort revision -m "abcdefghijklmno" --rev-id 7777 >../out2
	) &&
	[ "$(basename "$(generated out1)")" = 6666ffff0006_create_.sql ] &&
	[ "$(basename "$(generated out2)")" = 7777_abcdefghij_.sql ]
'

test_expect_success 'file_template with date and epoch tokens' '
	init_project dated &&
	sed -e "s/^\[alembic\]$/[alembic]\nfile_template = %%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d%%(minute).2d-%%(rev)s_%%(slug)s_%%(epoch)s/" \
		dated/alembic.ini >dated/tmp.ini &&
	mv dated/tmp.ini dated/alembic.ini &&
	test_grep "^file_template = %%(year)d_" dated/alembic.ini &&
	t0=$(date -u +%s) &&
	(
		cd dated &&
		retort revision -m "templated" --rev-id 8888aaaa0008 >../out 2>../err
	) &&
	t1=$(date -u +%s) &&
	name=$(basename "$(generated out)") &&
	echo "$name" >actual &&
	test_grep -E "^[0-9]{4}_[0-9]{2}_[0-9]{2}_[0-9]{4}-8888aaaa0008_templated_[0-9]+\.sql$" actual &&
	epoch=${name##*_} &&
	epoch=${epoch%.sql} &&
	[ "$epoch" -ge "$t0" ] && [ "$epoch" -le "$t1" ] &&
	[ "${name%%-*}" = "$(date -u -d "@$epoch" +%Y_%m_%d_%H%M)" ] &&
	(
		cd dated &&
		retort heads >../heads
	) &&
	echo "8888aaaa0008 (head)" >expect &&
	test_cmp expect heads
'

test_expect_success 'the project template is used' '
	init_project custom &&
	tmpl=custom/migrations/script.sql.tmpl &&
	sed -e "/^-- +upgrade/a\\
-- reviewed by nobody" "$tmpl" >"$tmpl.new" &&
	mv "$tmpl.new" "$tmpl" &&
	test_grep "^-- reviewed by nobody$" "$tmpl" &&
	(
		cd custom &&
		retort revision -m "custom" --rev-id c0ffee000001 >../out 2>../err
	) &&
	test_grep "^-- reviewed by nobody$" custom/migrations/versions/c0ffee000001_custom.sql &&
	(
		cd custom &&
		retort heads >../heads
	) &&
	echo "c0ffee000001 (head)" >expect &&
	test_cmp expect heads
'

test_done
