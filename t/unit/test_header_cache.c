#include "util/compat.h"
/*
 * test_header_cache.c - the cache of parsed script headers
 * (script/header_cache.c) behind rt_scan_headers_cached(): a load through
 * the cache gives what reading the scripts gives, whatever changed on
 * disk since, and a damaged or unwritable cache costs a re-read and
 * nothing else.
 */
#include <setjmp.h>
#include <cmocka.h>

#include "tmpdir_fixture.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "script/header_cache.h"
#include "script/script.h"
#include "retort/error.h"
#include "util/alloc.h"
#include "util/fs.h"

static struct rt_arena arena = RT_ARENA_INIT;
static struct rt_error err = RT_ERROR_INIT;
static char tmpdir[64];
static char *versions;
/* in folders that do not exist yet: the load creates them */
static char *cache_path;
static struct rt_strvec dirs = RT_STRVEC_INIT;
/* a load start well ahead: every file written is old enough to store */
static struct timespec later;

static int setup(void **state)
{
	(void)state;
	rt_error_clear(&err);
	tmpdir_make(tmpdir, sizeof(tmpdir), "rt_hcache");
	versions = rt_path_join(tmpdir, "versions");
	assert_int_equal(mkdir(versions, 0777), 0);
	cache_path = rt_xstrfmt("%s/cache/retort/headers-test", tmpdir);
	rt_strvec_push(&dirs, versions);
	clock_gettime(CLOCK_REALTIME, &later);
	later.tv_sec += 10;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(tmpdir);
	rt_arena_release(&arena);
	rt_strvec_clear(&dirs);
	free(versions);
	free(cache_path);
	return 0;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char *path = rt_path_join(dir, name);
	struct rt_error e = RT_ERROR_INIT;

	assert_int_equal(rt_fs_write_file(path, text, strlen(text), false, &e),
	                 0);
	free(path);
}

/* Set the mtime of versions/name; returns the one it had. */
static struct timespec set_mtime(const char *name, const struct timespec *to)
{
	char *path = rt_path_join(versions, name);
	struct timespec times[2];
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	times[0].tv_sec = 0;
	times[0].tv_nsec = UTIME_OMIT;
	times[1] = *to;
	assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
	free(path);
	return st.st_mtim;
}

/*
 * Every kind of header: several parents, labels, depends_on, docs of
 * several paragraphs and none, `Transactional: false`, `Foreign Keys:
 * off`, .py scripts with
 * tuples and lists; two links to scripts (dropped as the same file) and
 * names that are not scripts after all.
 */
static void write_sample(void)
{
	char *target;

	write_file(versions, "a_base.sql",
	           "-- create the base\n--\n-- A second paragraph\n"
	           "-- on two lines.\n--\n-- Revision ID: a1\n"
	           "-- Revises:\n-- Create Date: 2024-01-01 00:00:00\n"
	           "-- Branch Labels: main, core\n"
	           "-- Transactional: false\n\n-- +upgrade\n"
	           "CREATE TABLE t (id int);\n\n-- +downgrade\n"
	           "DROP TABLE t;\n");
	write_file(versions, "b_side.sql",
	           "-- side\n-- Revision ID: b2\n-- Revises: a1\n"
	           "-- Depends On: a1, core\n-- Foreign Keys: off\n\n"
	           "-- +upgrade\nSELECT 1;\n");
	write_file(versions, "c_py.py",
	           "\"\"\"python one\n\nmore about it\n\n"
	           "Revision ID: c3\n\"\"\"\n"
	           "revision = 'c3'\ndown_revision = ('a1',)\n"
	           "branch_labels = ('py_lab',)\n"
	           "depends_on = ['b2']\n\n"
	           "def upgrade():\n    pass\n");
	write_file(versions, "d_merge.sql",
	           "-- merge b2 and c3\n-- Revision ID: d4\n"
	           "-- Revises: b2, c3\n\n-- +upgrade\n\n-- +downgrade\n");
	write_file(versions, "e_nodoc.py",
	           "revision = 'e5'\ndown_revision = 'd4'\n");
	write_file(versions, "f_nodoc.sql",
	           "-- Revision ID: f6\n-- Revises: e5\n-- +upgrade\n");
	target = rt_path_join(versions, "d_merge.sql");
	{
		char *soft = rt_path_join(versions, "z_link.sql");
		char *hard = rt_path_join(versions, "y_hard.sql");
		char *side = rt_path_join(versions, "b_side.sql");
		char *dangling = rt_path_join(versions, "x_dangling.sql");
		char *dir = rt_path_join(versions, "w_dir.sql");

		assert_int_equal(symlink(target, soft), 0);
		assert_int_equal(link(side, hard), 0);
		assert_int_equal(symlink("/nonexistent/x.sql", dangling), 0);
		assert_int_equal(mkdir(dir, 0777), 0);
		free(soft);
		free(hard);
		free(side);
		free(dangling);
		free(dir);
	}
	free(target);
}

