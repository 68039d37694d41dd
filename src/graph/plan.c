#include "util/compat.h"
/*
 * plan.c - the steps of `upgrade`, `downgrade` and `stamp` (plan.h):
 * which revisions run in which order (collect.c, topo.c), the log line
 * of each step, and the version-table changes that go with it
 * (heads_maintainer.c), all computed before anything touches a database.
 */
#include "graph/graph_internal.h"
#include "error_raise.h"
#include "util/alloc.h"
#include "util/buf.h"

/* ---- steps ------------------------------------------------------------- */

static void add_joined(struct rt_buf *sb, const char *const *ids, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		if (i)
			rt_buf_adds(sb, ", ");
		rt_buf_adds(sb, ids[i]);
	}
}

static struct rt_step *new_step(struct rt_plan *plan, enum rt_step_kind kind,
                                const struct rt_revision *rev)
{
	struct rt_step *step;

	RT_ALLOC_GROW(plan->steps, plan->nr + 1, plan->alloc);
	step = &plan->steps[plan->nr++];
	memset(step, 0, sizeof(*step));
	step->kind = kind;
	step->rev = rev;
	return step;
}

static void step_release(struct rt_step *step)
{
	free(step->short_line);
	free(step->ops);
	memset(step, 0, sizeof(*step));
}

/* "Running upgrade a, b -> c" / "Running downgrade c -> a, b" (+ doc) */
static void revision_lines(struct rt_step *step, bool upgrade)
{
	const struct rt_revision *rev = step->rev;
	struct rt_buf sb = RT_BUF_INIT;

	rt_buf_adds(&sb, upgrade ? "Running upgrade " : "Running downgrade ");
	if (upgrade) {
		add_joined(&sb, rev->down_revisions, rev->nr_down);
		rt_buf_addf(&sb, " -> %s", rev->id);
	} else {
		rt_buf_addf(&sb, "%s -> ", rev->id);
		add_joined(&sb, rev->down_revisions, rev->nr_down);
	}
	step->short_line = rt_buf_detach(&sb);
}

static void stamp_lines(struct rt_step *step, const char *const *from,
                        size_t nr_from, const char *to)
{
	struct rt_buf sb = RT_BUF_INIT;

	rt_buf_adds(&sb, "Running stamp_revision ");
	add_joined(&sb, from, nr_from);
	rt_buf_addf(&sb, " -> %s", to ? to : "");
	step->short_line = rt_buf_detach(&sb);
}

void rt_step_log_line(struct rt_buf *out, const struct rt_step *step)
{
	rt_buf_adds(out, step->short_line);
	if (step->kind != RT_STEP_STAMP && step->rev && step->rev->doc &&
	    *step->rev->doc)
		rt_buf_addf(out, ", %s", step->rev->doc);
}

/*
 * The in-memory rows, as Alembic's set of the table's rows.  An exact id
 * is stored as the revision's own string; anything else is copied into
 * the plan, so the ops' strings live as long as the plan.
 */
static void init_rows(struct rt_ghm *h, struct rt_plan *plan,
                      const struct rt_revmap *map, const char *const *rows,
                      size_t nr_rows)
{
	for (size_t i = 0; i < nr_rows; i++) {
		const struct rt_revision *rev = rt_revmap_get(map, rows[i]);
		bool dup = false;

		for (size_t k = 0; k < h->nr && !dup; k++)
			dup = !strcmp(h->v[k], rows[i]);
		if (dup)
			continue;
		rt_ghm_add(h, rev ? rev->id :
		                    rt_arena_strdup(&plan->strings, rows[i]));
	}
}

/*
 * Alembic updates the version table after running each step; where that
 * bookkeeping breaks, the steps before it stay committed.  The plan keeps
 * those and says where to stop.
 */
static void fail_at(struct rt_plan *plan, struct rt_gerr *ge)
{
	step_release(&plan->steps[plan->nr - 1]);
	plan->nr--;
	plan->fail_after = (long)plan->nr;
	if (ge->kind != RT_GERR_CRASH)
		ge->kind = RT_GERR_CRASH;
	rt_error_clear(&plan->failure);
	rt_graph_catch(&plan->failure, ge, RT_GCTX_PLAIN, NULL, NULL);
}

