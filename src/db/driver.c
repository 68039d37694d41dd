/*
 * driver.c - picks the driver for a URL and implements the rt_db_*
 * wrappers of db.h on top of the vtable in driver.h (echo, transaction
 * bookkeeping), plus the dialects' identifier quoting.  The drivers
 * themselves are db/sqlite.c (and later db/postgres.c).
 */
#include "util/compat.h"
#include <time.h>
#include "db/driver.h"
#include "error_raise.h"
#include "util/alloc.h"

/*
 * Reserved words of each dialect, each between spaces.  They are the
 * lists SQLAlchemy 1.4 quotes, so a version table named e.g. "order" is
 * written the way Alembic writes it.
 */
static const char sqlite_reserved[] =
        " add after all alter analyze and as asc attach autoincrement "
        "before begin between by cascade case cast check collate "
        "column commit conflict constraint create cross current_date "
        "current_time current_timestamp database default deferrable "
        "deferred delete desc detach distinct drop each else end "
        "escape except exclusive exists explain fail false for foreign "
        "from full glob group having if ignore immediate in index "
        "indexed initially inner insert instead intersect into is "
        "isnull join key left like limit match natural not notnull "
        "null of offset on or order outer plan pragma primary query "
        "raise references reindex rename replace restrict right "
        "rollback row select set table temp temporary then to "
        "transaction trigger true union unique update using vacuum "
        "values view virtual when where ";

static const char postgresql_reserved[] =
        " all analyse analyze and any array as asc asymmetric "
        "authorization between binary both case cast check collate "
        "column constraint create cross current_catalog current_date "
        "current_role current_schema current_time current_timestamp "
        "current_user default deferrable desc distinct do else end "
        "except false fetch for foreign freeze from full grant group "
        "having ilike in initially inner intersect into is isnull join "
        "leading left like limit localtime localtimestamp natural new "
        "not notnull null of off offset old on only or order outer "
        "over overlaps placing primary references returning right "
        "select session_user similar some symmetric table then to "
        "trailing true union unique user using variadic verbose when "
        "where window with ";

static bool is_reserved(enum rt_dialect dialect, const char *name)
{
	const char *list = dialect == RT_DIALECT_POSTGRESQL ?
	                           postgresql_reserved :
	                           sqlite_reserved;
	struct rt_buf word = RT_BUF_INIT;
	bool found;

	rt_buf_addf(&word, " %s ", name);
	found = strstr(list, word.buf) != NULL;
	rt_buf_release(&word);
	return found;
}

static bool ident_needs_quotes(enum rt_dialect dialect, const char *name)
{
	const char *p;

	if (!*name || (*name >= '0' && *name <= '9') || *name == '$')
		return true;
	for (p = name; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') ||
		          (*p >= '0' && *p <= '9') || *p == '_' || *p == '$';

		if (!ok)
			return true;
	}
	return is_reserved(dialect, name);
}

void rt_db__add_ident(struct rt_buf *out, enum rt_dialect dialect,
                      const char *name)
{
	const char *p;

	if (!ident_needs_quotes(dialect, name)) {
		rt_buf_adds(out, name);
		return;
	}
	rt_buf_addch(out, '"');
	for (p = name; *p; p++) {
		if (*p == '"')
			rt_buf_addch(out, '"');
		rt_buf_addch(out, *p);
	}
	rt_buf_addch(out, '"');
}

void rt_db__add_qualified(struct rt_buf *out, enum rt_dialect dialect,
                          const char *schema, const char *table)
{
	if (schema) {
		rt_db__add_ident(out, dialect, schema);
		rt_buf_addch(out, '.');
	}
	rt_db__add_ident(out, dialect, table);
}

/* --- opening ---------------------------------------------------------- */

static int driver_for(const struct rt_db_driver **out, const struct rt_url *url,
                      struct rt_error *err)
{
	switch (url->dialect) {
	case RT_DIALECT_SQLITE:
		*out = &rt_db_sqlite_driver;
		return 0;
	case RT_DIALECT_POSTGRESQL:
		*out = &rt_db_postgres_driver;
		return 0;
	}
	return rt_error_set(err, RT_EUNSUPPORTED, "unknown database dialect %d",
	                    (int)url->dialect);
}

int rt_db_open(struct rt_db **out, const struct rt_url *url,
               const struct rt_db_options *opts, struct rt_error *err)
{
	static const struct rt_db_options no_opts;
	const struct rt_db_driver *driver = NULL;
	struct rt_db *db = NULL;
	int ret;

	*out = NULL;
	if (!opts)
		opts = &no_opts;
	ret = driver_for(&driver, url, err);
	if (ret < 0)
		return ret;
	if (opts->search_path && url->dialect != RT_DIALECT_POSTGRESQL)
		return rt_error_set(err, RT_ECONFIG,
		                    "search_path is set, but %s has no schema "
		                    "search path; remove it from the ini file "
		                    "or use a postgresql:// URL",
		                    rt_dialect_name(url->dialect));
	ret = driver->open(&db, url, opts, err);
	if (ret < 0)
		return ret;
	db->driver = driver;
	db->dialect = url->dialect;
	db->in_tx = false;
	db->read_only = opts->read_only;
	db->echo = opts->echo;
	db->echo_baton = opts->echo_baton;
	db->lock_wait = opts->lock_wait;
	db->lock_wait_baton = opts->lock_wait_baton;
	if (opts->lock_timeout_ms)
		rt_db__set_lock_timeout(db, opts->lock_timeout_ms);
	*out = db;
	return 0;
}

