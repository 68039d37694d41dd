#include "util/compat.h"
/*
 * revmap.c - building the revision graph from the loaded revisions: the
 * identifier map (ids and branch labels), parent/child and dependency
 * links, normalized dependencies, heads and bases, Alembic's validation
 * (self-loops, cycles, duplicate labels, missing references) and the
 * spreading of branch labels; plus the simple accessors of revmap.h.
 */
#include "graph/graph_internal.h"
#include "error_raise.h"
#include "util/alloc.h"
#include "util/buf.h"

/* ---- the identifier map ---------------------------------------------- */

static size_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

bool rt_graph_find_key(const struct rt_revmap *map, const char *key,
                       size_t *idx)
{
	size_t mask, pos;

	if (!map->table_size || !key)
		return false;
	mask = map->table_size - 1;
	for (pos = hash_str(key) & mask; map->table[pos] != SIZE_MAX;
	     pos = (pos + 1) & mask) {
		const struct rt_gkey *k = &map->keys[map->table[pos]];

		if (!strcmp(k->key, key)) {
			*idx = k->idx;
			return true;
		}
	}
	return false;
}

/* Add a key that is known to be absent. */
static void add_key(struct rt_revmap *map, const char *key, size_t idx)
{
	size_t mask = map->table_size - 1;
	size_t pos = hash_str(key) & mask;

	while (map->table[pos] != SIZE_MAX)
		pos = (pos + 1) & mask;
	map->table[pos] = map->nr_keys;
	map->keys[map->nr_keys].key = key;
	map->keys[map->nr_keys].idx = idx;
	map->nr_keys++;
}

static void init_table(struct rt_revmap *map, size_t nr_keys)
{
	size_t size = 16;

	while (size < rt_st_mult(nr_keys, 2))
		size *= 2;
	map->table_size = size;
	map->table = rt_xmalloc(rt_st_mult(size, sizeof(*map->table)));
	for (size_t i = 0; i < size; i++)
		map->table[i] = SIZE_MAX;
	map->keys = rt_xcalloc(nr_keys ? nr_keys : 1, sizeof(*map->keys));
}

/* ---- small helpers --------------------------------------------------- */

/* Where a revision comes from, for messages. */
static const char *rev_where(const struct rt_revision *rev, char *buf,
                             size_t size)
{
	if (rev->path)
		return rev->path;
	snprintf(buf, size, "revision %s", rev->id);
	return buf;
}

static size_t *arena_copy(struct rt_revmap *map, const size_t *v, size_t nr)
{
	size_t *copy;

	if (!nr)
		return NULL;
	copy = rt_arena_alloc(&map->arena, rt_st_mult(nr, sizeof(*copy)));
	memcpy(copy, v, nr * sizeof(*copy));
	return copy;
}

/* `a` then `b`, each value once, first occurrence kept. */
static size_t *dedupe_concat(struct rt_revmap *map, const size_t *a, size_t na,
                             const size_t *b, size_t nb, size_t *nr)
{
	size_t *out = rt_arena_alloc(&map->arena,
	                             rt_st_mult(na + nb + 1, sizeof(*out)));
	size_t n = 0;

	for (size_t i = 0; i < na + nb; i++) {
		size_t v = i < na ? a[i] : b[i - na];
		size_t k;

		for (k = 0; k < n && out[k] != v; k++)
			;
		if (k == n)
			out[n++] = v;
	}
	*nr = n;
	return out;
}

/*
 * The same, but `a` itself when that is the answer (at most one value and
 * nothing in `b`, the case of nearly every revision), which saves an
 * allocation a revision; the graph never changes these arrays.
 */
static size_t *union_of(struct rt_revmap *map, size_t *a, size_t na,
                        const size_t *b, size_t nb, size_t *nr)
{
	if (na <= 1 && !nb) {
		*nr = na;
		return a;
	}
	return dedupe_concat(map, a, na, b, nb, nr);
}

static bool has_str(const char *const *v, size_t nr, const char *s)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

/* ---- validation ------------------------------------------------------ */

bool rt_revision_id_forbidden(struct rt_buf *out, const char *id)
{
	static const char forbidden[] = "+-@"; /* sorted, as Alembic lists */
	size_t start = out->len;

	for (const char *c = forbidden; *c; c++)
		if (strchr(id, *c))
			rt_buf_addf(out, "%s%c", out->len > start ? ", " : "",
			            *c);
	return out->len > start;
}

