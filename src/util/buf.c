/*
 * buf.c - the growable string of buf.h.
 */
#include "compat.h"
#include "buf.h"
#include "alloc.h"

#include <ctype.h>

char rt_buf_empty[1];

void rt_buf_init(struct rt_buf *sb)
{
	sb->alloc = 0;
	sb->len = 0;
	sb->buf = rt_buf_empty;
}

void rt_buf_release(struct rt_buf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	rt_buf_init(sb);
}

char *rt_buf_detach(struct rt_buf *sb)
{
	char *s = sb->alloc ? sb->buf : rt_xstrdup("");

	rt_buf_init(sb);
	return s;
}

void rt_buf_grow(struct rt_buf *sb, size_t extra)
{
	size_t want = rt_st_add(rt_st_add(sb->len, extra), 1);

	if (!sb->alloc)
		sb->buf = NULL;
	RT_ALLOC_GROW(sb->buf, want, sb->alloc);
	if (sb->len == 0)
		sb->buf[0] = '\0';
}

void rt_buf_setlen(struct rt_buf *sb, size_t len)
{
	assert(len <= (sb->alloc ? sb->alloc - 1 : 0));
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

void rt_buf_reset(struct rt_buf *sb)
{
	rt_buf_setlen(sb, 0);
}

void rt_buf_add(struct rt_buf *sb, const void *data, size_t len)
{
	if (!len)
		return;
	rt_buf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	rt_buf_setlen(sb, sb->len + len);
}

void rt_buf_adds(struct rt_buf *sb, const char *s)
{
	rt_buf_add(sb, s, strlen(s));
}

void rt_buf_addch(struct rt_buf *sb, int c)
{
	char ch = (char)c;

	rt_buf_add(sb, &ch, 1);
}

void rt_buf_vaddf(struct rt_buf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int len;

	va_copy(cp, ap);
	len = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (len < 0)
		RT_BUG("vsnprintf failed for format '%s'", fmt);
	rt_buf_grow(sb, (size_t)len);
	vsnprintf(sb->buf + sb->len, (size_t)len + 1, fmt, ap);
	rt_buf_setlen(sb, sb->len + (size_t)len);
}

void rt_buf_addf(struct rt_buf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rt_buf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void rt_buf_insert(struct rt_buf *sb, size_t pos, const void *data, size_t len)
{
	if (pos > sb->len)
		RT_BUG("rt_buf_insert at %zu past the end (%zu)", pos, sb->len);
	rt_buf_grow(sb, len);
	memmove(sb->buf + pos + len, sb->buf + pos, sb->len - pos);
	memcpy(sb->buf + pos, data, len);
	rt_buf_setlen(sb, sb->len + len);
}

void rt_buf_add_sql_quoted(struct rt_buf *sb, const char *s)
{
	for (; *s; s++) {
		if (*s == '\'')
			rt_buf_addch(sb, '\'');
		rt_buf_addch(sb, *s);
	}
}

void rt_buf_rtrim(struct rt_buf *sb)
{
	size_t len = sb->len;

	while (len && isspace((unsigned char)sb->buf[len - 1]))
		len--;
	if (sb->alloc)
		rt_buf_setlen(sb, len);
}

void rt_buf_trim(struct rt_buf *sb)
{
	size_t skip = 0;

	rt_buf_rtrim(sb);
	while (skip < sb->len && isspace((unsigned char)sb->buf[skip]))
		skip++;
	if (skip) {
		memmove(sb->buf, sb->buf + skip, sb->len - skip);
		rt_buf_setlen(sb, sb->len - skip);
	}
}

bool rt_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool rt_ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && memcmp(s + ls - lx, suffix, lx) == 0;
}
