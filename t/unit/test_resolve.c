#include "util/compat.h"
/*
 * test_resolve.c - resolving revision symbols (rt_revmap_resolve,
 * rt_revmap_resolve_one): ids, prefixes of ids and labels, `head`,
 * `heads`, `base`, `L@X` forms, `-N`, and Alembic's error texts.
 */
#include <setjmp.h>
#include <cmocka.h>

#include "graph/revmap.h"
#include "util/arena.h"
#include "util/buf.h"
#include "retort/error.h"

#include "graph_fixture.h"

/* What `symbol` resolves to, or the error message. */
static const char *res(struct fx *f, const char *symbol)
{
	struct rt_revlist l = RT_REVLIST_INIT;

	rt_error_clear(&f->err);
	if (rt_revmap_resolve(&l, f->map, symbol, &f->err) < 0) {
		rt_revlist_release(&l);
		return f->err.message;
	}
	return ids(f, &l);
}

static const char *one(struct fx *f, const char *symbol)
{
	const struct rt_revision *r = NULL;

	rt_error_clear(&f->err);
	if (rt_revmap_resolve_one(&r, f->map, symbol, &f->err) < 0)
		return f->err.message;
	return r ? r->id : "(none)";
}

static const char multi_head[] =
        "Multiple head revisions are present for given argument 'head'; "
        "please specify a specific target revision, '<branchname>@head' to "
        "narrow to a specific head, or 'heads' for all heads";

static void test_exact_id(void **state)
{
	struct fx *f = make(lin);

	(void)state;
	assert_string_equal(res(f, "2222bbbb0002"), "2222bbbb0002");
	fx_free(f);
}

static void test_prefix_of_any_length(void **state)
{
	struct fx *f = make(lin);

	(void)state;
	assert_string_equal(res(f, "1"), "1111aaaa0001");
	assert_string_equal(res(f, "2222b"), "2222bbbb0002");
	fx_free(f);
}

static void test_ambiguous_prefix(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "abcd11110001", NULL, NULL, NULL, NULL);
	rev(f, "abcd22220002", "abcd11110001", NULL, NULL, NULL);
	assert_int_equal(build(f), 0);
	assert_string_equal(res(f, "abcd"),
	                    "Can't locate revision identified by 'abcd'");
	assert_int_equal(f->err.code, RT_ENOTFOUND);
	assert_string_equal(res(f, "abc"),
	                    "Can't locate revision identified by 'abc'");
	assert_string_equal(res(f, "abcd2"), "abcd22220002");
	fx_free(f);
}

static void test_unknown(void **state)
{
	struct fx *f = make(lin);

	(void)state;
	assert_string_equal(res(f, "nosuch"),
	                    "Can't locate revision identified by 'nosuch'");
	assert_string_equal(res(f, "12"),
	                    "Can't locate revision identified by '12'");
	assert_string_equal(res(f, "current"),
	                    "Can't locate revision identified by 'current'");
	fx_free(f);
}

static void test_label_names_its_first_revision(void **state)
{
	struct fx *f = make(lbl);

	(void)state;
	assert_string_equal(res(f, "shop"), "5a0000000001");
	assert_string_equal(res(f, "sho"), "5a0000000001");
	fx_free(f);
}

static void test_prefix_counts_keys_not_revisions(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "abcd1111", NULL, NULL, "abcdlabel", NULL);
	rev(f, "zz", "abcd1111", NULL, NULL, NULL);
	assert_int_equal(build(f), 0);
	/* the id and the label both start with "abcd" */
	assert_string_equal(res(f, "abcd"),
	                    "Can't locate revision identified by 'abcd'");
	assert_string_equal(res(f, "abcdl"), "abcd1111");
	fx_free(f);
}

static void test_keys_of_three_characters_never_match(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "abc", NULL, NULL, NULL, NULL);
	assert_int_equal(build(f), 0);
	assert_string_equal(res(f, "abc"), "abc");
	assert_string_equal(res(f, "ab"),
	                    "Can't locate revision identified by 'ab'");
	fx_free(f);
}

static void test_heads_are_real_heads(void **state)
{
	struct fx *f = make(lbl);

	(void)state;
	assert_string_equal(res(f, "heads"), "5c0000000003 7c0000000003");
	fx_free(f);
}

static void test_head_single_and_multiple(void **state)
{
	struct fx *f = make(lin);

	(void)state;
	assert_string_equal(res(f, "head"), "3333cccc0003");
	fx_free(f);
	f = make(mh);
	assert_string_equal(res(f, "head"), multi_head);
	assert_int_equal(f->err.code, RT_EMULTIHEAD);
	assert_string_equal(res(f, "@head"), multi_head);
	fx_free(f);
}

static void test_base_is_empty(void **state)
{
	struct fx *f = make(lin);

	(void)state;
	assert_string_equal(res(f, "base"), "");
	assert_string_equal(one(f, "base"), "(none)");
	fx_free(f);
}

static void test_empty_map_symbols(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	assert_int_equal(build(f), 0);
	assert_string_equal(res(f, "head"), "");
	assert_string_equal(res(f, "heads"), "");
	assert_string_equal(one(f, "head"), "(none)");
	fx_free(f);
}

static void test_label_at_head(void **state)
{
	struct fx *f = make(lbl);

	(void)state;
	assert_string_equal(res(f, "shop@head"), "5c0000000003");
	assert_string_equal(res(f, "auth@head"), "7c0000000003");
	/* an id (or prefix) stands for its lineage */
	assert_string_equal(res(f, "5a@head"), "5c0000000003");
	fx_free(f);
}

