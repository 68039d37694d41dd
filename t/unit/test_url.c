#include "util/compat.h"
/*
 * test_url.c - SQLAlchemy-style database URLs (src/config/url.c).
 * Splitting rules were checked against SQLAlchemy 1.4's make_url().
 */
#include <setjmp.h>
#include <cmocka.h>

#include "config/url.h"
#include "retort/error.h"

static void parse_ok(struct rt_url *u, const char *text)
{
	struct rt_error err = RT_ERROR_INIT;

	if (rt_url_parse(u, text, &err))
		fail_msg("unexpected error for '%s': %s", text, err.message);
}

/* Parse must fail with `code` and exactly `message`. */
static void parse_fails(const char *text, int code, const char *message)
{
	struct rt_url u = RT_URL_INIT;
	struct rt_error err = RT_ERROR_INIT;

	assert_int_equal(rt_url_parse(&u, text, &err), code);
	assert_int_equal(err.code, code);
	assert_string_equal(err.message, message);
	rt_url_release(&u);
}

static void assert_query(const struct rt_url *u, size_t i, const char *key,
                         const char *value)
{
	assert_true(i < u->query_keys.nr);
	assert_int_equal(u->query_keys.nr, u->query_values.nr);
	assert_string_equal(u->query_keys.v[i], key);
	assert_string_equal(u->query_values.v[i], value);
}

static void assert_redacted(const char *text, const char *expected)
{
	char *r = rt_url_redact(text);

	assert_string_equal(r, expected);
	free(r);
}

/* --- SQLite ------------------------------------------------------------- */

static void test_sqlite_relative(void **state)
{
	struct rt_url u = RT_URL_INIT;

	(void)state;
	parse_ok(&u, "sqlite:///relative/path.db");
	assert_int_equal(u.dialect, RT_DIALECT_SQLITE);
	assert_string_equal(u.database, "relative/path.db");
	assert_false(u.sqlite_memory);
	assert_null(u.driver);
	assert_null(u.username);
	assert_null(u.password);
	assert_null(u.host);
	assert_int_equal(u.port, 0);
	assert_int_equal(u.query_keys.nr, 0);
	rt_url_release(&u);
}

static void test_sqlite_absolute(void **state)
{
	struct rt_url u = RT_URL_INIT;

	(void)state;
	parse_ok(&u, "sqlite:////abs/path.db");
	assert_string_equal(u.database, "/abs/path.db");
	assert_false(u.sqlite_memory);
	rt_url_release(&u);
}

static void test_sqlite_memory(void **state)
{
	static const char *const forms[] = { "sqlite://", "sqlite:///:memory:",
		                             "sqlite:///" };
	struct rt_url u = RT_URL_INIT;

	(void)state;
	for (size_t i = 0; i < RT_ARRAY_SIZE(forms); i++) {
		parse_ok(&u, forms[i]);
		assert_true(u.sqlite_memory);
		assert_null(u.database);
		rt_url_release(&u);
	}
}

static void test_sqlite_query(void **state)
{
	struct rt_url u = RT_URL_INIT;

	(void)state;
	parse_ok(&u, "sqlite:///x.db?mode=ro&cache=shared");
	assert_string_equal(u.database, "x.db");
	assert_int_equal(u.query_keys.nr, 2);
	assert_query(&u, 0, "mode", "ro");
	assert_query(&u, 1, "cache", "shared");
	rt_url_release(&u);
}

static void test_sqlite_path_not_decoded(void **state)
{
	struct rt_url u = RT_URL_INIT;

	(void)state;
	/* SQLAlchemy hands the path to sqlite3 as written. */
	parse_ok(&u, "sqlite:///my%20file.db");
	assert_string_equal(u.database, "my%20file.db");
	rt_url_release(&u);
}

static void test_sqlite_driver(void **state)
{
	struct rt_url u = RT_URL_INIT;

	(void)state;
	parse_ok(&u, "sqlite+pysqlite:///x.db");
	assert_int_equal(u.dialect, RT_DIALECT_SQLITE);
	assert_string_equal(u.driver, "pysqlite");
	assert_string_equal(u.database, "x.db");
	rt_url_release(&u);
}

static void test_sqlite_with_host_rejected(void **state)
{
	(void)state;
	parse_fails("sqlite://host/x.db", RT_EPARSE,
	            "invalid SQLite URL 'sqlite://host/x.db': write "
	            "sqlite:///relative/path.db, sqlite:////absolute/path.db "
	            "or sqlite:// (in memory)");
	parse_fails("sqlite://u:secret@/x.db", RT_EPARSE,
	            "invalid SQLite URL 'sqlite://u:XXXXX@/x.db': write "
	            "sqlite:///relative/path.db, sqlite:////absolute/path.db "
	            "or sqlite:// (in memory)");
}

