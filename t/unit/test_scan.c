#include "util/compat.h"
/*
 * test_scan.c - loading many scripts at once (script/scan.c): the files
 * are read by several threads, yet the revisions, their load order and
 * the error reported must be those of loading the files one by one.
 * test_sqlscript.c covers the small cases.
 */
#include <setjmp.h>
#include <cmocka.h>

#include "tmpdir_fixture.h"

#include <sys/stat.h>
#include <unistd.h>

#include "script/script.h"
#include "retort/error.h"
#include "util/alloc.h"
#include "util/fs.h"

/* enough files for several threads, which take 128 files each */
#define NR_FILES 1000
/* each case runs a few times: a race would not show every time */
#define ROUNDS 5

static struct rt_arena arena = RT_ARENA_INIT;
static struct rt_error err = RT_ERROR_INIT;
static char tmpdir[64];

static int setup(void **state)
{
	(void)state;
	rt_error_clear(&err);
	tmpdir_make(tmpdir, sizeof(tmpdir), "rt_scan_many");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(tmpdir);
	rt_arena_release(&arena);
	return 0;
}

static char *subdir(const char *name)
{
	char *path = rt_path_join(tmpdir, name);

	assert_int_equal(mkdir(path, 0777), 0);
	return path;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char *path = rt_path_join(dir, name);
	struct rt_error e = RT_ERROR_INIT;

	assert_int_equal(rt_fs_write_file(path, text, strlen(text), false, &e),
	                 0);
	free(path);
}

/* File i is "<i>.sql" (names sort as numbers), id r<i>, parent r<i-1>. */
static void file_name(char *buf, size_t size, int i)
{
	snprintf(buf, size, "%05d_rev.sql", i);
}

static void write_chain(const char *dir, int nr)
{
	char name[32];

	for (int i = 0; i < nr; i++) {
		char parent[32] = "";
		char *text;

		if (i)
			snprintf(parent, sizeof(parent), "r%d", i - 1);
		text = rt_xstrfmt("-- rev %d\n--\n-- Revision ID: r%d\n"
		                  "-- Revises: %s\n\n-- +upgrade\n"
		                  "up %d;\n\n-- +downgrade\ndown %d;\n",
		                  i, i, parent, i, i);
		file_name(name, sizeof(name), i);
		write_file(dir, name, text);
		free(text);
	}
}

static void check_chain(const struct rt_revision **revs, size_t nr,
                        const char *dir, int expect, bool with_sql)
{
	char id[32], name[32];

	assert_int_equal(nr, expect);
	for (int i = 0; i < expect; i++) {
		char *path;

		snprintf(id, sizeof(id), "r%d", i);
		file_name(name, sizeof(name), i);
		path = rt_path_join(dir, name);
		assert_string_equal(revs[i]->id, id);
		assert_string_equal(revs[i]->path, path);
		assert_int_equal(revs[i]->load_order, i);
		assert_int_equal(revs[i]->nr_down, i ? 1 : 0);
		if (with_sql) {
			char *up = rt_xstrfmt("up %d;\n\n", i);
			char *down = rt_xstrfmt("down %d;\n", i);

			assert_string_equal(revs[i]->upgrade_sql, up);
			assert_string_equal(revs[i]->downgrade_sql, down);
			free(up);
			free(down);
		} else {
			assert_null(revs[i]->upgrade_sql);
			assert_null(revs[i]->downgrade_sql);
		}
		assert_int_equal(revs[i]->upgrade_line, 7);
		assert_int_equal(revs[i]->downgrade_line, 10);
		free(path);
	}
}