static void revision_steps(struct rt_plan *plan, const struct rt_revmap *map,
                           const char *const *rows, size_t nr_rows,
                           const size_t *order, size_t nr, bool upgrade)
{
	struct rt_ghm h = RT_GHM_INIT;
	struct rt_gerr ge = RT_GERR_INIT;

	init_rows(&h, plan, map, rows, nr_rows);
	for (size_t i = 0; i < nr; i++) {
		size_t rev = upgrade ? order[nr - 1 - i] : order[i];
		struct rt_step *step = new_step(
		        plan, upgrade ? RT_STEP_UPGRADE : RT_STEP_DOWNGRADE,
		        map->revs[rev]);

		revision_lines(step, upgrade);
		if (rt_ghm_revision_step(&h, step, map, rev, upgrade, &ge) <
		    0) {
			fail_at(plan, &ge);
			break;
		}
	}
	rt_ghm_release(&h);
}

/* ---- upgrade and downgrade ------------------------------------------- */

int rt_plan_upgrade(struct rt_plan *out, const struct rt_revmap *map,
                    const char *const *rows, size_t nr_rows, const char *target,
                    struct rt_error *err)
{
	struct rt_gspec upper = { target, NULL, 0, false };
	struct rt_gspec lower = { NULL, rows, nr_rows, true };
	struct rt_gbits needs = RT_GBITS_INIT;
	struct rt_gidx targets = RT_GIDX_INIT, order = RT_GIDX_INIT;
	struct rt_gerr ge = RT_GERR_INIT;
	int ret = 0;

	if (rt_graph_collect_upgrade(&needs, &targets, map, &upper, &lower,
	                             false, true, true, &ge) < 0 ||
	    rt_graph_toposort(&order, map, &needs, targets.v, targets.nr, &ge) <
	            0) {
		ret = rt_graph_catch(err, &ge, RT_GCTX_UPGRADE, NULL, target);
		goto out;
	}
	revision_steps(out, map, rows, nr_rows, order.v, order.nr, true);
out:
	rt_gbits_release(&needs);
	rt_gidx_release(&targets);
	rt_gidx_release(&order);
	return ret;
}

int rt_plan_downgrade(struct rt_plan *out, const struct rt_revmap *map,
                      const char *const *rows, size_t nr_rows,
                      const char *target, struct rt_error *err)
{
	struct rt_gspec upper = { NULL, rows, nr_rows, true };
	struct rt_gbits revs = RT_GBITS_INIT;
	struct rt_gidx heads = RT_GIDX_INIT, order = RT_GIDX_INIT;
	struct rt_gerr ge = RT_GERR_INIT;
	int ret = 0;

	if (rt_graph_collect_downgrade(&revs, &heads, &out->warnings, map,
	                               &upper, target, true, &ge) < 0 ||
	    rt_graph_toposort(&order, map, &revs, heads.v, heads.nr, &ge) < 0) {
		ret = rt_graph_catch(err, &ge, RT_GCTX_DOWNGRADE, NULL, target);
		goto out;
	}
	revision_steps(out, map, rows, nr_rows, order.v, order.nr, false);
out:
	rt_gbits_release(&revs);
	rt_gidx_release(&heads);
	rt_gidx_release(&order);
	return ret;
}

int rt_plan_precheck(enum rt_step_kind kind, const char *target, size_t nr_rows,
                     struct rt_error *err)
{
	struct rt_grel rel = RT_GREL_INIT;
	char buf[64];
	int ret = 0;

	if (!rt_graph_parse_relative(&rel, target) || rel.symbol)
		goto out;
	if (kind == RT_STEP_UPGRADE && rel.value <= 0)
		ret = rt_error_set(err, RT_EUSAGE,
		                   "Relative revision %s didn't produce %s "
		                   "migrations",
		                   rt_grel_int_text(&rel, buf, sizeof(buf)),
		                   rel.digits);
	else if (kind == RT_STEP_DOWNGRADE &&
	         (rel.value >= 0 || (!rt_graph_truthy(rel.label) && !nr_rows)))
		ret = rt_error_set(err, RT_EUSAGE,
		                   "Relative revision %s didn't produce %s "
		                   "migrations",
		                   rel.text, rel.digits);
out:
	rt_grel_release(&rel);
	return ret;
}

/* ---- stamp ------------------------------------------------------------- */

struct stamp_spec {
	struct rt_gidx from; /* revision positions */
	size_t to; /* RT_GIDX_NONE: base */
	bool upgrade;
	bool branch_move;
};

struct stamp_specs {
	struct stamp_spec *v;
	size_t nr;
	size_t alloc;
};

