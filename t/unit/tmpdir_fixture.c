/*
 * tmpdir_fixture.c - the throwaway folders of tmpdir_fixture.h.
 */
#include "util/compat.h"
#include <setjmp.h>
#include <cmocka.h>

#include "tmpdir_fixture.h"
#include "util/alloc.h"

void tmpdir_make(char *buf, size_t size, const char *prefix)
{
	int len = snprintf(buf, size, "/tmp/%s_XXXXXX", prefix);

	assert_true(len > 0 && (size_t)len < size);
	assert_non_null(mkdtemp(buf));
}

void tmpdir_remove(const char *path)
{
	char *cmd = rt_xstrfmt("rm -rf '%s'", path);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", path);
	free(cmd);
}
