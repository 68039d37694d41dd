/*
 * postgres.c - the PostgreSQL driver behind driver.h, and the only file
 * in retort that calls libpq.  Read driver.h first.
 *
 * libpq is not linked: the calls go through pq, the table that
 * db/libpq_loader.c fills when the first connection is opened, so runs
 * that never connect to PostgreSQL never load it (nor the libraries it
 * needs).  <libpq-fe.h> still provides the types and constants.
 *
 * Connecting: the URL's parts become libpq keywords (host, port, dbname,
 * user, password) and its query parameters are passed through as they
 * are (sslmode, connect_timeout, application_name, host=/socket/dir,
 * ...), so everything libpq offers works, including its environment
 * (PGHOST, PGPASSWORD, ...) and ~/.pgpass for what the URL leaves out.
 * Messages name the server as user@host:port/db, never the password.
 *
 * Scripts are sent one statement at a time (migrate/sqlsplit.c finds
 * them): a CREATE INDEX CONCURRENTLY must not share a query string with
 * another statement, which would make it an implicit transaction, and an
 * error can then name the line of the statement (and, with the server's
 * error position, the line inside it) that failed.
 */
#include "util/compat.h"
#include <limits.h>
#include <time.h>
#include <libpq-fe.h>
#include "db/driver.h"
#include "db/libpq_loader.h"
#include "error_raise.h"
#include "migrate/sqlsplit.h"
#include "util/alloc.h"

/* libpq's functions; pg_open() loads them before anything calls one. */
static const struct rt_libpq *const pq = &rt_libpq_table;

struct pg_db {
	struct rt_db base; /* first: see driver.h */
	PGconn *conn;
	char *display; /* user@host:port/db, for messages */
	unsigned lock_timeout_ms;
	bool lock_held;
	long long lock_key;
};

static struct pg_db *pg_of(struct rt_db *db)
{
	return (struct pg_db *)db;
}

static const struct pg_db *pg_of_const(const struct rt_db *db)
{
	return (const struct pg_db *)db;
}

/* --- error messages ------------------------------------------------------ */

/* libpq's multi-line messages as one line: "a\nb\n" -> "a; b". */
static void add_one_line(struct rt_buf *out, const char *text)
{
	size_t start = out->len;
	bool pending_break = false;

	for (; *text; text++) {
		if (*text == '\n') {
			pending_break = true;
			continue;
		}
		/* libpq indents its continuation lines */
		if (pending_break && (*text == ' ' || *text == '\t'))
			continue;
		if (pending_break && out->len > start)
			rt_buf_adds(out, "; ");
		pending_break = false;
		rt_buf_addch(out, *text == '\t' ? ' ' : *text);
	}
}

/* SQLSTATE class 40 (serialization, deadlock) and 55P03 are lock trouble. */
static int code_for_state(const char *sqlstate)
{
	if (sqlstate &&
	    (!strcmp(sqlstate, "55P03") || !strcmp(sqlstate, "40P01")))
		return RT_ELOCKED;
	return RT_EDB;
}

/*
 * The server's error as one line: "ERROR: <message> (SQLSTATE x)
 * DETAIL: ... HINT: ...".  Without a result (connection lost) it is
 * libpq's own message.
 */
static void describe_result(struct rt_buf *out, struct pg_db *db,
                            const PGresult *res)
{
	const char *primary =
	        res ? pq->PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) :
	              NULL;
	const char *severity, *state, *detail, *hint;

	if (!primary) {
		add_one_line(out, pq->PQerrorMessage(db->conn));
		if (!out->len)
			rt_buf_adds(out, "the server closed the connection");
		return;
	}
	severity = pq->PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	state = pq->PQresultErrorField(res, PG_DIAG_SQLSTATE);
	detail = pq->PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	hint = pq->PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
	rt_buf_addf(out, "%s: ", severity ? severity : "ERROR");
	add_one_line(out, primary);
	if (state)
		rt_buf_addf(out, " (SQLSTATE %s)", state);
	if (detail) {
		rt_buf_adds(out, " DETAIL: ");
		add_one_line(out, detail);
	}
	if (hint) {
		rt_buf_adds(out, " HINT: ");
		add_one_line(out, hint);
	}
}

static int result_code(const PGresult *res)
{
	return code_for_state(
	        res ? pq->PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL);
}

