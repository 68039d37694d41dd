#!/bin/bash
test_description='autogenerate keeps SQLite triggers through table rebuilds

Issue 6, requirement 4: a table rebuild (new table, copy, drop, rename)
loses the triggers of the old table, and RENAME trips over triggers and
views that name a dropped table.  So triggers are part of the compared
schema on SQLite: a trigger that names a rebuilt table is dropped before
and created again after, rows of ON DELETE CASCADE children survive, an
edited trigger is found by check and rewritten, and downgrade brings
the old ones back.'

. "$(dirname "$0")/test-lib.sh"

A='CREATE TABLE parent (
    id INTEGER PRIMARY KEY,
    name VARCHAR(20) NOT NULL
);
CREATE TABLE child (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER NOT NULL REFERENCES parent (id) ON DELETE CASCADE,
    note VARCHAR(10)
);
CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT NOT NULL);
CREATE INDEX ix_child_parent ON child (parent_id);
CREATE VIEW child_notes AS SELECT c.id, p.name, c.note
    FROM child AS c JOIN parent AS p ON p.id = c.parent_id;
CREATE TRIGGER child_added AFTER INSERT ON child
BEGIN
    INSERT INTO audit (what) VALUES ('"'"'child '"'"' || NEW.id);
END;
CREATE TRIGGER parent_renamed AFTER UPDATE OF name ON parent
BEGIN
    INSERT INTO audit (what) VALUES ('"'"'parent '"'"' || NEW.id);
END;
CREATE TRIGGER child_notes_insert INSTEAD OF INSERT ON child_notes
BEGIN
    INSERT INTO child (id, parent_id, note)
        SELECT NEW.id, id, NEW.note FROM parent WHERE name = NEW.name;
END;'

# B: both tables need a rebuild (a type change, a new NOT NULL); the
# triggers and the view are the same text
B=$(printf '%s\n' "$A" |
	sed -e 's/name VARCHAR(20) NOT NULL/name VARCHAR(40) NOT NULL/' \
	    -e "s/note VARCHAR(10)/note TEXT NOT NULL DEFAULT ''/")

