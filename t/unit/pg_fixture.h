/*
 * pg_fixture.h - a connection to the PostgreSQL server that
 * t/with-postgres.sh starts ($RETORT_TEST_PG_URL), for the unit tests
 * that need one (test_postgres.c, test_inspect_postgres.c,
 * test_target.c, test_render.c, test_autogen_property.c).  Without the
 * server those tests are skipped, and say why.
 *
 * A test works in schemas of its own, dropped before (left over from a
 * crashed run) and after it:
 *
 *	static int setup(void **state)
 *	{
 *		*state = pg_fixture_new("rt_mine, rt_mine_other", NULL);
 *		return 0;
 *	}
 *	static int teardown(void **state)
 *	{
 *		pg_fixture_free(*state);
 *		return 0;
 *	}
 *	... struct pg_fixture *f = *state;  pg_must(f->db, "CREATE ...");
 */
#ifndef RT_PG_FIXTURE_H
#define RT_PG_FIXTURE_H

#include "util/compat.h"
#include "db/db.h"

struct pg_fixture {
	struct rt_url url; /* the server's, for more connections */
	struct rt_db *db;
	char *schemas; /* as given to pg_fixture_new() */
};

/* $RETORT_TEST_PG_URL; without it the running test is skipped. */
const char *pg_fixture_server(void);

/*
 * Connect with `opts` (NULL for none), drop the comma-separated
 * `schemas` (quoted where they need it), create the first and make it
 * the search_path, with notices below warnings not sent.  A failure
 * fails the test.
 */
struct pg_fixture *pg_fixture_new(const char *schemas,
                                  const struct rt_db_options *opts);

/* End what the test left open, drop the schemas, disconnect; NULL is
   a skipped test's fixture, and nothing to do. */
void pg_fixture_free(struct pg_fixture *f);

/* Run SQL that must work. */
void pg_must(struct rt_db *db, const char *sql);

/* The first column of the first row of `sql` ("" for none), malloc'd. */
char *pg_one_value(struct rt_db *db, const char *sql);

#endif
