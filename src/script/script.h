/*
 * script.h - revision scripts on disk: reading the versions folders,
 * parsing the SQL script format (SPEC.md §4), and writing new scripts.
 *
 *   rt_scan_versions()   every *.sql and *.py file of the version
 *                        locations, in sorted file-name order, parsed
 *                        into revisions (rt_scan_headers(): without
 *                        keeping their SQL; rt_scan_headers_cached():
 *                        through a cache of the parsed headers)
 *   rt_script_load_sql() one script's SQL, just before its step runs
 *   rt_sqlscript_parse() one script's header and its two sections
 *   rt_pyscript_parse()  an Alembic .py script's metadata (no Python)
 *   rt_script_slug(), rt_script_filename(), rt_script_render()
 *                        the pieces `revision` and `merge` need
 *   rt_script_init_layout()  what `init DIR` writes
 */
#ifndef RT_SCRIPT_H
#define RT_SCRIPT_H

#include "util/compat.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/strvec.h"
#include "graph/revision.h"

#include <time.h>

struct rt_error;

/*
 * Parse one SQL revision script.  `path` must be absolute (it is stored in
 * the revision).  Header lines are the leading `--` comment block:
 *   -- <message line(s)>
 *   --
 *   -- Revision ID: <id>              required
 *   -- Revises: <id>[, <id>...]       empty or absent for a base
 *   -- Create Date: <text>            informational
 *   -- Branch Labels: <l>[, <l>...]   optional
 *   -- Depends On: <id|label>[, ...]  optional
 *   -- Transactional: false           optional
 *   -- Foreign Keys: off              optional (SQLite rebuilds)
 * then `-- +upgrade` and `-- +downgrade` open the two sections (upgrade
 * first; `-- +downgrade` may be absent, meaning an empty downgrade).
 * Errors (RT_EPARSE) name "path:line" and say what to add or fix: a missing
 * `Revision ID`, a missing `-- +upgrade`, an id containing '@', '-' or '+',
 * an id longer than 32 characters (alembic_version is VARCHAR(32)), a
 * duplicate header key, sections out of order.
 */
int rt_sqlscript_parse(struct rt_revision **out, struct rt_arena *arena,
                       const char *path, const char *text, size_t len,
                       struct rt_error *err);
/*
 * The same, for the loader, without copying the whole text: `text` is the
 * caller's buffer (text[len] must be writable; line ends are normalised
 * in place) and `scratch` a buffer the parser may reuse.  With `keep_sql`
 * the two sections are copied to the arena; without, upgrade_sql and
 * downgrade_sql stay NULL, yet the sections are checked all the same, so
 * a broken script fails with the same error either way.
 */
int rt_sqlscript_parse_buf(struct rt_revision **out, struct rt_arena *arena,
                           const char *path, char *text, size_t len,
                           bool keep_sql, struct rt_buf *scratch,
                           struct rt_error *err);

/*
 * Read the metadata of one Alembic `.py` revision script without running
 * Python (a tokenizer, not an interpreter).  `path` must be absolute.
 * Looks only at the module level (logical lines starting in column 0;
 * blocks such as `if`/`try`/`def` bodies are skipped): the module
 * docstring (the first statement, if it is a string literal: longdoc is
 * its text .strip()ped, doc its first "\n\n" paragraph; "" when there is
 * none) and the last assignment (`x = v`, `x: T = v`, `a = x = v`) of
 *   revision        a string; missing: the `<hex>.py` file name, else
 *                   Alembic's "Could not determine revision id from
 *                   filename ..." (RT_EPARSE, the location in the hint)
 *   down_revision   None, '' (both: a base), a string, a tuple or list of
 *                   strings; missing: RT_EPARSE marked as a crash
 *   branch_labels, depends_on   the same; missing = none
 * Values must be literals (any string form, implicit concatenation,
 * parentheses); anything else (a name, an attribute such as
 * `cli.EXPAND_BRANCH`, a call, an f-string, an import of the name) is
 * RT_EUNSUPPORTED "path:line: cannot read X = EXPR without running
 * Python; ...".  Bytes, numbers or nested tuples are RT_EUNSUPPORTED too.
 * A tokenizing error (unterminated string, unbalanced brackets, bad
 * escape in a value, invalid UTF-8) is RT_EPARSE "path:line: ...", marked
 * as a crash (Python could not import the file either).  The revision is
 * allocated in `arena` with is_python = true, transactional = true and no
 * SQL sections.
 */