/* The scripts of write_sample() that load (the links included). */
#define SAMPLE_LOADED 8
/* ... and the names listed (the dangling link and the folder too) */
#define SAMPLE_LISTED 10

static void assert_list_equal(const char **a, size_t na, const char **b,
                              size_t nb)
{
	assert_int_equal(na, nb);
	assert_non_null(a);
	assert_non_null(b);
	for (size_t i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
	assert_null(a[na]);
	assert_null(b[nb]);
}

static void assert_rev_equal(const struct rt_revision *a,
                             const struct rt_revision *b)
{
	assert_string_equal(a->id, b->id);
	assert_list_equal(a->down_revisions, a->nr_down, b->down_revisions,
	                  b->nr_down);
	assert_list_equal(a->depends_on, a->nr_depends, b->depends_on,
	                  b->nr_depends);
	assert_list_equal(a->branch_labels, a->nr_labels, b->branch_labels,
	                  b->nr_labels);
	assert_string_equal(a->doc, b->doc);
	assert_string_equal(a->longdoc, b->longdoc);
	assert_string_equal(a->path, b->path);
	assert_null(a->upgrade_sql);
	assert_null(b->upgrade_sql);
	assert_null(a->downgrade_sql);
	assert_null(b->downgrade_sql);
	assert_int_equal(a->upgrade_line, b->upgrade_line);
	assert_int_equal(a->downgrade_line, b->downgrade_line);
	assert_int_equal(a->transactional, b->transactional);
	assert_int_equal(a->is_python, b->is_python);
	assert_int_equal(a->foreign_keys_off, b->foreign_keys_off);
	assert_int_equal(a->load_order, b->load_order);
}

struct load {
	const struct rt_revision **revs;
	size_t nr;
};

static struct load load_plain(const struct rt_strvec *d)
{
	struct load l;

	assert_int_equal(rt_scan_headers(&l.revs, &l.nr, &arena, d, &err), 0);
	return l;
}

/*
 * Load through the cache at `path` (min_scripts 0); `start` as in
 * rt_scan_cache_opts.  Returns what the load says it did.
 */
static struct rt_scan_cache_opts load_via(struct load *l,
                                          const struct rt_strvec *d,
                                          const char *path,
                                          const struct timespec *start)
{
	struct rt_scan_cache_opts o = { 0 };

	o.path = path;
	o.start = start;
	assert_int_equal(
	        rt_scan_headers_cached(&l->revs, &l->nr, &arena, d, &o, &err),
	        0);
	return o;
}

static struct rt_scan_cache_opts load_cached(struct load *l)
{
	return load_via(l, &dirs, cache_path, &later);
}

static void assert_same_load(const struct load *a, const struct load *b)
{
	assert_int_equal(a->nr, b->nr);
	for (size_t i = 0; i < a->nr; i++)
		assert_rev_equal(a->revs[i], b->revs[i]);
}

/* How many entries the cache file holds; -1 when it is unusable. */
static long cache_entries(const char *path, const struct rt_strvec *d)
{
	struct rt_header_cache *c = rt_header_cache_read(path, d);
	long nr = c ? (long)rt_header_cache_nr(c) : -1;

	rt_header_cache_free(c);
	return nr;
}

static void test_same_as_reading(void **state)
{
	struct rt_strvec twice = RT_STRVEC_INIT;
	char *path2 = rt_xstrfmt("%s/cache/other", tmpdir);
	struct load plain, got;
	struct rt_scan_cache_opts o;

	(void)state;
	write_sample();
	plain = load_plain(&dirs);
	assert_int_equal(plain.nr, 6);

	/* no cache yet: every script is read, then stored */
	o = load_cached(&got);
	assert_same_load(&plain, &got);
	assert_int_equal(o.hits, 0);
	assert_true(o.written);
	assert_int_equal(cache_entries(cache_path, &dirs), SAMPLE_LOADED);

	/* then each comes from the cache, and the cache stays as it is */
	for (int round = 0; round < 3; round++) {
		o = load_cached(&got);
		assert_same_load(&plain, &got);
		assert_int_equal(o.hits, SAMPLE_LOADED);
		assert_false(o.written);
	}
	assert_string_equal(got.revs[0]->doc, "create the base");
	assert_true(rt_starts_with(got.revs[0]->longdoc,
	                           "create the base\n\nA second paragraph\n"
	                           "on two lines.\n\nRevision ID: a1\n"));
	assert_false(got.revs[0]->transactional);
	assert_true(got.revs[1]->foreign_keys_off);
	assert_false(got.revs[0]->foreign_keys_off);
	assert_string_equal(got.revs[2]->doc, "python one");
	assert_true(got.revs[2]->is_python);
	assert_int_equal(got.revs[3]->nr_down, 2);

	/* the folder listed twice: each file counts once, as without */
	rt_strvec_push(&twice, versions);
	rt_strvec_push(&twice, versions);
	plain = load_plain(&twice);
	for (int round = 0; round < 2; round++) {
		o = load_via(&got, &twice, path2, &later);
		assert_same_load(&plain, &got);
		assert_int_equal(o.hits, round ? 2 * SAMPLE_LOADED : 0);
	}
	rt_strvec_clear(&twice);
	free(path2);
}

static void test_changed_script_seen(void **state)
{
	struct timespec t = later;
	struct load plain, got;
	struct rt_scan_cache_opts o;

	(void)state;
	write_sample();
	load_cached(&got);
	write_file(versions, "d_merge.sql",
	           "-- now a plain child\n-- Revision ID: d4\n"
	           "-- Revises: c3\n\n-- +upgrade\n\n-- +downgrade\n");
	t.tv_sec -= 3600;
	set_mtime("d_merge.sql", &t);
	plain = load_plain(&dirs);
	assert_int_equal(plain.revs[3]->nr_down, 1);
	o = load_cached(&got);
	assert_same_load(&plain, &got);
	/* the script and the link to it were read again */
	assert_int_equal(o.hits, SAMPLE_LOADED - 2);
	assert_true(o.written);
	o = load_cached(&got);
	assert_same_load(&plain, &got);
	assert_int_equal(o.hits, SAMPLE_LOADED);
	assert_false(o.written);
}

/*
 * Git's racy-clean case: a script changed within the clock tick of its
 * last load, its size and mtime unchanged.  It was not stored, as too
 * recent, so the change is seen.
 */
static void test_racy_script_not_stored(void **state)
{
	struct timespec now = { 0, UTIME_NOW }, mtime;
	struct load got;
	struct rt_scan_cache_opts o;
	struct stat st;
	char *path = rt_path_join(versions, "a.sql");

	(void)state;
	write_file(versions, "a.sql", "-- Revision ID: r1\n-- +upgrade\n");
	set_mtime("a.sql", &now);
	assert_int_equal(stat(path, &st), 0);
	mtime = st.st_mtim;

	o = load_via(&got, &dirs, cache_path, NULL);
	assert_string_equal(got.revs[0]->id, "r1");
	assert_true(o.written);
	assert_int_equal(cache_entries(cache_path, &dirs), 0);

	write_file(versions, "a.sql", "-- Revision ID: r2\n-- +upgrade\n");
	set_mtime("a.sql", &mtime);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 31);
	assert_int_equal(st.st_mtim.tv_sec, mtime.tv_sec);
	assert_int_equal(st.st_mtim.tv_nsec, mtime.tv_nsec);
	o = load_via(&got, &dirs, cache_path, NULL);
	assert_string_equal(got.revs[0]->id, "r2");
	assert_int_equal(o.hits, 0);

	/* once old enough it is stored, and then used */
	load_cached(&got);
	assert_int_equal(cache_entries(cache_path, &dirs), 1);
	o = load_cached(&got);
	assert_string_equal(got.revs[0]->id, "r2");
	assert_int_equal(o.hits, 1);
	free(path);
}

