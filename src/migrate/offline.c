/*
 * offline.c - `upgrade/downgrade/stamp --sql`: print the SQL a run would
 * execute instead of running it, exactly as Alembic's offline mode does
 * (alembic.md §9): no connection, the starting revision taken from the
 * range `start:end`, the version table created when nothing is recorded
 * yet and dropped when nothing is recorded at the end, BEGIN/COMMIT only
 * for PostgreSQL.
 */
#include "util/compat.h"
#include "migrate/migrate.h"
#include "migrate/context.h"
#include "migrate/sqlsplit.h"
#include "error_raise.h"
#include "graph/revmap.h"
#include "util/alloc.h"
#include "util/buf.h"

/* Write one statement: tabs as four spaces, trimmed, ";\n\n". */
static void emit_statement(struct rt_context *ctx, const char *sql)
{
	struct rt_buf sb = RT_BUF_INIT;

	for (const char *p = sql; *p; p++) {
		if (*p == '\t')
			rt_buf_adds(&sb, "    ");
		else
			rt_buf_addch(&sb, *p);
	}
	rt_buf_trim(&sb);
	rt_buf_adds(&sb, ";\n\n");
	rt_context_write(ctx, sb.buf, sb.len);
	rt_buf_release(&sb);
}

static void emit_rendered(struct rt_context *ctx, struct rt_buf *sb)
{
	emit_statement(ctx, sb->buf);
	rt_buf_reset(sb);
}

static int emit_step(struct rt_context *ctx, enum rt_dialect dialect,
                     const struct rt_vt_name *vt, const struct rt_step *step,
                     struct rt_strvec *rows, struct rt_error *err)
{
	struct rt_buf sb = RT_BUF_INIT;
	struct rt_strvec stmts = RT_STRVEC_INIT;
	struct rt_arena scratch = RT_ARENA_INIT;
	const char *sql;
	bool non_transactional = dialect == RT_DIALECT_POSTGRESQL &&
	                         step->rev && !step->rev->transactional &&
	                         step->kind != RT_STEP_STAMP;
	bool fk_off = dialect == RT_DIALECT_SQLITE && step->rev &&
	              step->rev->foreign_keys_off &&
	              step->kind != RT_STEP_STAMP;
	unsigned line;
	int ret = rt_migrate_step_sql(&sql, &line, &scratch, step, err);

	if (ret < 0)
		return ret;
	if (!rows->nr) {
		rt_vt_render_create(&sb, dialect, vt);
		emit_rendered(ctx, &sb);
	}
	rt_context_log_step(ctx, step);
	rt_buf_addf(&sb, "-- %s\n\n", step->short_line);
	rt_context_write(ctx, sb.buf, sb.len);
	rt_buf_reset(&sb);
	rt_sql_split(&stmts, sql, dialect == RT_DIALECT_POSTGRESQL);
	rt_arena_release(&scratch);
	/*
	 * A `Transactional: false` script must run outside the script's
	 * transaction (CREATE INDEX CONCURRENTLY refuses to run inside
	 * one): end it before and open the next after, as Alembic's
	 * autocommit_block() does offline.  SQLite scripts have no
	 * BEGIN/COMMIT to break.
	 */
	if (non_transactional && stmts.nr)
		rt_context_puts(ctx, "COMMIT;\n\n");
	/*
	 * A `Foreign Keys: off` script (a table rebuild) must not run with
	 * enforcement on, or dropping the old table fires ON DELETE actions
	 * in others; offline SQLite output has no transaction for the
	 * PRAGMA to be lost in.  Whether to switch enforcement back on is
	 * the reader's call: retort cannot know how the connection began.
	 */
	if (fk_off)
		rt_context_puts(ctx,
		                "-- retort: foreign keys stay off for this "
		                "revision's table rebuild\n"
		                "PRAGMA foreign_keys=OFF;\n\n");
	for (size_t i = 0; i < stmts.nr; i++)
		emit_statement(ctx, stmts.v[i]);
	if (fk_off)
		rt_context_puts(ctx, "-- retort: any row this prints breaks "
		                     "a foreign key\n"
		                     "PRAGMA foreign_key_check;\n\n");
	if (non_transactional && stmts.nr)
		rt_context_puts(ctx, "BEGIN;\n\n");
	for (size_t i = 0; i < step->nr_ops; i++) {
		rt_vt_render_op(&sb, dialect, vt, &step->ops[i]);
		emit_rendered(ctx, &sb);
		rt_migrate_apply_op(rows, &step->ops[i]);
	}
	rt_strvec_clear(&stmts);
	rt_buf_release(&sb);
	return 0;
}

