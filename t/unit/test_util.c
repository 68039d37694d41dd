/*
 * test_util.c - the libc-only helpers: rt_buf, rt_strvec, rt_arena and
 * the path functions.
 */
#include "util/compat.h"
#include <setjmp.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/strvec.h"
#include "retort/error.h"

static void test_buf_invariants(void **state)
{
	struct rt_buf sb = RT_BUF_INIT;
	char *s;

	(void)state;
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	rt_buf_adds(&sb, "abc");
	rt_buf_addch(&sb, '-');
	rt_buf_addf(&sb, "%d/%s", 42, "x");
	assert_int_equal(sb.len, 8);
	assert_string_equal(sb.buf, "abc-42/x");
	rt_buf_reset(&sb);
	assert_string_equal(sb.buf, "");
	rt_buf_adds(&sb, "  padded \n");
	rt_buf_trim(&sb);
	assert_string_equal(sb.buf, "padded");
	s = rt_buf_detach(&sb);
	assert_string_equal(s, "padded");
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	free(s);
	s = rt_buf_detach(&sb); /* an unused buffer still detaches */
	assert_string_equal(s, "");
	free(s);
}

static void test_buf_growth_and_quoting(void **state)
{
	struct rt_buf sb = RT_BUF_INIT;

	(void)state;
	for (int i = 0; i < 10000; i++)
		rt_buf_addch(&sb, 'a' + i % 26);
	assert_int_equal(sb.len, 10000);
	assert_int_equal(sb.buf[10000], '\0');
	rt_buf_reset(&sb);
	rt_buf_add_sql_quoted(&sb, "it's 'x'");
	assert_string_equal(sb.buf, "it''s ''x''");
	rt_buf_release(&sb);
	assert_true(rt_starts_with("alembic_version", "alembic"));
	assert_false(rt_starts_with("al", "alembic"));
	assert_true(rt_ends_with("x.sql", ".sql"));
	assert_false(rt_ends_with("sql", ".sql"));
}

static void test_strvec(void **state)
{
	struct rt_strvec v = RT_STRVEC_INIT;
	char buf[8] = "temp";

	(void)state;
	assert_non_null(v.v);
	assert_null(v.v[0]);
	rt_strvec_push(&v, buf);
	buf[0] = 'X'; /* the vector kept its own copy */
	rt_strvec_pushf(&v, "n%d", 2);
	rt_strvec_push(&v, "alpha");
	assert_int_equal(v.nr, 3);
	assert_string_equal(v.v[0], "temp");
	assert_null(v.v[3]);
	assert_true(rt_strvec_contains(&v, "n2"));
	assert_false(rt_strvec_contains(&v, "n3"));
	rt_strvec_sort(&v);
	assert_string_equal(v.v[0], "alpha");
	assert_string_equal(v.v[2], "temp");
	rt_strvec_clear(&v);
	assert_int_equal(v.nr, 0);
	assert_null(v.v[0]);
}

static void test_arena(void **state)
{
	struct rt_arena a = RT_ARENA_INIT;
	char *big;
	char *s;
	int *zero;

	(void)state;
	zero = rt_arena_alloc(&a, 64 * sizeof(int));
	for (int i = 0; i < 64; i++)
		assert_int_equal(zero[i], 0);
	s = rt_arena_strfmt(&a, "%s-%d", "rev", 7);
	assert_string_equal(s, "rev-7");
	assert_string_equal(rt_arena_strndup(&a, "abcdef", 3), "abc");
	big = rt_arena_alloc(&a, 100000); /* larger than a block */
	memset(big, 'x', 100000);
	assert_int_equal(((uintptr_t)rt_arena_alloc(&a, 3)) % 16, 0);
	rt_arena_release(&a);
	assert_null(a.head);
}

