#include "util/compat.h"
/*
 * test_revmap.c - building the revision graph (graph/revmap.h): heads,
 * branch points, label spreading, validation messages, `current`,
 * `history` ranges and the topological order, on hand-built revisions.
 */
#include <setjmp.h>
#include <cmocka.h>
#include <time.h>

#include "graph/revmap.h"
#include "util/arena.h"
#include "util/buf.h"
#include "retort/error.h"

#include "graph_fixture.h"

static const char *heads(struct fx *f, bool real)
{
	struct rt_revlist l = RT_REVLIST_INIT;

	rt_revmap_heads(&l, f->map, real);
	return ids(f, &l);
}

static const char *history(struct fx *f, const char *range,
                           const char *const *rows, size_t nr)
{
	struct rt_revlist l = RT_REVLIST_INIT;

	rt_error_clear(&f->err);
	if (rt_revmap_history(&l, f->map, range, rows, nr, &f->err) < 0) {
		rt_revlist_release(&l);
		return f->err.message;
	}
	return ids(f, &l);
}

static const char *labels(struct fx *f, const char *id)
{
	const char **v;
	size_t nr, off = 0;

	rt_revmap_labels(&v, &nr, f->map, R(f, id));
	f->text[0] = '\0';
	for (size_t i = 0; i < nr; i++)
		off += (size_t)snprintf(f->text + off, sizeof(f->text) - off,
		                        "%s%s", i ? "," : "", v[i]);
	return f->text;
}

/* ---- structure ------------------------------------------------------- */

static void test_linear_chain(void **state)
{
	struct fx *f = fx_new();
	struct rt_revlist l = RT_REVLIST_INIT;

	(void)state;
	rev(f, "a", NULL, NULL, NULL, NULL);
	rev(f, "b", "a", NULL, NULL, NULL);
	rev(f, "c", "b", NULL, NULL, NULL);
	assert_int_equal(build(f), 0);
	assert_int_equal(rt_revmap_count(f->map), 3);
	assert_ptr_equal(rt_revmap_at(f->map, 1), R(f, "b"));
	assert_null(rt_revmap_at(f->map, 3));
	assert_string_equal(heads(f, false), "c");
	assert_string_equal(heads(f, true), "c");
	rt_revmap_children(&l, f->map, R(f, "a"));
	assert_string_equal(ids(f, &l), "b");
	rt_revmap_parents(&l, f->map, R(f, "c"));
	assert_string_equal(ids(f, &l), "b");
	assert_true(rt_revmap_is_head(f->map, R(f, "c")));
	assert_false(rt_revmap_is_head(f->map, R(f, "b")));
	assert_false(rt_revmap_is_branchpoint(f->map, R(f, "a")));
	assert_string_equal(history(f, NULL, NULL, 0), "c b a");
	fx_free(f);
}

static void test_empty_map(void **state)
{
	struct fx *f = fx_new();
	struct rt_revlist l = RT_REVLIST_INIT;

	(void)state;
	assert_int_equal(build(f), 0);
	assert_int_equal(rt_revmap_count(f->map), 0);
	assert_string_equal(heads(f, false), "");
	assert_string_equal(history(f, NULL, NULL, 0), "");
	rt_revmap_branchpoints(&l, f->map);
	assert_int_equal(l.nr, 0);
	assert_null(rt_revmap_get(f->map, "x"));
	fx_free(f);
}

static void test_branch_and_merge(void **state)
{
	struct fx *f = fx_new();
	struct rt_revlist l = RT_REVLIST_INIT;

	(void)state;
	br(f);
	assert_int_equal(build(f), 0);
	assert_string_equal(heads(f, false), "ffff00000006");
	assert_true(rt_revmap_is_branchpoint(f->map, R(f, "aaaa00000001")));
	assert_true(rt_revmap_is_mergepoint(R(f, "eeee00000005")));
	assert_false(rt_revmap_is_mergepoint(R(f, "ffff00000006")));
	rt_revmap_children(&l, f->map, R(f, "aaaa00000001"));
	assert_string_equal(ids(f, &l), "bbbb00000002 cccc00000003");
	rt_revmap_parents(&l, f->map, R(f, "eeee00000005"));
	assert_string_equal(ids(f, &l), "cccc00000003 dddd00000004");
	rt_revmap_branchpoints(&l, f->map);
	assert_string_equal(ids(f, &l), "aaaa00000001");
	fx_free(f);
}

