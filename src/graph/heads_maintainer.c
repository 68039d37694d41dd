#include "util/compat.h"
/*
 * heads_maintainer.c - how each step changes the version table
 * (alembic.md §8.4 for migrations, §8.5 for stamps).  The rows are kept
 * in memory and every change is recorded as an INSERT, UPDATE or DELETE
 * on the step.  Where Alembic's own bookkeeping breaks (a row it wants to
 * change is not there, or is there twice) the step fails like Alembic's
 * KeyError / AssertionError, which planning turns into fail_after.
 */
#include "graph/graph_internal.h"
#include "util/alloc.h"

void rt_ghm_add(struct rt_ghm *h, const char *id)
{
	RT_ALLOC_GROW(h->v, h->nr + 1, h->alloc);
	h->v[h->nr++] = id;
}

void rt_ghm_release(struct rt_ghm *h)
{
	if (!h)
		return;
	free(h->v);
	h->v = NULL;
	h->nr = 0;
	h->alloc = 0;
}

static bool ghm_has(const struct rt_ghm *h, const char *id)
{
	for (size_t i = 0; i < h->nr; i++)
		if (!strcmp(h->v[i], id))
			return true;
	return false;
}

static bool ghm_remove(struct rt_ghm *h, const char *id)
{
	for (size_t i = 0; i < h->nr; i++)
		if (!strcmp(h->v[i], id)) {
			memmove(h->v + i, h->v + i + 1,
			        (h->nr - i - 1) * sizeof(*h->v));
			h->nr--;
			return true;
		}
	return false;
}

static void add_op(struct rt_step *step, enum rt_vt_op_kind kind,
                   const char *from, const char *to)
{
	step->ops = rt_xrealloc(
	        step->ops, rt_st_mult(step->nr_ops + 1, sizeof(*step->ops)));
	step->ops[step->nr_ops].kind = kind;
	step->ops[step->nr_ops].from = from;
	step->ops[step->nr_ops].to = to;
	step->nr_ops++;
}

static int missing_row(const struct rt_step *step, const char *id,
                       struct rt_gerr *ge)
{
	return rt_gerr_set(ge, RT_GERR_CRASH, NULL,
	                   "cannot record '%s': revision %s is not in the "
	                   "version table at that point (Alembic fails with "
	                   "KeyError: '%s' here, after committing the earlier "
	                   "steps); run `stamp --purge` with the intended "
	                   "heads, then retry",
	                   step->short_line, id, id);
}

static int present_row(const struct rt_step *step, const char *id,
                       struct rt_gerr *ge)
{
	return rt_gerr_set(ge, RT_GERR_CRASH, NULL,
	                   "cannot record '%s': revision %s is already in the "
	                   "version table (Alembic fails with an "
	                   "AssertionError here, after committing the earlier "
	                   "steps)",
	                   step->short_line, id);
}

static int do_insert(struct rt_ghm *h, struct rt_step *step, const char *id,
                     struct rt_gerr *ge)
{
	if (ghm_has(h, id))
		return present_row(step, id, ge);
	rt_ghm_add(h, id);
	add_op(step, RT_VT_INSERT, NULL, id);
	return 0;
}

static int do_delete(struct rt_ghm *h, struct rt_step *step, const char *id,
                     struct rt_gerr *ge)
{
	if (!ghm_remove(h, id))
		return missing_row(step, id, ge);
	add_op(step, RT_VT_DELETE, id, NULL);
	return 0;
}

