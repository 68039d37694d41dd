#include "util/compat.h"
/*
 * traverse.c - sets of revisions and walks over the graph: index lists,
 * bit sets, ancestor/descendant closures (with Alembic's "overlapping
 * targets" check) and the "shares lineage" test used by `L@X` forms.
 */
#include "graph/graph_internal.h"
#include "util/alloc.h"
#include "util/buf.h"

void rt_gidx_push(struct rt_gidx *l, size_t i)
{
	RT_ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	l->v[l->nr++] = i;
}

bool rt_gidx_contains(const struct rt_gidx *l, size_t i)
{
	for (size_t k = 0; k < l->nr; k++)
		if (l->v[k] == i)
			return true;
	return false;
}

void rt_gidx_reset(struct rt_gidx *l)
{
	l->nr = 0;
}

void rt_gidx_release(struct rt_gidx *l)
{
	if (!l)
		return;
	free(l->v);
	l->v = NULL;
	l->nr = 0;
	l->alloc = 0;
}

void rt_gbits_init(struct rt_gbits *b, size_t nbits)
{
	b->nwords = nbits / 64 + 1;
	b->w = rt_xcalloc(b->nwords, sizeof(*b->w));
}

void rt_gbits_copy(struct rt_gbits *dst, const struct rt_gbits *src)
{
	dst->nwords = src->nwords;
	dst->w = rt_xmalloc(rt_st_mult(src->nwords, sizeof(*dst->w)));
	memcpy(dst->w, src->w, src->nwords * sizeof(*dst->w));
}

void rt_gbits_release(struct rt_gbits *b)
{
	if (!b)
		return;
	free(b->w);
	b->w = NULL;
	b->nwords = 0;
}

bool rt_gbits_any(const struct rt_gbits *b)
{
	for (size_t i = 0; i < b->nwords; i++)
		if (b->w[i])
			return true;
	return false;
}

void rt_gbits_and(struct rt_gbits *dst, const struct rt_gbits *src)
{
	for (size_t i = 0; i < dst->nwords; i++)
		dst->w[i] &= src->w[i];
}

void rt_gbits_or(struct rt_gbits *dst, const struct rt_gbits *src)
{
	for (size_t i = 0; i < dst->nwords; i++)
		dst->w[i] |= src->w[i];
}

void rt_gbits_andnot(struct rt_gbits *dst, const struct rt_gbits *src)
{
	for (size_t i = 0; i < dst->nwords; i++)
		dst->w[i] &= ~src->w[i];
}

/* The edges a walk of kind `how` follows out of revision `i`. */
static const size_t *neighbours(const struct rt_revmap *map, size_t i,
                                enum rt_gwalk how, size_t *nr)
{
	const struct rt_gnode *n = &map->nodes[i];

	switch (how) {
	case RT_GW_ANC:
		*nr = n->nr_down;
		return n->down;
	case RT_GW_ANC_V:
		*nr = n->nr_parents;
		return n->parents;
	case RT_GW_ANC_ALL:
		*nr = n->nr_all_down;
		return n->all_down;
	case RT_GW_DESC:
		*nr = n->nr_all_children;
		return n->all_children;
	case RT_GW_DESC_V:
		*nr = n->nr_children;
		return n->children;
	}
	*nr = 0;
	return NULL;
}

