#!/bin/bash
test_description='SQLite table rebuilds: "-- Foreign Keys: off"

Issue 6: rebuilding a table (new table, copy, DROP the old, rename) with
foreign keys enforced runs the DROP as a DELETE that fires ON DELETE
CASCADE in the tables pointing at it.  A script marked "-- Foreign Keys:
off" runs with enforcement switched off outside its transaction, has its
keys checked (PRAGMA foreign_key_check) before it commits, and leaves the
setting as it found it.'

. "$(dirname "$0")/test-lib.sh"

PARENT=aaaa00000001
FKON=bbbb00000002
REBUILD=cccc00000003
AFTER=dddd00000004

# write_rebuild FILE ID PARENT HEADER-LINE COPY-WHERE: rebuild `parent`
# (name becomes NOT NULL) the way SQLite documents it.
write_rebuild () {
	cat >"$1" <<-EOF
	-- rebuild parent
	--
	-- Revision ID: $2
	-- Revises: $3
	-- Create Date: 2024-01-01 00:00:00.000000
	$4

	-- +upgrade
	CREATE TABLE _new_parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
	INSERT INTO _new_parent (id, name) SELECT id, name FROM parent $5;
	DROP TABLE parent;
	ALTER TABLE _new_parent RENAME TO parent;

	-- +downgrade
	EOF
}

# project DIR HEADER-LINE [COPY-WHERE] [INI-LINE]: parent and child rows
# (ON DELETE CASCADE), a non-transactional script that switches
# enforcement on for the rest of the run, the rebuild, and a last script
# that inserts a dangling child row (fails only if enforcement is on).
project () {
	rt_make_project "$1" &&
	if [ -n "${4:-}" ]; then
		rt_ini_add "$1/alembic.ini" "$4"
	fi &&
	(
		cd "$1" &&
		rt_write_rev $PARENT "" "parent and child" \
"CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE child (id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE);
INSERT INTO parent VALUES (1, 'one'), (2, 'two');
INSERT INTO child VALUES (10, 1), (11, 1), (20, 2);" \
			"DROP TABLE child; DROP TABLE parent;" &&
		cat >migrations/versions/${FKON}_fk_on.sql <<-EOF &&
		-- enforce foreign keys
		--
		-- Revision ID: $FKON
		-- Revises: $PARENT
		-- Transactional: false

		-- +upgrade
		PRAGMA foreign_keys=ON;

		-- +downgrade
		EOF
		write_rebuild migrations/versions/${REBUILD}_rebuild.sql \
			$REBUILD $FKON "$2" "${3:-}" &&
		rt_write_rev $AFTER $REBUILD "dangling child" \
			"INSERT INTO child VALUES (99, 12345);" ""
	)
}

children () {
	rt_sqlite "$1" "SELECT group_concat(id || ':' || parent_id, ' ') FROM (SELECT * FROM child ORDER BY id)"
}

test_expect_success 'without the header, the rebuild loses the child rows (the trap)' '
	project trap "" &&
	(
		cd trap &&
		test_expect_code 255 retort upgrade head >out 2>err &&
		echo "" >expect &&
		children test.db >actual &&
		test_cmp expect actual
	)
'

test_expect_success 'with "-- Foreign Keys: off" every child row survives' '
	project fkoff "-- Foreign Keys: off" &&
	(
		cd fkoff &&
		test_expect_code 255 retort upgrade head >out 2>err &&
		echo "10:1 11:1 20:2" >expect &&
		children test.db >actual &&
		test_cmp expect actual &&
		echo $REBUILD >expect &&
		rt_versions test.db >actual &&
		test_cmp expect actual
	)
'

test_expect_success 'enforcement is back on for the next script' '
	rt_failed fkoff/out fkoff/err &&
	test_grep -F "$AFTER" failed &&
	test_grep -F "FOREIGN KEY constraint failed" failed
'

test_expect_success 'a rebuild that breaks a key fails before it commits' '
	project broken "-- Foreign Keys: off" "WHERE id = 2" &&
	(
		cd broken &&
		test_expect_code 255 retort upgrade head >out 2>err &&
		rt_failed out err &&
		test_grep -F "$REBUILD" failed &&
		test_grep -F "foreign_key_check found 2 foreign key violations" failed &&
		test_grep -F "row 10 of '"'"'child'"'"'" failed &&
		echo $FKON >expect &&
		rt_versions test.db >actual &&
		test_cmp expect actual &&
		echo "1 2" >expect &&
		rt_sqlite test.db "SELECT group_concat(id, \" \") FROM parent" >actual &&
		test_cmp expect actual
	)
'

test_expect_success 'transaction_per_migration = false: the rebuild commits on its own' '
	project single "-- Foreign Keys: off" "" "transaction_per_migration = false" &&
	(
		cd single &&
		test_expect_code 255 retort upgrade head >out 2>err &&
		echo "10:1 11:1 20:2" >expect &&
		children test.db >actual &&
		test_cmp expect actual &&
		echo $REBUILD >expect &&
		rt_versions test.db >actual &&
		test_cmp expect actual
	)
'

test_expect_success 'offline SQL switches enforcement off and checks the keys' '
	(
		cd fkoff &&
		retort upgrade $FKON:$REBUILD --sql >out 2>err &&
		test_grep -F "PRAGMA foreign_keys=OFF;" out &&
		test_grep -F "PRAGMA foreign_key_check;" out &&
		sed -n "/PRAGMA foreign_keys=OFF/,/PRAGMA foreign_key_check/p" out >between &&
		test_grep -F "DROP TABLE parent;" between
	)
'

test_expect_success '"Foreign Keys: off" with "Transactional: false" is refused' '
	project both "-- Foreign Keys: off
-- Transactional: false" &&
	(
		cd both &&
		test_expect_code 255 retort heads >out 2>err &&
		rt_failed out err &&
		test_grep -F "${REBUILD}_rebuild.sql:6:" failed &&
		test_grep -F "needs the script" failed &&
		test_path_is_missing test.db
	)
'

test_expect_success 'a bad value names the line and the choices' '
	project bad "-- Foreign Keys: maybe" &&
	(
		cd bad &&
		test_expect_code 255 retort heads >out 2>err &&
		rt_failed out err &&
		test_grep -F "invalid value '"'"'maybe'"'"' for '"'"'-- Foreign Keys:'"'"'; write on or off" failed
	)
'

test_done
