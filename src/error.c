/*
 * error.c - filling struct rt_error (see include/retort/error.h and
 * error_raise.h).  Also home of the few tiny public functions that belong
 * to no module.
 */
#include "util/compat.h"
#include "error_raise.h"
#include "util/alloc.h"
#include "retort/common.h"

void rt_error_clear(struct rt_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

int rt__error_set(struct rt_error *err, int code, const char *path,
                  unsigned line, const char *src_file, int src_line,
                  const char *fmt, ...)
{
	va_list ap;

	assert(code < 0);
	if (!err || err->code)
		return code;
	err->code = code;
	if (path)
		rt_strlcpy(err->loc.path, path, sizeof(err->loc.path));
	err->loc.line = line;
	err->src_file = src_file;
	err->src_line = src_line;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

int rt_error_copy(struct rt_error *dst, const struct rt_error *src)
{
	int code = src->code ? src->code : RT_ERROR;

	if (dst && !dst->code) {
		*dst = *src;
		dst->code = code;
	}
	return code;
}

int rt_error_hint(struct rt_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->hint[0])
		return code;
	va_start(ap, fmt);
	vsnprintf(err->hint, sizeof(err->hint), fmt, ap);
	va_end(ap);
	return code;
}

int rt_error_mark_crash(struct rt_error *err, int code)
{
	if (err)
		err->alembic_crash = 1;
	return code;
}

void rt_free(void *ptr)
{
	free(ptr);
}

const char *rt_version(void)
{
	return RETORT_VERSION;
}