/* What Alembic checks while constructing each revision, in load order. */
static int check_revision(const struct rt_revision *rev, struct rt_error *err)
{
	struct rt_buf sb = RT_BUF_INIT;
	int ret;

	if (rev->nr_down && has_str(rev->down_revisions, rev->nr_down, rev->id))
		return rt_error_hint(
		        err,
		        rt_error_set_at(
		                err, RT_EGRAPH, rev->path, 0,
		                "Self-loop is detected in revisions (%s)",
		                rev->id),
		        "%s revises itself; fix its 'Revises:' line",
		        rev->path);
	if (has_str(rev->depends_on, rev->nr_depends, rev->id))
		return rt_error_hint(
		        err,
		        rt_error_set_at(err, RT_EGRAPH, rev->path, 0,
		                        "Dependency self-loop is detected in "
		                        "revisions (%s)",
		                        rev->id),
		        "%s depends on itself; fix its 'Depends On:' line",
		        rev->path);
	if (!rt_revision_id_forbidden(&sb, rev->id))
		return 0;
	ret = rt_error_set_at(err, RT_EGRAPH, rev->path, 0,
	                      "Character(s) '%s' not allowed in revision "
	                      "identifier '%s'",
	                      sb.buf, rev->id);
	rt_buf_release(&sb);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "Cycle is detected in revisions (a, b)" naming `ids`. */
static int cycle_error(const struct rt_revmap *map, const char *kind,
                       const char **ids, size_t nr, struct rt_error *err)
{
	struct rt_buf sb = RT_BUF_INIT;
	size_t first = 0;
	int ret;

	for (size_t i = 0; i < nr; i++) {
		if (i)
			rt_buf_adds(&sb, ", ");
		rt_buf_adds(&sb, ids[i]);
	}
	if (nr)
		rt_graph_find_key(map, ids[0], &first);
	ret = rt_error_set_at(err, RT_EGRAPH,
	                      nr ? map->revs[first]->path : NULL, 0,
	                      "%s is detected in revisions (%s)", kind, sb.buf);
	rt_buf_reset(&sb);
	for (size_t i = 0; i < nr; i++) {
		size_t at;
		if (rt_graph_find_key(map, ids[i], &at))
			rt_buf_addf(&sb, "%s%s", sb.len ? ", " : "",
			            map->revs[at]->path);
	}
	rt_error_hint(err, ret,
	              "the revisions of the cycle are in %s; fix their "
	              "'Revises:'/'Depends On:' lines",
	              sb.buf);
	rt_buf_release(&sb);
	return ret;
}

/*
 * Alembic's cycle check: every revision must lie on a path from a base
 * to a head (versioned links first, then with dependencies).  With no
 * head or no base at all it names every revision in load order; else the
 * revisions off those paths, sorted.
 */
static int check_cycles(struct rt_revmap *map, bool deps,
                        const struct rt_gidx *tops, const struct rt_gidx *roots,
                        struct rt_error *err)
{
	const char *kind = deps ? "Dependency cycle" : "Cycle";
	struct rt_gbits up = RT_GBITS_INIT, down = RT_GBITS_INIT;
	const char **ids = NULL; /* only once there is something to name */
	size_t n = 0;
	int ret = 0;

	if (!tops->nr || !roots->nr) {
		ids = rt_xcalloc(map->nr + 1, sizeof(*ids));
		for (size_t i = 0; i < map->nr; i++)
			ids[n++] = map->revs[i]->id;
		ret = cycle_error(map, kind, ids, n, err);
		goto out;
	}
	rt_gbits_init(&up, map->nr);
	rt_gbits_init(&down, map->nr);
	rt_graph_closure(&up, map, tops->v, tops->nr,
	                 deps ? RT_GW_ANC_ALL : RT_GW_ANC_V);
	rt_graph_closure(&down, map, roots->v, roots->nr,
	                 deps ? RT_GW_DESC : RT_GW_DESC_V);
	rt_gbits_and(&up, &down);
	for (size_t i = 0; i < map->nr; i++) {
		if (rt_gbits_test(&up, i))
			continue;
		if (!ids)
			ids = rt_xcalloc(map->nr + 1, sizeof(*ids));
		ids[n++] = map->revs[i]->id;
	}
	if (n) {
		qsort(ids, n, sizeof(*ids), cmp_str);
		ret = cycle_error(map, kind, ids, n, err);
	}
out:
	rt_gbits_release(&up);
	rt_gbits_release(&down);
	free(ids);
	return ret;
}

/* Peel off revisions with no remaining edge on one side (Kahn). */
static void peel(const struct rt_revmap *map, bool deps, bool from_top,
                 struct rt_gbits *gone)
{
	size_t *left = rt_xcalloc(map->nr + 1, sizeof(*left));
	struct rt_gidx queue = RT_GIDX_INIT;

	for (size_t p = 0; p < map->nr; p++) {
		const struct rt_gnode *n = &map->nodes[p];
		const size_t *kids = deps ? n->all_children : n->children;
		size_t nk = deps ? n->nr_all_children : n->nr_children;

		for (size_t k = 0; k < nk; k++)
			if (!rt_gbits_test(gone, p) &&
			    !rt_gbits_test(gone, kids[k]))
				left[from_top ? p : kids[k]]++;
	}
	for (size_t i = 0; i < map->nr; i++)
		if (!rt_gbits_test(gone, i) && !left[i])
			rt_gidx_push(&queue, i);
	for (size_t q = 0; q < queue.nr; q++) {
		size_t r = queue.v[q];
		const struct rt_gnode *n = &map->nodes[r];
		const size_t *next;
		size_t nn;

		rt_gbits_set(gone, r);
		if (from_top) {
			next = deps ? n->all_down : n->parents;
			nn = deps ? n->nr_all_down : n->nr_parents;
		} else {
			next = deps ? n->all_children : n->children;
			nn = deps ? n->nr_all_children : n->nr_children;
		}
		for (size_t k = 0; k < nn; k++) {
			size_t m = next[k];

			/* repeated parents were counted once per child */
			if (from_top && k && !deps) {
				size_t j;

				for (j = 0; j < k && next[j] != m; j++)
					;
				if (j < k)
					continue;
			}
			if (!rt_gbits_test(gone, m) && left[m] &&
			    --left[m] == 0)
				rt_gidx_push(&queue, m);
		}
	}
	rt_gidx_release(&queue);
	free(left);
}

/*
 * Alembic's check misses a cycle that lies on a path from a base to a
 * head (and then loops forever when ordering).  Whatever survives
 * peeling from both ends lies on or between cycles.
 */
static int check_real_cycles(struct rt_revmap *map, bool deps,
                             struct rt_error *err)
{
	struct rt_gbits gone = RT_GBITS_INIT;
	const char **ids = NULL; /* only once there is something to name */
	size_t n = 0;
	int ret = 0;

	rt_gbits_init(&gone, map->nr);
	peel(map, deps, false, &gone);
	peel(map, deps, true, &gone);
	for (size_t i = 0; i < map->nr; i++) {
		if (rt_gbits_test(&gone, i))
			continue;
		if (!ids)
			ids = rt_xcalloc(map->nr + 1, sizeof(*ids));
		ids[n++] = map->revs[i]->id;
	}
	if (n) {
		qsort(ids, n, sizeof(*ids), cmp_str);
		ret = cycle_error(map, deps ? "Dependency cycle" : "Cycle", ids,
		                  n, err);
	}
	rt_gbits_release(&gone);
	free(ids);
	return ret;
}

/* ---- building -------------------------------------------------------- */

/*
 * Add `key` unless it is there already: true and its index in *idx when
 * it is.  One hash and one probe sequence for both.
 */
static bool find_or_add_key(struct rt_revmap *map, const char *key, size_t idx,
                            size_t *found)
{
	size_t mask = map->table_size - 1;
	size_t pos = hash_str(key) & mask;

	for (; map->table[pos] != SIZE_MAX; pos = (pos + 1) & mask) {
		const struct rt_gkey *k = &map->keys[map->table[pos]];

		if (!strcmp(k->key, key)) {
			*found = k->idx;
			return true;
		}
	}
	map->table[pos] = map->nr_keys;
	map->keys[map->nr_keys].key = key;
	map->keys[map->nr_keys].idx = idx;
	map->nr_keys++;
	return false;
}

static int add_ids(struct rt_revmap *map, struct rt_error *err)
{
	char b1[256];

	for (size_t i = 0; i < map->nr; i++) {
		const struct rt_revision *rev = map->revs[i];
		size_t other;

		if (find_or_add_key(map, rev->id, i, &other)) {
			char b2[256];

			return rt_error_set_at(
			        err, RT_EGRAPH, rev->path, 0,
			        "Revision %s is present more than once (%s "
			        "and %s); give one of them a new Revision ID",
			        rev->id,
			        rev_where(map->revs[other], b1, sizeof(b1)),
			        rev_where(rev, b2, sizeof(b2)));
		}
	}
	return 0;
}

static int add_labels(struct rt_revmap *map, struct rt_error *err)
{
	for (size_t i = 0; i < map->nr; i++) {
		const struct rt_revision *rev = map->revs[i];

		for (size_t l = 0; l < rev->nr_labels; l++) {
			const char *label = rev->branch_labels[l];
			size_t other;

			if (rt_graph_find_key(map, label, &other))
				return rt_error_hint(
				        err,
				        rt_error_set_at(
				                err, RT_EGRAPH, rev->path, 0,
				                "Branch name '%s' in revision %s "
				                "already used by revision %s",
				                label, rev->id,
				                map->revs[other]->id),
				        "the label is declared in %s and in %s; "
				        "keep it in one of them",
				        map->revs[other]->path, rev->path);
			add_key(map, label, i);
		}
	}
	return 0;
}

/*
 * RT_ERROR, not RT_EGRAPH, and marked as a crash: Alembic has no message
 * for this and every command dies with a KeyError.
 */
static int missing_error(const struct rt_revision *rev, const char *what,
                         struct rt_error *err)
{
	char buf[256];

	return rt_error_mark_crash(
	        err, rt_error_set_at(err, RT_ERROR, rev->path, 0,
	                             "Revision %s referenced from %s is not "
	                             "present",
	                             what, rev_where(rev, buf, sizeof(buf))));
}

/* Resolve `Depends On` entries (ids or labels, exactly) and parents. */
static int link_revisions(struct rt_revmap *map, struct rt_error *err)
{
	size_t *tmp = NULL;
	size_t alloc = 0;
	int ret = 0;

	for (size_t i = 0; i < map->nr; i++) {
		const struct rt_revision *rev = map->revs[i];
		struct rt_gnode *n = &map->nodes[i];

		RT_ALLOC_GROW(tmp, rev->nr_depends + 1, alloc);
		for (size_t d = 0; d < rev->nr_depends; d++)
			if (!rt_graph_find_key(map, rev->depends_on[d],
			                       &tmp[d])) {
				ret = missing_error(rev, rev->depends_on[d],
				                    err);
				goto out;
			}
		n->deps = arena_copy(map, tmp, rev->nr_depends);
		n->nr_deps = rev->nr_depends;
	}
	for (size_t i = 0; i < map->nr; i++) {
		const struct rt_revision *rev = map->revs[i];
		struct rt_gnode *n = &map->nodes[i];

		RT_ALLOC_GROW(tmp, rev->nr_down + 1, alloc);
		for (size_t d = 0; d < rev->nr_down; d++) {
			const char *p = rev->down_revisions[d];

			if (!rt_graph_find_key(map, p, &tmp[d])) {
				ret = missing_error(rev, p, err);
				goto out;
			}
			/*
			 * A parent named by a branch label leaves Alembic
			 * with a map it cannot walk.
			 */
			if (strcmp(map->revs[tmp[d]]->id, p)) {
				ret = rt_error_set_at(
				        err, RT_EGRAPH, rev->path, 0,
				        "Dependency resolution failed; broken "
				        "map");
				goto out;
			}
		}
		n->parents = arena_copy(map, tmp, rev->nr_down);
		n->nr_parents = rev->nr_down;
		n->all_down = union_of(map, n->parents, n->nr_parents, n->deps,
		                       n->nr_deps, &n->nr_all_down);
	}
out:
	free(tmp);
	return ret;
}

static bool is_parent(const struct rt_gnode *n, size_t p)
{
	for (size_t k = 0; k < n->nr_parents; k++)
		if (n->parents[k] == p)
			return true;
	return false;
}

/* Children and dependants, each in load order (two passes: count, fill). */
static void link_children(struct rt_revmap *map)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < map->nr; i++) {
			const struct rt_gnode *n = &map->nodes[i];

			for (size_t k = 0; k < n->nr_all_down; k++) {
				struct rt_gnode *p =
				        &map->nodes[n->all_down[k]];

				if (pass)
					p->all_children[p->nr_all_children] = i;
				p->nr_all_children++;
				if (!is_parent(n, n->all_down[k]))
					continue;
				if (pass)
					p->children[p->nr_children] = i;
				p->nr_children++;
			}
		}
		if (pass)
			break;
		for (size_t i = 0; i < map->nr; i++) {
			struct rt_gnode *p = &map->nodes[i];

			p->all_children = rt_arena_alloc(
			        &map->arena, rt_st_mult(p->nr_all_children + 1,
			                                sizeof(size_t)));
			/*
			 * No dependants: the second pass writes the same
			 * values to the same places of both lists.
			 */
			p->children =
			        p->nr_children == p->nr_all_children ?
			                p->all_children :
			                rt_arena_alloc(
			                        &map->arena,
			                        rt_st_mult(p->nr_children + 1,
			                                   sizeof(size_t)));
			p->nr_all_children = 0;
			p->nr_children = 0;
		}
	}
}