/*
 * A stored script edited keeping its size and mtime (set back by hand):
 * its ctime tells.
 */
static void test_ctime_tells(void **state)
{
	struct timespec old = later, mtime;
	struct load got;
	struct rt_scan_cache_opts o;

	(void)state;
	write_file(versions, "a.sql", "-- Revision ID: r1\n-- +upgrade\n");
	old.tv_sec -= 3600;
	set_mtime("a.sql", &old);
	load_cached(&got);
	o = load_cached(&got);
	assert_int_equal(o.hits, 1);
	write_file(versions, "a.sql", "-- Revision ID: r2\n-- +upgrade\n");
	set_mtime("a.sql", &old);
	/* the size and the mtime are those stored */
	mtime = set_mtime("a.sql", &old);
	assert_int_equal(mtime.tv_sec, old.tv_sec);
	assert_int_equal(mtime.tv_nsec, old.tv_nsec);
	o = load_cached(&got);
	assert_string_equal(got.revs[0]->id, "r2");
	assert_int_equal(o.hits, 0);
}

static void test_racy_rule(void **state)
{
	struct timespec start = { 1000000, 500 };
	struct rt_file_stamp s = { 0 };

	(void)state;
	s.mtime_sec = s.ctime_sec = 1000000 - 3;
	assert_false(rt_file_stamp_is_racy(&s, &start));
	/* exactly two seconds before is still safe; a nanosecond later not */
	s.mtime_sec = 1000000 - 2;
	s.mtime_nsec = 500;
	assert_false(rt_file_stamp_is_racy(&s, &start));
	s.mtime_nsec = 501;
	assert_true(rt_file_stamp_is_racy(&s, &start));
	/* an old mtime set back by hand: the ctime tells */
	s.mtime_sec = 5;
	s.mtime_nsec = 0;
	s.ctime_sec = 1000000 - 1;
	assert_true(rt_file_stamp_is_racy(&s, &start));
	/* a file from the future is never trusted */
	s.ctime_sec = 5;
	s.mtime_sec = 2000000;
	assert_true(rt_file_stamp_is_racy(&s, &start));
}

