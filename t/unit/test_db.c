/*
 * test_db.c - the database layer against real SQLite files in a temporary
 * directory: opening, scripts and their error lines, transactions and the
 * write lock, and the version table's exact SQL (alembic.md §8, §9).
 */
#include "util/compat.h"
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "db/db.h"
#include "db/driver.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "error_raise.h"
#include "util/strvec.h"

static char tmpdir[] = "/tmp/rt-test-db.XXXXXX";

/* --- helpers ------------------------------------------------------------- */

static char *tmp_path(const char *name)
{
	return rt_xstrfmt("%s/%s", tmpdir, name);
}

static void url_init_sqlite(struct rt_url *url, const char *path)
{
	struct rt_url blank = RT_URL_INIT;

	*url = blank;
	url->dialect = RT_DIALECT_SQLITE;
	if (path)
		url->database = rt_xstrdup(path);
	else
		url->sqlite_memory = true;
}

static void url_add_query(struct rt_url *url, const char *key,
                          const char *value)
{
	rt_strvec_push(&url->query_keys, key);
	rt_strvec_push(&url->query_values, value);
}

/* Only the fields these tests set (url.c is another module). */
static void url_done(struct rt_url *url)
{
	free(url->database);
	rt_strvec_clear(&url->query_keys);
	rt_strvec_clear(&url->query_values);
}

static struct rt_db *open_path(const char *path,
                               const struct rt_db_options *opts)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_url url;
	struct rt_db *db = NULL;
	int ret;

	url_init_sqlite(&url, path);
	ret = rt_db_open(&db, &url, opts, &err);
	url_done(&url);
	if (ret < 0)
		fail_msg("open %s: %s", path ? path : ":memory:", err.message);
	return db;
}

/* Open `name` inside the temporary directory. */
static struct rt_db *open_tmp(const char *name,
                              const struct rt_db_options *opts)
{
	char *path = tmp_path(name);
	struct rt_db *db = open_path(path, opts);

	free(path);
	return db;
}

static void exec_ok(struct rt_db *db, const char *sql)
{
	struct rt_error err = RT_ERROR_INIT;

	if (rt_db_exec_script(db, sql, "test.sql", 1, &err) < 0)
		fail_msg("%s", err.message);
}

/* The first column of `sql`'s rows joined with ',' (caller frees). */
static char *query_joined(struct rt_db *db, const char *sql)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_strvec rows = RT_STRVEC_INIT;
	struct rt_buf out = RT_BUF_INIT;

	if (rt_db__query_column(&rows, db, sql, &err) < 0)
		fail_msg("%s", err.message);
	for (size_t i = 0; i < rows.nr; i++) {
		if (i)
			rt_buf_addch(&out, ',');
		rt_buf_adds(&out, rows.v[i]);
	}
	rt_strvec_clear(&rows);
	return rt_buf_detach(&out);
}

static void assert_query(struct rt_db *db, const char *sql, const char *expect)
{
	char *got = query_joined(db, sql);

	assert_string_equal(got, expect);
	free(got);
}

static bool table_exists(struct rt_db *db, const char *table)
{
	struct rt_error err = RT_ERROR_INIT;
	bool exists = true;

	if (rt_db__table_exists(&exists, db, NULL, table, &err) < 0)
		fail_msg("%s", err.message);
	return exists;
}

static bool file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

struct echo_log {
	struct rt_strvec stmts;
};

static void echo_record(void *baton, const char *sql)
{
	struct echo_log *log = baton;

	rt_strvec_push(&log->stmts, sql);
}

static const struct rt_vt_name default_vt = { NULL, "alembic_version" };

static void vt_create_ok(struct rt_db *db, const struct rt_vt_name *vt)
{
	struct rt_error err = RT_ERROR_INIT;

	if (rt_vt_create(db, vt, &err) < 0)
		fail_msg("%s", err.message);
}

static void vt_apply_ok(struct rt_db *db, enum rt_vt_op_kind kind,
                        const char *from, const char *to)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_vt_op op = { kind, from, to };

	if (rt_vt_apply(db, &default_vt, &op, &err) < 0)
		fail_msg("%s", err.message);
}

static char *vt_rows(struct rt_db *db)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_strvec rows = RT_STRVEC_INIT;
	struct rt_buf out = RT_BUF_INIT;

	if (rt_vt_read(&rows, db, &default_vt, &err) < 0)
		fail_msg("%s", err.message);
	for (size_t i = 0; i < rows.nr; i++) {
		if (i)
			rt_buf_addch(&out, ',');
		rt_buf_adds(&out, rows.v[i]);
	}
	rt_strvec_clear(&rows);
	return rt_buf_detach(&out);
}

static void assert_vt_rows(struct rt_db *db, const char *expect)
{
	char *got = vt_rows(db);

	assert_string_equal(got, expect);
	free(got);
}

/* --- opening ------------------------------------------------------------- */

static void test_open_creates_file(void **state)
{
	char *path = tmp_path("create.db");
	struct rt_db *db;

	(void)state;
	assert_false(file_exists(path));
	db = open_path(path, NULL);
	assert_true(file_exists(path));
	assert_int_equal(rt_db_dialect(db), RT_DIALECT_SQLITE);
	assert_false(rt_db_in_transaction(db));
	rt_db_close(db);
	free(path);
}

static void test_open_read_only_still_creates_file(void **state)
{
	struct rt_db_options opts = { .read_only = true };
	char *path = tmp_path("ro-create.db");
	struct rt_db *db;

	(void)state;
	/* Alembic's `current` creates the empty file as well */
	db = open_path(path, &opts);
	assert_true(file_exists(path));
	rt_db_close(db);
	free(path);
}

static void test_open_relative_path(void **state)
{
	char cwd[4096];
	char *path = tmp_path("relative.db");
	struct rt_db *db;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(tmpdir), 0);
	db = open_path("relative.db", NULL);
	assert_int_equal(chdir(cwd), 0);
	assert_true(file_exists(path));
	rt_db_close(db);
	free(path);
}

