/*
 * arena.h - a bump allocator whose memory is released all at once.
 *
 * Everything parsed from one project (script texts, revision records, id
 * strings) lives in one arena owned by that project, so a loaded project is
 * freed with one call and nothing inside it is freed piecemeal.  Pointers
 * into an arena must not outlive it.
 */
#ifndef RT_ARENA_H
#define RT_ARENA_H

#include "compat.h"

struct rt_arena_block;

struct rt_arena {
	struct rt_arena_block *head;
};

#define RT_ARENA_INIT \
 {                    \
  NULL                \
 }

/* Zero-filled memory aligned for any type. */
void *rt_arena_alloc(struct rt_arena *a, size_t size);
char *rt_arena_strdup(struct rt_arena *a, const char *s);
char *rt_arena_strndup(struct rt_arena *a, const char *s, size_t n);
char *rt_arena_strfmt(struct rt_arena *a, const char *fmt, ...) RT_PRINTF(2, 3);
/*
 * Move every block of `src` into `dst` (src is left empty): what was
 * allocated in `src` now lives, and is released, with `dst`.
 */
void rt_arena_take(struct rt_arena *dst, struct rt_arena *src);
/* Frees every block; the arena can be reused afterwards. */
void rt_arena_release(struct rt_arena *a);

#endif
