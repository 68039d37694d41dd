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

/*
 * The order asks one question over and over: "is revision c an ancestor
 * of the revision pending on branch j?".  Alembic answers it with a full
 * ancestor set per branch, recomputed at every merge or branch point,
 * which is quadratic on a graph that forks and merges many lanes.  Two
 * things make it cheap here, without changing a single answer.
 *
 * First, most of the time no other branch is above c, and that can be
 * seen from c's children alone.  A revision once emitted is never an
 * ancestor of a pending one (it was emitted because no pending branch
 * was above it, and every revision pending later lies below one pending
 * then), and every pending revision lies below a seed.  So if c has a
 * pending descendant, the step above c on the way to it is a revision
 * that is below a seed and not emitted yet: a "live" child.  Each
 * revision keeps a count of its live children; while it is zero, c can
 * be emitted without looking at the other branches.
 *
 * Second, when the other branches must be looked at, each one explores
 * its ancestors lazily, highest level first, and only as deep as needed.
 * Every revision has a level (0 with nothing below it, else one more
 * than the highest level below it), so a strict ancestor always has a
 * lower level than its descendant: once every ancestor above level(c)
 * is expanded, c has been found if and only if it is an ancestor.  A
 * branch that moves one step down a plain chain keeps what it found (the
 * ancestors of the parent are those of the child minus the child); any
 * other move starts again, as Alembic starts its set again.
 */

/* The ancestors found so far for one branch's revision. */
struct anc {
	size_t *heap; /* found, not expanded yet; highest level on top */
	size_t nr_heap;
	size_t alloc_heap;
	size_t *slot; /* open addressing: revision + 1, 0 = empty */
	size_t mask; /* number of slots - 1 (slot != NULL) */
	size_t used;
};

/* One pending branch: where it is, and what is known below it. */
struct branch {
	size_t rev;
	struct anc anc;
};

struct topo {
	const struct rt_revmap *map;
	size_t *level;
	size_t *live; /* children below a seed and not emitted yet */
	struct rt_gbits todo;
	struct rt_gbits pending; /* the branches' revisions */
	/*
	 * Branches live in `pool`, each keeping its index there, and `list`
	 * orders those indices as Alembic orders its list of heads, so
	 * removing a branch from the middle moves indices only.
	 */
	struct branch *pool;
	size_t nr_pool;
	size_t alloc_pool;
	size_t *list;
	size_t nr;
	size_t alloc;
};

static struct branch *br(const struct topo *t, size_t k)
{
	return &t->pool[t->list[k]];
}

static void anc_release(struct anc *a)
{
	free(a->heap);
	free(a->slot);
	memset(a, 0, sizeof(*a));
}

static size_t slot_of(size_t rev, size_t mask)
{
	return (size_t)(((uint64_t)rev * UINT64_C(0x9E3779B97F4A7C15)) >> 32) &
	       mask;
}

static bool anc_has(const struct anc *a, size_t rev)
{
	size_t s;

	if (!a->slot)
		return false;
	for (s = slot_of(rev, a->mask); a->slot[s]; s = (s + 1) & a->mask)
		if (a->slot[s] == rev + 1)
			return true;
	return false;
}

static void anc_grow(struct anc *a)
{
	size_t *old = a->slot;
	size_t nr_old = old ? a->mask + 1 : 0;

	a->mask = old ? 2 * nr_old - 1 : 15;
	a->slot = rt_xcalloc(a->mask + 1, sizeof(*a->slot));
	for (size_t i = 0; i < nr_old; i++) {
		size_t s;

		if (!old[i])
			continue;
		for (s = slot_of(old[i] - 1, a->mask); a->slot[s];
		     s = (s + 1) & a->mask)
			;
		a->slot[s] = old[i];
	}
	free(old);
}

/* Add `rev` to the found set; false when it was there already. */
static bool anc_add(struct anc *a, size_t rev)
{
	size_t s;

	if (!a->slot || 2 * (a->used + 1) > a->mask + 1)
		anc_grow(a);
	for (s = slot_of(rev, a->mask); a->slot[s]; s = (s + 1) & a->mask)
		if (a->slot[s] == rev + 1)
			return false;
	a->slot[s] = rev + 1;
	a->used++;
	return true;
}

static void heap_push(struct anc *a, const size_t *level, size_t rev)
{
	size_t i = a->nr_heap++;

	RT_ALLOC_GROW(a->heap, a->nr_heap, a->alloc_heap);
	while (i) {
		size_t up = (i - 1) / 2;

		if (level[a->heap[up]] >= level[rev])
			break;
		a->heap[i] = a->heap[up];
		i = up;
	}
	a->heap[i] = rev;
}