/*
 * Normalized dependencies: the resolved ones minus those some strict
 * versioned ancestor already declares.  The walk stops as soon as
 * nothing is left to remove, which keeps long chains cheap.
 */
static void normalize_deps(struct rt_revmap *map)
{
	size_t *stamp = NULL; /* only once a revision has dependencies */
	struct rt_gidx stack = RT_GIDX_INIT;
	size_t *left = NULL;
	size_t alloc = 0;

	for (size_t i = 0; i < map->nr; i++) {
		struct rt_gnode *n = &map->nodes[i];
		size_t nl = 0;

		if (n->nr_deps) {
			if (!stamp)
				stamp = rt_xcalloc(map->nr + 1, sizeof(*stamp));
			RT_ALLOC_GROW(left, n->nr_deps, alloc);
			for (size_t d = 0; d < n->nr_deps; d++) {
				size_t k;

				for (k = 0; k < nl && left[k] != n->deps[d];
				     k++)
					;
				if (k == nl)
					left[nl++] = n->deps[d];
			}
			rt_gidx_reset(&stack);
			stamp[i] = i + 1;
			for (size_t k = 0; k < n->nr_parents; k++)
				rt_gidx_push(&stack, n->parents[k]);
			while (stack.nr && nl) {
				size_t a = stack.v[--stack.nr];
				const struct rt_gnode *an = &map->nodes[a];

				if (stamp[a] == i + 1)
					continue;
				stamp[a] = i + 1;
				for (size_t d = 0; d < an->nr_deps; d++) {
					for (size_t k = 0; k < nl; k++) {
						if (left[k] != an->deps[d])
							continue;
						memmove(left + k, left + k + 1,
						        (nl - k - 1) *
						                sizeof(*left));
						nl--;
						break;
					}
				}
				for (size_t k = 0; k < an->nr_parents; k++)
					rt_gidx_push(&stack, an->parents[k]);
			}
		}
		n->ndeps = arena_copy(map, left, nl);
		n->nr_ndeps = nl;
		n->down = union_of(map, n->parents, n->nr_parents, n->ndeps,
		                   n->nr_ndeps, &n->nr_down);
	}
	rt_gidx_release(&stack);
	free(left);
	free(stamp);
}

