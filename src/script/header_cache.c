#include "util/compat.h"
/*
 * header_cache.c - the file of parsed script headers (header_cache.h):
 * its format, reading it into a hash table, turning an entry back into a
 * revision, and writing a new one.
 *
 * An entry is a fixed part followed by a blob of NUL-terminated strings:
 *
 *	 0 u32 blob_len        48 i64 mtime_sec
 *	 4 u32 dir             56 i64 ctime_sec
 *	 8 u32 name_len        64 u64 size
 *	12 u32 nr_down         72 u64 ino
 *	16 u32 nr_depends      80 u64 dev
 *	20 u32 nr_labels       88 blob: name, id, the down revisions, the
 *	24 u32 upgrade_line       depends_on entries, the branch labels,
 *	28 u32 downgrade_line     longdoc; each ending in '\0'
 *	32 u32 flags (1 transactional, 2 is_python, 4 foreign_keys_off)
 *	36 u32 mtime_nsec
 *	40 u32 ctime_nsec
 *	44 u32 0
 *
 * `doc` is not stored: both parsers make it the part of longdoc before
 * its first blank line, and so does loading.  A revision comes back with
 * one copy of the blob after the name and pointers into it.
 */
#include "script/header_cache.h"
#include "util/alloc.h"
#include "util/cache_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MAGIC     "retort header cache 2\n"
#define MAGIC_LEN (sizeof(MAGIC) - 1)
#define REC_FIXED 88
/* far beyond any real project (10,000 scripts take about 2 MB) */
#define MAX_CACHE_SIZE ((size_t)256 << 20)
/* the racy-clean margin of rt_file_stamp_is_racy() */
#define RACY_SECONDS 2

enum { FLAG_TRANSACTIONAL = 1, FLAG_PYTHON = 2, FLAG_FOREIGN_KEYS_OFF = 4 };

/* An entry is its bytes in the file (hence no alignment). */
struct rt_header_cache_entry {
	unsigned char first;
};

/*
 * A slot of the hash table: where an entry starts in the file (0: a free
 * slot, as the file starts with MAGIC) and 32 bits of its key's hash, so
 * that a probe reads the entry itself only when the hashes agree.
 */
struct slot {
	uint32_t hash;
	uint32_t at;
};

struct rt_header_cache {
	/*
	 * The file, mapped: reading it into fresh memory costs a page fault
	 * for every 4 KiB (1-2 ms for 10,000 scripts, more than all the rest
	 * of reading it), mapping it 0.03 ms.  retort only ever replaces a
	 * cache (renamed over), never rewrites one in place, so what is
	 * mapped does not change under us (a file cut short in place by
	 * hand while mapped would fault, as git's mapped index would).
	 */
	unsigned char *map;
	size_t len;
	size_t nr_dirs;
	size_t nr;
	struct slot *slots;
	size_t mask;
};

/* 64-bit FNV-1a, for the folder list. */
static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define MULT       0x9e3779b97f4a7c15ULL

uint64_t rt_header_cache_checksum(const void *data, size_t len)
{
	return rt_checksum64(data, len);
}

static uint64_t key_hash(size_t dir, const char *name, size_t len)
{
	return rt_hash64(FNV_OFFSET ^ ((uint64_t)dir * MULT), name, len);
}

/* ---- stamps ---------------------------------------------------------- */

void rt_file_stamp_from_stat(struct rt_file_stamp *out, const struct stat *st)
{
	out->mtime_sec = (int64_t)st->st_mtim.tv_sec;
	out->mtime_nsec = (uint32_t)st->st_mtim.tv_nsec;
	out->ctime_sec = (int64_t)st->st_ctim.tv_sec;
	out->ctime_nsec = (uint32_t)st->st_ctim.tv_nsec;
	out->size = (uint64_t)st->st_size;
	out->ino = (uint64_t)st->st_ino;
	out->dev = (uint64_t)st->st_dev;
}

/* a (sec, nsec) later than `limit` */
static bool later_than(int64_t sec, uint32_t nsec, const struct timespec *limit)
{
	return sec > (int64_t)limit->tv_sec ||
	       (sec == (int64_t)limit->tv_sec && nsec > limit->tv_nsec);
}

bool rt_file_stamp_is_racy(const struct rt_file_stamp *stamp,
                           const struct timespec *start)
{
	struct timespec limit = *start;

	limit.tv_sec -= RACY_SECONDS;
	return later_than(stamp->mtime_sec, stamp->mtime_nsec, &limit) ||
	       later_than(stamp->ctime_sec, stamp->ctime_nsec, &limit);
}

