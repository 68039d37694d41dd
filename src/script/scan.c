#include "util/compat.h"
/*
 * scan.c - load every revision script of the version locations: list each
 * directory in byte order of file names (the order Alembic >= 1.10 uses,
 * and the tie-breaker of every graph ordering), parse the `.sql` files
 * (sqlscript.c) and Alembic's `.py` files (pyscript.c) and number them in
 * load order.
 *
 * Loading 10,000 scripts is mostly system calls (an open, a read and a
 * close for each), so the files are loaded by more than one thread, and
 * loading starts while the folders are still being listed:
 *
 *  1. The calling thread lists the folders.  Every batch of names it
 *     reads goes to a queue at once, in the order the folder gives them.
 *  2. Threads take batches from the queue; each file of a batch is read
 *     and parsed on its own, and what came of it (a revision, an error,
 *     "not a script") is kept with its name.  The calling thread sorts
 *     each folder's names meanwhile, then helps.
 *  3. Once all is loaded, the calling thread walks the names in load
 *     order as a one-by-one load would: it drops the files reached twice
 *     (the only decision that depends on other files), numbers the
 *     revisions and stops at the first error.
 *
 * Since no file's outcome depends on another's, the revisions and the
 * error reported are those of loading the files one by one; a file
 * reached twice is merely loaded twice.
 *
 * With a header cache (rt_scan_headers_cached(), header_cache.c), read
 * once enough names are listed and before any other thread starts, a
 * file whose stat still matches its entry is taken from the cache: an
 * fstatat() instead of an open, a read and a parse.  Once all is taken,
 * the cache is written anew if it no longer says what the folders hold.
 */
#include "script/script.h"
#include "script/header_cache.h"
#include "error_raise.h"
#include "util/alloc.h"
#include "util/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * Names go to the queue in batches of BATCH; another thread starts for
 * every FILES_PER_THREAD names listed, up to the number of CPUs and
 * MAX_THREADS in all: threads only pay off for many files.
 */
#define BATCH            64
#define FILES_PER_THREAD 256
#define MAX_THREADS      4
/* What the first read() of a script asks for; most scripts fit. */
#define READ_SIZE 8192

/* A file's identity: the same file reached twice has the same pair. */
struct file_id {
	dev_t dev;
	ino_t ino;
};

/*
 * What came of loading one file: LOADED (into `rev`); SKIPPED (gone since
 * the listing, a dangling link, not a regular file); FAILED (reading or
 * parsing, the error in `err`); OPEN_FAILED (the same, but the file could
 * not even be opened, so a link's target is unknown).
 */
enum outcome { LOADED, SKIPPED, FAILED, OPEN_FAILED };

/* One name listed, and, once loaded, what came of it. */
struct entry {
	const char *name;
	struct scan_dir *dir;
	ino_t ino; /* as readdir() says */
	bool is_regular; /* readdir() says: a regular file (not a link) */
	enum outcome outcome;
	struct file_id id; /* a link's target, when not `is_regular` */
	struct rt_revision *rev;
	struct rt_error *err;
	/* with a header cache: the entry `rev` came from, if it did, */
	const struct rt_header_cache_entry *hit;
	/* else the stamp of the file read (allocated: once the cache is
	   up to date, few files are read) */
	struct rt_file_stamp *stamp;
};

/* Up to BATCH names of one folder, loaded by one thread. */
struct batch {
	struct batch *next; /* all batches, newest first */
	struct batch *next_queued;
	size_t nr;
	struct entry entries[BATCH];
	char *names;
};

/*
 * An entry to sort, with the first 8 bytes of its name as a number that
 * sorts as they do, so most comparisons need no look at the name.
 */
struct sort_item {
	uint64_t key;
	struct entry *e;
};

/* One versions folder. */
struct scan_dir {
	const char *path;
	DIR *dir;
	int fd; /* dirfd(dir): its files are opened relative to it */
	dev_t dev;
	struct sort_item *sorted; /* its entries (sorted once all listed) */
	size_t nr, alloc;
};