/* --- PostgreSQL --------------------------------------------------------- */

static void test_pg_full(void **state)
{
	struct rt_url u = RT_URL_INIT;

	(void)state;
	parse_ok(&u, "postgresql://scott:tiger@db.example.com:5433/app"
	             "?sslmode=require");
	assert_int_equal(u.dialect, RT_DIALECT_POSTGRESQL);
	assert_null(u.driver);
	assert_string_equal(u.username, "scott");
	assert_string_equal(u.password, "tiger");
	assert_string_equal(u.host, "db.example.com");
	assert_int_equal(u.port, 5433);
	assert_string_equal(u.database, "app");
	assert_false(u.sqlite_memory);
	assert_int_equal(u.query_keys.nr, 1);
	assert_query(&u, 0, "sslmode", "require");
	rt_url_release(&u);
}

static void test_pg_percent_decoding(void **state)
{
	struct rt_url u = RT_URL_INIT;

	(void)state;
	parse_ok(&u, "postgresql://us%65r:p%40ss%3Aw%2Fd@h/my%20db"
	             "?application_name=a+b%21");
	assert_string_equal(u.username, "user");
	assert_string_equal(u.password, "p@ss:w/d");
	assert_string_equal(u.database, "my db");
	assert_query(&u, 0, "application_name", "a b!");
	rt_url_release(&u);

	/* A '%' not followed by two hex digits stays as it is. */
	parse_ok(&u, "postgresql://u:100%zz%4@h/db");
	assert_string_equal(u.password, "100%zz%4");
	rt_url_release(&u);
}

static void test_pg_aliases_and_driver(void **state)
{
	struct rt_url u = RT_URL_INIT;

	(void)state;
	parse_ok(&u, "postgres://u@h/db");
	assert_int_equal(u.dialect, RT_DIALECT_POSTGRESQL);
	assert_string_equal(u.username, "u");
	assert_null(u.password);
	rt_url_release(&u);

	parse_ok(&u, "postgresql+psycopg2://u:p@h/db");
	assert_int_equal(u.dialect, RT_DIALECT_POSTGRESQL);
	assert_string_equal(u.driver, "psycopg2");
	assert_string_equal(u.password, "p");
	rt_url_release(&u);
}

static void test_pg_minimal_forms(void **state)
{
	struct rt_url u = RT_URL_INIT;

	(void)state;
	parse_ok(&u, "postgresql://");
	assert_null(u.host);
	assert_null(u.database);
	assert_int_equal(u.port, 0);
	rt_url_release(&u);

	parse_ok(&u, "postgresql://localhost");
	assert_string_equal(u.host, "localhost");
	assert_null(u.database);
	rt_url_release(&u);

	parse_ok(&u, "postgresql://h:5432");
	assert_int_equal(u.port, 5432);
	rt_url_release(&u);
}

static void test_pg_socket_host_query(void **state)
{
	struct rt_url u = RT_URL_INIT;

	(void)state;
	parse_ok(&u, "postgresql:///lin?host=/var/run/postgresql&port=5434");
	assert_null(u.host);
	assert_int_equal(u.port, 0);
	assert_string_equal(u.database, "lin");
	assert_int_equal(u.query_keys.nr, 2);
	assert_query(&u, 0, "host", "/var/run/postgresql");
	assert_query(&u, 1, "port", "5434");
	rt_url_release(&u);
}

static void test_pg_ipv6_host(void **state)
{
	struct rt_url u = RT_URL_INIT;

	(void)state;
	parse_ok(&u, "postgresql://u:p@[::1]:5432/db");
	assert_string_equal(u.host, "::1");
	assert_int_equal(u.port, 5432);
	assert_string_equal(u.database, "db");
	rt_url_release(&u);
}

static void test_pg_password_with_slash_and_at(void **state)
{
	struct rt_url u = RT_URL_INIT;

	(void)state;
	/* As SQLAlchemy: the password runs to the first '@' after ':'. */
	parse_ok(&u, "postgresql://u:pa/ss?x@h/db");
	assert_string_equal(u.username, "u");
	assert_string_equal(u.password, "pa/ss?x");
	assert_string_equal(u.host, "h");
	assert_string_equal(u.database, "db");
	rt_url_release(&u);

	/* Without a password, the user part ends at the last '@'. */
	parse_ok(&u, "postgresql://me@corp@h/db");
	assert_string_equal(u.username, "me@corp");
	assert_string_equal(u.host, "h");
	rt_url_release(&u);
}

