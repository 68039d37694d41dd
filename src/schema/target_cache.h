/*
 * target_cache.h - the desired schema's catalog, kept between runs
 * (PostgreSQL only).
 *
 * Loading the desired schema means the server creating every table,
 * key and index of it in a scratch schema: on 1,000 tables about 2-3 s
 * of the server's own work (psql running the same file in one
 * transaction takes as long), against a few milliseconds for reading
 * the catalog it gave last time.  So target.c keeps that catalog in
 * `<cache_dir>/target-<16 hex digits>` (a hash of the target_schema
 * path: one file per desired schema, rewritten when it no longer fits),
 * next to the header cache (script/header_cache.h).
 *
 * An entry is used only when its key is byte for byte the key of this
 * run: retort's version and the codec's, every file of the desired
 * schema (path, size and a hash of its bytes, so any edit shows at once
 * however fast it follows the last run; no racy-clean window is needed,
 * as the bytes hashed are the very bytes that were loaded), and what of
 * the server changes how it prints or resolves the schema: its version,
 * the current schema and search_path, the settings that print constants
 * (DateStyle, IntervalStyle, TimeZone, extra_float_digits, bytea_output,
 * ...), the encodings and collation, and the installed extensions.
 * What it cannot see: the desired schema also resolves names against
 * the database (a type or table of another schema on the search_path);
 * if one of those changes while the files do not, the old catalog is
 * used.  Removing the cache (or RETORT_CACHE_DIR=) always makes retort
 * load the files again.
 *
 * The file (numbers little-endian):
 *
 *	"retort target cache 1\n"
 *	u32 key length, the key (text)
 *	the catalog (catalog_codec.h)
 *	u64 checksum of all the bytes before it (util/cache_file.h)
 *
 * Only a load that succeeded is stored.  A damaged, truncated or foreign
 * file is a miss (and is rewritten); reading and writing report no
 * errors: it is only a cache.
 */
#ifndef RT_SCHEMA_TARGET_CACHE_H
#define RT_SCHEMA_TARGET_CACHE_H

#include "util/compat.h"
#include "util/buf.h"
#include "util/strvec.h"
#include "schema/catalog.h"

struct rt_db;
struct rt_error;

/* `<cache_dir>/target-<hash of target>`; caller frees. */
char *rt_target_cache_path(const char *cache_dir, const char *target);

/*
 * The key of the desired schema made of `files` (paths, in load order)
 * whose contents are `texts`, on the server of `db` (one query; no
 * transaction may be open, none is left open).
 */
int rt_target_cache_key(struct rt_buf *key, struct rt_db *db,
                        const struct rt_strvec *files,
                        const struct rt_strvec *texts, struct rt_error *err);

/*
 * The catalog stored at `path` under exactly `key`, into `cat`
 * (initialised and empty): 0 on a hit, -1 on a miss (`cat` left empty).
 */
int rt_target_cache_read(struct rt_catalog *cat, const char *path,
                         const struct rt_buf *key);

/* Store `cat` under `key` at `path`, replacing what is there; -1 when it
   cannot be written (callers ignore it). */
int rt_target_cache_write(const char *path, const struct rt_buf *key,
                          const struct rt_catalog *cat);

#endif
