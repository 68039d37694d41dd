#include "util/compat.h"
/*
 * target.c - the desired schema (target_schema in the ini): its SQL files
 * run in a scratch database of the real database's dialect, then read
 * back with the same inspector as the real database (target.h).
 *
 * Letting the database parse the SQL is what makes the two sides
 * comparable as plain strings: types, defaults and expressions come back
 * in the server's own spelling on both sides.
 *
 * On PostgreSQL the scratch database is a schema created inside a
 * transaction on the real connection and rolled back, so nothing is
 * left behind.  A file that ended that transaction (COMMIT, ROLLBACK,
 * BEGIN ...) would let its following statements run for real and leave
 * the scratch schema behind, so such statements are refused before
 * anything runs.  Each file goes to the server in one round trip; only
 * when one fails is the load run again a statement at a time, to say
 * which statement and line.  On 1,000 tables the load is seconds of the
 * server's own work, so its catalog is kept between runs
 * (target_cache.h).
 */
#include "schema/target.h"
#include "schema/inspect.h"
#include "schema/target_cache.h"
#include "db/db.h"
#include "db/driver.h"
#include "migrate/sqlsplit.h"
#include "error_raise.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fs.h"

#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define HINT "fix the desired schema (target_schema)"

/* ---- the files ------------------------------------------------------- */

static bool is_sql_name(const char *name)
{
	/* dot files are editor and OS litter (._x.sql, .#x.sql) */
	return name[0] != '.' && rt_ends_with(name, ".sql");
}

int rt_schema_target_files(struct rt_strvec *out, const char *path,
                           struct rt_error *err)
{
	struct rt_fs_entry *entries = NULL;
	struct stat st;
	size_t nr = 0, before = out->nr;
	int ret;

	if (stat(path, &st) < 0)
		return rt_error_set(
		        err, RT_ECONFIG,
		        "target_schema: '%s' %s; set target_schema in the ini "
		        "file to a .sql file or a folder of .sql files",
		        path,
		        errno == ENOENT ? "does not exist" : strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		rt_strvec_push(out, path);
		return 0;
	}
	ret = rt_fs_list_entries(&entries, &nr, path, err);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < nr; i++) {
		char *full;

		if (!is_sql_name(entries[i].name))
			continue;
		full = rt_path_join(path, entries[i].name);
		/* a folder or a dangling link named x.sql is not a file */
		if (stat(full, &st) == 0 && S_ISREG(st.st_mode))
			rt_strvec_push_nodup(out, full);
		else
			free(full);
	}
	rt_fs_entries_free(entries, nr);
	if (out->nr == before)
		return rt_error_set(err, RT_ECONFIG,
		                    "target_schema: the folder '%s' holds no "
		                    ".sql file; put the desired schema in "
		                    "NAME.sql files there, or point "
		                    "target_schema at one file",
		                    path);
	return 0;
}

/*
 * Run one file.  A failing statement comes back from the driver as
 * "FILE:LINE: message"; it becomes RT_EPARSE at that place, saying that
 * the error is in the desired schema rather than in the database.
 */
static int run_file(struct rt_db *db, const char *path, const char *text,
                    struct rt_error *err)
{
	struct rt_error cause = RT_ERROR_INIT;

	if (rt_db_exec_script(db, text, path, 1, &cause) == 0)
		return 0;
	return rt_error_set_at(err, RT_EPARSE,
	                       cause.loc.path[0] ? cause.loc.path : path,
	                       cause.loc.line, "%s; " HINT, cause.message);
}

/* ---- transaction control -------------------------------------------- */

/*
 * The first keyword of a statement that ends or starts a transaction:
 * BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK (not ROLLBACK TO a
 * savepoint), ABORT, PREPARE TRANSACTION.  NULL for anything else.
 */
