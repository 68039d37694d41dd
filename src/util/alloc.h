/*
 * alloc.h - allocation wrappers that never return NULL.
 *
 * retort's inputs are small, so running out of memory is treated like git
 * and Redis treat it: the OOM handler (by default: print one line and
 * abort) is called and the caller never sees NULL.  Embedders can install
 * their own handler with rt_set_oom_handler() (include/retort/common.h).
 * Size arithmetic goes through rt_st_add/rt_st_mult, which treat overflow
 * like an allocation failure.
 */
#ifndef RT_ALLOC_H
#define RT_ALLOC_H

#include "compat.h"

void *rt_xmalloc(size_t size);
void *rt_xcalloc(size_t nmemb, size_t size);
void *rt_xrealloc(void *ptr, size_t size);
char *rt_xstrdup(const char *s);
char *rt_xstrndup(const char *s, size_t n);
/* printf into a freshly allocated string; the caller frees it. */
char *rt_xstrfmt(const char *fmt, ...) RT_PRINTF(1, 2);

size_t rt_st_add(size_t a, size_t b);
size_t rt_st_mult(size_t a, size_t b);

/* Copies at most size-1 bytes and always NUL-terminates (size > 0). */
size_t rt_strlcpy(char *dst, const char *src, size_t size);

#define RT_FREE_AND_NULL(p) \
 do {                       \
  free(p);                  \
  (p) = NULL;               \
 } while (0)

/*
 * Grow a typed array so that it can hold at least `nr` elements.  `alloc`
 * is the current capacity and is updated (git's ALLOC_GROW).
 */
#define RT_ALLOC_GROW(ptr, nr, alloc)                             \
 do {                                                             \
  if ((size_t)(nr) > (size_t)(alloc)) {                           \
   size_t rt__n = ((size_t)(alloc) + 16) * 3 / 2;                 \
   if (rt__n < (size_t)(nr))                                      \
    rt__n = (nr);                                                 \
   (ptr) = rt_xrealloc((ptr), rt_st_mult(rt__n, sizeof(*(ptr)))); \
   (alloc) = rt__n;                                               \
  }                                                               \
 } while (0)

#endif