static void test_deleted_script_gone(void **state)
{
	char *gone = rt_path_join(versions, "e_nodoc.py");
	struct load plain, got;
	struct rt_scan_cache_opts o;

	(void)state;
	write_sample();
	load_cached(&got);
	assert_int_equal(unlink(gone), 0);
	plain = load_plain(&dirs);
	assert_int_equal(plain.nr, 5);
	o = load_cached(&got);
	assert_same_load(&plain, &got);
	assert_int_equal(o.hits, SAMPLE_LOADED - 1);
	assert_true(o.written);
	assert_int_equal(cache_entries(cache_path, &dirs), SAMPLE_LOADED - 1);
	o = load_cached(&got);
	assert_false(o.written);
	free(gone);
}

static void test_new_script_seen(void **state)
{
	struct load plain, got;
	struct rt_scan_cache_opts o;

	(void)state;
	write_sample();
	load_cached(&got);
	write_file(versions, "c_new.sql",
	           "-- new\n-- Revision ID: n7\n-- Revises: f6\n-- +upgrade\n");
	plain = load_plain(&dirs);
	assert_int_equal(plain.nr, 7);
	o = load_cached(&got);
	assert_same_load(&plain, &got);
	assert_string_equal(got.revs[2]->id, "n7");
	assert_int_equal(o.hits, SAMPLE_LOADED);
	assert_true(o.written);
	assert_int_equal(cache_entries(cache_path, &dirs), SAMPLE_LOADED + 1);
}