/* ---- branch labels --------------------------------------------------- */

struct labelset {
	const char **v;
	size_t nr;
	size_t alloc;
};

static void labelset_add(struct labelset *ls, const char *label)
{
	if (has_str(ls->v, ls->nr, label))
		return;
	RT_ALLOC_GROW(ls->v, ls->nr + 1, ls->alloc);
	ls->v[ls->nr++] = label;
}

static void labelset_merge(struct labelset *dst, const struct labelset *src)
{
	for (size_t i = 0; i < src->nr; i++)
		labelset_add(dst, src->v[i]);
}

/*
 * Alembic attaches a label to every versioned descendant of the revision
 * that declares it, then walks down from the last descendant it visited
 * through single parents, labelling each revision until one is a branch
 * point (dependants count) or a merge point.  In a plain chain that
 * labels the chain all the way down to its base.
 */
static void spread_label(struct rt_revmap *map, struct labelset *sets,
                         size_t origin, struct rt_gbits *seen,
                         struct rt_gidx *stack)
{
	struct labelset mine = { NULL, 0, 0 };
	size_t last = origin;
	size_t node;

	labelset_merge(&mine, &sets[origin]);
	memset(seen->w, 0, seen->nwords * sizeof(*seen->w));
	rt_gidx_reset(stack);
	rt_gidx_push(stack, origin);
	while (stack->nr) {
		size_t r = stack->v[--stack->nr];
		const struct rt_gnode *n = &map->nodes[r];

		if (rt_gbits_test(seen, r))
			continue;
		rt_gbits_set(seen, r);
		for (size_t k = 0; k < n->nr_children; k++)
			rt_gidx_push(stack, n->children[k]);
		labelset_merge(&sets[r], &mine);
		last = r;
	}
	for (node = last;;) {
		const struct rt_gnode *n = &map->nodes[node];

		if (n->nr_all_children > 1 || n->nr_parents > 1)
			break;
		labelset_merge(&sets[node], &mine);
		if (!n->nr_parents)
			break;
		node = n->parents[0];
	}
	free(mine.v);
}

