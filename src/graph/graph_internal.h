/*
 * graph_internal.h - what the files of src/graph share and nobody else
 * sees: the layout of struct rt_revmap, index lists and bit sets over
 * revisions, the error record used while resolving and planning, and the
 * internal steps (resolution, walks, collection, topological order) the
 * public functions of revmap.h and plan.h are built from.
 *
 * Revisions are named by their load position (0..nr-1).  Two extra values
 * stand for what Alembic's functions return besides revisions:
 * RT_GIDX_NONE ("nothing", e.g. walking past the last revision) and
 * RT_GIDX_BASE (the symbol `base` reached by walking down past a base).
 */
#ifndef RT_GRAPH_INTERNAL_H
#define RT_GRAPH_INTERNAL_H

#include "util/compat.h"
#include "util/arena.h"
#include "util/strvec.h"
#include "graph/revision.h"
#include "graph/revmap.h"
#include "graph/plan.h"

struct rt_error;

#define RT_GIDX_NONE ((size_t)-1)
#define RT_GIDX_BASE ((size_t)-2)

static inline bool rt_gidx_is_rev(size_t i)
{
	return i != RT_GIDX_NONE && i != RT_GIDX_BASE;
}

/* A growable list of revision positions (may hold NONE / BASE). */
struct rt_gidx {
	size_t *v;
	size_t nr;
	size_t alloc;
};
#define RT_GIDX_INIT \
 {                   \
  NULL, 0, 0         \
 }
void rt_gidx_push(struct rt_gidx *l, size_t i);
bool rt_gidx_contains(const struct rt_gidx *l, size_t i);
void rt_gidx_reset(struct rt_gidx *l);
void rt_gidx_release(struct rt_gidx *l);

/* A set of revision positions, one bit each. */
struct rt_gbits {
	uint64_t *w;
	size_t nwords;
};
#define RT_GBITS_INIT \
 {                    \
  NULL, 0             \
 }
void rt_gbits_init(struct rt_gbits *b, size_t nbits);
void rt_gbits_copy(struct rt_gbits *dst, const struct rt_gbits *src);
void rt_gbits_release(struct rt_gbits *b);
bool rt_gbits_any(const struct rt_gbits *b);
/* dst &= src, dst |= src, dst &= ~src (same sizes) */
void rt_gbits_and(struct rt_gbits *dst, const struct rt_gbits *src);
void rt_gbits_or(struct rt_gbits *dst, const struct rt_gbits *src);
void rt_gbits_andnot(struct rt_gbits *dst, const struct rt_gbits *src);

static inline void rt_gbits_set(struct rt_gbits *b, size_t i)
{
	b->w[i / 64] |= (uint64_t)1 << (i % 64);
}

static inline void rt_gbits_clear(struct rt_gbits *b, size_t i)
{
	b->w[i / 64] &= ~((uint64_t)1 << (i % 64));
}

static inline bool rt_gbits_test(const struct rt_gbits *b, size_t i)
{
	return (b->w[i / 64] >> (i % 64)) & 1;
}

/* Everything the map knows about one revision; arrays live in the arena. */
struct rt_gnode {
	size_t *parents; /* versioned parents as declared */
	size_t nr_parents;
	size_t *deps; /* resolved dependencies as declared */
	size_t nr_deps;
	size_t *ndeps; /* deps not already declared by a versioned ancestor */
	size_t nr_ndeps;
	size_t *down; /* parents then ndeps, without repeats */
	size_t nr_down;
	size_t *all_down; /* parents then deps, without repeats */
	size_t nr_all_down;
	size_t *children; /* versioned children, load order */
	size_t nr_children;
	size_t *all_children; /* children and dependants, load order */
	size_t nr_all_children;
	const char **labels; /* declared and inherited, sorted */
	size_t nr_labels;
};

/* A key of the identifier map: a revision id or a declared label. */
struct rt_gkey {
	const char *key;
	size_t idx;
};

struct rt_revmap {
	const struct rt_revision **revs;
	size_t nr;
	struct rt_gnode *nodes;
	/* keys in insertion order: every id (load order), then the labels */
	struct rt_gkey *keys;
	size_t nr_keys;
	size_t *table; /* open addressing over `keys`; SIZE_MAX = empty */
	size_t table_size;
	struct rt_gidx heads; /* versioned heads, load order */
	struct rt_gidx real_heads; /* nothing points at them, load order */
	struct rt_gidx bases; /* no versioned parent, load order */
	struct rt_arena arena;
};

/* Exact lookup of an id or a label. */
bool rt_graph_find_key(const struct rt_revmap *map, const char *key,
                       size_t *idx);
bool rt_graph_has_label(const struct rt_revmap *map, size_t idx,
                        const char *label);

/*
 * Errors while resolving and planning.  Alembic raises a few exception
 * kinds and each command turns them into its own message (base.py's
 * _catch_revision_errors), so the kind and its arguments are kept until
 * the command converts them with rt_graph_catch().
 */