void rt_db_close(struct rt_db *db)
{
	if (db)
		db->driver->close(db);
}

enum rt_dialect rt_db_dialect(const struct rt_db *db)
{
	return db->dialect;
}

void rt_db__set_lock_timeout(struct rt_db *db, unsigned ms)
{
	db->driver->set_lock_timeout(db, ms);
}

void rt_db__lock_wait(struct rt_db *db, const char *fmt, ...)
{
	struct rt_buf sb = RT_BUF_INIT;
	va_list ap;

	if (!db->lock_wait)
		return;
	va_start(ap, fmt);
	rt_buf_vaddf(&sb, fmt, ap);
	va_end(ap);
	db->lock_wait(db->lock_wait_baton, sb.buf);
	rt_buf_release(&sb);
}

int rt_db_lock_migrations(struct rt_db *db, const struct rt_vt_name *vt,
                          struct rt_error *err)
{
	return db->driver->lock_migrations(db, vt->schema, vt->table, err);
}

void rt_db_unlock_migrations(struct rt_db *db)
{
	if (db)
		db->driver->unlock_migrations(db);
}

/* --- helpers for drivers ---------------------------------------------- */

/*
 * `sql` on one line (runs of white space become one space), cut short
 * when long, so that an error message stays one readable line.
 */
void rt_db__add_sql_one_line(struct rt_buf *out, const char *sql)
{
	const size_t max = 200;
	size_t start = out->len;
	bool space = false;

	for (; *sql; sql++) {
		if (out->len - start >= max) {
			rt_buf_adds(out, "...");
			return;
		}
		if (*sql == ' ' || *sql == '\t' || *sql == '\n' ||
		    *sql == '\r' || *sql == '\f') {
			space = true;
			continue;
		}
		if (space && out->len > start)
			rt_buf_addch(out, ' ');
		space = false;
		rt_buf_addch(out, *sql);
	}
}

double rt_db__ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1000.0 +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

/* --- statements --------------------------------------------------------- */

void rt_db__echo(struct rt_db *db, const char *sql)
{
	if (db->echo)
		db->echo(db->echo_baton, sql);
}

int rt_db_exec_script(struct rt_db *db, const char *sql, const char *path,
                      unsigned first_line, struct rt_error *err)
{
	return db->driver->exec_script(db, sql, path, first_line, err);
}

int rt_db_exec(struct rt_db *db, const char *sql, long *changes,
               struct rt_error *err)
{
	if (changes)
		*changes = 0;
	rt_db__echo(db, sql);
	return db->driver->exec(db, sql, changes, err);
}

int rt_db_query(struct rt_db *db, const char *sql, rt_db_row_fn fn, void *baton,
                struct rt_error *err)
{
	rt_db__echo(db, sql);
	return db->driver->query(db, sql, fn, baton, err);
}

void rt_db_add_literal(struct rt_buf *out, const char *text)
{
	rt_buf_addch(out, '\'');
	rt_buf_add_sql_quoted(out, text);
	rt_buf_addch(out, '\'');
}

int rt_db__query_column(struct rt_strvec *out, struct rt_db *db,
                        const char *sql, struct rt_error *err)
{
	rt_db__echo(db, sql);
	return db->driver->query_column(out, db, sql, err);
}

int rt_db__table_exists(bool *out, struct rt_db *db, const char *schema,
                        const char *table, struct rt_error *err)
{
	*out = false;
	return db->driver->table_exists(out, db, schema, table, err);
}

/* --- transactions ------------------------------------------------------- */

int rt_db_begin(struct rt_db *db, struct rt_error *err)
{
	int ret;

	/* in_tx alone could be stale if the database gave up the transaction */
	if (rt_db_in_transaction(db))
		return rt_error_set(err, RT_ERROR,
		                    "a transaction is already open on this "
		                    "connection; commit or roll it back first");
	rt_db__echo(db, db->driver->begin_sql);
	ret = db->driver->begin(db, err);
	if (ret < 0)
		return ret;
	db->in_tx = true;
	return 0;
}

int rt_db_commit(struct rt_db *db, struct rt_error *err)
{
	int ret;

	rt_db__echo(db, "COMMIT");
	ret = db->driver->commit(db, err);
	/*
	 * A failed COMMIT may leave the transaction open (SQLite: a reader
	 * still holds the file); in_tx stays set so the caller rolls back.
	 */
	if (ret < 0)
		return ret;
	db->in_tx = false;
	return 0;
}

void rt_db_rollback(struct rt_db *db)
{
	struct rt_error ignored = RT_ERROR_INIT;

	if (!db)
		return;
	/*
	 * Ask the driver rather than trusting in_tx: the database may have
	 * rolled back by itself after an error, and a second ROLLBACK
	 * would only produce a confusing message.
	 */
	if (db->driver->in_transaction(db)) {
		rt_db__echo(db, "ROLLBACK");
		db->driver->rollback(db, &ignored);
	}
	db->in_tx = false;
}

bool rt_db_in_transaction(const struct rt_db *db)
{
	return db->in_tx && db->driver->in_transaction(db);
}
