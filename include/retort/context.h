/*
 * retort/context.h - a loaded configuration, ready to run commands.
 *
 * A context is what one invocation of the `retort` program works with: the
 * ini file and its main section, the database URL, and (loaded on first
 * use) the revision scripts and their graph.  Everything a command prints
 * goes through two callbacks the caller provides:
 *
 *   - `out` receives command results and status lines (what Alembic prints
 *     on stdout: history lines, "Generating ... done", offline SQL);
 *   - `log` receives log records (what Alembic logs on stderr, such as
 *     "Running upgrade a -> b, msg" from logger "alembic.runtime.migration").
 *
 * A C program that wants to migrate its database at start-up does:
 *
 *	struct rt_context_options opts = RT_CONTEXT_OPTIONS_INIT;
 *	struct rt_error err = RT_ERROR_INIT;
 *	struct rt_context *ctx = NULL;
 *	opts.config_path = "/etc/myapp/alembic.ini";
 *	if (rt_context_open(&ctx, &opts, &err) < 0 ||
 *	    rt_upgrade(ctx, "head", NULL, &err) < 0)
 *		fprintf(stderr, "migration failed: %s\n", err.message);
 *	rt_context_free(ctx);
 */
#ifndef RETORT_CONTEXT_H
#define RETORT_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rt_context;

enum rt_log_level {
	RT_LOG_DEBUG = 10,
	RT_LOG_INFO = 20,
	RT_LOG_WARNING = 30,
	RT_LOG_ERROR = 40
};

/* Receives `len` bytes of output text (not NUL-terminated in general). */
typedef void (*rt_output_fn)(void *baton, const char *text, size_t len);
/* Receives one log record; `logger` is e.g. "alembic.runtime.migration". */
typedef void (*rt_log_fn)(void *baton, enum rt_log_level level,
                          const char *logger, const char *message);

struct rt_context_options {
	/* the ini file: NULL means "alembic.ini" in the current directory
	   (the CLI passes -c, else $ALEMBIC_CONFIG) */
	const char *config_path;
	/* main section; NULL means "alembic" */
	const char *section;
	/* "-x key=value" arguments, NULL-terminated; may be NULL */
	const char *const *x_args;
	/* the value of $DATABASE_URL, or NULL (the library never reads the
	   environment itself) */
	const char *database_url;
	/* seconds to wait for another process's migration lock; <0 = the
	   default (wait up to 10 minutes) */
	double lock_timeout;
	rt_output_fn out;
	void *out_baton;
	rt_log_fn log;
	void *log_baton;
	/* a folder for caches, created when needed, or NULL for none (the
	   CLI passes $RETORT_CACHE_DIR, else $XDG_CACHE_HOME/retort, else
	   ~/.cache/retort).  Commands that read only the revision graph
	   keep the parsed script headers of projects of 256 scripts or
	   more there, in a file per set of version folders, and read a
	   script again only when its stat (mtime, ctime, size, inode)
	   changed.  On PostgreSQL, `revision --autogenerate` and `check`
	   keep the catalog of the desired schema there, used while its
	   files and the server's version and settings are unchanged.
	   Failing to read or write a cache is never an error. */
	const char *cache_dir;
};

#define RT_CONTEXT_OPTIONS_INIT                              \
 {                                                           \
  NULL, NULL, NULL, NULL, -1.0, NULL, NULL, NULL, NULL, NULL \
 }

/*
 * Read the configuration.  Fails (RT_ECONFIG, RT_EPARSE) when the ini file
 * is missing, lacks the main section, or is malformed; the message names
 * the file and line.  Revision scripts are read later, by the first
 * command that needs them.  *out is freed with rt_context_free().
 */
RT_EXTERN int rt_context_open(struct rt_context **out,
                              const struct rt_context_options *opts,
                              struct rt_error *err);
RT_EXTERN void rt_context_free(struct rt_context *ctx);

/* The database URL in effect with its password hidden, or NULL. Borrowed. */
RT_EXTERN const char *rt_context_url_redacted(const struct rt_context *ctx);

#ifdef __cplusplus
}
#endif

#endif
