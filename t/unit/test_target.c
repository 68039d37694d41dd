/*
 * test_target.c - loading the desired schema (schema/target.c): which
 * files, in which order, errors with FILE:LINE, and the scratch
 * databases (an in-memory SQLite; on PostgreSQL a schema in a
 * transaction that is rolled back, against the server that
 * t/with-postgres.sh starts - those tests are skipped without it), and
 * on PostgreSQL the cache of the catalog loaded (a hit, a miss after an
 * edit or a change of settings, a failed load never stored).
 */
#include "util/compat.h"
#include <setjmp.h>
#include <sys/stat.h>
#include <time.h>
#include <cmocka.h>
#include "db/db.h"
#include "db/driver.h"
#include "error_raise.h"
#include "pg_fixture.h"
#include "schema/catalog.h"
#include "schema/inspect.h"
#include "schema/target.h"
#include "schema/target_cache.h"
#include "tmpdir_fixture.h"
#include "util/buf.h"
#include "util/alloc.h"
#include "util/fs.h"

static char tmpdir[64];

static int setup_dir(void **state)
{
	(void)state;
	tmpdir_make(tmpdir, sizeof(tmpdir), "rt_target");
	return 0;
}

static int teardown_dir(void **state)
{
	(void)state;
	tmpdir_remove(tmpdir);
	return 0;
}

/* Write tmpdir/name (name may hold one level of folder); its path. */
static char *write_file(const char *name, const char *text)
{
	struct rt_error err = RT_ERROR_INIT;
	char *path = rt_path_join(tmpdir, name);

	if (rt_fs_write_file(path, text, strlen(text), false, &err) < 0)
		fail_msg("%s", err.message);
	return path;
}

