/*
 * run.c - upgrade, downgrade and stamp against a live database.
 *
 * The plan (graph/plan.c) is computed first, before anything is written,
 * so a bad target or a broken graph never touches the database.  Then,
 * by default, each step runs in its own transaction together with its
 * version-table change (SQLite's DDL is transactional, so a failed step
 * leaves nothing behind).  The run holds the migration lock (db.h:
 * a PostgreSQL advisory lock; on SQLite each transaction's BEGIN
 * IMMEDIATE) and every transaction re-reads alembic_version: if another
 * process moved the database meanwhile, the plan is made again from
 * what is there, so concurrent `upgrade head` runs apply each revision
 * once.
 * With transaction_per_migration = false the whole run is one
 * transaction.
 */
#include "util/compat.h"
#include "migrate/migrate.h"
#include "migrate/context.h"
#include "retort/commands.h"
#include "script/script.h"
#include "error_raise.h"
#include "util/alloc.h"
#include "util/buf.h"

/*
 * NEEDSWORK(#3): the bodies of Alembic `.py` revisions cannot run yet
 * (only their metadata is read), so a plan that would run one is refused
 * before anything is written; stamp steps run no script and are fine.
 * Steps after a planned failure (fail_after) never run and do not count.
 */
static int refuse_python_steps(const struct rt_plan *plan, struct rt_error *err)
{
	for (size_t i = 0; i < plan->nr; i++) {
		const struct rt_step *step = &plan->steps[i];

		if (plan->fail_after >= 0 && (long)i >= plan->fail_after)
			break;
		if (step->kind == RT_STEP_STAMP || !step->rev ||
		    !step->rev->is_python)
			continue;
		return rt_error_set_at(
		        err, RT_EUNSUPPORTED, step->rev->path, 0,
		        "%s (%s) is an Alembic .py revision; retort cannot "
		        "run .py migrations yet: run it with Alembic, or "
		        "rewrite it as a .sql script, then `retort stamp` to "
		        "record it",
		        step->rev->id, step->rev->path);
	}
	return 0;
}

int rt_migrate_plan(struct rt_plan *plan, struct rt_context *ctx,
                    const struct rt_run_request *req, const char *const *rows,
                    size_t nr_rows, struct rt_error *err)
{
	int ret;

	switch (req->kind) {
	case RT_STEP_UPGRADE:
		ret = rt_plan_upgrade(plan, ctx->map, rows, nr_rows,
		                      req->target, err);
		break;
	case RT_STEP_DOWNGRADE:
		ret = rt_plan_downgrade(plan, ctx->map, rows, nr_rows,
		                        req->target, err);
		break;
	case RT_STEP_STAMP:
		return rt_plan_stamp(plan, ctx->map, rows, nr_rows,
		                     req->targets, req->nr_targets, req->purge,
		                     err);
	default:
		RT_BUG("unknown step kind %d", (int)req->kind);
	}
	return ret < 0 ? ret : refuse_python_steps(plan, err);
}

void rt_migrate_apply_op(struct rt_strvec *rows, const struct rt_vt_op *op)
{
	size_t i;

	if (op->kind == RT_VT_INSERT) {
		rt_strvec_push(rows, op->to);
		return;
	}
	for (i = 0; i < rows->nr; i++)
		if (!strcmp(rows->v[i], op->from))
			break;
	if (i == rows->nr)
		return;
	free((void *)(uintptr_t)rows->v[i]);
	if (op->kind == RT_VT_UPDATE) {
		rows->v[i] = rt_xstrdup(op->to);
		return;
	}
	memmove(&rows->v[i], &rows->v[i + 1],
	        (rows->nr - i) * sizeof(*rows->v)); /* moves the NULL too */
	rows->nr--;
}

int rt_migrate_step_sql(const char **sql, unsigned *line,
                        struct rt_arena *scratch, const struct rt_step *step,
                        struct rt_error *err)
{
	const struct rt_revision *rev = step->rev;
	bool up = step->kind == RT_STEP_UPGRADE;
	int ret;

	*sql = "";
	*line = 0;
	/* .py revisions have no SQL and are refused before they run */
	if (!rev || step->kind == RT_STEP_STAMP || rev->is_python)
		return 0;
	if (!rev->upgrade_sql) {
		ret = rt_script_load_sql(&rev, scratch, rev, err);
		if (ret < 0)
			return ret;
	}
	*line = up ? rev->upgrade_line : rev->downgrade_line;
	*sql = up ? rev->upgrade_sql : rev->downgrade_sql;
	if (!*sql)
		*sql = "";
	return 0;
}