static const char *transaction_control(const char *text, size_t len)
{
	static const char *const words[] = { "BEGIN",  "START",    "COMMIT",
		                             "END",    "ROLLBACK", "ABORT",
		                             "PREPARE" };
	char first[16], second[16];
	size_t i = 0, j = 0;
	const char *p = text, *end = text + len;

	while (p < end && isalpha((unsigned char)*p) && i < sizeof(first) - 1)
		first[i++] = (char)toupper((unsigned char)*p++);
	first[i] = '\0';
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (p < end && isalpha((unsigned char)*p) && j < sizeof(second) - 1)
		second[j++] = (char)toupper((unsigned char)*p++);
	second[j] = '\0';
	for (size_t k = 0; k < RT_ARRAY_SIZE(words); k++) {
		if (strcmp(first, words[k]))
			continue;
		if (!strcmp(first, "ROLLBACK") && !strcmp(second, "TO"))
			return NULL;
		if (!strcmp(first, "PREPARE") && strcmp(second, "TRANSACTION"))
			return NULL;
		return words[k];
	}
	return NULL;
}

/*
 * The first statement of `text` that starts or ends a transaction: its
 * keyword, and its line in *line; NULL when there is none.
 */
static const char *find_transaction_control(const char *text, bool pg,
                                            unsigned *line)
{
	struct rt_sql_cursor cursor = RT_SQL_CURSOR_INIT(text, 1, pg);
	struct rt_sql_stmt st;

	while (rt_sql_next(&st, &cursor)) {
		const char *word = transaction_control(st.text, st.len);

		if (word) {
			*line = st.line;
			return word;
		}
	}
	return NULL;
}

static int refuse_transaction_control(const char *path, const char *text,
                                      struct rt_error *err)
{
	unsigned line = 0;
	const char *word = find_transaction_control(text, true, &line);

	if (!word)
		return 0;
	return rt_error_set_at(err, RT_EPARSE, path, line,
	                       "%s:%u: %s: the desired schema must not "
	                       "control transactions (retort loads it into a "
	                       "scratch schema inside a transaction it rolls "
	                       "back); remove the statement; " HINT,
	                       path, line, word);
}

/* ---- PostgreSQL ------------------------------------------------------ */

/* A few random bytes as hex; /dev/urandom, else the clock. */
static void random_hex(char *out, size_t size)
{
	unsigned char bytes[4] = { 0 };
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	bool got = false;

	if (fd >= 0) {
		got = read(fd, bytes, sizeof(bytes)) == (ssize_t)sizeof(bytes);
		close(fd);
	}
	if (!got) {
		struct timespec ts;
		static unsigned counter;
		unsigned long mix;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		mix = (unsigned long)ts.tv_nsec ^
		      ((unsigned long)ts.tv_sec << 12) ^
		      ++counter * 2654435761u;
		for (size_t i = 0; i < sizeof(bytes); i++)
			bytes[i] = (unsigned char)(mix >> (8 * i));
	}
	snprintf(out, size, "%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2],
	         bytes[3]);
}

/* Inside our transaction: the scratch schema, first in the search_path. */
static int make_scratch(struct rt_db *db, const char *name,
                        struct rt_error *err)
{
	struct rt_buf sql = RT_BUF_INIT;
	int ret;

	rt_buf_addf(&sql, "CREATE SCHEMA %s", name);
	ret = rt_db_exec(db, sql.buf, NULL, err);
	rt_buf_reset(&sql);
	/* SET LOCAL search_path = name, <the session's path> */
	rt_buf_addf(&sql,
	            "SELECT pg_catalog.set_config('search_path', '%s' || "
	            "CASE WHEN pg_catalog.current_setting('search_path') = '' "
	            "THEN '' ELSE ', ' || "
	            "pg_catalog.current_setting('search_path') END, true)",
	            name);
	if (ret == 0)
		ret = rt_db_exec(db, sql.buf, NULL, err);
	rt_buf_release(&sql);
	return ret;
}

/*
 * The scratch schema comes first in the search_path, but the session's
 * schemas follow it, so a foreign key to a table the desired schema
 * creates only later in its files (or not at all) finds the database's
 * own table of that name instead of failing.  The catalog would then
 * hold a key to "<schema>.<table>", and the migration written from it
 * would point outside the schema it manages.  Refuse it, as an empty
 * database would have refused the file (found by the property test,
 * test_autogen_property.c, with a generated B whose table referenced
 * one created after it).
 */
static int refuse_keys_to_the_database(const struct rt_catalog *cat,
                                       const char *own_schema,
                                       struct rt_error *err)
{
	size_t len = strlen(own_schema);

