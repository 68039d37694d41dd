/*
 * sqlite.c - the SQLite driver behind driver.h, and the only file in
 * retort that includes <sqlite3.h>.  Read driver.h first; db.h has the
 * behaviour callers rely on (line numbers in script errors, BEGIN
 * IMMEDIATE so that two migrating processes take turns).
 */
#include "util/compat.h"
#include <limits.h>
#include <math.h>
#include <time.h>
#include <sqlite3.h>
#include "db/driver.h"
#include "error_raise.h"
#include "util/alloc.h"

struct sqlite_db {
	struct rt_db base; /* first: see driver.h */
	sqlite3 *handle;
	char *display; /* the path as the user wrote it, for messages */
	unsigned lock_timeout_ms;
	/* the current wait for another connection's lock (busy_wait()) */
	struct timespec wait_start;
	unsigned waits_reported;
};

static struct sqlite_db *sqlite_of(struct rt_db *db)
{
	return (struct sqlite_db *)db;
}

static const struct sqlite_db *sqlite_of_const(const struct rt_db *db)
{
	return (const struct sqlite_db *)db;
}

/* --- error messages ------------------------------------------------------ */

static int code_for(int rc)
{
	rc &= 0xff; /* extended result codes carry the primary in the low byte */
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return RT_ELOCKED;
	return RT_EDB;
}

static int lock_error(struct sqlite_db *db, const char *what,
                      struct rt_error *err)
{
	return rt_error_set(err, RT_ELOCKED,
	                    "cannot %s: the SQLite database '%s' is locked by "
	                    "another connection (waited %g s); try again when "
	                    "the other migration has finished",
	                    what, db->display, db->lock_timeout_ms / 1000.0);
}

/* RT_EDB (or RT_ELOCKED) with SQLite's message and the statement. */
static int statement_error(struct sqlite_db *db, int rc, const char *msg,
                           const char *sql, struct rt_error *err)
{
	struct rt_buf one_line = RT_BUF_INIT;
	int ret;

	if (code_for(rc) == RT_ELOCKED)
		return lock_error(db, "run a statement", err);
	rt_db__add_sql_one_line(&one_line, sql);
	ret = rt_error_set(err, code_for(rc), "%s [SQL: %s]", msg,
	                   one_line.buf);
	rt_buf_release(&one_line);
	return ret;
}

/* --- opening ------------------------------------------------------------- */

/* Parameters SQLAlchemy's pysqlite hands to the Python driver. */
static bool is_driver_param(const char *key)
{
	static const char *const names[] = {
		"uri",          "timeout",           "isolation_level",
		"detect_types", "check_same_thread", "cached_statements",
	};

	for (size_t i = 0; i < RT_ARRAY_SIZE(names); i++)
		if (!strcmp(key, names[i]))
			return true;
	return false;
}

static bool ascii_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		int ca = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
		int cb = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;

		if (ca != cb)
			return false;
	}
	return *a == *b;
}

/* SQLAlchemy's asbool(): the usual spellings of true and false. */
static int parse_bool(bool *out, const char *key, const char *value,
                      struct rt_error *err)
{
	static const char *const yes[] = { "true", "yes", "on", "y", "t", "1" };
	static const char *const no[] = { "false", "no", "off", "n", "f", "0" };

	for (size_t i = 0; i < RT_ARRAY_SIZE(yes); i++) {
		if (ascii_ieq(value, yes[i])) {
			*out = true;
			return 0;
		}
		if (ascii_ieq(value, no[i])) {
			*out = false;
			return 0;
		}
	}
	return rt_error_set(err, RT_ECONFIG,
	                    "invalid value '%s' for '%s' in sqlalchemy.url; "
	                    "use true or false",
	                    value, key);
}

static int parse_timeout(unsigned *out_ms, const char *value,
                         struct rt_error *err)
{
	char *end = NULL;
	double seconds;

	errno = 0;
	seconds = strtod(value, &end);
	if (!*value || *end || errno || !isfinite(seconds) || seconds < 0)
		return rt_error_set(err, RT_ECONFIG,
		                    "invalid timeout '%s' in sqlalchemy.url; "
		                    "give the lock timeout in seconds, e.g. "
		                    "?timeout=30",
		                    value);
	if (seconds * 1000.0 >= (double)INT_MAX)
		*out_ms = INT_MAX;
	else
		*out_ms = (unsigned)(seconds * 1000.0 + 0.5);
	return 0;
}

