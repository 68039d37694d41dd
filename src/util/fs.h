/*
 * fs.h - the few file-system operations retort needs, with errors reported
 * through struct rt_error (the path goes into the error's location).
 */
#ifndef RT_FS_H
#define RT_FS_H

#include "compat.h"
#include "buf.h"
#include "strvec.h"

#include <sys/stat.h>

struct rt_error;

/*
 * Append everything readable from `fd` to `out` (`path` only names it in
 * errors).  A regular file is read with one read() where possible;
 * `known` is the caller's fstat() of `fd`, or NULL.
 */
int rt_fs_read_fd(struct rt_buf *out, int fd, const struct stat *known,
                  const char *path, struct rt_error *err);
/* Append the whole file to `out`.  RT_ENOTFOUND or RT_EIO on failure. */
int rt_fs_read_file(struct rt_buf *out, const char *path, struct rt_error *err);
/*
 * Write `len` bytes to `path` (created with mode 0666 & ~umask).  With
 * `exclusive`, fails with RT_EEXISTS when the file is there already.
 */
int rt_fs_write_file(const char *path, const char *data, size_t len,
                     bool exclusive, struct rt_error *err);
/* One directory entry, as readdir() reports it. */
struct rt_fs_entry {
	char *name;
	bool is_regular; /* known to be a regular file (not a link) */
	uint64_t ino; /* its inode number, on the directory's device */
};

/*
 * The entries of directory `path` (not "." or ".."), sorted by name;
 * free them with rt_fs_entries_free.  Errors as rt_fs_list_dir.
 */
int rt_fs_list_entries(struct rt_fs_entry **out, size_t *nr, const char *path,
                       struct rt_error *err);
void rt_fs_entries_free(struct rt_fs_entry *entries, size_t nr);

/*
 * Append the names in directory `path` (not "." or "..") to `out`, sorted
 * by byte value.  RT_ENOTFOUND when it does not exist, RT_EIO otherwise.
 */
int rt_fs_list_dir(struct rt_strvec *out, const char *path,
                   struct rt_error *err);
bool rt_fs_is_dir(const char *path);
bool rt_fs_exists(const char *path);
/* mkdir; an existing directory is not an error. */
int rt_fs_mkdir(const char *path, struct rt_error *err);
/*
 * mkdir -p: `path` and the parents it lacks, each created with `mode`
 * (less the umask); directories already there are not an error.
 */
int rt_fs_mkdir_p(const char *path, mode_t mode, struct rt_error *err);

/* `path` made absolute against the current directory, normalised (no "."
 * or ".." components, no duplicate slashes).  Caller frees. */
char *rt_path_absolute(const char *path);
/* `dir` + "/" + `name`; caller frees. */
char *rt_path_join(const char *dir, const char *name);
/* Directory part of `path` ("." when there is none); caller frees. */
char *rt_path_dirname(const char *path);

#endif