static void test_query_blank_values_dropped(void **state)
{
	struct rt_url u = RT_URL_INIT;

	(void)state;
	/* parse_qsl() defaults: no '=' or an empty value drops the pair. */
	parse_ok(&u, "postgresql://h/db?a=&flag&b=1&&c=x=y&b=2");
	assert_int_equal(u.query_keys.nr, 3);
	assert_query(&u, 0, "b", "1");
	assert_query(&u, 1, "c", "x=y");
	assert_query(&u, 2, "b", "2");
	rt_url_release(&u);
}

static void test_empty_user_password(void **state)
{
	struct rt_url u = RT_URL_INIT;

	(void)state;
	parse_ok(&u, "postgresql://:@h/db");
	assert_null(u.username);
	assert_null(u.password);
	assert_string_equal(u.host, "h");
	rt_url_release(&u);
}

static void test_port_errors(void **state)
{
	(void)state;
	parse_fails("postgresql://u:secret@h:0/db", RT_EPARSE,
	            "the port in database URL 'postgresql://u:XXXXX@h:0/db' is "
	            "out of range; use a port between 1 and 65535");
	parse_fails("postgresql://h:65536/db", RT_EPARSE,
	            "the port in database URL 'postgresql://h:65536/db' is out "
	            "of range; use a port between 1 and 65535");
	parse_fails("postgresql://h:99999999999999999999/db", RT_EPARSE,
	            "the port in database URL "
	            "'postgresql://h:99999999999999999999/db' is out of range; "
	            "use a port between 1 and 65535");
	parse_fails("postgresql://h:54x/db", RT_EPARSE,
	            "the port in database URL 'postgresql://h:54x/db' is not a "
	            "number; write host:port, e.g. localhost:5432");
	parse_fails("postgresql://h:-1/db", RT_EPARSE,
	            "the port in database URL 'postgresql://h:-1/db' is not a "
	            "number; write host:port, e.g. localhost:5432");
	parse_fails("postgresql://h:/db", RT_EPARSE,
	            "the port in database URL 'postgresql://h:/db' is empty; "
	            "write host:port, e.g. localhost:5432, or drop the ':'");
}

static void test_port_limits_ok(void **state)
{
	struct rt_url u = RT_URL_INIT;

	(void)state;
	parse_ok(&u, "postgresql://h:1/db");
	assert_int_equal(u.port, 1);
	rt_url_release(&u);
	parse_ok(&u, "postgresql://h:65535/db");
	assert_int_equal(u.port, 65535);
	rt_url_release(&u);
}

static void test_nul_rejected(void **state)
{
	(void)state;
	parse_fails("postgresql://u:a%00b@h/db", RT_EPARSE,
	            "database URL 'postgresql://u:XXXXX@h/db' contains '%00' "
	            "(a NUL byte), which cannot be passed to the database; "
	            "remove it");
}

static void test_malformed(void **state)
{
	(void)state;
	parse_fails("postgresql://[::1]junk/db", RT_EPARSE,
	            "database URL 'postgresql://[::1]junk/db' has text after "
	            "the [host] part that is neither :port, /database nor "
	            "?query");
	parse_fails("postgresql+://h/db", RT_EPARSE,
	            "database URL 'postgresql+://h/db' has no driver name "
	            "after '+'; write e.g. postgresql://... (retort ignores "
	            "the driver anyway)");
}

/* --- unsupported -------------------------------------------------------- */

static void test_unsupported_scheme(void **state)
{
	(void)state;
	parse_fails("mysql://root:hunter2@localhost/db", RT_EUNSUPPORTED,
	            "unsupported database URL 'mysql://root:XXXXX@localhost/"
	            "db': retort supports sqlite:///path.db, sqlite:// (in "
	            "memory), postgresql://user:pass@host:port/dbname");
	/* Scheme names are case-sensitive, as in SQLAlchemy. */
	parse_fails("SQLite:///x.db", RT_EUNSUPPORTED,
	            "unsupported database URL 'SQLite:///x.db': retort "
	            "supports sqlite:///path.db, sqlite:// (in memory), "
	            "postgresql://user:pass@host:port/dbname");
	parse_fails("driver://user:pass@localhost/dbname", RT_EUNSUPPORTED,
	            "unsupported database URL 'driver://user:XXXXX@localhost/"
	            "dbname': retort supports sqlite:///path.db, sqlite:// "
	            "(in memory), postgresql://user:pass@host:port/dbname");
}

