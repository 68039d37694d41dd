#include "util/compat.h"
/*
 * test_plan.c - planning upgrade, downgrade and stamp (graph/plan.h): the
 * step order of alembic.md §8.3, the log lines, the version-table
 * changes of §8.4/§8.5 (captured traces), relative targets and the
 * error texts, and the steps kept when Alembic's bookkeeping breaks.
 */
#include <setjmp.h>
#include <cmocka.h>
#include <time.h>

#include "graph/revmap.h"
#include "graph/plan.h"
#include "util/alloc.h"
#include "util/arena.h"
#include "util/buf.h"
#include "retort/error.h"

#include "graph_fixture.h"

/*
 * One line per step: its log line, then its version-table changes
 * ("+x" insert, "-x" delete, "a>b" update); "FAIL n: ..." when the plan
 * stops early; or the error message.
 */
static const char *describe(struct fx *f, struct rt_plan *p, int ret)
{
	struct rt_buf sb = RT_BUF_INIT;

	if (ret < 0) {
		rt_plan_release(p);
		return f->err.message;
	}
	for (size_t i = 0; i < p->warnings.nr; i++)
		rt_buf_addf(&sb, "warning: %s\n", p->warnings.v[i]);
	for (size_t i = 0; i < p->nr; i++) {
		const struct rt_step *st = &p->steps[i];

		rt_step_log_line(&sb, st);
		rt_buf_adds(&sb, " [");
		for (size_t k = 0; k < st->nr_ops; k++) {
			const struct rt_vt_op *op = &st->ops[k];

			if (k)
				rt_buf_addch(&sb, ' ');
			if (op->kind == RT_VT_INSERT)
				rt_buf_addf(&sb, "+%s", op->to);
			else if (op->kind == RT_VT_DELETE)
				rt_buf_addf(&sb, "-%s", op->from);
			else
				rt_buf_addf(&sb, "%s>%s", op->from, op->to);
		}
		rt_buf_adds(&sb, "]\n");
	}
	if (p->fail_after >= 0)
		rt_buf_addf(&sb, "FAIL %ld (%d)\n", p->fail_after,
		            p->failure.code);
	rt_strlcpy(f->text, sb.buf, sizeof(f->text));
	rt_buf_release(&sb);
	rt_plan_release(p);
	return f->text;
}

static const char *up(struct fx *f, const char *const *rows, size_t nr,
                      const char *target)
{
	struct rt_plan p = RT_PLAN_INIT;

	rt_error_clear(&f->err);
	return describe(f, &p,
	                rt_plan_upgrade(&p, f->map, rows, nr, target, &f->err));
}

static const char *down(struct fx *f, const char *const *rows, size_t nr,
                        const char *target)
{
	struct rt_plan p = RT_PLAN_INIT;

	rt_error_clear(&f->err);
	return describe(
	        f, &p,
	        rt_plan_downgrade(&p, f->map, rows, nr, target, &f->err));
}

static const char *stamp(struct fx *f, const char *const *rows, size_t nr,
                         const char *const *targets, size_t nr_targets,
                         bool purge)
{
	struct rt_plan p = RT_PLAN_INIT;

	rt_error_clear(&f->err);
	return describe(f, &p,
	                rt_plan_stamp(&p, f->map, rows, nr, targets, nr_targets,
	                              purge, &f->err));
}

#define ROWS(...) ((const char *const[]){ __VA_ARGS__ })
#define NR(...)   (sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *))

static const char multi_head[] =
        "Multiple head revisions are present for given argument 'head'; "
        "please specify a specific target revision, '<branchname>@head' to "
        "narrow to a specific head, or 'heads' for all heads";

/* ---- upgrade --------------------------------------------------------- */

static void test_upgrade_linear_from_empty(void **state)
{
	struct fx *f = make(lin);

	(void)state;
	assert_string_equal(
	        up(f, NULL, 0, "head"),
	        "Running upgrade  -> 1111aaaa0001, create account table "
	        "[+1111aaaa0001]\n"
	        "Running upgrade 1111aaaa0001 -> 2222bbbb0002, add email "
	        "[1111aaaa0001>2222bbbb0002]\n"
	        "Running upgrade 2222bbbb0002 -> 3333cccc0003, add index "
	        "[2222bbbb0002>3333cccc0003]\n");
	fx_free(f);
}

