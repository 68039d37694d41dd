/*
 * strvec.h - a NULL-terminated array of strings that owns copies of what
 * it is given.  After RT_STRVEC_INIT `v` is never NULL (it points at a
 * shared empty array until the first push).
 */
#ifndef RT_STRVEC_H
#define RT_STRVEC_H

#include "compat.h"

struct rt_strvec {
	const char **v;
	size_t nr;
	size_t alloc;
};

extern const char *rt_strvec_empty[];
#define RT_STRVEC_INIT  \
 {                      \
  rt_strvec_empty, 0, 0 \
 }

void rt_strvec_init(struct rt_strvec *sv);
/* Copies `s`; returns the copy. */
const char *rt_strvec_push(struct rt_strvec *sv, const char *s);
const char *rt_strvec_pushf(struct rt_strvec *sv, const char *fmt, ...)
        RT_PRINTF(2, 3);
/* Takes ownership of a malloc'd string. */
void rt_strvec_push_nodup(struct rt_strvec *sv, char *s);
bool rt_strvec_contains(const struct rt_strvec *sv, const char *s);
void rt_strvec_sort(struct rt_strvec *sv);
void rt_strvec_clear(struct rt_strvec *sv);

#define rt_strvec_foreach(item, sv) \
 for (size_t rt__i = 0; rt__i < (sv)->nr && ((item) = (sv)->v[rt__i]); rt__i++)

#endif
