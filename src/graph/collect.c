#include "util/compat.h"
/*
 * collect.c - which revisions an upgrade, a downgrade or a history range
 * covers (Alembic's _parse_upgrade_target, _parse_downgrade_target,
 * _collect_upgrade_revisions and _collect_downgrade_revisions).  The
 * order they run in is topo.c's business.
 */
#include "graph/graph_internal.h"
#include "util/alloc.h"
#include "util/buf.h"

/* ---- argument specs -------------------------------------------------- */

static void add_py_repr(struct rt_buf *sb, const char *s)
{
	char q = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';

	rt_buf_addch(sb, q);
	for (; *s; s++) {
		if (*s == '\\' || *s == q)
			rt_buf_addch(sb, '\\');
		rt_buf_addch(sb, *s);
	}
	rt_buf_addch(sb, q);
}

char *rt_gspec_text(const struct rt_gspec *spec)
{
	struct rt_buf sb = RT_BUF_INIT;

	if (!spec->is_list)
		return rt_xstrdup(spec->str ? spec->str : "None");
	rt_buf_addch(&sb, '(');
	for (size_t i = 0; i < spec->nr; i++) {
		if (i)
			rt_buf_adds(&sb, ", ");
		add_py_repr(&sb, spec->list[i]);
	}
	rt_buf_adds(&sb, spec->nr == 1 ? ",)" : ")");
	return rt_buf_detach(&sb);
}

int rt_graph_get_revisions_spec(struct rt_gidx *out,
                                const struct rt_revmap *map,
                                const struct rt_gspec *spec, struct rt_gerr *ge)
{
	if (!spec->is_list)
		return rt_graph_get_revisions(out, map, spec->str, ge);
	for (size_t i = 0; i < spec->nr; i++)
		if (rt_graph_get_revisions(out, map, spec->list[i], ge) < 0)
			return -1;
	return 0;
}

/* The spec as a tuple of texts (Python's util.to_tuple). */
static void spec_texts(const struct rt_gspec *spec, const char *const **v,
                       size_t *nr, const char **one)
{
	if (spec->is_list) {
		*v = spec->list;
		*nr = spec->nr;
	} else {
		*one = spec->str;
		*v = one;
		*nr = spec->str ? 1 : 0;
	}
}

static int need_revisions(const struct rt_gidx *l, const char *what,
                          struct rt_gerr *ge)
{
	for (size_t i = 0; i < l->nr; i++)
		if (!rt_gidx_is_rev(l->v[i]))
			return rt_gerr_set(ge, RT_GERR_CRASH, NULL,
			                   "'%s' walks past the end of the "
			                   "revision graph, to %s (Alembic "
			                   "fails with an AssertionError here)",
			                   what,
			                   l->v[i] == RT_GIDX_BASE ? "'base'" :
			                                             "nothing");
	return 0;
}

/* ---- the current heads ------------------------------------------------ */

/*
 * Alembic's _get_all_current: the revisions named by `texts` plus all
 * their ancestors, reduced to those with no versioned descendant among
 * them.  Appended in load order.
 */
