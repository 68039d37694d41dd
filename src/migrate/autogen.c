/*
 * autogen.c - `revision --autogenerate` and `check`: the database at head
 * compared with the desired schema (`target_schema` in the ini).
 *
 * Both read the database's catalog (schema/inspect.h) and the desired
 * schema's, loaded into a scratch database of the same dialect
 * (schema/target.h), and diff them (schema/diff.h).  `revision
 * --autogenerate` writes the changes as a revision: its upgrade is the
 * SQL of diff(database, desired), its downgrade that of diff(desired,
 * database) (schema/render.h).  `check` only reports them.  Neither
 * changes the database: the PostgreSQL scratch schema lives in a
 * transaction that is rolled back.
 */
#include "util/compat.h"
#include "migrate/autogen.h"
#include "migrate/context.h"
#include "retort/commands.h"
#include "error_raise.h"
#include "graph/revmap.h"
#include "schema/diff.h"
#include "schema/inspect.h"
#include "schema/render.h"
#include "schema/target.h"
#include "util/alloc.h"
#include "util/fs.h"

void rt_comparison_release(struct rt_comparison *c)
{
	rt_changes_release(&c->upgrade);
	rt_changes_release(&c->downgrade);
	rt_catalog_release(&c->database);
	rt_catalog_release(&c->desired);
}

/*
 * Alembic's precondition: the revisions the database records are
 * exactly the heads of the scripts (compared as sets).
 */
static int check_up_to_date(struct rt_context *ctx, struct rt_db *db,
                            struct rt_error *err)
{
	struct rt_vt_name vt = rt_context_vt(ctx);
	struct rt_strvec rows = RT_STRVEC_INIT;
	struct rt_revlist heads = RT_REVLIST_INIT;
	bool exists = false, same;
	int ret = rt_vt_exists(&exists, db, &vt, err);

	if (ret == 0 && exists)
		ret = rt_vt_read(&rows, db, &vt, err);
	if (ret < 0)
		goto out;
	rt_revmap_heads(&heads, ctx->map, false);
	same = heads.nr == rows.nr;
	for (size_t i = 0; same && i < heads.nr; i++)
		same = rt_strvec_contains(&rows, heads.items[i]->id);
	if (!same)
		ret = rt_error_set(err, RT_EGRAPH,
		                   "Target database is not up to date.");
out:
	rt_revlist_release(&heads);
	rt_strvec_clear(&rows);
	return ret;
}

static int target_path(char **out, struct rt_context *ctx, struct rt_error *err)
{
	const char *path = ctx->settings.target_schema;

	*out = NULL;
	if (!path || !*path)
		return rt_error_set(err, RT_ECONFIG,
		                    "no target_schema in the [%s] section of "
		                    "%s: set it to the .sql file (or folder of "
		                    ".sql files) that holds the CREATE "
		                    "statements the database should have",
		                    ctx->settings.section,
		                    ctx->settings.config_path);
	*out = rt_path_absolute(path);
	return 0;
}

int rt_compare_schema(struct rt_comparison *c, struct rt_context *ctx,
                      struct rt_error *err)
{
	struct rt_vt_name vt = rt_context_vt(ctx);
	const char *exclude[] = { vt.table, NULL };
	struct rt_db *db = NULL;
	char *path = NULL;
	int ret;

	memset(c, 0, sizeof(*c));
	ret = target_path(&path, ctx, err);
	if (ret == 0)
		ret = rt_context_load_project(ctx, err);
	/* not read-only: the PostgreSQL scratch schema is created (and
	   rolled back) on this connection */
	if (ret == 0)
		ret = rt_context_connect(&db, ctx, false, err);
	if (ret == 0)
		ret = check_up_to_date(ctx, db, err);
	if (ret < 0)
		goto out;
	rt_catalog_init(&c->database, rt_db_dialect(db));
	rt_catalog_init(&c->desired, rt_db_dialect(db));
	/* the version table may live in another schema: leave it out
	   only where it is */
	ret = rt_schema_inspect(&c->database, db, NULL,
	                        vt.schema ? NULL : exclude, err);
	if (ret == 0)
		ret = rt_schema_load_target_cached(&c->desired, db, path,
		                                   ctx->cache_dir, err);
	/* a dump of the database may hold the version table: not ours */
	if (ret == 0)
		rt_catalog_remove_table(&c->desired, vt.table);
	if (ret == 0)
		ret = rt_schema_diff(&c->upgrade, &c->database, &c->desired,
		                     err);
	if (ret == 0)
		ret = rt_schema_diff(&c->downgrade, &c->desired, &c->database,
		                     err);
out:
	rt_db_close(db);
	free(path);
	return ret;
}

