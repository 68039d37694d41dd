/*
 * arena.c - the bump allocator of arena.h.  Blocks are at least 32 KiB;
 * a larger request gets a block of its own.
 */
#include "compat.h"
#include "arena.h"
#include "alloc.h"

#define ARENA_BLOCK_SIZE (32 * 1024)
#define ARENA_ALIGN      16

struct rt_arena_block {
	struct rt_arena_block *next;
	size_t used, size;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

/* Memory for `size` bytes, not cleared. */
static void *alloc_raw(struct rt_arena *a, size_t size)
{
	struct rt_arena_block *b = a->head;
	size_t need = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	void *p;

	if (!need)
		need = ARENA_ALIGN;
	if (!b || b->size - b->used < need) {
		size_t bsize =
		        need > ARENA_BLOCK_SIZE ? need : ARENA_BLOCK_SIZE;
		b = rt_xmalloc(rt_st_add(sizeof(*b), bsize));
		b->used = 0;
		b->size = bsize;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += need;
	return p;
}

void *rt_arena_alloc(struct rt_arena *a, size_t size)
{
	void *p = alloc_raw(a, size);

	memset(p, 0, size);
	return p;
}

char *rt_arena_strndup(struct rt_arena *a, const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = alloc_raw(a, rt_st_add(len, 1)); /* every byte is written */

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *rt_arena_strdup(struct rt_arena *a, const char *s)
{
	return rt_arena_strndup(a, s, strlen(s));
}

char *rt_arena_strfmt(struct rt_arena *a, const char *fmt, ...)
{
	va_list ap;
	int len;
	char *p;

	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (len < 0)
		RT_BUG("vsnprintf failed");
	p = rt_arena_alloc(a, (size_t)len + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)len + 1, fmt, ap);
	va_end(ap);
	return p;
}

void rt_arena_take(struct rt_arena *dst, struct rt_arena *src)
{
	struct rt_arena_block *last = src->head;

	if (!last)
		return;
	while (last->next)
		last = last->next;
	/* src's newest block goes first: allocation goes on in it */
	last->next = dst->head;
	dst->head = src->head;
	src->head = NULL;
}

void rt_arena_release(struct rt_arena *a)
{
	while (a->head) {
		struct rt_arena_block *next = a->head->next;
		free(a->head);
		a->head = next;
	}
}