static void test_unsupported_garbage(void **state)
{
	(void)state;
	parse_fails("x.db", RT_EUNSUPPORTED,
	            "unsupported database URL 'x.db': retort supports "
	            "sqlite:///path.db, sqlite:// (in memory), "
	            "postgresql://user:pass@host:port/dbname");
	parse_fails("", RT_EUNSUPPORTED,
	            "unsupported database URL '': retort supports "
	            "sqlite:///path.db, sqlite:// (in memory), "
	            "postgresql://user:pass@host:port/dbname");
	/* A mistyped scheme must not leak the password either. */
	parse_fails("postgresql:/u:s3cret@h/db", RT_EUNSUPPORTED,
	            "unsupported database URL 'postgresql:/u:XXXXX@h/db': "
	            "retort supports sqlite:///path.db, sqlite:// (in memory), "
	            "postgresql://user:pass@host:port/dbname");
}

/* --- redaction ---------------------------------------------------------- */

static void test_redact_alembic_example(void **state)
{
	(void)state;
	assert_redacted("postgresql://postgres:secret@127.0.0.1:54329/lin",
	                "postgresql://postgres:XXXXX@127.0.0.1:54329/lin");
	/* Encoded passwords are hidden whole; the rest is left as is. */
	assert_redacted("postgresql+psycopg2://u:p%40ss@h/d%20b?x=1",
	                "postgresql+psycopg2://u:XXXXX@h/d%20b?x=1");
}

static void test_redact_leaves_other_urls(void **state)
{
	(void)state;
	assert_redacted("sqlite:///x.db", "sqlite:///x.db");
	assert_redacted("sqlite://", "sqlite://");
	assert_redacted("postgresql://u@h:5432/db", "postgresql://u@h:5432/db");
	assert_redacted("postgresql://h:5432/db", "postgresql://h:5432/db");
	assert_redacted("postgresql://u:@h/db", "postgresql://u:@h/db");
	assert_redacted("not a url", "not a url");
}

static void test_redact_odd_passwords(void **state)
{
	(void)state;
	assert_redacted("postgresql://u:pa/ss:x@h/db",
	                "postgresql://u:XXXXX@h/db");
	assert_redacted("user:secret@host", "user:XXXXX@host");
}

static void test_dialect_name(void **state)
{
	(void)state;
	assert_string_equal(rt_dialect_name(RT_DIALECT_SQLITE), "sqlite");
	assert_string_equal(rt_dialect_name(RT_DIALECT_POSTGRESQL),
	                    "postgresql");
}

static void test_release_and_reuse(void **state)
{
	struct rt_url u = RT_URL_INIT;
	struct rt_error err = RT_ERROR_INIT;

	(void)state;
	rt_url_release(NULL);
	rt_url_release(&u); /* never parsed */
	parse_ok(&u, "postgresql+pg8000://u:p@h:1/d?a=b");
	rt_url_release(&u);
	assert_null(u.driver);
	assert_null(u.username);
	assert_null(u.password);
	assert_null(u.host);
	assert_null(u.database);
	assert_int_equal(u.port, 0);
	assert_int_equal(u.query_keys.nr, 0);
	/* Released after a failure half-way through (query parsed later). */
	assert_int_equal(rt_url_parse(&u, "postgresql://u:p@h:0/d?a=b", &err),
	                 RT_EPARSE);
	rt_url_release(&u);
	assert_int_equal(rt_url_parse(&u, "mysql://", NULL), RT_EUNSUPPORTED);
	rt_url_release(&u);
	parse_ok(&u, "sqlite:///again.db");
	assert_string_equal(u.database, "again.db");
	rt_url_release(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite_relative),
		cmocka_unit_test(test_sqlite_absolute),
		cmocka_unit_test(test_sqlite_memory),
		cmocka_unit_test(test_sqlite_query),
		cmocka_unit_test(test_sqlite_path_not_decoded),
		cmocka_unit_test(test_sqlite_driver),
		cmocka_unit_test(test_sqlite_with_host_rejected),
		cmocka_unit_test(test_pg_full),
		cmocka_unit_test(test_pg_percent_decoding),
		cmocka_unit_test(test_pg_aliases_and_driver),
		cmocka_unit_test(test_pg_minimal_forms),
		cmocka_unit_test(test_pg_socket_host_query),
		cmocka_unit_test(test_pg_ipv6_host),
		cmocka_unit_test(test_pg_password_with_slash_and_at),
		cmocka_unit_test(test_query_blank_values_dropped),
		cmocka_unit_test(test_empty_user_password),
		cmocka_unit_test(test_port_errors),
		cmocka_unit_test(test_port_limits_ok),
		cmocka_unit_test(test_nul_rejected),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_unsupported_scheme),
		cmocka_unit_test(test_unsupported_garbage),
		cmocka_unit_test(test_redact_alembic_example),
		cmocka_unit_test(test_redact_leaves_other_urls),
		cmocka_unit_test(test_redact_odd_passwords),
		cmocka_unit_test(test_dialect_name),
		cmocka_unit_test(test_release_and_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