static void test_upgrade_without_doc(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, NULL, NULL);
	rev(f, "b", "a", NULL, NULL, NULL);
	assert_int_equal(build(f), 0);
	assert_string_equal(up(f, ROWS("a"), 1, "b"),
	                    "Running upgrade a -> b [a>b]\n");
	fx_free(f);
}

static void test_short_line(void **state)
{
	struct fx *f = make(lin);
	struct rt_plan p = RT_PLAN_INIT;

	(void)state;
	assert_int_equal(rt_plan_upgrade(&p, f->map, ROWS("1111aaaa0001"), 1,
	                                 "+1", &f->err),
	                 0);
	assert_int_equal(p.nr, 1);
	assert_int_equal(p.steps[0].kind, RT_STEP_UPGRADE);
	assert_ptr_equal(p.steps[0].rev, rt_revmap_get(f->map, "2222bbbb0002"));
	assert_string_equal(p.steps[0].short_line,
	                    "Running upgrade 1111aaaa0001 -> 2222bbbb0002");
	assert_int_equal(p.fail_after, -1);
	rt_plan_release(&p);
	fx_free(f);
}

static void test_upgrade_nothing_to_do(void **state)
{
	struct fx *f = make(lin);

	(void)state;
	assert_string_equal(up(f, ROWS("3333cccc0003"), 1, "head"), "");
	/* behind the database: silently nothing */
	assert_string_equal(up(f, ROWS("3333cccc0003"), 1, "2222"), "");
	assert_string_equal(up(f, NULL, 0, "base"), "");
	fx_free(f);
}

static void test_upgrade_heads_order(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	/* alembic.md §8.3: load order cccc, bbbb, dddd, aaaa */
	rev(f, "cccc00000003", "aaaa00000001", NULL, NULL, "c1");
	rev(f, "bbbb00000002", "aaaa00000001", NULL, NULL, "b1");
	rev(f, "dddd00000004", "bbbb00000002", NULL, NULL, "d after b");
	rev(f, "aaaa00000001", NULL, NULL, NULL, "base rev");
	assert_int_equal(build(f), 0);
	assert_string_equal(
	        up(f, NULL, 0, "heads"),
	        "Running upgrade  -> aaaa00000001, base rev [+aaaa00000001]\n"
	        "Running upgrade aaaa00000001 -> bbbb00000002, b1 "
	        "[aaaa00000001>bbbb00000002]\n"
	        "Running upgrade bbbb00000002 -> dddd00000004, d after b "
	        "[bbbb00000002>dddd00000004]\n"
	        "Running upgrade aaaa00000001 -> cccc00000003, c1 "
	        "[+cccc00000003]\n");
	fx_free(f);
}

static void forest(struct fx *f)
{
	rev(f, "a1", NULL, NULL, NULL, NULL);
	rev(f, "a2", NULL, NULL, NULL, NULL);
	rev(f, "b1", "a1", NULL, NULL, NULL);
	rev(f, "b2", "a2", NULL, NULL, NULL);
}

static void test_forest_up_and_down(void **state)
{
	struct fx *f = make(forest);

	(void)state;
	assert_string_equal(up(f, NULL, 0, "heads"),
	                    "Running upgrade  -> a2 [+a2]\n"
	                    "Running upgrade a2 -> b2 [a2>b2]\n"
	                    "Running upgrade  -> a1 [+a1]\n"
	                    "Running upgrade a1 -> b1 [a1>b1]\n");
	assert_string_equal(down(f, ROWS("b2", "b1"), 2, "base"),
	                    "Running downgrade b1 -> a1 [b1>a1]\n"
	                    "Running downgrade a1 ->  [-a1]\n"
	                    "Running downgrade b2 -> a2 [b2>a2]\n"
	                    "Running downgrade a2 ->  [-a2]\n");
	fx_free(f);
}

static void test_branch_of_branch(void **state)
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
	assert_string_equal(up(f, NULL, 0, "heads"),
	                    "Running upgrade  -> a [+a]\n"
	                    "Running upgrade a -> b1 [a>b1]\n"
	                    "Running upgrade b1 -> c1 [b1>c1]\n"
	                    "Running upgrade c1 -> d12 [c1>d12]\n"
	                    "Running upgrade c1 -> d11 [+d11]\n"
	                    "Running upgrade a -> b2 [+b2]\n");
	fx_free(f);
}

/* ---- the `br` traces of alembic.md §8.4 ------------------------------ */

