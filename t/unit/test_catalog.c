/*
 * test_catalog.c - the catalog's own bookkeeping: building, ordering,
 * the canonical dump two catalogs are compared by, type spelling.
 */
#include "util/compat.h"
#include <setjmp.h>
#include <cmocka.h>
#include "schema/catalog.h"
#include "util/alloc.h"

/* t(a INTEGER NOT NULL, b TEXT) with keys, checks, an index. */
static void build_sample(struct rt_catalog *cat, bool reversed)
{
	const char *names[] = { "zeta", "alpha" };
	struct rt_cat_table *t;
	struct rt_cat_column *c;
	struct rt_cat_fk *fk;
	struct rt_cat_index *ix;

	for (size_t i = 0; i < 2; i++) {
		const char *name = names[reversed ? 1 - i : i];

		t = rt_catalog_add_table(cat, name);
		c = rt_cat_table_add_column(t, "a");
		c->type = rt_xstrdup("INTEGER");
		c->not_null = true;
		c->default_expr = rt_xstrdup("0");
		c = rt_cat_table_add_column(t, "b");
		c->type = rt_xstrdup("TEXT");
		c->collation = rt_xstrdup("NOCASE");
		rt_strvec_push(&rt_cat_table_set_primary_key(t, NULL)->columns,
		               "a");
		/* added in an order that depends on `reversed` */
		rt_strvec_push(
		        &rt_cat_table_add_unique(t, reversed ? "uq_2" : "uq_1")
		                 ->columns,
		        "b");
		rt_strvec_push(
		        &rt_cat_table_add_unique(t, reversed ? "uq_1" : "uq_2")
		                 ->columns,
		        "b");
		rt_cat_table_add_check(t, NULL, reversed ? "b <> ''" : "a > 0");
		rt_cat_table_add_check(t, NULL, reversed ? "a > 0" : "b <> ''");
		fk = rt_cat_table_add_fk(t, NULL);
		rt_strvec_push(&fk->columns, "a");
		fk->ref_table = rt_xstrdup("alpha");
		fk->on_delete = RT_FK_CASCADE;
		ix = rt_cat_table_add_index(t, reversed ? "ix_b" : "ix_a");
		rt_strvec_push(&ix->keys, reversed ? "b DESC" : "a");
		ix = rt_cat_table_add_index(t, reversed ? "ix_a" : "ix_b");
		rt_strvec_push(&ix->keys, reversed ? "a" : "b DESC");
		ix->where = reversed ? NULL : rt_xstrdup("b IS NOT NULL");
		if (reversed)
			t->indexes[0].where = rt_xstrdup("b IS NOT NULL");
	}
	rt_catalog_add_view(cat, reversed ? "v2" : "v1", "SELECT 1");
	rt_catalog_add_view(cat, reversed ? "v1" : "v2", "SELECT 1");
}

static void test_sorted_dumps_are_equal(void **state)
{
	struct rt_catalog a, b;
	struct rt_buf da = RT_BUF_INIT, db = RT_BUF_INIT;

	(void)state;
	rt_catalog_init(&a, RT_DIALECT_SQLITE);
	rt_catalog_init(&b, RT_DIALECT_SQLITE);
	build_sample(&a, false);
	build_sample(&b, true);
	rt_catalog_sort(&a);
	rt_catalog_sort(&b);
	rt_catalog_dump(&da, &a);
	rt_catalog_dump(&db, &b);
	assert_string_equal(da.buf, db.buf);
	assert_non_null(
	        strstr(da.buf,
	               "table alpha\n"
	               "column alpha.a INTEGER NOT NULL DEFAULT 0\n"
	               "column alpha.b TEXT COLLATE NOCASE\n"
	               "primary key (unnamed) ON alpha (a)\n"
	               "unique uq_1 ON alpha (b)\n"
	               "unique uq_2 ON alpha (b)\n"
	               "foreign key (unnamed) ON alpha (a) REFERENCES alpha () "
	               "ON DELETE CASCADE ON UPDATE NO ACTION\n"
	               "check (unnamed) ON alpha (a > 0)\n"
	               "check (unnamed) ON alpha (b <> '')\n"
	               "index ix_a ON alpha (a)\n"
	               "index ix_b ON alpha (b DESC) WHERE b IS NOT NULL\n"
	               "table zeta\n"));
	assert_non_null(strstr(da.buf, "view v1 AS SELECT 1\nview v2 AS"));
	assert_ptr_equal(rt_catalog_find_table(&a, "zeta"), &a.tables[1]);
	assert_null(rt_catalog_find_table(&a, "nope"));
	assert_string_equal(rt_cat_table_find_column(&a.tables[0], "b")->type,
	                    "TEXT");
	assert_null(rt_cat_table_find_column(&a.tables[0], "c"));
	assert_string_equal(rt_catalog_find_view(&a, "v2")->name, "v2");
	rt_catalog_add_trigger(&a, "tr_z", "zeta", "AFTER INSERT ON zeta");
	rt_catalog_add_trigger(&a, "tr_a", "alpha", "AFTER INSERT ON alpha");
	rt_catalog_add_trigger(&a, "tr_a2", "alpha", "BEFORE DELETE ON alpha");
	rt_catalog_remove_table(&a, "alpha");
	rt_catalog_remove_table(&a, "nope");
	assert_int_equal(a.nr_tables, 1);
	assert_string_equal(a.tables[0].name, "zeta");
	/* the triggers of alpha went with it */
	assert_int_equal(a.nr_triggers, 1);
	assert_string_equal(a.triggers[0].name, "tr_z");
	rt_buf_release(&da);
	rt_buf_release(&db);
	rt_catalog_release(&a);
	rt_catalog_release(&b);
}

