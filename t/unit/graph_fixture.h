/*
 * graph_fixture.h - hand-built revisions for the graph unit tests
 * (test_revmap.c, test_resolve.c, test_plan.c).
 *
 *	struct fx *f = fx_new();
 *	rev(f, "a", NULL, NULL, NULL, "first");
 *	rev(f, "b", "a", NULL, "label", "second");
 *	assert_int_equal(build(f), 0);
 *	... R(f, "b") ...
 *	fx_free(f);
 *
 * Lists (parents, dependencies, labels) are comma-separated strings.
 */
#ifndef RT_GRAPH_FIXTURE_H
#define RT_GRAPH_FIXTURE_H

#include "util/compat.h"
#include "graph/revmap.h"
#include "util/arena.h"
#include "retort/error.h"

#define MAXREV 64

struct fx {
	struct rt_arena arena;
	const struct rt_revision *revs[MAXREV];
	size_t nr;
	struct rt_revmap *map;
	struct rt_error err;
	char text[8192];
};

struct fx *fx_new(void);
void fx_free(struct fx *f);
/* Add one revision (load order = call order). */
void rev(struct fx *f, const char *id, const char *down, const char *deps,
         const char *labels, const char *doc);
/* Build the map from the revisions so far; f->err holds any error. */
int build(struct fx *f);
/* The revision with this id (the test fails when there is none). */
const struct rt_revision *R(struct fx *f, const char *id);
/* "a b c" for a list of revisions (in f->text); releases the list. */
const char *ids(struct fx *f, struct rt_revlist *l);

/*
 * The scratch projects of alembic.md §0.2, for fx_new()+build() or make():
 * br (a branch and a merge), lbl (three labelled roots with
 * dependencies), lin (a chain of three), mh (two unmerged heads).
 */
void br(struct fx *f);
void lbl(struct fx *f);
void lin(struct fx *f);
void mh(struct fx *f);
/* A new fixture filled by `fill` and built (the test fails otherwise). */
struct fx *make(void (*fill)(struct fx *));

#endif