	for (size_t i = 0; i < cat->nr_tables; i++) {
		const struct rt_cat_table *t = &cat->tables[i];
		for (size_t j = 0; j < t->nr_fks; j++) {
			const char *ref = t->fks[j].ref_table;
			if (strncmp(ref, own_schema, len) || ref[len] != '.')
				continue;
			return rt_error_set(
			        err, RT_EPARSE,
			        "the foreign key %s of table '%s' in the "
			        "desired schema references '%s', a table of "
			        "the database itself, not of the desired "
			        "schema: create '%s' in the desired schema, "
			        "before the tables that reference it; fix the "
			        "desired schema (target_schema)",
			        t->fks[j].name ? t->fks[j].name : "(unnamed)",
			        t->name, ref, ref + len + 1);
		}
	}
	return 0;
}

/*
 * Run one file as one multi-statement query: one round trip however
 * many statements it holds (on a 1,000-table schema, 2,000 fewer round
 * trips than one statement at a time).  Each statement is echoed as
 * rt_db_exec_script() would.  When the server refuses the file, *failed
 * is set and `err` is left alone: the caller starts again one statement
 * at a time (run_file()), which names the statement and line.
 */
static int run_file_whole(struct rt_db *db, const char *text, bool *failed)
{
	struct rt_sql_cursor cursor = RT_SQL_CURSOR_INIT(text, 1, true);
	struct rt_sql_stmt st;
	struct rt_buf one = RT_BUF_INIT;
	struct rt_error ignored = RT_ERROR_INIT;

	while (rt_sql_next(&st, &cursor)) {
		rt_buf_reset(&one);
		rt_buf_add(&one, st.text, st.len);
		rt_db__echo(db, one.buf);
	}
	rt_buf_release(&one);
	/* not rt_db_exec(), which would echo the whole file once more */
	*failed = db->driver->exec(db, text, NULL, &ignored) < 0;
	rt_error_clear(&ignored);
	return *failed ? -1 : 0;
}

/*
 * One attempt at the PostgreSQL load, in a transaction of its own that
 * is always rolled back.  `whole`: each file in one round trip
 * (run_file_whole()); when one fails, *file_failed is set and nothing is
 * reported, so that the caller can run the load again without `whole`
 * to get the error with its file and line.
 */
static int load_postgres_once(struct rt_catalog *cat, struct rt_db *db,
                              const char *name, const struct rt_strvec *files,
                              const struct rt_strvec *texts, bool whole,
                              bool *file_failed, struct rt_error *err)
{
	struct rt_strvec own = RT_STRVEC_INIT;
	int ret = rt_db_begin(db, err);

	*file_failed = false;
	if (ret < 0)
		return ret;
	/* the schema the database's own tables are in, before ours */
	ret = rt_db__query_column(
	        &own, db, "SELECT pg_catalog.quote_ident(current_schema())",
	        err);
	if (ret == 0)
		ret = make_scratch(db, name, err);
	for (size_t i = 0; ret == 0 && i < files->nr; i++)
		ret = whole ? run_file_whole(db, texts->v[i], file_failed) :
		              run_file(db, files->v[i], texts->v[i], err);
	if (ret == 0)
		ret = rt_schema_inspect(cat, db, name, NULL, err);
	if (ret == 0 && own.nr && own.v[0])
		ret = refuse_keys_to_the_database(cat, own.v[0], err);
	rt_strvec_clear(&own);
	/* also after an error: the scratch schema goes with the rollback */
	rt_db_rollback(db);
	return ret;
}

static int load_postgres(struct rt_catalog *cat, struct rt_db *db,
                         const struct rt_strvec *files,
                         const struct rt_strvec *texts, struct rt_error *err)
{
	char name[64], hex[16];
	bool file_failed = false;
	int ret = 0;

	/* check every file before touching the database */
	for (size_t i = 0; ret == 0 && i < files->nr; i++)
		ret = refuse_transaction_control(files->v[i], texts->v[i], err);
	if (ret < 0)
		return ret;
	random_hex(hex, sizeof(hex));
	snprintf(name, sizeof(name), "retort_target_%ld_%s", (long)getpid(),
	         hex);
	ret = load_postgres_once(cat, db, name, files, texts, true,
	                         &file_failed, err);
	/* an error in the desired schema: again, to say where it is */
	if (ret < 0 && file_failed) {
		rt_catalog_release(cat);
		ret = load_postgres_once(cat, db, name, files, texts, false,
		                         &file_failed, err);
	}
	return ret;
}

