/*
 * inspect.h - read a catalog (catalog.h) from a live connection.
 *
 * SQLite (inspect_sqlite.c): the main database, from sqlite_schema, the
 * table_xinfo / foreign_key_list / index_list / index_xinfo PRAGMAs, and
 * for what only the CREATE text holds (constraint names, CHECK bodies,
 * AUTOINCREMENT, COLLATE, generated columns, partial-index predicates) a
 * quote-aware tokenizer over that text (sql_tokens.h).
 * PostgreSQL (inspect_postgres.c): one schema, from pg_catalog.
 *
 * Left out: SQLite's own tables (sqlite_%), the tables named in
 * `exclude` (the version table), and anything owned by an extension on
 * PostgreSQL.  The result is sorted (rt_catalog_sort()).
 */
#ifndef RT_SCHEMA_INSPECT_H
#define RT_SCHEMA_INSPECT_H

#include "util/compat.h"
#include "schema/catalog.h"

struct rt_db;
struct rt_error;

/*
 * Fill `cat` (initialised by the caller for the connection's dialect)
 * from `db`.  `schema`: PostgreSQL's schema to read, NULL = the first
 * schema of the search_path (current_schema()); must be NULL on SQLite.
 * `exclude`: NULL-terminated table names to leave out, may be NULL.
 * RT_EDB with the database's message when a catalog query fails.
 */
int rt_schema_inspect(struct rt_catalog *cat, struct rt_db *db,
                      const char *schema, const char *const *exclude,
                      struct rt_error *err);

int rt_schema_inspect_sqlite(struct rt_catalog *cat, struct rt_db *db,
                             const char *const *exclude, struct rt_error *err);
int rt_schema_inspect_postgres(struct rt_catalog *cat, struct rt_db *db,
                               const char *schema, const char *const *exclude,
                               struct rt_error *err);

#endif
