/*
 * db.h - the database layer: one connection behind a driver vtable, and
 * the version table (alembic_version) on top of it.
 *
 * Only db/sqlite.c includes <sqlite3.h> (and only db/postgres.c and
 * db/libpq_loader.[ch] include <libpq-fe.h>); everything else talks to
 * struct rt_db.  The version table's SQL is rendered by rt_vt_render()
 * for both the online run and offline (--sql) output, so the two cannot
 * drift apart.
 */
#ifndef RT_DB_H
#define RT_DB_H

#include "util/compat.h"
#include "util/buf.h"
#include "util/strvec.h"
#include "config/url.h"
#include "graph/plan.h"

struct rt_error;
struct rt_db;
struct rt_vt_name;

/* Called with each SQL statement before it runs (for SQL echo). */
typedef void (*rt_sql_echo_fn)(void *baton, const char *sql);
/*
 * Called when a connection starts waiting for another process's
 * migration lock, and again every few seconds while it waits, with a
 * line saying who holds it and for how long we have waited.
 */
typedef void (*rt_lock_wait_fn)(void *baton, const char *message);

struct rt_db_options {
	rt_sql_echo_fn echo; /* NULL = quiet */
	void *echo_baton;
	/* read-only commands: never create or change tables (the SQLite
	   file itself is created by connecting, as with Alembic) */
	bool read_only;
	/* how long to wait for another connection's write lock, in
	   milliseconds; 0 = the driver's default (see driver.h) */
	unsigned lock_timeout_ms;
	rt_lock_wait_fn lock_wait; /* NULL = wait silently */
	void *lock_wait_baton;
	/* PostgreSQL: the session's search_path ("a, b"), NULL = the
	   server's; refused on SQLite, which has no such thing */
	const char *search_path;
};

/*
 * Open a connection for `url`.  SQLite paths are relative to the current
 * directory; the file is created when missing.  RT_EDB with the
 * driver's message (never the password).
 */
int rt_db_open(struct rt_db **out, const struct rt_url *url,
               const struct rt_db_options *opts, struct rt_error *err);
void rt_db_close(struct rt_db *db);
enum rt_dialect rt_db_dialect(const struct rt_db *db);

/*
 * Run a script of one or more statements.  On failure RT_EDB with
 * "<path>:<line>: <database message>" where line is the line of the
 * failing statement (`first_line` is the line of text[0] in `path`).
 */
int rt_db_exec_script(struct rt_db *db, const char *sql, const char *path,
                      unsigned first_line, struct rt_error *err);
/* Run one statement; *changes (if not NULL) gets the affected row count. */
int rt_db_exec(struct rt_db *db, const char *sql, long *changes,
               struct rt_error *err);
/*
 * One row of a query: `values[i]` is column i as text, NULL for SQL NULL.
 * Return <0 (with err set) to stop the query with that error.
 */
typedef int (*rt_db_row_fn)(void *baton, size_t nr_columns,
                            const char *const *values, struct rt_error *err);
/*
 * Run one query and call `fn` for each row, in the order the database
 * returns them.  RT_EDB as rt_db_exec(); an error from `fn` is returned
 * as it is.  For reading the catalog (schema/inspect_*.c).
 */
int rt_db_query(struct rt_db *db, const char *sql, rt_db_row_fn fn, void *baton,
                struct rt_error *err);
/* Append `text` as an SQL string literal: quoted, '' for a quote. */
void rt_db_add_literal(struct rt_buf *out, const char *text);

/*
 * Transactions.  rt_db_begin takes the write lock at once (SQLite BEGIN
 * IMMEDIATE), waiting up to the busy timeout, so two migrating processes
 * serialise instead of failing.
 */
int rt_db_begin(struct rt_db *db, struct rt_error *err);
int rt_db_commit(struct rt_db *db, struct rt_error *err);
/* Never fails visibly; safe to call when no transaction is open. */
void rt_db_rollback(struct rt_db *db);
bool rt_db_in_transaction(const struct rt_db *db);

