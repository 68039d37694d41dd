/*
 * ini.h - a reader for Python ConfigParser files (alembic.ini).
 *
 * rt_ini_parse() turns the text into sections of raw (not yet
 * interpolated) values, remembering the line of every key.  The dialect is
 * Python's ConfigParser with default options: `key = value` or
 * `key: value`, keys lower-cased, whole-line `#`/`;` comments (inline ones
 * are kept as part of the value), indented continuation lines joined with
 * "\n", [DEFAULT] visible from every section, duplicate sections or keys
 * rejected.  rt_ini_get() performs "basic" interpolation: `%(name)s` from
 * the same section, [DEFAULT] or the built-in `here`; `%%` is a literal
 * percent.
 *
 * Why not libinih: see README.md "Dependencies".
 */
#ifndef RT_INI_H
#define RT_INI_H

#include "util/compat.h"

struct rt_error;
struct rt_ini;
struct rt_strvec;

/*
 * Parse `text` (`len` bytes) read from `path` (used in messages and for
 * `%(here)s`, which becomes the absolute directory of `path`).  On success
 * *out owns everything; free it with rt_ini_free().  RT_EPARSE names the
 * file and line, e.g. "alembic.ini:7: ...".
 */
int rt_ini_parse(struct rt_ini **out, const char *path, const char *text,
                 size_t len, struct rt_error *err);
/* Read and parse the file at `path`.  RT_ENOTFOUND when it is missing. */
int rt_ini_load(struct rt_ini **out, const char *path, struct rt_error *err);
void rt_ini_free(struct rt_ini *ini);

/* The path as given to rt_ini_parse/rt_ini_load. */
const char *rt_ini_path(const struct rt_ini *ini);
/* Absolute directory of the file: the value of %(here)s. */
const char *rt_ini_here(const struct rt_ini *ini);
bool rt_ini_has_section(const struct rt_ini *ini, const char *section);
/* Line of `key` in `section` (or in DEFAULT), 0 if absent. */
unsigned rt_ini_line(const struct rt_ini *ini, const char *section,
                     const char *key);

/*
 * Append to `out` the (lower-cased) keys visible in `section`: its own, in
 * file order, then those of [DEFAULT] it does not override (Python's
 * options() order, without the built-in `here`).  Nothing is appended when
 * the section does not exist; "DEFAULT" lists [DEFAULT] alone.
 */
void rt_ini_keys(struct rt_strvec *out, const struct rt_ini *ini,
                 const char *section);

/*
 * The interpolated value of `key` (case-insensitive) in `section`,
 * falling back to [DEFAULT].  *out is NULL and 0 is returned when the key
 * is absent; otherwise the caller frees *out.  A bad `%` sequence or a
 * reference to a missing key is RT_EPARSE naming file and line.  A section
 * that does not exist has no keys at all (not even DEFAULT ones, as in
 * Python); "DEFAULT" reads [DEFAULT] itself; `here` is always set.
 */
int rt_ini_get(char **out, const struct rt_ini *ini, const char *section,
               const char *key, struct rt_error *err);

#endif
