/*
 * inspect.c - the read-only commands: current, history, heads, branches,
 * show.  They read the graph (and, for current and `history -i`, the
 * version table without creating it) and print Alembic's text through
 * report/format.c.
 */
#include "util/compat.h"
#include "migrate/context.h"
#include "retort/commands.h"
#include "error_raise.h"
#include "graph/revmap.h"
#include "report/format.h"
#include "util/alloc.h"

/*
 * The revisions are printed through `out` and written in large pieces:
 * the CLI flushes every write, and a history of 10,000 revisions written
 * a line at a time costs 10,000 system calls.
 */
#define WRITE_AT 65536

static void flush_out(struct rt_context *ctx, struct rt_buf *out)
{
	rt_context_write(ctx, out->buf, out->len);
	rt_buf_release(out);
}

/* Print one revision followed by a newline (Alembic's print_stdout). */
static void print_rev(struct rt_buf *out, struct rt_context *ctx,
                      const struct rt_revision *rev, bool verbose,
                      unsigned flags)
{
	rt_format_cmd(out, ctx->map, rev, verbose, flags);
	rt_buf_addch(out, '\n');
	if (out->len >= WRITE_AT) {
		rt_context_write(ctx, out->buf, out->len);
		rt_buf_reset(out);
	}
}

int rt_current(struct rt_context *ctx, bool verbose, struct rt_error *err)
{
	struct rt_strvec rows = RT_STRVEC_INIT;
	struct rt_revlist heads = RT_REVLIST_INIT;
	struct rt_buf sb = RT_BUF_INIT;
	int ret = rt_context_load_project(ctx, err);

	if (ret < 0)
		goto out;
	ret = rt_context_read_rows(&rows, ctx, err);
	if (ret < 0)
		goto out;
	ret = rt_revmap_current_heads(&heads, ctx->map, rows.v, rows.nr, err);
	if (ret < 0)
		goto out;
	if (verbose)
		rt_context_printf(ctx, "Current revision(s) for %s:\n",
		                  ctx->url_redacted);
	for (size_t i = 0; i < heads.nr; i++)
		print_rev(&sb, ctx, heads.items[i], verbose, RT_FMT_TREE);
	flush_out(ctx, &sb);
out:
	rt_revlist_release(&heads);
	rt_strvec_clear(&rows);
	return ret;
}

/* Whether `range` mentions `current` on either side of the colon. */
static bool range_needs_db(const char *range)
{
	const char *colon = range ? strchr(range, ':') : NULL;

	if (!colon)
		return false;
	return !strncmp(range, "current:", 8) || !strcmp(colon + 1, "current");
}

int rt_history(struct rt_context *ctx, const char *range, bool verbose,
               bool indicate_current, struct rt_error *err)
{
	struct rt_strvec rows = RT_STRVEC_INIT;
	struct rt_revlist list = RT_REVLIST_INIT;
	struct rt_buf sb = RT_BUF_INIT;
	unsigned flags =
	        RT_FMT_PARENTS | RT_FMT_LABELS | RT_FMT_TREE | RT_FMT_DOC;
	int ret = rt_context_load_project(ctx, err);

	if (ret < 0)
		goto out;
	if (range && !strchr(range, ':')) {
		ret = rt_error_set(err, RT_EUSAGE,
		                   "History range requires [start]:[end], "
		                   "[start]:, or :[end]");
		goto out;
	}
	if (indicate_current || range_needs_db(range)) {
		ret = rt_context_read_rows(&rows, ctx, err);
		if (ret < 0)
			goto out;
	}
	ret = rt_revmap_history(&list, ctx->map, range, rows.v, rows.nr, err);
	if (ret < 0)
		goto out;
	for (size_t i = 0; i < list.nr; i++) {
		unsigned f = flags;
		if (indicate_current &&
		    rt_strvec_contains(&rows, list.items[i]->id))
			f |= RT_FMT_CURRENT;
		print_rev(&sb, ctx, list.items[i], verbose, f);
	}
	flush_out(ctx, &sb);
out:
	rt_revlist_release(&list);
	rt_strvec_clear(&rows);
	return ret;
}

int rt_heads(struct rt_context *ctx, bool verbose, bool resolve_dependencies,
             struct rt_error *err)
{
	struct rt_revlist heads = RT_REVLIST_INIT;
	struct rt_buf sb = RT_BUF_INIT;
	int ret = rt_context_load_project(ctx, err);

	/*
	 * Alembic's plain `heads` crashes on a broken graph; the other
	 * commands (and heads --resolve-dependencies) print FAILED.
	 */
	if (ret == RT_EGRAPH && !resolve_dependencies)
		return rt_error_mark_crash(err, ret);
	if (ret < 0)
		return ret;
	rt_revmap_heads(&heads, ctx->map, resolve_dependencies);
	for (size_t i = 0; i < heads.nr; i++)
		print_rev(&sb, ctx, heads.items[i], verbose, RT_FMT_LABELS);
	flush_out(ctx, &sb);
	rt_revlist_release(&heads);
	return 0;
}