/* RT_EDB with the server's message and the statement. */
static int statement_error(struct pg_db *db, const PGresult *res,
                           const char *sql, struct rt_error *err)
{
	struct rt_buf msg = RT_BUF_INIT;
	int ret;

	describe_result(&msg, db, res);
	rt_buf_adds(&msg, " [SQL: ");
	rt_db__add_sql_one_line(&msg, sql);
	rt_buf_addch(&msg, ']');
	ret = rt_error_set(err, result_code(res), "%s", msg.buf);
	rt_buf_release(&msg);
	return ret;
}

/* --- opening ------------------------------------------------------------- */

/* Parallel keyword/value arrays for PQconnectdbParams(). */
struct conninfo {
	const char *keys[64];
	const char *values[64];
	size_t nr;
	struct rt_buf port;
};

static void conninfo_add(struct conninfo *ci, const char *key,
                         const char *value)
{
	if (!value || ci->nr + 1 >= RT_ARRAY_SIZE(ci->keys))
		return;
	ci->keys[ci->nr] = key;
	ci->values[ci->nr] = value;
	ci->nr++;
	ci->keys[ci->nr] = NULL;
	ci->values[ci->nr] = NULL;
}

static const char *query_param(const struct rt_url *url, const char *key)
{
	const char *found = NULL;

	for (size_t i = 0; i < url->query_keys.nr; i++)
		if (!strcmp(url->query_keys.v[i], key))
			found = url->query_values.v[i];
	return found;
}

/*
 * The URL as libpq keywords.  Query parameters come last, and libpq
 * keeps the last value of a repeated keyword, so ?host=/run/sock wins
 * over the URL's host part, as with psycopg2.
 */
static int build_conninfo(struct conninfo *ci, const struct rt_url *url,
                          struct rt_error *err)
{
	if (url->query_keys.nr + 8 >= RT_ARRAY_SIZE(ci->keys))
		return rt_error_set(err, RT_ECONFIG,
		                    "too many query parameters in the "
		                    "PostgreSQL URL (at most %zu)",
		                    RT_ARRAY_SIZE(ci->keys) - 8);
	ci->nr = 0;
	ci->keys[0] = NULL;
	ci->values[0] = NULL;
	conninfo_add(ci, "fallback_application_name", "retort");
	conninfo_add(ci, "host", url->host);
	if (url->port) {
		rt_buf_addf(&ci->port, "%d", url->port);
		conninfo_add(ci, "port", ci->port.buf);
	}
	conninfo_add(ci, "dbname", url->database);
	conninfo_add(ci, "user", url->username);
	conninfo_add(ci, "password", url->password);
	for (size_t i = 0; i < url->query_keys.nr; i++)
		conninfo_add(ci, url->query_keys.v[i], url->query_values.v[i]);
	return 0;
}

/* user@host:port/db, with libpq's defaults filled in where known. */
static char *display_name(const struct rt_url *url)
{
	struct rt_buf sb = RT_BUF_INIT;
	const char *host = query_param(url, "host");
	const char *port = query_param(url, "port");

	if (!host)
		host = url->host;
	if (url->username)
		rt_buf_addf(&sb, "%s@", url->username);
	rt_buf_adds(&sb, host ? host : "(default host)");
	if (port)
		rt_buf_addf(&sb, ":%s", port);
	else if (url->port)
		rt_buf_addf(&sb, ":%d", url->port);
	rt_buf_addf(&sb, "/%s", url->database ? url->database : "");
	return rt_buf_detach(&sb);
}

/*
 * Notices (e.g. "table does not exist, skipping" from DROP ... IF
 * EXISTS) would go to stderr through libpq's default processor; Alembic
 * on psycopg2 does not show them, and neither do we.
 */
static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static void pg_close(struct rt_db *base)
{
	struct pg_db *db = pg_of(base);

	if (!db)
		return;
	pq->PQfinish(db->conn); /* also drops a session advisory lock */
	free(db->display);
	free(db);
}

/* Run a session setting; no echo (it is not part of the migration). */
static int run_setup(struct pg_db *db, const char *sql, struct rt_error *err)
{
	PGresult *res = pq->PQexec(db->conn, sql);
	int ret = 0;

	if (pq->PQresultStatus(res) != PGRES_COMMAND_OK &&
	    pq->PQresultStatus(res) != PGRES_TUPLES_OK)
		ret = statement_error(db, res, sql, err);
	pq->PQclear(res);
	return ret;
}

