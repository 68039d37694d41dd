/*
 * test_inspect_sqlite.c - reading an SQLite schema into a catalog: each
 * test builds a schema in an in-memory database, inspects it and
 * compares rt_catalog_dump() with the expected text exactly.
 */
#include "util/compat.h"
#include <setjmp.h>
#include <time.h>
#include <cmocka.h>
#include "schema/inspect.h"
#include "db/db.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "error_raise.h"

static const char *const version_table[] = { "alembic_version", NULL };

static int setup(void **state)
{
	struct rt_url url = RT_URL_INIT;
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = NULL;

	url.dialect = RT_DIALECT_SQLITE;
	url.sqlite_memory = true;
	if (rt_db_open(&db, &url, NULL, &err) < 0) {
		print_error("open: %s\n", err.message);
		return -1;
	}
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	rt_db_close(*state);
	return 0;
}

static void run_sql(struct rt_db *db, const char *sql)
{
	struct rt_error err = RT_ERROR_INIT;

	if (rt_db_exec_script(db, sql, "schema.sql", 1, &err) < 0)
		fail_msg("%s", err.message);
}

/* The dump of the inspected schema; fails the test on an error. */
static char *dump_of(struct rt_db *db, const char *const *exclude)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_catalog cat;
	struct rt_buf sb = RT_BUF_INIT;

	rt_catalog_init(&cat, RT_DIALECT_SQLITE);
	if (rt_schema_inspect(&cat, db, NULL, exclude, &err) < 0)
		fail_msg("inspect: %s", err.message);
	rt_catalog_dump(&sb, &cat);
	rt_catalog_release(&cat);
	return rt_buf_detach(&sb);
}

static void check_schema(void **state, const char *sql, const char *want)
{
	char *got;

	run_sql(*state, sql);
	got = dump_of(*state, version_table);
	assert_string_equal(got, want);
	free(got);
}

/* Inspecting fails with RT_EUNSUPPORTED and `message`. */
static void check_unsupported(void **state, const char *sql,
                              const char *message)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_catalog cat;

	run_sql(*state, sql);
	rt_catalog_init(&cat, RT_DIALECT_SQLITE);
	assert_int_equal(rt_schema_inspect(&cat, *state, NULL, NULL, &err),
	                 RT_EUNSUPPORTED);
	assert_string_equal(err.message, message);
	rt_catalog_release(&cat);
}

static void test_empty(void **state)
{
	check_schema(state, "", "");
	/* the version table is left out, SQLite's own tables too */
	check_schema(state,
	             "CREATE TABLE alembic_version (\n"
	             "\tversion_num VARCHAR(32) NOT NULL, \n"
	             "\tCONSTRAINT alembic_version_pkc PRIMARY KEY "
	             "(version_num)\n);\n"
	             "ANALYZE;",
	             "");
}