/* One thread's share of the loading. */
struct worker {
	struct scan *s;
	struct rt_arena *arena; /* the caller's, or `own` */
	struct rt_arena own;
	struct rt_error err;
	struct rt_buf text, doc, path;
	pthread_t thread;
};

struct scan {
	struct rt_arena *arena;
	bool keep_sql;
	const struct rt_strvec *dir_paths;
	struct scan_dir *dirs;
	size_t nr_dirs;
	struct batch *batches;
	size_t nr_listed;
	/* the batch being filled, and its names */
	struct batch *cur;
	struct rt_buf cur_names;
	size_t *cur_offs;

	/* the queue of batches not taken yet */
	pthread_mutex_t lock;
	pthread_cond_t more;
	struct batch *queue, **queue_tail;
	bool listed; /* no batch will come any more */

	struct worker workers[MAX_THREADS];
	size_t nr_workers, max_workers;

	/*
	 * Open-addressing hash set of the files taken so far (ino 0 marks a
	 * free slot), so a file reached twice counts once, at O(1) a file.
	 */
	struct file_id *seen;
	size_t nr_seen, seen_size;

	/*
	 * The header cache: whether to use it is known once min_scripts
	 * names are listed, or all are (no other thread starts before);
	 * `cache` is what was read (NULL: none, or unusable), `start` when
	 * the load started, for rt_file_stamp_is_racy().
	 */
	struct rt_scan_cache_opts *cache_opts; /* NULL: no cache */
	bool cache_pending;
	bool cache_on;
	struct rt_header_cache *cache;
	struct timespec start;
};

/* `name` ends in `ext` and has something before it. */
static bool has_ext(const char *name, size_t len, const char *ext)
{
	size_t n = strlen(ext);

	return len > n && !memcmp(name + len - n, ext, n);
}

/*
 * retort's .sql scripts and Alembic's own .py scripts (compiled .pyc files
 * are not scripts).  Hidden files, editor lock files (".#x.py") and
 * package markers (__init__.py) are not revisions.
 */
static bool is_revision_file(const char *name, size_t len)
{
	if (name[0] == '.' || rt_starts_with(name, "__init__"))
		return false;
	return has_ext(name, len, ".sql") || has_ext(name, len, ".py");
}

static size_t file_id_hash(const struct file_id *id, size_t size)
{
	uint64_t h =
	        (uint64_t)id->ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)id->dev;

	return (size_t)(h ^ (h >> 29)) & (size - 1);
}

/* Insert `id`; false when it was there already.  Needs a free slot. */
static bool file_id_insert(struct file_id *set, size_t size,
                           const struct file_id *id)
{
	size_t i = file_id_hash(id, size);

	while (set[i].ino) {
		if (set[i].ino == id->ino && set[i].dev == id->dev)
			return false;
		i = (i + 1) & (size - 1);
	}
	set[i] = *id;
	return true;
}

/* Keep the set at most half full once `extra` more files are in. */
static void grow_seen(struct scan *s, size_t extra)
{
	size_t old_size = s->seen_size, want = s->nr_seen + extra, i;
	struct file_id *old = s->seen;

	if (want * 2 <= s->seen_size)
		return;
	if (!s->seen_size)
		s->seen_size = 64;
	while (s->seen_size < want * 2)
		s->seen_size *= 2;
	s->seen = rt_xcalloc(s->seen_size, sizeof(*s->seen));
	for (i = 0; i < old_size; i++)
		if (old[i].ino)
			file_id_insert(s->seen, s->seen_size, &old[i]);
	free(old);
}

/*
 * True when the file was taken already (the same directory listed twice
 * in version_locations, or a symlink to a loaded script); otherwise
 * remember it.  Alembic compares real paths; device and inode numbers say
 * the same without resolving every path.
 */
static bool seen_before(struct scan *s, dev_t dev, ino_t ino)
{
	struct file_id id = { dev, ino ? ino : 1 };

	grow_seen(s, 1);
	if (!file_id_insert(s->seen, s->seen_size, &id))
		return true;
	s->nr_seen++;
	return false;
}