/* "a, b" or "<base>" for messages about where the database stands. */
static void describe_rows(struct rt_buf *out, const struct rt_strvec *rows)
{
	if (!rows->nr) {
		rt_buf_adds(out, "<base> (no revision)");
		return;
	}
	for (size_t i = 0; i < rows->nr; i++)
		rt_buf_addf(out, "%s%s", i ? ", " : "", rows->v[i]);
}

static bool same_rows(const struct rt_strvec *a, const struct rt_strvec *b)
{
	if (a->nr != b->nr)
		return false;
	for (size_t i = 0; i < a->nr; i++)
		if (!rt_strvec_contains(b, a->v[i]))
			return false;
	return true;
}

struct runner {
	struct rt_context *ctx;
	struct rt_db *db;
	struct rt_vt_name vt;
	const struct rt_run_request *req;
	struct rt_plan plan;
	struct rt_strvec rows; /* alembic_version as the next step sees it */
	bool per_step;
};

/*
 * Inside a transaction: make sure the version table exists (emptied for
 * stamp --purge), read it, and plan from what is really there.
 */
static int prepare_locked(struct runner *r, struct rt_error *err)
{
	bool exists = false;
	int ret = rt_vt_exists(&exists, r->db, &r->vt, err);

	if (ret == 0 && !exists)
		ret = rt_vt_create(r->db, &r->vt, err);
	if (ret == 0 && r->req->purge)
		ret = rt_vt_purge(r->db, &r->vt, err);
	rt_strvec_clear(&r->rows);
	if (ret == 0)
		ret = rt_vt_read(&r->rows, r->db, &r->vt, err);
	rt_plan_release(&r->plan);
	if (ret == 0)
		ret = rt_migrate_plan(&r->plan, r->ctx, r->req, r->rows.v,
		                      r->rows.nr, err);
	return ret;
}

/*
 * A `Foreign Keys: off` script on SQLite (a table rebuild): enforcement
 * is switched off around its transaction, which must therefore be its
 * own (PRAGMA foreign_keys does nothing inside one), and the keys are
 * checked before it commits.  See db/foreign_keys.c.
 */
static bool needs_fk_off(const struct runner *r, const struct rt_step *step)
{
	return step->rev && step->rev->foreign_keys_off &&
	       step->kind != RT_STEP_STAMP &&
	       rt_db_dialect(r->db) == RT_DIALECT_SQLITE;
}

/* Switch enforcement off (outside a transaction); *was_on for later. */
static int foreign_keys_off(struct runner *r, bool *was_on,
                            struct rt_error *err)
{
	int ret = rt_db_foreign_keys(was_on, r->db, err);

	if (ret == 0 && *was_on)
		ret = rt_db_set_foreign_keys(r->db, false, err);
	return ret;
}

/* Switch it back on if it was; the first error wins. */
static int foreign_keys_restore(struct runner *r, bool was_on, int ret,
                                struct rt_error *err)
{
	int restored = was_on ? rt_db_set_foreign_keys(r->db, true, err) : 0;

	return ret < 0 ? ret : restored;
}

/* Run one step's SQL and version-table changes (no transaction control). */
static int run_step_body(struct runner *r, const struct rt_step *step,
                         struct rt_error *err)
{
	struct rt_arena scratch = RT_ARENA_INIT;
	const char *sql;
	unsigned line;
	int ret = rt_migrate_step_sql(&sql, &line, &scratch, step, err);

	if (ret == 0 && *sql)
		ret = rt_db_exec_script(r->db, sql, step->rev->path, line, err);
	rt_arena_release(&scratch);
	/* what enforcement would have refused, before anything commits */
	if (ret == 0 && needs_fk_off(r, step))
		ret = rt_db_check_foreign_keys(r->db, err);
	for (size_t i = 0; ret == 0 && i < step->nr_ops; i++)
		ret = rt_vt_apply(r->db, &r->vt, &step->ops[i], err);
	return ret;
}

/* Turn a step's failure into the message the user sees. */
static int step_failed(struct runner *r, const struct rt_step *step,
                       const struct rt_error *cause, const char *what_happened,
                       struct rt_error *err)
{
	struct rt_buf where = RT_BUF_INIT, line = RT_BUF_INIT;
	const char *text;
	int ret;