static void print_branchpoint(struct rt_context *ctx,
                              const struct rt_revision *bp, bool verbose)
{
	struct rt_revlist children = RT_REVLIST_INIT;
	struct rt_buf sb = RT_BUF_INIT;
	unsigned child_flags = RT_FMT_LABELS | RT_FMT_TREE;
	size_t indent = strlen(bp->id);

	rt_format_cmd(&sb, ctx->map, bp, verbose, RT_FMT_LABELS | RT_FMT_TREE);
	rt_buf_addch(&sb, '\n');
	rt_revmap_children(&children, ctx->map, bp);
	for (size_t i = 0; i < children.nr; i++) {
		if (i)
			rt_buf_addch(&sb, '\n');
		for (size_t k = 0; k < indent; k++)
			rt_buf_addch(&sb, ' ');
		rt_buf_adds(&sb, " -> ");
		rt_format_oneline(&sb, ctx->map, children.items[i],
		                  child_flags | (verbose ? RT_FMT_DOC : 0));
	}
	rt_buf_adds(&sb, "\n\n");
	rt_context_write(ctx, sb.buf, sb.len);
	rt_buf_release(&sb);
	rt_revlist_release(&children);
}

int rt_branches(struct rt_context *ctx, bool verbose, struct rt_error *err)
{
	struct rt_revlist bps = RT_REVLIST_INIT;
	int ret = rt_context_load_project(ctx, err);

	if (ret < 0)
		return ret;
	rt_revmap_branchpoints(&bps, ctx->map);
	for (size_t i = 0; i < bps.nr; i++)
		print_branchpoint(ctx, bps.items[i], verbose);
	rt_revlist_release(&bps);
	return 0;
}

/* The revisions `show current` names: the version table's rows. */
static int resolve_current(struct rt_revlist *out, struct rt_context *ctx,
                           struct rt_error *err)
{
	struct rt_strvec rows = RT_STRVEC_INIT;
	int ret = rt_context_read_rows(&rows, ctx, err);

	for (size_t i = 0; ret == 0 && i < rows.nr; i++) {
		const struct rt_revision *rev =
		        rt_revmap_get(ctx->map, rows.v[i]);
		if (!rev)
			ret = rt_error_set(err, RT_ENOTFOUND,
			                   "Can't locate revision identified "
			                   "by '%s'",
			                   rows.v[i]);
		else
			rt_revlist_push(out, rev);
	}
	rt_strvec_clear(&rows);
	return ret;
}

int rt_show(struct rt_context *ctx, const char *const *revs, size_t nr_revs,
            struct rt_error *err)
{
	struct rt_revlist list = RT_REVLIST_INIT;
	struct rt_buf sb = RT_BUF_INIT;
	int ret = rt_context_load_project(ctx, err);

	for (size_t i = 0; ret == 0 && i < nr_revs; i++) {
		if (!strcmp(revs[i], "current"))
			ret = resolve_current(&list, ctx, err);
		else
			ret = rt_revmap_resolve(&list, ctx->map, revs[i], err);
	}
	for (size_t i = 0; ret == 0 && i < list.nr; i++)
		print_rev(&sb, ctx, list.items[i], true, 0);
	flush_out(ctx, &sb);
	rt_revlist_release(&list);
	return ret;
}

int rt_edit_paths(struct rt_context *ctx, const char *rev, char ***paths,
                  struct rt_error *err)
{
	struct rt_revlist list = RT_REVLIST_INIT;
	int ret = rt_context_load_project(ctx, err);
	bool current = !strcmp(rev, "current");

	*paths = NULL;
	if (ret == 0)
		ret = current ? resolve_current(&list, ctx, err) :
		                rt_revmap_resolve(&list, ctx->map, rev, err);
	if (ret == 0 && !list.nr)
		ret = current ? rt_error_set(err, RT_ENOTFOUND,
		                             "No current revisions") :
		                rt_error_set(err, RT_ENOTFOUND,
		                             "No revision files indicated by "
		                             "symbol '%s'",
		                             rev);
	if (ret == 0) {
		*paths = rt_xcalloc(list.nr + 1, sizeof(**paths));
		for (size_t i = 0; i < list.nr; i++)
			(*paths)[i] = rt_xstrdup(list.items[i]->path);
	}
	rt_revlist_release(&list);
	return ret;
}

void rt_free_paths(char **paths)
{
	if (!paths)
		return;
	for (size_t i = 0; paths[i]; i++)
		free(paths[i]);
	free(paths);
}