static void test_paths(void **state)
{
	char *p;
	char cwd[4096];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	p = rt_path_absolute("/a/./b//c/../d/");
	assert_string_equal(p, "/a/b/d");
	free(p);
	p = rt_path_absolute("/");
	assert_string_equal(p, "/");
	free(p);
	p = rt_path_absolute("x/y");
	assert_true(rt_starts_with(p, cwd));
	assert_true(rt_ends_with(p, "/x/y"));
	free(p);
	p = rt_path_join("/a/", "b");
	assert_string_equal(p, "/a/b");
	free(p);
	p = rt_path_dirname("/a/b/c.sql");
	assert_string_equal(p, "/a/b");
	free(p);
	p = rt_path_dirname("c.sql");
	assert_string_equal(p, ".");
	free(p);
}

static void test_fs_roundtrip(void **state)
{
	char dir[] = "/tmp/rt-util-XXXXXX";
	struct rt_error err = RT_ERROR_INIT;
	struct rt_strvec names = RT_STRVEC_INIT;
	struct rt_buf sb = RT_BUF_INIT;
	char *a, *b;

	(void)state;
	assert_non_null(mkdtemp(dir));
	a = rt_path_join(dir, "b.sql");
	b = rt_path_join(dir, "a.sql");
	assert_int_equal(rt_fs_write_file(a, "hello", 5, true, &err), 0);
	assert_int_equal(rt_fs_write_file(b, "", 0, true, &err), 0);
	assert_int_equal(rt_fs_write_file(a, "x", 1, true, &err), RT_EEXISTS);
	assert_non_null(strstr(err.message, "b.sql"));
	assert_int_equal(rt_fs_read_file(&sb, a, NULL), 0);
	assert_string_equal(sb.buf, "hello");
	assert_int_equal(rt_fs_list_dir(&names, dir, NULL), 0);
	assert_int_equal(names.nr, 2);
	assert_string_equal(names.v[0], "a.sql"); /* sorted */
	rt_error_clear(&err);
	assert_int_equal(rt_fs_list_dir(&names, "/nonexistent/dir", &err),
	                 RT_ENOTFOUND);
	assert_string_equal(err.loc.path, "/nonexistent/dir");
	unlink(a);
	unlink(b);
	rmdir(dir);
	free(a);
	free(b);
	rt_strvec_clear(&names);
	rt_buf_release(&sb);
}

/* mkdir -p: parents made with the mode, existing ones fine, a file in
   the way an error naming it. */
static void test_fs_mkdir_p(void **state)
{
	char dir[] = "/tmp/rt-util-XXXXXX";
	struct rt_error err = RT_ERROR_INIT;
	struct stat st;
	char *deep, *mid, *file, *blocked;

	(void)state;
	assert_non_null(mkdtemp(dir));
	mid = rt_path_join(dir, "a");
	deep = rt_path_join(dir, "a/b/c/");
	file = rt_path_join(dir, "f");
	blocked = rt_path_join(dir, "f/g");
	assert_int_equal(rt_fs_mkdir_p(deep, 0700, &err), 0);
	assert_true(rt_fs_is_dir(deep));
	assert_int_equal(stat(mid, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(rt_fs_mkdir_p(deep, 0700, &err), 0); /* again */
	assert_int_equal(rt_fs_write_file(file, "", 0, true, &err), 0);
	assert_int_equal(rt_fs_mkdir_p(blocked, 0700, &err), RT_EIO);
	assert_non_null(strstr(err.message, file));
	rt_error_clear(&err);
	unlink(file);
	rmdir(deep);
	*strrchr(deep, '/') = '\0'; /* a/b/c/ -> a/b/c */
	rmdir(deep);
	*strrchr(deep, '/') = '\0';
	rmdir(deep);
	rmdir(mid);
	rmdir(dir);
	free(mid);
	free(deep);
	free(file);
	free(blocked);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_invariants),
		cmocka_unit_test(test_buf_growth_and_quoting),
		cmocka_unit_test(test_strvec),
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_fs_roundtrip),
		cmocka_unit_test(test_fs_mkdir_p),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