static int all_current(struct rt_gidx *out, const struct rt_revmap *map,
                       const char *const *texts, size_t nr, struct rt_gerr *ge)
{
	struct rt_gidx top = RT_GIDX_INIT, queue = RT_GIDX_INIT;
	struct rt_gbits in = RT_GBITS_INIT, below = RT_GBITS_INIT;
	size_t *left = NULL;
	int ret = 0;

	for (size_t i = 0; i < nr; i++) {
		ret = rt_graph_get_revisions(&top, map, texts[i], ge);
		if (ret < 0)
			goto out;
	}
	ret = need_revisions(&top, "the version table", ge);
	if (ret < 0)
		goto out;
	rt_gbits_init(&in, map->nr);
	rt_gbits_init(&below, map->nr);
	rt_graph_closure(&in, map, top.v, top.nr, RT_GW_ANC);
	/*
	 * below[r]: some versioned descendant of r is in the set.  Worked
	 * out from the heads down (each node once all its children are
	 * done), so a long chain costs one pass, not one walk per node.
	 */
	left = rt_xcalloc(map->nr + 1, sizeof(*left));
	for (size_t i = 0; i < map->nr; i++) {
		left[i] = map->nodes[i].nr_children;
		if (!left[i])
			rt_gidx_push(&queue, i);
	}
	for (size_t q = 0; q < queue.nr; q++) {
		size_t r = queue.v[q];
		const struct rt_gnode *n = &map->nodes[r];
		bool mark = rt_gbits_test(&in, r) || rt_gbits_test(&below, r);

		for (size_t k = 0; k < n->nr_parents; k++) {
			size_t p = n->parents[k];

			if (mark)
				rt_gbits_set(&below, p);
			if (left[p] && --left[p] == 0)
				rt_gidx_push(&queue, p);
		}
	}
	for (size_t i = 0; i < map->nr; i++)
		if (rt_gbits_test(&in, i) && !rt_gbits_test(&below, i))
			rt_gidx_push(out, i);
out:
	free(left);
	rt_gbits_release(&in);
	rt_gbits_release(&below);
	rt_gidx_release(&top);
	rt_gidx_release(&queue);
	return ret;
}

int rt_revmap_current_heads(struct rt_revlist *out, const struct rt_revmap *map,
                            const char *const *rows, size_t nr_rows,
                            struct rt_error *err)
{
	struct rt_gidx heads = RT_GIDX_INIT, order = RT_GIDX_INIT;
	struct rt_gbits keep = RT_GBITS_INIT;
	struct rt_gerr ge = RT_GERR_INIT;
	int ret = 0;

	if (!nr_rows)
		return 0;
	if (all_current(&heads, map, rows, nr_rows, &ge) < 0 ||
	    rt_graph_history_order(&order, map, &ge) < 0) {
		ret = rt_graph_catch(err, &ge, RT_GCTX_PLAIN, NULL, NULL);
		goto out;
	}
	/* Alembic prints them in set order; history order is one of them */
	rt_gbits_init(&keep, map->nr);
	for (size_t i = 0; i < heads.nr; i++)
		rt_gbits_set(&keep, heads.v[i]);
	for (size_t i = 0; i < order.nr; i++)
		if (rt_gbits_test(&keep, order.v[i]))
			rt_revlist_push(out, map->revs[order.v[i]]);
out:
	rt_gbits_release(&keep);
	rt_gidx_release(&heads);
	rt_gidx_release(&order);
	return ret;
}

/* ---- upgrade targets --------------------------------------------------- */

/*
 * The tips of the applied revisions (`applied` and their ancestors) that
 * lie on branch `label`: where `upgrade L@+N` starts when no current
 * revision is on the branch.  None at all means starting from base.
 */
static int branch_tips(size_t *start, size_t *count,
                       const struct rt_revmap *map,
                       const struct rt_gidx *applied, const char *label,
                       struct rt_gerr *ge)
{
	struct rt_gbits anc = RT_GBITS_INIT, tips = RT_GBITS_INIT;
	struct rt_gidx on_branch = RT_GIDX_INIT;
	int ret = need_revisions(applied, label, ge);

	if (ret < 0)
		return ret;
	rt_gbits_init(&anc, map->nr);
	rt_graph_closure(&anc, map, applied->v, applied->nr, RT_GW_ANC);
	for (size_t i = 0; i < map->nr; i++)
		if (rt_gbits_test(&anc, i))
			rt_gidx_push(&on_branch, i);
	ret = rt_graph_filter_lineage(&on_branch, map, label, false, ge);
	if (ret < 0)
		goto out;
	rt_gbits_init(&tips, map->nr);
	for (size_t i = 0; i < on_branch.nr; i++)
		rt_gbits_set(&tips, on_branch.v[i]);
	for (size_t i = 0; i < on_branch.nr; i++) {
		const struct rt_gnode *n = &map->nodes[on_branch.v[i]];

		for (size_t k = 0; k < n->nr_down; k++)
			rt_gbits_clear(&tips, n->down[k]);
	}
	*count = 0;
	*start = RT_GIDX_NONE;
	for (size_t i = 0; i < on_branch.nr; i++)
		if (rt_gbits_test(&tips, on_branch.v[i]) && !(*count)++)
			*start = on_branch.v[i];
	if (!*count)
		*count = 1; /* back to base: start from nothing */
out:
	rt_gbits_release(&anc);
	rt_gbits_release(&tips);
	rt_gidx_release(&on_branch);
	return ret;
}