static void test_br_new_branch(void **state)
{
	struct fx *f = make(br);

	(void)state;
	assert_string_equal(up(f, NULL, 0, "cccc"),
	                    "Running upgrade  -> aaaa00000001, base rev "
	                    "[+aaaa00000001]\n"
	                    "Running upgrade aaaa00000001 -> cccc00000003, c1 "
	                    "[aaaa00000001>cccc00000003]\n");
	assert_string_equal(up(f, ROWS("cccc00000003"), 1, "dddd"),
	                    "Running upgrade aaaa00000001 -> bbbb00000002, b1 "
	                    "[+bbbb00000002]\n"
	                    "Running upgrade bbbb00000002 -> dddd00000004, d "
	                    "after b [bbbb00000002>dddd00000004]\n");
	fx_free(f);
}

static void test_br_merge(void **state)
{
	struct fx *f = make(br);

	(void)state;
	assert_string_equal(
	        up(f, ROWS("cccc00000003", "dddd00000004"), 2, "head"),
	        "Running upgrade cccc00000003, dddd00000004 -> "
	        "eeee00000005, merge d and c [-cccc00000003 "
	        "dddd00000004>eeee00000005]\n"
	        "Running upgrade eeee00000005 -> ffff00000006, "
	        "after merge [eeee00000005>ffff00000006]\n");
	fx_free(f);
}

static void test_br_unmerge(void **state)
{
	struct fx *f = make(br);

	(void)state;
	assert_string_equal(
	        down(f, ROWS("ffff00000006"), 1, "aaaa"),
	        "Running downgrade ffff00000006 -> eeee00000005, after merge "
	        "[ffff00000006>eeee00000005]\n"
	        "Running downgrade eeee00000005 -> cccc00000003, dddd00000004, "
	        "merge d and c [+cccc00000003 eeee00000005>dddd00000004]\n"
	        "Running downgrade cccc00000003 -> aaaa00000001, c1 "
	        "[-cccc00000003]\n"
	        "Running downgrade dddd00000004 -> bbbb00000002, d after b "
	        "[dddd00000004>bbbb00000002]\n"
	        "Running downgrade bbbb00000002 -> aaaa00000001, b1 "
	        "[bbbb00000002>aaaa00000001]\n");
	assert_string_equal(down(f, ROWS("aaaa00000001"), 1, "-1"),
	                    "Running downgrade aaaa00000001 -> , base rev "
	                    "[-aaaa00000001]\n");
	fx_free(f);
}

static void test_downgrade_label_base_takes_shared_base(void **state)
{
	struct fx *f = make(mh);

	(void)state;
	/* both branches descend from the same base (§8.2) */
	assert_string_equal(
	        down(f, ROWS("cccc00000003", "dddd00000004"), 2, "cccc@base"),
	        "Running downgrade cccc00000003 -> aaaa00000001, c1 "
	        "[-cccc00000003]\n"
	        "Running downgrade dddd00000004 -> bbbb00000002, d after b "
	        "[dddd00000004>bbbb00000002]\n"
	        "Running downgrade bbbb00000002 -> aaaa00000001, b1 "
	        "[bbbb00000002>aaaa00000001]\n"
	        "Running downgrade aaaa00000001 -> , base rev "
	        "[-aaaa00000001]\n");
	fx_free(f);
}

/* ---- dependencies (the `lbl` traces) --------------------------------- */

/*
 * Alembic picks the merged row to UPDATE in set order (the capture in
 * alembic.md §8.4 updated 7b); retort updates the alphabetically last,
 * the form the conformance suite treats as canonical.
 */
static void test_lbl_dependency_absorbed(void **state)
{
	struct fx *f = make(lbl);

	(void)state;
	assert_string_equal(
	        up(f, NULL, 0, "shop@head"),
	        "Running upgrade  -> 7a0000000001, auth base [+7a0000000001]\n"
	        "Running upgrade  -> 5a0000000001, shop base [+5a0000000001]\n"
	        "Running upgrade 5a0000000001 -> 5b0000000002, shop two "
	        "[5a0000000001>5b0000000002]\n"
	        "Running upgrade 5b0000000002 -> 5c0000000003, shop three "
	        "[-5b0000000002 7a0000000001>5c0000000003]\n");
	assert_string_equal(up(f, ROWS("5c0000000003"), 1, "auth@+1"),
	                    "Running upgrade 7a0000000001 -> 7b0000000002, "
	                    "auth two [+7b0000000002]\n");
	assert_string_equal(
	        up(f, ROWS("5c0000000003", "7b0000000002"), 2, "heads"),
	        "Running upgrade  -> 9a0000000001, lib base [+9a0000000001]\n"
	        "Running upgrade 7b0000000002 -> 7c0000000003, auth three "
	        "[-7b0000000002 9a0000000001>7c0000000003]\n");
	fx_free(f);
}