static size_t heap_pop(struct anc *a, const size_t *level)
{
	size_t top = a->heap[0];
	size_t last = a->heap[--a->nr_heap];
	size_t i = 0;

	for (;;) {
		size_t k = 2 * i + 1;

		if (k >= a->nr_heap)
			break;
		if (k + 1 < a->nr_heap &&
		    level[a->heap[k + 1]] > level[a->heap[k]])
			k++;
		if (level[a->heap[k]] <= level[last])
			break;
		a->heap[i] = a->heap[k];
		i = k;
	}
	if (a->nr_heap)
		a->heap[i] = last;
	return top;
}

/*
 * Expand every found ancestor of branch `b` above level `lowest`.  The
 * branch's own revision is found first (Alembic's set holds it too).
 */
static void explore(struct topo *t, struct branch *b, size_t lowest)
{
	struct anc *a = &b->anc;

	if (!a->slot) {
		anc_add(a, b->rev);
		heap_push(a, t->level, b->rev);
	}
	while (a->nr_heap && t->level[a->heap[0]] > lowest) {
		size_t r = heap_pop(a, t->level);
		const struct rt_gnode *n = &t->map->nodes[r];

		for (size_t k = 0; k < n->nr_down; k++)
			if (anc_add(a, n->down[k]))
				heap_push(a, t->level, n->down[k]);
	}
}

/* Is `c` in Alembic's ancestor set of branch `b` (itself included)? */
static bool branch_has(struct topo *t, struct branch *b, size_t c)
{
	if (c == b->rev)
		return true;
	if (t->level[c] >= t->level[b->rev])
		return false;
	explore(t, b, t->level[c]);
	return anc_has(&b->anc, c);
}

/*
 * Levels over the walk's edges (parents and normalized dependencies):
 * Kahn's order from the top, then levels from the bottom up.  A built
 * map has no cycle (revmap.c rejects them); should one slip through, it
 * is reported instead of being ordered wrongly.
 */
static int compute_levels(struct topo *t, struct rt_gerr *ge)
{
	const struct rt_revmap *map = t->map;
	size_t *deg = rt_xcalloc(map->nr + 1, sizeof(*deg));
	size_t *order = rt_xcalloc(map->nr + 1, sizeof(*order));
	size_t nr = 0;
	int ret = 0;

	for (size_t r = 0; r < map->nr; r++)
		for (size_t k = 0; k < map->nodes[r].nr_down; k++)
			deg[map->nodes[r].down[k]]++;
	for (size_t r = 0; r < map->nr; r++)
		if (!deg[r])
			order[nr++] = r;
	for (size_t q = 0; q < nr; q++) {
		const struct rt_gnode *n = &map->nodes[order[q]];

		for (size_t k = 0; k < n->nr_down; k++)
			if (--deg[n->down[k]] == 0)
				order[nr++] = n->down[k];
	}
	if (nr != map->nr) {
		ret = rt_gerr_set(ge, RT_GERR_CRASH, NULL,
		                  "the revisions form a cycle and cannot be "
		                  "ordered; fix their down_revision and "
		                  "depends_on lines");
		goto out;
	}
	/* deg is all zeros now: reuse it for the levels */
	for (size_t q = nr; q-- > 0;) {
		const struct rt_gnode *n = &map->nodes[order[q]];
		size_t lvl = 0;

		for (size_t k = 0; k < n->nr_down; k++)
			if (deg[n->down[k]] + 1 > lvl)
				lvl = deg[n->down[k]] + 1;
		deg[order[q]] = lvl;
	}
	t->level = deg;
	deg = NULL;
out:
	free(deg);
	free(order);
	return ret;
}

/*
 * Count, for every revision, its children (over the walk's edges) that
 * lie below a seed; none of them is emitted yet.
 */
static void count_live(struct topo *t)
{
	const struct rt_revmap *map = t->map;
	struct rt_gbits below = RT_GBITS_INIT;
	struct rt_gidx seeds = RT_GIDX_INIT;

	for (size_t k = 0; k < t->nr; k++)
		rt_gidx_push(&seeds, br(t, k)->rev);
	rt_gbits_init(&below, map->nr);
	rt_graph_closure(&below, map, seeds.v, seeds.nr, RT_GW_ANC);
	t->live = rt_xcalloc(map->nr + 1, sizeof(*t->live));
	for (size_t r = 0; r < map->nr; r++) {
		const struct rt_gnode *n = &map->nodes[r];

		if (!rt_gbits_test(&below, r))
			continue;
		for (size_t k = 0; k < n->nr_down; k++)
			t->live[n->down[k]]++;
	}
	rt_gbits_release(&below);
	rt_gidx_release(&seeds);
}