	rt_step_log_line(&line, step);
	text = line.buf;
	if (rt_starts_with(text, "Running "))
		text += strlen("Running ");
	describe_rows(&where, &r->rows);
	ret = rt_error_set_at(err, cause->code, cause->loc.path,
	                      cause->loc.line,
	                      "%s failed: %s; %s; alembic_version is at %s. "
	                      "Fix the script, then run the command again",
	                      text, cause->message, what_happened, where.buf);
	rt_buf_release(&where);
	rt_buf_release(&line);
	/* Alembic shows a failing statement as a traceback */
	return rt_error_mark_crash(err, ret);
}

/* A `Transactional: false` script: its SQL runs outside a transaction. */
static int run_nontransactional(struct runner *r, const struct rt_step *step,
                                struct rt_error *err)
{
	struct rt_error cause = RT_ERROR_INIT;
	struct rt_arena scratch = RT_ARENA_INIT;
	const char *sql;
	unsigned line;
	/* a script that cannot be read now stops the run before it commits */
	int ret = rt_migrate_step_sql(&sql, &line, &scratch, step, err);

	if (ret == 0 && rt_db_in_transaction(r->db))
		ret = rt_db_commit(r->db, err);
	if (ret == 0 && *sql &&
	    rt_db_exec_script(r->db, sql, step->rev->path, line, &cause) < 0)
		ret = step_failed(r, step, &cause,
		                  "the script is not transactional, so the "
		                  "database may be partly changed: check it "
		                  "by hand before retrying",
		                  err);
	rt_arena_release(&scratch);
	if (ret < 0)
		return ret;
	/*
	 * Record it at once, also in single-transaction mode: its changes
	 * are permanent, so alembic_version must say so even if a later
	 * step fails and rolls the rest back.
	 */
	ret = rt_db_begin(r->db, err);
	for (size_t i = 0; ret == 0 && i < step->nr_ops; i++)
		ret = rt_vt_apply(r->db, &r->vt, &step->ops[i], err);
	if (ret == 0)
		ret = rt_db_commit(r->db, err);
	if (ret == 0 && !r->per_step)
		ret = rt_db_begin(r->db, err);
	return ret;
}

/*
 * Per-step mode: the steps of the current plan, each in its own
 * transaction.  Returns 1 when another process changed alembic_version
 * between two steps (the caller plans again), 0 when done.
 */
static int run_steps_per_step(struct runner *r, struct rt_error *err)
{
	struct rt_strvec seen = RT_STRVEC_INIT;
	int ret = 0;

	for (size_t i = 0; i < r->plan.nr; i++) {
		const struct rt_step *step = &r->plan.steps[i];
		struct rt_error cause = RT_ERROR_INIT;
		bool fk_off = needs_fk_off(r, step), fk_was_on = false;

		if ((long)i == r->plan.fail_after)
			break;
		/* the first step's transaction is open: end it first */
		if (fk_off && i == 0)
			ret = rt_db_commit(r->db, err);
		if (fk_off && ret == 0)
			ret = foreign_keys_off(r, &fk_was_on, err);
		if (ret < 0)
			break;
		if (i > 0 || fk_off) {
			ret = rt_db_begin(r->db, err);
			if (ret == 0)
				ret = rt_vt_read(&seen, r->db, &r->vt, err);
			if (ret == 0 && !same_rows(&seen, &r->rows)) {
				rt_db_rollback(r->db);
				ret = 1;
			}
			rt_strvec_clear(&seen);
			if (ret != 0) {
				ret = foreign_keys_restore(r, fk_was_on, ret,
				                           err);
				break;
			}
		}
		rt_context_log_step(r->ctx, step);
		if (step->rev && !step->rev->transactional &&
		    step->kind != RT_STEP_STAMP) {
			ret = run_nontransactional(r, step, err);
		} else if (run_step_body(r, step, &cause) < 0) {
			rt_db_rollback(r->db);
			ret = step_failed(r, step, &cause,
			                  "its changes were rolled back", err);
		} else {
			ret = rt_db_commit(r->db, err);
		}
		ret = foreign_keys_restore(r, fk_was_on, ret, err);
		if (ret < 0)
			break;
		for (size_t k = 0; k < step->nr_ops; k++)
			rt_migrate_apply_op(&r->rows, &step->ops[k]);
	}
	rt_strvec_clear(&seen);
	return ret;
}

