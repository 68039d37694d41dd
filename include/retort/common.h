/*
 * retort/common.h - definitions shared by every public header.
 *
 * Conventions of the whole API (read once, they hold everywhere):
 *
 *  - Functions that can fail return 0 or a negative RT_E* code and take a
 *    `struct rt_error *err` as their last argument (see retort/error.h).
 *    `err` may be NULL when the caller does not want the message.
 *  - Handles are opaque and come from rt_x_open()/rt_x_new(); they are
 *    released with rt_x_free(), which accepts NULL.
 *  - A returned `const char *` is borrowed: it stays valid until the object
 *    it came from is freed.  A `char **out` is owned by the caller and is
 *    released with rt_free().
 *  - Memory exhaustion is not reported as an error: the OOM handler is
 *    called, and by default it prints one line and aborts (retort's inputs
 *    are small; see rt_set_oom_handler()).
 *  - The library never prints, never calls exit() and never reads the
 *    environment; the caller passes those values in.
 */
#ifndef RETORT_COMMON_H
#define RETORT_COMMON_H

#include <stddef.h>

#if defined(__GNUC__) || defined(__clang__)
# define RT_EXTERN __attribute__((visibility("default")))
#else
# define RT_EXTERN
#endif

#define RETORT_VERSION       "0.1.0"
#define RETORT_VERSION_MAJOR 0
#define RETORT_VERSION_MINOR 1
#define RETORT_VERSION_PATCH 0

#ifdef __cplusplus
extern "C" {
#endif

struct rt_error;

/* Called when an allocation fails; must not return. */
typedef void (*rt_oom_handler)(size_t size);

/* Replace the out-of-memory handler (NULL restores the default). */
RT_EXTERN void rt_set_oom_handler(rt_oom_handler handler);

/* Free a string or array returned through a `char **out` parameter. */
RT_EXTERN void rt_free(void *ptr);

/* The library's version string, e.g. "0.1.0". */
RT_EXTERN const char *rt_version(void);

#ifdef __cplusplus
}
#endif

#endif