/* ---- loading one file (any thread) ----------------------------------- */

static int cannot_read(struct worker *w, const char *path)
{
	return rt_error_set_at(&w->err, RT_EIO, path, 0, "cannot read '%s': %s",
	                       path, strerror(errno));
}

/* Read all of `fd` into w->text.  A short read of a file is its end. */
static int read_text(struct worker *w, int fd, const char *path)
{
	rt_buf_reset(&w->text);
	for (;;) {
		size_t want = w->text.alloc > w->text.len + READ_SIZE ?
		                      w->text.alloc - w->text.len - 1 :
		                      READ_SIZE;
		ssize_t n;

		rt_buf_grow(&w->text, want);
		n = read(fd, w->text.buf + w->text.len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cannot_read(w, path);
		rt_buf_setlen(&w->text, w->text.len + (size_t)n);
		if ((size_t)n < want)
			return 0;
	}
}

/*
 * Take `e` from the header cache if its entry is there and the file's
 * stat (following links, as the open does) still matches it.  False
 * when the file must be read; a stat that fails is left to the open to
 * explain.
 */
static bool load_cached(struct worker *w, struct entry *e)
{
	const struct rt_header_cache_entry *ce;
	struct stat st;

	ce = rt_header_cache_find(w->s->cache, (size_t)(e->dir - w->s->dirs),
	                          e->name, strlen(e->name));
	if (!ce || fstatat(e->dir->fd, e->name, &st, 0) < 0)
		return false;
	if (!S_ISREG(st.st_mode)) {
		e->outcome = SKIPPED;
		return true;
	}
	e->id.dev = st.st_dev;
	e->id.ino = st.st_ino;
	if (!rt_header_cache_fresh(ce, &st) ||
	    rt_header_cache_load(&e->rev, ce, w->arena, w->path.buf) < 0)
		return false;
	e->hit = ce;
	e->outcome = LOADED;
	return true;
}

/*
 * Open, read and parse the file of `e`, and set its outcome.  Only a name
 * that readdir() does not call a regular file (a symlink, or any name on
 * a file system that does not say) needs a look at what it is:
 * directories, sockets and dangling links are not scripts.
 */
static void load_entry(struct worker *w, struct entry *e)
{
	const char *dir = e->dir->path;
	size_t dl = strlen(dir);
	struct stat st;
	int fd, ret;

	/* the same path as rt_path_join(), without an allocation */
	rt_buf_reset(&w->path);
	rt_buf_add(&w->path, dir, dl);
	if (!dl || dir[dl - 1] != '/')
		rt_buf_addch(&w->path, '/');
	rt_buf_adds(&w->path, e->name);
	if (w->s->cache && load_cached(w, e))
		return;
	fd = openat(e->dir->fd, e->name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ELOOP) {
			e->outcome = SKIPPED;
			return;
		}
		cannot_read(w, w->path.buf);
		e->outcome = OPEN_FAILED;
		goto failed;
	}
	if (!e->is_regular || w->s->cache_on) {
		bool is_file = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);

		if (!e->is_regular && !is_file) {
			e->outcome = SKIPPED;
			close(fd);
			return;
		}
		if (is_file) {
			e->id.dev = st.st_dev;
			e->id.ino = st.st_ino;
		}
		/* taken before the read: a change after it shows */
		if (is_file && w->s->cache_on) {
			e->stamp = rt_xmalloc(sizeof(*e->stamp));
			rt_file_stamp_from_stat(e->stamp, &st);
		}
	}
	ret = read_text(w, fd, w->path.buf);
	close(fd);
	if (!ret && has_ext(e->name, strlen(e->name), ".py"))
		ret = rt_pyscript_parse(&e->rev, w->arena, w->path.buf,
		                        w->text.buf, w->text.len, &w->err);
	else if (!ret)
		ret = rt_sqlscript_parse_buf(&e->rev, w->arena, w->path.buf,
		                             w->text.buf, w->text.len,
		                             w->s->keep_sql, &w->doc, &w->err);
	if (!ret) {
		e->outcome = LOADED;
		return;
	}
	e->outcome = FAILED;