static void test_columns_and_keys(void **state)
{
	check_schema(
	        state,
	        "CREATE TABLE parent(id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	        "  name varchar ( 50 ) NOT NULL COLLATE nocase,\n"
	        "  code TEXT UNIQUE, note, big UNSIGNED BIG INT,\n"
	        "  CONSTRAINT uq_name UNIQUE (name));\n"
	        "INSERT INTO parent(name) VALUES ('x');\n"
	        "CREATE TABLE w(k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;\n"
	        "CREATE TABLE s(a INT, b INT GENERATED ALWAYS AS (a * 2) "
	        "STORED,\n"
	        "  c INT AS (a +  1), d TEXT GENERATED ALWAYS AS ("
	        "'x' || a) VIRTUAL) STRICT;\n"
	        "CREATE TABLE ws(a INT NOT NULL, b ANY, PRIMARY KEY (b, a)) "
	        "WITHOUT ROWID, STRICT;\n"
	        "CREATE TABLE d(a DEFAULT CURRENT_TIMESTAMP, b DEFAULT (1 +  "
	        "2),\n"
	        "  c DEFAULT x'00ff', d DEFAULT abc, e DEFAULT +3.5,\n"
	        "  f DEFAULT NULL, g DEFAULT TRUE, h TEXT DEFAULT 'it''s',\n"
	        "  i REAL DEFAULT -1.5);\n",
	        "table d\n"
	        "column d.a (no type) DEFAULT CURRENT_TIMESTAMP\n"
	        "column d.b (no type) DEFAULT 1 +  2\n"
	        "column d.c (no type) DEFAULT x'00ff'\n"
	        "column d.d (no type) DEFAULT abc\n"
	        "column d.e (no type) DEFAULT +3.5\n"
	        "column d.f (no type) DEFAULT NULL\n"
	        "column d.g (no type) DEFAULT TRUE\n"
	        "column d.h TEXT DEFAULT 'it''s'\n"
	        "column d.i REAL DEFAULT -1.5\n"
	        "table parent AUTOINCREMENT\n"
	        "column parent.id INTEGER\n"
	        "column parent.name VARCHAR(50) NOT NULL COLLATE NOCASE\n"
	        "column parent.code TEXT\n"
	        "column parent.note (no type)\n"
	        "column parent.big UNSIGNED BIG INT\n"
	        "primary key (unnamed) ON parent (id)\n"
	        "unique (unnamed) ON parent (code)\n"
	        "unique uq_name ON parent (name)\n"
	        "table s STRICT\n"
	        "column s.a INT\n"
	        "column s.b INT GENERATED ALWAYS AS (a * 2) STORED\n"
	        "column s.c INT GENERATED ALWAYS AS (a + 1) VIRTUAL\n"
	        "column s.d TEXT GENERATED ALWAYS AS ('x' || a) VIRTUAL\n"
	        "table w WITHOUT ROWID\n"
	        "column w.k TEXT NOT NULL\n"
	        "column w.v BLOB\n"
	        "primary key (unnamed) ON w (k)\n"
	        "table ws WITHOUT ROWID STRICT\n"
	        "column ws.a INT NOT NULL\n"
	        "column ws.b ANY NOT NULL\n"
	        "primary key (unnamed) ON ws (b, a)\n");
}

static void test_types(void **state)
{
	check_schema(state,
	             "CREATE TABLE t(a int, b Integer, c \"my type\",\n"
	             "  d double   precision, e VARCHAR /* len */ (10),\n"
	             "  f numeric( 10 ,2 ), g generated int,\n"
	             "  h INT GENERATED ALWAYS AS (1), i 'str' NOT NULL,\n"
	             "  j character varying(20)\n"
	             "    COLLATE binary);",
	             "table t\n"
	             "column t.a INT\n"
	             "column t.b INTEGER\n"
	             "column t.c MY TYPE\n"
	             "column t.d DOUBLE PRECISION\n"
	             "column t.e VARCHAR(10)\n"
	             "column t.f NUMERIC(10,2)\n"
	             "column t.g GENERATED INT\n"
	             "column t.h INT GENERATED ALWAYS AS (1) VIRTUAL\n"
	             "column t.i STR NOT NULL\n"
	             "column t.j CHARACTER VARYING(20)\n");
}

