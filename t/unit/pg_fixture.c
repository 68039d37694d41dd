/*
 * pg_fixture.c - the PostgreSQL server connection of pg_fixture.h.
 */
#include "util/compat.h"
#include <setjmp.h>
#include <cmocka.h>

#include "pg_fixture.h"
#include "db/driver.h"
#include "util/alloc.h"

const char *pg_fixture_server(void)
{
	const char *url = getenv("RETORT_TEST_PG_URL");

	if (!url || !*url) {
		print_message("# no server: RETORT_TEST_PG_URL is not set "
		              "(run through t/with-postgres.sh)\n");
		skip();
	}
	return url;
}

struct pg_fixture *pg_fixture_new(const char *schemas,
                                  const struct rt_db_options *opts)
{
	const char *url = pg_fixture_server();
	struct rt_error err = RT_ERROR_INIT;
	struct pg_fixture *f = rt_xcalloc(1, sizeof(*f));
	size_t first = strcspn(schemas, ",");
	char *sql;

	f->url = (struct rt_url)RT_URL_INIT;
	f->schemas = rt_xstrdup(schemas);
	if (rt_url_parse(&f->url, url, &err) < 0)
		fail_msg("%s", err.message);
	if (rt_db_open(&f->db, &f->url, opts, &err) < 0)
		fail_msg("cannot connect: %s", err.message);
	sql = rt_xstrfmt("SET client_min_messages = warning; "
	                 "DROP SCHEMA IF EXISTS %s CASCADE; "
	                 "CREATE SCHEMA %.*s; SET search_path TO %.*s",
	                 schemas, (int)first, schemas, (int)first, schemas);
	pg_must(f->db, sql);
	free(sql);
	return f;
}

void pg_fixture_free(struct pg_fixture *f)
{
	char *sql;

	if (!f)
		return;
	rt_db_rollback(f->db);
	sql = rt_xstrfmt("DROP SCHEMA IF EXISTS %s CASCADE", f->schemas);
	pg_must(f->db, sql);
	free(sql);
	rt_db_close(f->db);
	rt_url_release(&f->url);
	free(f->schemas);
	free(f);
}

void pg_must(struct rt_db *db, const char *sql)
{
	struct rt_error err = RT_ERROR_INIT;

	if (rt_db_exec_script(db, sql, NULL, 1, &err) < 0)
		fail_msg("%s: %s", sql, err.message);
}

char *pg_one_value(struct rt_db *db, const char *sql)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_strvec rows = RT_STRVEC_INIT;
	char *value;

	if (rt_db__query_column(&rows, db, sql, &err) < 0)
		fail_msg("%s: %s", sql, err.message);
	value = rt_xstrdup(rows.nr ? rows.v[0] : "");
	rt_strvec_clear(&rows);
	return value;
}