static void test_lbl_downgrade_follows_dependants(void **state)
{
	struct fx *f = make(lbl);

	(void)state;
	assert_string_equal(
	        down(f, ROWS("7b0000000002", "5b0000000002"), 2, "shop@base"),
	        "Running downgrade 7b0000000002 -> 7a0000000001, auth two "
	        "[7b0000000002>7a0000000001]\n"
	        "Running downgrade 5b0000000002 -> 5a0000000001, shop two "
	        "[5b0000000002>5a0000000001]\n"
	        "Running downgrade 5a0000000001 -> , shop base "
	        "[-5a0000000001]\n");
	fx_free(f);
}

static void test_lbl_label_relative_downgrade(void **state)
{
	struct fx *f = make(lbl);

	(void)state;
	assert_string_equal(
	        down(f, ROWS("5c0000000003", "7c0000000003"), 2, "shop@-1"),
	        "Running downgrade 5c0000000003 -> 5b0000000002, shop three "
	        "[-5c0000000003]\n");
	/* lib's head is only implied by 7c: found through the ancestors */
	assert_string_equal(
	        down(f, ROWS("7c0000000003"), 1, "lib@-1"),
	        "Running downgrade 7c0000000003 -> 7b0000000002, auth three "
	        "[+7b0000000002 7c0000000003>9a0000000001]\n"
	        "Running downgrade 9a0000000001 -> , lib base "
	        "[-9a0000000001]\n");
	fx_free(f);
}

static void test_bookkeeping_failure_keeps_done_steps(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "a", NULL, NULL, NULL, NULL);
	rev(f, "b", "a", NULL, NULL, NULL);
	rev(f, "c", "b", NULL, NULL, NULL);
	rev(f, "x", NULL, NULL, NULL, NULL);
	rev(f, "m", "x", "b,c", NULL, NULL);
	assert_int_equal(build(f), 0);
	/* Alembic: KeyError 'b' after committing four steps */
	assert_string_equal(up(f, NULL, 0, "m"),
	                    "Running upgrade  -> a [+a]\n"
	                    "Running upgrade a -> b [a>b]\n"
	                    "Running upgrade b -> c [b>c]\n"
	                    "Running upgrade  -> x [+x]\n"
	                    "FAIL 4 (-1)\n");
	fx_free(f);
}

/* ---- relative targets ------------------------------------------------ */

static void test_upgrade_plus_n(void **state)
{
	struct fx *f = make(lin);

	(void)state;
	assert_string_equal(up(f, NULL, 0, "+2"),
	                    "Running upgrade  -> 1111aaaa0001, create account "
	                    "table [+1111aaaa0001]\n"
	                    "Running upgrade 1111aaaa0001 -> 2222bbbb0002, add "
	                    "email [1111aaaa0001>2222bbbb0002]\n");
	assert_string_equal(up(f, ROWS("2222bbbb0002"), 1, "+1junk"),
	                    "Running upgrade 2222bbbb0002 -> 3333cccc0003, add "
	                    "index [2222bbbb0002>3333cccc0003]\n");
	assert_string_equal(up(f, NULL, 0, "+4"),
	                    "Relative revision +4 didn't produce 4 migrations");
	assert_int_equal(f->err.code, RT_EUSAGE);
	fx_free(f);
}

static void test_upgrade_minus_forms(void **state)
{
	struct fx *f = make(lin);

	(void)state;
	assert_string_equal(up(f, NULL, 0, "-1"),
	                    "Relative revision -1 didn't produce 1 migrations");
	assert_string_equal(up(f, NULL, 0, "+0"),
	                    "Relative revision 0 didn't produce 0 migrations");
	assert_string_equal(up(f, NULL, 0, "-02"),
	                    "Relative revision -2 didn't produce 2 migrations");
	assert_string_equal(up(f, NULL, 0, "head-2"),
	                    "Running upgrade  -> 1111aaaa0001, create account "
	                    "table [+1111aaaa0001]\n");
	fx_free(f);
}