static void test_constraints(void **state)
{
	check_schema(
	        state,
	        "CREATE TABLE parent(id INTEGER PRIMARY KEY, code TEXT "
	        "UNIQUE);\n"
	        "CREATE TABLE child(\n"
	        "  id INT,\n"
	        "  pid INTEGER REFERENCES Parent ON DELETE CASCADE, -- a "
	        "comment, with ) in it\n"
	        "  x TEXT CHECK (x <> ')' AND x NOT LIKE '%--%'),\n"
	        "  y REAL CONSTRAINT ck_y CHECK(y>0)\n"
	        "     CONSTRAINT uq_y UNIQUE,\n"
	        "  CONSTRAINT pk_child PRIMARY KEY (id),\n"
	        "  CONSTRAINT fk_named FOREIGN KEY (id, x) REFERENCES "
	        "parent (ID, Code)\n"
	        "    ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED,\n"
	        "  CONSTRAINT ck_multi CHECK (\n"
	        "      length(x) > (1 + (2 * 3))   /* block\n"
	        "      comment ) */ OR x IN ('a,b', 'c)',\n"
	        "      '--')\n"
	        "  ),\n"
	        "  UNIQUE (x, y)\n"
	        ");\n"
	        /* table constraints may go without commas */
	        "CREATE TABLE nc(a INT NOT NULL ON CONFLICT FAIL, b INT NULL,\n"
	        "  c TEXT UNIQUE ON CONFLICT REPLACE,\n"
	        "  PRIMARY KEY(a) UNIQUE(b) CHECK (b>0) CONSTRAINT named_ck "
	        "CHECK(c IS NOT NULL)\n"
	        "  FOREIGN KEY (b) REFERENCES missing(z) MATCH FULL NOT "
	        "DEFERRABLE INITIALLY DEFERRED,\n"
	        "  FOREIGN KEY (a) REFERENCES nc ON DELETE SET DEFAULT ON "
	        "UPDATE RESTRICT DEFERRABLE INITIALLY IMMEDIATE,\n"
	        "  FOREIGN KEY (c) REFERENCES parent(code) ON DELETE NO ACTION "
	        "DEFERRABLE);\n"
	        "CREATE TABLE ai(id INTEGER, PRIMARY KEY(id AUTOINCREMENT));\n",
	        "table ai AUTOINCREMENT\n"
	        "column ai.id INTEGER\n"
	        "primary key (unnamed) ON ai (id)\n"
	        "table child\n"
	        "column child.id INT\n"
	        "column child.pid INTEGER\n"
	        "column child.x TEXT\n"
	        "column child.y REAL\n"
	        "primary key pk_child ON child (id)\n"
	        "unique (unnamed) ON child (x, y)\n"
	        "unique uq_y ON child (y)\n"
	        "foreign key (unnamed) ON child (pid) REFERENCES parent () "
	        "ON DELETE CASCADE ON UPDATE NO ACTION\n"
	        "foreign key fk_named ON child (id, x) REFERENCES parent "
	        "(id, code) ON DELETE NO ACTION ON UPDATE SET NULL "
	        "DEFERRABLE INITIALLY DEFERRED\n"
	        "check (unnamed) ON child (x <> ')' AND x NOT LIKE '%--%')\n"
	        "check ck_multi ON child (length(x) > (1 + (2 * 3)) OR x IN "
	        "('a,b', 'c)', '--'))\n"
	        "check ck_y ON child (y>0)\n"
	        "table nc\n"
	        "column nc.a INT NOT NULL\n"
	        "column nc.b INT\n"
	        "column nc.c TEXT\n"
	        "primary key (unnamed) ON nc (a)\n"
	        "unique (unnamed) ON nc (b)\n"
	        "unique (unnamed) ON nc (c)\n"
	        "foreign key (unnamed) ON nc (a) REFERENCES nc () ON DELETE "
	        "SET DEFAULT ON UPDATE RESTRICT DEFERRABLE INITIALLY "
	        "IMMEDIATE\n"
	        "foreign key (unnamed) ON nc (b) REFERENCES missing (z) ON "
	        "DELETE NO ACTION ON UPDATE NO ACTION\n"
	        "foreign key (unnamed) ON nc (c) REFERENCES parent (code) ON "
	        "DELETE NO ACTION ON UPDATE NO ACTION DEFERRABLE INITIALLY "
	        "IMMEDIATE\n"
	        "check (unnamed) ON nc (b>0)\n"
	        "check named_ck ON nc (c IS NOT NULL)\n"
	        "table parent\n"
	        "column parent.id INTEGER\n"
	        "column parent.code TEXT\n"
	        "primary key (unnamed) ON parent (id)\n"
	        "unique (unnamed) ON parent (code)\n");
}

