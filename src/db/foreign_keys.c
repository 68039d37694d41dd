#include "util/compat.h"
/*
 * foreign_keys.c - switching SQLite's foreign-key enforcement around a
 * table rebuild, and checking the keys before the rebuild commits.
 *
 * Rebuilding a table (create the new one, copy, DROP the old, rename)
 * with enforcement on runs the old table's DROP as a DELETE of every
 * row, which fires ON DELETE CASCADE / SET NULL in the tables that
 * point at it: their rows are lost or changed.  PRAGMA foreign_keys
 * cannot be changed inside a transaction, so it is switched off before
 * BEGIN and back after COMMIT, and PRAGMA foreign_key_check stands in for
 * enforcement before the COMMIT.  PostgreSQL needs none of this: its
 * ALTER TABLE does every change in place, so these are no-ops there.
 */
#include "db/db.h"
#include "db/driver.h"
#include "error_raise.h"

static int read_flag(void *baton, size_t nr, const char *const *values,
                     struct rt_error *err)
{
	bool *on = baton;

	(void)err;
	*on = nr > 0 && values[0] && strcmp(values[0], "0");
	return 0;
}

int rt_db_foreign_keys(bool *on, struct rt_db *db, struct rt_error *err)
{
	*on = true;
	if (db->dialect != RT_DIALECT_SQLITE)
		return 0;
	*on = false;
	return rt_db_query(db, "PRAGMA foreign_keys", read_flag, on, err);
}

int rt_db_set_foreign_keys(struct rt_db *db, bool on, struct rt_error *err)
{
	if (db->dialect != RT_DIALECT_SQLITE)
		return 0;
	/* SQLite ignores the PRAGMA inside a transaction, silently */
	if (rt_db_in_transaction(db))
		return rt_error_set(err, RT_ERROR,
		                    "cannot switch foreign keys %s inside a "
		                    "transaction",
		                    on ? "on" : "off");
	return rt_db_exec(
	        db, on ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF",
	        NULL, err);
}

/* At most this many violations are named in the error. */
#define MAX_NAMED 5

struct violations {
	struct rt_buf text;
	size_t nr;
};

/* A row of foreign_key_check: table, rowid, parent, fkid. */
static int add_violation(void *baton, size_t nr, const char *const *values,
                         struct rt_error *err)
{
	struct violations *v = baton;

	(void)err;
	if (nr >= 3 && v->nr++ < MAX_NAMED)
		rt_buf_addf(&v->text,
		            "%srow %s of '%s' points at a missing row "
		            "of '%s'",
		            v->text.len ? "; " : "",
		            values[1] ? values[1] : "?",
		            values[0] ? values[0] : "?",
		            values[2] ? values[2] : "?");
	return 0;
}

int rt_db_check_foreign_keys(struct rt_db *db, struct rt_error *err)
{
	struct violations v = { RT_BUF_INIT, 0 };
	int ret;

	if (db->dialect != RT_DIALECT_SQLITE)
		return 0;
	ret = rt_db_query(db, "PRAGMA foreign_key_check", add_violation, &v,
	                  err);
	if (ret == 0 && v.nr)
		ret = rt_error_set(err, RT_EDB,
		                   "PRAGMA foreign_key_check found %zu "
		                   "foreign key violation%s: %s%s",
		                   v.nr, v.nr == 1 ? "" : "s", v.text.buf,
		                   v.nr > MAX_NAMED ? "; ..." : "");
	rt_buf_release(&v.text);
	return ret;
}
