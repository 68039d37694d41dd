/*
 * cache_file.h - what retort's cache files (the parsed script headers,
 * script/header_cache.c; the desired schema's catalog,
 * schema/target_cache.c) have in common: little-endian numbers, a fast
 * 64-bit hash, and a file that ends with the checksum of everything
 * before it and is only ever replaced whole.
 *
 * The hashes are for telling files apart and catching damage, not for
 * defeating someone who forges a collision on purpose: a cache holds
 * nothing that its owner could not write there directly.
 */
#ifndef RT_CACHE_FILE_H
#define RT_CACHE_FILE_H

#include "compat.h"
#include "buf.h"

static inline uint32_t rt_get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t rt_get_le64(const unsigned char *p)
{
	return (uint64_t)rt_get_le32(p) | (uint64_t)rt_get_le32(p + 4) << 32;
}

static inline void rt_put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static inline void rt_put_le64(unsigned char *p, uint64_t v)
{
	rt_put_le32(p, (uint32_t)v);
	rt_put_le32(p + 4, (uint32_t)(v >> 32));
}

/*
 * A cursor over the bytes of a cache file: `bad` once anything ran past
 * their end (or the caller found them wrong), after which every take
 * gives nothing, so a reader can take several fields and check once.
 */
struct rt_cache_reader {
	const unsigned char *p, *end;
	bool bad;
};

/* The next `n` bytes, or NULL (and `bad` set) when fewer are left. */
const unsigned char *rt_cache_take(struct rt_cache_reader *r, size_t n);
/* The next 4 or 8 bytes as a little-endian number; 0 when bad. */
uint32_t rt_cache_take_u32(struct rt_cache_reader *r);
uint64_t rt_cache_take_u64(struct rt_cache_reader *r);

/* Append a number to `b`, little-endian. */
void rt_buf_add_le32(struct rt_buf *b, uint32_t v);
void rt_buf_add_le64(struct rt_buf *b, uint64_t v);

/*
 * A 64-bit hash of `len` bytes, FNV-1a's shape eight bytes a step: any
 * change confined to one 8-byte word always changes it.  `seed` starts
 * the chain (different seeds, different hash functions).
 */
uint64_t rt_hash64(uint64_t seed, const void *data, size_t len);

/*
 * The checksum a cache file ends with: the same idea over four
 * interleaved lanes, several times faster than one chain.
 */
uint64_t rt_checksum64(const void *data, size_t len);

/* `<cache_dir>/<kind>-<hash as 16 hex digits>`; caller frees. */
char *rt_cache_file_path(const char *cache_dir, const char *kind,
                         uint64_t hash);

/*
 * Write `data` and its checksum (8 bytes, little-endian) to `path`,
 * whole or not at all: to `<path>.tmp.<pid>`, then renamed over `path`,
 * so a reader sees the old file or the new one, never a part.  The
 * folder is created (mode 0700, parents too) when missing.  -1 on
 * failure, with nothing left behind; a cache that cannot be written is
 * only a cache that is not there, so callers ignore it.
 */
int rt_cache_file_write(const char *path, const void *data, size_t len);

/*
 * Read the file at `path` into `out` (reset first) without its last 8
 * bytes, when it is at most `max` bytes, starts with `magic` and ends
 * with the checksum of what comes before; else -1 and `out` empty.
 */
int rt_cache_file_read(struct rt_buf *out, const char *path, const char *magic,
                       size_t max);

#endif