static struct stamp_spec *add_spec(struct stamp_specs *s, size_t to,
                                   bool upgrade, bool branch_move)
{
	struct stamp_spec *spec;

	RT_ALLOC_GROW(s->v, s->nr + 1, s->alloc);
	spec = &s->v[s->nr++];
	memset(spec, 0, sizeof(*spec));
	spec->to = to;
	spec->upgrade = upgrade;
	spec->branch_move = branch_move;
	return spec;
}

static bool any_in(const struct rt_gidx *l, const struct rt_gbits *set)
{
	for (size_t i = 0; i < l->nr; i++)
		if (rt_gbits_test(set, l->v[i]))
			return true;
	return false;
}

/* What Alembic's _stamp_revs decides for one destination. */
static int stamp_one(struct stamp_specs *specs, const struct rt_revmap *map,
                     const struct rt_gidx *relevant, size_t dest,
                     struct rt_gerr *ge)
{
	struct rt_gbits desc = RT_GBITS_INIT, anc = RT_GBITS_INIT;
	bool down, up;

	if (dest == RT_GIDX_NONE) {
		for (size_t i = 0; i < relevant->nr; i++)
			rt_gidx_push(&add_spec(specs, RT_GIDX_NONE, false, true)
			                      ->from,
			             relevant->v[i]);
		return 0;
	}
	if (dest == RT_GIDX_BASE)
		return rt_gerr_set(ge, RT_GERR_CRASH, NULL,
		                   "a stamp target walks down to 'base' "
		                   "(Alembic fails with an AssertionError "
		                   "here); use `base` instead");
	if (rt_gidx_contains(relevant, dest))
		return 0;
	rt_gbits_init(&desc, map->nr);
	rt_gbits_init(&anc, map->nr);
	rt_graph_closure(&desc, map, &dest, 1, RT_GW_DESC);
	rt_graph_closure(&anc, map, &dest, 1, RT_GW_ANC);
	down = any_in(relevant, &desc);
	up = any_in(relevant, &anc);
	rt_gbits_release(&desc);
	rt_gbits_release(&anc);
	if (down && up)
		return rt_gerr_set(ge, RT_GERR_CRASH, NULL,
		                   "stamping %s would move version table rows "
		                   "both up and down to it (Alembic fails "
		                   "with an AssertionError here); use `stamp "
		                   "--purge` with the intended heads",
		                   map->revs[dest]->id);
	if (down || up) {
		struct stamp_spec *spec = add_spec(specs, dest, !down, false);

		for (size_t i = 0; i < relevant->nr; i++)
			rt_gidx_push(&spec->from, relevant->v[i]);
	} else {
		add_spec(specs, dest, true, true);
	}
	return 0;
}

static int stamp_specs(struct stamp_specs *specs, const struct rt_revmap *map,
                       const char *const *rows, size_t nr_rows,
                       const char *const *texts, size_t nr_texts,
                       struct rt_error *err)
{
	struct rt_gidx heads = RT_GIDX_INIT, relevant = RT_GIDX_INIT,
	               dests = RT_GIDX_INIT, some = RT_GIDX_INIT;
	struct rt_gerr ge = RT_GERR_INIT;
	enum rt_gctx ctx = RT_GCTX_PLAIN;
	int ret = 0;

	for (size_t i = 0; i < nr_rows; i++)
		if ((ret = rt_graph_get_revisions(&heads, map, rows[i], &ge)) <
		    0)
			goto out;
	/* the rows each target shares lineage with (dependencies count) */
	ctx = RT_GCTX_STAMP;
	for (size_t t = 0; t < nr_texts; t++) {
		if (!rt_graph_truthy(texts[t]))
			continue;
		rt_gidx_reset(&some);
		for (size_t i = 0; i < heads.nr; i++)
			rt_gidx_push(&some, heads.v[i]);
		ret = rt_graph_filter_lineage(&some, map, texts[t], true, &ge);
		if (ret < 0)
			goto out;
		for (size_t i = 0; i < some.nr; i++)
			if (!rt_gidx_contains(&relevant, some.v[i]))
				rt_gidx_push(&relevant, some.v[i]);
	}
	ctx = RT_GCTX_PLAIN;
	for (size_t t = 0; t < nr_texts; t++)
		if ((ret = rt_graph_get_revisions(&dests, map, texts[t], &ge)) <
		    0)
			goto out;
	if (!dests.nr)
		rt_gidx_push(&dests, RT_GIDX_NONE);
	ctx = RT_GCTX_STAMP;
	for (size_t d = 0; d < dests.nr; d++)
		if ((ret = stamp_one(specs, map, &relevant, dests.v[d], &ge)) <
		    0)
			goto out;
out:
	if (ret < 0)
		ret = rt_graph_catch(err, &ge, ctx, NULL, NULL);
	rt_gidx_release(&heads);
	rt_gidx_release(&relevant);
	rt_gidx_release(&dests);
	rt_gidx_release(&some);
	return ret;
}