failed:
	/* errors are rare: each gets a copy, and w->err is ready again */
	e->err = rt_xmalloc(sizeof(*e->err));
	*e->err = w->err;
	rt_error_clear(&w->err);
}

/* The next batch to load; NULL once all are taken and none will come. */
static struct batch *take_batch(struct scan *s)
{
	struct batch *b;

	pthread_mutex_lock(&s->lock);
	while (!s->queue && !s->listed)
		pthread_cond_wait(&s->more, &s->lock);
	b = s->queue;
	if (b) {
		s->queue = b->next_queued;
		if (!s->queue)
			s->queue_tail = &s->queue;
	}
	pthread_mutex_unlock(&s->lock);
	return b;
}

static void load_batches(struct worker *w)
{
	struct batch *b;

	while ((b = take_batch(w->s)) != NULL)
		for (size_t i = 0; i < b->nr; i++)
			load_entry(w, &b->entries[i]);
}

static void *worker_main(void *arg)
{
	load_batches(arg);
	return NULL;
}

static void init_worker(struct scan *s, struct worker *w)
{
	memset(w, 0, sizeof(*w));
	w->s = s;
	w->arena = w == s->workers ? s->arena : &w->own;
	rt_buf_init(&w->text);
	rt_buf_init(&w->doc);
	rt_buf_init(&w->path);
}

/* One more thread, when there is a CPU for it; else the others do it. */
static void start_worker(struct scan *s)
{
	struct worker *w = &s->workers[s->nr_workers];

	init_worker(s, w);
	if (!pthread_create(&w->thread, NULL, worker_main, w))
		s->nr_workers++;
	else
		s->max_workers = s->nr_workers; /* do not try again */
}

/* ---- listing (the calling thread) ------------------------------------ */

/*
 * Enough names listed: the cache is used.  Read it now, while no other
 * thread runs, so that they only ever read it.
 */
static void open_cache(struct scan *s)
{
	s->cache_pending = false;
	s->cache_on = true;
	s->cache = rt_header_cache_read(s->cache_opts->path, s->dir_paths);
}

/* Another thread for every FILES_PER_THREAD names listed. */
static void start_workers(struct scan *s)
{
	/* the threads wait for the cache, if it may be needed */
	if (s->cache_pending)
		return;
	while (s->nr_workers < s->max_workers &&
	       s->nr_listed >= s->nr_workers * FILES_PER_THREAD)
		start_worker(s);
}

/* Hand the batch being filled to the loading threads. */
static void queue_batch(struct scan *s)
{
	struct batch *b = s->cur;

	if (!b)
		return;
	b->names = rt_buf_detach(&s->cur_names);
	for (size_t i = 0; i < b->nr; i++)
		b->entries[i].name = b->names + s->cur_offs[i];
	s->cur = NULL;
	pthread_mutex_lock(&s->lock);
	*s->queue_tail = b;
	s->queue_tail = &b->next_queued;
	pthread_cond_signal(&s->more);
	pthread_mutex_unlock(&s->lock);
	if (s->cache_pending && s->nr_listed >= s->cache_opts->min_scripts)
		open_cache(s);
	start_workers(s);
}

/* The first 8 bytes of `name`, big-endian, zeros past its end. */
static uint64_t sort_key(const char *name, size_t len)
{
	uint64_t key = 0;

	for (size_t i = 0; i < 8; i++)
		key = key << 8 | (i < len ? (unsigned char)name[i] : 0);
	return key;
}

