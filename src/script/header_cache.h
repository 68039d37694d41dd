/*
 * header_cache.h - the parsed headers of a project's revision scripts,
 * kept in one file so that the next load need not read every script
 * (the idea of git's index).  Only scan.c uses it, for
 * rt_scan_headers_cached().
 *
 * An entry is keyed by the folder (its index in the list of version
 * folders) and the file name, and holds the file's stamp (its stat:
 * mtime and ctime to the nanosecond, size, inode, device) and what
 * parsing the file without its SQL gave.  An entry is used only while
 * an fstatat() of the file, following links, still gives the very same
 * stamp; anything else reads the file again.
 *
 * The file (all numbers little-endian):
 *
 *	"retort header cache 1\n"             magic and format version
 *	u32 nr_dirs, then each: u32 len, bytes  the folders it was built for
 *	u32 nr_entries, then the entries       (see header_cache.c)
 *	u64 checksum of all the bytes before it
 *
 * A cache that is unreadable, truncated, of another version, of other
 * folders, or fails its checksum is not used; every length in it is
 * checked against the end of the file, so a damaged or hostile file can
 * cost a re-read of the scripts and nothing else.  Reading and writing
 * report no errors: it is only a cache.
 *
 * Threads: the cache is read (mapped, in one go), and its table built,
 * before the loading threads start; they only look entries up and copy
 * them out.
 */
#ifndef RT_HEADER_CACHE_H
#define RT_HEADER_CACHE_H

#include "util/compat.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/strvec.h"
#include "graph/revision.h"

#include <sys/stat.h>
#include <time.h>

/* What must not have changed for an entry to stand for its file. */
struct rt_file_stamp {
	int64_t mtime_sec, ctime_sec;
	uint32_t mtime_nsec, ctime_nsec;
	uint64_t size, ino, dev;
};

void rt_file_stamp_from_stat(struct rt_file_stamp *out, const struct stat *st);

/*
 * Git's "racy clean" problem: a file written within the same clock tick
 * as it was read can change again without changing its stamp.  So a
 * stamp whose mtime or ctime is later than two seconds before `start`
 * (the load's start, CLOCK_REALTIME) is not stored; the file is read
 * again next time and stored once it is old enough.
 */
bool rt_file_stamp_is_racy(const struct rt_file_stamp *stamp,
                           const struct timespec *start);

struct rt_header_cache;
struct rt_header_cache_entry;

/*
 * `<cache_dir>/headers-<16 hex digits>`, the digits a 64-bit hash of the
 * absolute version folders: one cache per set of folders.  Caller frees.
 */
char *rt_header_cache_path(const char *cache_dir, const struct rt_strvec *dirs);

/*
 * Read the cache at `path`, built for exactly `dirs`; NULL when there is
 * none or it cannot be used.  Free with rt_header_cache_free().
 */
struct rt_header_cache *rt_header_cache_read(const char *path,
                                             const struct rt_strvec *dirs);
void rt_header_cache_free(struct rt_header_cache *cache);
/* How many entries it holds. */
size_t rt_header_cache_nr(const struct rt_header_cache *cache);

/* The entry of file `name` (`len` bytes) of folder `dir`, or NULL. */
const struct rt_header_cache_entry *rt_header_cache_find(
        const struct rt_header_cache *cache, size_t dir, const char *name,
        size_t len);
/* Whether `st` (the file's stat now) is the stamp stored with `e`. */
bool rt_header_cache_fresh(const struct rt_header_cache_entry *e,
                           const struct stat *st);
/*
 * The revision stored in `e`, allocated in `arena` exactly as parsing
 * the file with keep_sql = false would have (no SQL sections), its path
 * `path`.  -1 when the entry is malformed (then read the file).
 */
int rt_header_cache_load(struct rt_revision **out,
                         const struct rt_header_cache_entry *e,
                         struct rt_arena *arena, const char *path);

/* A new cache, built in memory and then written in one go. */
struct rt_header_cache_writer {
	struct rt_buf buf;
	size_t count_at; /* where nr_entries goes */
	uint32_t nr;
};

void rt_header_cache_writer_init(struct rt_header_cache_writer *w,
                                 const struct rt_strvec *dirs);
/* Add file `name` of folder `dir`, its stamp and its parsed header. */
void rt_header_cache_writer_add(struct rt_header_cache_writer *w, size_t dir,
                                const char *name,
                                const struct rt_file_stamp *stamp,
                                const struct rt_revision *rev);
/* Add an entry of the cache read (of the same folders) as it is. */
void rt_header_cache_writer_copy(struct rt_header_cache_writer *w,
                                 const struct rt_header_cache_entry *e);
/*
 * Write the cache to `path`: its folder is created (mode 0700) when
 * missing, the file written to `<path>.tmp.<pid>` and renamed over
 * `path`, so readers see the old cache or the new one, never a part.
 * -1 on failure (nothing is left behind); callers ignore it.
 */
int rt_header_cache_writer_commit(struct rt_header_cache_writer *w,
                                  const char *path);
void rt_header_cache_writer_release(struct rt_header_cache_writer *w);

/*
 * The checksum a cache file ends with, of the `len` bytes before it (for
 * the tests, which forge damaged caches that still pass it).
 */
uint64_t rt_header_cache_checksum(const void *data, size_t len);

#endif