/* Corners of SQLite's grammar that are rare but valid. */
static void test_grammar_corners(void **state)
{
	check_schema(
	        state,
	        "CREATE TABLE p(id INTEGER PRIMARY KEY);\n"
	        "CREATE TABLE \"it's\"(\n"
	        "  a INT REFERENCES p ON INSERT CASCADE ON DELETE "
	        "CASCADE,\n"
	        "  b INT REFERENCES p CONSTRAINT x DEFERRABLE INITIALLY "
	        "DEFERRED,\n"
	        "  c INT CONSTRAINT dangling, d INT,\n"
	        "  CONSTRAINT lonely,\n"
	        "  CONSTRAINT a1 CONSTRAINT a2 UNIQUE (a),\n"
	        "  FOREIGN KEY (d) REFERENCES p NOT DEFERRABLE INITIALLY "
	        "DEFERRED);\n"
	        "ALTER TABLE \"it's\" ADD COLUMN e INT;\n"
	        "ALTER TABLE \"it's\" DROP COLUMN c;\n"
	        "CREATE INDEX \"ix it's\" ON \"it's\"(e) WHERE e <> 'it''s';\n",
	        "table it's\n"
	        "column it's.a INT\n"
	        "column it's.b INT\n"
	        "column it's.d INT\n"
	        "column it's.e INT\n"
	        "unique a2 ON it's (a)\n"
	        "foreign key (unnamed) ON it's (a) REFERENCES p () ON "
	        "DELETE CASCADE ON UPDATE NO ACTION\n"
	        "foreign key (unnamed) ON it's (b) REFERENCES p () ON "
	        "DELETE NO ACTION ON UPDATE NO ACTION DEFERRABLE "
	        "INITIALLY DEFERRED\n"
	        "foreign key (unnamed) ON it's (d) REFERENCES p () ON "
	        "DELETE NO ACTION ON UPDATE NO ACTION\n"
	        "index ix it's ON it's (e) WHERE e <> 'it''s'\n"
	        "table p\n"
	        "column p.id INTEGER\n"
	        "primary key (unnamed) ON p (id)\n");
}

/* Keys on the same columns: names go to the right one. */
static void test_same_columns(void **state)
{
	check_schema(state,
	             "CREATE TABLE p1(id INTEGER PRIMARY KEY);\n"
	             "CREATE TABLE p2(id INTEGER PRIMARY KEY);\n"
	             "CREATE TABLE c(a INT, b TEXT COLLATE rtrim,\n"
	             "  CONSTRAINT fk_1 FOREIGN KEY (a) REFERENCES p1 (id),\n"
	             "  CONSTRAINT fk_2 FOREIGN KEY (a) REFERENCES p1 (id) "
	             "ON DELETE CASCADE,\n"
	             "  CONSTRAINT fk_3 FOREIGN KEY (a) REFERENCES p2,\n"
	             "  CONSTRAINT fk_4 FOREIGN KEY (A) REFERENCES P1 (ID) "
	             "DEFERRABLE,\n"
	             "  CONSTRAINT uq_binary UNIQUE (b COLLATE binary),\n"
	             "  CONSTRAINT uq_rtrim UNIQUE (b),\n"
	             "  CONSTRAINT uq_nocase UNIQUE (b COLLATE nocase),\n"
	             "  CONSTRAINT uq_merged UNIQUE (B));",
	             "table c\n"
	             "column c.a INT\n"
	             "column c.b TEXT COLLATE RTRIM\n"
	             "unique uq_binary ON c (b)\n"
	             "unique uq_nocase ON c (b)\n"
	             "unique uq_rtrim ON c (b)\n"
	             "foreign key fk_1 ON c (a) REFERENCES p1 (id) ON DELETE "
	             "NO ACTION ON UPDATE NO ACTION\n"
	             "foreign key fk_2 ON c (a) REFERENCES p1 (id) ON DELETE "
	             "CASCADE ON UPDATE NO ACTION\n"
	             "foreign key fk_3 ON c (a) REFERENCES p2 () ON DELETE NO "
	             "ACTION ON UPDATE NO ACTION\n"
	             "foreign key fk_4 ON c (a) REFERENCES p1 (id) ON DELETE "
	             "NO ACTION ON UPDATE NO ACTION DEFERRABLE INITIALLY "
	             "IMMEDIATE\n"
	             "table p1\n"
	             "column p1.id INTEGER\n"
	             "primary key (unnamed) ON p1 (id)\n"
	             "table p2\n"
	             "column p2.id INTEGER\n"
	             "primary key (unnamed) ON p2 (id)\n");
}