static void add_branches(struct rt_revmap *map, bool any_labels)
{
	struct labelset *sets;
	struct rt_gbits seen = RT_GBITS_INIT;
	struct rt_gidx stack = RT_GIDX_INIT;

	if (!any_labels)
		return; /* nothing to spread */
	sets = rt_xcalloc(map->nr + 1, sizeof(*sets));
	rt_gbits_init(&seen, map->nr);
	for (size_t i = 0; i < map->nr; i++)
		for (size_t l = 0; l < map->revs[i]->nr_labels; l++)
			labelset_add(&sets[i], map->revs[i]->branch_labels[l]);
	for (size_t i = 0; i < map->nr; i++)
		if (map->revs[i]->nr_labels)
			spread_label(map, sets, i, &seen, &stack);
	for (size_t i = 0; i < map->nr; i++) {
		struct rt_gnode *n = &map->nodes[i];

		if (!sets[i].nr)
			continue;
		qsort(sets[i].v, sets[i].nr, sizeof(*sets[i].v), cmp_str);
		n->labels = rt_arena_alloc(
		        &map->arena,
		        rt_st_mult(sets[i].nr, sizeof(*n->labels)));
		memcpy(n->labels, sets[i].v, sets[i].nr * sizeof(*n->labels));
		n->nr_labels = sets[i].nr;
		free(sets[i].v);
	}
	rt_gbits_release(&seen);
	rt_gidx_release(&stack);
	free(sets);
}