/* Resolve the start of a range to the revisions assumed recorded. */
static int resolve_start(struct rt_strvec *rows, struct rt_context *ctx,
                         const char *start, struct rt_error *err)
{
	const struct rt_revision *rev = NULL;
	int ret;

	if (!*start)
		return 0;
	/* the start is one revision (Alembic's get_revision) */
	ret = rt_revmap_resolve_one(&rev, ctx->map, start, err);
	if (ret == 0 && rev)
		rt_strvec_push(rows, rev->id);
	return ret;
}

/* Split "start:end" into its parts; no colon leaves *start NULL. */
static void split_range(char **start, const char **end, const char *arg)
{
	const char *colon = strchr(arg, ':');

	*start = NULL;
	*end = arg;
	if (colon) {
		*start = rt_xstrndup(arg, (size_t)(colon - arg));
		*end = colon + 1;
	}
}

/*
 * Work out the starting rows and the plain targets of an offline run,
 * with Alembic's checks on the range forms.
 */
static int offline_targets(struct rt_strvec *rows, struct rt_strvec *targets,
                           struct rt_context *ctx,
                           const struct rt_run_request *req,
                           struct rt_error *err)
{
	char *start = NULL, *first_start = NULL;
	const char *end;
	size_t nr = req->kind == RT_STEP_STAMP ? req->nr_targets : 1;
	int ret = 0;

	for (size_t i = 0; i < nr; i++) {
		const char *arg = req->kind == RT_STEP_STAMP ? req->targets[i] :
		                                               req->target;
		split_range(&start, &end, arg);
		if (req->kind == RT_STEP_DOWNGRADE && !start)
			ret = rt_error_set(err, RT_EUSAGE,
			                   "downgrade with --sql requires "
			                   "<fromrev>:<torev>");
		else if (i > 0 &&
		         (start ? !first_start || strcmp(start, first_start) :
		                  first_start != NULL))
			ret = rt_error_set(
			        err, RT_EUSAGE,
			        "Stamp operation with --sql only "
			        "supports a single starting revision "
			        "at a time");
		rt_strvec_push(targets, end);
		if (i == 0)
			first_start = start;
		else
			free(start);
		start = NULL;
		if (ret < 0)
			break;
	}
	if (ret == 0 && first_start)
		ret = resolve_start(rows, ctx, first_start, err);
	free(first_start);
	return ret;
}

int rt_offline_run(struct rt_context *ctx, const struct rt_run_request *req,
                   struct rt_error *err)
{
	struct rt_strvec rows = RT_STRVEC_INIT;
	struct rt_strvec targets = RT_STRVEC_INIT;
	struct rt_plan plan = RT_PLAN_INIT;
	struct rt_run_request plain = *req;
	struct rt_vt_name vt = rt_context_vt(ctx);
	const struct rt_url *url;
	struct rt_buf sb = RT_BUF_INIT;
	bool pg;
	int ret = rt_context_url(&url, ctx, err);

	if (ret < 0)
		return ret;
	pg = url->dialect == RT_DIALECT_POSTGRESQL;
	/* a bad range fails before the environment would start: no BEGIN */
	ret = offline_targets(&rows, &targets, ctx, req, err);
	if (ret < 0)
		goto out;
	rt_context_info(ctx, "Context impl %s.",
	                pg ? "PostgresqlImpl" : "SQLiteImpl");
	rt_context_info(ctx, "Generating static SQL");
	rt_context_info(ctx, "Will assume %s DDL.",
	                pg ? "transactional" : "non-transactional");
	if (pg)
		rt_context_puts(ctx, "BEGIN;\n\n");
	/* Alembic finds this inside the environment, after its BEGIN */
	if (req->purge) {
		ret = rt_error_set(err, RT_EUSAGE,
		                   "Can't use --purge with --sql mode");
		goto out;
	}
	plain.target = targets.v[0];
	plain.targets = targets.v;
	ret = rt_migrate_plan(&plan, ctx, &plain, rows.v, rows.nr, err);
	if (ret < 0)
		goto out;
	for (size_t i = 0; i < plan.warnings.nr; i++)
		rt_context_warn(ctx, "%s", plan.warnings.v[i]);
	for (size_t i = 0; i < plan.nr; i++) {
		if ((long)i == plan.fail_after)
			break;
		ret = emit_step(ctx, url->dialect, &vt, &plan.steps[i], &rows,
		                err);
		if (ret < 0)
			goto out;
	}
	if (plan.fail_after >= 0) {
		ret = rt_error_copy(err, &plan.failure);
		goto out;
	}
	if (!rows.nr) {
		rt_vt_render_drop(&sb, url->dialect, &vt);
		emit_rendered(ctx, &sb);
	}
	if (pg)
		rt_context_puts(ctx, "COMMIT;\n\n");
out:
	rt_buf_release(&sb);
	rt_plan_release(&plan);
	rt_strvec_clear(&targets);
	rt_strvec_clear(&rows);
	return ret;
}