/* ---- reading --------------------------------------------------------- */

char *rt_header_cache_path(const char *cache_dir, const struct rt_strvec *dirs)
{
	uint64_t h = FNV_OFFSET;

	/* each folder with its NUL: no two lists join to the same bytes */
	for (size_t i = 0; i < dirs->nr; i++)
		h = fnv1a(h, dirs->v[i], strlen(dirs->v[i]) + 1);
	return rt_cache_file_path(cache_dir, "headers", h);
}

/* The whole file mapped read-only, or NULL; *len its size. */
static unsigned char *map_whole(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	void *map = MAP_FAILED;
	struct stat st;

	if (fd < 0)
		return NULL;
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size <= MAX_CACHE_SIZE) {
		*len = (size_t)st.st_size;
		map = mmap(NULL, *len, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
		           fd, 0);
	}
	close(fd);
	return map == MAP_FAILED ? NULL : map;
}

static bool same_dirs(struct rt_cache_reader *r, const struct rt_strvec *dirs)
{
	if (rt_cache_take_u32(r) != dirs->nr)
		return false;
	for (size_t i = 0; i < dirs->nr; i++) {
		size_t len = rt_cache_take_u32(r);
		const unsigned char *p = rt_cache_take(r, len);

		if (!p || len != strlen(dirs->v[i]) ||
		    memcmp(p, dirs->v[i], len))
			return false;
	}
	return !r->bad;
}

static void insert(struct rt_header_cache *c, uint64_t hash, size_t at)
{
	size_t i = (size_t)hash & c->mask;

	while (c->slots[i].at)
		i = (i + 1) & c->mask;
	c->slots[i].hash = (uint32_t)(hash >> 32);
	c->slots[i].at = (uint32_t)at;
}

/*
 * Walk the entries: each must fit in the file, name a known folder and
 * hold its name; the rest of the blob is checked when it is loaded.
 */
static bool index_entries(struct rt_header_cache *c, struct rt_cache_reader *r,
                          size_t nr)
{
	size_t size = 16;

	/* every entry takes REC_FIXED bytes at least */
	if (nr > (size_t)(r->end - r->p) / REC_FIXED)
		return false;
	while (size < nr * 2)
		size *= 2;
	c->slots = rt_xcalloc(size, sizeof(*c->slots));
	c->mask = size - 1;
	for (size_t i = 0; i < nr; i++) {
		const unsigned char *rec = rt_cache_take(r, REC_FIXED), *blob;
		size_t blob_len, dir, name_len;

		if (!rec)
			return false;
		blob_len = rt_get_le32(rec);
		dir = rt_get_le32(rec + 4);
		name_len = rt_get_le32(rec + 8);
		blob = rt_cache_take(r, blob_len);
		if (!blob || dir >= c->nr_dirs || name_len >= blob_len ||
		    blob[name_len] || memchr(blob, 0, name_len))
			return false;
		insert(c, key_hash(dir, (const char *)blob, name_len),
		       (size_t)(rec - c->map));
		c->nr++;
	}
	return true;
}

struct rt_header_cache *rt_header_cache_read(const char *path,
                                             const struct rt_strvec *dirs)
{
	struct rt_header_cache *c;
	struct rt_cache_reader r = { NULL, NULL, false };
	size_t len = 0, nr;

	if (dirs->nr > UINT32_MAX)
		return NULL;
	c = rt_xcalloc(1, sizeof(*c));
	c->map = map_whole(path, &len);
	if (!c->map)
		goto fail;
	c->len = len;
	if (len < MAGIC_LEN + 8 || memcmp(c->map, MAGIC, MAGIC_LEN) ||
	    rt_get_le64(c->map + len - 8) != rt_checksum64(c->map, len - 8))
		goto fail;
	r.p = c->map + MAGIC_LEN;
	r.end = c->map + len - 8;
	if (!same_dirs(&r, dirs))
		goto fail;
	c->nr_dirs = dirs->nr;
	nr = rt_cache_take_u32(&r);
	if (r.bad || !index_entries(c, &r, nr) || r.p != r.end)
		goto fail;
	return c;
fail:
	rt_header_cache_free(c);
	return NULL;
}

void rt_header_cache_free(struct rt_header_cache *c)
{
	if (!c)
		return;
	if (c->map)
		munmap(c->map, c->len);
	free(c->slots);
	free(c);
}