bool rt_graph_has_label(const struct rt_revmap *map, size_t idx,
                        const char *label)
{
	const struct rt_gnode *n = &map->nodes[idx];

	return label && has_str(n->labels, n->nr_labels, label);
}

/* ---- the public functions -------------------------------------------- */

static void find_ends(struct rt_revmap *map, struct rt_gidx *real_bases)
{
	for (size_t i = 0; i < map->nr; i++) {
		const struct rt_gnode *n = &map->nodes[i];

		if (!n->nr_children)
			rt_gidx_push(&map->heads, i);
		if (!n->nr_all_children)
			rt_gidx_push(&map->real_heads, i);
		if (!n->nr_parents) {
			rt_gidx_push(&map->bases, i);
			if (!map->revs[i]->nr_depends)
				rt_gidx_push(real_bases, i);
		}
	}
}

int rt_revmap_build(struct rt_revmap **out, const struct rt_revision **revs,
                    size_t nr, struct rt_error *err)
{
	struct rt_revmap *map = rt_xcalloc(1, sizeof(*map));
	struct rt_gidx real_bases = RT_GIDX_INIT;
	size_t nr_keys = nr;
	bool any_deps = false;
	int ret = 0;

	*out = NULL;
	map->revs = revs;
	map->nr = nr;
	map->nodes = rt_xcalloc(nr + 1, sizeof(*map->nodes));
	for (size_t i = 0; i < nr; i++) {
		ret = check_revision(revs[i], err);
		if (ret < 0)
			goto out;
		nr_keys = rt_st_add(nr_keys, revs[i]->nr_labels);
		any_deps = any_deps || revs[i]->nr_depends;
	}
	init_table(map, nr_keys);
	if ((ret = add_ids(map, err)) < 0 || (ret = add_labels(map, err)) < 0 ||
	    (ret = link_revisions(map, err)) < 0)
		goto out;
	link_children(map);
	normalize_deps(map);
	find_ends(map, &real_bases);
	/*
	 * Without any dependency the checks with dependencies walk the same
	 * graph again, to the same end: they are left out.
	 */
	if (nr && ((ret = check_cycles(map, false, &map->heads, &map->bases,
	                               err)) < 0 ||
	           (any_deps && (ret = check_cycles(map, true, &map->real_heads,
	                                            &real_bases, err)) < 0) ||
	           (ret = check_real_cycles(map, false, err)) < 0 ||
	           (any_deps && (ret = check_real_cycles(map, true, err)) < 0)))
		goto out;
	add_branches(map, nr_keys > nr);
out:
	rt_gidx_release(&real_bases);
	if (ret < 0)
		rt_revmap_free(map);
	else
		*out = map;
	return ret;
}