static int set_search_path(struct pg_db *db, const char *path,
                           struct rt_error *err)
{
	struct rt_buf sql = RT_BUF_INIT;
	struct rt_error cause = RT_ERROR_INIT;
	int ret;

	/* set_config() takes the list as a value: nothing to inject */
	rt_buf_adds(&sql, "SELECT pg_catalog.set_config('search_path', '");
	rt_buf_add_sql_quoted(&sql, path);
	rt_buf_adds(&sql, "', false)");
	ret = run_setup(db, sql.buf, &cause);
	if (ret < 0)
		ret = rt_error_set(err, RT_ECONFIG,
		                   "cannot set search_path = %s: %s; check "
		                   "search_path in the ini file",
		                   path, cause.message);
	rt_error_clear(&cause);
	rt_buf_release(&sql);
	return ret;
}

/*
 * The first connection loads libpq.  Without it, the connection fails
 * like any other that cannot be made, saying what to install.
 */
static int load_libpq(const struct rt_url *url, struct rt_error *err)
{
	struct rt_error cause = RT_ERROR_INIT;
	char *display;
	int ret;

	if (rt_libpq_load(&cause) == 0)
		return 0;
	display = display_name(url);
	ret = rt_error_set(err, cause.code,
	                   "cannot connect to PostgreSQL database %s: %s",
	                   display, cause.message);
	free(display);
	return ret;
}

static int pg_open(struct rt_db **out, const struct rt_url *url,
                   const struct rt_db_options *opts, struct rt_error *err)
{
	struct conninfo ci = { .port = RT_BUF_INIT };
	struct pg_db *db;
	struct rt_buf why = RT_BUF_INIT;
	int ret;

	ret = load_libpq(url, err);
	if (ret < 0)
		return ret;
	db = rt_xcalloc(1, sizeof(*db));
	db->display = display_name(url);
	db->lock_timeout_ms = RT_DB_PG_DEFAULT_LOCK_TIMEOUT_MS;
	ret = build_conninfo(&ci, url, err);
	if (ret < 0)
		goto out;
	db->conn = pq->PQconnectdbParams(ci.keys, ci.values, 0);
	if (!db->conn || pq->PQstatus(db->conn) != CONNECTION_OK) {
		if (db->conn)
			add_one_line(&why, pq->PQerrorMessage(db->conn));
		ret = rt_error_set(err, RT_EDB,
		                   "cannot connect to PostgreSQL database "
		                   "%s: %s; check sqlalchemy.url (or -x url, "
		                   "DATABASE_URL) and that the server is up",
		                   db->display,
		                   why.len ? why.buf : "out of memory");
		goto out;
	}
	pq->PQsetNoticeProcessor(db->conn, ignore_notice, NULL);
	if (opts->search_path)
		ret = set_search_path(db, opts->search_path, err);
out:
	rt_buf_release(&ci.port);
	rt_buf_release(&why);
	if (ret < 0) {
		pg_close(&db->base);
		return ret;
	}
	*out = &db->base;
	return 0;
}

static void pg_set_lock_timeout(struct rt_db *base, unsigned ms)
{
	pg_of(base)->lock_timeout_ms = ms;
}

/* --- statements ----------------------------------------------------------- */

static bool result_ok(const PGresult *res)
{
	ExecStatusType st = pq->PQresultStatus(res);

	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ||
	       st == PGRES_EMPTY_QUERY;
}

/*
 * The line of the server's error position (1-based, in characters) in a
 * statement that starts on `line`; `line` itself without a position.
 */
static unsigned error_line(const PGresult *res, const char *text, size_t len,
                           unsigned line)
{
	const char *pos =
	        pq->PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
	long chars = pos ? atol(pos) : 0;

	for (size_t i = 0; i < len && chars > 1; i++) {
		if (((unsigned char)text[i] & 0xC0) != 0x80)
			chars--; /* a UTF-8 lead byte starts a character */
		if (text[i] == '\n' && chars >= 1)
			line++;
	}
	return line;
}

static int script_error(struct pg_db *db, const PGresult *res, const char *path,
                        unsigned line, struct rt_error *err)
{
	struct rt_buf msg = RT_BUF_INIT;
	int ret;

	describe_result(&msg, db, res);
	if (path)
		ret = rt_error_set_at(err, result_code(res), path, line,
		                      "%s:%u: %s", path, line, msg.buf);
	else
		ret = rt_error_set(err, result_code(res), "line %u: %s", line,
		                   msg.buf);
	rt_buf_release(&msg);
	return ret;
}