static void test_many_in_order(void **state)
{
	char *v = subdir("versions");
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs;
	size_t nr;

	(void)state;
	write_chain(v, NR_FILES);
	rt_strvec_push(&dirs, v);
	for (int round = 0; round < ROUNDS; round++) {
		assert_int_equal(
		        rt_scan_versions(&revs, &nr, &arena, &dirs, &err), 0);
		check_chain(revs, nr, v, NR_FILES, true);
		assert_int_equal(
		        rt_scan_headers(&revs, &nr, &arena, &dirs, &err), 0);
		check_chain(revs, nr, v, NR_FILES, false);
	}
	rt_strvec_clear(&dirs);
	free(v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Load order is byte order of the names, whatever they share: names of
 * every length around 8 bytes (what the sort compares first), common
 * prefixes, upper case, bytes above 0x7f.
 */
static void test_byte_order(void **state)
{
	static const char *const stems[] = { "a",       "ab",       "abc",
		                             "abcdefg", "abcdefgh", "abcdefghi",
		                             "ABC",     "a_b",      "\xc3\xa9",
		                             "z\xff",   "~",        "0" };
	char *v = subdir("versions");
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs;
	const char *names[RT_ARRAY_SIZE(stems) * 40];
	size_t nr = 0, got;

	(void)state;
	for (size_t i = 0; i < RT_ARRAY_SIZE(stems); i++) {
		for (int k = 0; k < 40; k++) {
			char *name =
			        rt_xstrfmt("%s%.*d.sql", stems[i], k % 3, k);
			char *text = rt_xstrfmt("-- Revision ID: r%zu\n"
			                        "-- +upgrade\n",
			                        nr);

			/* "a.sql", "a1.sql", "a02.sql", "a3_3.sql", ... */
			if (k && k % 3 == 0) {
				free(name);
				name = rt_xstrfmt("%s%d_%d.sql", stems[i], k,
				                  k);
			}
			write_file(v, name, text);
			names[nr++] = rt_path_join(v, name);
			free(name);
			free(text);
		}
	}
	qsort(names, nr, sizeof(*names), cmp_str);
	rt_strvec_push(&dirs, v);
	assert_int_equal(rt_scan_headers(&revs, &got, &arena, &dirs, &err), 0);
	assert_int_equal(got, nr);
	for (size_t i = 0; i < nr; i++) {
		assert_string_equal(revs[i]->path, names[i]);
		free((char *)(uintptr_t)names[i]);
	}
	rt_strvec_clear(&dirs);
	free(v);
}

/* Break files `a` and `b` (a < b); the error must name `a`. */
static void test_first_error_in_load_order(void **state)
{
	static const int pairs[][2] = {
		{ 3, 990 }, { 500, 501 }, { 998, 999 }, { 0, 1 }, { 130, 260 }
	};
	char *v = subdir("versions");
	struct rt_strvec dirs = RT_STRVEC_INIT;
	char name[32];

	(void)state;
	write_chain(v, NR_FILES);
	rt_strvec_push(&dirs, v);
	for (size_t k = 0; k < RT_ARRAY_SIZE(pairs); k++) {
		const struct rt_revision **revs = NULL;
		size_t nr = 7;
		char *bad, *expect;

		file_name(name, sizeof(name), pairs[k][0]);
		write_file(v, name, "-- no id\n-- +upgrade\n");
		bad = rt_path_join(v, name);
		expect = rt_xstrfmt("%s:1: no '-- Revision ID:' line in the "
		                    "header; every revision script needs one",
		                    bad);
		file_name(name, sizeof(name), pairs[k][1]);
		write_file(v, name, "-- Revision ID: x\n-- +downgrade\n");
		for (int round = 0; round < ROUNDS; round++) {
			rt_error_clear(&err);
			assert_int_equal(rt_scan_headers(&revs, &nr, &arena,
			                                 &dirs, &err),
			                 RT_EPARSE);
			assert_null(revs);
			assert_int_equal(nr, 0);
			assert_string_equal(err.message, expect);
			assert_string_equal(err.loc.path, bad);
		}
		/* mend both for the next pair */
		rt_error_clear(&err);
		free(bad);
		free(expect);
		rt_strvec_clear(&dirs);
		write_chain(v, NR_FILES);
		rt_strvec_push(&dirs, v);
	}
	rt_strvec_clear(&dirs);
	free(v);
}

/* Every file from `first` on is broken: each thread meets one. */
static void test_many_errors(void **state)
{
	static const int firsts[] = { 0, 17, 600, 999 };
	char *v = subdir("versions");
	struct rt_strvec dirs = RT_STRVEC_INIT;
	char name[32];

	(void)state;
	rt_strvec_push(&dirs, v);
	for (size_t k = 0; k < RT_ARRAY_SIZE(firsts); k++) {
		const struct rt_revision **revs;
		size_t nr;
		char *bad;

		write_chain(v, firsts[k]);
		for (int i = firsts[k]; i < NR_FILES; i++) {
			char *text = rt_xstrfmt("-- Revision ID: %d-%d\n"
			                        "-- +upgrade\n",
			                        i, i);

			file_name(name, sizeof(name), i);
			write_file(v, name, text);
			free(text);
		}
		file_name(name, sizeof(name), firsts[k]);
		bad = rt_path_join(v, name);
		for (int round = 0; round < ROUNDS; round++) {
			rt_error_clear(&err);
			assert_int_equal(rt_scan_headers(&revs, &nr, &arena,
			                                 &dirs, &err),
			                 RT_EPARSE);
			assert_string_equal(err.loc.path, bad);
		}
		free(bad);
	}
	rt_error_clear(&err);
	rt_strvec_clear(&dirs);
	free(v);
}

/*
 * A folder that cannot be listed comes after the files before it: a
 * broken file there wins, else the folder's error.
 */
static void test_folder_error_after_files(void **state)
{
	char *v = subdir("versions");
	char *file = rt_path_join(tmpdir, "not_a_dir");
	char *expect = rt_xstrfmt("versions folder '%s' is not a directory; "
	                          "check script_location and "
	                          "version_locations",
	                          file);
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs;
	char name[32];
	size_t nr;

	(void)state;
	write_chain(v, NR_FILES);
	write_file(tmpdir, "not_a_dir", "x\n");
	rt_strvec_push(&dirs, v);
	rt_strvec_push(&dirs, file);
	assert_int_equal(rt_scan_headers(&revs, &nr, &arena, &dirs, &err),
	                 RT_EIO);
	assert_string_equal(err.message, expect);
	rt_error_clear(&err);
	file_name(name, sizeof(name), NR_FILES - 1);
	write_file(v, name, "-- Revision ID: a@b\n-- +upgrade\n");
	assert_int_equal(rt_scan_headers(&revs, &nr, &arena, &dirs, &err),
	                 RT_EPARSE);
	assert_non_null(strstr(err.message, name));
	rt_strvec_clear(&dirs);
	free(expect);
	free(file);
	free(v);
}

/*
 * Files reached twice: a hard link and a symbolic link to one script,
 * listed among many, and the folder listed twice.  The first name in
 * load order keeps the script; a dangling link is skipped.
 */
static void test_same_file_twice(void **state)
{
	char *v = subdir("versions");
	char *target = rt_path_join(v, "00500_rev.sql");
	char *hard = rt_path_join(v, "00500_rev_hard.sql");
	char *soft = rt_path_join(v, "00100_soft.sql");
	char *dangling = rt_path_join(v, "00200_dangling.sql");
	char *gone = rt_path_join(tmpdir, "gone.sql");
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs;
	size_t nr;

	(void)state;
	write_chain(v, NR_FILES);
	assert_int_equal(link(target, hard), 0);
	assert_int_equal(symlink(target, soft), 0);
	assert_int_equal(symlink(gone, dangling), 0);
	rt_strvec_push(&dirs, v);
	rt_strvec_push(&dirs, v);
	for (int round = 0; round < ROUNDS; round++) {
		assert_int_equal(
		        rt_scan_versions(&revs, &nr, &arena, &dirs, &err), 0);
		assert_int_equal(nr, NR_FILES);
		/* the link sorts before its target and stands for it */
		assert_string_equal(revs[100]->id, "r100");
		assert_string_equal(revs[101]->path, soft);
		assert_string_equal(revs[101]->id, "r500");
		assert_string_equal(revs[102]->id, "r101");
		assert_string_equal(revs[500]->id, "r499");
		assert_string_equal(revs[501]->id, "r501");
		for (size_t i = 0; i < nr; i++)
			assert_int_equal(revs[i]->load_order, i);
	}
	rt_strvec_clear(&dirs);
	free(gone);
	free(dangling);
	free(soft);
	free(hard);
	free(target);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_many_in_order),
		T(test_byte_order),
		T(test_first_error_in_load_order),
		T(test_many_errors),
		T(test_folder_error_after_files),
		T(test_same_file_twice),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