static void test_open_memory(void **state)
{
	struct rt_db *a = open_path(NULL, NULL);
	struct rt_db *b = open_path(NULL, NULL);

	(void)state;
	exec_ok(a, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (42);");
	assert_query(a, "SELECT x FROM t", "42");
	/* every memory connection is its own database */
	assert_false(table_exists(b, "t"));
	rt_db_close(a);
	rt_db_close(b);
}

static void test_open_missing_directory_fails(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	char *path = tmp_path("no-such-dir/x.db");
	struct rt_db dummy;
	struct rt_db *db = &dummy; /* must be reset to NULL */
	struct rt_url url;
	char *expect;

	(void)state;
	url_init_sqlite(&url, path);
	assert_int_equal(rt_db_open(&db, &url, NULL, &err), RT_EDB);
	assert_null(db);
	assert_int_equal(err.code, RT_EDB);
	expect = rt_xstrfmt("cannot open SQLite database '%s': unable to "
	                    "open database file; check the path in "
	                    "sqlalchemy.url",
	                    path);
	assert_string_equal(err.message, expect);
	free(expect);
	url_done(&url);
	free(path);
}

static void test_open_not_a_database(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	char *path = tmp_path("text.db");
	struct rt_db *db = NULL;
	struct rt_url url;
	FILE *fp = fopen(path, "w");

	(void)state;
	assert_non_null(fp);
	for (int i = 0; i < 100; i++)
		fputs("this is not an SQLite database at all\n", fp);
	fclose(fp);
	url_init_sqlite(&url, path);
	assert_int_equal(rt_db_open(&db, &url, NULL, &err), RT_EDB);
	assert_null(db);
	assert_non_null(strstr(err.message, "file is not a database"));
	assert_true(rt_starts_with(err.message, "cannot open SQLite database"));
	url_done(&url);
	free(path);
}

/*
 * A PostgreSQL server that is not there: a clear RT_EDB naming the
 * server (user@host:port/db), never the password.  (The driver itself
 * is tested against a real server in test_postgres.c.)
 */
static void test_open_postgresql_refused(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_url url = RT_URL_INIT;
	struct rt_db *db = NULL;

	(void)state;
	assert_int_equal(rt_url_parse(&url,
	                              "postgresql://app:Sec%40ret@127.0.0.1:1/"
	                              "appdb?connect_timeout=2",
	                              &err),
	                 0);
	assert_int_equal(rt_db_open(&db, &url, NULL, &err), RT_EDB);
	assert_null(db);
	assert_true(rt_starts_with(err.message,
	                           "cannot connect to PostgreSQL database "
	                           "app@127.0.0.1:1/appdb: "));
	assert_null(strstr(err.message, "Sec@ret"));
	assert_null(strstr(err.message, "Sec%40ret"));
	assert_null(strchr(err.message, '\n'));
	rt_url_release(&url);
	rt_error_clear(&err);
}

static void test_open_uri_mode_ro(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	char *path = tmp_path("mode-ro.db");
	struct rt_db *db = open_path(path, NULL);
	struct rt_url url;

	(void)state;
	exec_ok(db, "CREATE TABLE t (x); INSERT INTO t VALUES ('kept');");
	rt_db_close(db);

	url_init_sqlite(&url, path);
	url_add_query(&url, "mode", "ro");
	assert_int_equal(rt_db_open(&db, &url, NULL, &err), 0);
	assert_query(db, "SELECT x FROM t", "kept");
	assert_int_equal(rt_db_exec(db, "INSERT INTO t VALUES (1)", NULL, &err),
	                 RT_EDB);
	assert_non_null(strstr(err.message, "readonly database"));
	assert_non_null(strstr(err.message, "[SQL: INSERT INTO t VALUES (1)]"));
	rt_db_close(db);
	url_done(&url);
	free(path);
}

static void test_open_uri_mode_ro_does_not_create(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	char *path = tmp_path("mode-ro-missing.db");
	struct rt_db *db = NULL;
	struct rt_url url;

	(void)state;
	url_init_sqlite(&url, path);
	url_add_query(&url, "mode", "ro");
	assert_int_equal(rt_db_open(&db, &url, NULL, &err), RT_EDB);
	assert_null(db);
	assert_false(file_exists(path));
	assert_true(rt_starts_with(err.message, "cannot open SQLite database"));
	url_done(&url);
	free(path);
}

static void test_open_uri_encodes_path(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	/* characters that mean something in a URI must reach the file name */
	char *path = tmp_path("odd name?x=1#frag%41.db");
	struct rt_db *db = NULL;
	struct rt_url url;

	(void)state;
	url_init_sqlite(&url, path);
	url_add_query(&url, "mode", "rwc");
	assert_int_equal(rt_db_open(&db, &url, NULL, &err), 0);
	exec_ok(db, "CREATE TABLE t (x)");
	rt_db_close(db);
	assert_true(file_exists(path));
	url_done(&url);
	free(path);
}

static void test_open_uri_true(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	char *path = tmp_path("uri-true.db");
	char *uri = rt_xstrfmt("file:%s", path);
	struct rt_db *db = NULL;
	struct rt_url url;

	(void)state;
	/* sqlite:///file:/path?mode=rwc&uri=true, as with SQLAlchemy */
	url_init_sqlite(&url, uri);
	url_add_query(&url, "mode", "rwc");
	url_add_query(&url, "uri", "true");
	assert_int_equal(rt_db_open(&db, &url, NULL, &err), 0);
	rt_db_close(db);
	assert_true(file_exists(path));
	url_done(&url);
	free(uri);
	free(path);
}

static void test_open_bad_url_params(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = NULL;
	struct rt_url url;

	(void)state;
	url_init_sqlite(&url, NULL);
	url_add_query(&url, "timeout", "soon");
	assert_int_equal(rt_db_open(&db, &url, NULL, &err), RT_ECONFIG);
	assert_null(db);
	assert_string_equal(
	        err.message,
	        "invalid timeout 'soon' in sqlalchemy.url; give the "
	        "lock timeout in seconds, e.g. ?timeout=30");
	url_done(&url);

	rt_error_clear(&err);
	url_init_sqlite(&url, NULL);
	url_add_query(&url, "uri", "maybe");
	assert_int_equal(rt_db_open(&db, &url, NULL, &err), RT_ECONFIG);
	assert_null(db);
	url_done(&url);
}

static void test_open_driver_params_ignored(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	char *path = tmp_path("driver-params.db");
	struct rt_db *db = NULL;
	struct rt_url url;

	(void)state;
	/* pysqlite's own options are not SQLite URI parameters */
	url_init_sqlite(&url, path);
	url_add_query(&url, "check_same_thread", "false");
	url_add_query(&url, "isolation_level", "IMMEDIATE");
	assert_int_equal(rt_db_open(&db, &url, NULL, &err), 0);
	rt_db_close(db);
	assert_true(file_exists(path));
	url_done(&url);
	free(path);
}

/* --- scripts ------------------------------------------------------------- */

/* rt_db_query: every column of every row, NULL as NULL. */
static int collect_row(void *baton, size_t nr, const char *const *values,
                       struct rt_error *err)
{
	struct rt_buf *sb = baton;

	(void)err;
	rt_buf_addch(sb, '[');
	for (size_t i = 0; i < nr; i++)
		rt_buf_addf(sb, "%s%s", i ? "|" : "",
		            values[i] ? values[i] : "NULL");
	rt_buf_addch(sb, ']');
	return 0;
}

static int stop_at_second_row(void *baton, size_t nr, const char *const *values,
                              struct rt_error *err)
{
	int *rows = baton;

	(void)nr;
	(void)values;
	if (++*rows == 2)
		return rt_error_set(err, RT_EUSER, "enough");
	return 0;
}

static void test_query_rows(void **state)
{
	struct rt_db *db = open_path(NULL, NULL);
	struct rt_error err = RT_ERROR_INIT;
	struct rt_buf sb = RT_BUF_INIT;
	struct rt_buf sql = RT_BUF_INIT;
	int rows = 0;

	(void)state;
	exec_ok(db, "CREATE TABLE t (a INTEGER, b TEXT, c, d, e, f, g, h, i,"
	            " j, k, l, m, n, o, p, q);\n"
	            "INSERT INTO t (a, b, q) VALUES (1, 'x', 'last'),"
	            " (2, NULL, NULL), (3, 'it''s', 7);");
	assert_int_equal(rt_db_query(db, "SELECT a, b FROM t ORDER BY a",
	                             collect_row, &sb, &err),
	                 0);
	assert_string_equal(sb.buf, "[1|x][2|NULL][3|it's]");
	/* more columns than fit the fixed array */
	rt_buf_reset(&sb);
	assert_int_equal(rt_db_query(db, "SELECT * FROM t WHERE a = 1",
	                             collect_row, &sb, &err),
	                 0);
	assert_string_equal(sb.buf, "[1|x|NULL|NULL|NULL|NULL|NULL|NULL|NULL|"
	                            "NULL|NULL|NULL|NULL|NULL|NULL|NULL|last]");
	/* the callback's error stops the query and comes back as it is */
	assert_int_equal(rt_db_query(db, "SELECT a FROM t", stop_at_second_row,
	                             &rows, &err),
	                 RT_EUSER);
	assert_int_equal(rows, 2);
	assert_string_equal(err.message, "enough");
	rt_error_clear(&err);
	assert_int_equal(
	        rt_db_query(db, "SELECT nope FROM t", collect_row, &sb, &err),
	        RT_EDB);
	assert_non_null(strstr(err.message, "nope"));
	rt_error_clear(&err);
	/* literals: quotes doubled, so the value comes back unchanged */
	rt_buf_adds(&sql, "SELECT ");
	rt_db_add_literal(&sql, "a'b''c");
	rt_buf_reset(&sb);
	assert_int_equal(rt_db_query(db, sql.buf, collect_row, &sb, &err), 0);
	assert_string_equal(sb.buf, "[a'b''c]");
	rt_buf_release(&sql);
	rt_buf_release(&sb);
	rt_db_close(db);
}

static void test_exec_script_several_statements(void **state)
{
	struct rt_db *db = open_path(NULL, NULL);

	(void)state;
	exec_ok(db, "-- a comment first\n"
	            "CREATE TABLE t (x INTEGER, y TEXT);\n"
	            "INSERT INTO t VALUES (1, 'one');\n"
	            "/* block\n comment */ INSERT INTO t VALUES (2, 'two;');\n"
	            "SELECT * FROM t;   -- rows are stepped through\n"
	            "INSERT INTO t VALUES (3, 'three')\n"
	            "\n-- trailing comment only\n   \n");
	assert_query(db, "SELECT y FROM t ORDER BY x", "one,two;,three");
	rt_db_close(db);
}

static void test_exec_script_trigger_body(void **state)
{
	struct rt_db *db = open_path(NULL, NULL);

	(void)state;
	/* SQLite's parser, not a naive split at ';', finds the end */
	exec_ok(db, "CREATE TABLE t (x);\n"
	            "CREATE TABLE log (y);\n"
	            "CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN\n"
	            "  INSERT INTO log VALUES (new.x);\n"
	            "  INSERT INTO log VALUES (new.x * 10);\n"
	            "END;\n"
	            "INSERT INTO t VALUES (4);\n");
	assert_query(db, "SELECT y FROM log ORDER BY y", "4,40");
	rt_db_close(db);
}

static void test_exec_script_empty(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);

	(void)state;
	assert_int_equal(rt_db_exec_script(db, "", "e.sql", 1, &err), 0);
	assert_int_equal(rt_db_exec_script(db, "  -- nothing\n/* at all */\n;",
	                                   "e.sql", 1, &err),
	                 0);
	assert_int_equal(err.code, 0);
	rt_db_close(db);
}