/* ---- SQLite ---------------------------------------------------------- */

static int load_sqlite(struct rt_catalog *cat, const struct rt_strvec *files,
                       const struct rt_strvec *texts, struct rt_error *err)
{
	struct rt_url url = RT_URL_INIT;
	struct rt_db_options opts = { 0 };
	struct rt_db *scratch = NULL;
	unsigned line;
	bool wrap = true;
	int ret;

	/*
	 * One transaction around the whole load is about twice as fast
	 * (SQLite rescans its schema after each DDL statement that commits
	 * on its own), unless the files bring their own BEGIN ... COMMIT,
	 * as a .dump does; either way the database is thrown away.
	 */
	for (size_t i = 0; i < texts->nr; i++)
		if (find_transaction_control(texts->v[i], false, &line))
			wrap = false;
	ret = rt_url_parse(&url, "sqlite://", err);
	if (ret == 0)
		ret = rt_db_open(&scratch, &url, &opts, err);
	if (ret == 0 && wrap)
		ret = rt_db_begin(scratch, err);
	for (size_t i = 0; ret == 0 && i < files->nr; i++)
		ret = run_file(scratch, files->v[i], texts->v[i], err);
	if (ret == 0)
		ret = rt_schema_inspect(cat, scratch, NULL, NULL, err);
	rt_db_rollback(scratch);
	rt_db_close(scratch);
	rt_url_release(&url);
	return ret;
}

/* ---- both ------------------------------------------------------------ */

/*
 * PostgreSQL through the cache (target_cache.h): a hit costs one query
 * (the key) and reading a file; a miss loads the files and stores what
 * they gave.  Without a usable key (the query failed), no cache.
 */
static int load_postgres_cached(struct rt_catalog *cat, struct rt_db *db,
                                const char *path, const char *cache_dir,
                                const struct rt_strvec *files,
                                const struct rt_strvec *texts,
                                struct rt_error *err)
{
	struct rt_buf key = RT_BUF_INIT;
	struct rt_error ignored = RT_ERROR_INIT;
	char *cache = NULL;
	int ret;

	if (cache_dir &&
	    rt_target_cache_key(&key, db, files, texts, &ignored) == 0) {
		cache = rt_target_cache_path(cache_dir, path);
		if (rt_target_cache_read(cat, cache, &key) == 0) {
			ret = 0;
			goto out;
		}
	}
	ret = load_postgres(cat, db, files, texts, err);
	if (ret == 0 && cache)
		rt_target_cache_write(cache, &key, cat);
out:
	rt_error_clear(&ignored);
	rt_buf_release(&key);
	free(cache);
	return ret;
}

int rt_schema_load_target_cached(struct rt_catalog *cat, struct rt_db *db,
                                 const char *path, const char *cache_dir,
                                 struct rt_error *err)
{
	struct rt_strvec files = RT_STRVEC_INIT, texts = RT_STRVEC_INIT;
	struct rt_buf text = RT_BUF_INIT;
	int ret = rt_schema_target_files(&files, path, err);

	/* every file is read before the database sees any of them */
	for (size_t i = 0; ret == 0 && i < files.nr; i++) {
		rt_buf_reset(&text);
		ret = rt_fs_read_file(&text, files.v[i], err);
		if (ret == 0)
			rt_strvec_push(&texts, text.buf);
	}
	if (ret == 0) {
		if (rt_db_dialect(db) == RT_DIALECT_POSTGRESQL)
			ret = load_postgres_cached(cat, db, path, cache_dir,
			                           &files, &texts, err);
		else
			ret = load_sqlite(cat, &files, &texts, err);
	}
	rt_buf_release(&text);
	rt_strvec_clear(&texts);
	rt_strvec_clear(&files);
	if (ret < 0)
		rt_catalog_release(cat);
	return ret;
}

int rt_schema_load_target(struct rt_catalog *cat, struct rt_db *db,
                          const char *path, struct rt_error *err)
{
	return rt_schema_load_target_cached(cat, db, path, NULL, err);
}
