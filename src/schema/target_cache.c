#include "util/compat.h"
/*
 * target_cache.c - the stored catalog of the desired schema
 * (target_cache.h): its key, its file name, reading and writing it.
 */
#include "schema/target_cache.h"
#include "schema/catalog_codec.h"
#include "db/db.h"
#include "db/driver.h"
#include "retort/common.h"
#include "util/alloc.h"
#include "util/cache_file.h"

#include <inttypes.h>

#define MAGIC "retort target cache 1\n"
/* the codec's format; part of every key */
#define CODEC_VERSION 2
/* far beyond any real schema (1,000 tables take about 0.5 MB) */
#define MAX_CACHE_SIZE ((size_t)256 << 20)
#define SEED_PATH      0x7265746f72742d74ULL
#define SEED_BYTES     0x7461726765742d62ULL

char *rt_target_cache_path(const char *cache_dir, const char *target)
{
	return rt_cache_file_path(cache_dir, "target",
	                          rt_hash64(SEED_PATH, target, strlen(target)));
}

/*
 * What of the server the catalog of the same files depends on, one
 * value a line.  The settings are those that print constants in
 * defaults, checks and views (dates, intervals, time zones, floats,
 * bytea, money), quote names, or decide which names resolve.
 */
static const char server_sql[] =
        "SELECT pg_catalog.concat_ws(E'\\n',"
        " pg_catalog.current_setting('server_version_num'),"
        " COALESCE(pg_catalog.current_schema(), ''),"
        " pg_catalog.array_to_string("
        "  pg_catalog.current_schemas(false), ','),"
        " (SELECT pg_catalog.string_agg(s.name || '=' || s.setting, E'\\n'"
        "   ORDER BY s.name) FROM pg_catalog.pg_settings s"
        "  WHERE s.name IN ('search_path', 'DateStyle', 'IntervalStyle',"
        "   'TimeZone', 'extra_float_digits', 'bytea_output',"
        "   'standard_conforming_strings', 'quote_all_identifiers',"
        "   'lc_monetary', 'lc_numeric', 'server_encoding',"
        "   'client_encoding')),"
        " (SELECT d.datcollate || ' ' || d.datctype"
        "   FROM pg_catalog.pg_database d"
        "   WHERE d.datname = pg_catalog.current_database()),"
        " (SELECT pg_catalog.string_agg(e.extname || ' ' || e.extversion,"
        "   ',' ORDER BY e.extname) FROM pg_catalog.pg_extension e))";

int rt_target_cache_key(struct rt_buf *key, struct rt_db *db,
                        const struct rt_strvec *files,
                        const struct rt_strvec *texts, struct rt_error *err)
{
	struct rt_strvec server = RT_STRVEC_INIT;
	int ret = rt_db__query_column(&server, db, server_sql, err);

	rt_buf_reset(key);
	if (ret < 0)
		return ret;
	rt_buf_addf(key, "retort %s, catalog codec %d\n%s\n%s\n",
	            RETORT_VERSION, CODEC_VERSION,
	            rt_dialect_name(rt_db_dialect(db)),
	            server.nr ? server.v[0] : "");
	for (size_t i = 0; i < files->nr; i++) {
		const char *text = texts->v[i];
		size_t len = strlen(text);

		rt_buf_addf(key, "file %s %zu %016" PRIx64 "\n", files->v[i],
		            len, rt_hash64(SEED_BYTES, text, len));
	}
	rt_strvec_clear(&server);
	return 0;
}

int rt_target_cache_read(struct rt_catalog *cat, const char *path,
                         const struct rt_buf *key)
{
	struct rt_buf file = RT_BUF_INIT;
	struct rt_cache_reader r = { NULL, NULL, false };
	const unsigned char *stored;
	size_t key_len;
	int ret = -1;

	if (rt_cache_file_read(&file, path, MAGIC, MAX_CACHE_SIZE) < 0)
		goto out;
	r.p = (const unsigned char *)file.buf + strlen(MAGIC);
	r.end = (const unsigned char *)file.buf + file.len;
	key_len = rt_cache_take_u32(&r);
	stored = rt_cache_take(&r, key_len);
	if (!stored || key_len != key->len || memcmp(stored, key->buf, key_len))
		goto out;
	ret = rt_catalog_decode(cat, r.p, (size_t)(r.end - r.p));
out:
	rt_buf_release(&file);
	return ret;
}

int rt_target_cache_write(const char *path, const struct rt_buf *key,
                          const struct rt_catalog *cat)
{
	struct rt_buf file = RT_BUF_INIT;
	int ret;

	rt_buf_adds(&file, MAGIC);
	rt_buf_add_le32(&file, (uint32_t)key->len);
	rt_buf_add(&file, key->buf, key->len);
	rt_catalog_encode(&file, cat);
	ret = rt_cache_file_write(path, file.buf, file.len);
	rt_buf_release(&file);
	return ret;
}
