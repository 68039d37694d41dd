/*
 * test_sqlsplit.c - statement splitting for offline output.
 */
#include "util/compat.h"
#include <setjmp.h>
#include <cmocka.h>

#include "migrate/sqlsplit.h"
#include "util/buf.h"

static void split(struct rt_strvec *out, const char *sql)
{
	rt_strvec_clear(out);
	rt_sql_split(out, sql, false);
}

static void test_simple_statements(void **state)
{
	struct rt_strvec v = RT_STRVEC_INIT;

	(void)state;
	split(&v, "CREATE TABLE a (id INTEGER);\nINSERT INTO a VALUES (1);\n");
	assert_int_equal(v.nr, 2);
	assert_string_equal(v.v[0], "CREATE TABLE a (id INTEGER)");
	assert_string_equal(v.v[1], "INSERT INTO a VALUES (1)");
	split(&v, "SELECT 1");
	assert_int_equal(v.nr, 1);
	assert_string_equal(v.v[0], "SELECT 1");
	rt_strvec_clear(&v);
}

static void test_empty_and_comment_only(void **state)
{
	struct rt_strvec v = RT_STRVEC_INIT;

	(void)state;
	split(&v, "");
	assert_int_equal(v.nr, 0);
	split(&v, "  \n\n -- just a comment\n/* and another; */\n");
	assert_int_equal(v.nr, 0);
	split(&v, "SELECT 1;;  ;");
	assert_int_equal(v.nr, 1);
	rt_strvec_clear(&v);
}

static void test_semicolons_in_quotes_and_comments(void **state)
{
	struct rt_strvec v = RT_STRVEC_INIT;

	(void)state;
	split(&v, "INSERT INTO t VALUES ('a;b', 'it''s;');\n"
	          "-- a comment; with a semicolon\n"
	          "SELECT \"we;ird\" FROM [x;y] /* c; */;");
	assert_int_equal(v.nr, 2);
	assert_string_equal(v.v[0], "INSERT INTO t VALUES ('a;b', 'it''s;')");
	assert_string_equal(v.v[1], "-- a comment; with a semicolon\n"
	                            "SELECT \"we;ird\" FROM [x;y] /* c; */");
	rt_strvec_clear(&v);
}

static void test_dollar_quotes(void **state)
{
	struct rt_strvec v = RT_STRVEC_INIT;

	(void)state;
	split(&v, "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ "
	          "LANGUAGE sql;\nDO $body$ BEGIN PERFORM 1; END $body$;");
	assert_int_equal(v.nr, 2);
	assert_string_equal(v.v[0], "CREATE FUNCTION f() RETURNS int AS $$ "
	                            "SELECT 1; $$ LANGUAGE sql");
	assert_string_equal(v.v[1], "DO $body$ BEGIN PERFORM 1; END $body$");
	/* $1 is a parameter, not a dollar quote */
	split(&v, "SELECT $1; SELECT 2;");
	assert_int_equal(v.nr, 2);
	rt_strvec_clear(&v);
}

static void test_trigger_body(void **state)
{
	struct rt_strvec v = RT_STRVEC_INIT;

	(void)state;
	split(&v, "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
	          "  UPDATE t SET n = CASE WHEN n > 0 THEN 1 ELSE 0 END;\n"
	          "  DELETE FROM u;\nEND;\nSELECT 1;");
	assert_int_equal(v.nr, 2);
	assert_true(rt_ends_with(v.v[0], "DELETE FROM u;\nEND"));
	assert_string_equal(v.v[1], "SELECT 1");
	/* a plain BEGIN is a statement of its own */
	split(&v, "BEGIN; SELECT 1; COMMIT;");
	assert_int_equal(v.nr, 3);
	rt_strvec_clear(&v);
}

/* Collect rt_sql_next() results as "line:text" strings. */
static void walk(struct rt_strvec *out, const char *sql, bool pg)
{
	struct rt_sql_cursor c = RT_SQL_CURSOR_INIT(sql, 10, pg);
	struct rt_sql_stmt st;

	rt_strvec_clear(out);
	while (rt_sql_next(&st, &c)) {
		struct rt_buf sb = RT_BUF_INIT;

		rt_buf_addf(&sb, "%u:%.*s", st.line, (int)st.len, st.text);
		rt_strvec_push(out, sb.buf);
		rt_buf_release(&sb);
	}
}

static void test_next_lines_and_comments(void **state)
{
	struct rt_strvec v = RT_STRVEC_INIT;

	(void)state;
	walk(&v,
	     "\n-- lead\n/* block\n comment */ SELECT 1;\n\n"
	     "SELECT\n  'a;\nb';;\n  ;\n-- tail only\n",
	     false);
	assert_int_equal(v.nr, 2);
	assert_string_equal(v.v[0], "13:SELECT 1");
	assert_string_equal(v.v[1], "15:SELECT\n  'a;\nb'");
	walk(&v, "SELECT 2", false);
	assert_int_equal(v.nr, 1);
	assert_string_equal(v.v[0], "10:SELECT 2");
	walk(&v, "  \n -- nothing\n", false);
	assert_int_equal(v.nr, 0);
	rt_strvec_clear(&v);
}

static void test_next_postgresql_lexing(void **state)
{
	struct rt_strvec v = RT_STRVEC_INIT;

	(void)state;
	/* E'' strings: a backslash escapes the quote */
	walk(&v, "SELECT E'it\\'s;'; SELECT 'a\\'; SELECT 3;", true);
	assert_int_equal(v.nr, 3);
	assert_string_equal(v.v[0], "10:SELECT E'it\\'s;'");
	assert_string_equal(v.v[1], "10:SELECT 'a\\'");
	/* comments nest */
	walk(&v, "/* a /* b; */ c; */ SELECT 1; SELECT 2;", true);
	assert_int_equal(v.nr, 2);
	assert_string_equal(v.v[0], "10:SELECT 1");
	/* "x$y$" is an identifier, not the start of a dollar quote */
	walk(&v, "SELECT 1 AS x$y$; SELECT 2;", true);
	assert_int_equal(v.nr, 2);
	/* an SQL-standard function body keeps its own ';' */
	walk(&v,
	     "CREATE FUNCTION f() RETURNS int LANGUAGE sql\n"
	     "BEGIN ATOMIC\n  SELECT 1;\n  SELECT CASE WHEN true THEN 2 "
	     "END;\nEND;\nSELECT f();",
	     true);
	assert_int_equal(v.nr, 2);
	assert_true(rt_ends_with(v.v[0], "END;\nEND"));
	assert_string_equal(v.v[1], "15:SELECT f()");
	rt_strvec_clear(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple_statements),
		cmocka_unit_test(test_empty_and_comment_only),
		cmocka_unit_test(test_semicolons_in_quotes_and_comments),
		cmocka_unit_test(test_dollar_quotes),
		cmocka_unit_test(test_trigger_body),
		cmocka_unit_test(test_next_lines_and_comments),
		cmocka_unit_test(test_next_postgresql_lexing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
