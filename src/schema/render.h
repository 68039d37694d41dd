/*
 * render.h - the SQL of a list of changes (diff.h), for the dialect of
 * the catalogs, as the body of a revision script's section.
 *
 * Statements end with ";\n"; each change is preceded by nothing but, for
 * destructive changes, possible renames, SQLite rebuilds and PostgreSQL
 * enum changes, `-- retort:` comment lines that say so and what to
 * check.  SQLite changes that ALTER TABLE cannot make are rendered as
 * SQLite's documented rebuild (new table, copy rows, drop old, rename,
 * re-create indexes; views and triggers that name the table are dropped
 * and created around it by the diff), and *needs_fk_off is set - also
 * when a table
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

/*
 * ---- for the two renderers: SQL text they write alike (render.c) ----
 *
 * Names are quoted as `dialect` needs (rt_db__add_ident()).  Clauses
 * end without a separator; statements end with ";\n".
 */

/* "(a, b)" */
void rt_render__ident_list(struct rt_buf *out, enum rt_dialect dialect,
                           const struct rt_strvec *names);

/* "CONSTRAINT name " for a named constraint, nothing for an unnamed one. */
void rt_render__constraint_name(struct rt_buf *out, enum rt_dialect dialect,
                                const char *name);

/* "[CONSTRAINT n ]PRIMARY KEY (a, b)", `what` being "PRIMARY KEY" or
   "UNIQUE". */
void rt_render__key_clause(struct rt_buf *out, enum rt_dialect dialect,
                           const char *what, const struct rt_cat_key *k);

/* "[CONSTRAINT n ]CHECK (expr)" */
void rt_render__check_clause(struct rt_buf *out, enum rt_dialect dialect,
                             const struct rt_cat_check *ck);

/*
 * "[CONSTRAINT n ]FOREIGN KEY (a) REFERENCES t (b) ..." of an FK of a
 * table of `schema`, the catalog that tells a PostgreSQL table of
 * another schema from one of its own (see ref_table in catalog.h).
 */
void rt_render__fk_clause(struct rt_buf *out, const struct rt_catalog *schema,
                          const struct rt_cat_fk *fk);

/*
 * The table constraints of CREATE TABLE `t`, each after *sep, which is
 * then ",\n\t": the primary key when `with_primary_key`, UNIQUE, CHECK,
 * and the FKs but those `skip_fk` (may be NULL) says are written later.
 */
void rt_render__table_constraints(
        struct rt_buf *out, const struct rt_catalog *schema,
        const struct rt_cat_table *t, const char **sep, bool with_primary_key,
        bool (*skip_fk)(const void *baton, const struct rt_cat_fk *fk),
        const void *baton);

/* CREATE [UNIQUE] INDEX of `t` (USING method where the catalog has one). */
void rt_render__create_index(struct rt_buf *out, enum rt_dialect dialect,
                             const struct rt_cat_table *t,
                             const struct rt_cat_index *ix);

/* CREATE VIEW, from the definition as the database printed it. */
void rt_render__create_view(struct rt_buf *out, enum rt_dialect dialect,
                            const struct rt_cat_view *view);

/*
 * The `-- retort:` notes before the statement of an added or dropped
 * table or column: that it may be a rename (with the statement to use
 * then), and what a drop destroys.  Nothing for other changes.
 */
void rt_render__change_notes(struct rt_buf *out, enum rt_dialect dialect,
                             const struct rt_change *ch);

#endif