/* `upgrade L@+N`: the current revision(s) on branch L. */
static int branch_start(size_t *start, size_t *count,
                        const struct rt_revmap *map, const char *const *texts,
                        size_t nr, const char *label, struct rt_gerr *ge)
{
	struct rt_gidx applied = RT_GIDX_INIT, on_branch = RT_GIDX_INIT;
	int ret = 0;

	for (size_t i = 0; ret == 0 && i < nr; i++)
		if (texts[i])
			ret = rt_graph_get_revisions(&applied, map, texts[i],
			                             ge);
	for (size_t i = 0; ret == 0 && i < applied.nr; i++)
		rt_gidx_push(&on_branch, applied.v[i]);
	if (ret == 0)
		ret = rt_graph_filter_lineage(&on_branch, map, label, false,
		                              ge);
	if (ret == 0 && on_branch.nr) {
		*count = on_branch.nr;
		*start = on_branch.v[0];
	} else if (ret == 0) {
		ret = branch_tips(start, count, map, &applied, label, ge);
	}
	rt_gidx_release(&applied);
	rt_gidx_release(&on_branch);
	return ret;
}

/* Where `upgrade [L@]+N` walks from: the one current revision. */
static int upgrade_start(size_t *start, const struct rt_revmap *map,
                         const struct rt_gspec *current, const char *label,
                         struct rt_gerr *ge)
{
	const char *one = NULL, *none = NULL;
	const char *const *texts;
	size_t nr, count;
	int ret = 0;

	spec_texts(current, &texts, &nr, &one);
	if (!nr) { /* nothing applied: one start, "nothing" */
		texts = &none;
		nr = 1;
	}
	*start = RT_GIDX_NONE;
	count = nr;
	if (rt_graph_truthy(label))
		ret = branch_start(start, &count, map, texts, nr, label, ge);
	if (ret == 0 && count > 1)
		return rt_gerr_set(ge, RT_GERR_REVISION, NULL,
		                   "Ambiguous upgrade from multiple current "
		                   "revisions");
	if (ret == 0 && !rt_graph_truthy(label) && texts[0])
		ret = rt_graph_get_revision(start, map, texts[0], ge);
	return ret;
}

static int parse_upgrade_target(struct rt_gidx *out,
                                const struct rt_revmap *map,
                                const struct rt_gspec *current,
                                const struct rt_gspec *target,
                                bool assert_relative_length, struct rt_gerr *ge)
{
	struct rt_grel rel = RT_GREL_INIT;
	size_t start = RT_GIDX_NONE, dest;
	char buf[64];
	int ret = 0;

	if (target->is_list || !rt_graph_parse_relative(&rel, target->str))
		return rt_graph_get_revisions_spec(out, map, target, ge);
	if (rel.value > 0 && !rel.symbol) {
		ret = upgrade_start(&start, map, current, rel.label, ge);
		if (ret < 0)
			goto out;
		ret = rt_graph_walk(&dest, map, start, rel.value, rel.label,
		                    assert_relative_length, ge);
		if (ret == 0 && dest == RT_GIDX_NONE)
			ret = rt_gerr_set(ge, RT_GERR_REVISION, NULL,
			                  "Relative revision %s didn't produce "
			                  "%s migrations",
			                  rel.text, rel.digits);
	} else if (rel.value > 0) {
		ret = rt_graph_get_revision(&start, map, rel.symbol, ge);
		if (ret == 0)
			ret = rt_graph_walk(&dest, map, start, rel.value,
			                    rel.label, assert_relative_length,
			                    ge);
	} else if (!rel.symbol) {
		ret = rt_gerr_set(ge, RT_GERR_REVISION, NULL,
		                  "Relative revision %s didn't produce %s "
		                  "migrations",
		                  rt_grel_int_text(&rel, buf, sizeof(buf)),
		                  rel.digits);
	} else {
		char *sym = rel.label ?
		                    rt_xstrfmt("%s@%s", rel.label, rel.symbol) :
		                    rt_xstrdup(rel.symbol);

		ret = rt_graph_get_revision(&start, map, sym, ge);
		free(sym);
		if (ret == 0)
			ret = rt_graph_walk(&dest, map, start, rel.value, NULL,
			                    assert_relative_length, ge);
	}
	if (ret == 0)
		rt_gidx_push(out, dest);
out:
	rt_grel_release(&rel);
	return ret;
}