static void test_history_order_br(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	br(f);
	assert_int_equal(build(f), 0);
	/* alembic.md §7.1, captured */
	assert_string_equal(history(f, NULL, NULL, 0),
	                    "ffff00000006 eeee00000005 cccc00000003 "
	                    "dddd00000004 bbbb00000002 aaaa00000001");
	fx_free(f);
}

static void test_multiple_heads_load_order(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "cccc", "aaaa", NULL, NULL, NULL);
	rev(f, "bbbb", "aaaa", NULL, NULL, NULL);
	rev(f, "dddd", "bbbb", NULL, NULL, NULL);
	rev(f, "aaaa", NULL, NULL, NULL, NULL);
	assert_int_equal(build(f), 0);
	assert_string_equal(heads(f, false), "cccc dddd");
	/* §8.3 worked example */
	assert_string_equal(history(f, NULL, NULL, 0), "cccc dddd bbbb aaaa");
	fx_free(f);
}

static void test_effective_head(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	lbl(f);
	assert_int_equal(build(f), 0);
	assert_string_equal(heads(f, false),
	                    "5c0000000003 7c0000000003 9a0000000001");
	assert_string_equal(heads(f, true), "5c0000000003 7c0000000003");
	assert_true(rt_revmap_is_head(f->map, R(f, "9a0000000001")));
	assert_false(rt_revmap_is_real_head(f->map, R(f, "9a0000000001")));
	fx_free(f);
}

static void test_history_with_dependencies(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	lbl(f);
	assert_int_equal(build(f), 0);
	/* alembic.md §7.1, captured */
	assert_string_equal(history(f, NULL, NULL, 0),
	                    "5c0000000003 7c0000000003 7b0000000002 "
	                    "5b0000000002 5a0000000001 7a0000000001 "
	                    "9a0000000001");
	fx_free(f);
}

static void test_forest_order(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a1", NULL, NULL, NULL, NULL);
	rev(f, "a2", NULL, NULL, NULL, NULL);
	rev(f, "b1", "a1", NULL, NULL, NULL);
	rev(f, "b2", "a2", NULL, NULL, NULL);
	assert_int_equal(build(f), 0);
	assert_string_equal(history(f, NULL, NULL, 0), "b1 a1 b2 a2");
	fx_free(f);
}

static void test_branch_of_branch_order(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, NULL, NULL);
	rev(f, "b1", "a", NULL, NULL, NULL);
	rev(f, "b2", "a", NULL, NULL, NULL);
	rev(f, "c1", "b1", NULL, NULL, NULL);
	rev(f, "d11", "c1", NULL, NULL, NULL);
	rev(f, "d12", "c1", NULL, NULL, NULL);
	assert_int_equal(build(f), 0);
	/* upgrade heads runs the reverse: a b1 c1 d12 d11 b2 */
	assert_string_equal(history(f, NULL, NULL, 0), "b2 d11 d12 c1 b1 a");
	fx_free(f);
}

/* ---- branch labels --------------------------------------------------- */

static void test_label_spreads_down_a_chain(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, NULL, NULL);
	rev(f, "b", "a", NULL, NULL, NULL);
	rev(f, "c", "b", NULL, "x", NULL);
	rev(f, "d", "c", NULL, NULL, NULL);
	assert_int_equal(build(f), 0);
	assert_string_equal(labels(f, "a"), "x");
	assert_string_equal(labels(f, "b"), "x");
	assert_string_equal(labels(f, "c"), "x");
	assert_string_equal(labels(f, "d"), "x");
	fx_free(f);
}

static void test_label_stops_at_branchpoint(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, NULL, NULL);
	rev(f, "b", "a", NULL, NULL, NULL);
	rev(f, "c", "b", NULL, "x", NULL);
	rev(f, "d", "c", NULL, NULL, NULL);
	rev(f, "e", "a", NULL, NULL, NULL);
	assert_int_equal(build(f), 0);
	assert_string_equal(labels(f, "a"), "");
	assert_string_equal(labels(f, "b"), "x");
	assert_string_equal(labels(f, "d"), "x");
	assert_string_equal(labels(f, "e"), "");
	fx_free(f);
}