int rt_pyscript_parse(struct rt_revision **out, struct rt_arena *arena,
                      const char *path, const char *text, size_t len,
                      struct rt_error *err);

/*
 * Load every revision script in `dirs` (absolute paths; each directory's
 * files sorted by name, directories in the given order).  Files ending in
 * ".sql" (rt_sqlscript_parse) and ".py" (rt_pyscript_parse) are parsed;
 * names starting with "." or "__init__", and other extensions (".pyc"),
 * are skipped.  Sets load_order.  A directory that does not
 * exist is skipped (as Alembic does); one that cannot be read is RT_EIO
 * naming it; a script that fails to load fails the whole load, and the
 * error is that of the first such script in load order.  The array *out
 * is allocated in `arena`.  Hundreds of scripts are read by a few
 * threads (as many as there are CPUs, up to 4), all joined before it
 * returns.
 */
int rt_scan_versions(const struct rt_revision ***out, size_t *nr,
                     struct rt_arena *arena, const struct rt_strvec *dirs,
                     struct rt_error *err);
/*
 * The same files, checked the same way (hence the same errors), without
 * keeping the SQL sections: upgrade_sql and downgrade_sql are NULL.  For
 * the commands that only read the graph; it needs a fraction of the
 * memory.
 */
int rt_scan_headers(const struct rt_revision ***out, size_t *nr,
                    struct rt_arena *arena, const struct rt_strvec *dirs,
                    struct rt_error *err);

/*
 * rt_scan_headers() through a cache of the parsed headers (NULL `cache`:
 * none), so that a script unchanged since the last load costs an
 * fstatat() instead of an open, a read and a parse (header_cache.h says
 * how an entry is checked).  The result, errors included, is that of
 * rt_scan_headers(): a script that fails to load is never cached.  After
 * a load that succeeds, the cache is written anew (its folder created)
 * when it no longer holds exactly the scripts loaded; a cache that cannot
 * be read or written is simply not used.
 */
struct rt_scan_cache_opts {
	const char *path; /* the cache file */
	/*
	 * Use the cache only when at least this many scripts are listed:
	 * RT_SCAN_CACHE_MIN_SCRIPTS, below which there is little to gain
	 * and no cache file is worth writing.
	 */
	size_t min_scripts;
	/*
	 * When the load started, for the racy-clean rule (scripts changed
	 * less than 2 s before are not stored); NULL: now.  Tests pass a
	 * later time to have new scripts stored at once.
	 */
	const struct timespec *start;
	/*
	 * Set by a load that succeeded with the cache in use: how many
	 * scripts came from it, and whether it was written anew.
	 */
	size_t hits;
	bool written;
};
#define RT_SCAN_CACHE_MIN_SCRIPTS 256
int rt_scan_headers_cached(const struct rt_revision ***out, size_t *nr,
                           struct rt_arena *arena, const struct rt_strvec *dirs,
                           struct rt_scan_cache_opts *cache,
                           struct rt_error *err);

/*
 * Read `rev`'s script again, with its SQL sections, into `arena`: what a
 * step runs, read just before it runs, so a long run holds one script's
 * SQL at a time.  RT_EGRAPH naming the file when its header no longer
 * says what `rev` says (the file was edited since the load); the read
 * and parse errors of rt_sqlscript_parse() otherwise.  For .sql scripts.
 */
int rt_script_load_sql(const struct rt_revision **out, struct rt_arena *arena,
                       const struct rt_revision *rev, struct rt_error *err);

/*
 * Alembic's slug: runs of word characters joined by '_', lower-cased, cut
 * at `truncate_len` (<= 0 means 40) back to the last '_' plus '_'.
 * Caller frees.
 */