/* `history -r L@X:...`: keep the targets that carry branch L. */
static int filter_by_branch_of(struct rt_gidx *targets,
                               const struct rt_revmap *map, const char *lower,
                               struct rt_gerr *ge)
{
	const char *at = strchr(lower, '@');
	char *branch = rt_xstrndup(lower, (size_t)(at - lower));
	const char *label = branch;
	size_t rev, kept = 0;
	int ret = rt_graph_get_revision(&rev, map, branch, ge);

	if (ret < 0)
		goto out;
	if (rt_gidx_is_rev(rev) && !strcmp(map->revs[rev]->id, branch)) {
		/* an id used as a label stands for its only label */
		if (map->nodes[rev].nr_labels != 1) {
			ret = rt_gerr_set(
			        ge, RT_GERR_CRASH, NULL,
			        "revision %s used as a branch name "
			        "in '%s' must carry exactly one branch "
			        "label (Alembic fails with an "
			        "AssertionError here)",
			        branch, lower);
			goto out;
		}
		label = map->nodes[rev].labels[0];
	}
	/* Alembic keeps them in a set: each one once */
	for (size_t i = 0; i < targets->nr; i++) {
		size_t k;

		if (!rt_graph_has_label(map, targets->v[i], label))
			continue;
		for (k = 0; k < kept && targets->v[k] != targets->v[i]; k++)
			;
		if (k == kept)
			targets->v[kept++] = targets->v[i];
	}
	targets->nr = kept;
out:
	free(branch);
	return ret;
}

/*
 * `history -r -N:END` where -N walks past a base: Alembic reads the
 * start again, as a downgrade target relative to END.
 */
static int reread_start(struct rt_gidx *current, struct rt_gspec *low,
                        char **low_text, const struct rt_revmap *map,
                        const struct rt_gspec *upper,
                        bool assert_relative_length, struct rt_gerr *ge)
{
	char *label = NULL;
	size_t rev;
	int ret;

	if (low->is_list)
		return rt_gerr_set(ge, RT_GERR_CRASH, NULL,
		                   "a relative range start walks past the base "
		                   "(Alembic fails with an AssertionError "
		                   "here)");
	ret = rt_graph_parse_downgrade_target(&label, &rev, NULL, map, upper,
	                                      low->str, assert_relative_length,
	                                      ge);
	free(label);
	if (ret < 0)
		return ret;
	if (rev == RT_GIDX_NONE)
		return rt_gerr_set(ge, RT_GERR_CRASH, NULL,
		                   "'%s' walks past the base revision (Alembic "
		                   "fails with an AssertionError here)",
		                   low->str);
	rt_gidx_reset(current);
	if (rev == RT_GIDX_BASE) {
		low->str = NULL;
	} else {
		rt_gidx_push(current, rev);
		low->str = *low_text = rt_xstrdup(map->revs[rev]->id);
	}
	return 0;
}