enum rt_gerr_kind {
	RT_GERR_NONE,
	RT_GERR_RESOLUTION, /* `arg`: the text that did not resolve */
	RT_GERR_MULTIHEAD, /* `arg`: the argument with several heads */
	RT_GERR_RANGE, /* a range whose ends are not related */
	RT_GERR_REVISION, /* `msg` is the final text */
	RT_GERR_CRASH /* Alembic crashes here; `msg` explains */
};

struct rt_gerr {
	enum rt_gerr_kind kind;
	char arg[1024];
	char msg[2048];
};
#define RT_GERR_INIT   \
 {                     \
  RT_GERR_NONE, { 0 }, \
  {                    \
   0                   \
  }                    \
 }

/* Record an error (first one wins); returns -1. */
int rt_gerr_set(struct rt_gerr *ge, enum rt_gerr_kind kind, const char *arg,
                const char *fmt, ...) RT_PRINTF(4, 5);

/* Which command's wording to use when converting an rt_gerr. */
enum rt_gctx {
	RT_GCTX_PLAIN, /* show, current: Alembic's default texts */
	RT_GCTX_UPGRADE, /* `end` = the destination */
	RT_GCTX_DOWNGRADE, /* `end` = the destination */
	RT_GCTX_STAMP,
	RT_GCTX_HISTORY /* `start`, `end` = the range ends as Alembic saw them */
};

int rt_graph_catch(struct rt_error *err, const struct rt_gerr *ge,
                   enum rt_gctx ctx, const char *start, const char *end);

/* ---- traversal (traverse.c) ------------------------------------------ */

enum rt_gwalk {
	RT_GW_ANC, /* parents and normalized dependencies */
	RT_GW_ANC_V, /* versioned parents only */
	RT_GW_ANC_ALL, /* parents and every dependency */
	RT_GW_DESC, /* children and dependants */
	RT_GW_DESC_V /* versioned children only */
};

/* Add `seeds` and everything reachable from them to `set`. */
void rt_graph_closure(struct rt_gbits *set, const struct rt_revmap *map,
                      const size_t *seeds, size_t nr, enum rt_gwalk how);
/*
 * The same, one seed after the other, failing like Alembic when a later
 * seed is reached from an earlier one or the reverse ("Requested revision
 * X overlaps with other requested revisions Y").  NONE / BASE seeds are a
 * crash in Alembic.
 */
int rt_graph_closure_checked(struct rt_gbits *set, const struct rt_revmap *map,
                             const size_t *seeds, size_t nr, enum rt_gwalk how,
                             struct rt_gerr *ge);

/*
 * The set of revisions sharing lineage with the text `check_against`
 * (Alembic's filter_for_lineage): prepare it once, then test targets.
 * Alembic resolves the text's revisions only when there is something to
 * filter, so pass `have_targets`.
 */
struct rt_glineage {
	bool all; /* nothing to check against: everything passes */
	struct rt_gbits set;
};
#define RT_GLINEAGE_INIT \
 {                       \
  false, RT_GBITS_INIT   \
 }
int rt_graph_lineage_prepare(struct rt_glineage *lin,
                             const struct rt_revmap *map,
                             const char *check_against, bool include_deps,
                             bool have_targets, struct rt_gerr *ge);
bool rt_graph_lineage_has(const struct rt_glineage *lin, size_t idx);
void rt_graph_lineage_release(struct rt_glineage *lin);
/* Keep only the entries of `list` in `check_against`'s lineage. */
int rt_graph_filter_lineage(struct rt_gidx *list, const struct rt_revmap *map,
                            const char *check_against, bool include_deps,
                            struct rt_gerr *ge);

/* ---- resolution (resolve.c) ------------------------------------------ */

/* A symbol split into its label and the ids it names (resolve_number). */
struct rt_grnum {
	const char **ids; /* borrowed: revision ids or the input's tail */
	size_t nr;
	size_t alloc;
	char *label; /* NULL when the text had no '@' */
};
#define RT_GRNUM_INIT \
 {                    \
  NULL, 0, 0, NULL    \
 }
void rt_grnum_release(struct rt_grnum *r);

static inline bool rt_graph_truthy(const char *s)
{
	return s && *s;
}

int rt_graph_resolve_number(struct rt_grnum *out, const struct rt_revmap *map,
                            const char *id, struct rt_gerr *ge);
/* One resolved id (NULL = nothing), checked against `branch`. */
int rt_graph_lookup(size_t *out, const struct rt_revmap *map, const char *rid,
                    const char *branch, struct rt_gerr *ge);
/* A symbol naming at most one revision (NONE for `base`). */
int rt_graph_get_revision(size_t *out, const struct rt_revmap *map,
                          const char *id, struct rt_gerr *ge);
/* A symbol naming any number of revisions; appends to `out`. */
int rt_graph_get_revisions(struct rt_gidx *out, const struct rt_revmap *map,
                           const char *id, struct rt_gerr *ge);