static int do_update(struct rt_ghm *h, struct rt_step *step, const char *from,
                     const char *to, struct rt_gerr *ge)
{
	if (ghm_has(h, to))
		return present_row(step, to, ge);
	if (!ghm_remove(h, from))
		return missing_row(step, from, ge);
	rt_ghm_add(h, to);
	add_op(step, RT_VT_UPDATE, from, to);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * `ids` minus the ancestors (dependencies included) of the rows other
 * than `skip` (the revision itself, or the rows in `ids`).  Alembic
 * builds the result as a set; when it did, the ids are sorted, so the
 * one that gets UPDATEd is the alphabetically last (the order the
 * conformance suite treats as canonical).
 */
static int minus_other_rows(const char **ids, size_t *nr,
                            const struct rt_ghm *h, const struct rt_revmap *map,
                            const char *skip, struct rt_gerr *ge)
{
	struct rt_gidx others = RT_GIDX_INIT;
	struct rt_gbits anc = RT_GBITS_INIT;
	size_t kept = 0;
	int ret = 0;

	for (size_t i = 0; i < h->nr; i++) {
		bool mine = skip ? !strcmp(h->v[i], skip) : false;

		for (size_t k = 0; !skip && k < *nr; k++)
			mine = mine || !strcmp(h->v[i], ids[k]);
		if (mine)
			continue;
		ret = rt_graph_get_revisions(&others, map, h->v[i], ge);
		if (ret < 0)
			goto out;
	}
	if (!others.nr)
		goto out;
	for (size_t i = 0; i < others.nr; i++)
		if (!rt_gidx_is_rev(others.v[i])) {
			ret = rt_gerr_set(ge, RT_GERR_CRASH, NULL,
			                  "a version table row does not name "
			                  "a revision (Alembic fails here)");
			goto out;
		}
	rt_gbits_init(&anc, map->nr);
	rt_graph_closure(&anc, map, others.v, others.nr, RT_GW_ANC);
	for (size_t i = 0; i < *nr; i++) {
		size_t idx;

		if (rt_graph_find_key(map, ids[i], &idx) &&
		    rt_gbits_test(&anc, idx))
			continue;
		ids[kept++] = ids[i];
	}
	*nr = kept;
	qsort(ids, kept, sizeof(*ids), cmp_str);
out:
	rt_gbits_release(&anc);
	rt_gidx_release(&others);
	return ret;
}

/* The one row a plain step moves: P itself, or the single row in P. */
static int single_down(const char **out, const struct rt_ghm *h,
                       const char **down, size_t nr_down,
                       const struct rt_step *step, struct rt_gerr *ge)
{
	size_t hits = 0;

	if (nr_down == 1) {
		*out = down[0];
		return 0;
	}
	for (size_t i = 0; i < nr_down; i++)
		if (ghm_has(h, down[i])) {
			*out = down[i];
			hits++;
		}
	if (hits == 1)
		return 0;
	return rt_gerr_set(ge, RT_GERR_CRASH, NULL,
	                   "cannot record '%s': the version table row to "
	                   "update is ambiguous (Alembic fails with "
	                   "\"AssertionError: Can't do an UPDATE because "
	                   "downrevision is ambiguous\" here, after committing "
	                   "the earlier steps)",
	                   step->short_line);
}

static int upgrade_rows(struct rt_ghm *h, struct rt_step *step,
                        const struct rt_revmap *map, const char *id,
                        const char **down, size_t nr_down, struct rt_gerr *ge)
{
	size_t hits = 0;
	const char *from;

	for (size_t i = 0; i < nr_down; i++)
		hits += ghm_has(h, down[i]);
	if (!hits) /* a new branch (or a base) */
		return do_insert(h, step, id, ge);
	if (nr_down > 1 && hits > 1) { /* a merge */
		bool others = false;

		for (size_t i = 0; i < h->nr && !others; i++) {
			others = true;
			for (size_t k = 0; k < nr_down; k++)
				if (!strcmp(h->v[i], down[k]))
					others = false;
		}
		if (others &&
		    minus_other_rows(down, &nr_down, h, map, NULL, ge) < 0)
			return -1;
		if (!nr_down)
			return rt_gerr_set(ge, RT_GERR_CRASH, NULL,
			                   "cannot record '%s': no row is left "
			                   "to update (Alembic fails with an "
			                   "IndexError here)",
			                   step->short_line);
		for (size_t i = 0; i + 1 < nr_down; i++)
			if (do_delete(h, step, down[i], ge) < 0)
				return -1;
		return do_update(h, step, down[nr_down - 1], id, ge);
	}
	if (single_down(&from, h, down, nr_down, step, ge) < 0)
		return -1;
	return do_update(h, step, from, id, ge);
}

/*
 * Downgrading a revision that is a row: where its row goes.  The parents
 * that other rows already imply need no row of their own; none left
 * means DELETE, several parents means an "unmerge" (INSERT all but the
 * last, UPDATE to the last).  Returns 1 when it is a plain UPDATE after
 * all.
 */
static int leave_row(struct rt_ghm *h, struct rt_step *step,
                     const struct rt_revmap *map, const char *id,
                     const char **down, size_t nr_down, struct rt_gerr *ge)
{
	const char **dest = rt_xcalloc(nr_down + 1, sizeof(*dest));
	size_t nr_dest = nr_down;
	int ret = 0;

	memcpy(dest, down, nr_down * sizeof(*dest));
	if (h->nr > 1)
		ret = minus_other_rows(dest, &nr_dest, h, map, id, ge);
	if (ret < 0)
		goto out;
	if (!nr_dest) {
		ret = do_delete(h, step, id, ge);
	} else if (nr_down > 1) {
		for (size_t i = 0; ret == 0 && i + 1 < nr_dest; i++)
			ret = do_insert(h, step, dest[i], ge);
		if (ret == 0)
			ret = do_update(h, step, id, dest[nr_dest - 1], ge);
	} else {
		ret = 1;
	}
out:
	free(dest);
	return ret;
}

static int downgrade_rows(struct rt_ghm *h, struct rt_step *step,
                          const struct rt_revmap *map, const char *id,
                          const char **down, size_t nr_down, struct rt_gerr *ge)
{
	const char *to;

	if (ghm_has(h, id)) {
		int ret = leave_row(h, step, map, id, down, nr_down, ge);

		if (ret <= 0)
			return ret;
	}
	if (single_down(&to, h, down, nr_down, step, ge) < 0)
		return -1;
	return do_update(h, step, id, to, ge);
}

int rt_ghm_revision_step(struct rt_ghm *h, struct rt_step *step,
                         const struct rt_revmap *map, size_t rev, bool upgrade,
                         struct rt_gerr *ge)
{
	const struct rt_gnode *n = &map->nodes[rev];
	const char **down = rt_xcalloc(n->nr_down + 1, sizeof(*down));
	const char *id = map->revs[rev]->id;
	int ret;

	for (size_t i = 0; i < n->nr_down; i++)
		down[i] = map->revs[n->down[i]]->id;
	if (upgrade)
		ret = upgrade_rows(h, step, map, id, down, n->nr_down, ge);
	else
		ret = downgrade_rows(h, step, map, id, down, n->nr_down, ge);
	free(down);
	return ret;
}

int rt_ghm_stamp_step(struct rt_ghm *h, struct rt_step *step,
                      const char *const *from, size_t nr_from, const char *to,
                      bool upgrade, bool branch_move, struct rt_gerr *ge)
{
	bool from_missing = false;

	if (!upgrade && branch_move) {
		if (nr_from != 1)
			goto bad;
		return do_delete(h, step, from[0], ge);
	}
	for (size_t i = 0; i < nr_from; i++)
		from_missing = from_missing || !ghm_has(h, from[i]);
	if (upgrade && (branch_move || from_missing) && to && !ghm_has(h, to))
		return do_insert(h, step, to, ge);
	if (nr_from > 1) {
		if (!to)
			goto bad;
		for (size_t i = 0; i + 1 < nr_from; i++)
			if (do_delete(h, step, from[i], ge) < 0)
				return -1;
		return do_update(h, step, from[nr_from - 1], to, ge);
	}
	if (nr_from != 1 || !to)
		goto bad;
	return do_update(h, step, from[0], to, ge);
bad:
	return rt_gerr_set(ge, RT_GERR_CRASH, NULL,
	                   "cannot record '%s' (Alembic fails with an "
	                   "AssertionError here)",
	                   step->short_line);
}