static void test_exec_script_error_line(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);
	/* the failing statement is on line 7 of the text */
	const char *sql = "CREATE TABLE a (x);\n" /* 1 */
	                  "\n" /* 2 */
	                  "INSERT INTO a VALUES (1);\n" /* 3 */
	                  "-- about to fail\n" /* 4 */
	                  "INSERT INTO a\n" /* 5 */
	                  "  VALUES (2);\n" /* 6 */
	                  "INSERT INTO nope\n" /* 7 */
	                  "  VALUES (3);\n" /* 8 */
	                  "INSERT INTO a VALUES (4);\n";

	(void)state;
	assert_int_equal(rt_db_exec_script(db, sql, "v/1_x.sql", 10, &err),
	                 RT_EDB);
	assert_string_equal(err.message, "v/1_x.sql:16: no such table: nope");
	assert_string_equal(err.loc.path, "v/1_x.sql");
	assert_int_equal(err.loc.line, 16);
	/* no transaction was open: the statements before it stay */
	assert_query(db, "SELECT x FROM a ORDER BY x", "1,2");
	rt_db_close(db);
}

static void test_exec_script_error_line_after_comments(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);
	const char *sql = "CREATE TABLE a (x); /* a comment\n" /* 1 */
	                  "spanning lines */\n" /* 2 */
	                  "-- and a line comment\n" /* 3 */
	                  "\n" /* 4 */
	                  "   INSERT INTO a VALUES (1, 2);\n"; /* 5 */

	(void)state;
	assert_int_equal(rt_db_exec_script(db, sql, "c.sql", 1, &err), RT_EDB);
	assert_string_equal(err.message, "c.sql:5: table a has 1 columns but 2 "
	                                 "values were supplied");
	assert_int_equal(err.loc.line, 5);
	rt_db_close(db);
}

static void test_exec_script_syntax_error_line(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);

	(void)state;
	assert_int_equal(rt_db_exec_script(db,
	                                   "CREATE TABLE a (x);\n"
	                                   "CREATE TABLE b (y);\n"
	                                   "ALTER TABLE a ALTER COLUMN x "
	                                   "SET NOT NULL;\n",
	                                   "s.sql", 3, &err),
	                 RT_EDB);
	assert_string_equal(err.message,
	                    "s.sql:5: near \"ALTER\": syntax error");
	assert_true(table_exists(db, "b"));
	rt_db_close(db);
}

static void test_exec_script_without_path(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);

	(void)state;
	assert_int_equal(
	        rt_db_exec_script(db, "\nSELECT * FROM nope", NULL, 1, &err),
	        RT_EDB);
	assert_string_equal(err.message, "line 2: no such table: nope");
	assert_int_equal(err.loc.line, 0);
	rt_db_close(db);
}