static void test_upgrade_walk_past_top_is_an_alembic_crash(void **state)
{
	struct fx *f = make(lin);

	(void)state;
	up(f, NULL, 0, "2222+5");
	assert_int_equal(f->err.code, RT_ERROR);
	up(f, NULL, 0, "heads+1");
	assert_int_equal(f->err.code, RT_ERROR);
	up(f, NULL, 0, "1111-1");
	assert_int_equal(f->err.code, RT_ERROR);
	fx_free(f);
}

static void test_upgrade_ambiguous(void **state)
{
	struct fx *f = make(mh);

	(void)state;
	assert_string_equal(up(f, ROWS("aaaa00000001"), 1, "+1"),
	                    "Ambiguous walk");
	assert_string_equal(
	        up(f, ROWS("cccc00000003", "dddd00000004"), 2, "+1"),
	        "Ambiguous upgrade from multiple current "
	        "revisions");
	assert_string_equal(
	        up(f, ROWS("cccc00000003", "dddd00000004"), 2, "head"),
	        multi_head);
	assert_int_equal(f->err.code, RT_EMULTIHEAD);
	fx_free(f);
	f = make(forest);
	assert_string_equal(up(f, NULL, 0, "+1"), "Ambiguous walk");
	fx_free(f);
}

static void test_upgrade_multiple_heads_quotes_target(void **state)
{
	struct fx *f = make(mh);

	(void)state;
	assert_string_equal(up(f, NULL, 0, "head-1"),
	                    "Multiple head revisions are present for given "
	                    "argument 'head-1'; please specify a specific "
	                    "target revision, '<branchname>@head-1' to narrow "
	                    "to a specific head, or 'heads' for all heads");
	fx_free(f);
}

static void test_upgrade_label_plus_n(void **state)
{
	struct fx *f = make(lbl);

	(void)state;
	assert_string_equal(up(f, NULL, 0, "auth@+1"),
	                    "Running upgrade  -> 7a0000000001, auth base "
	                    "[+7a0000000001]\n");
	assert_string_equal(up(f, NULL, 0, "lib@+2"),
	                    "Relative revision +2 didn't produce 2 migrations");
	fx_free(f);
}

static void test_upgrade_overlapping_rows(void **state)
{
	struct fx *f = make(br);

	(void)state;
	assert_string_equal(
	        up(f, ROWS("aaaa00000001", "bbbb00000002"), 2, "heads"),
	        "Requested revision bbbb00000002 overlaps with "
	        "other requested revisions aaaa00000001");
	fx_free(f);
}

static void test_upgrade_unknown_row(void **state)
{
	struct fx *f = make(br);

	(void)state;
	assert_string_equal(up(f, ROWS("deadbeef0000"), 1, "heads"),
	                    "Can't locate revision identified by "
	                    "'deadbeef0000'");
	fx_free(f);
}

static void test_downgrade_minus_one_from_two_heads(void **state)
{
	struct fx *f = make(mh);

	(void)state;
	/* the first row the database returned is used */
	assert_string_equal(
	        down(f, ROWS("dddd00000004", "cccc00000003"), 2, "-1"),
	        "warning: downgrade -1 from multiple heads is ambiguous; this "
	        "usage will be disallowed in a future release.\n"
	        "Running downgrade dddd00000004 -> bbbb00000002, d after b "
	        "[dddd00000004>bbbb00000002]\n");
	fx_free(f);
}

static void test_downgrade_relative_errors(void **state)
{
	struct fx *f = make(br);

	(void)state;
	assert_string_equal(down(f, ROWS("eeee00000005"), 1, "-1"),
	                    "Ambiguous walk");
	assert_string_equal(down(f, ROWS("eeee00000005"), 1, "+1"),
	                    "Relative revision +1 didn't produce 1 migrations");
	assert_string_equal(down(f, NULL, 0, "-1"),
	                    "Relative revision -1 didn't produce 1 migrations");
	fx_free(f);
}

static void test_downgrade_relative_linear(void **state)
{
	static const char *const top[] = { "3333cccc0003" };
	struct fx *f = make(lin);

	(void)state;
	assert_string_equal(down(f, top, 1, "-4"),
	                    "Relative revision -4 didn't produce 4 migrations");
	assert_string_equal(down(f, top, 1, "3333-5"), "Walked too far");
	assert_string_equal(down(f, top, 1, "-3"),
	                    "Running downgrade 3333cccc0003 -> 2222bbbb0002, "
	                    "add index [3333cccc0003>2222bbbb0002]\n"
	                    "Running downgrade 2222bbbb0002 -> 1111aaaa0001, "
	                    "add email [2222bbbb0002>1111aaaa0001]\n"
	                    "Running downgrade 1111aaaa0001 -> , create "
	                    "account table [-1111aaaa0001]\n");
	assert_string_equal(down(f, top, 1, "1111+0"),
	                    "Running downgrade 3333cccc0003 -> 2222bbbb0002, "
	                    "add index [3333cccc0003>2222bbbb0002]\n"
	                    "Running downgrade 2222bbbb0002 -> 1111aaaa0001, "
	                    "add email [2222bbbb0002>1111aaaa0001]\n");
	fx_free(f);
}

