/*
 * test_postgres.c - the PostgreSQL driver (db/postgres.c) against a real
 * server: the one t/with-postgres.sh starts and names in
 * $RETORT_TEST_PG_URL.  Without it every test is skipped (and says so).
 *
 * Each test works in a schema of its own, created and dropped here, so
 * the tests do not see each other's tables.
 */
#include "util/compat.h"
#include <setjmp.h>
#include <unistd.h>
#include <cmocka.h>
#include "db/db.h"
#include "db/driver.h"
#include "error_raise.h"
#include "pg_fixture.h"
#include "util/buf.h"

/* The lock_wait messages of the test's connections. */
static struct rt_strvec waits = RT_STRVEC_INIT;

static void record_wait(void *baton, const char *message)
{
	rt_strvec_push(baton, message);
}

/* Every connection of these tests records its lock_wait messages. */
static struct rt_db_options options(const char *search_path,
                                    unsigned lock_timeout_ms)
{
	struct rt_db_options opts = { 0 };

	opts.lock_wait = record_wait;
	opts.lock_wait_baton = &waits;
	opts.search_path = search_path;
	opts.lock_timeout_ms = lock_timeout_ms;
	return opts;
}

static struct rt_db *connect_with(struct pg_fixture *f, const char *search_path,
                                  unsigned lock_timeout_ms)
{
	struct rt_db_options opts = options(search_path, lock_timeout_ms);
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = NULL;

	if (rt_db_open(&db, &f->url, &opts, &err) < 0)
		fail_msg("cannot connect: %s", err.message);
	return db;
}

static int setup(void **state)
{
	struct rt_db_options opts = options(NULL, 0);

	*state = pg_fixture_new("rt_unit", &opts);
	return 0;
}

static int teardown(void **state)
{
	pg_fixture_free(*state);
	rt_strvec_clear(&waits);
	return 0;
}

static void test_script_statements_and_quoting(void **state)
{
	struct pg_fixture *f = *state;
	char *v;

	pg_must(f->db,
	        "CREATE TABLE t (s text);\n"
	        "INSERT INTO t VALUES ('a;b'), ($$c;d$$), ($x$e;$$f$x$),\n"
	        "  (E'g\\';h');\n"
	        "/* outer /* nested; */ still a comment; */\n"
	        "INSERT INTO t VALUES ('i');");
	v = pg_one_value(f->db, "SELECT string_agg(s, '|' ORDER BY s) FROM t");
	assert_string_equal(v, "a;b|c;d|e;$$f|g';h|i");
	free(v);
}

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

/* rt_db_query: every column of every row, NULL as NULL. */
static void test_query_rows(void **state)
{
	struct pg_fixture *f = *state;
	struct rt_error err = RT_ERROR_INIT;
	struct rt_buf sb = RT_BUF_INIT;

	pg_must(f->db, "CREATE TABLE t (a int, b text);\n"
	               "INSERT INTO t VALUES (1, 'x'), (2, NULL);");
	assert_int_equal(rt_db_query(f->db, "SELECT a, b FROM t ORDER BY a",
	                             collect_row, &sb, &err),
	                 0);
	assert_string_equal(sb.buf, "[1|x][2|NULL]");
	assert_int_equal(rt_db_query(f->db, "SELECT nope FROM t", collect_row,
	                             &sb, &err),
	                 RT_EDB);
	assert_non_null(strstr(err.message, "nope"));
	rt_buf_release(&sb);
}

/* The line of an error: the statement's, plus the server's position. */
static void test_script_error_line(void **state)
{
	struct pg_fixture *f = *state;
	struct rt_error err = RT_ERROR_INIT;

	assert_int_equal(rt_db_exec_script(f->db,
	                                   "CREATE TABLE a (id int);\n"
	                                   "\n"
	                                   "SELECT id,\n"
	                                   "       nosuch\n"
	                                   "  FROM a;",
	                                   "v/x.sql", 10, &err),
	                 RT_EDB);
	assert_string_equal(err.loc.path, "v/x.sql");
	assert_int_equal(err.loc.line, 13);
	assert_true(rt_starts_with(err.message,
	                           "v/x.sql:13: ERROR: column \"nosuch\" "
	                           "does not exist (SQLSTATE 42703)"));
	rt_error_clear(&err);

	/* no position (a duplicate table): the statement's first line */
	assert_int_equal(rt_db_exec_script(f->db,
	                                   "-- a comment\n"
	                                   "CREATE TABLE a (id int);",
	                                   "v/x.sql", 1, &err),
	                 RT_EDB);
	assert_int_equal(err.loc.line, 2);
	assert_non_null(strstr(err.message, "42P07"));
	rt_error_clear(&err);
}

