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

#include <fcntl.h>
#include <inttypes.h>
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

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
	return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static void put_u32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static void put_u64(unsigned char *p, uint64_t v)
{
	put_u32(p, (uint32_t)v);
	put_u32(p + 4, (uint32_t)(v >> 32));
}

static void add_u32(struct rt_buf *b, uint32_t v)
{
	unsigned char p[4];

	put_u32(p, v);
	rt_buf_add(b, p, sizeof(p));
}

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

/*
 * FNV-1a's shape eight bytes a step, with a shift to mix the high bits
 * down.  Each step is a bijection of the running value, so any change
 * confined to one 8-byte word always changes the result.
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

static uint64_t hash_words(uint64_t h, const unsigned char *p, size_t len)
{
	size_t i = 0;

	for (; i + 8 <= len; i += 8)
		h = mix(h, get_u64(p + i));
	return mix(h, tail_word(p + i, len - i));
}

/*
 * The checksum of the file: the same over four interleaved lanes (one
 * multiplication chain would be the slowest part of reading a cache),
 * then the lanes in turn, so it keeps the property above.
 */
static uint64_t checksum(const unsigned char *p, size_t len)
{
	uint64_t lane[4] = { FNV_OFFSET ^ (uint64_t)len, 1, 2, 3 }, h;
	size_t i = 0;

	for (; i + 32 <= len; i += 32)
		for (int k = 0; k < 4; k++)
			lane[k] = mix(lane[k], get_u64(p + i + 8 * k));
	h = hash_words(lane[0], p + i, len - i);
	for (int k = 1; k < 4; k++)
		h = mix(h, lane[k]);
	return h;
}

uint64_t rt_header_cache_checksum(const void *data, size_t len)
{
	return checksum(data, len);
}

static uint64_t key_hash(size_t dir, const char *name, size_t len)
{
	return hash_words(FNV_OFFSET ^ ((uint64_t)dir * MULT),
	                  (const unsigned char *)name, len);
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
	size_t dl = strlen(cache_dir);

	/* each folder with its NUL: no two lists join to the same bytes */
	for (size_t i = 0; i < dirs->nr; i++)
		h = fnv1a(h, dirs->v[i], strlen(dirs->v[i]) + 1);
	return rt_xstrfmt("%s%sheaders-%016" PRIx64, cache_dir,
	                  dl && cache_dir[dl - 1] == '/' ? "" : "/", h);
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

/* A cursor over the file: `bad` once anything ran past its end. */
struct reader {
	const unsigned char *p, *end;
	bool bad;
};

static const unsigned char *take(struct reader *r, size_t n)
{
	const unsigned char *p = r->p;

	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		return NULL;
	}
	r->p += n;
	return p;
}

static uint32_t take_u32(struct reader *r)
{
	const unsigned char *p = take(r, 4);

	return p ? get_u32(p) : 0;
}