static void test_downgrade_targets(void **state)
{
	struct fx *f = make(lin);

	(void)state;
	assert_string_equal(down(f, ROWS("2222bbbb0002"), 1, "3333"),
	                    "Destination 3333 is not a valid downgrade target "
	                    "from current head(s)");
	assert_string_equal(down(f, ROWS("2222bbbb0002"), 1, "2222"), "");
	assert_string_equal(down(f, NULL, 0, "base"), "");
	fx_free(f);
	f = make(mh);
	assert_string_equal(
	        down(f, ROWS("cccc00000003", "dddd00000004"), 2, "aaaa@aaaa"),
	        "Not a valid downgrade target from current heads");
	fx_free(f);
}

static void test_downgrade_label_without_current_head(void **state)
{
	struct fx *f = make(lbl);

	(void)state;
	/* Alembic: AssertionError before anything runs */
	down(f, ROWS("5c0000000003"), 1, "lib@-1");
	assert_int_equal(f->err.code, RT_ERROR);
	fx_free(f);
}

static void test_precheck(void **state)
{
	struct rt_error err = RT_ERROR_INIT;

	(void)state;
	assert_int_equal(rt_plan_precheck(RT_STEP_UPGRADE, "-2", 0, &err),
	                 RT_EUSAGE);
	assert_string_equal(err.message,
	                    "Relative revision -2 didn't produce 2 migrations");
	rt_error_clear(&err);
	assert_int_equal(rt_plan_precheck(RT_STEP_UPGRADE, "+2", 0, &err), 0);
	assert_int_equal(rt_plan_precheck(RT_STEP_UPGRADE, "head-1", 0, &err),
	                 0);
	assert_int_equal(rt_plan_precheck(RT_STEP_DOWNGRADE, "-3", 0, &err),
	                 RT_EUSAGE);
	assert_string_equal(err.message,
	                    "Relative revision -3 didn't produce 3 migrations");
	rt_error_clear(&err);
	assert_int_equal(rt_plan_precheck(RT_STEP_DOWNGRADE, "-3", 1, &err), 0);
	assert_int_equal(rt_plan_precheck(RT_STEP_DOWNGRADE, "x@-3", 0, &err),
	                 0);
	assert_int_equal(rt_plan_precheck(RT_STEP_DOWNGRADE, "+1", 2, &err),
	                 RT_EUSAGE);
	assert_string_equal(err.message,
	                    "Relative revision +1 didn't produce 1 migrations");
	rt_error_clear(&err);
	assert_int_equal(rt_plan_precheck(RT_STEP_DOWNGRADE, "base", 0, &err),
	                 0);
}

/* ---- stamp (alembic.md §8.5) ----------------------------------------- */

static void test_stamp_merges_rows(void **state)
{
	struct fx *f = make(br);

	(void)state;
	assert_string_equal(stamp(f, ROWS("cccc00000003", "dddd00000004"), 2,
	                          ROWS("eeee"), 1, false),
	                    "Running stamp_revision cccc00000003, dddd00000004 "
	                    "-> eeee00000005 [-cccc00000003 "
	                    "dddd00000004>eeee00000005]\n");
	fx_free(f);
}

static void test_stamp_moves_down_and_across(void **state)
{
	struct fx *f = make(br);

	(void)state;
	assert_string_equal(stamp(f, ROWS("eeee00000005"), 1,
	                          ROWS("cccc00000003"), 1, false),
	                    "Running stamp_revision eeee00000005 -> "
	                    "cccc00000003 [eeee00000005>cccc00000003]\n");
	assert_string_equal(stamp(f, ROWS("cccc00000003"), 1,
	                          ROWS("dddd00000004"), 1, false),
	                    "Running stamp_revision  -> dddd00000004 "
	                    "[+dddd00000004]\n");
	fx_free(f);
}

