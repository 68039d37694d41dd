/*
 * target.h - the desired schema (`target_schema = path` in the ini):
 * load its SQL into a scratch database of the database's dialect and
 * read it back as a catalog, so the database itself parses the SQL.
 *
 *   SQLite      a new in-memory database, closed afterwards.
 *   PostgreSQL  on the given connection: BEGIN, CREATE SCHEMA with a
 *               fresh name, search_path set to it (then the original
 *               path, so types of extensions stay visible), the files
 *               run, the schema inspected, ROLLBACK.  Nothing is left
 *               behind, whatever happens.
 *
 * `path` is one .sql file or a folder whose *.sql files are run in byte
 * order of their names (other files are ignored; a folder without any is
 * an error saying so).  A failing statement is RT_EPARSE (marked as a
 * target-schema error) "FILE:LINE: <database message>", LINE being the
 * statement's line in FILE, with a hint that the error is in the desired
 * schema, not in the database.
 */
#ifndef RT_SCHEMA_TARGET_H
#define RT_SCHEMA_TARGET_H

#include "util/compat.h"
#include "schema/catalog.h"

struct rt_db;
struct rt_error;

/*
 * `db`: the real connection (PostgreSQL: no transaction open; it is used
 * for the scratch schema; SQLite: only its dialect matters, may be the
 * real connection).  `cat` is initialised by the caller.
 */
int rt_schema_load_target(struct rt_catalog *cat, struct rt_db *db,
                          const char *path, struct rt_error *err);

/*
 * The same, with the PostgreSQL catalog kept in `cache_dir` between
 * runs (target_cache.h): when the files, the server's version and its
 * settings are as they were, the catalog comes from the cache and the
 * server creates nothing.  `cache_dir` NULL: no cache.  SQLite loads
 * into memory in a fraction of the time and is never cached.
 */
int rt_schema_load_target_cached(struct rt_catalog *cat, struct rt_db *db,
                                 const char *path, const char *cache_dir,
                                 struct rt_error *err);

/* The .sql files `path` names, in load order (absolute if path is). */
int rt_schema_target_files(struct rt_strvec *out, const char *path,
                           struct rt_error *err);

#endif