/* Append `s` percent-encoded for a file: URI; '/' kept when `keep_slash`. */
static void add_uri_encoded(struct rt_buf *out, const char *s, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		             (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		             c == '_' || c == '~' || (keep_slash && c == '/');

		if (plain) {
			rt_buf_addch(out, c);
			continue;
		}
		rt_buf_addch(out, '%');
		rt_buf_addch(out, hex[c >> 4]);
		rt_buf_addch(out, hex[c & 15]);
	}
}

/* What sqlite3_open_v2() gets, worked out from the URL. */
struct open_plan {
	struct rt_buf filename;
	bool use_uri;
	unsigned lock_timeout_ms;
};

static bool url_is_memory(const struct rt_url *url)
{
	return url->sqlite_memory || !url->database || !*url->database;
}

static void add_uri_params(struct rt_buf *out, const struct rt_url *url)
{
	char sep = strchr(out->buf, '?') ? '&' : '?';

	for (size_t i = 0; i < url->query_keys.nr; i++) {
		const char *key = url->query_keys.v[i];

		if (is_driver_param(key))
			continue;
		rt_buf_addch(out, sep);
		add_uri_encoded(out, key, false);
		rt_buf_addch(out, '=');
		add_uri_encoded(out, url->query_values.v[i], false);
		sep = '&';
	}
}

/*
 * The filename for SQLite.  Without query parameters it is the path as
 * written (relative to the current directory).  Parameters SQLite
 * understands (mode=ro, cache=shared, ...) need a file: URI, built here
 * with the path percent-encoded; with ?uri=true the path already is one,
 * as with SQLAlchemy.
 */
static int plan_open(struct open_plan *plan, const struct rt_url *url,
                     struct rt_error *err)
{
	bool uri_given = false;
	size_t nr_sqlite_params = 0;
	int ret;

	for (size_t i = 0; i < url->query_keys.nr; i++) {
		const char *key = url->query_keys.v[i];
		const char *value = url->query_values.v[i];

		if (!strcmp(key, "uri"))
			ret = parse_bool(&uri_given, key, value, err);
		else if (!strcmp(key, "timeout"))
			ret = parse_timeout(&plan->lock_timeout_ms, value, err);
		else
			ret = 0;
		if (ret < 0)
			return ret;
		if (!is_driver_param(key))
			nr_sqlite_params++;
	}

	plan->use_uri = uri_given || nr_sqlite_params;
	if (uri_given && !url_is_memory(url)) {
		rt_buf_adds(&plan->filename, url->database);
	} else if (plan->use_uri && url_is_memory(url)) {
		rt_buf_adds(&plan->filename, "file::memory:");
	} else if (plan->use_uri) {
		/* "file:///abs" keeps a path starting with "//" a path */
		rt_buf_adds(&plan->filename,
		            url->database[0] == '/' ? "file://" : "file:");
		add_uri_encoded(&plan->filename, url->database, true);
	} else if (url_is_memory(url)) {
		rt_buf_adds(&plan->filename, ":memory:");
	} else {
		/* never let a plain path be taken for a URI */
		if (rt_starts_with(url->database, "file:"))
			rt_buf_adds(&plan->filename, "./");
		rt_buf_adds(&plan->filename, url->database);
	}
	if (plan->use_uri)
		add_uri_params(&plan->filename, url);
	return 0;
}

static int open_error(const char *display, int rc, const char *msg,
                      struct rt_error *err)
{
	return rt_error_set(err, code_for(rc),
	                    "cannot open SQLite database '%s': %s; check the "
	                    "path in sqlalchemy.url",
	                    display, msg);
}

/*
 * SQLite opens files lazily, so a text file or a directory only shows up
 * at the first statement.  Reading the schema cookie now turns that into
 * an error about opening, which is what it is.
 */