static void test_label_stops_at_dependency_branchpoint(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, NULL, NULL);
	rev(f, "b", "a", NULL, NULL, NULL);
	rev(f, "c", "b", NULL, "x", NULL);
	rev(f, "z", NULL, "b", NULL, NULL);
	assert_int_equal(build(f), 0);
	/* b has a versioned child and a dependant: a "real" branch point */
	assert_string_equal(labels(f, "b"), "");
	assert_string_equal(labels(f, "c"), "x");
	assert_string_equal(labels(f, "z"), "");
	fx_free(f);
}

static void test_label_stops_at_mergepoint(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, NULL, NULL);
	rev(f, "b", NULL, NULL, NULL, NULL);
	rev(f, "m", "a,b", NULL, NULL, NULL);
	rev(f, "c", "m", NULL, "x", NULL);
	assert_int_equal(build(f), 0);
	assert_string_equal(labels(f, "c"), "x");
	assert_string_equal(labels(f, "m"), "");
	assert_string_equal(labels(f, "a"), "");
	fx_free(f);
}

static void test_labels_of_lbl_project(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	lbl(f);
	assert_int_equal(build(f), 0);
	assert_string_equal(labels(f, "5b0000000002"), "shop");
	assert_string_equal(labels(f, "5c0000000003"), "shop");
	assert_string_equal(labels(f, "7b0000000002"), "auth");
	assert_string_equal(labels(f, "9a0000000001"), "lib");
	fx_free(f);
}

static void test_several_labels_sorted(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, "zeta,alpha", NULL);
	rev(f, "b", "a", NULL, "mid", NULL);
	assert_int_equal(build(f), 0);
	assert_string_equal(labels(f, "a"), "alpha,mid,zeta");
	assert_string_equal(labels(f, "b"), "alpha,mid,zeta");
	fx_free(f);
}

/* ---- validation ------------------------------------------------------ */

static void test_self_loop(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, NULL, NULL);
	rev(f, "b", "a", NULL, NULL, NULL);
	rev(f, "c", "b,c", NULL, NULL, NULL);
	assert_int_equal(build(f), RT_EGRAPH);
	assert_null(f->map);
	assert_string_equal(f->err.message,
	                    "Self-loop is detected in revisions (c)");
	assert_string_equal(f->err.loc.path, "/proj/versions/c.sql");
	fx_free(f);
}

static void test_dependency_self_loop(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, "a", NULL, NULL);
	assert_int_equal(build(f), RT_EGRAPH);
	assert_string_equal(f->err.message, "Dependency self-loop is detected "
	                                    "in revisions (a)");
	fx_free(f);
}

static void test_cycle_without_heads(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "1111", "3333", NULL, NULL, NULL);
	rev(f, "3333", "2222", NULL, NULL, NULL);
	rev(f, "2222", "1111", NULL, NULL, NULL);
	assert_int_equal(build(f), RT_EGRAPH);
	/* no head and no base: every revision, in load order */
	assert_string_equal(
	        f->err.message,
	        "Cycle is detected in revisions (1111, 3333, 2222)");
	fx_free(f);
}

static void test_cycle_off_the_main_line(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, NULL, NULL);
	rev(f, "b", "a", NULL, NULL, NULL);
	rev(f, "e", "d", NULL, NULL, NULL);
	rev(f, "d", "e", NULL, NULL, NULL);
	assert_int_equal(build(f), RT_EGRAPH);
	assert_string_equal(f->err.message,
	                    "Cycle is detected in revisions (d, e)");
	fx_free(f);
}

static void test_cycle_alembic_misses(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	/* reachable from a base and reaching a head: Alembic would hang */
	rev(f, "r0", NULL, NULL, NULL, NULL);
	rev(f, "r1", "r4,r2", NULL, NULL, NULL);
	rev(f, "r4", "r2,r0", NULL, NULL, NULL);
	rev(f, "r2", "r1", NULL, NULL, NULL);
	rev(f, "r3", "r4", NULL, NULL, NULL);
	assert_int_equal(build(f), RT_EGRAPH);
	assert_string_equal(f->err.message,
	                    "Cycle is detected in revisions (r1, r2, r4)");
	fx_free(f);
}

static void test_dependency_cycle(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, "c", NULL, NULL);
	rev(f, "b", "a", NULL, NULL, NULL);
	rev(f, "c", "b", NULL, NULL, NULL);
	assert_int_equal(build(f), RT_EGRAPH);
	assert_string_equal(f->err.message,
	                    "Dependency cycle is detected in revisions (a, b, "
	                    "c)");
	fx_free(f);
}