static void test_exec_changes(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);
	long changes = -1;

	(void)state;
	exec_ok(db, "CREATE TABLE t (x)");
	assert_int_equal(rt_db_exec(db, "INSERT INTO t VALUES (1), (2), (3)",
	                            &changes, &err),
	                 0);
	assert_int_equal(changes, 3);
	assert_int_equal(rt_db_exec(db, "UPDATE t SET x = 9 WHERE x = 7",
	                            &changes, &err),
	                 0);
	assert_int_equal(changes, 0);
	assert_int_equal(rt_db_exec(db, "UPDATE t SET x = 9 WHERE x >= 2",
	                            &changes, &err),
	                 0);
	assert_int_equal(changes, 2);
	/* DDL after DML: no stale count from the UPDATE before it */
	assert_int_equal(rt_db_exec(db, "CREATE TABLE u (y)", &changes, &err),
	                 0);
	assert_int_equal(changes, 0);
	assert_int_equal(rt_db_exec(db, "SELECT * FROM t", &changes, &err), 0);
	assert_int_equal(changes, 0);
	rt_db_close(db);
}

static void test_exec_rejects_two_statements(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);

	(void)state;
	assert_int_equal(rt_db_exec(db,
	                            "CREATE TABLE t (x); CREATE TABLE u (y)",
	                            NULL, &err),
	                 RT_ERROR);
	assert_false(table_exists(db, "t"));
	/* a trailing ';' and comment are still one statement */
	rt_error_clear(&err);
	assert_int_equal(
	        rt_db_exec(db, "CREATE TABLE t (x); -- done\n", NULL, &err), 0);
	assert_true(table_exists(db, "t"));
	rt_db_close(db);
}

static void test_exec_error_is_one_line(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);

	(void)state;
	assert_int_equal(rt_db_exec(db, "SELECT\n\tx\nFROM   nope", NULL, &err),
	                 RT_EDB);
	assert_string_equal(err.message,
	                    "no such table: nope [SQL: SELECT x FROM nope]");
	rt_db_close(db);
}

/* --- transactions -------------------------------------------------------- */

static void test_rollback_undoes_ddl_and_dml(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_tmp("rollback.db", NULL);

	(void)state;
	exec_ok(db, "CREATE TABLE keep (x); INSERT INTO keep VALUES (1);");
	assert_int_equal(rt_db_begin(db, &err), 0);
	assert_true(rt_db_in_transaction(db));
	exec_ok(db, "CREATE TABLE gone (y); INSERT INTO gone VALUES (2);"
	            "INSERT INTO keep VALUES (3); DROP TABLE keep;");
	assert_true(table_exists(db, "gone"));
	rt_db_rollback(db);
	assert_false(rt_db_in_transaction(db));
	assert_false(table_exists(db, "gone"));
	assert_query(db, "SELECT x FROM keep", "1");
	rt_db_close(db);

	/* and it is really gone from the file */
	db = open_tmp("rollback.db", NULL);
	assert_false(table_exists(db, "gone"));
	rt_db_close(db);
}

static void test_commit_persists(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_tmp("commit.db", NULL);

	(void)state;
	assert_int_equal(rt_db_begin(db, &err), 0);
	exec_ok(db, "CREATE TABLE t (x); INSERT INTO t VALUES ('saved');");
	assert_int_equal(rt_db_commit(db, &err), 0);
	assert_false(rt_db_in_transaction(db));
	rt_db_close(db);

	db = open_tmp("commit.db", NULL);
	assert_query(db, "SELECT x FROM t", "saved");
	rt_db_close(db);
}

static void test_rollback_without_transaction(void **state)
{
	struct echo_log log = { RT_STRVEC_INIT };
	struct rt_db_options opts = { .echo = echo_record, .echo_baton = &log };
	struct rt_db *db = open_path(NULL, &opts);

	(void)state;
	rt_db_rollback(db);
	rt_db_rollback(db);
	rt_db_rollback(NULL);
	assert_false(rt_db_in_transaction(db));
	/* nothing to roll back, so nothing was run */
	assert_int_equal(log.stmts.nr, 0);
	rt_db_close(db);
	rt_db_close(NULL);
	rt_strvec_clear(&log.stmts);
}

static void test_commit_without_begin_fails(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);

	(void)state;
	assert_int_equal(rt_db_commit(db, &err), RT_EDB);
	assert_string_equal(err.message, "cannot commit - no transaction is "
	                                 "active [SQL: COMMIT]");
	rt_db_close(db);
}

static void test_begin_twice_fails(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);

	(void)state;
	assert_int_equal(rt_db_begin(db, &err), 0);
	assert_int_equal(rt_db_begin(db, &err), RT_ERROR);
	assert_true(rt_db_in_transaction(db));
	rt_db_rollback(db);
	rt_error_clear(&err);
	assert_int_equal(rt_db_begin(db, &err), 0);
	assert_int_equal(rt_db_commit(db, &err), 0);
	rt_db_close(db);
}

static void test_begin_after_script_ended_transaction(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);

	(void)state;
	assert_int_equal(rt_db_begin(db, &err), 0);
	/* a script may end the transaction itself; the database knows */
	exec_ok(db, "CREATE TABLE t (x); ROLLBACK;");
	assert_false(rt_db_in_transaction(db));
	assert_false(table_exists(db, "t"));
	assert_int_equal(rt_db_begin(db, &err), 0);
	assert_true(rt_db_in_transaction(db));
	assert_int_equal(rt_db_commit(db, &err), 0);
	rt_db_close(db);
}

static void test_failed_statement_keeps_transaction(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_tmp("failed-in-tx.db", NULL);

	(void)state;
	assert_int_equal(rt_db_begin(db, &err), 0);
	exec_ok(db, "CREATE TABLE t (x UNIQUE); INSERT INTO t VALUES (1);");
	assert_int_equal(rt_db_exec_script(db, "INSERT INTO t VALUES (1)",
	                                   "f.sql", 1, &err),
	                 RT_EDB);
	assert_string_equal(err.message, "f.sql:1: UNIQUE constraint failed: "
	                                 "t.x");
	/* the caller decides: here it rolls everything back */
	assert_true(rt_db_in_transaction(db));
	rt_db_rollback(db);
	assert_false(table_exists(db, "t"));
	rt_db_close(db);
}

static void test_begin_immediate_locks_out_second_connection(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *first = open_tmp("lock.db", NULL);
	struct rt_db *second = open_tmp("lock.db", NULL);
	double start, waited;

	(void)state;
	assert_int_equal(rt_db_begin(first, &err), 0);
	rt_db__set_lock_timeout(second, 200);
	start = now_ms();
	assert_int_equal(rt_db_begin(second, &err), RT_ELOCKED);
	waited = now_ms() - start;
	assert_true(waited >= 150);
	assert_false(rt_db_in_transaction(second));
	assert_true(rt_starts_with(err.message,
	                           "cannot start a transaction: the SQLite "
	                           "database '"));
	assert_non_null(strstr(err.message, "lock.db' is locked by another "
	                                    "connection (waited 0.2 s)"));
	/* readers are not blocked by a pending writer */
	assert_query(second, "SELECT count(*) FROM sqlite_master", "0");

	assert_int_equal(rt_db_commit(first, &err), 0);
	rt_error_clear(&err);
	assert_int_equal(rt_db_begin(second, &err), 0);
	assert_int_equal(rt_db_commit(second, &err), 0);
	rt_db_close(first);
	rt_db_close(second);
}