static void test_label_at_heads(void **state)
{
	struct fx *f = make(lbl);

	(void)state;
	assert_string_equal(res(f, "auth@heads"), "7c0000000003");
	fx_free(f);
}

static void test_label_at_head_with_two_heads(void **state)
{
	struct fx *f = make(mh);

	(void)state;
	assert_string_equal(res(f, "aaaa@head"),
	                    "Multiple head revisions are present for given "
	                    "argument 'aaaa@head'; please specify a specific "
	                    "target revision, '<branchname>@aaaa@head' to "
	                    "narrow to a specific head, or 'heads' for all "
	                    "heads");
	assert_string_equal(res(f, "bbbb@head"), "dddd00000004");
	fx_free(f);
}

static void test_label_at_revision(void **state)
{
	struct fx *f = make(lbl);

	(void)state;
	assert_string_equal(res(f, "shop@5b"), "5b0000000002");
	assert_string_equal(res(f, "auth@5b"),
	                    "Can't locate revision identified by '5b'");
	assert_string_equal(res(f, "shop@base"), "");
	fx_free(f);
}

static void test_unknown_branch(void **state)
{
	struct fx *f = make(lbl);

	(void)state;
	assert_string_equal(res(f, "nolabel@head"),
	                    "Can't locate revision identified by 'nolabel'");
	assert_string_equal(res(f, "nolabel@5b"),
	                    "Can't locate revision identified by 'nolabel'");
	/* "7" is ambiguous as a branch */
	assert_string_equal(res(f, "7@5c"),
	                    "Can't locate revision identified by '7'");
	fx_free(f);
}

static void test_prefix_narrowed_by_branch(void **state)
{
	struct fx *f = fx_new();

	(void)state;
	rev(f, "abcd01", NULL, NULL, "one", NULL);
	rev(f, "abcd02", NULL, NULL, "two", NULL);
	assert_int_equal(build(f), 0);
	assert_string_equal(res(f, "abcd"),
	                    "Can't locate revision identified by 'abcd'");
	assert_string_equal(res(f, "two@abcd"), "abcd02");
	fx_free(f);
}

static void test_minus_n_walks_down_from_heads(void **state)
{
	struct fx *f = make(lbl);

	(void)state;
	assert_string_equal(res(f, "-1"), "5b0000000002 7b0000000002");
	assert_string_equal(res(f, "shop@-1"), "5b0000000002");
	fx_free(f);
}

static void test_minus_n_past_base_is_an_alembic_crash(void **state)
{
	struct fx *f = make(lin);

	(void)state;
	assert_string_equal(res(f, "-2"), "1111aaaa0001");
	res(f, "-3");
	assert_int_equal(f->err.code, RT_ERROR);
	res(f, "-5");
	assert_int_equal(f->err.code, RT_ERROR);
	fx_free(f);
}

static void test_relative_forms_are_not_symbols(void **state)
{
	struct fx *f = make(lin);

	(void)state;
	assert_string_equal(res(f, "head-1"),
	                    "Can't locate revision identified by 'head-1'");
	assert_string_equal(res(f, "1111+1"),
	                    "Can't locate revision identified by '1111+1'");
	fx_free(f);
}

static void test_empty_symbol_is_an_alembic_crash(void **state)
{
	struct fx *f = make(lin);

	(void)state;
	res(f, "");
	assert_int_equal(f->err.code, RT_ERROR);
	fx_free(f);
}

static void test_resolve_one(void **state)
{
	struct fx *f = make(lbl);

	(void)state;
	assert_string_equal(one(f, "shop@head"), "5c0000000003");
	assert_string_equal(one(f, "7b"), "7b0000000002");
	assert_string_equal(one(f, "heads"),
	                    "Multiple head revisions are present for given "
	                    "argument 'heads'; please specify a specific "
	                    "target revision, '<branchname>@heads' to narrow "
	                    "to a specific head, or 'heads' for all heads");
	assert_string_equal(one(f, "nosuch"),
	                    "Can't locate revision identified by 'nosuch'");
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_id),
		cmocka_unit_test(test_prefix_of_any_length),
		cmocka_unit_test(test_ambiguous_prefix),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_label_names_its_first_revision),
		cmocka_unit_test(test_prefix_counts_keys_not_revisions),
		cmocka_unit_test(test_keys_of_three_characters_never_match),
		cmocka_unit_test(test_heads_are_real_heads),
		cmocka_unit_test(test_head_single_and_multiple),
		cmocka_unit_test(test_base_is_empty),
		cmocka_unit_test(test_empty_map_symbols),
		cmocka_unit_test(test_label_at_head),
		cmocka_unit_test(test_label_at_heads),
		cmocka_unit_test(test_label_at_head_with_two_heads),
		cmocka_unit_test(test_label_at_revision),
		cmocka_unit_test(test_unknown_branch),
		cmocka_unit_test(test_prefix_narrowed_by_branch),
		cmocka_unit_test(test_minus_n_walks_down_from_heads),
		cmocka_unit_test(test_minus_n_past_base_is_an_alembic_crash),
		cmocka_unit_test(test_relative_forms_are_not_symbols),
		cmocka_unit_test(test_empty_symbol_is_an_alembic_crash),
		cmocka_unit_test(test_resolve_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