static int pg_exec_script(struct rt_db *base, const char *sql, const char *path,
                          unsigned first_line, struct rt_error *err)
{
	struct pg_db *db = pg_of(base);
	struct rt_sql_cursor cursor = RT_SQL_CURSOR_INIT(sql, first_line, true);
	struct rt_sql_stmt st;
	struct rt_buf text = RT_BUF_INIT;
	int ret = 0;

	while (ret == 0 && rt_sql_next(&st, &cursor)) {
		PGresult *res;

		rt_buf_reset(&text);
		rt_buf_add(&text, st.text, st.len);
		rt_db__echo(base, text.buf);
		res = pq->PQexec(db->conn, text.buf);
		if (!result_ok(res))
			ret = script_error(
			        db, res, path,
			        error_line(res, st.text, st.len, st.line), err);
		pq->PQclear(res);
	}
	rt_buf_release(&text);
	return ret;
}

static int pg_exec(struct rt_db *base, const char *sql, long *changes,
                   struct rt_error *err)
{
	struct pg_db *db = pg_of(base);
	PGresult *res = pq->PQexec(db->conn, sql);
	int ret = 0;

	if (!result_ok(res))
		ret = statement_error(db, res, sql, err);
	else if (changes)
		*changes = atol(pq->PQcmdTuples(res)); /* "" for DDL: 0 */
	pq->PQclear(res);
	return ret;
}

static int pg_query_column(struct rt_strvec *out, struct rt_db *base,
                           const char *sql, struct rt_error *err)
{
	struct pg_db *db = pg_of(base);
	PGresult *res = pq->PQexec(db->conn, sql);
	int ret = 0;

	if (pq->PQresultStatus(res) != PGRES_TUPLES_OK) {
		ret = statement_error(db, res, sql, err);
	} else {
		for (int i = 0; i < pq->PQntuples(res); i++)
			rt_strvec_push(out, pq->PQgetisnull(res, i, 0) ?
			                            "" :
			                            pq->PQgetvalue(res, i, 0));
	}
	pq->PQclear(res);
	return ret;
}

/* Up to this many columns are passed without an allocation. */
#define ROW_COLUMNS 16

static int pg_query(struct rt_db *base, const char *sql, rt_db_row_fn fn,
                    void *baton, struct rt_error *err)
{
	struct pg_db *db = pg_of(base);
	PGresult *res = pq->PQexec(db->conn, sql);
	const char *fixed[ROW_COLUMNS], **values = fixed;
	size_t nr = 0;
	int ret = 0;

	if (pq->PQresultStatus(res) != PGRES_TUPLES_OK) {
		ret = statement_error(db, res, sql, err);
		pq->PQclear(res);
		return ret;
	}
	nr = (size_t)pq->PQnfields(res);
	if (nr > ROW_COLUMNS)
		values = rt_xcalloc(nr, sizeof(*values));
	for (int row = 0; row < pq->PQntuples(res) && ret == 0; row++) {
		for (size_t i = 0; i < nr; i++)
			values[i] = pq->PQgetisnull(res, row, (int)i) ?
			                    NULL :
			                    pq->PQgetvalue(res, row, (int)i);
		ret = fn(baton, nr, values, err);
	}
	if (values != fixed)
		free(values);
	pq->PQclear(res);
	return ret;
}

/* --- transactions --------------------------------------------------------- */

static int run_control(struct pg_db *db, const char *sql, struct rt_error *err)
{
	PGresult *res = pq->PQexec(db->conn, sql);
	int ret = 0;

	if (pq->PQresultStatus(res) != PGRES_COMMAND_OK)
		ret = statement_error(db, res, sql, err);
	/*
	 * COMMIT of a transaction that already failed "succeeds" with the
	 * tag ROLLBACK: nothing was committed, which the caller must know.
	 */
	else if (!strcmp(sql, "COMMIT") &&
	         !strcmp(pq->PQcmdStatus(res), "ROLLBACK"))
		ret = rt_error_set(err, RT_EDB,
		                   "COMMIT was turned into ROLLBACK by the "
		                   "server: an earlier statement of the "
		                   "transaction failed");
	pq->PQclear(res);
	return ret;
}

