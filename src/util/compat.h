/*
 * compat.h - the first include of every .c file in retort.
 *
 * It fixes the feature-test macros before any system header is seen, pulls
 * in the handful of libc headers nearly every file needs, and bans the libc
 * functions that have no place in this code base (see banned.h).
 */
#ifndef RT_COMPAT_H
#define RT_COMPAT_H

#ifndef _POSIX_C_SOURCE
# define _POSIX_C_SOURCE 200809L
#endif
#ifndef _DEFAULT_SOURCE
# define _DEFAULT_SOURCE 1
#endif

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) || defined(__clang__)
# define RT_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
# define RT_NORETURN          __attribute__((noreturn))
#else
# define RT_PRINTF(fmt, args)
# define RT_NORETURN
#endif

#define RT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * RT_BUG: a state that cannot happen unless retort itself is wrong.
 * Prints where and aborts; never used for user or environment errors.
 */
#define RT_BUG(...) rt__bug(__FILE__, __LINE__, __VA_ARGS__)
RT_NORETURN void rt__bug(const char *file, int line, const char *fmt, ...)
        RT_PRINTF(3, 4);

#include "banned.h"

#endif