static void test_indexes(void **state)
{
	check_schema(
	        state,
	        "CREATE TABLE t(a INT PRIMARY KEY, x TEXT, y REAL, "
	        "u TEXT COLLATE nocase UNIQUE);\n"
	        "CREATE INDEX ix_t_y ON t (y DESC, x COLLATE nocase);\n"
	        "CREATE UNIQUE INDEX IF NOT EXISTS main.ix_expr ON t(lower(x), "
	        "(y + 1) DESC,\n"
	        "  x || 'a,b' COLLATE rtrim, lower(x) COLLATE NoCase)\n"
	        "  WHERE y >  0  -- positive\n"
	        "   AND x IS NOT NULL;\n"
	        "CREATE INDEX ix_u ON t(u, a ASC);\n"
	        "CREATE INDEX \"Ix Quoted\" ON t(\"x\", [y]);\n",
	        "table t\n"
	        "column t.a INT\n"
	        "column t.x TEXT\n"
	        "column t.y REAL\n"
	        "column t.u TEXT COLLATE NOCASE\n"
	        "primary key (unnamed) ON t (a)\n"
	        "unique (unnamed) ON t (u)\n"
	        "index Ix Quoted ON t (x, y)\n"
	        "unique index ix_expr ON t ((lower(x)), (y + 1) DESC, "
	        "(x || 'a,b' COLLATE rtrim), (lower(x)) COLLATE NOCASE) WHERE "
	        "y > 0 AND x IS NOT NULL\n"
	        "index ix_t_y ON t (y DESC, x COLLATE NOCASE)\n"
	        "index ix_u ON t (u COLLATE NOCASE, a)\n");
}

static void test_views(void **state)
{
	check_schema(state,
	             "CREATE TABLE t(id INT, x TEXT);\n"
	             "CREATE VIEW v AS SELECT  id,\n"
	             "    x   FROM t -- the rows\n"
	             "  WHERE x = 'a  b' /* kept */ ;\n"
	             "create view if not exists \"V 2\" as\n"
	             "  select count(*) AS n from t;\n"
	             "CREATE VIEW alembic_version AS SELECT 1;\n",
	             "table t\n"
	             "column t.id INT\n"
	             "column t.x TEXT\n"
	             "view V 2 AS select count(*) AS n from t\n"
	             "view v AS SELECT id, x FROM t WHERE x = 'a  b'\n");
}

static void test_triggers(void **state)
{
	check_schema(state,
	             "CREATE TABLE t(id INT, x TEXT);\n"
	             "CREATE VIEW v AS SELECT id FROM t;\n"
	             "CREATE TRIGGER t_ins AFTER INSERT ON t\n"
	             "BEGIN\n"
	             "    SELECT  1 ; -- noted\n"
	             "END;\n"
	             "create trigger if not exists \"V i\" instead of "
	             "insert on v begin select new.id; end;\n"
	             "CREATE TABLE alembic_version(version_num "
	             "VARCHAR(32) NOT NULL);\n"
	             "CREATE TRIGGER on_version AFTER UPDATE ON "
	             "alembic_version BEGIN SELECT 1; END;\n",
	             "table t\n"
	             "column t.id INT\n"
	             "column t.x TEXT\n"
	             "view v AS SELECT id FROM t\n"
	             "trigger V i instead of insert on v begin select "
	             "new.id; end\n"
	             "trigger t_ins AFTER INSERT ON t BEGIN SELECT 1 ; END\n");
}

