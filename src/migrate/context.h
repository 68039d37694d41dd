/*
 * context.h - what struct rt_context holds, for the files that implement
 * the commands (the .c files of src/migrate).  The public side is
 * include/retort/context.h.
 *
 * The configuration is read when the context opens; the revision scripts
 * and their graph are read by rt_context_load_project() on first use, so
 * commands such as `init` or a bad -x never touch the versions folder.
 */
#ifndef RT_MIGRATE_CONTEXT_H
#define RT_MIGRATE_CONTEXT_H

#include "util/compat.h"
#include "util/arena.h"
#include "util/strvec.h"
#include "config/settings.h"
#include "config/url.h"
#include "graph/revision.h"
#include "db/db.h"
#include "retort/context.h"

struct rt_revmap;
struct rt_step;

struct rt_context {
	struct rt_settings settings;
	struct rt_url url;
	bool url_parsed;
	char *url_redacted;
	double lock_timeout;
	char *cache_dir; /* NULL: no caches (headers, desired schema) */

	rt_output_fn out;
	void *out_baton;
	rt_log_fn log;
	void *log_baton;

	/* filled by rt_context_load_project() */
	bool project_loaded;
	struct rt_arena arena;
	char *script_dir; /* absolute */
	struct rt_strvec version_dirs; /* absolute */
	const struct rt_revision **revs;
	size_t nr_revs;
	struct rt_revmap *map;
};

/*
 * Read the scripts and build the graph, once.  The revisions come
 * without their SQL sections (upgrade_sql and downgrade_sql are NULL),
 * yet every script is checked in full, so a broken one fails here; a
 * step reads its SQL just before it runs (rt_migrate_step_sql()).
 */
int rt_context_load_project(struct rt_context *ctx, struct rt_error *err);
/* Parse the database URL, once; RT_ECONFIG when none is configured. */
int rt_context_url(const struct rt_url **out, struct rt_context *ctx,
                   struct rt_error *err);

/*
 * Whether the database exists yet.  A SQLite file that is not there is
 * an empty database; read-only commands then answer without creating it.
 */
bool rt_context_db_exists(struct rt_context *ctx);
/* Connect to the database; `read_only` commands never create tables. */
int rt_context_connect(struct rt_db **out, struct rt_context *ctx,
                       bool read_only, struct rt_error *err);
/*
 * The version table's rows in database order; empty when the database or
 * the table does not exist.  Never creates anything.
 */
int rt_context_read_rows(struct rt_strvec *rows, struct rt_context *ctx,
                         struct rt_error *err);
/* The version table's name from the settings. */
struct rt_vt_name rt_context_vt(const struct rt_context *ctx);

void rt_context_write(struct rt_context *ctx, const char *text, size_t len);
void rt_context_puts(struct rt_context *ctx, const char *text);
void rt_context_printf(struct rt_context *ctx, const char *fmt, ...)
        RT_PRINTF(2, 3);
/* Log as logger "alembic.runtime.migration" at INFO, when enabled. */
void rt_context_info(struct rt_context *ctx, const char *fmt, ...)
        RT_PRINTF(2, 3);
/* The INFO line of a step: "Running upgrade a -> b, msg". */
void rt_context_log_step(struct rt_context *ctx, const struct rt_step *step);
/* An INFO log line from another logger than alembic.runtime.migration. */
void rt_context_info_from(struct rt_context *ctx, const char *logger,
                          const char *fmt, ...) RT_PRINTF(3, 4);
void rt_context_warn(struct rt_context *ctx, const char *fmt, ...)
        RT_PRINTF(2, 3);

#endif
