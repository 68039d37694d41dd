/*
 * revmap.h - the revision graph: revisions linked by their parents
 * (`Revises`) and dependencies (`Depends On`), with the facts Alembic
 * derives from them.  The semantics are Alembic's, described in
 * ../shared/reference/alembic.md §1.2 (heads, real heads, effective heads,
 * branch points, merge points, normalized dependencies, label spreading).
 *
 * Build it once per command from the revisions in load order; it borrows
 * the revisions (they must outlive the map).  Every query below is
 * near-linear in the number of revisions.
 */
#ifndef RT_REVMAP_H
#define RT_REVMAP_H

#include "util/compat.h"
#include "graph/revision.h"
#include "util/buf.h"

struct rt_error;
struct rt_revmap;

/*
 * Link `revs` (in load order; revs[i]->load_order == i).  Checks the graph
 * and fails with RT_EGRAPH and Alembic's texts where it has them:
 *   Revision X is present more than once (names both files)
 *   Revision X referenced from FILE is not present
 *   Self-loop is detected in revisions (X)
 *   Dependency self-loop is detected in revisions (X)
 *   Cycle is detected in revisions (A, B, C)
 *   Dependency cycle is detected in revisions (A, B)
 *   Branch name 'L' in revision X already used by revision Y
 * (A missing reference is RT_ERROR instead: Alembic has no message for
 * it and crashes with a KeyError in every command.  A cycle that
 * Alembic's own check misses, where it would loop forever, is reported
 * as "Cycle is detected in revisions (...)" too.)
 * The message names the file(s) involved where Alembic's does not.
 */
int rt_revmap_build(struct rt_revmap **out, const struct rt_revision **revs,
                    size_t nr, struct rt_error *err);
void rt_revmap_free(struct rt_revmap *map);

/*
 * The characters a revision id must not hold ("+", "-", "@": they mean
 * relative steps and branch@rev), listed into `out` as Alembic lists
 * them, sorted and comma-separated ("+, @"); true when there is one.
 */
bool rt_revision_id_forbidden(struct rt_buf *out, const char *id);

size_t rt_revmap_count(const struct rt_revmap *map);
/* The revision at load position `i`. */
const struct rt_revision *rt_revmap_at(const struct rt_revmap *map, size_t i);
/* Exact id lookup, NULL when absent. */
const struct rt_revision *rt_revmap_get(const struct rt_revmap *map,
                                        const char *id);

/* Versioned children, in load order. */
void rt_revmap_children(struct rt_revlist *out, const struct rt_revmap *map,
                        const struct rt_revision *rev);
/* Versioned parents, in declared order. */
void rt_revmap_parents(struct rt_revlist *out, const struct rt_revmap *map,
                       const struct rt_revision *rev);
/* Labels of `rev`, declared and inherited (§1.2), sorted. */
void rt_revmap_labels(const char ***out, size_t *nr,
                      const struct rt_revmap *map,
                      const struct rt_revision *rev);

bool rt_revmap_is_head(const struct rt_revmap *map,
                       const struct rt_revision *rev); /* no versioned child */
bool rt_revmap_is_real_head(const struct rt_revmap *map,
                            const struct rt_revision *rev); /* nothing at all
                                                               points at it */
bool rt_revmap_is_branchpoint(const struct rt_revmap *map,
                              const struct rt_revision *rev);
bool rt_revmap_is_mergepoint(const struct rt_revision *rev);

/* Versioned heads (or, with `real`, real heads) in load order. */
void rt_revmap_heads(struct rt_revlist *out, const struct rt_revmap *map,
                     bool real);

/*
 * Resolve one symbol (alembic.md §5.2): `heads`, `head`, `base`, an id, a
 * unique prefix, a label, `L@head`, `L@heads`, `L@X`.  Relative forms are
 * not handled here (see plan.h).  `base` gives an empty list.  Errors
 * (Alembic's texts): "Can't locate revision identified by 'X'"
 * (RT_ENOTFOUND; also for ambiguous prefixes), "Multiple head revisions are
 * present for given argument 'head'; ..." (RT_EMULTIHEAD).
 */
int rt_revmap_resolve(struct rt_revlist *out, const struct rt_revmap *map,
                      const char *symbol, struct rt_error *err);

/*
 * Resolve a symbol that must name at most one revision (Alembic's
 * get_revision; e.g. the start of an `--sql` range): *out is NULL for
 * `base`.  Errors as rt_revmap_resolve(); a symbol naming several
 * revisions (`heads` with two heads) is the multiple-heads message.
 */
int rt_revmap_resolve_one(const struct rt_revision **out,
                          const struct rt_revmap *map, const char *symbol,
                          struct rt_error *err);

/*
 * The current heads shown by `current` (§7.3) given the version table
 * rows: the rows plus their ancestors (dependencies included), reduced to
 * those with no versioned descendant in that set; in history order.
 * An unknown row is "Can't locate revision identified by 'X'".
 */
int rt_revmap_current_heads(struct rt_revlist *out, const struct rt_revmap *map,
                            const char *const *rows, size_t nr_rows,
                            struct rt_error *err);

/*
 * The revisions `history -r RANGE` lists, newest first (§6.9, §8.3).
 * `range` is NULL for everything, else "start:end" (either side may be
 * empty or `current`, resolved with `rows`).  Errors use Alembic's texts:
 * "History range requires [start]:[end], [start]:, or :[end]",
 * "Requested range A:B does not refer to ancestor/descendant revisions
 * along the same branch".
 */
int rt_revmap_history(struct rt_revlist *out, const struct rt_revmap *map,
                      const char *range, const char *const *rows,
                      size_t nr_rows, struct rt_error *err);

/* Branch points, in history order (for `branches`). */
void rt_revmap_branchpoints(struct rt_revlist *out,
                            const struct rt_revmap *map);

#endif
