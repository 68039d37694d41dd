/*
 * alloc.c - the never-NULL allocation wrappers and the OOM handler.
 * See alloc.h for the policy.
 */
#include "compat.h"
#include "alloc.h"
#include "retort/common.h"

static void default_oom(size_t size)
{
	fprintf(stderr, "retort: out of memory allocating %zu bytes\n", size);
	abort();
}

static rt_oom_handler oom_handler = default_oom;

void rt_set_oom_handler(rt_oom_handler handler)
{
	oom_handler = handler ? handler : default_oom;
}

static void *check(void *p, size_t size)
{
	if (!p) {
		oom_handler(size);
		abort(); /* the handler must not return */
	}
	return p;
}

void *rt_xmalloc(size_t size)
{
	return check(malloc(size ? size : 1), size);
}

void *rt_xcalloc(size_t nmemb, size_t size)
{
	return check(calloc(nmemb ? nmemb : 1, size ? size : 1),
	             rt_st_mult(nmemb, size));
}

void *rt_xrealloc(void *ptr, size_t size)
{
	return check(realloc(ptr, size ? size : 1), size);
}

char *rt_xstrdup(const char *s)
{
	return rt_xstrndup(s, strlen(s));
}

char *rt_xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = rt_xmalloc(rt_st_add(len, 1));

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *rt_xstrfmt(const char *fmt, ...)
{
	va_list ap;
	int len;
	char *p;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		RT_BUG("vsnprintf failed for format '%s'", fmt);
	p = rt_xmalloc((size_t)len + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)len + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t rt_st_add(size_t a, size_t b)
{
	if (a > SIZE_MAX - b) {
		oom_handler(SIZE_MAX);
		abort();
	}
	return a + b;
}

size_t rt_st_mult(size_t a, size_t b)
{
	if (b && a > SIZE_MAX / b) {
		oom_handler(SIZE_MAX);
		abort();
	}
	return a * b;
}

size_t rt_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

void rt__bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
