/*
 * sqlsplit.h - cutting a script section into statements.
 *
 * Offline mode prints each statement on its own, as Alembic prints each
 * op.execute() call; the online run hands whole sections to the driver.
 * The splitter knows enough SQL to find the `;` that end statements:
 * quoted strings and identifiers ('...', "...", `...`, [...]), comments
 * (-- and C-style), PostgreSQL dollar quotes ($$...$$, $tag$...$tag$) and
 * the BEGIN ... END body of CREATE TRIGGER.
 */
#ifndef RT_SQLSPLIT_H
#define RT_SQLSPLIT_H

#include "util/compat.h"
#include "util/strvec.h"

/*
 * Append each statement of `sql` to `out`, without its `;`, with
 * surrounding whitespace removed.  Pieces holding only whitespace and
 * comments are dropped.  `pg`: PostgreSQL's lexical rules too (see
 * rt_sql_next()).
 */
void rt_sql_split(struct rt_strvec *out, const char *sql, bool pg);

/*
 * The online PostgreSQL run sends one statement at a time (so that
 * CREATE INDEX CONCURRENTLY is not wrapped in an implicit transaction,
 * and so that an error names the line of the statement that failed).
 * rt_sql_next() walks a section statement by statement:
 *
 *	struct rt_sql_cursor c = RT_SQL_CURSOR_INIT(sql, first_line, true);
 *	struct rt_sql_stmt st;
 *	while (rt_sql_next(&st, &c))
 *		run(st.text, st.len, st.line);
 *
 * With `pg` set it also knows PostgreSQL's E'...' strings (backslash
 * escapes), nested comments and the BEGIN ATOMIC ... END body of an
 * SQL-standard function.
 */
struct rt_sql_cursor {
	const char *p;
	unsigned line; /* the line p is on */
	bool pg;
};

#define RT_SQL_CURSOR_INIT(sql, first_line, pg) \
 {                                              \
  (sql), (first_line), (pg)                     \
 }

struct rt_sql_stmt {
	const char *text; /* its first character that is not blank/comment */
	size_t len; /* up to its ';' (excluded), trailing blanks trimmed */
	unsigned line; /* the line `text` is on */
};

/* Fill *st with the next statement; false when none is left. */
bool rt_sql_next(struct rt_sql_stmt *st, struct rt_sql_cursor *c);

#endif