int rt_graph_collect_upgrade(struct rt_gbits *needs, struct rt_gidx *targets,
                             const struct rt_revmap *map,
                             const struct rt_gspec *upper,
                             const struct rt_gspec *lower, bool inclusive,
                             bool implicit_base, bool assert_relative_length,
                             struct rt_gerr *ge)
{
	struct rt_gbits have = RT_GBITS_INIT, desc = RT_GBITS_INIT;
	struct rt_gidx current = RT_GIDX_INIT, extra = RT_GIDX_INIT;
	struct rt_gspec low = *lower;
	char *low_text = NULL;
	int ret;

	rt_gbits_init(needs, map->nr);
	ret = parse_upgrade_target(targets, map, lower, upper,
	                           assert_relative_length, ge);
	if (ret < 0)
		goto out;
	{
		char *what = rt_gspec_text(upper);

		ret = need_revisions(targets, what, ge);
		free(what);
		if (ret < 0)
			goto out;
	}
	if (!low.is_list && low.str && strchr(low.str, '@')) {
		ret = filter_by_branch_of(targets, map, low.str, ge);
		if (ret < 0)
			goto out;
	}
	ret = rt_graph_closure_checked(needs, map, targets->v, targets->nr,
	                               RT_GW_ANC, ge);
	if (ret < 0)
		goto out;
	ret = rt_graph_get_revisions_spec(&current, map, &low, ge);
	if (ret < 0)
		goto out;
	for (size_t i = 0; !implicit_base && i < current.nr; i++) {
		size_t c = current.v[i];

		if (c != RT_GIDX_NONE &&
		    (c == RT_GIDX_BASE || !rt_gbits_test(needs, c))) {
			ret = rt_gerr_set(ge, RT_GERR_RANGE, NULL,
			                  "not an ancestor");
			goto out;
		}
	}
	if (current.nr && current.v[0] == RT_GIDX_NONE) {
		ret = reread_start(&current, &low, &low_text, map, upper,
		                   assert_relative_length, ge);
		if (ret < 0)
			goto out;
	}
	rt_gbits_init(&have, map->nr);
	ret = rt_graph_closure_checked(&have, map, current.v, current.nr,
	                               RT_GW_ANC, ge);
	if (ret < 0)
		goto out;
	rt_gbits_andnot(needs, &have);
	if (inclusive) {
		ret = rt_graph_get_revisions_spec(&extra, map, &low, ge);
		if (ret == 0)
			ret = need_revisions(&extra, low.str ? low.str : "",
			                     ge);
		if (ret < 0)
			goto out;
		for (size_t i = 0; i < extra.nr; i++)
			rt_gbits_set(needs, extra.v[i]);
	}
	if (current.nr && !implicit_base) {
		rt_gbits_init(&desc, map->nr);
		ret = rt_graph_closure_checked(&desc, map, current.v,
		                               current.nr, RT_GW_DESC_V, ge);
		if (ret < 0)
			goto out;
		rt_gbits_and(needs, &desc);
	}
out:
	free(low_text);
	rt_gbits_release(&have);
	rt_gbits_release(&desc);
	rt_gidx_release(&current);
	rt_gidx_release(&extra);
	return ret;
}

/* ---- downgrade targets ------------------------------------------------- */

/* filter_for_lineage() over texts (the version table's rows). */
static int filter_texts(struct rt_gidx *out_pos, const struct rt_revmap *map,
                        const char *const *texts, size_t nr,
                        const char *check_against, struct rt_gerr *ge)
{
	struct rt_glineage lin = RT_GLINEAGE_INIT;
	int ret = rt_graph_lineage_prepare(&lin, map, check_against, false,
	                                   nr > 0, ge);

	for (size_t i = 0; ret == 0 && i < nr; i++) {
		size_t idx = RT_GIDX_NONE;

		if (!lin.all) {
			ret = rt_graph_lookup(&idx, map, texts[i], NULL, ge);
			if (ret < 0)
				break;
		}
		if (rt_graph_lineage_has(&lin, idx))
			rt_gidx_push(out_pos, i);
	}
	rt_graph_lineage_release(&lin);
	return ret;
}