static int pg_begin(struct rt_db *base, struct rt_error *err)
{
	return run_control(pg_of(base), "BEGIN", err);
}

static int pg_commit(struct rt_db *base, struct rt_error *err)
{
	return run_control(pg_of(base), "COMMIT", err);
}

static bool pg_in_transaction(const struct rt_db *base)
{
	PGTransactionStatusType st =
	        pq->PQtransactionStatus(pg_of_const(base)->conn);

	return st == PQTRANS_INTRANS || st == PQTRANS_INERROR ||
	       st == PQTRANS_ACTIVE;
}

static int pg_rollback(struct rt_db *base, struct rt_error *err)
{
	if (!pg_in_transaction(base))
		return 0;
	return run_control(pg_of(base), "ROLLBACK", err);
}

/* --- catalogue ------------------------------------------------------------ */

/*
 * Without a schema, "exists" means visible through search_path, which is
 * where an unqualified CREATE TABLE alembic_version would put it (the
 * first schema of the path) or find it, as SQLAlchemy's has_table().
 */
static int pg_table_exists(bool *out, struct rt_db *base, const char *schema,
                           const char *table, struct rt_error *err)
{
	struct rt_buf sql = RT_BUF_INIT;
	struct rt_strvec names = RT_STRVEC_INIT;
	int ret;

	rt_buf_adds(&sql, "SELECT c.relname FROM pg_catalog.pg_class c "
	                  "JOIN pg_catalog.pg_namespace n ON n.oid = "
	                  "c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', "
	                  "'m', 'f') AND c.relname = '");
	rt_buf_add_sql_quoted(&sql, table);
	if (schema) {
		rt_buf_adds(&sql, "' AND n.nspname = '");
		rt_buf_add_sql_quoted(&sql, schema);
		rt_buf_adds(&sql, "'");
	} else {
		rt_buf_adds(&sql,
		            "' AND pg_catalog.pg_table_is_visible(c.oid)");
	}
	ret = rt_db__query_column(&names, base, sql.buf, err);
	if (ret == 0)
		*out = names.nr > 0;
	rt_strvec_clear(&names);
	rt_buf_release(&sql);
	return ret;
}

/* --- the migration lock --------------------------------------------------- */

/*
 * The advisory lock key: FNV-1a (64 bit) of "retort:<schema>.<table>".
 * Two projects with different version tables in one database migrate
 * independently; two processes on the same table take turns.  Only
 * retort takes this lock (Alembic takes none).
 */