static void test_names(void **state)
{
	check_schema(
	        state,
	        "CREATE TABLE \"order\"(\"group\" INTEGER PRIMARY KEY, "
	        "\"my \"\"col\"\"\" TEXT,\n"
	        "  [sp ace] INT, `Mixed Case` TEXT, 'str' INT, key INT, "
	        "\"desc\" INT);\n"
	        "CREATE TABLE \"My Table\"(id INT CONSTRAINT \"pk \"\"x\"\"\" "
	        "PRIMARY KEY,\n"
	        "  ref INT CONSTRAINT [fk one] REFERENCES \"order\"(\"group\"),\n"
	        "  CONSTRAINT 'uq q' UNIQUE ([ref]),\n"
	        "  CONSTRAINT `ck` CHECK (\"ref\" <> 0));\n"
	        "CREATE INDEX \"ix \"\"q\"\"\" ON \"order\"(\"my \"\"col\"\"\", "
	        "[sp ace] DESC);\n",
	        "table My Table\n"
	        "column My Table.id INT\n"
	        "column My Table.ref INT\n"
	        "primary key pk \"x\" ON My Table (id)\n"
	        "unique uq q ON My Table (ref)\n"
	        "foreign key fk one ON My Table (ref) REFERENCES order (group) "
	        "ON DELETE NO ACTION ON UPDATE NO ACTION\n"
	        "check ck ON My Table (\"ref\" <> 0)\n"
	        "table order\n"
	        "column order.group INTEGER\n"
	        "column order.my \"col\" TEXT\n"
	        "column order.sp ace INT\n"
	        "column order.Mixed Case TEXT\n"
	        "column order.str INT\n"
	        "column order.key INT\n"
	        "column order.desc INT\n"
	        "primary key (unnamed) ON order (group)\n"
	        "index ix \"q\" ON order (my \"col\", sp ace DESC)\n");
}

/* SQLite edits the stored text on ALTER TABLE; it must stay readable. */
static void test_alter_table(void **state)
{
	check_schema(
	        state,
	        "CREATE TABLE t(a INT, PRIMARY KEY(a) -- trailing comment\n"
	        ");\n"
	        "ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x';\n"
	        "ALTER TABLE t ADD COLUMN c INT CONSTRAINT ck_c CHECK (c > 0) "
	        "REFERENCES t;\n"
	        "ALTER TABLE t ADD COLUMN \"d e\" TEXT COLLATE nocase;\n"
	        "CREATE TABLE old_name(a INT PRIMARY KEY, b INT REFERENCES "
	        "old_name(a));\n"
	        "CREATE TABLE kid(x INT REFERENCES old_name(a), CHECK (x <> "
	        "0));\n"
	        "CREATE INDEX ix_old ON old_name(b);\n"
	        "CREATE INDEX ix_old_expr ON old_name(b + 1) WHERE b > 0;\n"
	        "CREATE VIEW vo AS SELECT a FROM old_name;\n"
	        "ALTER TABLE old_name RENAME TO new_name;\n"
	        "ALTER TABLE new_name RENAME COLUMN b TO \"B c\";\n"
	        "ALTER TABLE kid RENAME COLUMN x TO y;\n",
	        "table kid\n"
	        "column kid.y INT\n"
	        "foreign key (unnamed) ON kid (y) REFERENCES new_name (a) ON "
	        "DELETE NO ACTION ON UPDATE NO ACTION\n"
	        "check (unnamed) ON kid (y <> 0)\n"
	        "table new_name\n"
	        "column new_name.a INT\n"
	        "column new_name.B c INT\n"
	        "primary key (unnamed) ON new_name (a)\n"
	        "foreign key (unnamed) ON new_name (B c) REFERENCES new_name "
	        "(a) ON DELETE NO ACTION ON UPDATE NO ACTION\n"
	        "index ix_old ON new_name (B c)\n"
	        "index ix_old_expr ON new_name ((\"B c\" + 1)) WHERE \"B c\" "
	        "> 0\n"
	        "table t\n"
	        "column t.a INT\n"
	        "column t.b TEXT DEFAULT 'x'\n"
	        "column t.c INT\n"
	        "column t.d e TEXT COLLATE NOCASE\n"
	        "primary key (unnamed) ON t (a)\n"
	        "foreign key (unnamed) ON t (c) REFERENCES t () ON DELETE NO "
	        "ACTION ON UPDATE NO ACTION\n"
	        "check ck_c ON t (c > 0)\n"
	        "view vo AS SELECT a FROM \"new_name\"\n");
}

