#include "util/compat.h"
/*
 * scan.c - load every revision script of the version locations: list each
 * directory in byte order of file names (the order Alembic >= 1.10 uses,
 * and the tie-breaker of every graph ordering), parse the `.sql` files
 * (sqlscript.c) and Alembic's `.py` files (pyscript.c) and number them in
 * load order.
 */
#include "script/script.h"
#include "error_raise.h"
#include "util/alloc.h"
#include "util/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* A file's identity: the same file reached twice has the same pair. */
struct file_id {
	dev_t dev;
	ino_t ino;
};

struct scan {
	struct rt_arena *arena;
	struct rt_error *err;
	const struct rt_revision **revs;
	size_t nr, alloc;
	/*
	 * Open-addressing hash set of the files loaded so far (ino 0 marks a
	 * free slot), so a file reached twice is read once, at O(1) a file.
	 */
	struct file_id *seen;
	size_t nr_seen, seen_size;
};

/* `name` ends in `ext` and has something before it. */
static bool has_ext(const char *name, const char *ext)
{
	return rt_ends_with(name, ext) && strlen(name) > strlen(ext);
}

/*
 * retort's .sql scripts and Alembic's own .py scripts (compiled .pyc files
 * are not scripts).  Hidden files, editor lock files (".#x.py") and
 * package markers (__init__.py) are not revisions.
 */
static bool is_revision_file(const char *name)
{
	if (name[0] == '.' || rt_starts_with(name, "__init__"))
		return false;
	return has_ext(name, ".sql") || has_ext(name, ".py");
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

/* Keep the set at most half full. */
static void grow_seen(struct scan *s)
{
	size_t old_size = s->seen_size, i;
	struct file_id *old = s->seen;

	if (s->nr_seen * 2 < s->seen_size)
		return;
	s->seen_size = old_size ? old_size * 2 : 64;
	s->seen = rt_xcalloc(s->seen_size, sizeof(*s->seen));
	for (i = 0; i < old_size; i++)
		if (old[i].ino)
			file_id_insert(s->seen, s->seen_size, &old[i]);
	free(old);
}

/*
 * True when the file was loaded already (the same directory listed twice
 * in version_locations, or a symlink to a loaded script); otherwise
 * remember it.  Alembic compares real paths; device and inode numbers say
 * the same without resolving every path.
 */
static bool seen_before(struct scan *s, dev_t dev, ino_t ino)
{
	struct file_id id = { dev, ino ? ino : 1 };

	grow_seen(s);
	if (!file_id_insert(s->seen, s->seen_size, &id))
		return true;
	s->nr_seen++;
	return false;
}
/*
 * Load one candidate, unless it is not a regular file (directories,
 * sockets, dangling links are not scripts) or was loaded already.  When
 * the directory listing already says "regular file", the check costs no
 * system call: loading 10,000 scripts is mostly system calls.
 */
static int load_file(struct scan *s, const char *path, dev_t dir_dev,
                     const struct rt_fs_entry *entry)
{
	struct rt_buf text = RT_BUF_INIT;
	struct rt_revision *rev = NULL;
	struct stat st;
	int fd;
	int ret = 0;

	if (entry->is_regular && seen_before(s, dir_dev, (ino_t)entry->ino))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ELOOP)
			return 0; /* a dangling link */
		return rt_error_set_at(s->err, RT_EIO, path, 0,
		                       "cannot read '%s': %s", path,
		                       strerror(errno));
	}
	if (entry->is_regular) {
		/* size unknown: read until a short read, the end of a file */
		memset(&st, 0, sizeof(st));
		st.st_mode = S_IFREG;
	} else if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	           seen_before(s, st.st_dev, st.st_ino)) {
		goto out;
	}
	ret = rt_fs_read_fd(&text, fd, &st, path, s->err);
	if (ret)
		goto out;
	if (rt_ends_with(path, ".py"))
		ret = rt_pyscript_parse(&rev, s->arena, path, text.buf,
		                        text.len, s->err);
	else
		ret = rt_sqlscript_parse(&rev, s->arena, path, text.buf,
		                         text.len, s->err);
	if (ret)
		goto out;
	rev->load_order = (unsigned)s->nr;
	RT_ALLOC_GROW(s->revs, s->nr + 1, s->alloc);
	s->revs[s->nr++] = rev;
out:
	close(fd);
	rt_buf_release(&text);
	return ret;
}
/*
 * Check that `dir` can be listed, so the error names the folder and the
 * reason.  Sets *missing for a folder that does not exist (Alembic skips
 * those silently).
 */
static int check_dir(struct scan *s, const char *dir, bool *missing)
{
	struct stat st;
	DIR *d;
	int saved;

	*missing = false;
	if (stat(dir, &st) < 0 && errno == ENOENT) {
		*missing = true;
		return 0;
	}
	d = opendir(dir);
	if (d) {
		closedir(d);
		return 0;
	}
	saved = errno;
	if (saved == ENOTDIR)
		return rt_error_set_at(
		        s->err, RT_EIO, dir, 0,
		        "versions folder '%s' is not a directory;"
		        " check script_location and "
		        "version_locations",
		        dir);
	return rt_error_set_at(
	        s->err, RT_EIO, dir, 0,
	        "cannot read versions folder '%s': %s; check its "
	        "permissions",
	        dir, strerror(saved));
}

static int scan_dir(struct scan *s, const char *dir)
{
	struct rt_fs_entry *entries = NULL;
	size_t nr = 0;
	char *path = NULL;
	struct stat dir_st;
	bool missing;
	int ret;

	ret = check_dir(s, dir, &missing);
	if (ret || missing)
		goto out;
	if (stat(dir, &dir_st) < 0)
		dir_st.st_dev = 0;
	ret = rt_fs_list_entries(&entries, &nr, dir, s->err);
	if (ret)
		goto out;
	for (size_t i = 0; i < nr; i++) {
		if (!is_revision_file(entries[i].name))
			continue;
		free(path);
		path = rt_path_join(dir, entries[i].name);
		ret = load_file(s, path, dir_st.st_dev, &entries[i]);
		if (ret)
			goto out;
	}
out:
	free(path);
	rt_fs_entries_free(entries, nr);
	return ret;
}
int rt_scan_versions(const struct rt_revision ***out, size_t *nr,
                     struct rt_arena *arena, const struct rt_strvec *dirs,
                     struct rt_error *err)
{
	struct scan s = { arena, err, NULL, 0, 0, NULL, 0, 0 };
	const struct rt_revision **arr;
	size_t i;
	int ret = 0;

	*out = NULL;
	*nr = 0;
	for (i = 0; i < dirs->nr && !ret; i++)
		ret = scan_dir(&s, dirs->v[i]);
	if (ret)
		goto out;
	/* hand out an arena copy so the caller frees nothing */
	arr = rt_arena_alloc(arena, rt_st_mult(s.nr + 1, sizeof(*arr)));
	if (s.nr)
		memcpy(arr, s.revs, s.nr * sizeof(*arr));
	*out = arr;
	*nr = s.nr;
out:
	free(s.revs);
	free(s.seen);
	return ret;
}