static long long lock_key(const char *schema, const char *table)
{
	uint64_t h = 0xcbf29ce484222325ull;
	const char *parts[] = { "retort:", schema, ".", table };

	for (size_t i = 0; i < RT_ARRAY_SIZE(parts); i++)
		for (const char *p = parts[i]; *p; p++) {
			h ^= (unsigned char)*p;
			h *= 0x100000001b3ull;
		}
	return (long long)h;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { (time_t)(ms / 1000),
		               (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* One value from a one-row query, without echo; "" on NULL. */
static int query_value(struct rt_buf *out, struct pg_db *db, const char *sql,
                       struct rt_error *err)
{
	PGresult *res = pq->PQexec(db->conn, sql);
	int ret = 0;

	rt_buf_reset(out);
	if (pq->PQresultStatus(res) != PGRES_TUPLES_OK)
		ret = statement_error(db, res, sql, err);
	else if (pq->PQntuples(res) > 0 && !pq->PQgetisnull(res, 0, 0))
		rt_buf_adds(out, pq->PQgetvalue(res, 0, 0));
	pq->PQclear(res);
	return ret;
}

/* Who holds the lock, e.g. "another session (server PID 1234, ...)". */
static void describe_holder(struct rt_buf *out, struct pg_db *db)
{
	struct rt_buf sql = RT_BUF_INIT;
	unsigned long long key = (unsigned long long)db->lock_key;

	rt_buf_addf(&sql,
	            "SELECT 'another session (server PID ' || l.pid || "
	            "coalesce(', application ''' || "
	            "nullif(a.application_name, '') || '''', '') || ')' FROM "
	            "pg_catalog.pg_locks l LEFT JOIN "
	            "pg_catalog.pg_stat_activity a ON a.pid = l.pid WHERE "
	            "l.locktype = 'advisory' AND l.granted AND l.classid = "
	            "%llu AND l.objid = %llu AND l.objsubid = 1 LIMIT 1",
	            key >> 32, key & 0xffffffffull);
	if (query_value(out, db, sql.buf, NULL) < 0 || !out->len) {
		rt_buf_reset(out);
		rt_buf_adds(out, "another session");
	}
	rt_buf_release(&sql);
}

static int lock_timed_out(struct pg_db *db, const char *schema,
                          const char *table, double waited,
                          struct rt_error *err)
{
	struct rt_buf holder = RT_BUF_INIT;
	int ret;

	describe_holder(&holder, db);
	ret = rt_error_set(err, RT_ELOCKED,
	                   "gave up after %.1f s waiting for the migration "
	                   "lock on %s.%s of %s, held by %s: another "
	                   "migration is running on this database; let it "
	                   "finish and run the command again, or wait longer "
	                   "with --lock-timeout SECONDS",
	                   waited / 1000.0, schema, table, db->display,
	                   holder.buf);
	rt_buf_release(&holder);
	return ret;
}

/*
 * Poll pg_try_advisory_lock() outside any transaction: a session blocked
 * in pg_advisory_lock() would sit in a statement with a snapshot, and a
 * CREATE INDEX CONCURRENTLY run by the holder would wait for it forever.
 */
static int pg_lock_migrations(struct rt_db *base, const char *schema,
                              const char *table, struct rt_error *err)
{
	struct pg_db *db = pg_of(base);
	struct rt_buf value = RT_BUF_INIT, sql = RT_BUF_INIT;
	struct timespec start;
	unsigned reported = 0, pause = 5;
	int ret;

	if (db->lock_held)
		return 0;
	if (!schema) {
		ret = query_value(&value, db, "SELECT current_schema()", err);
		if (ret < 0)
			goto out;
		schema = value.len ? value.buf : "public";
	}
	db->lock_key = lock_key(schema, table);
	rt_buf_addf(&sql, "SELECT pg_catalog.pg_try_advisory_lock(%lld)",
	            db->lock_key);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct rt_buf got = RT_BUF_INIT;
		double waited;

		ret = query_value(&got, db, sql.buf, err);
		if (ret == 0 && !strcmp(got.buf, "t"))
			db->lock_held = true;
		rt_buf_release(&got);
		if (ret < 0 || db->lock_held)
			break;
		waited = rt_db__ms_since(&start);
		if (waited >= db->lock_timeout_ms) {
			ret = lock_timed_out(db, schema, table, waited, err);
			break;
		}
		if (waited >= 10000.0 * reported) {
			struct rt_buf holder = RT_BUF_INIT;

			describe_holder(&holder, db);
			rt_db__lock_wait(base,
			                 "Waiting for the migration lock on "
			                 "%s.%s, held by %s (%.0f s so far, "
			                 "giving up after %g s)",
			                 schema, table, holder.buf,
			                 waited / 1000.0,
			                 db->lock_timeout_ms / 1000.0);
			rt_buf_release(&holder);
			reported++;
		}
		sleep_ms(pause);
		if (pause < 100)
			pause *= 2; /* 5, 10, 20 ... 160 ms */
	}
out:
	rt_buf_release(&value);
	rt_buf_release(&sql);
	return ret;
}

static void pg_unlock_migrations(struct rt_db *base)
{
	struct pg_db *db = pg_of(base);
	struct rt_buf sql = RT_BUF_INIT;
	PGresult *res;

	if (!db->lock_held)
		return;
	rt_buf_addf(&sql, "SELECT pg_catalog.pg_advisory_unlock(%lld)",
	            db->lock_key);
	res = pq->PQexec(db->conn, sql.buf);
	pq->PQclear(res); /* on failure, closing the session releases it */
	db->lock_held = false;
	rt_buf_release(&sql);
}

const struct rt_db_driver rt_db_postgres_driver = {
	.name = "postgresql",
	.begin_sql = "BEGIN",
	.open = pg_open,
	.close = pg_close,
	.exec_script = pg_exec_script,
	.exec = pg_exec,
	.query_column = pg_query_column,
	.query = pg_query,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_transaction = pg_in_transaction,
	.table_exists = pg_table_exists,
	.set_lock_timeout = pg_set_lock_timeout,
	.lock_migrations = pg_lock_migrations,
	.unlock_migrations = pg_unlock_migrations,
};
