/*
 * cache_file.c - hashing, writing and reading cache files (cache_file.h).
 */
#include "compat.h"
#include "cache_file.h"
#include "alloc.h"
#include "fs.h"
#include "../error_raise.h"

#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define MULT       0x9e3779b97f4a7c15ULL

void rt_buf_add_le32(struct rt_buf *b, uint32_t v)
{
	unsigned char p[4];

	rt_put_le32(p, v);
	rt_buf_add(b, p, sizeof(p));
}

void rt_buf_add_le64(struct rt_buf *b, uint64_t v)
{
	unsigned char p[8];

	rt_put_le64(p, v);
	rt_buf_add(b, p, sizeof(p));
}

const unsigned char *rt_cache_take(struct rt_cache_reader *r, size_t n)
{
	const unsigned char *p = r->p;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	return p;
}

uint32_t rt_cache_take_u32(struct rt_cache_reader *r)
{
	const unsigned char *p = rt_cache_take(r, 4);

	return p ? rt_get_le32(p) : 0;
}

uint64_t rt_cache_take_u64(struct rt_cache_reader *r)
{
	const unsigned char *p = rt_cache_take(r, 8);

	return p ? rt_get_le64(p) : 0;
}

/*
 * One step: xor in a word, multiply, shift the high bits down.  Each
 * step is a bijection of the running value, so any change confined to
 * one 8-byte word always changes the result.
 */
static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * MULT;
	return h ^ (h >> 32);
}

/* the last len % 8 bytes, as one word */
static uint64_t tail_word(const unsigned char *p, size_t len)
{
	uint64_t w = 0;

	for (size_t k = 0; k < len; k++)
		w |= (uint64_t)p[k] << (8 * k);
	return w;
}

uint64_t rt_hash64(uint64_t seed, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = seed;
	size_t i = 0;

	for (; i + 8 <= len; i += 8)
		h = mix(h, rt_get_le64(p + i));
	return mix(h, tail_word(p + i, len - i));
}

/*
 * Four interleaved lanes (one multiplication chain would be the slowest
 * part of reading a cache), then the lanes in turn, so it keeps the
 * property of mix().
 */
uint64_t rt_checksum64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t lane[4] = { FNV_OFFSET ^ (uint64_t)len, 1, 2, 3 }, h;
	size_t i = 0;

	for (; i + 32 <= len; i += 32)
		for (int k = 0; k < 4; k++)
			lane[k] = mix(lane[k], rt_get_le64(p + i + 8 * k));
	h = rt_hash64(lane[0], p + i, len - i);
	for (int k = 1; k < 4; k++)
		h = mix(h, lane[k]);
	return h;
}

char *rt_cache_file_path(const char *cache_dir, const char *kind, uint64_t hash)
{
	char name[64];

	snprintf(name, sizeof(name), "%s-%016" PRIx64, kind, hash);
	return rt_path_join(cache_dir, name);
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int rt_cache_file_write(const char *path, const void *data, size_t len)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash && slash != path ?
	                    rt_xstrndup(path, (size_t)(slash - path)) :
	                    NULL;
	char *tmp = rt_xstrfmt("%s.tmp.%ld", path, (long)getpid());
	struct rt_error ignored = RT_ERROR_INIT;
	unsigned char sum[8];
	int fd = -1, ret = -1;

	rt_put_le64(sum, rt_checksum64(data, len));
	/* 0700: the folder is its owner's alone, as its files are */
	if (dir && rt_fs_mkdir_p(dir, 0700, &ignored) < 0)
		goto out;
	/* 0600: a cache holds what its owner's files say */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	if (write_all(fd, data, len) < 0 ||
	    write_all(fd, (const char *)sum, sizeof(sum)) < 0) {
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		goto out;
	}
	ret = 0;
out:
	rt_error_clear(&ignored);
	free(tmp);
	free(dir);
	return ret;
}

int rt_cache_file_read(struct rt_buf *out, const char *path, const char *magic,
                       size_t max)
{
	struct rt_error ignored = RT_ERROR_INIT;
	size_t mlen = strlen(magic);
	struct stat st;
	int ret = -1;

	rt_buf_reset(out);
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > max)
		return -1;
	if (rt_fs_read_file(out, path, &ignored) == 0 && out->len >= mlen + 8 &&
	    out->len <= max && !memcmp(out->buf, magic, mlen) &&
	    rt_get_le64((unsigned char *)out->buf + out->len - 8) ==
	            rt_checksum64(out->buf, out->len - 8)) {
		rt_buf_setlen(out, out->len - 8);
		ret = 0;
	}
	rt_error_clear(&ignored);
	if (ret < 0)
		rt_buf_reset(out);
	return ret;
}
