/*
 * format.c - the one-line and verbose texts of a revision (format.h).
 * The rules, field by field, are in alembic.md §7.1 and §7.2.
 */
#include "util/compat.h"
#include "report/format.h"
#include "graph/revmap.h"

static void add_joined(struct rt_buf *out, const char *const *items, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		if (i)
			rt_buf_adds(out, ", ");
		rt_buf_adds(out, items[i]);
	}
}

static void add_revlist(struct rt_buf *out, const struct rt_revlist *list)
{
	for (size_t i = 0; i < list->nr; i++) {
		if (i)
			rt_buf_adds(out, ", ");
		rt_buf_adds(out, list->items[i]->id);
	}
}

/* "<base>" or the versioned parents joined by ", ". */
static void add_down_revision(struct rt_buf *out, const struct rt_revision *rev)
{
	if (!rev->nr_down)
		rt_buf_adds(out, "<base>");
	else
		add_joined(out, rev->down_revisions, rev->nr_down);
}

static void add_labels(struct rt_buf *out, const struct rt_revmap *map,
                       const struct rt_revision *rev)
{
	const char **labels = NULL;
	size_t nr = 0;

	rt_revmap_labels(&labels, &nr, map, rev);
	if (!nr)
		return;
	rt_buf_adds(out, " (");
	add_joined(out, labels, nr);
	rt_buf_adds(out, ")");
}

void rt_format_oneline(struct rt_buf *out, const struct rt_revmap *map,
                       const struct rt_revision *rev, unsigned flags)
{
	bool is_head = rt_revmap_is_head(map, rev);
	bool is_real_head = rt_revmap_is_real_head(map, rev);

	if (flags & RT_FMT_PARENTS) {
		add_down_revision(out, rev);
		if (rev->nr_depends) {
			rt_buf_adds(out, " (");
			add_joined(out, rev->depends_on, rev->nr_depends);
			rt_buf_adds(out, ")");
		}
		rt_buf_adds(out, " -> ");
	}
	rt_buf_adds(out, rev->id);
	if (flags & RT_FMT_LABELS)
		add_labels(out, map, rev);
	if (is_real_head)
		rt_buf_adds(out, " (head)");
	else if (is_head)
		rt_buf_adds(out, " (effective head)");
	if (flags & RT_FMT_CURRENT)
		rt_buf_adds(out, " (current)");
	if (flags & RT_FMT_TREE) {
		if (rt_revmap_is_branchpoint(map, rev))
			rt_buf_adds(out, " (branchpoint)");
		if (rt_revmap_is_mergepoint(rev))
			rt_buf_adds(out, " (mergepoint)");
	}
	if (flags & RT_FMT_DOC) {
		rt_buf_adds(out, ", ");
		rt_buf_adds(out, rev->doc);
	}
}

/* The docstring, each line indented by four spaces. */
static void add_longdoc(struct rt_buf *out, const char *longdoc)
{
	const char *p = longdoc;

	if (!*p) {
		rt_buf_addch(out, '\n'); /* Alembic prints an empty line */
		return;
	}
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		rt_buf_adds(out, "    ");
		rt_buf_add(out, p, len);
		rt_buf_addch(out, '\n');
		if (!eol)
			break;
		p = eol + 1;
	}
}

void rt_format_verbose(struct rt_buf *out, const struct rt_revmap *map,
                       const struct rt_revision *rev, bool current)
{
	struct rt_revlist children = RT_REVLIST_INIT;
	const char **labels = NULL;
	size_t nr_labels = 0;
	bool is_branchpoint = rt_revmap_is_branchpoint(map, rev);

	rt_buf_addf(out, "Rev: %s%s%s%s%s\n", rev->id,
	            rt_revmap_is_head(map, rev) ? " (head)" : "",
	            is_branchpoint ? " (branchpoint)" : "",
	            rt_revmap_is_mergepoint(rev) ? " (mergepoint)" : "",
	            current ? " (current)" : "");
	rt_buf_adds(out,
	            rt_revmap_is_mergepoint(rev) ? "Merges: " : "Parent: ");
	add_down_revision(out, rev);
	rt_buf_addch(out, '\n');
	if (rev->nr_depends) {
		rt_buf_adds(out, "Also depends on: ");
		add_joined(out, rev->depends_on, rev->nr_depends);
		rt_buf_addch(out, '\n');
	}
	if (is_branchpoint) {
		rt_revmap_children(&children, map, rev);
		rt_buf_adds(out, "Branches into: ");
		add_revlist(out, &children);
		rt_buf_addch(out, '\n');
	}
	rt_revmap_labels(&labels, &nr_labels, map, rev);
	if (nr_labels) {
		rt_buf_adds(out, "Branch names: ");
		add_joined(out, labels, nr_labels);
		rt_buf_addch(out, '\n');
	}
	rt_buf_addf(out, "Path: %s\n\n", rev->path);
	add_longdoc(out, rev->longdoc);
	rt_revlist_release(&children);
}

void rt_format_cmd(struct rt_buf *out, const struct rt_revmap *map,
                   const struct rt_revision *rev, bool verbose, unsigned flags)
{
	if (verbose)
		rt_format_verbose(out, map, rev, flags & RT_FMT_CURRENT);
	else
		rt_format_oneline(out, map, rev, flags);
}
