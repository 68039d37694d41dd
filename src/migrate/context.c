/*
 * context.c - opening a configuration and loading the project behind it.
 * The commands themselves live in run.c (upgrade, downgrade, stamp),
 * offline.c (--sql), inspect.c (current, history, heads, ...) and
 * authoring.c (revision, merge, init).
 */
#include "util/compat.h"
#include "migrate/context.h"
#include "graph/plan.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fs.h"
#include "error_raise.h"
#include "graph/revmap.h"
#include "script/header_cache.h"
#include "script/script.h"

int rt_context_open(struct rt_context **out,
                    const struct rt_context_options *opts, struct rt_error *err)
{
	struct rt_context *ctx = rt_xcalloc(1, sizeof(*ctx));
	struct rt_settings_input in = { 0 };
	struct rt_url url_init = RT_URL_INIT;
	int ret;

	*out = NULL;
	ctx->url = url_init;
	ctx->out = opts->out;
	ctx->out_baton = opts->out_baton;
	ctx->log = opts->log;
	ctx->log_baton = opts->log_baton;
	ctx->lock_timeout = opts->lock_timeout;
	ctx->cache_dir = opts->cache_dir ? rt_xstrdup(opts->cache_dir) : NULL;
	in.config_path = opts->config_path;
	in.section = opts->section;
	in.x_args = opts->x_args;
	in.database_url = opts->database_url;
	ret = rt_settings_load(&ctx->settings, &in, err);
	if (ret < 0) {
		rt_context_free(ctx);
		return ret;
	}
	if (ctx->settings.url)
		ctx->url_redacted = rt_url_redact(ctx->settings.url);
	*out = ctx;
	return 0;
}

void rt_context_free(struct rt_context *ctx)
{
	if (!ctx)
		return;
	rt_revmap_free(ctx->map);
	rt_arena_release(&ctx->arena);
	rt_strvec_clear(&ctx->version_dirs);
	free(ctx->script_dir);
	free(ctx->cache_dir);
	rt_url_release(&ctx->url);
	free(ctx->url_redacted);
	rt_settings_release(&ctx->settings);
	free(ctx);
}

const char *rt_context_url_redacted(const struct rt_context *ctx)
{
	return ctx->url_redacted;
}

/* Forget a loaded project, so that it can be loaded again. */
static void unload_project(struct rt_context *ctx)
{
	rt_revmap_free(ctx->map);
	ctx->map = NULL;
	ctx->revs = NULL;
	ctx->nr_revs = 0;
	rt_arena_release(&ctx->arena);
	rt_strvec_clear(&ctx->version_dirs);
	RT_FREE_AND_NULL(ctx->script_dir);
	ctx->project_loaded = false;
}

int rt_context_load_project(struct rt_context *ctx, struct rt_error *err)
{
	int ret;

	if (ctx->project_loaded)
		return 0;
	unload_project(ctx);
	ctx->script_dir = rt_path_absolute(ctx->settings.script_location);
	if (!rt_fs_is_dir(ctx->script_dir))
		return rt_error_set(err, RT_ECONFIG,
		                    "Path doesn't exist: '%s'.  Please use the "
		                    "'init' command to create a new scripts "
		                    "folder.",
		                    ctx->script_dir);
	for (size_t i = 0; i < ctx->settings.version_locations.nr; i++) {
		char *abs =
		        rt_path_absolute(ctx->settings.version_locations.v[i]);
		if (rt_fs_exists(abs) && !rt_fs_is_dir(abs)) {
			ret = rt_error_set_at(err, RT_EIO, abs, 0,
			                      "cannot read versions folder "
			                      "'%s': it is not a directory; "
			                      "check script_location and "
			                      "version_locations",
			                      abs);
			free(abs);
			return ret;
		}
		rt_strvec_push_nodup(&ctx->version_dirs, abs);
	}
	{
		/* headers only: a cache can stand for the files */
		struct rt_scan_cache_opts cache = { 0 };
		char *path = ctx->cache_dir ?
		                     rt_header_cache_path(ctx->cache_dir,
		                                          &ctx->version_dirs) :
		                     NULL;

		cache.path = path;
		cache.min_scripts = RT_SCAN_CACHE_MIN_SCRIPTS;
		ret = rt_scan_headers_cached(&ctx->revs, &ctx->nr_revs,
		                             &ctx->arena, &ctx->version_dirs,
		                             path ? &cache : NULL, err);
		free(path);
	}
	if (ret < 0)
		return ret;
	ret = rt_revmap_build(&ctx->map, ctx->revs, ctx->nr_revs, err);
	if (ret < 0)
		return ret;
	ctx->project_loaded = true;
	return 0;
}

int rt_context_url(const struct rt_url **out, struct rt_context *ctx,
                   struct rt_error *err)
{
	int ret;

	if (!ctx->url_parsed) {
		if (!ctx->settings.url || !*ctx->settings.url)
			return rt_error_set(
			        err, RT_ECONFIG,
			        "no database URL configured: set "
			        "sqlalchemy.url in the [%s] section of %s, "
			        "DATABASE_URL, or pass -x url=...",
			        ctx->settings.section,
			        ctx->settings.config_path);
		ret = rt_url_parse(&ctx->url, ctx->settings.url, err);
		if (ret < 0) {
			/* a later call parses again: drop the partial parts */
			rt_url_release(&ctx->url);
			return ret;
		}
		ctx->url_parsed = true;
	}
	*out = &ctx->url;
	return 0;
}