/* A cached script broken since: the very error of reading it. */
static void test_broken_script_same_error(void **state)
{
	struct rt_error plain_err = RT_ERROR_INIT;
	struct rt_scan_cache_opts o = { 0 };
	struct timespec t = later;
	struct load got;

	(void)state;
	write_sample();
	load_cached(&got);
	write_file(versions, "b_side.sql", "-- no id\n-- +upgrade\n");
	t.tv_sec -= 3600;
	set_mtime("b_side.sql", &t);
	assert_int_equal(
	        rt_scan_headers(&got.revs, &got.nr, &arena, &dirs, &plain_err),
	        RT_EPARSE);
	for (int round = 0; round < 2; round++) {
		rt_error_clear(&err);
		o.path = cache_path;
		o.start = &later;
		assert_int_equal(rt_scan_headers_cached(&got.revs, &got.nr,
		                                        &arena, &dirs, &o,
		                                        &err),
		                 RT_EPARSE);
		assert_string_equal(err.message, plain_err.message);
		assert_string_equal(err.loc.path, plain_err.loc.path);
		assert_int_equal(err.loc.line, plain_err.loc.line);
		/* a load that fails leaves the cache alone */
		assert_false(o.written);
	}
	rt_error_clear(&err);
	rt_error_clear(&plain_err);
	/* mended, it loads (and is stored) again */
	write_file(
	        versions, "b_side.sql",
	        "-- side\n-- Revision ID: b2\n-- Revises: a1\n-- +upgrade\n");
	o = load_cached(&got);
	assert_int_equal(got.nr, 6);
	assert_true(o.written);
	o = load_cached(&got);
	assert_int_equal(o.hits, SAMPLE_LOADED);
}

/* Some more scripts, so that the cache has entries of every size. */
static void write_fillers(int nr)
{
	for (int i = 0; i < nr; i++) {
		char name[32];
		char *text =
		        rt_xstrfmt("-- filler %d%.*s\n--\n-- more\n"
		                   "-- Revision ID: g%d\n"
		                   "-- Revises: %s\n-- +upgrade\n",
		                   i, i % 7, "xxxxxxx", i, i ? "f6" : "a1");

		snprintf(name, sizeof(name), "g_%03d.sql", i);
		write_file(versions, name, text);
		free(text);
	}
}

static void write_bytes(const char *path, const char *data, size_t len)
{
	struct rt_error e = RT_ERROR_INIT;

	assert_int_equal(rt_fs_write_file(path, data, len, false, &e), 0);
}

/* The cache, as `data`, is refused: the load reads every script. */
static void assert_refused(const struct load *plain, const char *data,
                           size_t len)
{
	struct rt_scan_cache_opts o;
	struct load got;

	write_bytes(cache_path, data, len);
	o = load_cached(&got);
	assert_same_load(plain, &got);
	assert_int_equal(o.hits, 0);
	assert_true(o.written);
}

static void test_damaged_cache(void **state)
{
	struct rt_buf good = RT_BUF_INIT;
	struct load plain, got;
	char *copy;
	size_t len, step;

	(void)state;
	write_sample();
	write_fillers(40);
	plain = load_plain(&dirs);
	load_cached(&got);
	assert_int_equal(rt_fs_read_file(&good, cache_path, &err), 0);
	len = good.len;
	copy = rt_xmalloc(len);

	/* cut short anywhere */
	step = len / 97 + 1;
	for (size_t cut = 0; cut < len;
	     cut += cut < 64 || cut > len - 16 ? 1 : step)
		assert_refused(&plain, good.buf, cut);
	/* one byte too many */
	memcpy(copy, good.buf, len);
	{
		char *longer = rt_xmalloc(len + 1);

		memcpy(longer, good.buf, len);
		longer[len] = '\0';
		assert_refused(&plain, longer, len + 1);
		free(longer);
	}
	/* bit flips: the checksum tells */
	srand(7);
	for (int i = 0; i < 300; i++) {
		size_t at = (size_t)rand() % len;

		memcpy(copy, good.buf, len);
		copy[at] ^= (char)(1 << (rand() % 8));
		assert_refused(&plain, copy, len);
	}
	free(copy);
	rt_buf_release(&good);
}