static void test_timeout_url_param(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	char *path = tmp_path("timeout.db");
	struct rt_db *first = open_path(path, NULL);
	struct rt_db *second = NULL;
	struct rt_url url;

	(void)state;
	url_init_sqlite(&url, path);
	url_add_query(&url, "timeout", "0.1");
	assert_int_equal(rt_db_open(&second, &url, NULL, &err), 0);
	assert_int_equal(rt_db_begin(first, &err), 0);
	assert_int_equal(rt_db_begin(second, &err), RT_ELOCKED);
	assert_non_null(strstr(err.message, "(waited 0.1 s)"));
	rt_db_rollback(first);
	rt_db_close(first);
	rt_db_close(second);
	url_done(&url);
	free(path);
}

/*
 * In a child process: take the write lock on `path`, insert a row, tell
 * the parent through `fd`, keep the lock for `ms`, commit.  No cmocka
 * asserts here: the exit status says what failed.
 */
static int hold_lock(const char *path, int fd, long ms)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_url url;
	struct rt_db *db = NULL;
	int status = 0;

	url_init_sqlite(&url, path);
	if (rt_db_open(&db, &url, NULL, &err) < 0)
		status = 1;
	else if (rt_db_begin(db, &err) < 0)
		status = 2;
	else if (rt_db_exec(db, "INSERT INTO t VALUES ('child')", NULL, &err) <
	         0)
		status = 3;
	else if (write(fd, "x", 1) != 1)
		status = 4;
	if (!status) {
		sleep_ms(ms);
		if (rt_db_commit(db, &err) < 0)
			status = 5;
	}
	rt_db_close(db);
	url_done(&url);
	return status;
}

/* A second process holds the write lock for a while; begin waits for it. */
static void test_begin_waits_for_other_process(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	char *path = tmp_path("wait.db");
	struct rt_db *db;
	int fds[2], status;
	char byte = 0;
	double start;
	pid_t pid;

	(void)state;
	db = open_path(path, NULL);
	exec_ok(db, "CREATE TABLE t (x)");
	rt_db_close(db);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		status = hold_lock(path, fds[1], 300);
		free(path); /* leak checkers look at the child too */
		_exit(status);
	}
	assert_int_equal(read(fds[0], &byte, 1), 1);
	db = open_path(path, NULL);
	start = now_ms();
	assert_int_equal(rt_db_begin(db, &err), 0);
	assert_true(now_ms() - start >= 150);
	/* the other process's work is visible once we hold the lock */
	assert_query(db, "SELECT x FROM t", "child");
	assert_int_equal(rt_db_commit(db, &err), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	rt_db_close(db);
	close(fds[0]);
	close(fds[1]);
	free(path);
}

/* --- the version table --------------------------------------------------- */

static void test_vt_create_exact_ddl(void **state)
{
	struct rt_db *db = open_tmp("vt-create.db", NULL);
	bool exists = true;
	struct rt_error err = RT_ERROR_INIT;

	(void)state;
	assert_int_equal(rt_vt_exists(&exists, db, &default_vt, &err), 0);
	assert_false(exists);
	vt_create_ok(db, &default_vt);
	assert_int_equal(rt_vt_exists(&exists, db, &default_vt, &err), 0);
	assert_true(exists);
	/* byte for byte what Alembic leaves in sqlite_master (§8.1) */
	assert_query(db,
	             "SELECT sql FROM sqlite_master WHERE name = "
	             "'alembic_version'",
	             "CREATE TABLE alembic_version (\n"
	             "\tversion_num VARCHAR(32) NOT NULL, \n"
	             "\tCONSTRAINT alembic_version_pkc PRIMARY KEY "
	             "(version_num)\n)");
	assert_query(db,
	             "SELECT name FROM sqlite_master WHERE type = 'index' "
	             "AND tbl_name = 'alembic_version'",
	             "sqlite_autoindex_alembic_version_1");
	/* a second create fails: the caller checks first, as Alembic does */
	assert_int_equal(rt_vt_create(db, &default_vt, &err), RT_EDB);
	assert_non_null(strstr(err.message, "already exists"));
	rt_db_close(db);
}

static void test_vt_exists_ignores_case(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);
	const struct rt_vt_name upper = { NULL, "Alembic_Version" };
	bool exists = false;

	(void)state;
	vt_create_ok(db, &default_vt);
	/* SQLite would refuse to create it again under another case */
	assert_int_equal(rt_vt_exists(&exists, db, &upper, &err), 0);
	assert_true(exists);
	rt_db_close(db);
}

static void test_vt_with_schema(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	char *aux = tmp_path("aux.db");
	struct rt_buf attach = RT_BUF_INIT;
	struct rt_db *db = open_tmp("vt-schema.db", NULL);
	const struct rt_vt_name in_aux = { "aux", "alembic_version" };
	const struct rt_vt_name unknown = { "nowhere", "alembic_version" };
	bool exists = true;

	(void)state;
	rt_buf_addf(&attach, "ATTACH DATABASE '%s' AS aux", aux);
	exec_ok(db, attach.buf);
	vt_create_ok(db, &in_aux);
	assert_int_equal(rt_vt_exists(&exists, db, &in_aux, &err), 0);
	assert_true(exists);
	assert_int_equal(rt_vt_exists(&exists, db, &default_vt, &err), 0);
	assert_false(exists);
	assert_query(db,
	             "SELECT sql FROM aux.sqlite_master WHERE type = 'table'",
	             "CREATE TABLE alembic_version (\n"
	             "\tversion_num VARCHAR(32) NOT NULL, \n"
	             "\tCONSTRAINT alembic_version_pkc PRIMARY KEY "
	             "(version_num)\n)");
	assert_int_equal(rt_vt_exists(&exists, db, &unknown, &err), RT_ECONFIG);
	assert_string_equal(err.message,
	                    "version table schema 'nowhere' is not an attached "
	                    "SQLite database; on SQLite a schema names an "
	                    "attached database, so check version_table_schema");
	rt_buf_release(&attach);
	rt_db_close(db);
	free(aux);
}

static void test_vt_read_keeps_insertion_order(void **state)
{
	struct rt_db *db = open_tmp("vt-order.db", NULL);

	(void)state;
	vt_create_ok(db, &default_vt);
	assert_vt_rows(db, "");
	vt_apply_ok(db, RT_VT_INSERT, NULL, "cccc00000003");
	vt_apply_ok(db, RT_VT_INSERT, NULL, "aaaa00000001");
	vt_apply_ok(db, RT_VT_INSERT, NULL, "bbbb00000002");
	/* not sorted: `downgrade -1` depends on the database's order */
	assert_vt_rows(db, "cccc00000003,aaaa00000001,bbbb00000002");
	rt_db_close(db);
}