static void test_duplicate_revision(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, NULL, NULL);
	rev(f, "a", NULL, NULL, NULL, NULL);
	assert_int_equal(build(f), RT_EGRAPH);
	assert_non_null(
	        strstr(f->err.message, "Revision a is present more than once"));
	assert_non_null(strstr(f->err.message, "/proj/versions/a.sql"));
	fx_free(f);
}

static void test_duplicate_label(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "c", NULL, NULL, "xy1", NULL);
	rev(f, "e", NULL, NULL, "xy1", NULL);
	assert_int_equal(build(f), RT_EGRAPH);
	assert_string_equal(f->err.message, "Branch name 'xy1' in revision e "
	                                    "already used by revision c");
	fx_free(f);
}

static void test_label_equal_to_an_id(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, NULL, NULL);
	rev(f, "b", "a", NULL, "a", NULL);
	assert_int_equal(build(f), RT_EGRAPH);
	assert_string_equal(f->err.message, "Branch name 'a' in revision b "
	                                    "already used by revision a");
	fx_free(f);
}

static void test_missing_parent(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, NULL, NULL);
	rev(f, "b", "zz", NULL, NULL, NULL);
	assert_int_equal(build(f), RT_ERROR);
	assert_string_equal(f->err.message,
	                    "Revision zz referenced from /proj/versions/b.sql "
	                    "is not present");
	fx_free(f);
}

static void test_missing_dependency(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, NULL, NULL);
	rev(f, "b", "a", "nolabel", NULL, NULL);
	assert_int_equal(build(f), RT_ERROR);
	assert_string_equal(f->err.message,
	                    "Revision nolabel referenced from "
	                    "/proj/versions/b.sql is not present");
	fx_free(f);
}

static void test_dependency_prefix_is_not_enough(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	/* Alembic resolves depends_on by exact id or label only */
	rev(f, "abcdef", NULL, NULL, NULL, NULL);
	rev(f, "b", NULL, "abcd", NULL, NULL);
	assert_int_equal(build(f), RT_ERROR);
	fx_free(f);
}

static void test_illegal_characters(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "bad-id@x", NULL, NULL, NULL, NULL);
	assert_int_equal(build(f), RT_EGRAPH);
	assert_string_equal(f->err.message,
	                    "Character(s) '-, @' not allowed in revision "
	                    "identifier 'bad-id@x'");
	fx_free(f);
}

static void test_parent_named_by_label(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, "lab", NULL);
	rev(f, "b", "lab", NULL, NULL, NULL);
	assert_int_equal(build(f), RT_EGRAPH);
	assert_string_equal(f->err.message,
	                    "Dependency resolution failed; broken map");
	fx_free(f);
}

static void test_dependency_on_label(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, "lib", NULL);
	rev(f, "b", NULL, "lib", NULL, NULL);
	assert_int_equal(build(f), 0);
	assert_string_equal(heads(f, true), "b");
	assert_string_equal(heads(f, false), "a b");
	fx_free(f);
}

static void test_get_is_exact_id(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "abcd1234", NULL, NULL, "shop", NULL);
	assert_int_equal(build(f), 0);
	assert_non_null(rt_revmap_get(f->map, "abcd1234"));
	assert_null(rt_revmap_get(f->map, "abcd"));
	assert_null(rt_revmap_get(f->map, "shop"));
	fx_free(f);
}

/* ---- current --------------------------------------------------------- */

static const char *current(struct fx *f, const char *const *rows, size_t nr)
{
	struct rt_revlist l = RT_REVLIST_INIT;

	rt_error_clear(&f->err);
	if (rt_revmap_current_heads(&l, f->map, rows, nr, &f->err) < 0) {
		rt_revlist_release(&l);
		return f->err.message;
	}
	return ids(f, &l);
}

static void test_current_restores_absorbed_dependency(void **state)
{
	static const char *const rows[] = { "5c0000000003", "7c0000000003" };
	struct fx *f = fx_new();

	(void)state;
	lbl(f);
	assert_int_equal(build(f), 0);
	/* alembic.md §7.3: 9a is not stored but shows as a current head */
	assert_string_equal(current(f, rows, 2),
	                    "5c0000000003 7c0000000003 9a0000000001");
	fx_free(f);
}