/* The little-endian u32 at p. */
static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Write `data` with a checksum that fits it, then load through it. */
static void load_forged(const struct load *plain, unsigned char *data,
                        size_t len)
{
	uint64_t sum = rt_header_cache_checksum(data, len - 8);
	struct rt_scan_cache_opts o;
	struct load got;

	for (int i = 0; i < 8; i++)
		data[len - 8 + i] = (unsigned char)(sum >> (8 * i));
	write_bytes(cache_path, (const char *)data, len);
	o = load_cached(&got);
	/* lies about a script may come through; a crash never */
	assert_int_equal(got.nr, plain->nr);
	(void)o;
}

/*
 * Damage that the checksum does not catch (a forged file): every length
 * is still checked against the end of the file.
 */
static void test_forged_cache(void **state)
{
	static const uint32_t values[] = { 0,          1,          2,
		                           3,          87,         88,
		                           89,         0x7fffffff, 0x80000000,
		                           0xfffffff0, 0xffffffff };
	struct rt_buf good = RT_BUF_INIT;
	struct load plain, got;
	unsigned char *copy;
	size_t len, first, nr_dirs_at;

	(void)state;
	write_sample();
	write_fillers(10);
	plain = load_plain(&dirs);
	load_cached(&got);
	assert_int_equal(rt_fs_read_file(&good, cache_path, &err), 0);
	len = good.len;
	copy = rt_xmalloc(len);
	/* magic line, folder count, the one folder, entry count */
	nr_dirs_at = strlen("retort header cache 2\n");
	first = nr_dirs_at + 4 + 4 + strlen(versions) + 4;
	assert_int_equal(get32((unsigned char *)good.buf + nr_dirs_at), 1);

	/* every u32 of the header and of the first two entries */
	for (size_t at = nr_dirs_at; at + 4 <= first + 2 * 88 + 64; at += 4)
		for (size_t k = 0; k < RT_ARRAY_SIZE(values); k++) {
			memcpy(copy, good.buf, len);
			put32(copy + at, values[k]);
			load_forged(&plain, copy, len);
		}
	/* and random bytes anywhere */
	srand(11);
	for (int i = 0; i < 500; i++) {
		memcpy(copy, good.buf, len);
		for (int n = rand() % 4; n >= 0; n--)
			copy[(size_t)rand() % (len - 8)] =
			        (unsigned char)rand();
		load_forged(&plain, copy, len);
	}
	/* truncated, the checksum fixed up */
	for (size_t cut = 8; cut < len; cut += 7) {
		memcpy(copy, good.buf, cut);
		load_forged(&plain, copy, cut);
	}
	free(copy);
	rt_buf_release(&good);
}

static void test_other_folders_ignored(void **state)
{
	char *v2 = rt_path_join(tmpdir, "more");
	struct rt_strvec both = RT_STRVEC_INIT;
	struct load plain, got;
	struct rt_scan_cache_opts o;

	(void)state;
	write_sample();
	load_cached(&got);
	assert_int_equal(mkdir(v2, 0777), 0);
	write_file(v2, "m.sql", "-- Revision ID: m1\n-- +upgrade\n");
	rt_strvec_push(&both, versions);
	rt_strvec_push(&both, v2);
	plain = load_plain(&both);
	o = load_via(&got, &both, cache_path, &later);
	assert_same_load(&plain, &got);
	assert_int_equal(o.hits, 0);
	assert_true(o.written);
	/* the cache is now that of both folders */
	assert_int_equal(cache_entries(cache_path, &dirs), -1);
	assert_int_equal(cache_entries(cache_path, &both), SAMPLE_LOADED + 1);
	o = load_cached(&got);
	assert_int_equal(o.hits, 0);
	rt_strvec_clear(&both);
	free(v2);
}

/* No entry in `dir` is a leftover "*.tmp.*" file. */
static void assert_no_tmp_file(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		assert_null(strstr(de->d_name, ".tmp."));
	closedir(d);
}