size_t rt_header_cache_nr(const struct rt_header_cache *c)
{
	return c ? c->nr : 0;
}

const struct rt_header_cache_entry *rt_header_cache_find(
        const struct rt_header_cache *c, size_t dir, const char *name,
        size_t len)
{
	uint64_t h = key_hash(dir, name, len);
	uint32_t h32 = (uint32_t)(h >> 32);

	for (size_t i = (size_t)h & c->mask; c->slots[i].at;
	     i = (i + 1) & c->mask) {
		const unsigned char *rec = c->map + c->slots[i].at;

		if (c->slots[i].hash == h32 && rt_get_le32(rec + 4) == dir &&
		    rt_get_le32(rec + 8) == len &&
		    !memcmp(rec + REC_FIXED, name, len))
			return (const struct rt_header_cache_entry *)rec;
	}
	return NULL;
}

bool rt_header_cache_fresh(const struct rt_header_cache_entry *e,
                           const struct stat *st)
{
	const unsigned char *p = &e->first;

	return rt_get_le64(p + 48) == (uint64_t)st->st_mtim.tv_sec &&
	       rt_get_le32(p + 36) == (uint32_t)st->st_mtim.tv_nsec &&
	       rt_get_le64(p + 56) == (uint64_t)st->st_ctim.tv_sec &&
	       rt_get_le32(p + 40) == (uint32_t)st->st_ctim.tv_nsec &&
	       rt_get_le64(p + 64) == (uint64_t)st->st_size &&
	       rt_get_le64(p + 72) == (uint64_t)st->st_ino &&
	       rt_get_le64(p + 80) == (uint64_t)st->st_dev;
}

/* shared by every empty list, as in sqlscript.c: nothing writes to one */
static const char *no_items[1];

/*
 * Point list[0..nr) at the next `nr` strings of the copied blob; false
 * when the blob ends first.
 */
static bool take_strings(const char **list, size_t nr, char **p,
                         const char *end)
{
	for (size_t i = 0; i < nr; i++) {
		char *nul = memchr(*p, 0, (size_t)(end - *p));

		if (!nul)
			return false;
		list[i] = *p;
		*p = nul + 1;
	}
	return true;
}

int rt_header_cache_load(struct rt_revision **out,
                         const struct rt_header_cache_entry *e,
                         struct rt_arena *arena, const char *path)
{
	const unsigned char *rec = &e->first;
	size_t name_len = rt_get_le32(rec + 8), nr_down = rt_get_le32(rec + 12),
	       nr_depends = rt_get_le32(rec + 16),
	       nr_labels = rt_get_le32(rec + 20);
	/* index_entries() checked that the name fits in the blob */
	size_t len = rt_get_le32(rec) - name_len - 1, nr_lists;
	uint32_t flags = rt_get_le32(rec + 32);
	struct rt_revision *rev;
	const char **lists, *id, *longdoc, *blank;
	char *text, *p, *end;

	*out = NULL;
	/* each string takes one byte at least: this bounds the arrays */
	if (nr_down > len || nr_depends > len || nr_labels > len)
		return -1;
	nr_lists = nr_down + nr_depends + nr_labels;
	if (nr_lists + 2 > len)
		return -1;
	rev = rt_arena_alloc(arena, sizeof(*rev));
	lists = rt_arena_alloc(arena, (nr_lists + 3) * sizeof(*lists));
	text = rt_arena_alloc(arena, len);
	memcpy(text, rec + REC_FIXED + name_len + 1, len);
	p = text;
	end = text + len;

	if (!take_strings(&id, 1, &p, end))
		return -1;
	rev->down_revisions = nr_down ? lists : no_items;
	if (!take_strings(lists, nr_down, &p, end))
		return -1;
	lists += nr_down + !!nr_down;
	rev->depends_on = nr_depends ? lists : no_items;
	if (!take_strings(lists, nr_depends, &p, end))
		return -1;
	lists += nr_depends + !!nr_depends;
	rev->branch_labels = nr_labels ? lists : no_items;
	if (!take_strings(lists, nr_labels, &p, end) ||
	    !take_strings(&longdoc, 1, &p, end) || p != end)
		return -1;
	rev->id = id;
	rev->nr_down = nr_down;
	rev->nr_depends = nr_depends;
	rev->nr_labels = nr_labels;
	rev->longdoc = longdoc;
	blank = strstr(longdoc, "\n\n");
	rev->doc = blank ? rt_arena_strndup(arena, longdoc,
	                                    (size_t)(blank - longdoc)) :
	                   longdoc;
	rev->path = rt_arena_strdup(arena, path);
	rev->upgrade_line = rt_get_le32(rec + 24);
	rev->downgrade_line = rt_get_le32(rec + 28);
	rev->transactional = flags & FLAG_TRANSACTIONAL;
	rev->is_python = flags & FLAG_PYTHON;
	rev->foreign_keys_off = flags & FLAG_FOREIGN_KEYS_OFF;
	*out = rev;
	return 0;
}

