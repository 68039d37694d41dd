#include "util/compat.h"
/*
 * resolve.c - turning revision symbols into revisions the way Alembic
 * does (alembic.md §5): `heads`, `head`, `base`, ids, prefixes of ids and
 * labels, `L@X`, relative forms and single-step walks; and the errors of
 * that process, converted into each command's wording.
 */
#include "graph/graph_internal.h"
#include "error_raise.h"
#include "util/alloc.h"
#include "util/buf.h"

#include <ctype.h>
#include <limits.h>

/* ---- errors ---------------------------------------------------------- */

int rt_gerr_set(struct rt_gerr *ge, enum rt_gerr_kind kind, const char *arg,
                const char *fmt, ...)
{
	va_list ap;

	if (!ge || ge->kind != RT_GERR_NONE)
		return -1;
	ge->kind = kind;
	rt_strlcpy(ge->arg, arg ? arg : "", sizeof(ge->arg));
	va_start(ap, fmt);
	vsnprintf(ge->msg, sizeof(ge->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static const char multihead_fmt[] =
        "Multiple head revisions are present for given argument '%s'; please "
        "specify a specific target revision, '<branchname>@%s' to narrow to "
        "a specific head, or 'heads' for all heads";

int rt_graph_catch(struct rt_error *err, const struct rt_gerr *ge,
                   enum rt_gctx ctx, const char *start, const char *end)
{
	const char *arg;

	switch (ge->kind) {
	case RT_GERR_NONE:
		return 0;
	case RT_GERR_RESOLUTION:
		return rt_error_set(err, RT_ENOTFOUND,
		                    "Can't locate revision identified by '%s'",
		                    ge->arg);
	case RT_GERR_MULTIHEAD:
		if (ctx == RT_GCTX_STAMP)
			return rt_error_set(
			        err, RT_EMULTIHEAD,
			        "Multiple heads are present; please "
			        "specify a single target revision");
		arg = end && ctx != RT_GCTX_PLAIN ? end : ge->arg;
		return rt_error_set(err, RT_EMULTIHEAD, multihead_fmt, arg,
		                    arg);
	case RT_GERR_RANGE:
		if (ctx == RT_GCTX_UPGRADE || ctx == RT_GCTX_DOWNGRADE)
			return rt_error_set(
			        err, RT_EUSAGE,
			        "Destination %s is not a valid %s target from "
			        "current head(s)",
			        end ? end : "",
			        ctx == RT_GCTX_UPGRADE ? "upgrade" :
			                                 "downgrade");
		return rt_error_set(err, RT_EUSAGE,
		                    "Requested range %s:%s does not refer to "
		                    "ancestor/descendant revisions along the "
		                    "same branch",
		                    start ? start : "base",
		                    end ? end : "heads");
	case RT_GERR_REVISION:
		return rt_error_set(err, RT_EUSAGE, "%s", ge->msg);
	case RT_GERR_CRASH:
		break;
	}
	/* Alembic dies with a traceback here (see rt_error.alembic_crash) */
	return rt_error_mark_crash(err,
	                           rt_error_set(err, RT_ERROR, "%s", ge->msg));
}

/* ---- numbers and relative forms -------------------------------------- */

static bool is_word(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * `(\w+)?[+-]\d+` at s+q: word characters can never be '+' or '-', so
 * the only candidate split is after the whole run of word characters.
 */
static bool match_tail(const char *s, size_t q, size_t *sign_at, size_t *end)
{
	size_t k = q;

	while (s[k] && is_word((unsigned char)s[k]))
		k++;
	if ((s[k] != '+' && s[k] != '-') || !is_digit((unsigned char)s[k + 1]))
		return false;
	*sign_at = k;
	for (k++; is_digit((unsigned char)s[k]); k++)
		;
	*end = k;
	return true;
}

bool rt_graph_parse_relative(struct rt_grel *out, const char *s)
{
	size_t start = 0, sign_at = 0, end = 0, label_end = 0;
	bool found = false;
	const char *d;
	long v = 0;

	memset(out, 0, sizeof(*out));
	if (!s)
		return false;
	/* `(?:(.+?)@)?`: the shortest label that lets the rest match */
	for (size_t p = 1; s[p] && s[p - 1] != '\n'; p++) {
		if (s[p] == '@' && match_tail(s, p + 1, &sign_at, &end)) {
			found = true;
			label_end = p;
			start = p + 1;
			break;
		}
	}
	if (!found && !match_tail(s, 0, &sign_at, &end))
		return false;
	if (found)
		out->label = rt_xstrndup(s, label_end);
	if (sign_at > start)
		out->symbol = rt_xstrndup(s + start, sign_at - start);
	out->text = rt_xstrndup(s + sign_at, end - sign_at);
	for (d = s + sign_at + 1; d < s + end - 1 && *d == '0'; d++)
		;
	out->digits = rt_xstrndup(d, (size_t)(s + end - d));
	for (; d < s + end; d++) {
		if (v > (LONG_MAX - (*d - '0')) / 10) {
			v = LONG_MAX;
			break;
		}
		v = v * 10 + (*d - '0');
	}
	out->value = s[sign_at] == '-' ? -v : v;
	return true;
}

void rt_grel_release(struct rt_grel *r)
{
	if (!r)
		return;
	free(r->label);
	free(r->symbol);
	free(r->text);
	free(r->digits);
	memset(r, 0, sizeof(*r));
}

const char *rt_grel_int_text(const struct rt_grel *r, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s", r->value < 0 ? "-" : "", r->digits);
	return buf;
}

static bool is_py_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == '\x1c' ||
	       c == '\x1d' || c == '\x1e' || c == '\x1f';
}

bool rt_graph_python_int(const char *s, long *v)
{
	bool neg = false, digit = false;
	long val = 0;

	while (*s && is_py_space(*s))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	for (; *s; s++) {
		if (*s == '_' && digit && is_digit((unsigned char)s[1]))
			continue;
		if (!is_digit((unsigned char)*s))
			break;
		digit = true;
		if (val <= (LONG_MAX - (*s - '0')) / 10)
			val = val * 10 + (*s - '0');
		else
			val = LONG_MAX;
	}
	while (*s && is_py_space(*s))
		s++;
	if (!digit || *s)
		return false;
	*v = neg ? -val : val;
	return true;
}

/* ---- resolving symbols ----------------------------------------------- */

void rt_grnum_release(struct rt_grnum *r)
{
	if (!r)
		return;
	free(r->ids);
	free(r->label);
	memset(r, 0, sizeof(*r));
}

static void grnum_push(struct rt_grnum *r, const char *id)
{
	RT_ALLOC_GROW(r->ids, r->nr + 1, r->alloc);
	r->ids[r->nr++] = id;
}

/* Versioned heads sharing lineage with `label` (or all without one). */
static int heads_of(struct rt_gidx *out, const struct rt_revmap *map,
                    const char *label, struct rt_gerr *ge)
{
	for (size_t i = 0; i < map->heads.nr; i++)
		rt_gidx_push(out, map->heads.v[i]);
	if (!rt_graph_truthy(label))
		return 0;
	return rt_graph_filter_lineage(out, map, label, false, ge);
}

int rt_graph_resolve_number(struct rt_grnum *out, const struct rt_revmap *map,
                            const char *id, struct rt_gerr *ge)
{
	struct rt_gidx heads = RT_GIDX_INIT;
	const char *at = id ? strchr(id, '@') : NULL;
	const char *rest = id;
	int ret = 0;

	if (at) {
		out->label = rt_xstrndup(id, (size_t)(at - id));
		rest = at + 1;
	}
	if (rest && !strcmp(rest, "heads")) {
		if (rt_graph_truthy(out->label)) {
			ret = heads_of(&heads, map, out->label, ge);
		} else {
			for (size_t i = 0; i < map->real_heads.nr; i++)
				rt_gidx_push(&heads, map->real_heads.v[i]);
		}
		for (size_t i = 0; ret == 0 && i < heads.nr; i++)
			grnum_push(out, map->revs[heads.v[i]]->id);
	} else if (rest && !strcmp(rest, "head")) {
		ret = heads_of(&heads, map, out->label, ge);
		if (ret == 0 && heads.nr > 1) {
			char arg[1024];

			if (rt_graph_truthy(out->label))
				snprintf(arg, sizeof(arg), "%s@head",
				         out->label);
			else
				snprintf(arg, sizeof(arg), "head");
			ret = rt_gerr_set(ge, RT_GERR_MULTIHEAD, arg,
			                  "several heads for '%s'", arg);
		} else if (ret == 0 && heads.nr) {
			grnum_push(out, map->revs[heads.v[0]]->id);
		}
	} else if (rest && strcmp(rest, "base")) {
		grnum_push(out, rest);
	}
	rt_gidx_release(&heads);
	return ret;
}

int rt_graph_resolve_branch(size_t *out, const struct rt_revmap *map,
                            const char *label, struct rt_gerr *ge)
{
	struct rt_gerr sub = RT_GERR_INIT;

	if (rt_graph_find_key(map, label, out))
		return 0;
	if (rt_graph_lookup(out, map, label, NULL, &sub) == 0)
		return 0;
	if (sub.kind == RT_GERR_RESOLUTION)
		return rt_gerr_set(ge, RT_GERR_RESOLUTION, label,
		                   "No such branch: '%s'", label);
	if (ge && ge->kind == RT_GERR_NONE)
		*ge = sub;
	return -1;
}

/* Whether `a` is `b`, an ancestor or a descendant of it (versioned). */
static bool related(const struct rt_revmap *map, size_t a, size_t b)
{
	struct rt_gbits up = RT_GBITS_INIT, down = RT_GBITS_INIT;
	bool yes;

	rt_gbits_init(&up, map->nr);
	rt_gbits_init(&down, map->nr);
	rt_graph_closure(&up, map, &b, 1, RT_GW_ANC_V);
	rt_graph_closure(&down, map, &b, 1, RT_GW_DESC_V);
	yes = rt_gbits_test(&up, a) || rt_gbits_test(&down, a);
	rt_gbits_release(&up);
	rt_gbits_release(&down);
	return yes;
}

/* All keys longer than 3 characters starting with `prefix`. */
static int prefix_lookup(size_t *out, const struct rt_revmap *map,
                         const char *prefix, const char *branch,
                         struct rt_gerr *ge)
{
	struct rt_gidx cand = RT_GIDX_INIT; /* positions in map->keys */
	struct rt_glineage lin = RT_GLINEAGE_INIT;
	size_t len = strlen(prefix), kept = 0;
	int ret = 0;

	for (size_t k = 0; k < map->nr_keys; k++) {
		const char *key = map->keys[k].key;

		if (strlen(key) > 3 && !strncmp(key, prefix, len))
			rt_gidx_push(&cand, k);
	}
	if (rt_graph_truthy(branch)) {
		ret = rt_graph_lineage_prepare(&lin, map, branch, false,
		                               cand.nr > 0, ge);
		if (ret < 0)
			goto out;
		for (size_t i = 0; i < cand.nr; i++)
			if (rt_graph_lineage_has(&lin,
			                         map->keys[cand.v[i]].idx))
				cand.v[kept++] = cand.v[i];
		cand.nr = kept;
	}
	if (!cand.nr) {
		ret = rt_gerr_set(ge, RT_GERR_RESOLUTION, prefix,
		                  "No such revision or branch '%s'%s", prefix,
		                  len < 4 ? "; please ensure at least four "
		                            "characters are present for "
		                            "partial revision identifier "
		                            "matches" :
		                            "");
	} else if (cand.nr > 1) {
		struct rt_buf sb = RT_BUF_INIT;

		for (size_t i = 0; i < cand.nr && i < 3; i++)
			rt_buf_addf(&sb, "%s'%s'", i ? ", " : "",
			            map->keys[cand.v[i]].key);
		ret = rt_gerr_set(ge, RT_GERR_RESOLUTION, prefix,
		                  "Multiple revisions start with '%s': %s...",
		                  prefix, sb.buf);
		rt_buf_release(&sb);
	} else {
		*out = map->keys[cand.v[0]].idx;
	}
out:
	rt_graph_lineage_release(&lin);
	rt_gidx_release(&cand);
	return ret;
}

int rt_graph_lookup(size_t *out, const struct rt_revmap *map, const char *rid,
                    const char *branch, struct rt_gerr *ge)
{
	size_t branch_idx = RT_GIDX_NONE, idx;
	int ret;

	if (rt_graph_truthy(branch)) {
		ret = rt_graph_resolve_branch(&branch_idx, map, branch, ge);
		if (ret < 0)
			return ret;
	}
	if (!rid) {
		*out = RT_GIDX_NONE;
		return 0;
	}
	if (!rt_graph_find_key(map, rid, &idx)) {
		if (!*rid)
			return rt_gerr_set(ge, RT_GERR_CRASH, NULL,
			                   "an empty revision identifier "
			                   "cannot be resolved (Alembic fails "
			                   "with an AssertionError here)");
		ret = prefix_lookup(&idx, map, rid, branch, ge);
		if (ret < 0)
			return ret;
	}
	if (rt_graph_truthy(branch) && !related(map, idx, branch_idx))
		return rt_gerr_set(ge, RT_GERR_RESOLUTION, rid,
		                   "Revision %s is not a member of branch "
		                   "'%s'",
		                   map->revs[idx]->id, branch);
	*out = idx;
	return 0;
}

int rt_graph_get_revision(size_t *out, const struct rt_revmap *map,
                          const char *id, struct rt_gerr *ge)
{
	struct rt_grnum rn = RT_GRNUM_INIT;
	int ret = rt_graph_resolve_number(&rn, map, id, ge);

	if (ret < 0)
		goto out;
	if (rn.nr > 1) {
		ret = rt_gerr_set(ge, RT_GERR_MULTIHEAD, id ? id : "None",
		                  "several revisions for '%s'",
		                  id ? id : "None");
		goto out;
	}
	ret = rt_graph_lookup(out, map, rn.nr ? rn.ids[0] : NULL, rn.label, ge);
out:
	rt_grnum_release(&rn);
	return ret;
}

int rt_graph_get_revisions(struct rt_gidx *out, const struct rt_revmap *map,
                           const char *id, struct rt_gerr *ge)
{
	struct rt_grnum rn = RT_GRNUM_INIT;
	long steps;
	int ret = rt_graph_resolve_number(&rn, map, id, ge);

	if (ret < 0)
		goto out;
	/* `-N` (or `L@-N`): N steps down from every real head (with L) */
	if (rn.nr == 1 && rt_graph_python_int(rn.ids[0], &steps) && steps < 0) {
		for (size_t i = 0; i < map->real_heads.nr; i++) {
			size_t h = map->real_heads.v[i], dest;

			if (rn.label && !rt_graph_has_label(map, h, rn.label))
				continue;
			ret = rt_graph_walk(&dest, map, h, steps, NULL, true,
			                    ge);
			if (ret < 0)
				goto out;
			rt_gidx_push(out, dest);
		}
		goto out;
	}
	for (size_t i = 0; i < rn.nr; i++) {
		size_t idx;

		ret = rt_graph_lookup(&idx, map, rn.ids[i], rn.label, ge);
		if (ret < 0)
			goto out;
		rt_gidx_push(out, idx);
	}
out:
	rt_grnum_release(&rn);
	return ret;
}

/* ---- walking --------------------------------------------------------- */

/* The candidates for one step of a walk. */
static int step_candidates(struct rt_gidx *out, const struct rt_revmap *map,
                           size_t cur, bool up, const char *branch_label,
                           struct rt_gerr *ge)
{
	const struct rt_gnode *n =
	        rt_gidx_is_rev(cur) ? &map->nodes[cur] : NULL;

	rt_gidx_reset(out);
	if (up) {
		const struct rt_gidx *b = &map->bases;

		if (cur == RT_GIDX_BASE)
			return rt_gerr_set(
			        ge, RT_GERR_CRASH, NULL,
			        "cannot walk up from 'base' (Alembic "
			        "fails with an AssertionError here)");
		for (size_t i = 0; i < (n ? n->nr_children : b->nr); i++)
			rt_gidx_push(out, n ? n->children[i] : b->v[i]);
		if (rt_graph_truthy(branch_label))
			return rt_graph_filter_lineage(out, map, branch_label,
			                               false, ge);
		return 0;
	}
	if (cur == RT_GIDX_BASE)
		return 0;
	if (n) {
		for (size_t i = 0; i < n->nr_parents; i++)
			rt_gidx_push(out, n->parents[i]);
	} else {
		for (size_t i = 0; i < map->heads.nr; i++)
			rt_gidx_push(out, map->heads.v[i]);
	}
	if (!out->nr)
		rt_gidx_push(out, RT_GIDX_BASE);
	return 0;
}

int rt_graph_walk(size_t *out, const struct rt_revmap *map, size_t start,
                  long steps, const char *branch_label, bool no_overwalk,
                  struct rt_gerr *ge)
{
	struct rt_gidx cand = RT_GIDX_INIT;
	unsigned long n =
	        steps < 0 ? 0UL - (unsigned long)steps : (unsigned long)steps;
	size_t cur = start;
	int ret = 0;

	for (unsigned long i = 0; i < n; i++) {
		ret = step_candidates(&cand, map, cur, steps > 0, branch_label,
		                      ge);
		if (ret < 0)
			goto out;
		if (!cand.nr) {
			cur = no_overwalk ? RT_GIDX_NONE : cur;
			break;
		}
		if (cand.nr > 1) {
			ret = rt_gerr_set(ge, RT_GERR_REVISION, NULL,
			                  "Ambiguous walk");
			goto out;
		}
		cur = cand.v[0];
	}
	*out = cur;
out:
	rt_gidx_release(&cand);
	return ret;
}

/* ---- the public functions -------------------------------------------- */

int rt_revmap_resolve(struct rt_revlist *out, const struct rt_revmap *map,
                      const char *symbol, struct rt_error *err)
{
	struct rt_gidx list = RT_GIDX_INIT;
	struct rt_gerr ge = RT_GERR_INIT;
	int ret = rt_graph_get_revisions(&list, map, symbol, &ge);

	for (size_t i = 0; ret == 0 && i < list.nr; i++)
		if (!rt_gidx_is_rev(list.v[i]))
			ret = rt_gerr_set(&ge, RT_GERR_CRASH, NULL,
			                  "'%s' walks down past the base "
			                  "revision, to %s (Alembic fails "
			                  "with an AttributeError here)",
			                  symbol,
			                  list.v[i] == RT_GIDX_BASE ?
			                          "'base'" :
			                          "nothing");
	if (ret < 0) {
		ret = rt_graph_catch(err, &ge, RT_GCTX_PLAIN, NULL, NULL);
		goto out;
	}
	for (size_t i = 0; i < list.nr; i++)
		rt_revlist_push(out, map->revs[list.v[i]]);
out:
	rt_gidx_release(&list);
	return ret;
}

int rt_revmap_resolve_one(const struct rt_revision **out,
                          const struct rt_revmap *map, const char *symbol,
                          struct rt_error *err)
{
	struct rt_gerr ge = RT_GERR_INIT;
	size_t idx;

	*out = NULL;
	if (rt_graph_get_revision(&idx, map, symbol, &ge) < 0)
		return rt_graph_catch(err, &ge, RT_GCTX_PLAIN, NULL, NULL);
	if (rt_gidx_is_rev(idx))
		*out = map->revs[idx];
	return 0;
}