bool rt_context_db_exists(struct rt_context *ctx)
{
	const struct rt_url *url = NULL;

	if (rt_context_url(&url, ctx, NULL) < 0)
		return true; /* let the connection report the problem */
	if (url->dialect != RT_DIALECT_SQLITE || url->sqlite_memory ||
	    !url->database)
		return true;
	return rt_fs_exists(url->database);
}

/* [logger_sqlalchemy] level = INFO: log each statement, as SQLAlchemy. */
static void echo_sql(void *baton, const char *sql)
{
	struct rt_context *ctx = baton;

	if (ctx->log)
		ctx->log(ctx->log_baton, RT_LOG_INFO,
		         "sqlalchemy.engine.Engine", sql);
}

/*
 * A wait for another process's lock is always shown (not only with
 * INFO logging on): a deploy that seems to hang must say why.
 */
static void report_lock_wait(void *baton, const char *message)
{
	struct rt_context *ctx = baton;

	if (ctx->log)
		ctx->log(ctx->log_baton, RT_LOG_INFO, "retort.lock", message);
}

int rt_context_connect(struct rt_db **out, struct rt_context *ctx,
                       bool read_only, struct rt_error *err)
{
	struct rt_db_options opts = { 0 };
	const struct rt_url *url = NULL;
	int ret = rt_context_url(&url, ctx, err);

	if (ret < 0)
		return ret;
	opts.read_only = read_only;
	if (ctx->lock_timeout >= 0)
		opts.lock_timeout_ms =
		        ctx->lock_timeout * 1000 < 1 ?
		                1 :
		                (unsigned)(ctx->lock_timeout * 1000);
	opts.lock_wait = report_lock_wait;
	opts.lock_wait_baton = ctx;
	opts.search_path = ctx->settings.search_path;
	if (ctx->settings.log_sql) {
		opts.echo = echo_sql;
		opts.echo_baton = ctx;
	}
	return rt_db_open(out, url, &opts, err);
}

struct rt_vt_name rt_context_vt(const struct rt_context *ctx)
{
	struct rt_vt_name vt;

	vt.schema = ctx->settings.version_table_schema;
	vt.table = ctx->settings.version_table;
	return vt;
}

int rt_context_read_rows(struct rt_strvec *rows, struct rt_context *ctx,
                         struct rt_error *err)
{
	struct rt_vt_name vt = rt_context_vt(ctx);
	struct rt_db *db = NULL;
	bool exists = false;
	int ret;

	if (!rt_context_db_exists(ctx))
		return 0;
	ret = rt_context_connect(&db, ctx, true, err);
	if (ret < 0)
		goto out;
	ret = rt_vt_exists(&exists, db, &vt, err);
	if (ret < 0 || !exists)
		goto out;
	ret = rt_vt_read(rows, db, &vt, err);
out:
	rt_db_close(db);
	return ret;
}

void rt_context_write(struct rt_context *ctx, const char *text, size_t len)
{
	if (ctx->out && len)
		ctx->out(ctx->out_baton, text, len);
}

void rt_context_puts(struct rt_context *ctx, const char *text)
{
	rt_context_write(ctx, text, strlen(text));
}

void rt_context_printf(struct rt_context *ctx, const char *fmt, ...)
{
	struct rt_buf sb = RT_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	rt_buf_vaddf(&sb, fmt, ap);
	va_end(ap);
	rt_context_write(ctx, sb.buf, sb.len);
	rt_buf_release(&sb);
}

RT_PRINTF(4, 0)
static void vlog(struct rt_context *ctx, enum rt_log_level level,
                 const char *logger, const char *fmt, va_list ap)
{
	struct rt_buf sb = RT_BUF_INIT;

	if (!ctx->log)
		return;
	rt_buf_vaddf(&sb, fmt, ap);
	ctx->log(ctx->log_baton, level, logger, sb.buf);
	rt_buf_release(&sb);
}

void rt_context_info(struct rt_context *ctx, const char *fmt, ...)
{
	va_list ap;

	if (!ctx->settings.log_info)
		return;
	va_start(ap, fmt);
	vlog(ctx, RT_LOG_INFO, "alembic.runtime.migration", fmt, ap);
	va_end(ap);
}

void rt_context_log_step(struct rt_context *ctx, const struct rt_step *step)
{
	struct rt_buf line = RT_BUF_INIT;

	if (!ctx->settings.log_info)
		return;
	rt_step_log_line(&line, step);
	rt_context_info(ctx, "%s", line.buf);
	rt_buf_release(&line);
}

void rt_context_info_from(struct rt_context *ctx, const char *logger,
                          const char *fmt, ...)
{
	va_list ap;

	if (!ctx->settings.log_info)
		return;
	va_start(ap, fmt);
	vlog(ctx, RT_LOG_INFO, logger, fmt, ap);
	va_end(ap);
}

void rt_context_warn(struct rt_context *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(ctx, RT_LOG_WARNING, "retort", fmt, ap);
	va_end(ap);
}