/*
 * A real difference, not an object dropped and re-created only because
 * something it depends on changes (a view over a changed table).
 */
static bool is_difference(const struct rt_change *change)
{
	return !change->depends_on;
}

static size_t count_differences(const struct rt_changes *ch)
{
	size_t n = 0;

	for (size_t i = 0; i < ch->nr; i++)
		n += is_difference(&ch->items[i]);
	return n;
}

/* The "Detected ..." log lines Alembic prints while it compares. */
static void log_changes(struct rt_context *ctx, const struct rt_changes *ch)
{
	struct rt_buf line = RT_BUF_INIT;

	for (size_t i = 0; i < ch->nr; i++) {
		if (!is_difference(&ch->items[i]))
			continue;
		rt_buf_reset(&line);
		rt_change_describe(&line, &ch->items[i]);
		rt_context_info_from(ctx, "alembic.autogenerate.compare",
		                     "Detected %s", line.buf);
	}
	rt_buf_release(&line);
}

int rt_autogenerate(struct rt_autogenerated *out, struct rt_context *ctx,
                    struct rt_error *err)
{
	struct rt_comparison c;
	bool up_fk_off = false, down_fk_off = false;
	int ret;

	memset(out, 0, sizeof(*out));
	rt_buf_init(&out->upgrade_sql);
	rt_buf_init(&out->downgrade_sql);
	ret = rt_compare_schema(&c, ctx, err);
	if (ret == 0) {
		log_changes(ctx, &c.upgrade);
		if (!c.upgrade.nr)
			rt_context_info_from(ctx,
			                     "alembic.autogenerate.compare",
			                     "No changes in schema detected.");
		ret = rt_schema_render(&out->upgrade_sql, &up_fk_off,
		                       &c.upgrade, &c.database, &c.desired,
		                       err);
	}
	if (ret == 0)
		ret = rt_schema_render(&out->downgrade_sql, &down_fk_off,
		                       &c.downgrade, &c.desired, &c.database,
		                       err);
	/* one header serves both directions */
	out->foreign_keys_off = up_fk_off || down_fk_off;
	out->nr_changes = count_differences(&c.upgrade);
	rt_comparison_release(&c);
	return ret;
}

void rt_autogenerated_release(struct rt_autogenerated *a)
{
	rt_buf_release(&a->upgrade_sql);
	rt_buf_release(&a->downgrade_sql);
}

int rt_check(struct rt_context *ctx, struct rt_error *err)
{
	struct rt_comparison c;
	struct rt_buf line = RT_BUF_INIT;
	int ret = rt_compare_schema(&c, ctx, err);
	size_t n = ret == 0 ? count_differences(&c.upgrade) : 0;

	if (ret == 0 && !n)
		rt_context_puts(ctx, "No new upgrade operations detected.\n");
	for (size_t i = 0; ret == 0 && i < c.upgrade.nr; i++) {
		if (!is_difference(&c.upgrade.items[i]))
			continue;
		rt_buf_reset(&line);
		rt_change_describe(&line, &c.upgrade.items[i]);
		rt_context_printf(ctx, "%s\n", line.buf);
	}
	if (ret == 0 && n)
		ret = rt_error_set(err, RT_ERROR,
		                   "New upgrade operations detected: the "
		                   "database at head differs from "
		                   "target_schema in %zu way%s (listed above); "
		                   "write a migration with 'revision "
		                   "--autogenerate -m MESSAGE'",
		                   n, n == 1 ? "" : "s");
	rt_buf_release(&line);
	rt_comparison_release(&c);
	return ret;
}