static void add_branch(struct topo *t, size_t rev)
{
	RT_ALLOC_GROW(t->pool, t->nr_pool + 1, t->alloc_pool);
	memset(&t->pool[t->nr_pool], 0, sizeof(*t->pool));
	t->pool[t->nr_pool].rev = rev;
	RT_ALLOC_GROW(t->list, t->nr + 1, t->alloc);
	t->list[t->nr++] = t->nr_pool++;
	rt_gbits_set(&t->pending, rev);
}

static void drop_branch(struct topo *t, size_t i)
{
	rt_gbits_clear(&t->pending, br(t, i)->rev);
	anc_release(&br(t, i)->anc);
	memmove(t->list + i, t->list + i + 1,
	        (t->nr - i - 1) * sizeof(*t->list));
	t->nr--;
}

/* Index of the first other branch that `c` (branch i's) is below, or i. */
static size_t first_above(struct topo *t, size_t i, size_t c)
{
	for (size_t j = 0; j < t->nr; j++)
		if (j != i && branch_has(t, br(t, j), c))
			return j;
	return i;
}

/* Emit branch i's revision and move the branch down (or end it). */
static size_t step(struct topo *t, size_t i, struct rt_gidx *out,
                   struct rt_gidx *add)
{
	struct branch *b = br(t, i);
	size_t c = b->rev;
	const struct rt_gnode *n = &t->map->nodes[c];

	if (rt_gbits_test(&t->todo, c)) {
		rt_gidx_push(out, c);
		rt_gbits_clear(&t->todo, c);
		/* c is below a seed (it was pending): it counted as live */
		for (size_t k = 0; k < n->nr_down; k++)
			t->live[n->down[k]]--;
	}
	rt_gidx_reset(add);
	for (size_t k = 0; k < n->nr_down; k++)
		if (rt_gbits_test(&t->todo, n->down[k]) &&
		    !rt_gbits_test(&t->pending, n->down[k]))
			rt_gidx_push(add, n->down[k]);
	if (!add->nr) {
		drop_branch(t, i);
		return i ? i - 1 : 0;
	}
	rt_gbits_clear(&t->pending, c);
	rt_gbits_set(&t->pending, add->v[0]);
	b->rev = add->v[0];
	/*
	 * Straight down a plain chain the found set stays valid: c's only
	 * edge leads to the new revision, which is found already or will
	 * be as soon as c is expanded, and c sits above every level the
	 * branch can now be asked about.  c itself stays in the set,
	 * harmlessly: it has left `todo` (pending revisions are always in
	 * it), and only pending revisions are ever asked about.
	 */
	if (n->nr_ndeps || n->nr_parents != 1)
		anc_release(&b->anc);
	for (size_t k = 1; k < add->nr; k++)
		add_branch(t, add->v[k]);
	return i;
}

int rt_graph_toposort(struct rt_gidx *out, const struct rt_revmap *map,
                      const struct rt_gbits *todo_in, const size_t *seeds,
                      size_t nr_seeds, struct rt_gerr *ge)
{
	struct topo t;
	struct rt_gbits seeded = RT_GBITS_INIT;
	struct rt_gidx add = RT_GIDX_INIT;
	size_t i = 0;
	int ret = 0;

	memset(&t, 0, sizeof(t));
	t.map = map;
	rt_gbits_copy(&t.todo, todo_in);
	rt_gbits_init(&t.pending, map->nr);
	rt_gbits_init(&seeded, map->nr);
	for (size_t s = 0; s < nr_seeds; s++)
		if (rt_gidx_is_rev(seeds[s]) &&
		    rt_gbits_test(&t.todo, seeds[s]))
			rt_gbits_set(&seeded, seeds[s]);
	for (size_t r = 0; r < map->nr; r++) /* load order */
		if (rt_gbits_test(&seeded, r))
			add_branch(&t, r);
	count_live(&t);

	while (t.nr) {
		size_t c = br(&t, i)->rev;
		size_t j = i;

		/* levels are needed only once another branch is looked at */
		if (t.live[c] && !t.level && (ret = compute_levels(&t, ge)) < 0)
			goto out;
		if (t.live[c])
			j = first_above(&t, i, c);
		if (j != i)
			i = j;
		else
			i = step(&t, i, out, &add);
	}
	if (rt_gbits_any(&t.todo))
		ret = rt_gerr_set(ge, RT_GERR_CRASH, NULL,
		                  "some of the selected revisions cannot be "
		                  "ordered from the requested ones (Alembic "
		                  "fails with an AssertionError here)");
out:
	for (size_t k = 0; k < t.nr_pool; k++)
		anc_release(&t.pool[k].anc);
	free(t.pool);
	free(t.list);
	free(t.level);
	free(t.live);
	rt_gidx_release(&add);
	rt_gbits_release(&t.todo);
	rt_gbits_release(&t.pending);
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