static void add_entry(struct scan *s, struct scan_dir *d,
                      const struct dirent *de, size_t len)
{
	struct entry *e;

	if (!s->cur) {
		s->cur = rt_xcalloc(1, sizeof(*s->cur));
		s->cur->next = s->batches;
		s->batches = s->cur;
	}
	e = &s->cur->entries[s->cur->nr];
	s->cur_offs[s->cur->nr++] = s->cur_names.len;
	rt_buf_add(&s->cur_names, de->d_name, len + 1);
	e->dir = d;
	/* DT_UNKNOWN and links need a look at the file itself */
	e->is_regular = de->d_type == DT_REG;
	e->ino = de->d_ino;
	RT_ALLOC_GROW(d->sorted, d->nr + 1, d->alloc);
	d->sorted[d->nr].key = sort_key(de->d_name, len);
	d->sorted[d->nr++].e = e;
	s->nr_listed++;
	if (s->cur->nr == BATCH)
		queue_batch(s);
}

/*
 * Open `path` for listing, so an error names the folder and the reason.
 * *dir stays NULL for a folder that does not exist (Alembic skips those
 * silently).
 */
static int open_dir(DIR **dir, const char *path, struct rt_error *err)
{
	struct stat st;
	int saved;

	*dir = NULL;
	if (stat(path, &st) < 0 && errno == ENOENT)
		return 0;
	*dir = opendir(path);
	if (*dir)
		return 0;
	saved = errno;
	if (saved == ENOTDIR)
		return rt_error_set_at(
		        err, RT_EIO, path, 0,
		        "versions folder '%s' is not a directory;"
		        " check script_location and "
		        "version_locations",
		        path);
	return rt_error_set_at(
	        err, RT_EIO, path, 0,
	        "cannot read versions folder '%s': %s; check its "
	        "permissions",
	        path, strerror(saved));
}

static int list_dir(struct scan *s, struct scan_dir *d, struct rt_error *err)
{
	struct dirent *de;
	struct stat st;
	int ret = open_dir(&d->dir, d->path, err);

	if (ret || !d->dir)
		return ret;
	d->fd = dirfd(d->dir);
	d->dev = fstat(d->fd, &st) < 0 ? 0 : st.st_dev;
	while ((de = readdir(d->dir)) != NULL) {
		size_t len = strlen(de->d_name);

		if (is_revision_file(de->d_name, len))
			add_entry(s, d, de, len);
	}
	/* a batch holds the names of one folder */
	queue_batch(s);
	return 0;
}

static bool item_before(const struct sort_item *x, const struct sort_item *y)
{
	if (x->key != y->key)
		return x->key < y->key;
	return strcmp(x->e->name, y->e->name) < 0;
}

/*
 * Sort v[0..nr) by name, `tmp` having room for nr items: a merge sort,
 * its comparison inlined (qsort's call per comparison is most of its cost
 * here).  Names in one folder are unique, so stability does not matter.
 */
static void sort_items(struct sort_item *v, struct sort_item *tmp, size_t nr)
{
	size_t half = nr / 2, i = 0, j = half, k = 0;

	if (nr <= 8) {
		for (i = 1; i < nr; i++) {
			struct sort_item x = v[i];

			for (j = i; j && item_before(&x, &v[j - 1]); j--)
				v[j] = v[j - 1];
			v[j] = x;
		}
		return;
	}
	sort_items(v, tmp, half);
	sort_items(v + half, tmp, nr - half);
	while (i < half && j < nr)
		tmp[k++] = item_before(&v[j], &v[i]) ? v[j++] : v[i++];
	while (i < half)
		tmp[k++] = v[i++];
	/* what is left of the second half is in place already */
	memcpy(v, tmp, k * sizeof(*v));
}

/* ---- the whole load -------------------------------------------------- */

/*
 * Walk one folder's files in load order, as a one-by-one load would, and
 * add its revisions to `revs`.  Returns the error of the first file that
 * failed.
 */
static int take_dir(struct scan *s, struct scan_dir *d,
                    const struct rt_revision **revs, size_t *nr,
                    struct rt_error *err)
{
	for (size_t i = 0; i < d->nr; i++) {
		struct entry *e = d->sorted[i].e;

		/*
		 * A regular file's identity costs no system call; a link's
		 * is its target's, known once it was opened.
		 */
		if (e->is_regular) {
			if (seen_before(s, d->dev, e->ino))
				continue;
		} else if (e->outcome != SKIPPED && e->outcome != OPEN_FAILED) {
			if (seen_before(s, e->id.dev, e->id.ino))
				continue;
		}
		if (e->outcome == SKIPPED)
			continue;
		if (e->outcome != LOADED)
			return rt_error_copy(err, e->err);
		e->rev->load_order = (unsigned)*nr;
		revs[(*nr)++] = e->rev;
	}
	return 0;
}

