/*
 * error_raise.h - raising errors inside the library.
 *
 *	return rt_error_set(err, RT_ENOTFOUND, "Can't locate revision "
 *			    "identified by '%s'", id);
 *	return rt_error_set_at(err, RT_EPARSE, path, line, "...");
 *
 * Both return `code`, leave an already-set error untouched (first error
 * wins) and accept err == NULL.  The macros record retort's own file and
 * line for --raiseerr.
 */
#ifndef RT_ERROR_RAISE_H
#define RT_ERROR_RAISE_H

#include "util/compat.h"
#include "retort/error.h"

int rt__error_set(struct rt_error *err, int code, const char *path,
                  unsigned line, const char *src_file, int src_line,
                  const char *fmt, ...) RT_PRINTF(7, 8);

/* Copy `src` into `dst` (unless dst already holds one); returns its code. */
int rt_error_copy(struct rt_error *dst, const struct rt_error *src);

/* Set the hint of an error already raised (see error.h); returns code. */
int rt_error_hint(struct rt_error *err, int code, const char *fmt, ...)
        RT_PRINTF(3, 4);

/* Mark an error already raised as one where Alembic crashes instead. */
int rt_error_mark_crash(struct rt_error *err, int code);

#define rt_error_set(err, code, ...) \
 rt__error_set((err), (code), NULL, 0, __FILE__, __LINE__, __VA_ARGS__)
#define rt_error_set_at(err, code, path, line, ...) \
 rt__error_set((err), (code), (path), (line), __FILE__, __LINE__, __VA_ARGS__)

#endif
