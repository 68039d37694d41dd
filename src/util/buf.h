/*
 * buf.h - a growable, always NUL-terminated byte string.
 *
 * Invariants (the same as git's strbuf): after RT_BUF_INIT or rt_buf_init()
 * `buf` is never NULL and buf[len] is always '\0'; `alloc` is 0 while `buf`
 * points at a shared empty string, so an unused rt_buf costs nothing.
 * rt_buf_release() returns it to the initial state; rt_buf_detach() hands
 * the malloc'd string to the caller.
 */
#ifndef RT_BUF_H
#define RT_BUF_H

#include "compat.h"

struct rt_buf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char rt_buf_empty[];
#define RT_BUF_INIT  \
 {                   \
  0, 0, rt_buf_empty \
 }

void rt_buf_init(struct rt_buf *sb);
void rt_buf_release(struct rt_buf *sb);
/* Returns the string (caller frees) and re-initializes `sb`. */
char *rt_buf_detach(struct rt_buf *sb);
/* Make room for `extra` more bytes. */
void rt_buf_grow(struct rt_buf *sb, size_t extra);
void rt_buf_setlen(struct rt_buf *sb, size_t len);
void rt_buf_reset(struct rt_buf *sb);

void rt_buf_add(struct rt_buf *sb, const void *data, size_t len);
/* Insert `len` bytes at offset `pos` (<= sb->len). */
void rt_buf_insert(struct rt_buf *sb, size_t pos, const void *data, size_t len);
void rt_buf_adds(struct rt_buf *sb, const char *s);
void rt_buf_addch(struct rt_buf *sb, int c);
void rt_buf_addf(struct rt_buf *sb, const char *fmt, ...) RT_PRINTF(2, 3);
void rt_buf_vaddf(struct rt_buf *sb, const char *fmt, va_list ap)
        RT_PRINTF(2, 0);
/* Append `s` with every `'` doubled, as an SQL string literal body. */
void rt_buf_add_sql_quoted(struct rt_buf *sb, const char *s);

/* Remove trailing / leading whitespace. */
void rt_buf_rtrim(struct rt_buf *sb);
void rt_buf_trim(struct rt_buf *sb);

bool rt_starts_with(const char *s, const char *prefix);
bool rt_ends_with(const char *s, const char *suffix);

#endif
