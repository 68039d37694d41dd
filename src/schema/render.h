/*
 * render.h - the SQL of a list of changes (diff.h), for the dialect of
 * the catalogs, as the body of a revision script's section.
 *
 * Statements end with ";\n"; each change is preceded by nothing but, for
 * destructive changes, possible renames, SQLite rebuilds and PostgreSQL
 * enum changes, `-- retort:` comment lines that say so and what to
 * check.  SQLite changes that ALTER TABLE cannot make are rendered as
 * SQLite's documented rebuild (new table, copy rows, drop old, rename,
 * re-create indexes; views are dropped and created around it by the
 * diff; triggers are not in the catalog, so a comment marks where they
 * would be created again), and *needs_fk_off is set - also when a table
 * that another one still references is dropped: the script must then
 * carry the header `-- Foreign Keys: off` so the runner switches
 * enforcement off before the step's transaction and runs PRAGMA
 * foreign_key_check before it commits.  The SQL itself has no PRAGMA.
 */
#ifndef RT_SCHEMA_RENDER_H
#define RT_SCHEMA_RENDER_H

#include "util/compat.h"
#include "util/buf.h"
#include "schema/diff.h"

struct rt_error;

/*
 * Append the SQL of `changes` (from rt_schema_diff(from, to)) to `out`.
 * `from` and `to` are the catalogs the changes point into (a rebuild
 * needs the whole table on both sides).
 */
int rt_schema_render(struct rt_buf *out, bool *needs_fk_off,
                     const struct rt_changes *changes,
                     const struct rt_catalog *from, const struct rt_catalog *to,
                     struct rt_error *err);

int rt_schema_render_sqlite(struct rt_buf *out, bool *needs_fk_off,
                            const struct rt_changes *changes,
                            const struct rt_catalog *from,
                            const struct rt_catalog *to, struct rt_error *err);
int rt_schema_render_postgres(struct rt_buf *out,
                              const struct rt_changes *changes,
                              const struct rt_catalog *from,
                              const struct rt_catalog *to,
                              struct rt_error *err);

#endif
