#include "util/compat.h"
/*
 * topo.c - Alembic's topological order (alembic.md §8.3), shared by
 * history, upgrade and downgrade.  It walks down from the seeds one
 * branch at a time and switches branch whenever the revision it is about
 * to emit is still an ancestor of another pending branch, so the result
 * depends on the seeds and the load order exactly as Alembic's does.
 */
#include "graph/graph_internal.h"
#include "util/alloc.h"

/* One pending branch: where it is, and (when known) its ancestors. */
struct branch {
	size_t rev;
	bool have_anc;
	struct rt_gbits anc;
};

struct branches {
	struct branch *v;
	size_t nr;
	size_t alloc;
};

static void add_branch(struct branches *b, size_t rev)
{
	RT_ALLOC_GROW(b->v, b->nr + 1, b->alloc);
	b->v[b->nr].rev = rev;
	b->v[b->nr].have_anc = false;
	b->v[b->nr].anc.w = NULL;
	b->v[b->nr].anc.nwords = 0;
	b->nr++;
}

static void forget_anc(struct branch *br)
{
	rt_gbits_release(&br->anc);
	br->have_anc = false;
}

/*
 * Ancestor sets are computed only when another branch needs to be
 * checked against them: a lone branch walking down a long chain never
 * pays for one.  A set that is dropped and computed again later is the
 * same set, since it depends only on the branch's revision.
 */
static const struct rt_gbits *anc_of(const struct rt_revmap *map,
                                     struct branch *br)
{
	if (!br->have_anc) {
		rt_gbits_init(&br->anc, map->nr);
		rt_graph_closure(&br->anc, map, &br->rev, 1, RT_GW_ANC);
		br->have_anc = true;
	}
	return &br->anc;
}

static bool pending(const struct branches *b, size_t rev)
{
	for (size_t i = 0; i < b->nr; i++)
		if (b->v[i].rev == rev)
			return true;
	return false;
}

int rt_graph_toposort(struct rt_gidx *out, const struct rt_revmap *map,
                      const struct rt_gbits *todo_in, const size_t *seeds,
                      size_t nr_seeds, struct rt_gerr *ge)
{
	struct rt_gbits todo = RT_GBITS_INIT, seeded = RT_GBITS_INIT;
	struct branches cur = { NULL, 0, 0 };
	struct rt_gidx add = RT_GIDX_INIT;
	size_t i = 0;
	int ret = 0;

	rt_gbits_copy(&todo, todo_in);
	rt_gbits_init(&seeded, map->nr);
	for (size_t s = 0; s < nr_seeds; s++)
		if (rt_gidx_is_rev(seeds[s]) && rt_gbits_test(&todo, seeds[s]))
			rt_gbits_set(&seeded, seeds[s]);
	for (size_t r = 0; r < map->nr; r++) /* load order */
		if (rt_gbits_test(&seeded, r))
			add_branch(&cur, r);

	while (cur.nr) {
		size_t c = cur.v[i].rev;
		const struct rt_gnode *n = &map->nodes[c];
		bool moved = false;

		for (size_t j = 0; j < cur.nr; j++) {
			if (j != i &&
			    rt_gbits_test(anc_of(map, &cur.v[j]), c)) {
				i = j;
				moved = true;
				break;
			}
		}
		if (moved)
			continue;
		if (rt_gbits_test(&todo, c)) {
			rt_gidx_push(out, c);
			rt_gbits_clear(&todo, c);
		}
		rt_gidx_reset(&add);
		for (size_t k = 0; k < n->nr_down; k++)
			if (rt_gbits_test(&todo, n->down[k]) &&
			    !pending(&cur, n->down[k]))
				rt_gidx_push(&add, n->down[k]);
		if (!add.nr) {
			forget_anc(&cur.v[i]);
			memmove(cur.v + i, cur.v + i + 1,
			        (cur.nr - i - 1) * sizeof(*cur.v));
			cur.nr--;
			i = i ? i - 1 : 0;
		} else if (!n->nr_ndeps && n->nr_parents == 1) {
			/* straight down a plain chain */
			cur.v[i].rev = add.v[0];
			if (cur.v[i].have_anc)
				rt_gbits_clear(&cur.v[i].anc, c);
		} else {
			cur.v[i].rev = add.v[0];
			forget_anc(&cur.v[i]);
			for (size_t k = 1; k < add.nr; k++)
				add_branch(&cur, add.v[k]);
		}
	}
	if (rt_gbits_any(&todo))
		ret = rt_gerr_set(ge, RT_GERR_CRASH, NULL,
		                  "some of the selected revisions cannot be "
		                  "ordered from the requested ones (Alembic "
		                  "fails with an AssertionError here)");
	for (size_t k = 0; k < cur.nr; k++)
		forget_anc(&cur.v[k]);
	free(cur.v);
	rt_gidx_release(&add);
	rt_gbits_release(&todo);
	rt_gbits_release(&seeded);
	return ret;
}

int rt_graph_history_order(struct rt_gidx *out, const struct rt_revmap *map,
                           struct rt_gerr *ge)
{
	struct rt_gbits all = RT_GBITS_INIT;
	int ret;

	rt_gbits_init(&all, map->nr);
	for (size_t i = 0; i < map->nr; i++)
		rt_gbits_set(&all, i);
	ret = rt_graph_toposort(out, map, &all, map->real_heads.v,
	                        map->real_heads.nr, ge);
	rt_gbits_release(&all);
	return ret;
}