static void test_many_columns(void **state)
{
	struct rt_buf sql = RT_BUF_INIT, want = RT_BUF_INIT;

	rt_buf_adds(&sql, "CREATE TABLE wide(");
	rt_buf_adds(&want, "table wide\n");
	for (int i = 1; i <= 20; i++) {
		rt_buf_addf(&sql, "%sc%d %s%s", i > 1 ? ", " : "", i,
		            i % 2 ? "INT" : "TEXT", i == 17 ? " NOT NULL" : "");
		rt_buf_addf(&want, "column wide.c%d %s%s\n", i,
		            i % 2 ? "INT" : "TEXT", i == 17 ? " NOT NULL" : "");
	}
	rt_buf_adds(&sql, ", PRIMARY KEY (c18, c17));");
	rt_buf_adds(&want, "primary key (unnamed) ON wide (c18, c17)\n");
	check_schema(state, sql.buf, want.buf);
	rt_buf_release(&sql);
	rt_buf_release(&want);
}

static void test_exclude(void **state)
{
	const char *const exclude[] = { "Skip_Me", "v_skip", NULL };
	char *got;

	run_sql(*state, "CREATE TABLE skip_me(a INT);\n"
	                "CREATE INDEX ix_skip ON skip_me(a);\n"
	                "CREATE VIEW v_skip AS SELECT 1;\n"
	                "CREATE TABLE keep(a INT);\n"
	                "CREATE TABLE alembic_version(version_num "
	                "VARCHAR(32) NOT NULL);\n"
	                "CREATE TEMP TABLE scratch(a INT);\n");
	got = dump_of(*state, exclude);
	assert_string_equal(got, "table alembic_version\n"
	                         "column alembic_version.version_num "
	                         "VARCHAR(32) NOT NULL\n"
	                         "table keep\n"
	                         "column keep.a INT\n");
	free(got);
	got = dump_of(*state, NULL);
	assert_string_equal(got, "table alembic_version\n"
	                         "column alembic_version.version_num "
	                         "VARCHAR(32) NOT NULL\n"
	                         "table keep\n"
	                         "column keep.a INT\n"
	                         "table skip_me\n"
	                         "column skip_me.a INT\n"
	                         "index ix_skip ON skip_me (a)\n"
	                         "view v_skip AS SELECT 1\n");
	free(got);
}

static void test_unsupported(void **state)
{
	check_unsupported(state, "CREATE TABLE t(a INT,\n  UNIQUE((a)));",
	                  "cannot follow the CREATE TABLE text of table 't': "
	                  "expected a column name on line 2, found '('");
}

static void test_unsupported_virtual(void **state)
{
	check_unsupported(state, "CREATE VIRTUAL TABLE ft USING fts5(body);",
	                  "table 'ft' is a virtual table (CREATE VIRTUAL "
	                  "TABLE), which retort cannot compare");
}

static void test_unsupported_view_columns(void **state)
{
	check_unsupported(state,
	                  "CREATE TABLE t(a INT);\n"
	                  "CREATE VIEW v(x) AS SELECT a FROM t;",
	                  "view 'v' names its columns in a list after its "
	                  "name, which retort cannot compare; name them with "
	                  "AS inside the SELECT instead");
}

static void test_dispatch(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_catalog cat;

	rt_catalog_init(&cat, RT_DIALECT_SQLITE);
	assert_int_equal(rt_schema_inspect(&cat, *state, "main", NULL, &err),
	                 RT_EUNSUPPORTED);
	assert_non_null(strstr(err.message, "schema 'main'"));
	rt_catalog_release(&cat);

	rt_error_clear(&err);
	rt_catalog_init(&cat, RT_DIALECT_POSTGRESQL);
	assert_int_equal(rt_schema_inspect(&cat, *state, NULL, NULL, &err),
	                 RT_ERROR);
	rt_catalog_release(&cat);

	/* a failing inspection leaves a catalog the caller can release */
	rt_error_clear(&err);
	run_sql(*state, "CREATE TABLE a(x INT);\n"
	                "CREATE TABLE b(x INT, UNIQUE((x)));");
	rt_catalog_init(&cat, RT_DIALECT_SQLITE);
	assert_int_equal(rt_schema_inspect(&cat, *state, NULL, NULL, &err),
	                 RT_EUNSUPPORTED);
	rt_catalog_release(&cat);
}

