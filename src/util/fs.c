/*
 * fs.c - file and path helpers of fs.h.
 */
#include "compat.h"
#include "fs.h"
#include "alloc.h"
#include "../error_raise.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int rt_fs_read_fd(struct rt_buf *out, int fd, const struct stat *known,
                  const char *path, struct rt_error *err)
{
	struct stat st;
	size_t want = 8192;

	if (known)
		st = *known;
	else if (fstat(fd, &st) < 0)
		st.st_mode = 0;
	/* one read() for a regular file: loading 10,000 scripts is I/O */
	if (S_ISREG(st.st_mode) && st.st_size > 0)
		want = (size_t)st.st_size + 1;
	for (;;) {
		ssize_t n;

		rt_buf_grow(out, want);
		n = read(fd, out->buf + out->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rt_error_set_at(err, RT_EIO, path, 0,
			                       "cannot read '%s': %s", path,
			                       strerror(errno));
		if (n == 0)
			return 0;
		rt_buf_setlen(out, out->len + (size_t)n);
		/* a short read of a regular file of known size is its end */
		if (S_ISREG(st.st_mode) && (size_t)n < want &&
		    out->len >= (size_t)st.st_size)
			return 0;
	}
}

int rt_fs_read_file(struct rt_buf *out, const char *path, struct rt_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return rt_error_set_at(
		        err, errno == ENOENT ? RT_ENOTFOUND : RT_EIO, path, 0,
		        "cannot read '%s': %s", path, strerror(errno));
	ret = rt_fs_read_fd(out, fd, NULL, path, err);
	close(fd);
	return ret;
}

int rt_fs_write_file(const char *path, const char *data, size_t len,
                     bool exclusive, struct rt_error *err)
{
	int flags = O_WRONLY | O_CREAT | (exclusive ? O_EXCL : O_TRUNC);
	int fd = open(path, flags, 0666);
	size_t done = 0;

	if (fd < 0)
		return rt_error_set_at(
		        err, errno == EEXIST ? RT_EEXISTS : RT_EIO, path, 0,
		        "cannot write '%s': %s", path, strerror(errno));
	while (done < len) {
		ssize_t w = write(fd, data + done, len - done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return rt_error_set_at(err, RT_EIO, path, 0,
			                       "cannot write '%s': %s", path,
			                       strerror(errno));
		}
		done += (size_t)w;
	}
	if (close(fd) < 0)
		return rt_error_set_at(err, RT_EIO, path, 0,
		                       "cannot write '%s': %s", path,
		                       strerror(errno));
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct rt_fs_entry *)a)->name,
	              ((const struct rt_fs_entry *)b)->name);
}

int rt_fs_list_entries(struct rt_fs_entry **out, size_t *nr, const char *path,
                       struct rt_error *err)
{
	DIR *d = opendir(path);
	struct rt_fs_entry *v = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;

	*out = NULL;
	*nr = 0;
	if (!d)
		return rt_error_set_at(
		        err, errno == ENOENT ? RT_ENOTFOUND : RT_EIO, path, 0,
		        "cannot read directory '%s': %s", path,
		        strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		RT_ALLOC_GROW(v, n + 1, alloc);
		v[n].name = rt_xstrdup(de->d_name);
		/* DT_UNKNOWN and links need a stat(); say "not known" */
		v[n].is_regular = de->d_type == DT_REG;
		v[n].ino = (uint64_t)de->d_ino;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_entry);
	*out = v;
	*nr = n;
	return 0;
}

void rt_fs_entries_free(struct rt_fs_entry *entries, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		free(entries[i].name);
	free(entries);
}

int rt_fs_list_dir(struct rt_strvec *out, const char *path,
                   struct rt_error *err)
{
	struct rt_fs_entry *entries;
	size_t nr;
	int ret = rt_fs_list_entries(&entries, &nr, path, err);

	for (size_t i = 0; ret == 0 && i < nr; i++) {
		rt_strvec_push_nodup(out, entries[i].name);
		entries[i].name = NULL;
	}
	rt_fs_entries_free(entries, nr);
	return ret;
}

bool rt_fs_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool rt_fs_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int mkdir_mode(const char *path, mode_t mode, struct rt_error *err)
{
	if (mkdir(path, mode) == 0 || (errno == EEXIST && rt_fs_is_dir(path)))
		return 0;
	return rt_error_set_at(err, RT_EIO, path, 0,
	                       "cannot create directory '%s': %s", path,
	                       strerror(errno));
}

int rt_fs_mkdir(const char *path, struct rt_error *err)
{
	return mkdir_mode(path, 0777, err);
}

int rt_fs_mkdir_p(const char *path, mode_t mode, struct rt_error *err)
{
	char *p, *slash;
	int ret = 0;

	if (rt_fs_is_dir(path))
		return 0;
	p = rt_xstrdup(path);
	/* each parent in turn; a leading '/' is the root, not a parent */
	for (slash = strchr(*p ? p + 1 : p, '/'); !ret && slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (!rt_fs_is_dir(p))
			ret = mkdir_mode(p, mode, err);
		*slash = '/';
	}
	if (!ret)
		ret = mkdir_mode(p, mode, err);
	free(p);
	return ret;
}

char *rt_path_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	bool slash = dl && dir[dl - 1] == '/';
	char *p = rt_xmalloc(rt_st_add(rt_st_add(dl, nl), 2));

	memcpy(p, dir, dl);
	if (!slash)
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

char *rt_path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return rt_xstrdup(".");
	if (slash == path)
		return rt_xstrdup("/");
	return rt_xstrndup(path, (size_t)(slash - path));
}

static const char *component_end(const char *p)
{
	while (*p && *p != '/')
		p++;
	return p;
}

/* Append component `c` (length n) to the normalised absolute path `out`. */
static void push_component(struct rt_buf *out, const char *c, size_t n)
{
	if (n == 0 || (n == 1 && c[0] == '.'))
		return;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		char *slash = strrchr(out->buf, '/');
		rt_buf_setlen(out, slash ? (size_t)(slash - out->buf) : 0);
		return;
	}
	rt_buf_addch(out, '/');
	rt_buf_add(out, c, n);
}

char *rt_path_absolute(const char *path)
{
	struct rt_buf out = RT_BUF_INIT;
	const char *p;

	if (path[0] != '/') {
		char *cwd = getcwd(NULL, 0);
		if (!cwd)
			RT_BUG("getcwd failed: %s", strerror(errno));
		for (p = cwd; *p;) {
			const char *e = component_end(p);
			push_component(&out, p, (size_t)(e - p));
			p = *e ? e + 1 : e;
		}
		free(cwd);
	}
	for (p = path; *p;) {
		const char *e = component_end(p);
		push_component(&out, p, (size_t)(e - p));
		p = *e ? e + 1 : e;
	}
	if (!out.len)
		rt_buf_addch(&out, '/');
	return rt_buf_detach(&out);
}