/*
 * SQLite's foreign-key enforcement (foreign_keys.c); on PostgreSQL
 * enforcement is always on and these do nothing.  rt_db_set_foreign_keys
 * refuses inside a transaction, where SQLite would ignore it.
 * rt_db_check_foreign_keys runs PRAGMA foreign_key_check and fails with
 * RT_EDB naming the first violations when there are any.
 */
int rt_db_foreign_keys(bool *on, struct rt_db *db, struct rt_error *err);
int rt_db_set_foreign_keys(struct rt_db *db, bool on, struct rt_error *err);
int rt_db_check_foreign_keys(struct rt_db *db, struct rt_error *err);
/*
 * The migration lock: at most one connection per version table holds
 * it, so concurrent `upgrade head` runs take turns.  On PostgreSQL it is
 * a session advisory lock keyed on the version table's schema and name,
 * taken by polling pg_try_advisory_lock() outside any transaction (a
 * waiter blocked inside the server would hold a snapshot and stall the
 * holder's CREATE INDEX CONCURRENTLY); the server drops it if the
 * process dies.  On SQLite every transaction already starts with the
 * write lock (BEGIN IMMEDIATE), so this is a no-op there.  Waits at most
 * the lock timeout, then RT_ELOCKED; waiting is reported through the
 * options' lock_wait callback.  Callers re-read alembic_version after
 * taking it.
 */
int rt_db_lock_migrations(struct rt_db *db, const struct rt_vt_name *vt,
                          struct rt_error *err);
/* Release it; safe to call when not held. */
void rt_db_unlock_migrations(struct rt_db *db);

/* --- the version table ------------------------------------------------ */

struct rt_vt_name {
	const char *schema; /* NULL = default */
	const char *table; /* "alembic_version" */
};

int rt_vt_exists(bool *out, struct rt_db *db, const struct rt_vt_name *vt,
                 struct rt_error *err);
/* CREATE TABLE with Alembic's exact DDL (alembic.md §8.1). */
int rt_vt_create(struct rt_db *db, const struct rt_vt_name *vt,
                 struct rt_error *err);
/* Rows in the order the database returns them (no ORDER BY, as Alembic). */
int rt_vt_read(struct rt_strvec *out, struct rt_db *db,
               const struct rt_vt_name *vt, struct rt_error *err);
/*
 * Apply one change.  An UPDATE or DELETE that does not match exactly one
 * row fails with Alembic's "Online migration expected to match one row
 * when updating 'a' to 'b' in 'alembic_version'; 0 found".
 */
int rt_vt_apply(struct rt_db *db, const struct rt_vt_name *vt,
                const struct rt_vt_op *op, struct rt_error *err);
/* DELETE every row (stamp --purge). */
int rt_vt_purge(struct rt_db *db, const struct rt_vt_name *vt,
                struct rt_error *err);

/*
 * The SQL text of a version-table statement for `dialect`, exactly as
 * Alembic renders it (no trailing ';'):
 *   CREATE TABLE alembic_version (\n\tversion_num VARCHAR(32) NOT NULL, \n...
 *   INSERT INTO alembic_version (version_num) VALUES ('x')
 *   UPDATE alembic_version SET version_num='b' WHERE
 *     alembic_version.version_num = 'a'
 *   DELETE FROM alembic_version WHERE alembic_version.version_num = 'x'
 *   DROP TABLE alembic_version
 */
void rt_vt_render_create(struct rt_buf *out, enum rt_dialect dialect,
                         const struct rt_vt_name *vt);
void rt_vt_render_op(struct rt_buf *out, enum rt_dialect dialect,
                     const struct rt_vt_name *vt, const struct rt_vt_op *op);
void rt_vt_render_drop(struct rt_buf *out, enum rt_dialect dialect,
                       const struct rt_vt_name *vt);

#endif