/* A label as the branch of an `L@...` form (exact key, else any symbol). */
int rt_graph_resolve_branch(size_t *out, const struct rt_revmap *map,
                            const char *label, struct rt_gerr *ge);
/* Walk `steps` up (> 0) or down (< 0) from `start` (Alembic's _walk). */
int rt_graph_walk(size_t *out, const struct rt_revmap *map, size_t start,
                  long steps, const char *branch_label, bool no_overwalk,
                  struct rt_gerr *ge);

/* A relative form `[L@][S](+|-)N...` (only its start is looked at). */
struct rt_grel {
	char *label; /* NULL when absent */
	char *symbol; /* NULL when absent */
	char *text; /* "+N" / "-N" as typed */
	char *digits; /* |N| without leading zeros */
	long value; /* N, clamped to +-LONG_MAX */
};
#define RT_GREL_INIT        \
 {                          \
  NULL, NULL, NULL, NULL, 0 \
 }
bool rt_graph_parse_relative(struct rt_grel *out, const char *s);
void rt_grel_release(struct rt_grel *r);
/* Python's str(int(text)), e.g. "-2" for "-02", "0" for "+0". */
const char *rt_grel_int_text(const struct rt_grel *r, char *buf, size_t size);

/* Python's int() on an ASCII string: true, with *v (clamped), if it parses. */
bool rt_graph_python_int(const char *s, long *v);

/* ---- target parsing and collection (collect.c) ----------------------- */

/* An argument that is either one text or a tuple of texts (rows). */
struct rt_gspec {
	const char *str; /* when !is_list; NULL = None */
	const char *const *list; /* when is_list */
	size_t nr;
	bool is_list;
};

/* Python's str() of the spec, as Alembic formats it in messages. */
char *rt_gspec_text(const struct rt_gspec *spec);
/* get_revisions() of a text or of each text of a tuple. */
int rt_graph_get_revisions_spec(struct rt_gidx *out,
                                const struct rt_revmap *map,
                                const struct rt_gspec *spec,
                                struct rt_gerr *ge);

/* _collect_upgrade_revisions: what to run, and the targets. */
int rt_graph_collect_upgrade(struct rt_gbits *needs, struct rt_gidx *targets,
                             const struct rt_revmap *map,
                             const struct rt_gspec *upper,
                             const struct rt_gspec *lower, bool inclusive,
                             bool implicit_base, bool assert_relative_length,
                             struct rt_gerr *ge);
/* _collect_downgrade_revisions: what to undo, and the current heads. */
int rt_graph_collect_downgrade(struct rt_gbits *revs, struct rt_gidx *heads,
                               struct rt_strvec *warnings,
                               const struct rt_revmap *map,
                               const struct rt_gspec *upper, const char *target,
                               bool assert_relative_length, struct rt_gerr *ge);
/* _parse_downgrade_target: the branch label (owned) and the target. */
int rt_graph_parse_downgrade_target(char **label, size_t *target,
                                    struct rt_strvec *warnings,
                                    const struct rt_revmap *map,
                                    const struct rt_gspec *current,
                                    const char *target_text,
                                    bool assert_relative_length,
                                    struct rt_gerr *ge);

/* ---- ordering (topo.c) ----------------------------------------------- */

/*
 * Alembic's topological order of `todo` seeded by `seeds`, newest first
 * (alembic.md §8.3).  Fails (a crash in Alembic) when some revision of
 * `todo` cannot be reached from the seeds.
 */
int rt_graph_toposort(struct rt_gidx *out, const struct rt_revmap *map,
                      const struct rt_gbits *todo, const size_t *seeds,
                      size_t nr_seeds, struct rt_gerr *ge);

/* Revisions (positions) in history order: everything, newest first. */
int rt_graph_history_order(struct rt_gidx *out, const struct rt_revmap *map,
                           struct rt_gerr *ge);

/* ---- version-table bookkeeping (heads_maintainer.c) ------------------- */

/* The rows Alembic keeps in memory while a plan runs (strings borrowed). */
struct rt_ghm {
	const char **v;
	size_t nr;
	size_t alloc;
};
#define RT_GHM_INIT \
 {                  \
  NULL, 0, 0        \
 }
void rt_ghm_add(struct rt_ghm *h, const char *id);
void rt_ghm_release(struct rt_ghm *h);

/* Append to step->ops what migrating revision `rev` does to the rows. */
int rt_ghm_revision_step(struct rt_ghm *h, struct rt_step *step,
                         const struct rt_revmap *map, size_t rev, bool upgrade,
                         struct rt_gerr *ge);
/* The same for a stamp step from `from` to `to` (NULL: base). */
int rt_ghm_stamp_step(struct rt_ghm *h, struct rt_step *step,
                      const char *const *from, size_t nr_from, const char *to,
                      bool upgrade, bool branch_move, struct rt_gerr *ge);

#endif