static void test_stamp_base(void **state)
{
	struct fx *f = make(br);

	(void)state;
	assert_string_equal(stamp(f, ROWS("cccc00000003", "dddd00000004"), 2,
	                          ROWS("base"), 1, false),
	                    "Running stamp_revision cccc00000003 ->  "
	                    "[-cccc00000003]\n"
	                    "Running stamp_revision dddd00000004 ->  "
	                    "[-dddd00000004]\n");
	/* no target at all means base */
	assert_string_equal(stamp(f, ROWS("cccc00000003"), 1, NULL, 0, false),
	                    "Running stamp_revision cccc00000003 ->  "
	                    "[-cccc00000003]\n");
	fx_free(f);
}

static void test_stamp_two_targets(void **state)
{
	struct fx *f = make(br);

	(void)state;
	assert_string_equal(stamp(f, NULL, 0, ROWS("cccc", "dddd"), 2, false),
	                    "Running stamp_revision  -> cccc00000003 "
	                    "[+cccc00000003]\n"
	                    "Running stamp_revision  -> dddd00000004 "
	                    "[+dddd00000004]\n");
	/* Alembic stores an ancestor and its descendant; retort warns */
	assert_string_equal(stamp(f, NULL, 0, ROWS("aaaa", "bbbb"), 2, false),
	                    "warning: Requested revision bbbb00000002 "
	                    "overlaps with other requested revisions "
	                    "aaaa00000001: the version table will hold a "
	                    "revision and one of its ancestors, and later "
	                    "upgrades will fail; stamp only the newest "
	                    "revision of each branch (or use stamp --purge "
	                    "to repair)\n"
	                    "Running stamp_revision  -> aaaa00000001 "
	                    "[+aaaa00000001]\n"
	                    "Running stamp_revision  -> bbbb00000002 "
	                    "[+bbbb00000002]\n");
	fx_free(f);
}

static void test_stamp_two_targets_from_merge_fails_midway(void **state)
{
	struct fx *f = make(br);

	(void)state;
	/* Alembic: KeyError 'eeee00000005' after the first step */
	assert_string_equal(stamp(f, ROWS("eeee00000005"), 1,
	                          ROWS("cccc", "dddd"), 2, false),
	                    "Running stamp_revision eeee00000005 -> "
	                    "cccc00000003 [eeee00000005>cccc00000003]\n"
	                    "FAIL 1 (-1)\n");
	assert_string_equal(stamp(f, NULL, 0, ROWS("cccc", "cccc"), 2, false),
	                    "Running stamp_revision  -> cccc00000003 "
	                    "[+cccc00000003]\n"
	                    "FAIL 1 (-1)\n");
	fx_free(f);
}

static void test_stamp_heads_and_head(void **state)
{
	struct fx *f = make(mh);

	(void)state;
	assert_string_equal(stamp(f, NULL, 0, ROWS("heads"), 1, false),
	                    "Running stamp_revision  -> cccc00000003 "
	                    "[+cccc00000003]\n"
	                    "Running stamp_revision  -> dddd00000004 "
	                    "[+dddd00000004]\n");
	assert_string_equal(stamp(f, NULL, 0, ROWS("head"), 1, false),
	                    "Multiple heads are present; please specify a "
	                    "single target revision");
	assert_int_equal(f->err.code, RT_EMULTIHEAD);
	fx_free(f);
}

static void test_stamp_unknown_rows_and_purge(void **state)
{
	struct fx *f = make(mh);

	(void)state;
	assert_string_equal(
	        stamp(f, ROWS("deadbeef0000"), 1, ROWS("cccc"), 1, false),
	        "Can't locate revision identified by "
	        "'deadbeef0000'");
	assert_string_equal(
	        stamp(f, ROWS("deadbeef0000"), 1, ROWS("cccc"), 1, true),
	        "Running stamp_revision  -> cccc00000003 "
	        "[+cccc00000003]\n");
	assert_string_equal(stamp(f, NULL, 0, ROWS("nosuch"), 1, false),
	                    "Can't locate revision identified by 'nosuch'");
	fx_free(f);
}

static void test_stamp_with_dependencies(void **state)
{
	struct fx *f = make(lbl);

	(void)state;
	/* 7a is an ancestor of 5c through the dependency: moved up */
	assert_string_equal(stamp(f, ROWS("7a0000000001"), 1,
	                          ROWS("5c0000000003"), 1, false),
	                    "Running stamp_revision 7a0000000001 -> "
	                    "5c0000000003 [7a0000000001>5c0000000003]\n");
	fx_free(f);
}