static int check_readable(struct sqlite_db *db, struct rt_error *err)
{
	sqlite3_stmt *stmt = NULL;
	int rc;

	rc = sqlite3_prepare_v2(db->handle, "PRAGMA schema_version", -1, &stmt,
	                        NULL);
	if (rc == SQLITE_OK) {
		do
			rc = sqlite3_step(stmt);
		while (rc == SQLITE_ROW);
	}
	if (rc != SQLITE_OK && rc != SQLITE_DONE) {
		open_error(db->display, rc, sqlite3_errmsg(db->handle), err);
		sqlite3_finalize(stmt);
		return code_for(rc);
	}
	sqlite3_finalize(stmt);
	return 0;
}

/* --- waiting for a lock --------------------------------------------------- */

/*
 * SQLite's busy handler: called while another connection holds the lock
 * we need, with `count` = how often it was called for this wait.  It is
 * sqlite3_busy_timeout() plus a progress line through the lock_wait
 * callback once the wait passes a second (and every 10 s after), so that
 * a deploy stuck behind a long migration says why.  Returning 0 gives up
 * (the statement fails with SQLITE_BUSY).
 */
static int busy_wait(void *baton, int count)
{
	struct sqlite_db *db = baton;
	double waited, report_at;
	long sleep_ms;

	if (count == 0) {
		clock_gettime(CLOCK_MONOTONIC, &db->wait_start);
		db->waits_reported = 0;
	}
	waited = rt_db__ms_since(&db->wait_start);
	if (waited >= db->lock_timeout_ms)
		return 0;
	report_at = 1000.0 + 10000.0 * db->waits_reported;
	if (waited >= report_at) {
		rt_db__lock_wait(
		        &db->base,
		        "Waiting for the write lock on SQLite database "
		        "'%s': another connection is writing (%.0f s "
		        "so far, giving up after %g s)",
		        db->display, waited / 1000.0,
		        db->lock_timeout_ms / 1000.0);
		db->waits_reported++;
	}
	/* short sleeps first: most waits are one quick step of another run */
	sleep_ms = count < 10 ? 1 + count * 2 : 25;
	if (sleep_ms > (long)(db->lock_timeout_ms - waited) + 1)
		sleep_ms = (long)(db->lock_timeout_ms - waited) + 1;
	sqlite3_sleep((int)sleep_ms);
	return 1;
}

static void sqlite_close(struct rt_db *base)
{
	struct sqlite_db *db = sqlite_of(base);

	if (!db)
		return;
	/* _v2: never leaves the handle open, even if a statement leaked */
	sqlite3_close_v2(db->handle);
	free(db->display);
	free(db);
}

static int sqlite_open(struct rt_db **out, const struct rt_url *url,
                       const struct rt_db_options *opts, struct rt_error *err)
{
	struct open_plan plan = { RT_BUF_INIT, false,
		                  RT_DB_DEFAULT_LOCK_TIMEOUT_MS };
	struct sqlite_db *db = rt_xcalloc(1, sizeof(*db));
	/*
	 * Always allow creating the file, even for read-only commands:
	 * Alembic's `current` creates an empty file too.  read_only only
	 * stops the version table code from writing.
	 */
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc, ret;

	(void)opts;
	db->display =
	        rt_xstrdup(url_is_memory(url) ? ":memory:" : url->database);
	ret = plan_open(&plan, url, err);
	if (ret < 0)
		goto out;
	if (plan.use_uri)
		flags |= SQLITE_OPEN_URI;
	rc = sqlite3_open_v2(plan.filename.buf, &db->handle, flags, NULL);
	if (rc != SQLITE_OK) {
		ret = open_error(db->display, rc,
		                 db->handle ? sqlite3_errmsg(db->handle) :
		                              sqlite3_errstr(rc),
		                 err);
		goto out;
	}
	db->lock_timeout_ms = plan.lock_timeout_ms;
	sqlite3_busy_handler(db->handle, busy_wait, db);
	ret = check_readable(db, err);
out:
	rt_buf_release(&plan.filename);
	if (ret < 0) {
		sqlite_close(&db->base);
		return ret;
	}
	*out = &db->base;
	return 0;
}