static void init_scan(struct scan *s, struct rt_arena *arena,
                      const struct rt_strvec *dirs, bool keep_sql,
                      size_t *cur_offs)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	memset(s, 0, sizeof(*s));
	s->arena = arena;
	s->dir_paths = dirs;
	s->keep_sql = keep_sql;
	s->cur_offs = cur_offs;
	rt_buf_init(&s->cur_names);
	s->queue_tail = &s->queue;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->more, NULL);
	s->max_workers = cpus > 1 ? (size_t)cpus : 1;
	if (s->max_workers > MAX_THREADS)
		s->max_workers = MAX_THREADS;
	/* the calling thread is the first worker */
	init_worker(s, &s->workers[0]);
	s->nr_workers = 1;
}

/* List every folder (up to the first that cannot be), sort each one. */
static int list_all(struct scan *s, const struct rt_strvec *dirs,
                    struct rt_error *err)
{
	int ret = 0;

	s->nr_dirs = dirs->nr;
	s->dirs = rt_xcalloc(dirs->nr + 1, sizeof(*s->dirs));
	for (size_t i = 0; i < dirs->nr && !ret; i++) {
		s->dirs[i].path = dirs->v[i];
		ret = list_dir(s, &s->dirs[i], err);
	}
	if (s->cache_pending && s->nr_listed >= s->cache_opts->min_scripts &&
	    !ret)
		open_cache(s);
	s->cache_pending = false;
	start_workers(s);
	pthread_mutex_lock(&s->lock);
	s->listed = true;
	pthread_cond_broadcast(&s->more);
	pthread_mutex_unlock(&s->lock);
	/* while the other threads load */
	for (size_t i = 0; i < s->nr_dirs; i++) {
		struct scan_dir *d = &s->dirs[i];
		struct sort_item *tmp =
		        rt_xmalloc(rt_st_mult(d->nr + 1, sizeof(*tmp)));

		sort_items(d->sorted, tmp, d->nr);
		free(tmp);
	}
	return ret;
}

/* Free all but the revisions, which the workers' arenas hand over. */
static void release_scan(struct scan *s)
{
	for (size_t i = 0; i < s->nr_workers; i++) {
		struct worker *w = &s->workers[i];

		if (i)
			rt_arena_take(s->arena, &w->own);
		rt_buf_release(&w->text);
		rt_buf_release(&w->doc);
		rt_buf_release(&w->path);
	}
	while (s->batches) {
		struct batch *b = s->batches;

		s->batches = b->next;
		for (size_t i = 0; i < b->nr; i++) {
			free(b->entries[i].err);
			free(b->entries[i].stamp);
		}
		free(b->names);
		free(b);
	}
	for (size_t i = 0; i < s->nr_dirs; i++) {
		if (s->dirs[i].dir)
			closedir(s->dirs[i].dir);
		free(s->dirs[i].sorted);
	}
	free(s->dirs);
	free(s->seen);
	rt_header_cache_free(s->cache);
	pthread_cond_destroy(&s->more);
	pthread_mutex_destroy(&s->lock);
}

/*
 * After a load that succeeded: write the cache anew unless it holds
 * exactly the files loaded, each taken from it.  Files that failed are
 * not stored (they fail again, with the same error, next time), nor
 * files too recent to trust their stat (rt_file_stamp_is_racy()).
 */
