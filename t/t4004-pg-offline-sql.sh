#!/bin/bash
test_description='offline --sql for postgresql:// and sqlite:// URLs

`upgrade/downgrade/stamp --sql` print the SQL a run would execute, in the
dialect of the URL, and never connect: the PostgreSQL URL here points at a
closed port.  The expected texts are Alembic 1.8.1'"'"'s, captured in
reference/alembic.md §9 (`lin` and `br` projects, byte for byte, with
SQLAlchemy 1.4'"'"'s RETURNING clause on PostgreSQL INSERTs).  When Alembic
is installed, the same commands also run on the equivalent .py project and
both outputs and logs must be equal.  With a server, the SQL
printed is fed to psql and gives what an online upgrade gives.'

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-pg.sh"
# Offline runs need no server; only the psql round trip does.
if [ -n "${RETORT_TEST_PG_URL:-}" ]; then
	rt_pg_require
	test_set_prereq PG
fi

CLOSED=$(rt_pg_port_closed) || BUG "no closed port found on 127.0.0.1"
PG_URL="postgresql://postgres@127.0.0.1:$CLOSED/never_connected"

# The bodies of the `lin` revisions, as Alembic renders them (the trailing
# spaces after the commas are Alembic's, and kept).
ACCOUNT_PG=$(printf 'CREATE TABLE account (\n    id SERIAL NOT NULL, \n    name VARCHAR(50) NOT NULL, \n    description VARCHAR(200), \n    PRIMARY KEY (id)\n);')
ACCOUNT_SQLITE=$(printf 'CREATE TABLE account (\n    id INTEGER NOT NULL, \n    name VARCHAR(50) NOT NULL, \n    description VARCHAR(200), \n    PRIMARY KEY (id)\n);')

# lin_project DIR URL ACCOUNT-DDL
lin_project () {
	mkdir "$1" &&
	rt_make_project "$1" "$2" &&
	(
		cd "$1" &&
		rt_write_rev $REV1 "" "$MSG1" "$3" "DROP TABLE account;" &&
		rt_write_rev $REV2 $REV1 "$MSG2" "$SQL2_UP" "$SQL2_DOWN" &&
		rt_write_rev $REV3 $REV2 "$MSG3" "$SQL3_UP" "$SQL3_DOWN"
	)
}

# br_project DIR URL: reference/alembic.md's `br`, all bodies empty.
br_project () {
	mkdir "$1" &&
	rt_make_project "$1" "$2" &&
	(
		cd "$1" &&
		rt_write_rev aaaa00000001 "" "base rev" &&
		rt_write_rev bbbb00000002 aaaa00000001 b1 &&
		rt_write_rev cccc00000003 aaaa00000001 c1 &&
		rt_write_rev dddd00000004 bbbb00000002 "d after b" &&
		rt_write_rev eeee00000005 "cccc00000003, dddd00000004" "merge d and c" &&
		rt_write_rev ffff00000006 eeee00000005 "after merge"
	)
}

# text: stdin with a '|' that ends a line removed (it marks a trailing
# space the editor must not lose).
text () {
	sed -e 's/|$//'
}

# run DIR ARGS...: retort ARGS in DIR; stdout in out, stderr in err.
run () {
	local dir=$1

	shift
	(cd "$dir" && retort "$@" >../out 2>../err)
}

CREATE_VT='CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL, |
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
'

test_expect_success 'setup' '
	lin_project pg "$PG_URL" "$ACCOUNT_PG" &&
	lin_project sq "sqlite:///test.db" "$ACCOUNT_SQLITE" &&
	br_project br "$PG_URL"
'

test_expect_success 'the PostgreSQL URL really is unreachable (online fails)' '
	(cd pg && test_expect_code 255 retort current >../out 2>../err) &&
	rt_failed out err "127\.0\.0\.1" &&
	test_grep -F "cannot connect" failed
'

test_expect_success 'PostgreSQL: upgrade head --sql (alembic.md §9.3)' '
	run pg upgrade head --sql &&
	text >expect <<-EOF &&
	BEGIN;

	$CREATE_VT
	-- Running upgrade  -> 1111aaaa0001

	CREATE TABLE account (
	    id SERIAL NOT NULL, |
	    name VARCHAR(50) NOT NULL, |
	    description VARCHAR(200), |
	    PRIMARY KEY (id)
	);

	INSERT INTO alembic_version (version_num) VALUES ('"'"'1111aaaa0001'"'"') RETURNING alembic_version.version_num;

	-- Running upgrade 1111aaaa0001 -> 2222bbbb0002

	ALTER TABLE account ADD COLUMN email VARCHAR(100);

	UPDATE alembic_version SET version_num='"'"'2222bbbb0002'"'"' WHERE alembic_version.version_num = '"'"'1111aaaa0001'"'"';

	-- Running upgrade 2222bbbb0002 -> 3333cccc0003

	CREATE UNIQUE INDEX ix_account_email ON account (email);

	UPDATE alembic_version SET version_num='"'"'3333cccc0003'"'"' WHERE alembic_version.version_num = '"'"'2222bbbb0002'"'"';

	COMMIT;

	EOF
	test_cmp expect out
'

test_expect_success 'PostgreSQL: the log on stderr' '
	cat >expect <<-\EOF &&
	INFO  [alembic.runtime.migration] Context impl PostgresqlImpl.
	INFO  [alembic.runtime.migration] Generating static SQL
	INFO  [alembic.runtime.migration] Will assume transactional DDL.
	INFO  [alembic.runtime.migration] Running upgrade  -> 1111aaaa0001, create account table
	INFO  [alembic.runtime.migration] Running upgrade 1111aaaa0001 -> 2222bbbb0002, add email to account
	INFO  [alembic.runtime.migration] Running upgrade 2222bbbb0002 -> 3333cccc0003, add index on email
	EOF
	test_cmp expect err
'

test_expect_success 'PostgreSQL: --tag changes nothing; DATABASE_URL and -x url are offline too' '
	cp out head.sql &&
	run pg upgrade head --sql --tag release-1 &&
	test_cmp head.sql out &&
	(cd sq && DATABASE_URL=$PG_URL retort upgrade head --sql >../out 2>../err) &&
	sed -e "s/SERIAL/INTEGER/" head.sql >expect &&
	test_cmp expect out &&
	(cd sq && retort -x "url=$PG_URL" upgrade head --sql >../out 2>../err) &&
	test_cmp expect out
'

test_expect_success 'PostgreSQL: downgrade head:base --sql (alembic.md §9.3)' '
	run pg downgrade head:base --sql &&
	cat >expect <<-\EOF &&
	BEGIN;

	-- Running downgrade 3333cccc0003 -> 2222bbbb0002

	DROP INDEX ix_account_email;

	UPDATE alembic_version SET version_num='"'"'2222bbbb0002'"'"' WHERE alembic_version.version_num = '"'"'3333cccc0003'"'"';

	-- Running downgrade 2222bbbb0002 -> 1111aaaa0001

	ALTER TABLE account DROP COLUMN email;

	UPDATE alembic_version SET version_num='"'"'1111aaaa0001'"'"' WHERE alembic_version.version_num = '"'"'2222bbbb0002'"'"';

	-- Running downgrade 1111aaaa0001 -> |

	DROP TABLE account;

	DELETE FROM alembic_version WHERE alembic_version.version_num = '"'"'1111aaaa0001'"'"';

	DROP TABLE alembic_version;

	COMMIT;

	EOF
	text <expect >expect.text &&
	test_cmp expect.text out
'

test_expect_success 'PostgreSQL: a range A:B, and an empty one' '
	run pg upgrade 1111:2222 --sql &&
	cat >expect <<-\EOF &&
	BEGIN;

	-- Running upgrade 1111aaaa0001 -> 2222bbbb0002

	ALTER TABLE account ADD COLUMN email VARCHAR(100);

	UPDATE alembic_version SET version_num='"'"'2222bbbb0002'"'"' WHERE alembic_version.version_num = '"'"'1111aaaa0001'"'"';

	COMMIT;

	EOF
	test_cmp expect out &&
	run pg upgrade 3333:3333 --sql &&
	printf "BEGIN;\n\nCOMMIT;\n\n" >expect &&
	test_cmp expect out &&
	run pg upgrade 3333:1111 --sql &&
	test_cmp expect out &&
	run pg downgrade 3333:2222 --sql --tag t &&
	test_grep -F "DROP INDEX ix_account_email;" out &&
	test_line_count = 10 out
'

test_expect_success 'PostgreSQL: stamp --sql (alembic.md §9.3)' '
	run pg stamp head --sql &&
	text >expect <<-EOF &&
	BEGIN;

	$CREATE_VT
	-- Running stamp_revision  -> 3333cccc0003

	INSERT INTO alembic_version (version_num) VALUES ('"'"'3333cccc0003'"'"') RETURNING alembic_version.version_num;

	COMMIT;

	EOF
	test_cmp expect out &&
	run pg stamp 1111:3333 --sql &&
	cat >expect <<-\EOF &&
	BEGIN;

	-- Running stamp_revision 1111aaaa0001 -> 3333cccc0003

	UPDATE alembic_version SET version_num='"'"'3333cccc0003'"'"' WHERE alembic_version.version_num = '"'"'1111aaaa0001'"'"';

	COMMIT;

	EOF
	test_cmp expect out &&
	run pg stamp base --sql &&
	printf "BEGIN;\n\nDROP TABLE alembic_version;\n\nCOMMIT;\n\n" >expect &&
	test_cmp expect out &&
	run pg stamp 3333:base --sql --tag x &&
	text >expect <<-\EOF &&
	BEGIN;

	-- Running stamp_revision 3333cccc0003 -> |

	DELETE FROM alembic_version WHERE alembic_version.version_num = '"'"'3333cccc0003'"'"';

	DROP TABLE alembic_version;

	COMMIT;

	EOF
	test_cmp expect out
'

test_expect_success 'PostgreSQL: stamp --purge --sql fails after BEGIN;' '
	(cd pg && test_expect_code 255 retort stamp --purge head --sql >../out 2>../err) &&
	printf "BEGIN;\n\nFAILED: Can${SQ}t use --purge with --sql mode\n" >expect &&
	test_cmp expect out
'

test_expect_success 'PostgreSQL: downgrade --sql without a range fails before BEGIN;' '
	(cd pg && test_expect_code 255 retort downgrade base --sql >../out 2>../err) &&
	echo "FAILED: downgrade with --sql requires <fromrev>:<torev>" >expect &&
	test_cmp expect out
'

test_expect_success 'PostgreSQL: branches and a merge, upgrade heads --sql (alembic.md §9.3)' '
	run br upgrade heads --sql &&
	text >expect <<-EOF &&
	BEGIN;

	$CREATE_VT
	-- Running upgrade  -> aaaa00000001

	INSERT INTO alembic_version (version_num) VALUES ('"'"'aaaa00000001'"'"') RETURNING alembic_version.version_num;

	-- Running upgrade aaaa00000001 -> bbbb00000002

	UPDATE alembic_version SET version_num='"'"'bbbb00000002'"'"' WHERE alembic_version.version_num = '"'"'aaaa00000001'"'"';

	-- Running upgrade bbbb00000002 -> dddd00000004

	UPDATE alembic_version SET version_num='"'"'dddd00000004'"'"' WHERE alembic_version.version_num = '"'"'bbbb00000002'"'"';

	-- Running upgrade aaaa00000001 -> cccc00000003

	INSERT INTO alembic_version (version_num) VALUES ('"'"'cccc00000003'"'"') RETURNING alembic_version.version_num;

	-- Running upgrade cccc00000003, dddd00000004 -> eeee00000005

	DELETE FROM alembic_version WHERE alembic_version.version_num = '"'"'cccc00000003'"'"';

	UPDATE alembic_version SET version_num='"'"'eeee00000005'"'"' WHERE alembic_version.version_num = '"'"'dddd00000004'"'"';

	-- Running upgrade eeee00000005 -> ffff00000006

	UPDATE alembic_version SET version_num='"'"'ffff00000006'"'"' WHERE alembic_version.version_num = '"'"'eeee00000005'"'"';

	COMMIT;

	EOF
	test_cmp expect out
'

test_expect_success 'PostgreSQL: downgrade ffff:aaaa --sql unmerges (alembic.md §9.3)' '
	run br downgrade ffff:aaaa --sql &&
	cat >expect <<-\EOF &&
	-- Running downgrade eeee00000005 -> cccc00000003, dddd00000004

	INSERT INTO alembic_version (version_num) VALUES ('"'"'cccc00000003'"'"') RETURNING alembic_version.version_num;

	UPDATE alembic_version SET version_num='"'"'dddd00000004'"'"' WHERE alembic_version.version_num = '"'"'eeee00000005'"'"';

	-- Running downgrade cccc00000003 -> aaaa00000001

	DELETE FROM alembic_version WHERE alembic_version.version_num = '"'"'cccc00000003'"'"';
	EOF
	sed -n "/^-- Running downgrade eeee00000005/,/^DELETE FROM alembic_version WHERE alembic_version.version_num = ${SQ}cccc00000003${SQ};/p" out >actual &&
	test_cmp expect actual &&
	head -n 1 out >actual &&
	echo "BEGIN;" >expect &&
	test_cmp expect actual &&
	tail -n 2 out >actual &&
	printf "COMMIT;\n\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'version_table and version_table_schema offline' '
	cp -R pg pgvt &&
	rt_ini_add pgvt/alembic.ini "version_table = my_versions" &&
	rt_ini_add pgvt/alembic.ini "version_table_schema = audit" &&
	run pgvt upgrade 1111:2222 --sql &&
	test_grep -F "UPDATE audit.my_versions SET version_num=${SQ}2222bbbb0002${SQ} WHERE audit.my_versions.version_num = ${SQ}1111aaaa0001${SQ};" out &&
	run pgvt stamp 1111 --sql &&
	test_grep "^CREATE TABLE audit.my_versions ($" out &&
	test_grep "CONSTRAINT my_versions_pkc PRIMARY KEY (version_num)" out
'

test_expect_success 'a Transactional: false script offline: COMMIT; before, BEGIN; after' '
	cp -R pg pgnt &&
	(
		cd pgnt &&
		cat >migrations/versions/4444dddd0004_index_concurrently.sql <<-\EOF
		-- index concurrently
		--
		-- Revision ID: 4444dddd0004
		-- Revises: 3333cccc0003
		-- Create Date: 2024-01-01 00:00:00.000000
		-- Transactional: false

		-- +upgrade
		CREATE INDEX CONCURRENTLY ix_account_name ON account (name);

		-- +downgrade
		DROP INDEX CONCURRENTLY ix_account_name;
		EOF
	) &&
	run pgnt upgrade 3333:4444 --sql &&
	cat >expect <<-\EOF &&
	BEGIN;

	-- Running upgrade 3333cccc0003 -> 4444dddd0004

	COMMIT;

	CREATE INDEX CONCURRENTLY ix_account_name ON account (name);

	BEGIN;

	UPDATE alembic_version SET version_num='"'"'4444dddd0004'"'"' WHERE alembic_version.version_num = '"'"'3333cccc0003'"'"';

	COMMIT;

	EOF
	test_cmp expect out
'

test_expect_success 'SQLite: upgrade head --sql (alembic.md §9.2): no BEGIN/COMMIT' '
	run sq upgrade head --sql &&
	text >expect <<-EOF &&
	$CREATE_VT
	-- Running upgrade  -> 1111aaaa0001

	CREATE TABLE account (
	    id INTEGER NOT NULL, |
	    name VARCHAR(50) NOT NULL, |
	    description VARCHAR(200), |
	    PRIMARY KEY (id)
	);

	INSERT INTO alembic_version (version_num) VALUES ('"'"'1111aaaa0001'"'"');

	-- Running upgrade 1111aaaa0001 -> 2222bbbb0002

	ALTER TABLE account ADD COLUMN email VARCHAR(100);

	UPDATE alembic_version SET version_num='"'"'2222bbbb0002'"'"' WHERE alembic_version.version_num = '"'"'1111aaaa0001'"'"';

	-- Running upgrade 2222bbbb0002 -> 3333cccc0003

	CREATE UNIQUE INDEX ix_account_email ON account (email);

	UPDATE alembic_version SET version_num='"'"'3333cccc0003'"'"' WHERE alembic_version.version_num = '"'"'2222bbbb0002'"'"';

	EOF
	test_cmp expect out &&
	test_path_is_missing sq/test.db &&
	cat >expect <<-\EOF &&
	INFO  [alembic.runtime.migration] Context impl SQLiteImpl.
	INFO  [alembic.runtime.migration] Generating static SQL
	INFO  [alembic.runtime.migration] Will assume non-transactional DDL.
	INFO  [alembic.runtime.migration] Running upgrade  -> 1111aaaa0001, create account table
	INFO  [alembic.runtime.migration] Running upgrade 1111aaaa0001 -> 2222bbbb0002, add email to account
	INFO  [alembic.runtime.migration] Running upgrade 2222bbbb0002 -> 3333cccc0003, add index on email
	EOF
	test_cmp expect err
'

test_expect_success 'SQLite: ranges, stamp, --tag; empty plans print nothing' '
	run sq downgrade 3333:base --sql --tag x &&
	test_grep -v "^BEGIN;$" out &&
	test_grep "^DROP TABLE alembic_version;$" out &&
	run sq upgrade 3333:3333 --sql &&
	test_must_be_empty out &&
	run sq stamp head --sql &&
	text >expect <<-EOF &&
	$CREATE_VT
	-- Running stamp_revision  -> 3333cccc0003

	INSERT INTO alembic_version (version_num) VALUES ('"'"'3333cccc0003'"'"');

	EOF
	test_cmp expect out &&
	run sq stamp base --sql &&
	printf "DROP TABLE alembic_version;\n\n" >expect &&
	test_cmp expect out &&
	test_path_is_missing sq/test.db
'

test_expect_success PG 'the printed SQL, run by psql, gives what an online upgrade gives' '
	url=$(rt_pg_fresh_db applied) &&
	run pg upgrade head --sql &&
	"$RT_PG_PSQL" -X -q -v ON_ERROR_STOP=1 -h "$RT_PG_HOST" -p "$RT_PG_PORT" \
		-U "$RT_PG_USER" -d "$(rt_pg_dbname applied)" -f out >psql.out 2>&1 &&
	rt_pg_schema "$(rt_pg_dbname applied)" >offline.schema &&
	rt_pg_versions "$(rt_pg_dbname applied)" >offline.rows &&
	url2=$(rt_pg_fresh_db online) &&
	(cd pg && retort -x "url=$url2" upgrade head 2>../err) &&
	rt_pg_schema "$(rt_pg_dbname online)" >online.schema &&
	rt_pg_versions "$(rt_pg_dbname online)" >online.rows &&
	test_cmp online.schema offline.schema &&
	test_cmp online.rows offline.rows &&
	run pg downgrade head:base --sql &&
	"$RT_PG_PSQL" -X -q -v ON_ERROR_STOP=1 -h "$RT_PG_HOST" -p "$RT_PG_PORT" \
		-U "$RT_PG_USER" -d "$(rt_pg_dbname applied)" -f out >psql.out 2>&1 &&
	rt_pg_tables "$(rt_pg_dbname applied)" >actual &&
	test_must_be_empty actual
'

# --- the same commands with the real Alembic -----------------------------

# py_rev DIR ID PARENT MSG UPSQL DOWNSQL [BODY-PREFIX]: an Alembic script
# running the same SQL with op.execute().
py_rev () {
	local down_rev=None

	[ -n "$3" ] && down_rev="'$3'"
	cat >"$1/migrations/versions/${2}_$(rt_slug "$4").py" <<-EOF
	"""$4

	Revision ID: $2
	Revises: $3
	Create Date: 2024-01-01 00:00:00.000000

	"""
	from alembic import op

	revision = '$2'
	down_revision = $down_rev
	branch_labels = None
	depends_on = None


	def upgrade() -> None:
	    op.execute("""$5""")


	def downgrade() -> None:
	    op.execute("""$6""")
	EOF
}

# alembic_project DIR URL ACCOUNT-DDL
alembic_project () {
	mkdir "$1" &&
	(
		cd "$1" &&
		alembic init migrations >/dev/null &&
		sed -e "s|^sqlalchemy.url = .*|sqlalchemy.url = ${2//%/%%}|" alembic.ini >tmp.ini &&
		mv tmp.ini alembic.ini
	) &&
	py_rev "$1" $REV1 "" "$MSG1" "$3" "DROP TABLE account" &&
	py_rev "$1" $REV2 $REV1 "$MSG2" "${SQL2_UP%;}" "${SQL2_DOWN%;}" &&
	py_rev "$1" $REV3 $REV2 "$MSG3" "${SQL3_UP%;}" "${SQL3_DOWN%;}"
}

# both DIR-A DIR-R ARGS...: the same command with Alembic in DIR-A and
# retort in DIR-R; stdout, exit code and the Running lines must be equal.
# Their INFO lines are left in a.log and r.log.
both () {
	local a=$1 r=$2

	shift 2
	(cd "$a" && alembic "$@" >../a.out 2>../a.err; echo $? >../a.rc)
	(cd "$r" && retort "$@" >../r.out 2>../r.err; echo $? >../r.rc)
	echo "# $*" >&4
	test_cmp a.out r.out &&
	test_cmp a.rc r.rc &&
	{ grep "^INFO " a.err || :; } >a.log &&
	{ grep "^INFO " r.err || :; } >r.log &&
	rt_log_lines a.err >a.run &&
	rt_log_lines r.err >r.run &&
	test_cmp a.run r.run
}

test_expect_success ALEMBIC 'setup: the same projects for Alembic (.py, op.execute)' '
	alembic_project apg "$PG_URL" "${ACCOUNT_PG%;}" &&
	alembic_project asq "sqlite:///test.db" "${ACCOUNT_SQLITE%;}"
'

OFFLINE_CMDS=("upgrade head --sql" "upgrade head --sql --tag t1"
	"downgrade head:base --sql" "downgrade 3333:1111 --sql"
	"upgrade 1111:3333 --sql" "upgrade 2222:3333 --sql"
	"upgrade 3333:3333 --sql" "upgrade 3333:1111 --sql"
	"stamp head --sql" "stamp 1111:3333 --sql" "stamp base --sql"
	"stamp 3333:base --sql" "stamp 2222 --sql --tag x"
	"stamp --purge head --sql" "upgrade nosuch --sql"
	# last: a failure here must not hide the others
	"downgrade base --sql")

test_expect_success ALEMBIC 'PostgreSQL: stdout, exit code, Running lines as Alembic'"'"'s' '
	for cmd in "${OFFLINE_CMDS[@]}"
	do
		both apg pg $cmd || return 1
	done
'

test_expect_success ALEMBIC 'SQLite: stdout, exit code, Running lines as Alembic'"'"'s' '
	for cmd in "${OFFLINE_CMDS[@]}"
	do
		both asq sq $cmd || return 1
	done
'

test_expect_success ALEMBIC 'the offline log names the dialect as Alembic'"'"'s does' '
	both apg pg upgrade 1111:2222 --sql &&
	test_cmp a.log r.log &&
	both asq sq upgrade 1111:2222 --sql &&
	test_cmp a.log r.log
'

test_expect_success ALEMBIC 'Alembic never connected either (nothing listens there)' '
	(cd apg && test_must_fail alembic current >../out 2>../err) &&
	test_grep -i "connection refused\|could not connect" err &&
	test_path_is_missing asq/test.db &&
	test_path_is_missing sq/test.db
'

test_expect_success ALEMBIC 'a non-transactional step, as Alembic'"'"'s autocommit_block()' '
	cat >apg/migrations/versions/4444dddd0004_index_concurrently.py <<-\EOF &&
	"""index concurrently

	Revision ID: 4444dddd0004
	Revises: 3333cccc0003
	Create Date: 2024-01-01 00:00:00.000000

	"""
	from alembic import op

	revision = "4444dddd0004"
	down_revision = "3333cccc0003"
	branch_labels = None
	depends_on = None


	def upgrade() -> None:
	    with op.get_context().autocommit_block():
	        op.execute("CREATE INDEX CONCURRENTLY ix_account_name ON account (name)")


	def downgrade() -> None:
	    with op.get_context().autocommit_block():
	        op.execute("DROP INDEX CONCURRENTLY ix_account_name")
	EOF
	both apg pgnt upgrade 3333:4444 --sql &&
	both apg pgnt downgrade 4444:3333 --sql &&
	both apg pgnt upgrade head --sql
'

test_expect_success PG 'cleanup: drop the databases' '
	rt_pg_drop_all
'

test_done