static void sqlite_set_lock_timeout(struct rt_db *base, unsigned ms)
{
	struct sqlite_db *db = sqlite_of(base);

	if (ms > INT_MAX)
		ms = INT_MAX;
	db->lock_timeout_ms = ms;
}

/* --- scripts ------------------------------------------------------------- */

/*
 * Skip white space and comments the way SQLite's tokenizer does, adding
 * the newlines passed to *line.
 */
static const char *skip_blank(const char *p, unsigned *line)
{
	for (;;) {
		if (*p == '\n') {
			(*line)++;
			p++;
		} else if (*p == ' ' || *p == '\t' || *p == '\r' ||
		           *p == '\f') {
			p++;
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			p += 2;
			while (*p && !(p[0] == '*' && p[1] == '/')) {
				if (*p == '\n')
					(*line)++;
				p++;
			}
			if (*p)
				p += 2;
		} else {
			return p;
		}
	}
}

static unsigned count_newlines(const char *start, const char *end)
{
	unsigned n = 0;

	for (; start < end; start++)
		if (*start == '\n')
			n++;
	return n;
}

/* Echo [start, end) without the trailing ';' and white space. */
static void echo_statement(struct sqlite_db *db, const char *start,
                           const char *end)
{
	struct rt_buf text = RT_BUF_INIT;

	if (!db->base.echo)
		return;
	rt_buf_add(&text, start, (size_t)(end - start));
	rt_buf_rtrim(&text);
	if (text.len && text.buf[text.len - 1] == ';')
		rt_buf_setlen(&text, text.len - 1);
	rt_buf_rtrim(&text);
	rt_db__echo(&db->base, text.buf);
	rt_buf_release(&text);
}

/* Step a statement to completion, ignoring any rows it returns. */
static int step_all(sqlite3_stmt *stmt)
{
	int rc;

	do
		rc = sqlite3_step(stmt);
	while (rc == SQLITE_ROW);
	return rc;
}

static int script_error(struct sqlite_db *db, int rc, const char *path,
                        unsigned line, struct rt_error *err)
{
	const char *msg = sqlite3_errmsg(db->handle);

	if (!path)
		return rt_error_set(err, code_for(rc), "line %u: %s", line,
		                    msg);
	return rt_error_set_at(err, code_for(rc), path, line, "%s:%u: %s", path,
	                       line, msg);
}

static int sqlite_exec_script(struct rt_db *base, const char *sql,
                              const char *path, unsigned first_line,
                              struct rt_error *err)
{
	struct sqlite_db *db = sqlite_of(base);
	unsigned line = first_line;
	const char *p = sql;

	for (;;) {
		sqlite3_stmt *stmt = NULL;
		const char *start = skip_blank(p, &line);
		const char *tail = NULL;
		int rc, ret;

		if (!*start)
			return 0;
		rc = sqlite3_prepare_v2(db->handle, start, -1, &stmt, &tail);
		if (rc != SQLITE_OK)
			return script_error(db, rc, path, line, err);
		if (!tail || tail == start) {
			/* cannot happen; never loop forever if it does */
			sqlite3_finalize(stmt);
			return 0;
		}
		if (stmt) {
			echo_statement(db, start, tail);
			rc = step_all(stmt);
			ret = rc == SQLITE_DONE ?
			              0 :
			              script_error(db, rc, path, line, err);
			sqlite3_finalize(stmt);
			if (ret < 0)
				return ret;
		}
		line += count_newlines(start, tail);
		p = tail;
	}
}

/* --- single statements --------------------------------------------------- */

/*
 * Prepare `sql`, which must be one statement: rt_db_exec() silently
 * dropping the rest of a script would hide a bug.  *stmt is NULL for
 * text without a statement.
 */
static int prepare_one(sqlite3_stmt **stmt, struct sqlite_db *db,
                       const char *sql, struct rt_error *err)
{
	const char *tail = NULL;
	unsigned ignored = 0;
	int rc;

	*stmt = NULL;
	rc = sqlite3_prepare_v2(db->handle, sql, -1, stmt, &tail);
	if (rc != SQLITE_OK)
		return statement_error(db, rc, sqlite3_errmsg(db->handle), sql,
		                       err);
	if (tail && *skip_blank(tail, &ignored)) {
		sqlite3_finalize(*stmt);
		*stmt = NULL;
		return rt_error_set(err, RT_ERROR,
		                    "more than one SQL statement given where "
		                    "one was expected (use a script) "
		                    "[SQL: %.200s]",
		                    sql);
	}
	return 0;
}