static int run_per_step(struct runner *r, struct rt_error *err)
{
	int ret;

	do {
		ret = rt_db_begin(r->db, err);
		if (ret == 0)
			ret = prepare_locked(r, err);
		if (ret < 0) {
			rt_db_rollback(r->db);
			return ret;
		}
		if (!r->plan.nr)
			return rt_db_commit(r->db, err);
		ret = run_steps_per_step(r, err);
	} while (ret == 1);
	return ret;
}

static void copy_rows(struct rt_strvec *to, const struct rt_strvec *from)
{
	rt_strvec_clear(to);
	for (size_t i = 0; i < from->nr; i++)
		rt_strvec_push(to, from->v[i]);
}

/* transaction_per_migration = false: everything or nothing. */
static int run_single_transaction(struct runner *r, struct rt_error *err)
{
	struct rt_strvec start = RT_STRVEC_INIT;
	/* a step that needed its own transaction committed the run so far */
	bool committed = false;
	int ret = rt_db_begin(r->db, err);

	if (ret == 0)
		ret = prepare_locked(r, err);
	copy_rows(&start, &r->rows);
	for (size_t i = 0; ret == 0 && i < r->plan.nr; i++) {
		const struct rt_step *step = &r->plan.steps[i];
		struct rt_error cause = RT_ERROR_INIT;
		bool fk_off = needs_fk_off(r, step), fk_was_on = false;

		if ((long)i == r->plan.fail_after)
			break;
		if (fk_off) {
			ret = rt_db_commit(r->db, err);
			committed = true;
			copy_rows(&start, &r->rows);
			if (ret == 0)
				ret = foreign_keys_off(r, &fk_was_on, err);
			if (ret == 0)
				ret = rt_db_begin(r->db, err);
			if (ret < 0) {
				ret = foreign_keys_restore(r, fk_was_on, ret,
				                           err);
				break;
			}
		}
		rt_context_log_step(r->ctx, step);
		if (step->rev && !step->rev->transactional &&
		    step->kind != RT_STEP_STAMP) {
			ret = run_nontransactional(r, step, err);
			committed = true;
		} else if (run_step_body(r, step, &cause) < 0) {
			rt_db_rollback(r->db);
			copy_rows(&r->rows, &start);
			ret = step_failed(
			        r, step, &cause,
			        committed ? "the run was rolled back to "
			                    "the last revision that had "
			                    "to commit on its own "
			                    "(Transactional: false or "
			                    "Foreign Keys: off)" :
			                    "the whole run was rolled back "
			                    "(transaction_per_migration = "
			                    "false)",
			        err);
		}
		for (size_t k = 0; ret == 0 && k < step->nr_ops; k++)
			rt_migrate_apply_op(&r->rows, &step->ops[k]);
		if (fk_off) {
			/* commit it alone, then go on in a new transaction */
			if (ret == 0)
				ret = rt_db_commit(r->db, err);
			ret = foreign_keys_restore(r, fk_was_on, ret, err);
			if (ret == 0)
				ret = rt_db_begin(r->db, err);
		}
		/* a failure later rolls back to here, not further */
		if (ret == 0 &&
		    (fk_off || (step->rev && !step->rev->transactional &&
		                step->kind != RT_STEP_STAMP)))
			copy_rows(&start, &r->rows);
	}
	if (ret == 0)
		ret = rt_db_commit(r->db, err);
	else
		rt_db_rollback(r->db);
	rt_strvec_clear(&start);
	return ret;
}

/* `rows`: the version table as read before anything was written. */
static int run_online(struct rt_context *ctx, const struct rt_run_request *req,
                      const struct rt_strvec *rows, struct rt_error *err)
{
	struct runner r = { 0 };
	struct rt_plan plan = RT_PLAN_INIT;
	int ret;

	/*
	 * Plan once from what the database holds now, without writing: a
	 * bad target fails here and the database stays untouched.
	 */
	ret = rt_migrate_plan(&plan, ctx, req, rows->v, rows->nr, err);
	for (size_t i = 0; ret == 0 && i < plan.warnings.nr; i++)
		rt_context_warn(ctx, "%s", plan.warnings.v[i]);
	rt_plan_release(&plan);
	if (ret < 0)
		return ret;

	r.ctx = ctx;
	r.req = req;
	r.vt = rt_context_vt(ctx);
	r.per_step = ctx->settings.transaction_per_migration;
	r.plan = (struct rt_plan)RT_PLAN_INIT;
	rt_strvec_init(&r.rows);
	ret = rt_context_connect(&r.db, ctx, false, err);
	if (ret == 0) {
		rt_context_info(ctx, "Context impl %s.",
		                rt_db_dialect(r.db) == RT_DIALECT_SQLITE ?
		                        "SQLiteImpl" :
		                        "PostgresqlImpl");
		rt_context_info(ctx, "Will assume transactional DDL.");
		ret = rt_db_lock_migrations(r.db, &r.vt, err);
	}
	if (ret == 0) {
		ret = r.per_step ? run_per_step(&r, err) :
		                   run_single_transaction(&r, err);
		rt_db_unlock_migrations(r.db);
	}
	if (ret == 0 && r.plan.fail_after >= 0)
		ret = rt_error_copy(err, &r.plan.failure);
	rt_plan_release(&r.plan);
	rt_strvec_clear(&r.rows);
	rt_db_close(r.db);
	return ret;
}