newest_script () {
	ls -t migrations/versions/*.sql | head -n 1
}

section () {
	sed -n "/^-- +$2\$/,/^-- +/p" "$1" | sed -e '1d' -e '/^-- +/d'
}

# line_of PATTERN FILE: the number of the first line matching PATTERN
line_of () {
	grep -n -- "$1" "$2" | head -n 1 | cut -d: -f1
}

triggers () {
	rt_sqlite test.db "SELECT name || ' ON ' || tbl_name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
}

# all_three_triggers: the database has the three triggers of A and B.
all_three_triggers () {
	printf "%s\n" "child_added ON child" \
		"child_notes_insert ON child_notes" \
		"parent_renamed ON parent" >expect &&
	triggers >actual &&
	test_cmp expect actual
}

counts () {
	rt_sqlite test.db "SELECT (SELECT count(*) FROM parent) || ' ' || (SELECT count(*) FROM child) || ' ' || (SELECT count(*) FROM audit)"
}

test_expect_success 'setup: a database at A with rows' '
	rt_make_project . &&
	rt_ini_add alembic.ini "target_schema = schema.sql" &&
	printf "%s\n" "$A" >schema.sql &&
	retort revision --autogenerate -m "a" >out 2>err &&
	test_grep -F "Detected added trigger '"'"'child_added'"'"' on '"'"'child'"'"'" err &&
	retort upgrade head 2>err &&
	retort check >out 2>err &&
	rt_sqlite test.db "INSERT INTO parent VALUES (1, '"'"'ann'"'"'), (2, '"'"'bob'"'"'); INSERT INTO child VALUES (10, 1, '"'"'x'"'"'), (11, 2, NULL); INSERT INTO child_notes (id, name, note) VALUES (12, '"'"'bob'"'"', '"'"'y'"'"')" &&
	echo "2 3 3" >expect &&
	counts >actual &&
	test_cmp expect actual
'

test_expect_success 'the rebuild drops the triggers first and creates them after' '
	printf "%s\n" "$B" >schema.sql &&
	test_expect_code 255 retort check >out 2>err &&
	test_grep "type of .parent.name. changed" out &&
	# re-done triggers are not differences of their own
	test_grep -v "trigger" out &&
	retort revision --autogenerate -m "b" >out 2>err &&
	script=$(newest_script) &&
	test_grep "^-- Foreign Keys: off$" "$script" &&
	section "$script" upgrade >up &&
	for t in child_added parent_renamed child_notes_insert
	do
		test_grep "^DROP TRIGGER $t;" up &&
		test_grep "^CREATE TRIGGER $t " up &&
		test $(line_of "^DROP TRIGGER $t;" up) -lt \
		     $(line_of "RENAME TO parent;" up) &&
		test $(line_of "RENAME TO child;" up) -lt \
		     $(line_of "^CREATE TRIGGER $t " up) || return 1
	done &&
	test_grep -v "re-create triggers" "$script"
'

test_expect_success 'upgrade: no row lost, cascade children kept, triggers work' '
	retort upgrade head 2>err &&
	retort check >out 2>err &&
	echo "2 3 3" >expect &&
	counts >actual &&
	test_cmp expect actual &&
	all_three_triggers &&
	# the NULL note took the new default; the others kept theirs
	echo "10:x 11: 12:y" >expect &&
	rt_sqlite test.db "SELECT group_concat(id || '"'"':'"'"' || note, '"'"' '"'"') FROM child" >actual &&
	test_cmp expect actual &&
	rt_sqlite test.db "INSERT INTO child_notes (id, name, note) VALUES (13, '"'"'ann'"'"', '"'"'z'"'"'); UPDATE parent SET name = '"'"'anne'"'"' WHERE id = 1" &&
	echo "2 4 5" >expect &&
	counts >actual &&
	test_cmp expect actual &&
	rt_sqlite test.db "PRAGMA foreign_key_check" >fk &&
	test_must_be_empty fk
'

test_expect_success 'an edited trigger: check finds it, autogenerate rewrites it' '
	printf "%s\n" "$B" | sed -e "s/AFTER INSERT ON child/AFTER INSERT ON child WHEN NEW.note <> '"'"''"'"'/" >schema.sql &&
	test_expect_code 255 retort check >out 2>err &&
	test_grep -F "removed trigger '"'"'child_added'"'"' on '"'"'child'"'"' (definition changed)" out &&
	test_grep -F "added trigger '"'"'child_added'"'"' on '"'"'child'"'"' (definition changed)" out &&
	retort revision --autogenerate -m "c" >out 2>err &&
	script=$(newest_script) &&
	test_grep -v "^-- Foreign Keys" "$script" &&
	retort upgrade head 2>err &&
	retort check >out 2>err &&
	rt_sqlite test.db "SELECT sql FROM sqlite_master WHERE name = '"'"'child_added'"'"'" >sql &&
	test_grep "WHEN NEW.note <>" sql
'

test_expect_success 'a trigger only the database has is dropped; downgrade brings it back' '
	printf "%s\n" "$B" | sed -e "/^CREATE TRIGGER parent_renamed/,/^END;/d" >schema.sql &&
	test_expect_code 255 retort check >out 2>err &&
	test_grep -F "removed trigger '"'"'parent_renamed'"'"' on '"'"'parent'"'"'" out &&
	retort revision --autogenerate -m "d" >out 2>err &&
	retort upgrade head 2>err &&
	triggers >actual &&
	test_grep -v parent_renamed actual &&
	retort downgrade -1 2>err &&
	triggers >actual &&
	test_grep "parent_renamed ON parent" actual
'

test_expect_success 'downgrade to A: the old triggers and rows are back' '
	retort downgrade -2 2>err &&
	# recorded at head without running anything, it matches A
	first=$(basename migrations/versions/*_a.sql) &&
	retort stamp head 2>err &&
	printf "%s\n" "$A" >schema.sql &&
	retort check >out 2>err &&
	retort stamp "${first%%_*}" 2>err &&
	echo "2 4 5" >expect &&
	counts >actual &&
	test_cmp expect actual &&
	all_three_triggers
'

test_done