void rt_graph_closure(struct rt_gbits *set, const struct rt_revmap *map,
                      const size_t *seeds, size_t nr, enum rt_gwalk how)
{
	struct rt_gidx stack = RT_GIDX_INIT;

	for (size_t s = 0; s < nr; s++) {
		if (!rt_gidx_is_rev(seeds[s]))
			continue;
		rt_gidx_push(&stack, seeds[s]);
		while (stack.nr) {
			size_t r = stack.v[--stack.nr];
			size_t nn;
			const size_t *next;

			if (rt_gbits_test(set, r))
				continue;
			rt_gbits_set(set, r);
			next = neighbours(map, r, how, &nn);
			for (size_t k = 0; k < nn; k++)
				if (!rt_gbits_test(set, next[k]))
					rt_gidx_push(&stack, next[k]);
		}
	}
	rt_gidx_release(&stack);
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int overlap_error(const struct rt_revmap *map, size_t target,
                         const struct rt_gidx *overlaps, struct rt_gerr *ge)
{
	const char **ids = rt_xcalloc(overlaps->nr, sizeof(*ids));
	struct rt_buf sb = RT_BUF_INIT;
	int ret;

	/* Alembic lists them in set order; sorted is one of its orders. */
	for (size_t i = 0; i < overlaps->nr; i++)
		ids[i] = map->revs[overlaps->v[i]]->id;
	qsort(ids, overlaps->nr, sizeof(*ids), cmp_id);
	for (size_t i = 0; i < overlaps->nr; i++) {
		if (i)
			rt_buf_adds(&sb, ", ");
		rt_buf_adds(&sb, ids[i]);
	}
	ret = rt_gerr_set(ge, RT_GERR_REVISION, NULL,
	                  "Requested revision %s overlaps with other requested "
	                  "revisions %s",
	                  map->revs[target]->id, sb.buf);
	rt_buf_release(&sb);
	free(ids);
	return ret;
}

int rt_graph_closure_checked(struct rt_gbits *set, const struct rt_revmap *map,
                             const size_t *seeds, size_t nr, enum rt_gwalk how,
                             struct rt_gerr *ge)
{
	struct rt_gidx stack = RT_GIDX_INIT;
	struct rt_gidx overlaps = RT_GIDX_INIT;
	struct rt_gbits is_seed = RT_GBITS_INIT;
	int ret = 0;

	rt_gbits_init(&is_seed, map->nr);
	for (size_t s = 0; s < nr; s++)
		if (rt_gidx_is_rev(seeds[s]))
			rt_gbits_set(&is_seed, seeds[s]);
	/*
	 * Every revision popped while walking from one seed counts, even
	 * one an earlier seed's walk already expanded: that is how Alembic
	 * notices a seed that is an ancestor of another.  A seed that is
	 * not a revision stops Alembic only when its turn comes.
	 */
	for (size_t s = 0; s < nr; s++) {
		size_t t = seeds[s];

		if (!rt_gidx_is_rev(t)) {
			ret = rt_gerr_set(ge, RT_GERR_CRASH, NULL,
			                  "a revision walk was asked to start "
			                  "from %s (Alembic fails with an "
			                  "AssertionError here)",
			                  t == RT_GIDX_BASE ? "'base'" :
			                                      "nothing");
			goto out;
		}
		rt_gidx_reset(&overlaps);
		rt_gidx_push(&stack, t);
		while (stack.nr) {
			size_t r = stack.v[--stack.nr];
			size_t nn;
			const size_t *next;

			if (r != t && rt_gbits_test(&is_seed, r) &&
			    !rt_gidx_contains(&overlaps, r))
				rt_gidx_push(&overlaps, r);
			if (rt_gbits_test(set, r))
				continue;
			rt_gbits_set(set, r);
			next = neighbours(map, r, how, &nn);
			for (size_t k = 0; k < nn; k++)
				rt_gidx_push(&stack, next[k]);
		}
		if (overlaps.nr) {
			ret = overlap_error(map, t, &overlaps, ge);
			goto out;
		}
	}
out:
	rt_gbits_release(&is_seed);
	rt_gidx_release(&overlaps);
	rt_gidx_release(&stack);
	return ret;
}

int rt_graph_lineage_prepare(struct rt_glineage *lin,
                             const struct rt_revmap *map,
                             const char *check_against, bool include_deps,
                             bool have_targets, struct rt_gerr *ge)
{
	struct rt_grnum rn = RT_GRNUM_INIT;
	struct rt_gidx shares = RT_GIDX_INIT;
	int ret;

	lin->all = false;
	ret = rt_graph_resolve_number(&rn, map, check_against, ge);
	if (ret < 0 || !have_targets)
		goto out;
	if (!rt_graph_truthy(rn.label) && !rn.nr) {
		lin->all = true;
		goto out;
	}
	if (rt_graph_truthy(rn.label)) {
		size_t idx;

		ret = rt_graph_lookup(&idx, map, rn.label, NULL, ge);
		if (ret < 0)
			goto out;
		rt_gidx_push(&shares, idx);
	}
	for (size_t i = 0; i < rn.nr; i++) {
		size_t idx;

		ret = rt_graph_lookup(&idx, map, rn.ids[i], NULL, ge);
		if (ret < 0)
			goto out;
		rt_gidx_push(&shares, idx);
	}
	/*
	 * "X shares lineage with S" is "S is an ancestor or descendant of
	 * X", which is the same as "X is an ancestor or descendant of S":
	 * one walk from S answers it for every X.
	 */
	rt_gbits_init(&lin->set, map->nr);
	rt_graph_closure(&lin->set, map, shares.v, shares.nr,
	                 include_deps ? RT_GW_ANC : RT_GW_ANC_V);
	{
		struct rt_gbits desc = RT_GBITS_INIT;

		rt_gbits_init(&desc, map->nr);
		rt_graph_closure(&desc, map, shares.v, shares.nr,
		                 include_deps ? RT_GW_DESC : RT_GW_DESC_V);
		rt_gbits_or(&lin->set, &desc);
		rt_gbits_release(&desc);
	}
out:
	rt_gidx_release(&shares);
	rt_grnum_release(&rn);
	return ret;
}

bool rt_graph_lineage_has(const struct rt_glineage *lin, size_t idx)
{
	if (lin->all)
		return true;
	return rt_gidx_is_rev(idx) && lin->set.w &&
	       rt_gbits_test(&lin->set, idx);
}

void rt_graph_lineage_release(struct rt_glineage *lin)
{
	if (lin)
		rt_gbits_release(&lin->set);
}

int rt_graph_filter_lineage(struct rt_gidx *list, const struct rt_revmap *map,
                            const char *check_against, bool include_deps,
                            struct rt_gerr *ge)
{
	struct rt_glineage lin = RT_GLINEAGE_INIT;
	size_t kept = 0;
	int ret = rt_graph_lineage_prepare(&lin, map, check_against,
	                                   include_deps, list->nr > 0, ge);

	if (ret < 0)
		goto out;
	for (size_t i = 0; i < list->nr; i++) {
		size_t idx = list->v[i];

		/* Alembic looks the text "base" up like any other symbol */
		if (!lin.all && idx == RT_GIDX_BASE) {
			ret = rt_graph_lookup(&idx, map, "base", NULL, ge);
			if (ret < 0)
				goto out;
			if (rt_graph_lineage_has(&lin, idx))
				list->v[kept++] = list->v[i];
			continue;
		}
		if (!lin.all && !rt_gidx_is_rev(idx)) {
			ret = rt_gerr_set(ge, RT_GERR_CRASH, NULL,
			                  "cannot check the lineage of '%s' "
			                  "(Alembic fails with an "
			                  "AssertionError here)",
			                  check_against ? check_against : "");
			goto out;
		}
		if (rt_graph_lineage_has(&lin, list->v[i]))
			list->v[kept++] = list->v[i];
	}
	list->nr = kept;
out:
	rt_graph_lineage_release(&lin);
	return ret;
}