/* ---- size ------------------------------------------------------------ */

static void test_ten_thousand_step_plan(void **state)
{
	struct fx *f = fx_new();
	struct rt_plan p = RT_PLAN_INIT;
	const struct rt_revision **revs = calloc(10000, sizeof(*revs));
	struct rt_revision *r = calloc(10000, sizeof(*r));
	const char **parents = calloc(10000, sizeof(*parents));
	char(*idbuf)[16] = calloc(10000, sizeof(*idbuf));
	struct timespec t0, t1;

	(void)state;
	for (size_t i = 0; i < 10000; i++) {
		snprintf(idbuf[i], sizeof(idbuf[i]), "%012zx", i * 7919 + 1);
		r[i].id = idbuf[i];
		r[i].doc = "step";
		r[i].load_order = (unsigned)i;
		if (i) {
			parents[i] = idbuf[i - 1];
			r[i].down_revisions = &parents[i];
			r[i].nr_down = 1;
		}
		revs[i] = &r[i];
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(rt_revmap_build(&f->map, revs, 10000, &f->err), 0);
	assert_int_equal(rt_plan_upgrade(&p, f->map, NULL, 0, "head", &f->err),
	                 0);
	assert_int_equal(p.nr, 10000);
	assert_ptr_equal(p.steps[0].rev, &r[0]);
	assert_ptr_equal(p.steps[9999].rev, &r[9999]);
	rt_plan_release(&p);
	{
		const char *row = idbuf[9999];

		assert_int_equal(
		        rt_plan_downgrade(&p, f->map, &row, 1, "base", &f->err),
		        0);
		assert_int_equal(p.nr, 10000);
		rt_plan_release(&p);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true((double)(t1.tv_sec - t0.tv_sec) +
	                    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9 <
	            10.0); /* generous: valgrind */
	fx_free(f);
	free(revs);
	free(r);
	free(parents);
	free(idbuf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_upgrade_linear_from_empty),
		cmocka_unit_test(test_upgrade_without_doc),
		cmocka_unit_test(test_short_line),
		cmocka_unit_test(test_upgrade_nothing_to_do),
		cmocka_unit_test(test_upgrade_heads_order),
		cmocka_unit_test(test_forest_up_and_down),
		cmocka_unit_test(test_branch_of_branch),
		cmocka_unit_test(test_br_new_branch),
		cmocka_unit_test(test_br_merge),
		cmocka_unit_test(test_br_unmerge),
		cmocka_unit_test(test_downgrade_label_base_takes_shared_base),
		cmocka_unit_test(test_lbl_dependency_absorbed),
		cmocka_unit_test(test_lbl_downgrade_follows_dependants),
		cmocka_unit_test(test_lbl_label_relative_downgrade),
		cmocka_unit_test(test_bookkeeping_failure_keeps_done_steps),
		cmocka_unit_test(test_upgrade_plus_n),
		cmocka_unit_test(test_upgrade_minus_forms),
		cmocka_unit_test(
		        test_upgrade_walk_past_top_is_an_alembic_crash),
		cmocka_unit_test(test_upgrade_ambiguous),
		cmocka_unit_test(test_upgrade_multiple_heads_quotes_target),
		cmocka_unit_test(test_upgrade_label_plus_n),
		cmocka_unit_test(test_upgrade_overlapping_rows),
		cmocka_unit_test(test_upgrade_unknown_row),
		cmocka_unit_test(test_downgrade_minus_one_from_two_heads),
		cmocka_unit_test(test_downgrade_relative_errors),
		cmocka_unit_test(test_downgrade_relative_linear),
		cmocka_unit_test(test_downgrade_targets),
		cmocka_unit_test(test_downgrade_label_without_current_head),
		cmocka_unit_test(test_precheck),
		cmocka_unit_test(test_stamp_merges_rows),
		cmocka_unit_test(test_stamp_moves_down_and_across),
		cmocka_unit_test(test_stamp_base),
		cmocka_unit_test(test_stamp_two_targets),
		cmocka_unit_test(
		        test_stamp_two_targets_from_merge_fails_midway),
		cmocka_unit_test(test_stamp_heads_and_head),
		cmocka_unit_test(test_stamp_unknown_rows_and_purge),
		cmocka_unit_test(test_stamp_with_dependencies),
		cmocka_unit_test(test_ten_thousand_step_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