/* `downgrade [L@]-N`: the current revision the walk starts from. */
static int relative_start(char **symbol, char **label,
                          struct rt_strvec *warnings,
                          const struct rt_revmap *map,
                          const struct rt_gspec *current,
                          const struct rt_grel *rel, struct rt_gerr *ge)
{
	const char *one = NULL;
	const char *const *texts;
	struct rt_gidx pos = RT_GIDX_INIT, heads = RT_GIDX_INIT;
	size_t nr;
	int ret = 0;

	spec_texts(current, &texts, &nr, &one);
	if (rt_graph_truthy(rel->label)) {
		ret = filter_texts(&pos, map, texts, nr, rel->label, ge);
		if (ret < 0)
			goto out;
		if (pos.nr == 1) {
			*symbol = rt_xstrdup(texts[pos.v[0]]);
		} else if (!pos.nr) {
			/* the branch's head may be absorbed by a dependant */
			if (nr &&
			    (ret = all_current(&heads, map, texts, nr, ge)) < 0)
				goto out;
			ret = rt_graph_filter_lineage(&heads, map, rel->label,
			                              false, ge);
			if (ret < 0)
				goto out;
			if (heads.nr == 1)
				*symbol = rt_xstrdup(map->revs[heads.v[0]]->id);
		}
		if (!*symbol)
			ret = rt_gerr_set(ge, RT_GERR_CRASH, NULL,
			                  "'%s@%s' does not select exactly one "
			                  "current revision (Alembic fails "
			                  "with an AssertionError here)",
			                  rel->label, rel->text);
		*label = rt_xstrdup(rel->label);
		goto out;
	}
	if (!nr) {
		ret = rt_gerr_set(ge, RT_GERR_REVISION, NULL,
		                  "Relative revision %s didn't produce %s "
		                  "migrations",
		                  rel->text, rel->digits);
		goto out;
	}
	for (size_t i = 1; i < nr; i++)
		if (strcmp(texts[i], texts[0])) {
			if (warnings)
				rt_strvec_push(
				        warnings,
				        "downgrade -1 from multiple heads "
				        "is ambiguous; this usage will be "
				        "disallowed in a future release.");
			break;
		}
	*symbol = rt_xstrdup(texts[0]);
	*label = rt_xstrdup(texts[0]);
out:
	rt_gidx_release(&pos);
	rt_gidx_release(&heads);
	return ret;
}

int rt_graph_parse_downgrade_target(char **label, size_t *target,
                                    struct rt_strvec *warnings,
                                    const struct rt_revmap *map,
                                    const struct rt_gspec *current,
                                    const char *target_text,
                                    bool assert_relative_length,
                                    struct rt_gerr *ge)
{
	struct rt_grel rel = RT_GREL_INIT;
	char *symbol = NULL;
	size_t start;
	int ret = 0;

	*label = NULL;
	*target = RT_GIDX_NONE;
	if (!target_text)
		return 0;
	if (!rt_graph_parse_relative(&rel, target_text)) {
		const char *at = strrchr(target_text, '@');

		if (at && at > target_text)
			*label = rt_xstrndup(target_text,
			                     (size_t)(at - target_text));
		return rt_graph_get_revision(target, map,
		                             at ? at + 1 : target_text, ge);
	}
	if (rel.value >= 0) {
		if (!rel.symbol) {
			ret = rt_gerr_set(ge, RT_GERR_REVISION, NULL,
			                  "Relative revision %s didn't produce "
			                  "%s migrations",
			                  rel.text, rel.digits);
			goto out;
		}
		ret = rt_graph_get_revision(&start, map, rel.symbol, ge);
		if (ret == 0)
			ret = rt_graph_walk(target, map, start, rel.value,
			                    rel.label, assert_relative_length,
			                    ge);
		if (ret == 0 && *target == RT_GIDX_NONE)
			ret = rt_gerr_set(ge, RT_GERR_REVISION, NULL,
			                  "Walked too far");
		if (rel.label)
			*label = rt_xstrdup(rel.label);
		goto out;
	}
	if (!rel.symbol) {
		ret = relative_start(&symbol, label, warnings, map, current,
		                     &rel, ge);
	} else {
		symbol = rt_xstrdup(rel.symbol);
		if (rel.label)
			*label = rt_xstrdup(rel.label);
	}
	if (ret < 0)
		goto out;
	{
		char *full = *label ? rt_xstrfmt("%s@%s", *label, symbol) :
		                      rt_xstrdup(symbol);

		ret = rt_graph_get_revision(&start, map, full, ge);
		free(full);
	}
	if (ret == 0)
		ret = rt_graph_walk(target, map, start, rel.value, NULL,
		                    assert_relative_length, ge);
	if (ret == 0 && *target == RT_GIDX_NONE) {
		if (!rel.symbol)
			ret = rt_gerr_set(ge, RT_GERR_REVISION, NULL,
			                  "Relative revision %s didn't produce "
			                  "%s migrations",
			                  rel.text, rel.digits);
		else
			ret = rt_gerr_set(ge, RT_GERR_REVISION, NULL,
			                  "Walked too far");
	}
out:
	free(symbol);
	rt_grel_release(&rel);
	return ret;
}