static double ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static size_t count_lines(const char *text, const char *prefix)
{
	size_t n = 0;

	for (const char *p = text; *p; p = strchr(p, '\n') + 1)
		n += rt_starts_with(p, prefix);
	return n;
}

/* 1,000 tables, each with a foreign key to the one before and an index. */
static void test_thousand_tables(void **state)
{
	struct rt_buf sql = RT_BUF_INIT;
	struct rt_error err = RT_ERROR_INIT;
	struct rt_catalog cat;
	struct rt_buf dump = RT_BUF_INIT;
	struct timespec start;
	double ms;

	rt_buf_adds(&sql, "BEGIN;\n");
	for (int i = 0; i < 1000; i++) {
		rt_buf_addf(&sql,
		            "CREATE TABLE t%04d(id INTEGER PRIMARY KEY, "
		            "name VARCHAR(50) NOT NULL UNIQUE, ",
		            i);
		if (i)
			rt_buf_addf(&sql,
			            "prev_id INT REFERENCES t%04d(id) "
			            "ON DELETE CASCADE, ",
			            i - 1);
		else
			rt_buf_adds(&sql, "prev_id INT, ");
		rt_buf_addf(&sql,
		            "CONSTRAINT ck_t%04d CHECK (length(name) > 0));\n"
		            "CREATE INDEX ix_t%04d_prev ON t%04d(prev_id);\n",
		            i, i, i);
	}
	rt_buf_adds(&sql, "COMMIT;\n");
	run_sql(*state, sql.buf);
	rt_buf_release(&sql);

	rt_catalog_init(&cat, RT_DIALECT_SQLITE);
	clock_gettime(CLOCK_MONOTONIC, &start);
	assert_int_equal(rt_schema_inspect_sqlite(&cat, *state, NULL, &err), 0);
	ms = ms_since(&start);
	print_message("inspecting 1,000 tables took %.1f ms\n", ms);

	assert_int_equal(cat.nr_tables, 1000);
	rt_catalog_dump(&dump, &cat);
	assert_int_equal(count_lines(dump.buf, "table "), 1000);
	assert_int_equal(count_lines(dump.buf, "column "), 3000);
	assert_int_equal(count_lines(dump.buf, "primary key "), 1000);
	assert_int_equal(count_lines(dump.buf, "unique "), 1000);
	assert_int_equal(count_lines(dump.buf, "foreign key "), 999);
	assert_int_equal(count_lines(dump.buf, "check "), 1000);
	assert_int_equal(count_lines(dump.buf, "index "), 1000);
	assert_non_null(strstr(dump.buf,
	                       "table t0500\n"
	                       "column t0500.id INTEGER\n"
	                       "column t0500.name VARCHAR(50) NOT NULL\n"
	                       "column t0500.prev_id INT\n"
	                       "primary key (unnamed) ON t0500 (id)\n"
	                       "unique (unnamed) ON t0500 (name)\n"
	                       "foreign key (unnamed) ON t0500 (prev_id) "
	                       "REFERENCES t0499 (id) ON DELETE CASCADE ON "
	                       "UPDATE NO ACTION\n"
	                       "check ck_t0500 ON t0500 (length(name) > 0)\n"
	                       "index ix_t0500_prev ON t0500 (prev_id)\n"
	                       "table t0501\n"));
	rt_buf_release(&dump);
	rt_catalog_release(&cat);
}

#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_empty),
		TEST(test_columns_and_keys),
		TEST(test_types),
		TEST(test_constraints),
		TEST(test_grammar_corners),
		TEST(test_same_columns),
		TEST(test_indexes),
		TEST(test_views),
		TEST(test_triggers),
		TEST(test_names),
		TEST(test_alter_table),
		TEST(test_many_columns),
		TEST(test_exclude),
		TEST(test_unsupported),
		TEST(test_unsupported_virtual),
		TEST(test_unsupported_view_columns),
		TEST(test_dispatch),
		TEST(test_thousand_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