static void test_vt_apply_sequence(void **state)
{
	struct rt_db *db = open_tmp("vt-apply.db", NULL);

	(void)state;
	vt_create_ok(db, &default_vt);
	/* the `br` trace of alembic.md §8.4 */
	vt_apply_ok(db, RT_VT_INSERT, NULL, "aaaa00000001");
	vt_apply_ok(db, RT_VT_UPDATE, "aaaa00000001", "cccc00000003");
	vt_apply_ok(db, RT_VT_INSERT, NULL, "bbbb00000002");
	vt_apply_ok(db, RT_VT_UPDATE, "bbbb00000002", "dddd00000004");
	assert_vt_rows(db, "cccc00000003,dddd00000004");
	vt_apply_ok(db, RT_VT_DELETE, "cccc00000003", NULL);
	vt_apply_ok(db, RT_VT_UPDATE, "dddd00000004", "eeee00000005");
	assert_vt_rows(db, "eeee00000005");
	vt_apply_ok(db, RT_VT_DELETE, "eeee00000005", NULL);
	assert_vt_rows(db, "");
	rt_db_close(db);
}

static void test_vt_update_must_match_one_row(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);
	const struct rt_vt_op op = { RT_VT_UPDATE, "1111aaaa0001",
		                     "2222bbbb0002" };

	(void)state;
	vt_create_ok(db, &default_vt);
	vt_apply_ok(db, RT_VT_INSERT, NULL, "3333cccc0003");
	assert_int_equal(rt_vt_apply(db, &default_vt, &op, &err), RT_ERROR);
	assert_string_equal(err.message,
	                    "Online migration expected to match one row when "
	                    "updating '1111aaaa0001' to '2222bbbb0002' in "
	                    "'alembic_version'; 0 found");
	assert_vt_rows(db, "3333cccc0003");
	rt_db_close(db);
}

static void test_vt_delete_must_match_one_row(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);
	const struct rt_vt_name custom = { NULL, "my_versions" };
	const struct rt_vt_op op = { RT_VT_DELETE, "cccc00000003", NULL };

	(void)state;
	vt_create_ok(db, &custom);
	assert_int_equal(rt_vt_apply(db, &custom, &op, &err), RT_ERROR);
	assert_string_equal(
	        err.message,
	        "Online migration expected to match one row when "
	        "deleting 'cccc00000003' in 'my_versions'; 0 found");
	rt_db_close(db);
}

static void test_vt_insert_duplicate_fails(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);
	const struct rt_vt_op op = { RT_VT_INSERT, NULL, "aaaa00000001" };

	(void)state;
	vt_create_ok(db, &default_vt);
	vt_apply_ok(db, RT_VT_INSERT, NULL, "aaaa00000001");
	assert_int_equal(rt_vt_apply(db, &default_vt, &op, &err), RT_EDB);
	assert_true(rt_starts_with(err.message,
	                           "UNIQUE constraint failed: "
	                           "alembic_version.version_num [SQL: INSERT"));
	rt_db_close(db);
}

static void test_vt_purge(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);
	bool exists = false;

	(void)state;
	vt_create_ok(db, &default_vt);
	vt_apply_ok(db, RT_VT_INSERT, NULL, "aaaa");
	vt_apply_ok(db, RT_VT_INSERT, NULL, "bbbb");
	assert_int_equal(rt_vt_purge(db, &default_vt, &err), 0);
	assert_vt_rows(db, "");
	/* the table itself stays */
	assert_int_equal(rt_vt_exists(&exists, db, &default_vt, &err), 0);
	assert_true(exists);
	rt_db_close(db);
}

static void test_vt_read_only_refuses_writes(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db_options ro = { .read_only = true };
	const struct rt_vt_op op = { RT_VT_INSERT, NULL, "aaaa" };
	struct rt_db *db = open_tmp("vt-ro.db", NULL);
	struct rt_strvec rows = RT_STRVEC_INIT;

	(void)state;
	vt_create_ok(db, &default_vt);
	vt_apply_ok(db, RT_VT_INSERT, NULL, "bbbb");
	rt_db_close(db);

	db = open_tmp("vt-ro.db", &ro);
	assert_int_equal(rt_vt_create(db, &default_vt, &err), RT_ERROR);
	assert_string_equal(err.message,
	                    "refusing to change the version table "
	                    "'alembic_version': the database was opened for a "
	                    "read-only command");
	rt_error_clear(&err);
	assert_int_equal(rt_vt_apply(db, &default_vt, &op, &err), RT_ERROR);
	rt_error_clear(&err);
	assert_int_equal(rt_vt_purge(db, &default_vt, &err), RT_ERROR);
	rt_error_clear(&err);
	assert_int_equal(rt_vt_read(&rows, db, &default_vt, &err), 0);
	assert_int_equal(rows.nr, 1);
	assert_string_equal(rows.v[0], "bbbb");
	rt_strvec_clear(&rows);
	rt_db_close(db);
}

static void test_vt_read_missing_table(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = open_path(NULL, NULL);
	struct rt_strvec rows = RT_STRVEC_INIT;

	(void)state;
	assert_int_equal(rt_vt_read(&rows, db, &default_vt, &err), RT_EDB);
	assert_string_equal(
	        err.message,
	        "no such table: alembic_version [SQL: SELECT "
	        "alembic_version.version_num FROM alembic_version]");
	assert_int_equal(rows.nr, 0);
	rt_db_close(db);
}

/* --- rendering ----------------------------------------------------------- */

static void assert_render_op(enum rt_dialect dialect,
                             const struct rt_vt_name *vt,
                             enum rt_vt_op_kind kind, const char *from,
                             const char *to, const char *expect)
{
	struct rt_buf out = RT_BUF_INIT;
	const struct rt_vt_op op = { kind, from, to };

	rt_vt_render_op(&out, dialect, vt, &op);
	assert_string_equal(out.buf, expect);
	rt_buf_release(&out);
}

static void assert_render_create(enum rt_dialect dialect,
                                 const struct rt_vt_name *vt,
                                 const char *expect)
{
	struct rt_buf out = RT_BUF_INIT;

	rt_vt_render_create(&out, dialect, vt);
	assert_string_equal(out.buf, expect);
	rt_buf_release(&out);
}

static void assert_render_drop(enum rt_dialect dialect,
                               const struct rt_vt_name *vt, const char *expect)
{
	struct rt_buf out = RT_BUF_INIT;

	rt_vt_render_drop(&out, dialect, vt);
	assert_string_equal(out.buf, expect);
	rt_buf_release(&out);
}

static void test_render_sqlite(void **state)
{
	const enum rt_dialect d = RT_DIALECT_SQLITE;

	(void)state;
	assert_render_create(d, &default_vt,
	                     "CREATE TABLE alembic_version (\n"
	                     "\tversion_num VARCHAR(32) NOT NULL, \n"
	                     "\tCONSTRAINT alembic_version_pkc PRIMARY KEY "
	                     "(version_num)\n)");
	assert_render_op(d, &default_vt, RT_VT_INSERT, NULL, "1111aaaa0001",
	                 "INSERT INTO alembic_version (version_num) VALUES "
	                 "('1111aaaa0001')");
	assert_render_op(
	        d, &default_vt, RT_VT_UPDATE, "1111aaaa0001", "2222bbbb0002",
	        "UPDATE alembic_version SET version_num='2222bbbb0002' "
	        "WHERE alembic_version.version_num = '1111aaaa0001'");
	assert_render_op(d, &default_vt, RT_VT_DELETE, "1111aaaa0001", NULL,
	                 "DELETE FROM alembic_version WHERE "
	                 "alembic_version.version_num = '1111aaaa0001'");
	assert_render_drop(d, &default_vt, "DROP TABLE alembic_version");
}

