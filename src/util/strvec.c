/*
 * strvec.c - the owned string array of strvec.h.
 */
#include "compat.h"
#include "strvec.h"
#include "alloc.h"

const char *rt_strvec_empty[] = { NULL };

void rt_strvec_init(struct rt_strvec *sv)
{
	sv->v = rt_strvec_empty;
	sv->nr = 0;
	sv->alloc = 0;
}

void rt_strvec_push_nodup(struct rt_strvec *sv, char *s)
{
	if (sv->v == rt_strvec_empty)
		sv->v = NULL;
	RT_ALLOC_GROW(sv->v, sv->nr + 2, sv->alloc);
	sv->v[sv->nr++] = s;
	sv->v[sv->nr] = NULL;
}

const char *rt_strvec_push(struct rt_strvec *sv, const char *s)
{
	char *copy = rt_xstrdup(s);

	rt_strvec_push_nodup(sv, copy);
	return copy;
}

const char *rt_strvec_pushf(struct rt_strvec *sv, const char *fmt, ...)
{
	va_list ap;
	int len;
	char *s;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		RT_BUG("vsnprintf failed");
	s = rt_xmalloc((size_t)len + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)len + 1, fmt, ap);
	va_end(ap);
	rt_strvec_push_nodup(sv, s);
	return s;
}

bool rt_strvec_contains(const struct rt_strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->nr; i++)
		if (!strcmp(sv->v[i], s))
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void rt_strvec_sort(struct rt_strvec *sv)
{
	if (sv->nr > 1)
		qsort(sv->v, sv->nr, sizeof(*sv->v), cmp_str);
}

void rt_strvec_clear(struct rt_strvec *sv)
{
	if (sv->v != rt_strvec_empty) {
		for (size_t i = 0; i < sv->nr; i++)
			free((void *)(uintptr_t)sv->v[i]);
		free(sv->v);
	}
	rt_strvec_init(sv);
}