/* ---- writing --------------------------------------------------------- */

void rt_header_cache_writer_init(struct rt_header_cache_writer *w,
                                 const struct rt_strvec *dirs)
{
	rt_buf_init(&w->buf);
	w->nr = 0;
	rt_buf_add(&w->buf, MAGIC, MAGIC_LEN);
	rt_buf_add_le32(&w->buf, (uint32_t)dirs->nr);
	for (size_t i = 0; i < dirs->nr; i++) {
		size_t len = strlen(dirs->v[i]);

		rt_buf_add_le32(&w->buf, (uint32_t)len);
		rt_buf_add(&w->buf, dirs->v[i], len);
	}
	w->count_at = w->buf.len;
	rt_buf_add_le32(&w->buf, 0);
}

static void add_string(struct rt_buf *b, const char *s)
{
	rt_buf_add(b, s, strlen(s) + 1);
}

void rt_header_cache_writer_add(struct rt_header_cache_writer *w, size_t dir,
                                const char *name,
                                const struct rt_file_stamp *stamp,
                                const struct rt_revision *rev)
{
	struct rt_buf *b = &w->buf;
	size_t at = b->len;
	unsigned char *rec;

	rt_buf_grow(b, REC_FIXED);
	memset(b->buf + at, 0, REC_FIXED);
	rt_buf_setlen(b, at + REC_FIXED);
	add_string(b, name);
	add_string(b, rev->id);
	for (size_t i = 0; i < rev->nr_down; i++)
		add_string(b, rev->down_revisions[i]);
	for (size_t i = 0; i < rev->nr_depends; i++)
		add_string(b, rev->depends_on[i]);
	for (size_t i = 0; i < rev->nr_labels; i++)
		add_string(b, rev->branch_labels[i]);
	add_string(b, rev->longdoc ? rev->longdoc : "");

	rec = (unsigned char *)b->buf + at;
	rt_put_le32(rec, (uint32_t)(b->len - at - REC_FIXED));
	rt_put_le32(rec + 4, (uint32_t)dir);
	rt_put_le32(rec + 8, (uint32_t)strlen(name));
	rt_put_le32(rec + 12, (uint32_t)rev->nr_down);
	rt_put_le32(rec + 16, (uint32_t)rev->nr_depends);
	rt_put_le32(rec + 20, (uint32_t)rev->nr_labels);
	rt_put_le32(rec + 24, rev->upgrade_line);
	rt_put_le32(rec + 28, rev->downgrade_line);
	rt_put_le32(
	        rec + 32,
	        (rev->transactional ? FLAG_TRANSACTIONAL : 0) |
	                (rev->is_python ? FLAG_PYTHON : 0) |
	                (rev->foreign_keys_off ? FLAG_FOREIGN_KEYS_OFF : 0));
	rt_put_le32(rec + 36, stamp->mtime_nsec);
	rt_put_le32(rec + 40, stamp->ctime_nsec);
	rt_put_le64(rec + 48, (uint64_t)stamp->mtime_sec);
	rt_put_le64(rec + 56, (uint64_t)stamp->ctime_sec);
	rt_put_le64(rec + 64, stamp->size);
	rt_put_le64(rec + 72, stamp->ino);
	rt_put_le64(rec + 80, stamp->dev);
	w->nr++;
}

void rt_header_cache_writer_copy(struct rt_header_cache_writer *w,
                                 const struct rt_header_cache_entry *e)
{
	rt_buf_add(&w->buf, &e->first, REC_FIXED + rt_get_le32(&e->first));
	w->nr++;
}

int rt_header_cache_writer_commit(struct rt_header_cache_writer *w,
                                  const char *path)
{
	rt_put_le32((unsigned char *)w->buf.buf + w->count_at, w->nr);
	return rt_cache_file_write(path, w->buf.buf, w->buf.len);
}

void rt_header_cache_writer_release(struct rt_header_cache_writer *w)
{
	rt_buf_release(&w->buf);
}