static void test_current_drops_ancestor_rows(void **state)
{
	static const char *const rows[] = { "aaaa00000001", "dddd00000004" };
	struct fx *f = fx_new();

	(void)state;
	br(f);
	assert_int_equal(build(f), 0);
	assert_string_equal(current(f, rows, 2), "dddd00000004");
	assert_string_equal(current(f, NULL, 0), "");
	fx_free(f);
}

static void test_current_unknown_row(void **state)
{
	static const char *const rows[] = { "deadbeef0000" };
	struct fx *f = fx_new();

	(void)state;
	br(f);
	assert_int_equal(build(f), 0);
	assert_string_equal(current(f, rows, 1), "Can't locate revision "
	                                         "identified by "
	                                         "'deadbeef0000'");
	assert_int_equal(f->err.code, RT_ENOTFOUND);
	fx_free(f);
}

/* ---- history ranges -------------------------------------------------- */

static void test_history_ranges(void **state)
{
	static const char *const rows[] = { "3333cccc0003" };
	struct fx *f = fx_new();

	(void)state;
	lin(f);
	assert_int_equal(build(f), 0);
	assert_string_equal(history(f, "1111:2222", rows, 1),
	                    "2222bbbb0002 1111aaaa0001");
	assert_string_equal(history(f, "-1:", rows, 1),
	                    "3333cccc0003 2222bbbb0002");
	assert_string_equal(history(f, "current:", rows, 1), "3333cccc0003");
	assert_string_equal(history(f, ":current", rows, 1),
	                    "3333cccc0003 2222bbbb0002 1111aaaa0001");
	assert_string_equal(history(f, "2222:+1", rows, 1),
	                    "3333cccc0003 2222bbbb0002");
	assert_string_equal(history(f, ":head-1", rows, 1),
	                    "2222bbbb0002 1111aaaa0001");
	assert_string_equal(history(f, " 2222: ", rows, 1),
	                    "3333cccc0003 2222bbbb0002");
	fx_free(f);
}

static void test_history_range_errors(void **state)
{
	static const char *const rows[] = { "3333cccc0003" };
	struct fx *f = fx_new();

	(void)state;
	lin(f);
	assert_int_equal(build(f), 0);
	assert_string_equal(history(f, "1111", rows, 1),
	                    "History range requires [start]:[end], [start]:, "
	                    "or :[end]");
	assert_string_equal(history(f, "3333:1111", rows, 1),
	                    "Requested range 3333:1111 does not refer to "
	                    "ancestor/descendant revisions along the same "
	                    "branch");
	assert_string_equal(history(f, "head-1:", rows, 1),
	                    "Can't locate revision identified by 'head-1'");
	assert_string_equal(history(f, "a:b:c", rows, 1),
	                    "History range 'a:b:c' has more than one ':' "
	                    "(Alembic fails with a ValueError here); use "
	                    "start:end");
	assert_int_equal(f->err.code, RT_ERROR);
	fx_free(f);
}

static void test_history_current_as_tuple(void **state)
{
	static const char *const rows[] = { "3333cccc0003" };
	struct fx *f = fx_new();

	(void)state;
	lin(f);
	assert_int_equal(build(f), 0);
	/* Alembic formats the rows as a Python tuple in this message */
	assert_string_equal(history(f, "current:1111", rows, 1),
	                    "Requested range ('3333cccc0003',):1111 does not "
	                    "refer to ancestor/descendant revisions along the "
	                    "same branch");
	fx_free(f);
}

static void test_history_multiple_heads(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, NULL, NULL);
	rev(f, "b", "a", NULL, NULL, NULL);
	rev(f, "c", "a", NULL, NULL, NULL);
	assert_int_equal(build(f), 0);
	assert_string_equal(history(f, ":head", NULL, 0),
	                    "Multiple head revisions are present for given "
	                    "argument 'head'; please specify a specific target "
	                    "revision, '<branchname>@head' to narrow to a "
	                    "specific head, or 'heads' for all heads");
	assert_int_equal(f->err.code, RT_EMULTIHEAD);
	fx_free(f);
}

static void test_history_label_range_follows_dependencies(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	lbl(f);
	assert_int_equal(build(f), 0);
	assert_string_equal(history(f, "auth@base:auth@head", NULL, 0),
	                    "7c0000000003 7b0000000002 7a0000000001 "
	                    "9a0000000001 5b0000000002 5a0000000001");
	fx_free(f);
}