int rt_graph_collect_downgrade(struct rt_gbits *revs, struct rt_gidx *heads,
                               struct rt_strvec *warnings,
                               const struct rt_revmap *map,
                               const struct rt_gspec *upper, const char *target,
                               bool assert_relative_length, struct rt_gerr *ge)
{
	struct rt_gidx roots = RT_GIDX_INIT;
	struct rt_gbits active = RT_GBITS_INIT;
	char *label = NULL;
	size_t dest, count = 0;
	int ret;

	rt_gbits_init(revs, map->nr);
	ret = rt_graph_parse_downgrade_target(&label, &dest, warnings, map,
	                                      upper, target,
	                                      assert_relative_length, ge);
	if (ret < 0)
		goto out;
	if (dest == RT_GIDX_BASE)
		dest = RT_GIDX_NONE;
	if (dest == RT_GIDX_NONE) {
		/* Alembic counts a base once more per label it declares */
		for (size_t i = 0; i < map->bases.nr; i++) {
			rt_gidx_push(&roots, map->bases.v[i]);
			count += 1 + map->revs[map->bases.v[i]]->nr_labels;
		}
	} else {
		const struct rt_gnode *n = &map->nodes[dest];

		for (size_t i = 0; i < n->nr_children; i++)
			rt_gidx_push(&roots, n->children[i]);
		count = n->nr_children;
	}
	if (rt_graph_truthy(label) && count > 1) {
		struct rt_gbits anc = RT_GBITS_INIT;
		size_t b, kept = 0;

		ret = rt_graph_resolve_branch(&b, map, label, ge);
		if (ret < 0)
			goto out;
		rt_gbits_init(&anc, map->nr);
		rt_graph_closure(&anc, map, &b, 1, RT_GW_ANC_V);
		for (size_t i = 0; i < roots.nr; i++)
			if (rt_gbits_test(&anc, roots.v[i]))
				roots.v[kept++] = roots.v[i];
		roots.nr = kept;
		rt_gbits_release(&anc);
		if (!kept) {
			ret = rt_gerr_set(ge, RT_GERR_REVISION, NULL,
			                  "Not a valid downgrade target from "
			                  "current heads");
			goto out;
		}
	}
	ret = rt_graph_get_revisions_spec(heads, map, upper, ge);
	if (ret == 0)
		ret = need_revisions(heads, "the version table", ge);
	if (ret < 0)
		goto out;
	rt_graph_closure(revs, map, roots.v, roots.nr, RT_GW_DESC);
	rt_gbits_init(&active, map->nr);
	rt_graph_closure(&active, map, heads->v, heads->nr, RT_GW_ANC);
	rt_gbits_and(revs, &active);
	if (dest != RT_GIDX_NONE && !rt_gbits_any(revs) &&
	    !rt_gidx_contains(heads, dest))
		ret = rt_gerr_set(ge, RT_GERR_RANGE, NULL, "Nothing to drop");
out:
	free(label);
	rt_gbits_release(&active);
	rt_gidx_release(&roots);
	return ret;
}