static void test_unwritable_cache(void **state)
{
	char *blocked = rt_xstrfmt("%s/plainfile/retort/headers", tmpdir);
	char *taken = rt_xstrfmt("%s/taken/headers", tmpdir);
	char *taken_dir = rt_path_join(tmpdir, "taken");
	struct load plain, got;
	struct rt_scan_cache_opts o;

	(void)state;
	write_sample();
	plain = load_plain(&dirs);
	/* its folder cannot be made: a file is in the way */
	write_file(tmpdir, "plainfile", "x\n");
	for (int round = 0; round < 2; round++) {
		o = load_via(&got, &dirs, blocked, &later);
		assert_same_load(&plain, &got);
		assert_false(o.written);
	}
	/* the cache's name is a folder: nothing replaces it */
	assert_int_equal(mkdir(taken_dir, 0777), 0);
	assert_int_equal(mkdir(taken, 0777), 0);
	o = load_via(&got, &dirs, taken, &later);
	assert_same_load(&plain, &got);
	assert_false(o.written);
	assert_no_tmp_file(taken_dir);
	free(taken_dir);
	free(taken);
	free(blocked);
}

static void test_min_scripts(void **state)
{
	struct rt_scan_cache_opts o = { 0 };
	struct load got;

	(void)state;
	write_sample();
	o.path = cache_path;
	o.start = &later;
	o.min_scripts = SAMPLE_LISTED + 1;
	assert_int_equal(rt_scan_headers_cached(&got.revs, &got.nr, &arena,
	                                        &dirs, &o, &err),
	                 0);
	assert_int_equal(got.nr, 6);
	assert_false(o.written);
	assert_int_equal(access(cache_path, F_OK), -1);
	o.min_scripts = SAMPLE_LISTED;
	assert_int_equal(rt_scan_headers_cached(&got.revs, &got.nr, &arena,
	                                        &dirs, &o, &err),
	                 0);
	assert_true(o.written);
	assert_int_equal(access(cache_path, F_OK), 0);
}

/* Enough scripts for every loading thread, each round the same. */
static void test_many_scripts(void **state)
{
	struct load plain, got;
	struct rt_scan_cache_opts o;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		char name[32], parent[32] = "";
		char *text;

		if (i)
			snprintf(parent, sizeof(parent), "r%d", i - 1);
		text = rt_xstrfmt("-- rev %d\n--\n-- Revision ID: r%d\n"
		                  "-- Revises: %s\n-- +upgrade\n",
		                  i, i, parent);

		snprintf(name, sizeof(name), "%05d_rev.sql", i);
		write_file(versions, name, text);
		free(text);
	}
	plain = load_plain(&dirs);
	assert_int_equal(plain.nr, 1000);
	for (int round = 0; round < 4; round++) {
		o = load_cached(&got);
		assert_same_load(&plain, &got);
		assert_int_equal(o.hits, round ? 1000 : 0);
		assert_int_equal(o.written, !round);
	}
}

static void test_cache_path(void **state)
{
	struct rt_strvec other = RT_STRVEC_INIT;
	char *a = rt_header_cache_path("/x/cache", &dirs);
	char *b = rt_header_cache_path("/x/cache/", &dirs);
	char *c;

	(void)state;
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), strlen("/x/cache/headers-") + 16);
	assert_true(rt_starts_with(a, "/x/cache/headers-"));
	assert_int_equal(
	        strspn(a + strlen("/x/cache/headers-"), "0123456789abcdef"),
	        16);
	rt_strvec_push(&other, versions);
	rt_strvec_push(&other, "/elsewhere");
	c = rt_header_cache_path("/x/cache", &other);
	assert_string_not_equal(a, c);
	rt_strvec_clear(&other);
	free(a);
	free(b);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_same_as_reading),
		T(test_changed_script_seen),
		T(test_racy_script_not_stored),
		T(test_ctime_tells),
		T(test_racy_rule),
		T(test_deleted_script_gone),
		T(test_new_script_seen),
		T(test_broken_script_same_error),
		T(test_damaged_cache),
		T(test_forged_cache),
		T(test_other_folders_ignored),
		T(test_unwritable_cache),
		T(test_min_scripts),
		T(test_many_scripts),
		T(test_cache_path),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