void rt_revmap_free(struct rt_revmap *map)
{
	if (!map)
		return;
	rt_arena_release(&map->arena);
	rt_gidx_release(&map->heads);
	rt_gidx_release(&map->real_heads);
	rt_gidx_release(&map->bases);
	free(map->nodes);
	free(map->keys);
	free(map->table);
	free(map);
}

size_t rt_revmap_count(const struct rt_revmap *map)
{
	return map->nr;
}

const struct rt_revision *rt_revmap_at(const struct rt_revmap *map, size_t i)
{
	return i < map->nr ? map->revs[i] : NULL;
}

const struct rt_revision *rt_revmap_get(const struct rt_revmap *map,
                                        const char *id)
{
	size_t idx;

	if (!rt_graph_find_key(map, id, &idx) || strcmp(map->revs[idx]->id, id))
		return NULL;
	return map->revs[idx];
}

static const struct rt_gnode *node_of(const struct rt_revmap *map,
                                      const struct rt_revision *rev)
{
	if (rev->load_order < map->nr && map->revs[rev->load_order] == rev)
		return &map->nodes[rev->load_order];
	/* load_order not set as documented: find it the slow way */
	for (size_t i = 0; i < map->nr; i++)
		if (map->revs[i] == rev)
			return &map->nodes[i];
	RT_BUG("revision %s is not in this map", rev->id);
}

void rt_revmap_children(struct rt_revlist *out, const struct rt_revmap *map,
                        const struct rt_revision *rev)
{
	const struct rt_gnode *n = node_of(map, rev);

	for (size_t i = 0; i < n->nr_children; i++)
		rt_revlist_push(out, map->revs[n->children[i]]);
}

void rt_revmap_parents(struct rt_revlist *out, const struct rt_revmap *map,
                       const struct rt_revision *rev)
{
	const struct rt_gnode *n = node_of(map, rev);

	for (size_t i = 0; i < n->nr_parents; i++)
		rt_revlist_push(out, map->revs[n->parents[i]]);
}

void rt_revmap_labels(const char ***out, size_t *nr,
                      const struct rt_revmap *map,
                      const struct rt_revision *rev)
{
	const struct rt_gnode *n = node_of(map, rev);

	*out = n->labels;
	*nr = n->nr_labels;
}

bool rt_revmap_is_head(const struct rt_revmap *map,
                       const struct rt_revision *rev)
{
	return !node_of(map, rev)->nr_children;
}

bool rt_revmap_is_real_head(const struct rt_revmap *map,
                            const struct rt_revision *rev)
{
	return !node_of(map, rev)->nr_all_children;
}

bool rt_revmap_is_branchpoint(const struct rt_revmap *map,
                              const struct rt_revision *rev)
{
	return node_of(map, rev)->nr_children > 1;
}

bool rt_revmap_is_mergepoint(const struct rt_revision *rev)
{
	return rev->nr_down > 1;
}

void rt_revmap_heads(struct rt_revlist *out, const struct rt_revmap *map,
                     bool real)
{
	const struct rt_gidx *l = real ? &map->real_heads : &map->heads;

	for (size_t i = 0; i < l->nr; i++)
		rt_revlist_push(out, map->revs[l->v[i]]);
}