/* ---- size ------------------------------------------------------------ */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_ten_thousand_revisions(void **state)
{
	struct fx *f = fx_new();
	struct rt_revlist l = RT_REVLIST_INIT;
	const struct rt_revision **revs = calloc(10000, sizeof(*revs));
	struct rt_revision *r = calloc(10000, sizeof(*r));
	const char **parents = calloc(10000, sizeof(*parents));
	char(*idbuf)[16] = calloc(10000, sizeof(*idbuf));
	double t0;

	(void)state;
	for (size_t i = 0; i < 10000; i++) {
		snprintf(idbuf[i], sizeof(idbuf[i]), "%012zx", i * 7919);
		r[i].id = idbuf[i];
		r[i].doc = "";
		r[i].load_order = (unsigned)i;
		if (i) {
			parents[i] = idbuf[i - 1];
			r[i].down_revisions = &parents[i];
			r[i].nr_down = 1;
		}
		if (i % 10 == 5) { /* a dependency every tenth revision */
			r[i].depends_on = &parents[i - 2];
			r[i].nr_depends = 1;
		}
		revs[i] = &r[i];
	}
	t0 = now();
	assert_int_equal(rt_revmap_build(&f->map, revs, 10000, &f->err), 0);
	rt_revmap_heads(&l, f->map, false);
	assert_int_equal(l.nr, 1);
	rt_revlist_release(&l);
	assert_int_equal(rt_revmap_history(&l, f->map, NULL, NULL, 0, &f->err),
	                 0);
	assert_int_equal(l.nr, 10000);
	assert_ptr_equal(l.items[0], &r[9999]);
	rt_revlist_release(&l);
	{
		const char *row = idbuf[9999];

		assert_int_equal(
		        rt_revmap_current_heads(&l, f->map, &row, 1, &f->err),
		        0);
		assert_int_equal(l.nr, 1);
		rt_revlist_release(&l);
	}
	assert_true(now() - t0 < 10.0); /* generous: valgrind */
	fx_free(f);
	free(revs);
	free(r);
	free(parents);
	free(idbuf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linear_chain),
		cmocka_unit_test(test_empty_map),
		cmocka_unit_test(test_branch_and_merge),
		cmocka_unit_test(test_history_order_br),
		cmocka_unit_test(test_multiple_heads_load_order),
		cmocka_unit_test(test_effective_head),
		cmocka_unit_test(test_history_with_dependencies),
		cmocka_unit_test(test_forest_order),
		cmocka_unit_test(test_branch_of_branch_order),
		cmocka_unit_test(test_label_spreads_down_a_chain),
		cmocka_unit_test(test_label_stops_at_branchpoint),
		cmocka_unit_test(test_label_stops_at_dependency_branchpoint),
		cmocka_unit_test(test_label_stops_at_mergepoint),
		cmocka_unit_test(test_labels_of_lbl_project),
		cmocka_unit_test(test_several_labels_sorted),
		cmocka_unit_test(test_self_loop),
		cmocka_unit_test(test_dependency_self_loop),
		cmocka_unit_test(test_cycle_without_heads),
		cmocka_unit_test(test_cycle_off_the_main_line),
		cmocka_unit_test(test_cycle_alembic_misses),
		cmocka_unit_test(test_dependency_cycle),
		cmocka_unit_test(test_duplicate_revision),
		cmocka_unit_test(test_duplicate_label),
		cmocka_unit_test(test_label_equal_to_an_id),
		cmocka_unit_test(test_missing_parent),
		cmocka_unit_test(test_missing_dependency),
		cmocka_unit_test(test_dependency_prefix_is_not_enough),
		cmocka_unit_test(test_illegal_characters),
		cmocka_unit_test(test_parent_named_by_label),
		cmocka_unit_test(test_dependency_on_label),
		cmocka_unit_test(test_get_is_exact_id),
		cmocka_unit_test(test_current_restores_absorbed_dependency),
		cmocka_unit_test(test_current_drops_ancestor_rows),
		cmocka_unit_test(test_current_unknown_row),
		cmocka_unit_test(test_history_ranges),
		cmocka_unit_test(test_history_range_errors),
		cmocka_unit_test(test_history_current_as_tuple),
		cmocka_unit_test(test_history_multiple_heads),
		cmocka_unit_test(test_history_label_range_follows_dependencies),
		cmocka_unit_test(test_ten_thousand_revisions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