static int sqlite_exec(struct rt_db *base, const char *sql, long *changes,
                       struct rt_error *err)
{
	struct sqlite_db *db = sqlite_of(base);
	sqlite3_stmt *stmt = NULL;
	sqlite3_int64 before;
	int rc, ret;

	ret = prepare_one(&stmt, db, sql, err);
	if (ret < 0 || !stmt)
		return ret;
	before = sqlite3_total_changes64(db->handle);
	rc = step_all(stmt);
	if (rc != SQLITE_DONE) {
		ret = statement_error(db, rc, sqlite3_errmsg(db->handle), sql,
		                      err);
		goto out;
	}
	/*
	 * sqlite3_changes() keeps the count of the last INSERT, UPDATE or
	 * DELETE, so after DDL it would be stale; the total tells whether
	 * this statement changed anything at all.
	 */
	if (changes)
		*changes = sqlite3_total_changes64(db->handle) == before ?
		                   0 :
		                   (long)sqlite3_changes64(db->handle);
out:
	sqlite3_finalize(stmt);
	return ret;
}

static int sqlite_query_column(struct rt_strvec *out, struct rt_db *base,
                               const char *sql, struct rt_error *err)
{
	struct sqlite_db *db = sqlite_of(base);
	sqlite3_stmt *stmt = NULL;
	int rc, ret;

	ret = prepare_one(&stmt, db, sql, err);
	if (ret < 0 || !stmt)
		return ret;
	for (rc = sqlite3_step(stmt); rc == SQLITE_ROW;
	     rc = sqlite3_step(stmt)) {
		const unsigned char *text = sqlite3_column_text(stmt, 0);

		rt_strvec_push(out, text ? (const char *)text : "");
	}
	if (rc != SQLITE_DONE)
		ret = statement_error(db, rc, sqlite3_errmsg(db->handle), sql,
		                      err);
	sqlite3_finalize(stmt);
	return ret;
}

/* Up to this many columns are passed without an allocation. */
#define ROW_COLUMNS 16