/*
 * Stamping a revision together with one of its ancestors records
 * overlapping rows, and every later upgrade then fails with "overlaps".
 * Alembic accepts it (and recorded runs depend on that), so retort does
 * too, but says so: the warning names the revisions and their files.
 */
static void warn_stamp_overlap(struct rt_plan *out, const struct rt_revmap *map,
                               const struct stamp_specs *specs)
{
	struct rt_gidx dests = RT_GIDX_INIT;
	struct rt_gbits seen = RT_GBITS_INIT;
	struct rt_gerr ge = RT_GERR_INIT;

	for (size_t s = 0; s < specs->nr; s++)
		if (rt_gidx_is_rev(specs->v[s].to) &&
		    !rt_gidx_contains(&dests, specs->v[s].to))
			rt_gidx_push(&dests, specs->v[s].to);
	rt_gbits_init(&seen, map->nr);
	if (dests.nr > 1 &&
	    rt_graph_closure_checked(&seen, map, dests.v, dests.nr, RT_GW_ANC_V,
	                             &ge) < 0 &&
	    ge.kind == RT_GERR_REVISION)
		rt_strvec_pushf(&out->warnings,
		                "%s: the version table will hold a revision "
		                "and one of its ancestors, and later upgrades "
		                "will fail; stamp only the newest revision of "
		                "each branch (or use stamp --purge to repair)",
		                ge.msg);
	rt_gbits_release(&seen);
	rt_gidx_release(&dests);
}

int rt_plan_stamp(struct rt_plan *out, const struct rt_revmap *map,
                  const char *const *rows, size_t nr_rows,
                  const char *const *targets, size_t nr_targets, bool purge,
                  struct rt_error *err)
{
	static const char *const base_only[] = { "base" };
	struct stamp_specs specs = { NULL, 0, 0 };
	struct rt_ghm h = RT_GHM_INIT;
	struct rt_gerr ge = RT_GERR_INIT;
	const char **from = NULL;
	int ret;

	if (purge)
		nr_rows = 0;
	if (!nr_targets) {
		targets = base_only;
		nr_targets = 1;
	}
	ret = stamp_specs(&specs, map, rows, nr_rows, targets, nr_targets, err);
	if (ret < 0)
		goto out;
	warn_stamp_overlap(out, map, &specs);
	init_rows(&h, out, map, rows, nr_rows);
	for (size_t s = 0; s < specs.nr; s++) {
		const struct stamp_spec *spec = &specs.v[s];
		const char *to = spec->to == RT_GIDX_NONE ?
		                         NULL :
		                         map->revs[spec->to]->id;
		struct rt_step *step = new_step(out, RT_STEP_STAMP, NULL);

		from = rt_xrealloc(
		        from, rt_st_mult(spec->from.nr + 1, sizeof(*from)));
		for (size_t i = 0; i < spec->from.nr; i++)
			from[i] = map->revs[spec->from.v[i]]->id;
		stamp_lines(step, from, spec->from.nr, to);
		if (rt_ghm_stamp_step(&h, step, from, spec->from.nr, to,
		                      spec->upgrade, spec->branch_move,
		                      &ge) < 0) {
			fail_at(out, &ge);
			break;
		}
	}
out:
	free(from);
	for (size_t s = 0; s < specs.nr; s++)
		rt_gidx_release(&specs.v[s].from);
	free(specs.v);
	rt_ghm_release(&h);
	return ret;
}

void rt_plan_release(struct rt_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->nr; i++)
		step_release(&plan->steps[i]);
	free(plan->steps);
	plan->steps = NULL;
	plan->nr = 0;
	plan->alloc = 0;
	rt_strvec_clear(&plan->warnings);
	plan->fail_after = -1;
	rt_error_clear(&plan->failure);
	rt_arena_release(&plan->strings);
}