static bool same_dirs(struct reader *r, const struct rt_strvec *dirs)
{
	if (take_u32(r) != dirs->nr)
		return false;
	for (size_t i = 0; i < dirs->nr; i++) {
		size_t len = take_u32(r);
		const unsigned char *p = take(r, len);

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
static bool index_entries(struct rt_header_cache *c, struct reader *r,
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
		const unsigned char *rec = take(r, REC_FIXED), *blob;
		size_t blob_len, dir, name_len;

		if (!rec)
			return false;
		blob_len = get_u32(rec);
		dir = get_u32(rec + 4);
		name_len = get_u32(rec + 8);
		blob = take(r, blob_len);
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
	struct reader r = { NULL, NULL, false };
	size_t len = 0, nr;

	if (dirs->nr > UINT32_MAX)
		return NULL;
	c = rt_xcalloc(1, sizeof(*c));
	c->map = map_whole(path, &len);
	if (!c->map)
		goto fail;
	c->len = len;
	if (len < MAGIC_LEN + 8 || memcmp(c->map, MAGIC, MAGIC_LEN) ||
	    get_u64(c->map + len - 8) != checksum(c->map, len - 8))
		goto fail;
	r.p = c->map + MAGIC_LEN;
	r.end = c->map + len - 8;
	if (!same_dirs(&r, dirs))
		goto fail;
	c->nr_dirs = dirs->nr;
	nr = take_u32(&r);
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

		if (c->slots[i].hash == h32 && get_u32(rec + 4) == dir &&
		    get_u32(rec + 8) == len &&
		    !memcmp(rec + REC_FIXED, name, len))
			return (const struct rt_header_cache_entry *)rec;
	}
	return NULL;
}

bool rt_header_cache_fresh(const struct rt_header_cache_entry *e,
                           const struct stat *st)
{
	const unsigned char *p = &e->first;

	return get_u64(p + 48) == (uint64_t)st->st_mtim.tv_sec &&
	       get_u32(p + 36) == (uint32_t)st->st_mtim.tv_nsec &&
	       get_u64(p + 56) == (uint64_t)st->st_ctim.tv_sec &&
	       get_u32(p + 40) == (uint32_t)st->st_ctim.tv_nsec &&
	       get_u64(p + 64) == (uint64_t)st->st_size &&
	       get_u64(p + 72) == (uint64_t)st->st_ino &&
	       get_u64(p + 80) == (uint64_t)st->st_dev;
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
	size_t name_len = get_u32(rec + 8), nr_down = get_u32(rec + 12),
	       nr_depends = get_u32(rec + 16), nr_labels = get_u32(rec + 20);
	/* index_entries() checked that the name fits in the blob */
	size_t len = get_u32(rec) - name_len - 1, nr_lists;
	uint32_t flags = get_u32(rec + 32);
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
	rev->upgrade_line = get_u32(rec + 24);
	rev->downgrade_line = get_u32(rec + 28);
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
	add_u32(&w->buf, (uint32_t)dirs->nr);
	for (size_t i = 0; i < dirs->nr; i++) {
		size_t len = strlen(dirs->v[i]);

		add_u32(&w->buf, (uint32_t)len);
		rt_buf_add(&w->buf, dirs->v[i], len);
	}
	w->count_at = w->buf.len;
	add_u32(&w->buf, 0);
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
	put_u32(rec, (uint32_t)(b->len - at - REC_FIXED));
	put_u32(rec + 4, (uint32_t)dir);
	put_u32(rec + 8, (uint32_t)strlen(name));
	put_u32(rec + 12, (uint32_t)rev->nr_down);
	put_u32(rec + 16, (uint32_t)rev->nr_depends);
	put_u32(rec + 20, (uint32_t)rev->nr_labels);
	put_u32(rec + 24, rev->upgrade_line);
	put_u32(rec + 28, rev->downgrade_line);
	put_u32(rec + 32,
	        (rev->transactional ? FLAG_TRANSACTIONAL : 0) |
	                (rev->is_python ? FLAG_PYTHON : 0) |
	                (rev->foreign_keys_off ? FLAG_FOREIGN_KEYS_OFF : 0));
	put_u32(rec + 36, stamp->mtime_nsec);
	put_u32(rec + 40, stamp->ctime_nsec);
	put_u64(rec + 48, (uint64_t)stamp->mtime_sec);
	put_u64(rec + 56, (uint64_t)stamp->ctime_sec);
	put_u64(rec + 64, stamp->size);
	put_u64(rec + 72, stamp->ino);
	put_u64(rec + 80, stamp->dev);
	w->nr++;
}

void rt_header_cache_writer_copy(struct rt_header_cache_writer *w,
                                 const struct rt_header_cache_entry *e)
{
	rt_buf_add(&w->buf, &e->first, REC_FIXED + get_u32(&e->first));
	w->nr++;
}

/* mkdir -p `dir` (mode 0700 for what it creates). */
static int make_dirs(char *dir)
{
	struct stat st;

	if (!stat(dir, &st))
		return S_ISDIR(st.st_mode) ? 0 : -1;
	for (char *s = strchr(dir + 1, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			if (s)
				*s = '/';
			return -1;
		}
		if (!s)
			break;
		*s = '/';
	}
	return 0;
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

int rt_header_cache_writer_commit(struct rt_header_cache_writer *w,
                                  const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash && slash != path ?
	                    rt_xstrndup(path, (size_t)(slash - path)) :
	                    NULL;
	char *tmp = rt_xstrfmt("%s.tmp.%ld", path, (long)getpid());
	unsigned char sum[8];
	int fd = -1, ret = -1;

	put_u32((unsigned char *)w->buf.buf + w->count_at, w->nr);
	put_u64(sum, checksum((const unsigned char *)w->buf.buf, w->buf.len));
	if (dir && make_dirs(dir) < 0)
		goto out;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	if (write_all(fd, w->buf.buf, w->buf.len) < 0 ||
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
	free(tmp);
	free(dir);
	return ret;
}

void rt_header_cache_writer_release(struct rt_header_cache_writer *w)
{
	rt_buf_release(&w->buf);
}