static void save_cache(struct scan *s)
{
	struct rt_header_cache_writer w;
	struct batch **order = NULL;
	size_t nr = 0, alloc = 0, hits = 0;
	bool stale = !s->cache;

	for (struct batch *b = s->batches; b; b = b->next) {
		RT_ALLOC_GROW(order, nr + 1, alloc);
		order[nr++] = b;
		for (size_t k = 0; k < b->nr; k++) {
			if (b->entries[k].outcome != LOADED)
				continue;
			if (b->entries[k].hit)
				hits++;
			else
				stale = true;
		}
	}
	s->cache_opts->hits = hits;
	if (!stale && hits == rt_header_cache_nr(s->cache))
		goto out;
	/*
	 * In listing order (the batches are newest first): the next load
	 * looks the entries up in that order, and so reads the file from
	 * start to end.
	 */
	rt_header_cache_writer_init(&w, s->dir_paths);
	for (size_t i = nr; i--;)
		for (size_t k = 0; k < order[i]->nr; k++) {
			const struct entry *e = &order[i]->entries[k];

			if (e->outcome != LOADED)
				continue;
			if (e->hit)
				rt_header_cache_writer_copy(&w, e->hit);
			else if (e->stamp &&
			         !rt_file_stamp_is_racy(e->stamp, &s->start))
				rt_header_cache_writer_add(
				        &w, (size_t)(e->dir - s->dirs), e->name,
				        e->stamp, e->rev);
		}
	/* a failure only means reading the files again next time */
	s->cache_opts->written =
	        !rt_header_cache_writer_commit(&w, s->cache_opts->path);
	rt_header_cache_writer_release(&w);
out:
	free(order);
}

static int load_all(const struct rt_revision ***out, size_t *nr_out,
                    struct rt_arena *arena, const struct rt_strvec *dirs,
                    bool keep_sql, struct rt_scan_cache_opts *cache,
                    struct rt_error *err)
{
	struct rt_error list_err = RT_ERROR_INIT;
	const struct rt_revision **revs;
	struct scan s;
	size_t cur_offs[BATCH];
	size_t nr = 0;
	int list_ret, ret = 0;

	*out = NULL;
	*nr_out = 0;
	init_scan(&s, arena, dirs, keep_sql, cur_offs);
	if (cache) {
		cache->hits = 0;
		cache->written = false;
		s.cache_opts = cache;
		s.cache_pending = true;
		/* before listing: what is listed is at least this new */
		if (cache->start)
			s.start = *cache->start;
		else
			clock_gettime(CLOCK_REALTIME, &s.start);
	}
	list_ret = list_all(&s, dirs, &list_err);
	load_batches(&s.workers[0]);
	for (size_t i = 1; i < s.nr_workers; i++)
		pthread_join(s.workers[i].thread, NULL);

	/* hand out an arena array so the caller frees nothing */
	revs = rt_arena_alloc(arena,
	                      rt_st_mult(s.nr_listed + 1, sizeof(*revs)));
	grow_seen(&s, s.nr_listed);
	for (size_t i = 0; i < s.nr_dirs && !ret; i++)
		ret = take_dir(&s, &s.dirs[i], revs, &nr, err);
	/* a folder that could not be listed comes after all listed before */
	if (!ret && list_ret)
		ret = rt_error_copy(err, &list_err);
	if (!ret) {
		*out = revs;
		*nr_out = nr;
		if (s.cache_on)
			save_cache(&s);
	}
	release_scan(&s);
	return ret;
}

int rt_scan_versions(const struct rt_revision ***out, size_t *nr,
                     struct rt_arena *arena, const struct rt_strvec *dirs,
                     struct rt_error *err)
{
	return load_all(out, nr, arena, dirs, true, NULL, err);
}

int rt_scan_headers(const struct rt_revision ***out, size_t *nr,
                    struct rt_arena *arena, const struct rt_strvec *dirs,
                    struct rt_error *err)
{
	return load_all(out, nr, arena, dirs, false, NULL, err);
}

int rt_scan_headers_cached(const struct rt_revision ***out, size_t *nr,
                           struct rt_arena *arena, const struct rt_strvec *dirs,
                           struct rt_scan_cache_opts *cache,
                           struct rt_error *err)
{
	return load_all(out, nr, arena, dirs, false, cache, err);
}