static void test_render_postgresql(void **state)
{
	const enum rt_dialect d = RT_DIALECT_POSTGRESQL;

	(void)state;
	assert_render_create(d, &default_vt,
	                     "CREATE TABLE alembic_version (\n"
	                     "\tversion_num VARCHAR(32) NOT NULL, \n"
	                     "\tCONSTRAINT alembic_version_pkc PRIMARY KEY "
	                     "(version_num)\n)");
	/* §9.3: SQLAlchemy 1.4 adds RETURNING on PostgreSQL */
	assert_render_op(d, &default_vt, RT_VT_INSERT, NULL, "aaaa00000001",
	                 "INSERT INTO alembic_version (version_num) VALUES "
	                 "('aaaa00000001') RETURNING "
	                 "alembic_version.version_num");
	assert_render_op(
	        d, &default_vt, RT_VT_UPDATE, "eeee00000005", "ffff00000006",
	        "UPDATE alembic_version SET version_num='ffff00000006' "
	        "WHERE alembic_version.version_num = 'eeee00000005'");
	assert_render_op(d, &default_vt, RT_VT_DELETE, "cccc00000003", NULL,
	                 "DELETE FROM alembic_version WHERE "
	                 "alembic_version.version_num = 'cccc00000003'");
	assert_render_drop(d, &default_vt, "DROP TABLE alembic_version");
}

static void test_render_schema_and_quoted_names(void **state)
{
	/* captured from Alembic 1.8.1 with version_table_schema="s" and
	   version_table="Ver Tab" on PostgreSQL */
	const struct rt_vt_name vt = { "s", "Ver Tab" };
	const struct rt_vt_name quoted_schema = { "My Schema", "Ver" };
	const enum rt_dialect pg = RT_DIALECT_POSTGRESQL;

	(void)state;
	assert_render_create(pg, &vt,
	                     "CREATE TABLE s.\"Ver Tab\" (\n"
	                     "\tversion_num VARCHAR(32) NOT NULL, \n"
	                     "\tCONSTRAINT \"Ver Tab_pkc\" PRIMARY KEY "
	                     "(version_num)\n)");
	assert_render_op(pg, &vt, RT_VT_INSERT, NULL, "aaaa",
	                 "INSERT INTO s.\"Ver Tab\" (version_num) VALUES "
	                 "('aaaa') RETURNING s.\"Ver Tab\".version_num");
	assert_render_op(pg, &vt, RT_VT_UPDATE, "aaaa", "bbbb",
	                 "UPDATE s.\"Ver Tab\" SET version_num='bbbb' WHERE "
	                 "s.\"Ver Tab\".version_num = 'aaaa'");
	assert_render_op(pg, &vt, RT_VT_DELETE, "aaaa", NULL,
	                 "DELETE FROM s.\"Ver Tab\" WHERE "
	                 "s.\"Ver Tab\".version_num = 'aaaa'");
	assert_render_drop(pg, &vt, "DROP TABLE s.\"Ver Tab\"");
	assert_render_drop(RT_DIALECT_SQLITE, &quoted_schema,
	                   "DROP TABLE \"My Schema\".\"Ver\"");
}

static void test_render_reserved_words(void **state)
{
	const struct rt_vt_name order = { NULL, "order" };
	const struct rt_vt_name user = { NULL, "user" };

	(void)state;
	/* reserved in both: quoted; its constraint name is not reserved */
	assert_render_create(RT_DIALECT_SQLITE, &order,
	                     "CREATE TABLE \"order\" (\n"
	                     "\tversion_num VARCHAR(32) NOT NULL, \n"
	                     "\tCONSTRAINT order_pkc PRIMARY KEY "
	                     "(version_num)\n)");
	/* "user" is reserved in PostgreSQL only */
	assert_render_drop(RT_DIALECT_SQLITE, &user, "DROP TABLE user");
	assert_render_drop(RT_DIALECT_POSTGRESQL, &user, "DROP TABLE \"user\"");
}

static void test_render_reserved_word_lists(void **state)
{
	static const struct {
		enum rt_dialect dialect;
		const char *name, *expect;
	} cases[] = {
		/* first and last of each list, and near misses */
		{ RT_DIALECT_SQLITE, "add", "\"add\"" },
		{ RT_DIALECT_SQLITE, "where", "\"where\"" },
		{ RT_DIALECT_SQLITE, "wher", "wher" },
		{ RT_DIALECT_SQLITE, "adds", "adds" },
		{ RT_DIALECT_SQLITE, "returning", "returning" },
		{ RT_DIALECT_POSTGRESQL, "all", "\"all\"" },
		{ RT_DIALECT_POSTGRESQL, "with", "\"with\"" },
		{ RT_DIALECT_POSTGRESQL, "returning", "\"returning\"" },
		{ RT_DIALECT_POSTGRESQL, "add", "add" },
		{ RT_DIALECT_POSTGRESQL, "user", "\"user\"" },
	};

	(void)state;
	for (size_t i = 0; i < RT_ARRAY_SIZE(cases); i++) {
		struct rt_buf out = RT_BUF_INIT;

		rt_db__add_ident(&out, cases[i].dialect, cases[i].name);
		assert_string_equal(out.buf, cases[i].expect);
		rt_buf_release(&out);
	}
}

static void test_render_identifiers(void **state)
{
	static const struct {
		const char *name, *expect;
	} cases[] = {
		{ "alembic_version", "alembic_version" },
		{ "v2$x", "v2$x" },
		{ "Versions", "\"Versions\"" },
		{ "2fast", "\"2fast\"" },
		{ "$x", "\"$x\"" },
		{ "my-table", "\"my-table\"" },
		{ "say \"hi\"", "\"say \"\"hi\"\"\"" },
		{ "", "\"\"" },
	};

	(void)state;
	for (size_t i = 0; i < RT_ARRAY_SIZE(cases); i++) {
		struct rt_buf out = RT_BUF_INIT;

		rt_db__add_ident(&out, RT_DIALECT_SQLITE, cases[i].name);
		assert_string_equal(out.buf, cases[i].expect);
		rt_buf_release(&out);
	}
}

static void test_render_quotes_values(void **state)
{
	(void)state;
	assert_render_op(RT_DIALECT_SQLITE, &default_vt, RT_VT_UPDATE, "it's",
	                 "o''k",
	                 "UPDATE alembic_version SET version_num='o''''k' "
	                 "WHERE alembic_version.version_num = 'it''s'");
}

static void test_render_appends(void **state)
{
	struct rt_buf out = RT_BUF_INIT;

	(void)state;
	rt_buf_adds(&out, "-- x\n");
	rt_vt_render_drop(&out, RT_DIALECT_SQLITE, &default_vt);
	assert_string_equal(out.buf, "-- x\nDROP TABLE alembic_version");
	rt_buf_release(&out);
}

