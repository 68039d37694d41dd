/*
 * driver.h - the database driver interface (private to src/db/ and the
 * unit tests).
 *
 * A driver is a table of function pointers, in the spirit of SQLite's VFS:
 * driver.c picks one by URL dialect and the rt_db_* wrappers in db.h call
 * through it.  A driver allocates its own connection struct with a
 * `struct rt_db` as its FIRST member, so `struct rt_db *` and the
 * driver's struct convert both ways; driver.c fills the common fields
 * after `open` succeeds.
 *
 * Division of work: the wrappers echo each statement before it runs,
 * track `in_tx`, and make rollback safe to call at any time; drivers only
 * talk to their client library.  The exception is `exec_script`, which
 * only the driver can split into statements, so the driver echoes each
 * one itself through rt_db__echo().
 *
 * db/sqlite.c is the only file that includes <sqlite3.h>; db/postgres.c
 * is the only one that calls libpq, through db/libpq_loader.h (the only
 * other file that includes <libpq-fe.h>), which loads it on the first
 * PostgreSQL connection.
 */
#ifndef RT_DB_DRIVER_H
#define RT_DB_DRIVER_H

#include "util/compat.h"
#include <time.h>
#include "db/db.h"

/*
 * How long a connection waits for another one's lock unless told
 * otherwise.  On SQLite the write lock is held for one step at a time,
 * so a short wait is plenty; the PostgreSQL migration lock is held for a
 * whole run (which may build indexes for minutes), so waiters at
 * start-up get longer before they give up.
 */
#define RT_DB_DEFAULT_LOCK_TIMEOUT_MS    30000u
#define RT_DB_PG_DEFAULT_LOCK_TIMEOUT_MS 300000u

struct rt_db_driver {
	const char *name; /* "sqlite" */
	/* The statement `begin` runs, for the echo ("BEGIN IMMEDIATE"). */
	const char *begin_sql;

	/*
	 * Connect.  On success *out is the driver's struct (common fields
	 * are filled by the caller).  On failure *out is untouched and
	 * nothing leaks.
	 */
	int (*open)(struct rt_db **out, const struct rt_url *url,
	            const struct rt_db_options *opts, struct rt_error *err);
	/* Disconnect and free; accepts NULL.  An open transaction is lost. */
	void (*close)(struct rt_db *db);

	/* See rt_db_exec_script(); echoes each statement itself. */
	int (*exec_script)(struct rt_db *db, const char *sql, const char *path,
	                   unsigned first_line, struct rt_error *err);
	/* Exactly one statement; *changes (if not NULL) = rows affected. */
	int (*exec)(struct rt_db *db, const char *sql, long *changes,
	            struct rt_error *err);
	/* Run a query and append its first column, as text, to `out`. */
	int (*query_column)(struct rt_strvec *out, struct rt_db *db,
	                    const char *sql, struct rt_error *err);
	/* Run a query and pass each row, as text, to `fn`; see rt_db_query. */
	int (*query)(struct rt_db *db, const char *sql, rt_db_row_fn fn,
	             void *baton, struct rt_error *err);

	int (*begin)(struct rt_db *db, struct rt_error *err);
	int (*commit)(struct rt_db *db, struct rt_error *err);
	int (*rollback)(struct rt_db *db, struct rt_error *err);
	/* The server's view: is a transaction open on this connection? */
	bool (*in_transaction)(const struct rt_db *db);

	/* Whether `schema`.`table` exists; schema NULL = the default. */
	int (*table_exists)(bool *out, struct rt_db *db, const char *schema,
	                    const char *table, struct rt_error *err);
	/* How long to wait for another connection's lock; 0 = fail at once. */
	void (*set_lock_timeout)(struct rt_db *db, unsigned ms);
	/* See rt_db_lock_migrations(); schema NULL = the default one. */
	int (*lock_migrations)(struct rt_db *db, const char *schema,
	                       const char *table, struct rt_error *err);
	void (*unlock_migrations)(struct rt_db *db);
};

/* The part of a connection every driver shares (embed it first). */
struct rt_db {
	const struct rt_db_driver *driver;
	enum rt_dialect dialect;
	/* rt_db_begin() succeeded and no commit/rollback has happened yet */
	bool in_tx;
	/* the caller promised not to write (version table writes refuse) */
	bool read_only;
	rt_sql_echo_fn echo;
	void *echo_baton;
	rt_lock_wait_fn lock_wait;
	void *lock_wait_baton;
};

extern const struct rt_db_driver rt_db_sqlite_driver;
extern const struct rt_db_driver rt_db_postgres_driver;

/*
 * Append `sql` on one line (runs of white space become one space), cut
 * short at about 200 bytes, so an error message stays one readable line.
 */
void rt_db__add_sql_one_line(struct rt_buf *out, const char *sql);
/* Milliseconds since `start` (CLOCK_MONOTONIC), for lock waits. */
double rt_db__ms_since(const struct timespec *start);

/* Report a lock wait through the lock_wait callback, if there is one. */
void rt_db__lock_wait(struct rt_db *db, const char *fmt, ...) RT_PRINTF(2, 3);

/* Pass `sql` to the echo callback, if there is one. */
void rt_db__echo(struct rt_db *db, const char *sql);

/* Query wrappers (with echo) for the version table code. */
int rt_db__query_column(struct rt_strvec *out, struct rt_db *db,
                        const char *sql, struct rt_error *err);
int rt_db__table_exists(bool *out, struct rt_db *db, const char *schema,
                        const char *table, struct rt_error *err);

/*
 * Change how long a connection waits for another one's write lock before
 * rt_db_begin() (or any statement) fails with RT_ELOCKED.  The default is
 * RT_DB_DEFAULT_LOCK_TIMEOUT_MS; SQLite URLs may also say ?timeout=SECONDS
 * as SQLAlchemy's pysqlite does; the CLI's --lock-timeout arrives here
 * through rt_db_options.lock_timeout_ms.
 */
void rt_db__set_lock_timeout(struct rt_db *db, unsigned ms);

/*
 * Append `name` as an SQL identifier for `dialect`: bare when it is a
 * lower-case name of letters, digits, '_' and '$' (not starting with a
 * digit or '$') that is not a reserved word of the dialect, otherwise in
 * double quotes with '"' doubled.  This is SQLAlchemy's rule, so the text
 * matches what Alembic prints.
 */
void rt_db__add_ident(struct rt_buf *out, enum rt_dialect dialect,
                      const char *name);
/* Append `schema`.`table` (or just `table` when schema is NULL). */
void rt_db__add_qualified(struct rt_buf *out, enum rt_dialect dialect,
                          const char *schema, const char *table);

#endif
