#!/bin/bash
test_description='revision --autogenerate and check on SQLite

Issue 6: the desired schema (target_schema) is loaded into a scratch
database and compared with the database at head; `revision
--autogenerate` writes the difference as a revision (upgrade and
downgrade, referenced tables first), SQLite table rebuilds carry
"-- Foreign Keys: off", `check` reports differences and fails, and
neither touches the database.'

. "$(dirname "$0")/test-lib.sh"

V1='CREATE TABLE author (
    id INTEGER PRIMARY KEY,
    name VARCHAR(100) NOT NULL
);
CREATE TABLE book (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES author (id) ON DELETE CASCADE,
    title TEXT NOT NULL
);
CREATE INDEX ix_book_title ON book (title);'

V2='CREATE TABLE author (
    id INTEGER PRIMARY KEY,
    name VARCHAR(200) NOT NULL
);
CREATE TABLE book (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES author (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    pages INTEGER
);
CREATE TABLE review (
    id INTEGER PRIMARY KEY,
    book_id INTEGER NOT NULL REFERENCES book (id),
    stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5)
);'

# newest_script: the revision script written last.
newest_script () {
	ls -t migrations/versions/*.sql | head -n 1
}

# section FILE upgrade|downgrade: the body of one section.
section () {
	sed -n "/^-- +$2\$/,/^-- +/p" "$1" | sed -e '1d' -e '/^-- +/d'
}

rows () {
	rt_sqlite test.db "SELECT (SELECT group_concat(id || ':' || name, ' ') FROM author) || ' | ' || (SELECT group_concat(id || ':' || author_id, ' ') FROM book)"
}

test_expect_success 'setup' '
	rt_make_project . &&
	rt_ini_add alembic.ini "target_schema = schema.sql" &&
	printf "%s\n" "$V1" >schema.sql
'

test_expect_success 'autogenerate from an empty database creates both tables' '
	retort revision --autogenerate -m "initial" >out 2>err &&
	test_grep -F "Detected added table '"'"'author'"'"'" err &&
	test_grep -F "Detected added table '"'"'book'"'"'" err &&
	script=$(newest_script) &&
	section "$script" upgrade >up &&
	section "$script" downgrade >down &&
	test_grep "CREATE TABLE author" up &&
	test_grep "CREATE INDEX ix_book_title" up &&
	# referenced first going up, dependents first going down
	test $(grep -n "CREATE TABLE author" up | cut -d: -f1) -lt \
	     $(grep -n "CREATE TABLE book" up | cut -d: -f1) &&
	test $(grep -n "DROP TABLE book" down | cut -d: -f1) -lt \
	     $(grep -n "DROP TABLE author" down | cut -d: -f1) &&
	test_grep -v "Foreign Keys" "$script"
'

test_expect_success 'upgrade, then check finds nothing' '
	retort upgrade head 2>err &&
	retort check >out 2>err &&
	echo "No new upgrade operations detected." >expect &&
	test_cmp expect out
'

test_expect_success 'check lists the differences, fails, and changes nothing' '
	rt_sqlite test.db "INSERT INTO author VALUES (1, '"'"'ann'"'"'), (2, '"'"'bob'"'"'); INSERT INTO book VALUES (10, 1, '"'"'a'"'"'), (11, 2, '"'"'b'"'"'), (12, 2, '"'"'c'"'"')" &&
	rt_schema test.db >schema.before &&
	printf "%s\n" "$V2" >schema.sql &&
	test_expect_code 255 retort check >out 2>err &&
	# one line per difference, then the FAILED line
	tail -n 1 out >failed &&
	test_grep "^FAILED: New upgrade operations detected: .* in 4 ways" failed &&
	test_line_count = 5 out &&
	test_grep "review" out &&
	test_grep "pages" out &&
	test_grep "ix_book_title" out &&
	test_grep "author.name" out &&
	rt_schema test.db >schema.after &&
	test_cmp schema.before schema.after
'

test_expect_success 'autogenerate writes a rebuild for the type change, marked' '
	retort revision --autogenerate -m "second" >out 2>err &&
	script=$(newest_script) &&
	test_grep "^-- Foreign Keys: off$" "$script" &&
	retort upgrade head 2>err &&
	retort check >out 2>err &&
	echo "1:ann 2:bob | 10:1 11:2 12:2" >expect &&
	rows >actual &&
	test_cmp expect actual
'

# facts: the columns with their types, the indexes, the tables
facts () {
	rt_sqlite test.db "SELECT m.name || '.' || c.name || ' ' || c.type || ' ' || c.\"notnull\" FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' ORDER BY 1; SELECT 'index ' || name FROM sqlite_master WHERE type = 'index' ORDER BY 1"
}

test_expect_success 'downgrade turns it back, rows kept' '
	retort downgrade -1 2>err &&
	facts >actual &&
	cat >expect <<-\EOF &&
	alembic_version.version_num VARCHAR(32) 1
	author.id INTEGER 0
	author.name VARCHAR(100) 1
	book.author_id INTEGER 1
	book.id INTEGER 0
	book.title TEXT 1
	index ix_book_title
	index sqlite_autoindex_alembic_version_1
	EOF
	test_cmp expect actual &&
	echo "1:ann 2:bob | 10:1 11:2 12:2" >expect &&
	rows >actual &&
	test_cmp expect actual &&
	# recorded at head (without running it), it matches the first schema
	first=$(basename migrations/versions/*_initial.sql) &&
	retort stamp head 2>err &&
	printf "%s\n" "$V1" >schema.sql &&
	retort check >out 2>err &&
	retort stamp "${first%%_*}" 2>err
'

test_expect_success 'no difference: an empty revision, and the log says so' '
	retort upgrade head 2>err &&
	printf "%s\n" "$V2" >schema.sql &&
	retort check >out 2>err &&
	retort revision --autogenerate -m "nothing" >out 2>err &&
	test_grep -F "No changes in schema detected." err &&
	script=$(newest_script) &&
	section "$script" upgrade >up &&
	! grep -q "[^[:space:]]" up
'

test_expect_success 'a database behind the heads: refused, nothing written' '
	ls migrations/versions >before &&
	test_expect_code 255 retort revision --autogenerate -m "again" >out 2>err &&
	rt_failed out err &&
	echo "FAILED: Target database is not up to date." >expect &&
	test_cmp expect failed &&
	ls migrations/versions >after &&
	test_cmp before after &&
	test_expect_code 255 retort check >out 2>err &&
	rt_failed out err &&
	test_cmp expect failed
'

test_expect_success 'an error in the desired schema names its file and line' '
	retort upgrade head 2>err &&
	printf "CREATE TABLE ok (id INTEGER);\n\nCREATE TABEL broken (id INTEGER);\n" >schema.sql &&
	test_expect_code 255 retort check >out 2>err &&
	rt_failed out err "schema\.sql" 3
'

test_expect_success 'no target_schema: the error says what to set' '
	sed -e "/^target_schema/d" alembic.ini >other.ini &&
	test_expect_code 255 retort -c other.ini check >out 2>err &&
	rt_failed out err &&
	test_grep -F "no target_schema" failed
'

test_done
