#include "util/compat.h"
/*
 * history.c - the revision lists of `history -r RANGE` and `branches`
 * (alembic.md §6.9, §6.12): a range is read the way Alembic's
 * walk_revisions reads it (an upgrade collection from start to end,
 * both ends included) and listed in the topological order, newest first.
 */
#include "graph/graph_internal.h"
#include "error_raise.h"
#include "util/alloc.h"

static bool is_py_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == '\x1c' ||
	       c == '\x1d' || c == '\x1e' || c == '\x1f';
}

/* Python's str.strip() for ASCII whitespace. */
static char *strip_copy(const char *s)
{
	size_t len;

	while (*s && is_py_space(*s))
		s++;
	len = strlen(s);
	while (len && is_py_space(s[len - 1]))
		len--;
	return rt_xstrndup(s, len);
}

static void set_text(struct rt_gspec *spec, const char *text,
                     const char *fallback)
{
	spec->is_list = false;
	spec->str = text && *text ? text : fallback;
}

/* `current` on one side stands for the rows (or the default if none). */
static void set_rows(struct rt_gspec *spec, const char *const *rows,
                     size_t nr_rows, const char *fallback)
{
	if (!nr_rows) {
		set_text(spec, NULL, fallback);
		return;
	}
	spec->is_list = true;
	spec->list = rows;
	spec->nr = nr_rows;
}

int rt_revmap_history(struct rt_revlist *out, const struct rt_revmap *map,
                      const char *range, const char *const *rows,
                      size_t nr_rows, struct rt_error *err)
{
	struct rt_gspec base = { "base", NULL, 0, false };
	struct rt_gspec head = { "heads", NULL, 0, false };
	struct rt_gbits needs = RT_GBITS_INIT;
	struct rt_gidx targets = RT_GIDX_INIT, order = RT_GIDX_INIT;
	struct rt_gerr ge = RT_GERR_INIT;
	char *copy = NULL, *start = NULL, *end = NULL;
	int ret = 0;

	if (range) {
		char *colon;

		if (!strchr(range, ':'))
			return rt_error_set(
			        err, RT_EUSAGE,
			        "History range requires "
			        "[start]:[end], [start]:, or :[end]");
		copy = strip_copy(range);
		colon = strchr(copy, ':');
		if (!colon || strchr(colon + 1, ':')) {
			ret = rt_error_set(err, RT_ERROR,
			                   "History range '%s' has more than "
			                   "one ':' (Alembic fails with a "
			                   "ValueError here); use start:end",
			                   range);
			rt_error_mark_crash(err, ret);
			goto out;
		}
		*colon = '\0';
		if (!strcmp(colon + 1, "current")) {
			set_rows(&head, rows, nr_rows, "heads");
			set_text(&base, copy, "base");
		} else if (!strcmp(copy, "current")) {
			set_rows(&base, rows, nr_rows, "base");
			set_text(&head, colon + 1, "heads");
		} else {
			set_text(&base, copy, "base");
			set_text(&head, colon + 1, "heads");
		}
	}
	start = rt_gspec_text(&base);
	end = rt_gspec_text(&head);
	if (rt_graph_collect_upgrade(&needs, &targets, map, &head, &base, true,
	                             false, false, &ge) < 0 ||
	    rt_graph_toposort(&order, map, &needs, targets.v, targets.nr, &ge) <
	            0) {
		ret = rt_graph_catch(err, &ge, RT_GCTX_HISTORY, start, end);
		goto out;
	}
	for (size_t i = 0; i < order.nr; i++)
		rt_revlist_push(out, map->revs[order.v[i]]);
out:
	free(copy);
	free(start);
	free(end);
	rt_gbits_release(&needs);
	rt_gidx_release(&targets);
	rt_gidx_release(&order);
	return ret;
}

void rt_revmap_branchpoints(struct rt_revlist *out, const struct rt_revmap *map)
{
	struct rt_gidx order = RT_GIDX_INIT;
	struct rt_gerr ge = RT_GERR_INIT;

	/* the full order cannot fail on a map that was built */
	if (rt_graph_history_order(&order, map, &ge) == 0)
		for (size_t i = 0; i < order.nr; i++)
			if (map->nodes[order.v[i]].nr_children > 1)
				rt_revlist_push(out, map->revs[order.v[i]]);
	rt_gidx_release(&order);
}