/*
 * Errors Alembic raises from the target text alone, before it reads the
 * scripts (so they win over a broken graph): `upgrade -N`, `downgrade +N`,
 * `downgrade -N` with nothing applied.
 */
static int precheck(const struct rt_run_request *req, bool sql, size_t nr_rows,
                    struct rt_error *err)
{
	if (req->kind == RT_STEP_STAMP || (sql && strchr(req->target, ':')) ||
	    (sql && req->kind == RT_STEP_DOWNGRADE))
		return 0;
	return rt_plan_precheck(req->kind, req->target, nr_rows, err);
}
/*
 * `stamp --purge` empties the version table before it looks at the
 * targets, as Alembic does, so the purge happens even when a target then
 * turns out to be wrong.  Used after such a failure; its own errors are
 * ignored (the first error is the one to report).
 */
static void purge_anyway(struct rt_context *ctx)
{
	struct rt_vt_name vt = rt_context_vt(ctx);
	struct rt_db *db = NULL;
	bool exists = false;

	if (rt_context_connect(&db, ctx, false, NULL) < 0)
		return;
	if (rt_db_lock_migrations(db, &vt, NULL) == 0 &&
	    rt_db_begin(db, NULL) == 0 &&
	    rt_vt_exists(&exists, db, &vt, NULL) == 0 &&
	    (exists || rt_vt_create(db, &vt, NULL) == 0) &&
	    rt_vt_purge(db, &vt, NULL) == 0)
		rt_db_commit(db, NULL);
	rt_db_rollback(db);
	rt_db_close(db);
}

static int run(struct rt_context *ctx, const struct rt_run_request *req,
               bool sql, struct rt_error *err)
{
	struct rt_strvec rows = RT_STRVEC_INIT;
	int ret = 0;

	/* offline runs never connect: their start comes from the range */
	if (!sql)
		ret = rt_context_read_rows(&rows, ctx, err);
	if (ret == 0)
		ret = precheck(req, sql, rows.nr, err);
	/* each step reads its script's SQL just before it runs */
	if (ret == 0)
		ret = rt_context_load_project(ctx, err);
	if (ret == 0)
		ret = sql ? rt_offline_run(ctx, req, err) :
		            run_online(ctx, req, &rows, err);
	if (ret < 0 && req->purge && !sql)
		purge_anyway(ctx);
	rt_strvec_clear(&rows);
	return ret;
}

int rt_upgrade(struct rt_context *ctx, const char *target,
               const struct rt_run_options *opts, struct rt_error *err)
{
	struct rt_run_request req = { RT_STEP_UPGRADE, target, NULL, 0, false };
	bool sql = opts && opts->sql;

	if (!sql && strchr(target, ':'))
		return rt_error_set(err, RT_EUSAGE,
		                    "Range revision not allowed");
	return run(ctx, &req, sql, err);
}

int rt_downgrade(struct rt_context *ctx, const char *target,
                 const struct rt_run_options *opts, struct rt_error *err)
{
	struct rt_run_request req = { RT_STEP_DOWNGRADE, target, NULL, 0,
		                      false };
	bool sql = opts && opts->sql;

	if (!sql && strchr(target, ':'))
		return rt_error_set(err, RT_EUSAGE,
		                    "Range revision not allowed");
	return run(ctx, &req, sql, err);
}

int rt_stamp(struct rt_context *ctx, const char *const *targets,
             size_t nr_targets, const struct rt_run_options *opts,
             struct rt_error *err)
{
	struct rt_run_request req = { RT_STEP_STAMP, NULL, targets, nr_targets,
		                      opts && opts->purge };

	return run(ctx, &req, opts && opts->sql, err);
}