/* A failed statement rolls the whole transaction back, DDL included. */
static void test_transaction_rollback_includes_ddl(void **state)
{
	struct pg_fixture *f = *state;
	struct rt_error err = RT_ERROR_INIT;
	bool exists = true;

	assert_int_equal(rt_db_begin(f->db, &err), 0);
	pg_must(f->db, "CREATE TABLE gone (id int)");
	assert_true(rt_db_exec_script(f->db, "SELECT 1/0", NULL, 1, &err) < 0);
	rt_error_clear(&err);
	assert_true(rt_db_in_transaction(f->db));
	/* COMMIT of a failed transaction is refused, not a silent ROLLBACK */
	assert_int_equal(rt_db_commit(f->db, &err), RT_EDB);
	assert_non_null(strstr(err.message, "ROLLBACK"));
	rt_error_clear(&err);
	rt_db_rollback(f->db);
	assert_false(rt_db_in_transaction(f->db));
	assert_int_equal(
	        rt_db__table_exists(&exists, f->db, "rt_unit", "gone", &err),
	        0);
	assert_false(exists);
}

/* CREATE INDEX CONCURRENTLY must not be sent with another statement. */
static void test_concurrent_index_outside_transaction(void **state)
{
	struct pg_fixture *f = *state;

	pg_must(f->db, "CREATE TABLE big (id int);\n"
	               "CREATE INDEX CONCURRENTLY big_id ON big (id);\n"
	               "DROP INDEX CONCURRENTLY big_id;");
}

static void test_table_exists_schema_and_path(void **state)
{
	struct pg_fixture *f = *state;
	struct rt_error err = RT_ERROR_INIT;
	bool exists = false;

	pg_must(f->db, "CREATE TABLE \"Mixed\" (id int)");
	assert_int_equal(
	        rt_db__table_exists(&exists, f->db, "rt_unit", "Mixed", &err),
	        0);
	assert_true(exists);
	/* visible through search_path (set to rt_unit by the fixture) */
	assert_int_equal(
	        rt_db__table_exists(&exists, f->db, NULL, "Mixed", &err), 0);
	assert_true(exists);
	assert_int_equal(
	        rt_db__table_exists(&exists, f->db, "public", "Mixed", &err),
	        0);
	assert_false(exists);
}

static void test_search_path_option(void **state)
{
	struct pg_fixture *f = *state;
	struct rt_db_options opts = { 0 };
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db;
	char *v;

	db = connect_with(f, "rt_unit, public", 0);
	v = pg_one_value(db, "SELECT current_schema()");
	assert_string_equal(v, "rt_unit");
	free(v);
	rt_db_close(db);

	/* a list that cannot be parsed is a configuration error */
	opts.search_path = "\"unterminated";
	db = NULL;
	assert_int_equal(rt_db_open(&db, &f->url, &opts, &err), RT_ECONFIG);
	assert_null(db);
	assert_non_null(strstr(err.message, "search_path"));
	rt_error_clear(&err);
}

/*
 * The migration lock: a second session waits (and says so), gives up
 * after its timeout with RT_ELOCKED naming the holder, and gets the lock
 * once the first lets go.  Different version tables do not conflict.
 */
static void test_migration_lock(void **state)
{
	struct pg_fixture *f = *state;
	struct rt_vt_name vt = { "rt_unit", "alembic_version" };
	struct rt_vt_name other = { "rt_unit", "other_version" };
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *second = connect_with(f, NULL, 300);

	assert_int_equal(rt_db_lock_migrations(f->db, &vt, &err), 0);
	assert_int_equal(rt_db_lock_migrations(second, &vt, &err), RT_ELOCKED);
	assert_non_null(strstr(err.message, "rt_unit.alembic_version"));
	assert_non_null(strstr(err.message, "--lock-timeout"));
	assert_non_null(strstr(err.message, "server PID"));
	rt_error_clear(&err);
	assert_true(waits.nr >= 1);
	assert_true(rt_starts_with(waits.v[0], "Waiting for the migration "
	                                       "lock on "
	                                       "rt_unit.alembic_version"));

	assert_int_equal(rt_db_lock_migrations(second, &other, &err), 0);
	rt_db_unlock_migrations(second);

	rt_db_unlock_migrations(f->db);
	assert_int_equal(rt_db_lock_migrations(second, &vt, &err), 0);
	rt_db_unlock_migrations(second);
	rt_db_close(second);
}

/* A lock dies with its session: a crashed migrator blocks nobody. */
static void test_lock_released_on_close(void **state)
{
	struct pg_fixture *f = *state;
	struct rt_vt_name vt = { "rt_unit", "alembic_version" };
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *first = connect_with(f, NULL, 0);

	assert_int_equal(rt_db_lock_migrations(first, &vt, &err), 0);
	rt_db_close(first);
	rt_db__set_lock_timeout(f->db, 2000);
	assert_int_equal(rt_db_lock_migrations(f->db, &vt, &err), 0);
	rt_db_unlock_migrations(f->db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_query_rows),
		T(test_script_statements_and_quoting),
		T(test_script_error_line),
		T(test_transaction_rollback_includes_ddl),
		T(test_concurrent_index_outside_transaction),
		T(test_table_exists_schema_and_path),
		T(test_search_path_option),
		T(test_migration_lock),
		T(test_lock_released_on_close),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