/* A difference anywhere shows in the dump. */
static void test_dump_shows_differences(void **state)
{
	struct rt_catalog a, b;
	struct rt_buf da = RT_BUF_INIT, db = RT_BUF_INIT;

	(void)state;
	rt_catalog_init(&a, RT_DIALECT_POSTGRESQL);
	rt_catalog_init(&b, RT_DIALECT_POSTGRESQL);
	build_sample(&a, false);
	build_sample(&b, false);
	b.tables[0].fks[0].on_update = RT_FK_SET_NULL;
	rt_catalog_dump(&da, &a);
	rt_catalog_dump(&db, &b);
	assert_string_not_equal(da.buf, db.buf);
	assert_non_null(strstr(db.buf, "ON UPDATE SET NULL"));
	rt_strvec_push(&rt_catalog_add_enum(&a, "mood")->labels, "sad");
	rt_catalog_add_sequence(&a, "s")->increment = 2;
	rt_buf_reset(&da);
	rt_catalog_dump(&da, &a);
	assert_non_null(strstr(da.buf, "enum mood (sad)\nsequence s bigint "
	                               "START 0 INCREMENT 2"));
	rt_buf_release(&da);
	rt_buf_release(&db);
	rt_catalog_release(&a);
	rt_catalog_release(&b);
}

static void test_fk_actions(void **state)
{
	enum rt_fk_action a = RT_FK_NO_ACTION;

	(void)state;
	assert_true(rt_fk_action_parse(&a, "set null"));
	assert_int_equal(a, RT_FK_SET_NULL);
	assert_true(rt_fk_action_parse(&a, "NO ACTION"));
	assert_int_equal(a, RT_FK_NO_ACTION);
	assert_false(rt_fk_action_parse(&a, "EXPLODE"));
	assert_string_equal(rt_fk_action_sql(RT_FK_SET_DEFAULT), "SET DEFAULT");
}

static void check_type(enum rt_dialect d, const char *in, const char *want)
{
	char *got = rt_catalog_normalise_type(d, in);

	assert_string_equal(got, want);
	free(got);
}

static void test_normalise_type(void **state)
{
	(void)state;
	check_type(RT_DIALECT_SQLITE, "varchar ( 255 )", "VARCHAR(255)");
	check_type(RT_DIALECT_SQLITE, "  numeric(10,  2) ", "NUMERIC(10,2)");
	check_type(RT_DIALECT_SQLITE, "double\tprecision", "DOUBLE PRECISION");
	check_type(RT_DIALECT_SQLITE, "int", "INT");
	check_type(RT_DIALECT_SQLITE, "", "");
	check_type(RT_DIALECT_SQLITE, "unsigned big int", "UNSIGNED BIG INT");
	check_type(RT_DIALECT_POSTGRESQL, "character varying(255)",
	           "character varying(255)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sorted_dumps_are_equal),
		cmocka_unit_test(test_dump_shows_differences),
		cmocka_unit_test(test_fk_actions),
		cmocka_unit_test(test_normalise_type),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