static char *make_dir(const char *name)
{
	char *path = rt_path_join(tmpdir, name);

	assert_int_equal(mkdir(path, 0777), 0);
	return path;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* ---- which files ----------------------------------------------------- */

static void test_files_of_a_folder(void **state)
{
	struct rt_strvec files = RT_STRVEC_INIT;
	struct rt_error err = RT_ERROR_INIT;
	char *dir = make_dir("schema");

	(void)state;
	free(write_file("schema/b.sql", ""));
	free(write_file("schema/a.sql", ""));
	free(write_file("schema/B.sql", "")); /* byte order: B < a */
	free(write_file("schema/10_x.sql", "")); /* and 10 < 2 */
	free(write_file("schema/2_x.sql", ""));
	free(write_file("schema/README", ""));
	free(write_file("schema/a.sql.bak", ""));
	free(write_file("schema/.hidden.sql", ""));
	free(make_dir("schema/sub.sql")); /* a folder is not a file */
	free(write_file("schema/sub.sql/c.sql", "")); /* not recursive */
	assert_int_equal(rt_schema_target_files(&files, dir, &err), 0);
	assert_int_equal(files.nr, 5);
	assert_true(rt_ends_with(files.v[0], "/schema/10_x.sql"));
	assert_true(rt_ends_with(files.v[1], "/schema/2_x.sql"));
	assert_true(rt_ends_with(files.v[2], "/schema/B.sql"));
	assert_true(rt_ends_with(files.v[3], "/schema/a.sql"));
	assert_true(rt_ends_with(files.v[4], "/schema/b.sql"));
	assert_true(rt_starts_with(files.v[0], tmpdir)); /* absolute */
	rt_strvec_clear(&files);
	free(dir);
}

static void test_one_file(void **state)
{
	struct rt_strvec files = RT_STRVEC_INIT;
	struct rt_error err = RT_ERROR_INIT;
	/* named explicitly, any name will do */
	char *path = write_file("desired.ddl", "");

	(void)state;
	assert_int_equal(rt_schema_target_files(&files, path, &err), 0);
	assert_int_equal(files.nr, 1);
	assert_string_equal(files.v[0], path);
	rt_strvec_clear(&files);
	free(path);
}

static void test_missing_and_empty(void **state)
{
	struct rt_strvec files = RT_STRVEC_INIT;
	struct rt_error err = RT_ERROR_INIT;
	char *gone = rt_path_join(tmpdir, "gone.sql");
	char *dir = make_dir("empty");

	(void)state;
	assert_int_equal(rt_schema_target_files(&files, gone, &err),
	                 RT_ECONFIG);
	assert_non_null(strstr(err.message, gone));
	assert_non_null(strstr(err.message, "does not exist"));
	assert_non_null(strstr(err.message, "target_schema"));

	rt_error_clear(&err);
	free(write_file("empty/notes.txt", ""));
	assert_int_equal(rt_schema_target_files(&files, dir, &err), RT_ECONFIG);
	assert_non_null(strstr(err.message, dir));
	assert_non_null(strstr(err.message, "holds no .sql file"));
	assert_int_equal(files.nr, 0);
	free(gone);
	free(dir);
}

/* ---- SQLite ---------------------------------------------------------- */

static struct rt_db *open_sqlite(const char *url_text)
{
	struct rt_url url = RT_URL_INIT;
	struct rt_db_options opts = { 0 };
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = NULL;

	if (rt_url_parse(&url, url_text, &err) < 0 ||
	    rt_db_open(&db, &url, &opts, &err) < 0)
		fail_msg("%s: %s", url_text, err.message);
	rt_url_release(&url);
	return db;
}

static void test_sqlite_syntax_error_names_file_and_line(void **state)
{
	struct rt_catalog cat;
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_sqlite("sqlite://");
	char *dir = make_dir("s"), *b;
	char expect[256];

	(void)state;
	free(write_file("s/a.sql", "CREATE TABLE a (x int);\n"));
	b = write_file("s/b.sql", "-- the second file\n"
	                          "CREATE TABLE b (x int);\n"
	                          "\n"
	                          "CREATE TABLE c (x int,, y int);\n");
	rt_catalog_init(&cat, RT_DIALECT_SQLITE);
	assert_int_equal(rt_schema_load_target(&cat, db, dir, &err), RT_EPARSE);
	snprintf(expect, sizeof(expect), "%s:4: ", b);
	if (!rt_starts_with(err.message, expect))
		fail_msg("message: %s", err.message);
	assert_non_null(strstr(err.message, "syntax error"));
	assert_true(rt_ends_with(err.message,
	                         "; fix the desired schema (target_schema)"));
	assert_string_equal(err.loc.path, b);
	assert_int_equal(err.loc.line, 4);
	assert_int_equal(cat.nr_tables, 0);
	rt_catalog_release(&cat);
	rt_db_close(db);
	free(dir);
	free(b);
}

/*
 * The scratch database is new each time and is not the real one: the
 * real database stays empty, and loading the same file twice does not
 * find the tables of the first load.
 */
static void test_sqlite_scratch_is_fresh(void **state)
{
	char *real = rt_path_join(tmpdir, "real.db");
	char *url = rt_xstrfmt("sqlite:///%s", real);
	char *file = write_file("t.sql", "CREATE TABLE t (x int);\n"
	                                 "CREATE INDEX t_x ON t (x);\n");
	struct rt_db *db = open_sqlite(url);
	struct rt_strvec names = RT_STRVEC_INIT;
	struct rt_error err = RT_ERROR_INIT;

	(void)state;
	for (int round = 0; round < 2; round++) {
		struct rt_catalog cat;
		int ret;

		rt_catalog_init(&cat, RT_DIALECT_SQLITE);
		rt_error_clear(&err);
		/* the second round: still no "table t already exists" */
		ret = rt_schema_load_target(&cat, db, file, &err);
		if (ret < 0)
			fail_msg("%s", err.message);
		assert_int_equal(cat.nr_tables, 1);
		assert_string_equal(cat.tables[0].name, "t");
		rt_catalog_release(&cat);
	}
	if (rt_db__query_column(&names, db, "SELECT name FROM sqlite_master",
	                        &err) < 0)
		fail_msg("%s", err.message);
	assert_int_equal(names.nr, 0);
	rt_strvec_clear(&names);
	rt_db_close(db);
	free(real);
	free(url);
	free(file);
}

/* A .dump brings its own transaction: it loads (no "cannot start a
   transaction within a transaction") */
static void test_sqlite_dump_with_its_own_transaction(void **state)
{
	struct rt_catalog cat;
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_sqlite("sqlite://");
	char *file = write_file("dump.sql", "PRAGMA foreign_keys=OFF;\n"
	                                    "BEGIN TRANSACTION;\n"
	                                    "CREATE TABLE t (x int);\n"
	                                    "INSERT INTO t VALUES(1);\n"
	                                    "COMMIT;\n");
	int ret;

	(void)state;
	rt_catalog_init(&cat, RT_DIALECT_SQLITE);
	ret = rt_schema_load_target(&cat, db, file, &err);
	if (ret < 0)
		fail_msg("%s", err.message);
	assert_int_equal(cat.nr_tables, 1);
	rt_catalog_release(&cat);
	rt_db_close(db);
	free(file);
}

static void test_sqlite_folder_order(void **state)
{
	struct rt_catalog cat;
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_sqlite("sqlite://");
	char *dir = make_dir("o");
	int ret;

	(void)state;
	/* 2 needs 1's table (a view on it), 3 alters it */
	free(write_file("o/1_base.sql", "CREATE TABLE base (a int);\n"));
	free(write_file("o/2_view.sql",
	                "CREATE VIEW v AS SELECT a FROM base;\n"));
	free(write_file("o/3_more.sql",
	                "ALTER TABLE base ADD COLUMN b text;\n"));
	rt_catalog_init(&cat, RT_DIALECT_SQLITE);
	ret = rt_schema_load_target(&cat, db, dir, &err);
	if (ret < 0)
		fail_msg("%s", err.message);
	assert_int_equal(cat.nr_tables, 1);
	assert_int_equal(cat.tables[0].nr_columns, 2);
	assert_int_equal(cat.nr_views, 1);
	rt_catalog_release(&cat);
	rt_db_close(db);
	free(dir);
}

/* The SQL of n tables, each with a PK, an FK to the one before, a
   unique column, a check and an index. */
static char *thousand_tables_sql(int n, bool pg)
{
	struct rt_buf sql = RT_BUF_INIT;

	for (int i = 1; i <= n; i++) {
		char ref[32] = "";

		/* SQLite: the FK in the table; PostgreSQL: see below */
		if (!pg && i > 1)
			snprintf(ref, sizeof(ref), " REFERENCES t%d", i - 1);
		rt_buf_addf(&sql,
		            "CREATE TABLE t%d (\n"
		            "  id %s PRIMARY KEY,\n"
		            "  prev integer%s,\n"
		            "  name varchar(50) NOT NULL DEFAULT 'n',\n"
		            "  code text UNIQUE,\n"
		            "  n integer CHECK (n > 0)\n"
		            ");\n"
		            "CREATE INDEX t%d_name ON t%d (name, code);\n",
		            i, pg ? "serial" : "INTEGER", ref, i, i);
		if (i > 1)
			rt_buf_addf(&sql,
			            "CREATE INDEX t%d_prev ON t%d (prev);\n", i,
			            i);
	}
	/* the FKs at the end, as a dump would put them (PostgreSQL) */
	for (int i = 2; pg && i <= n; i++)
		rt_buf_addf(&sql,
		            "ALTER TABLE t%d ADD CONSTRAINT t%d_prev_fk "
		            "FOREIGN KEY (prev) REFERENCES t%d;\n",
		            i, i, i - 1);
	return rt_buf_detach(&sql);
}

static void test_sqlite_thousand_tables(void **state)
{
	struct rt_catalog cat;
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_sqlite("sqlite://");
	char *sql = thousand_tables_sql(1000, false);
	char *file = write_file("big.sql", sql);
	struct timespec t0;
	double ms;
	int ret;

	(void)state;
	rt_catalog_init(&cat, RT_DIALECT_SQLITE);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = rt_schema_load_target(&cat, db, file, &err);
	ms = ms_since(&t0);
	if (ret < 0)
		fail_msg("%s", err.message);
	print_message("# loading and inspecting 1000 SQLite tables took "
	              "%.1f ms\n",
	              ms);
	assert_int_equal(cat.nr_tables, 1000);
	rt_catalog_release(&cat);
	rt_db_close(db);
	free(sql);
	free(file);
	/* printed, not judged: speed is bench/'s business */
}

/* ---- PostgreSQL ------------------------------------------------------ */

static struct pg_fixture *fixture;
static struct rt_db *pg; /* its connection */

static int setup_pg(void **state)
{
	fixture = pg_fixture_new("rt_tgt, rt_tgt_types", NULL);
	pg = fixture->db;
	return setup_dir(state);
}

static int teardown_pg(void **state)
{
	if (!fixture)
		return 0;
	pg_fixture_free(fixture);
	fixture = NULL;
	pg = NULL;
	return teardown_dir(state);
}

/* No scratch schema is left, and the connection is out of any
   transaction with its search_path as before. */
static void assert_nothing_left(const char *path)
{
	char *v = pg_one_value(pg, "SELECT count(*) FROM pg_namespace "
	                           "WHERE nspname LIKE 'retort_target_%'");

	assert_string_equal(v, "0");
	free(v);
	assert_false(rt_db_in_transaction(pg));
	v = pg_one_value(pg, "SHOW search_path");
	assert_string_equal(v, path);
	free(v);
}

static char *dump(const struct rt_catalog *cat)
{
	struct rt_buf out = RT_BUF_INIT;

	rt_catalog_dump(&out, cat);
	return rt_buf_detach(&out);
}

static const char pg_schema_1[] = "CREATE TYPE mood AS ENUM ('sad', 'happy');\n"
                                  "CREATE TABLE person (\n"
                                  "  id serial PRIMARY KEY,\n"
                                  "  name varchar(100) NOT NULL,\n"
                                  "  m mood DEFAULT 'happy',\n"
                                  "  kind shared_kind\n"
                                  ");\n"
                                  "COMMENT ON TABLE person IS 'people';\n";
static const char pg_schema_2[] =
        "CREATE TABLE pet (\n"
        "  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
        "  owner int REFERENCES person ON DELETE CASCADE,\n"
        "  CHECK (id > 0)\n"
        ");\n"
        "CREATE INDEX pet_owner ON pet (owner) WHERE owner IS NOT NULL;\n"
        "CREATE VIEW happy AS SELECT id FROM person WHERE m = 'happy';\n";

/*
 * Files run in name order (2 needs 1's table); a type from another
 * schema of the session's search_path is visible; the catalog equals
 * that of a real schema made from the same SQL; nothing is left.
 */
static void test_pg_load_equals_real_schema(void **state)
{
	struct rt_catalog target, real;
	struct rt_error err = RT_ERROR_INIT;
	char *dir = make_dir("pg"), *a, *b;

	(void)state;
	pg_must(pg, "CREATE SCHEMA rt_tgt_types;\n"
	            "CREATE TYPE rt_tgt_types.shared_kind AS ENUM ('x', 'y');\n"
	            "SET search_path = rt_tgt, rt_tgt_types");
	free(write_file("pg/2_pets.sql", pg_schema_2));
	free(write_file("pg/1_people.sql", pg_schema_1));
	free(write_file("pg/notes.txt", "not SQL at all"));
	rt_catalog_init(&target, RT_DIALECT_POSTGRESQL);
	if (rt_schema_load_target(&target, pg, dir, &err) < 0)
		fail_msg("%s", err.message);
	assert_nothing_left("rt_tgt, rt_tgt_types");

	pg_must(pg, pg_schema_1);
	pg_must(pg, pg_schema_2);
	rt_catalog_init(&real, RT_DIALECT_POSTGRESQL);
	if (rt_schema_inspect(&real, pg, NULL, NULL, &err) < 0)
		fail_msg("%s", err.message);
	a = dump(&target);
	b = dump(&real);
	if (strcmp(a, b))
		fail_msg("target and real differ:\n--- target\n%s--- real\n"
		         "%s---",
		         a, b);
	assert_non_null(strstr(a, "column person.kind shared_kind\n"));
	assert_non_null(strstr(a, "column person.id integer NOT NULL "
	                          "SERIAL\n"));
	assert_null(strstr(a, "retort_target"));
	assert_int_equal(target.nr_tables, 2);
	assert_int_equal(target.nr_views, 1);
	assert_int_equal(target.nr_enums, 1);
	free(a);
	free(b);
	rt_catalog_release(&target);
	rt_catalog_release(&real);
	free(dir);
}

static void test_pg_syntax_error_names_file_and_line(void **state)
{
	struct rt_catalog cat;
	struct rt_error err = RT_ERROR_INIT;
	char *dir = make_dir("bad"), *b;
	char expect[256];

	(void)state;
	free(write_file("bad/a.sql", "CREATE TABLE a (x int);\n"));
	b = write_file("bad/b.sql", "CREATE TABLE b (x int);\n"
	                            "\n"
	                            "CREATE TABLE c (\n"
	                            "  x int,\n"
	                            "  y intt\n"
	                            ");\n");
	rt_catalog_init(&cat, RT_DIALECT_POSTGRESQL);
	assert_int_equal(rt_schema_load_target(&cat, pg, dir, &err), RT_EPARSE);
	snprintf(expect, sizeof(expect), "%s:5: ", b);
	if (!rt_starts_with(err.message, expect))
		fail_msg("message: %s", err.message);
	assert_non_null(strstr(err.message, "type \"intt\" does not exist"));
	assert_true(rt_ends_with(err.message,
	                         "; fix the desired schema (target_schema)"));
	assert_string_equal(err.loc.path, b);
	assert_int_equal(err.loc.line, 5);
	assert_int_equal(cat.nr_tables, 0);
	assert_nothing_left("rt_tgt");

	/* a plain syntax error, on the statement's first line */
	rt_error_clear(&err);
	free(write_file("bad/b.sql", "\n\nCREATE TABLEE d (x int);\n"));
	assert_int_equal(rt_schema_load_target(&cat, pg, dir, &err), RT_EPARSE);
	snprintf(expect, sizeof(expect), "%s:3: ", b);
	if (!rt_starts_with(err.message, expect))
		fail_msg("message: %s", err.message);
	assert_non_null(strstr(err.message, "syntax error"));
	assert_nothing_left("rt_tgt");
	rt_catalog_release(&cat);
	free(dir);
	free(b);
}

/*
 * A foreign key to a table the desired schema creates only after the
 * referencing one: on an empty database the file fails, and it must
 * fail here too, not find the database's own table of that name through
 * the search_path (found by test_autogen_property.c: the migration
 * written from it referenced "rt_tgt.parent" and could not run).
 */
static void test_pg_key_to_the_database_refused(void **state)
{
	struct rt_catalog cat;
	struct rt_error err = RT_ERROR_INIT;
	char *file;

	(void)state;
	pg_must(pg, "CREATE TABLE parent (id int PRIMARY KEY)");
	file = write_file("fwd.sql",
	                  "CREATE TABLE child (p int REFERENCES parent (id));\n"
	                  "CREATE TABLE parent (id int PRIMARY KEY);\n");
	rt_catalog_init(&cat, RT_DIALECT_POSTGRESQL);
	assert_int_equal(rt_schema_load_target(&cat, pg, file, &err),
	                 RT_EPARSE);
	assert_non_null(strstr(err.message, "table 'child'"));
	assert_non_null(strstr(err.message, "references 'rt_tgt.parent', a "
	                                    "table of the database itself"));
	assert_true(rt_ends_with(err.message,
	                         "; fix the desired schema (target_schema)"));
	assert_nothing_left("rt_tgt");
	rt_catalog_release(&cat);

	/* in the right order it loads, and the key stays inside */
	rt_error_clear(&err);
	free(file);
	file = write_file(
	        "fwd.sql",
	        "CREATE TABLE parent (id int PRIMARY KEY);\n"
	        "CREATE TABLE child (p int REFERENCES parent (id));\n");
	rt_catalog_init(&cat, RT_DIALECT_POSTGRESQL);
	if (rt_schema_load_target(&cat, pg, file, &err) < 0)
		fail_msg("%s", err.message);
	assert_string_equal(
	        rt_catalog_find_table(&cat, "child")->fks[0].ref_table,
	        "parent");
	rt_catalog_release(&cat);
	free(file);
}

/* COMMIT in the desired schema would end the scratch transaction and
   leave the schema behind: refused before anything runs. */
static void test_pg_transaction_control_refused(void **state)
{
	static const char *const bad[] = {
		"COMMIT;",
		"begin;",
		"ROLLBACK;",
		"END;",
		"ABORT;",
		"START TRANSACTION;",
		"PREPARE TRANSACTION 'x';",
	};
	struct rt_catalog cat;
	char *file;

	(void)state;
	for (size_t i = 0; i < RT_ARRAY_SIZE(bad); i++) {
		struct rt_error err = RT_ERROR_INIT;
		char *text = rt_xstrfmt("CREATE TABLE x (a int);\n\n%s\n"
		                        "CREATE TABLE y (a int);\n",
		                        bad[i]);

		file = write_file("tx.sql", text);
		rt_catalog_init(&cat, RT_DIALECT_POSTGRESQL);
		assert_int_equal(rt_schema_load_target(&cat, pg, file, &err),
		                 RT_EPARSE);
		assert_int_equal(err.loc.line, 3);
		assert_non_null(strstr(err.message, "must not control "
		                                    "transactions"));
		assert_nothing_left("rt_tgt");
		rt_catalog_release(&cat);
		free(text);
		free(file);
	}
	/* nothing ran: the real schema is still empty */
	file = pg_one_value(pg, "SELECT count(*) FROM pg_class c JOIN "
	                        "pg_namespace n ON n.oid = c.relnamespace "
	                        "WHERE n.nspname = 'rt_tgt'");
	assert_string_equal(file, "0");
	free(file);

	/* savepoints are fine */
	{
		struct rt_error err = RT_ERROR_INIT;

		file = write_file("sp.sql", "SAVEPOINT a;\n"
		                            "CREATE TABLE x (a int);\n"
		                            "ROLLBACK TO SAVEPOINT a;\n"
		                            "CREATE TABLE y (a int);\n");
		rt_catalog_init(&cat, RT_DIALECT_POSTGRESQL);
		if (rt_schema_load_target(&cat, pg, file, &err) < 0)
			fail_msg("%s", err.message);
		assert_int_equal(cat.nr_tables, 1);
		assert_string_equal(cat.tables[0].name, "y");
		assert_nothing_left("rt_tgt");
		rt_catalog_release(&cat);
		free(file);
	}
}

static void test_pg_thousand_tables(void **state)
{
	struct rt_catalog cat;
	struct rt_error err = RT_ERROR_INIT;
	char *sql = thousand_tables_sql(1000, true);
	char *file = write_file("big.sql", sql);
	struct timespec t0;
	double ms;

	(void)state;
	rt_catalog_init(&cat, RT_DIALECT_POSTGRESQL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (rt_schema_load_target(&cat, pg, file, &err) < 0)
		fail_msg("%s", err.message);
	ms = ms_since(&t0);
	print_message("# loading and inspecting a 1000-table PostgreSQL "
	              "target took %.1f ms\n",
	              ms);
	assert_int_equal(cat.nr_tables, 1000);
	assert_int_equal(cat.tables[1].nr_fks, 1);
	assert_nothing_left("rt_tgt");
	rt_catalog_release(&cat);
	free(sql);
	free(file);
}

/* ---- PostgreSQL, through the cache (target_cache.h) ------------------ */

/* What the connection sent: the number of CREATE TABLE statements. */
static unsigned creates;

static void count_creates(void *baton, const char *sql)
{
	(void)baton;
	if (rt_starts_with(sql, "CREATE TABLE"))
		creates++;
}

/* Load `target` through the cache in `cache_dir`; its dump. */
static char *load(const char *target, const char *cache_dir)
{
	struct rt_catalog cat;
	struct rt_error err = RT_ERROR_INIT;
	char *text;

	rt_catalog_init(&cat, RT_DIALECT_POSTGRESQL);
	if (rt_schema_load_target_cached(&cat, pg, target, cache_dir, &err) < 0)
		fail_msg("%s", err.message);
	text = dump(&cat);
	rt_catalog_release(&cat);
	return text;
}

static const char schema_v1[] =
        "CREATE TABLE parent (id serial PRIMARY KEY, name text NOT NULL);\n"
        "CREATE TABLE child (\n"
        "  id int PRIMARY KEY,\n"
        "  parent_id int REFERENCES parent ON DELETE CASCADE,\n"
        "  at timestamptz DEFAULT '2024-01-01 12:00:00+00'\n"
        ");\n"
        "CREATE INDEX ix_child_parent ON child (parent_id);\n";

static void test_pg_cache_hit_then_miss_after_edit(void **state)
{
	char *cache_dir = rt_path_join(tmpdir, "cache");
	char *target = write_file("schema.sql", schema_v1);
	char *first, *second, *third, *cache_file;
	struct rt_buf bytes = RT_BUF_INIT;
	struct rt_error err = RT_ERROR_INIT;

	(void)state;
	pg->echo = count_creates;
	/* a miss: the server loads the files */
	creates = 0;
	first = load(target, cache_dir);
	assert_int_equal(creates, 2);
	assert_non_null(strstr(first, "column child.parent_id integer"));
	cache_file = rt_target_cache_path(cache_dir, target);
	assert_true(rt_fs_exists(cache_file));

	/* a hit: nothing is created, the same catalog */
	creates = 0;
	second = load(target, cache_dir);
	assert_int_equal(creates, 0);
	assert_string_equal(first, second);
	free(second);

	/* an edit that keeps the size still misses */
	free(write_file("schema.sql", schema_v1));
	{
		char *edited = rt_xstrdup(schema_v1);

		memcpy(strstr(edited, "name text"), "nome", 4);
		free(write_file("schema.sql", edited));
		free(edited);
	}
	creates = 0;
	second = load(target, cache_dir);
	assert_int_equal(creates, 2);
	assert_non_null(strstr(second, "column parent.nome text NOT NULL"));
	assert_null(strstr(second, "column parent.name "));

	/* the settings that print defaults are part of the key */
	pg_must(pg, "SET TimeZone = 'Asia/Tokyo'");
	creates = 0;
	third = load(target, cache_dir);
	assert_int_equal(creates, 2);
	assert_non_null(strstr(third, "+09'::timestamp with time zone"));
	pg_must(pg, "RESET TimeZone");
	free(third);

	/* a damaged cache is loaded again, and rewritten */
	if (rt_fs_read_file(&bytes, cache_file, &err) < 0)
		fail_msg("%s", err.message);
	bytes.buf[bytes.len / 2] ^= 0x20;
	if (rt_fs_write_file(cache_file, bytes.buf, bytes.len, false, &err) < 0)
		fail_msg("%s", err.message);
	creates = 0;
	third = load(target, cache_dir);
	assert_int_equal(creates, 2);
	assert_string_equal(second, third);
	free(third);
	creates = 0;
	third = load(target, cache_dir);
	assert_int_equal(creates, 0);
	assert_string_equal(second, third);

	/* without a cache folder, every load is a load */
	creates = 0;
	free(load(target, NULL));
	assert_int_equal(creates, 2);

	pg->echo = NULL;
	rt_buf_release(&bytes);
	free(first);
	free(second);
	free(third);
	free(cache_file);
	free(target);
	free(cache_dir);
}

/*
 * A desired schema that fails is never stored: each run fails alike,
 * naming the file and line, and the entry of the last good load stays.
 */
static void test_pg_cache_failed_load_not_stored(void **state)
{
	char *cache_dir = rt_path_join(tmpdir, "cache");
	char *target = write_file("schema.sql", schema_v1), *cache_file;
	struct rt_buf before = RT_BUF_INIT, after = RT_BUF_INIT;
	struct rt_error err = RT_ERROR_INIT;

	(void)state;
	free(load(target, cache_dir));
	cache_file = rt_target_cache_path(cache_dir, target);
	if (rt_fs_read_file(&before, cache_file, &err) < 0)
		fail_msg("%s", err.message);
	free(write_file("schema.sql", "CREATE TABLE a (id int);\n"
	                              "CREATE TABLE b (id nosuchtype);\n"));
	for (int run = 0; run < 2; run++) {
		struct rt_catalog cat;

		rt_error_clear(&err);
		rt_catalog_init(&cat, RT_DIALECT_POSTGRESQL);
		assert_int_equal(rt_schema_load_target_cached(&cat, pg, target,
		                                              cache_dir, &err),
		                 RT_EPARSE);
		assert_string_equal(err.loc.path, target);
		assert_int_equal(err.loc.line, 2);
		assert_non_null(strstr(err.message, "nosuchtype"));
		assert_int_equal(cat.nr_tables, 0);
	}
	if (rt_fs_read_file(&after, cache_file, &err) < 0)
		fail_msg("%s", err.message);
	assert_int_equal(before.len, after.len);
	assert_memory_equal(before.buf, after.buf, before.len);
	rt_buf_release(&before);
	rt_buf_release(&after);
	free(cache_file);
	free(target);
	free(cache_dir);
}

/* The key of two files /p/1.sql and /p/2.sql holding `one` and `two`. */
static void key_of_files(struct rt_buf *key, const char *one, const char *two)
{
	struct rt_strvec files = RT_STRVEC_INIT, texts = RT_STRVEC_INIT;
	struct rt_error err = RT_ERROR_INIT;

	rt_strvec_push(&files, "/p/1.sql");
	rt_strvec_push(&files, "/p/2.sql");
	rt_strvec_push(&texts, one);
	rt_strvec_push(&texts, two);
	if (rt_target_cache_key(key, pg, &files, &texts, &err) < 0)
		fail_msg("%s", err.message);
	rt_strvec_clear(&files);
	rt_strvec_clear(&texts);
}

/* The key: the same for the same files and server, else different. */
static void test_pg_cache_key(void **state)
{
	static const char a1[] = "CREATE TABLE a (x int);";
	static const char b1[] = "CREATE TABLE b (x int);";
	struct rt_buf a = RT_BUF_INIT, b = RT_BUF_INIT;

	(void)state;
	key_of_files(&a, a1, b1);
	key_of_files(&b, a1, b1);
	assert_string_equal(a.buf, b.buf);
	assert_non_null(strstr(a.buf, "postgresql\n"));
	assert_non_null(strstr(a.buf, "file /p/2.sql 23 "));
	assert_false(rt_db_in_transaction(pg));

	/* a byte of a file */
	key_of_files(&b, a1, "CREATE TABLE c (x int);");
	assert_string_not_equal(a.buf, b.buf);
	/* the same bytes in the other order */
	key_of_files(&b, b1, a1);
	assert_string_not_equal(a.buf, b.buf);

	/* the search_path */
	pg_must(pg, "SET search_path = rt_tgt, public");
	key_of_files(&b, a1, b1);
	assert_string_not_equal(a.buf, b.buf);
	pg_must(pg, "SET search_path = rt_tgt");
	key_of_files(&b, a1, b1);
	assert_string_equal(a.buf, b.buf);

	rt_buf_release(&a);
	rt_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_files_of_a_folder,
		                                setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_one_file, setup_dir,
		                                teardown_dir),
		cmocka_unit_test_setup_teardown(test_missing_and_empty,
		                                setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		        test_sqlite_syntax_error_names_file_and_line, setup_dir,
		        teardown_dir),
		cmocka_unit_test_setup_teardown(test_sqlite_scratch_is_fresh,
		                                setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(
		        test_sqlite_dump_with_its_own_transaction, setup_dir,
		        teardown_dir),
		cmocka_unit_test_setup_teardown(test_sqlite_folder_order,
		                                setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_sqlite_thousand_tables,
		                                setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_pg_load_equals_real_schema,
		                                setup_pg, teardown_pg),
		cmocka_unit_test_setup_teardown(
		        test_pg_syntax_error_names_file_and_line, setup_pg,
		        teardown_pg),
		cmocka_unit_test_setup_teardown(
		        test_pg_transaction_control_refused, setup_pg,
		        teardown_pg),
		cmocka_unit_test_setup_teardown(
		        test_pg_cache_hit_then_miss_after_edit, setup_pg,
		        teardown_pg),
		cmocka_unit_test_setup_teardown(
		        test_pg_cache_failed_load_not_stored, setup_pg,
		        teardown_pg),
		cmocka_unit_test_setup_teardown(test_pg_cache_key, setup_pg,
		                                teardown_pg),
		cmocka_unit_test_setup_teardown(
		        test_pg_key_to_the_database_refused, setup_pg,
		        teardown_pg),
		cmocka_unit_test_setup_teardown(test_pg_thousand_tables,
		                                setup_pg, teardown_pg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