static void test_vt_quoted_table_online(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	const struct rt_vt_name odd = { NULL, "Ver Tab" };
	struct rt_db *db = open_path(NULL, NULL);
	const struct rt_vt_op ins = { RT_VT_INSERT, NULL, "aaaa" };
	const struct rt_vt_op upd = { RT_VT_UPDATE, "aaaa", "bbbb" };
	struct rt_strvec rows = RT_STRVEC_INIT;
	bool exists = false;

	(void)state;
	vt_create_ok(db, &odd);
	assert_int_equal(rt_vt_exists(&exists, db, &odd, &err), 0);
	assert_true(exists);
	assert_int_equal(rt_vt_apply(db, &odd, &ins, &err), 0);
	assert_int_equal(rt_vt_apply(db, &odd, &upd, &err), 0);
	assert_int_equal(rt_vt_read(&rows, db, &odd, &err), 0);
	assert_int_equal(rows.nr, 1);
	assert_string_equal(rows.v[0], "bbbb");
	rt_strvec_clear(&rows);
	rt_db_close(db);
}

/* --- echo ---------------------------------------------------------------- */

static void test_echo_sees_every_statement(void **state)
{
	struct rt_error err = RT_ERROR_INIT;
	struct echo_log log = { RT_STRVEC_INIT };
	struct rt_db_options opts = { .echo = echo_record, .echo_baton = &log };
	struct rt_db *db = open_path(NULL, &opts);
	bool exists;
	static const char *const expect[] = {
		"BEGIN IMMEDIATE",
		"CREATE TABLE t (x)",
		"INSERT INTO t VALUES (1)",
		"SELECT name FROM sqlite_master WHERE type = 'table' AND "
		"name = 'alembic_version' COLLATE NOCASE",
		"CREATE TABLE alembic_version (\n"
		"\tversion_num VARCHAR(32) NOT NULL, \n"
		"\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n)",
		"INSERT INTO alembic_version (version_num) VALUES ('aaaa')",
		"COMMIT",
		"BEGIN IMMEDIATE",
		"SELECT alembic_version.version_num FROM alembic_version",
		"ROLLBACK",
	};
	struct rt_strvec rows = RT_STRVEC_INIT;

	(void)state;
	assert_int_equal(rt_db_begin(db, &err), 0);
	exec_ok(db, "-- comment\nCREATE TABLE t (x) ;\n"
	            "INSERT INTO t VALUES (1);  \n-- end\n");
	assert_int_equal(rt_vt_exists(&exists, db, &default_vt, &err), 0);
	vt_create_ok(db, &default_vt);
	vt_apply_ok(db, RT_VT_INSERT, NULL, "aaaa");
	assert_int_equal(rt_db_commit(db, &err), 0);
	assert_int_equal(rt_db_begin(db, &err), 0);
	assert_int_equal(rt_vt_read(&rows, db, &default_vt, &err), 0);
	rt_db_rollback(db);

	assert_int_equal(log.stmts.nr, RT_ARRAY_SIZE(expect));
	for (size_t i = 0; i < RT_ARRAY_SIZE(expect); i++)
		assert_string_equal(log.stmts.v[i], expect[i]);
	rt_strvec_clear(&rows);
	rt_strvec_clear(&log.stmts);
	rt_db_close(db);
}

/* --- setup --------------------------------------------------------------- */

static int group_setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	DIR *dir = opendir(tmpdir);
	struct dirent *de;

	(void)state;
	if (!dir)
		return -1;
	for (de = readdir(dir); de; de = readdir(dir)) {
		char *path;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		path = tmp_path(de->d_name);
		unlink(path);
		free(path);
	}
	closedir(dir);
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_creates_file),
		cmocka_unit_test(test_open_read_only_still_creates_file),
		cmocka_unit_test(test_open_relative_path),
		cmocka_unit_test(test_open_memory),
		cmocka_unit_test(test_open_missing_directory_fails),
		cmocka_unit_test(test_open_not_a_database),
		cmocka_unit_test(test_open_postgresql_refused),
		cmocka_unit_test(test_open_uri_mode_ro),
		cmocka_unit_test(test_open_uri_mode_ro_does_not_create),
		cmocka_unit_test(test_open_uri_encodes_path),
		cmocka_unit_test(test_open_uri_true),
		cmocka_unit_test(test_open_bad_url_params),
		cmocka_unit_test(test_open_driver_params_ignored),
		cmocka_unit_test(test_query_rows),
		cmocka_unit_test(test_exec_script_several_statements),
		cmocka_unit_test(test_exec_script_trigger_body),
		cmocka_unit_test(test_exec_script_empty),
		cmocka_unit_test(test_exec_script_error_line),
		cmocka_unit_test(test_exec_script_error_line_after_comments),
		cmocka_unit_test(test_exec_script_syntax_error_line),
		cmocka_unit_test(test_exec_script_without_path),
		cmocka_unit_test(test_exec_changes),
		cmocka_unit_test(test_exec_rejects_two_statements),
		cmocka_unit_test(test_exec_error_is_one_line),
		cmocka_unit_test(test_rollback_undoes_ddl_and_dml),
		cmocka_unit_test(test_commit_persists),
		cmocka_unit_test(test_rollback_without_transaction),
		cmocka_unit_test(test_commit_without_begin_fails),
		cmocka_unit_test(test_begin_twice_fails),
		cmocka_unit_test(test_begin_after_script_ended_transaction),
		cmocka_unit_test(test_failed_statement_keeps_transaction),
		cmocka_unit_test(
		        test_begin_immediate_locks_out_second_connection),
		cmocka_unit_test(test_timeout_url_param),
		cmocka_unit_test(test_begin_waits_for_other_process),
		cmocka_unit_test(test_vt_create_exact_ddl),
		cmocka_unit_test(test_vt_exists_ignores_case),
		cmocka_unit_test(test_vt_with_schema),
		cmocka_unit_test(test_vt_read_keeps_insertion_order),
		cmocka_unit_test(test_vt_apply_sequence),
		cmocka_unit_test(test_vt_update_must_match_one_row),
		cmocka_unit_test(test_vt_delete_must_match_one_row),
		cmocka_unit_test(test_vt_insert_duplicate_fails),
		cmocka_unit_test(test_vt_purge),
		cmocka_unit_test(test_vt_read_only_refuses_writes),
		cmocka_unit_test(test_vt_read_missing_table),
		cmocka_unit_test(test_vt_quoted_table_online),
		cmocka_unit_test(test_render_sqlite),
		cmocka_unit_test(test_render_postgresql),
		cmocka_unit_test(test_render_schema_and_quoted_names),
		cmocka_unit_test(test_render_reserved_words),
		cmocka_unit_test(test_render_reserved_word_lists),
		cmocka_unit_test(test_render_identifiers),
		cmocka_unit_test(test_render_quotes_values),
		cmocka_unit_test(test_render_appends),
		cmocka_unit_test(test_echo_sees_every_statement),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
