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
 * comments are dropped.
 */
void rt_sql_split(struct rt_strvec *out, const char *sql);

#endif