char *rt_script_slug(const char *message, int truncate_len);

/*
 * Expand a file_template (`%(rev)s_%(slug)s` by default; tokens rev, slug,
 * epoch, year, month, day, hour, minute, second with printf-style specs
 * such as `%(month).2d`) into a file name without extension.  RT_ECONFIG
 * for an unknown token or spec.  Caller frees *out.
 */
int rt_script_filename(char **out, const char *file_template, const char *rev,
                       const char *slug, const struct tm *when, time_t epoch,
                       struct rt_error *err);

/* What a new revision script contains. */
struct rt_newrev {
	const char *id;
	const char *message; /* NULL or "" = "empty message" */
	const char *const *down_revisions; /* NULL-terminated, may be empty */
	const char *const *branch_labels;
	const char *const *depends_on;
	const char *create_date; /* e.g. "2026-11-24 12:00:00.123456" */
	const char *upgrade_sql; /* body text or NULL */
	const char *downgrade_sql;
	/* "-- Foreign Keys: off" (a SQLite table rebuild) */
	bool foreign_keys_off;
};

/*
 * Render `tmpl` (the project's script.sql.tmpl) for `nr`.  Placeholders
 * are ${message}, ${up_revision}, ${down_revision} (joined ", "),
 * ${create_date}, ${branch_labels}, ${depends_on}, ${upgrades},
 * ${downgrades}, ${foreign_keys} ("off" or empty); a line holding
 * ${branch_labels}, ${depends_on} or ${foreign_keys} is left out when
 * that value is empty.  A revision with foreign_keys_off whose template
 * lacks ${foreign_keys} gets the header line after "-- Revision ID:". RT_EPARSE
 * for an unknown placeholder (naming the template line).
 */
int rt_script_render(struct rt_buf *out, const char *tmpl,
                     const char *tmpl_path, const struct rt_newrev *nr,
                     struct rt_error *err);

/* The default script.sql.tmpl text written by `init`. */
const char *rt_script_default_template(void);

/* 12 random lowercase hex digits (from /dev/urandom). Caller frees. */
char *rt_script_new_id(void);

/*
 * Create Date text for `now`: local time (or, when `tz` is set, that zone
 * with its UTC offset) in Python's str(datetime) form.  RT_ECONFIG
 * "Can't locate timezone: X" for an unknown zone.  Caller frees *out; the
 * broken-down time used is stored in *when for file_template.
 */
int rt_script_create_date(char **out, struct tm *when, const char *tz,
                          struct rt_error *err);

/*
 * The same for a given instant (`sec` since the epoch plus `usec`
 * microseconds), so a caller can use one instant for both the Create Date
 * and file_template's %(epoch)s, and tests get fixed output.  `tz` is
 * looked up as python-dateutil does: a zone file under
 * /usr/share/zoneinfo (the name as written, then upper-cased), a POSIX TZ
 * string ("CET-1CEST,M3.5.0,M10.5.0/3"; "UTC+3" means three hours east,
 * as dateutil reads it), "UTC"/"GMT", and, as retort's extension, a fixed
 * offset such as "+01:00".  NULL or "" = local time, printed without an
 * offset.  `when` may be NULL.
 */
int rt_script_date_at(char **out, struct tm *when, const char *tz, time_t sec,
                      long usec, struct rt_error *err);

/*
 * `init DIR`: create DIR (which must be absent or empty: else RT_EEXISTS
 * "Directory DIR already exists and is not empty"), DIR/versions,
 * DIR/script.sql.tmpl, DIR/README, and `ini_path` unless it exists.
 * `status` is called before and after each item with Alembic's texts
 * ("Creating directory /abs/DIR ...", "  done", "File X already exists,
 * skipping") so the CLI can print them as they happen.
 */
typedef void (*rt_status_fn)(void *baton, const char *text, bool newline);
int rt_script_init_layout(const char *dir, const char *ini_path,
                          rt_status_fn status, void *baton,
                          struct rt_error *err);

#endif