static int sqlite_query(struct rt_db *base, const char *sql, rt_db_row_fn fn,
                        void *baton, struct rt_error *err)
{
	struct sqlite_db *db = sqlite_of(base);
	sqlite3_stmt *stmt = NULL;
	const char *fixed[ROW_COLUMNS], **values = fixed;
	size_t nr;
	int rc, ret;

	ret = prepare_one(&stmt, db, sql, err);
	if (ret < 0 || !stmt)
		return ret;
	nr = (size_t)sqlite3_column_count(stmt);
	if (nr > ROW_COLUMNS)
		values = rt_xcalloc(nr, sizeof(*values));
	for (rc = sqlite3_step(stmt); rc == SQLITE_ROW && ret == 0;
	     rc = sqlite3_step(stmt)) {
		for (size_t i = 0; i < nr; i++)
			values[i] =
			        (const char *)sqlite3_column_text(stmt, (int)i);
		ret = fn(baton, nr, values, err);
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = statement_error(db, rc, sqlite3_errmsg(db->handle), sql,
		                      err);
	if (values != fixed)
		free(values);
	sqlite3_finalize(stmt);
	return ret;
}

/* --- transactions -------------------------------------------------------- */

static int run_control(struct sqlite_db *db, const char *sql, const char *what,
                       struct rt_error *err)
{
	int rc = sqlite3_exec(db->handle, sql, NULL, NULL, NULL);

	if (rc == SQLITE_OK)
		return 0;
	if (code_for(rc) == RT_ELOCKED)
		return lock_error(db, what, err);
	return statement_error(db, rc, sqlite3_errmsg(db->handle), sql, err);
}

/*
 * IMMEDIATE takes the write lock now, waiting up to the busy timeout, so
 * a second migrating process queues here instead of failing half way.
 */
static int sqlite_begin(struct rt_db *base, struct rt_error *err)
{
	return run_control(sqlite_of(base), "BEGIN IMMEDIATE",
	                   "start a transaction", err);
}

static int sqlite_commit(struct rt_db *base, struct rt_error *err)
{
	return run_control(sqlite_of(base), "COMMIT", "commit", err);
}

static bool sqlite_in_transaction(const struct rt_db *base)
{
	return !sqlite3_get_autocommit(sqlite_of_const(base)->handle);
}

static int sqlite_rollback(struct rt_db *base, struct rt_error *err)
{
	if (!sqlite_in_transaction(base))
		return 0;
	return run_control(sqlite_of(base), "ROLLBACK", "roll back", err);
}

/* --- catalogue ----------------------------------------------------------- */

/*
 * On SQLite a schema is the name of an attached database.  Check it
 * first, so that a typo in version_table_schema is named as such rather
 * than reported as a missing "<schema>.sqlite_master".
 */
static int check_schema(struct rt_db *base, const char *schema,
                        struct rt_error *err)
{
	struct rt_buf sql = RT_BUF_INIT;
	struct rt_strvec names = RT_STRVEC_INIT;
	int ret;

	rt_buf_adds(&sql, "SELECT name FROM pragma_database_list WHERE "
	                  "name = '");
	rt_buf_add_sql_quoted(&sql, schema);
	rt_buf_adds(&sql, "' COLLATE NOCASE");
	ret = rt_db__query_column(&names, base, sql.buf, err);
	if (ret == 0 && !names.nr)
		ret = rt_error_set(err, RT_ECONFIG,
		                   "version table schema '%s' is not an "
		                   "attached SQLite database; on SQLite a "
		                   "schema names an attached database, so "
		                   "check version_table_schema",
		                   schema);
	rt_strvec_clear(&names);
	rt_buf_release(&sql);
	return ret;
}

/*
 * SQLite table names are case-insensitive (ASCII only), hence NOCASE.  A
 * schema is looked up in "<schema>.sqlite_master".
 */
static int sqlite_table_exists(bool *out, struct rt_db *base,
                               const char *schema, const char *table,
                               struct rt_error *err)
{
	struct rt_buf sql = RT_BUF_INIT;
	struct rt_strvec names = RT_STRVEC_INIT;
	int ret = 0;

	if (schema)
		ret = check_schema(base, schema, err);
	if (ret < 0)
		return ret;
	rt_buf_adds(&sql, "SELECT name FROM ");
	if (schema) {
		rt_db__add_ident(&sql, RT_DIALECT_SQLITE, schema);
		rt_buf_addch(&sql, '.');
	}
	rt_buf_adds(&sql, "sqlite_master WHERE type = 'table' AND name = '");
	rt_buf_add_sql_quoted(&sql, table);
	rt_buf_adds(&sql, "' COLLATE NOCASE");
	ret = rt_db__query_column(&names, base, sql.buf, err);
	if (ret == 0)
		*out = names.nr > 0;
	rt_strvec_clear(&names);
	rt_buf_release(&sql);
	return ret;
}

/*
 * Every transaction starts with BEGIN IMMEDIATE, which takes the write
 * lock (waiting through busy_wait()), so there is nothing more to take.
 */
static int sqlite_lock_migrations(struct rt_db *base, const char *schema,
                                  const char *table, struct rt_error *err)
{
	(void)base;
	(void)schema;
	(void)table;
	(void)err;
	return 0;
}

static void sqlite_unlock_migrations(struct rt_db *base)
{
	(void)base;
}

const struct rt_db_driver rt_db_sqlite_driver = {
	.name = "sqlite",
	.begin_sql = "BEGIN IMMEDIATE",
	.open = sqlite_open,
	.close = sqlite_close,
	.exec_script = sqlite_exec_script,
	.exec = sqlite_exec,
	.query_column = sqlite_query_column,
	.query = sqlite_query,
	.begin = sqlite_begin,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
	.in_transaction = sqlite_in_transaction,
	.table_exists = sqlite_table_exists,
	.set_lock_timeout = sqlite_set_lock_timeout,
	.lock_migrations = sqlite_lock_migrations,
	.unlock_migrations = sqlite_unlock_migrations,
};
