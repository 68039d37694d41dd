/*
 * test_diff.c - rt_schema_diff() and rt_change_describe() on catalogs
 * built by hand: for each pair, the exact list of changes in run order,
 * and the reverse comparison gives the inverse changes.
 */
#include "util/compat.h"
#include <setjmp.h>
#include <cmocka.h>
#include "schema/diff.h"
#include "error_raise.h"
#include "util/alloc.h"

/* ---- building catalogs ------------------------------------------------ */

#include "catalog_fixture.h"

static struct rt_cat_table *find(struct rt_catalog *cat, const char *name)
{
	struct rt_cat_table *t = rt_catalog_find_table(cat, name);

	assert_non_null(t);
	return t;
}

/* ---- comparing -------------------------------------------------------- */

static char *diff_text(const struct rt_catalog *from,
                       const struct rt_catalog *to, struct rt_changes *keep)
{
	struct rt_changes changes = RT_CHANGES_INIT;
	struct rt_error err = RT_ERROR_INIT;
	struct rt_buf out = RT_BUF_INIT;

	if (rt_schema_diff(&changes, from, to, &err) < 0)
		fail_msg("diff: %s", err.message);
	for (size_t i = 0; i < changes.nr; i++) {
		rt_change_describe(&out, &changes.items[i]);
		rt_buf_addch(&out, '\n');
	}
	if (keep)
		*keep = changes;
	else
		rt_changes_release(&changes);
	return rt_buf_detach(&out);
}

/*
 * A line per change naming what it does to which object, with `invert`
 * turning an add into a drop and back, so that the changes of
 * diff(a, b) inverted equal those of diff(b, a) as multisets.
 */
static char *signature(const struct rt_change *c, bool invert)
{
	const char *plus = invert ? "-" : "+", *minus = invert ? "+" : "-";
	const char *t = c->to_table   ? c->to_table->name :
	                c->from_table ? c->from_table->name :
	                                "";

	switch (c->kind) {
	case RT_CHANGE_ADD_ENUM:
		return rt_xstrfmt("enum %s %s", c->to_enum->name, plus);
	case RT_CHANGE_DROP_ENUM:
		return rt_xstrfmt("enum %s %s", c->from_enum->name, minus);
	case RT_CHANGE_ALTER_ENUM:
		return rt_xstrfmt("alter enum %s", c->to_enum->name);
	case RT_CHANGE_ADD_SEQUENCE:
		return rt_xstrfmt("sequence %s %s", c->to_sequence->name, plus);
	case RT_CHANGE_DROP_SEQUENCE:
		return rt_xstrfmt("sequence %s %s", c->from_sequence->name,
		                  minus);
	case RT_CHANGE_ALTER_SEQUENCE:
		return rt_xstrfmt("alter sequence %s", c->to_sequence->name);
	case RT_CHANGE_ADD_TABLE:
		return rt_xstrfmt("table %s %s", t, plus);
	case RT_CHANGE_DROP_TABLE:
		return rt_xstrfmt("table %s %s", t, minus);
	case RT_CHANGE_ADD_COLUMN:
		return rt_xstrfmt("column %s.%s %s", t, c->to_column->name,
		                  plus);
	case RT_CHANGE_DROP_COLUMN:
		return rt_xstrfmt("column %s.%s %s", t, c->from_column->name,
		                  minus);
	case RT_CHANGE_ALTER_COLUMN:
		return rt_xstrfmt("alter column %s.%s", t, c->to_column->name);
	case RT_CHANGE_SET_PRIMARY_KEY:
		return rt_xstrfmt("pk %s %s", t, c->to_key ? plus : minus);
	case RT_CHANGE_ADD_UNIQUE:
		return rt_xstrfmt("unique %s %s %s", t, c->to_key->columns.v[0],
		                  plus);
	case RT_CHANGE_DROP_UNIQUE:
		return rt_xstrfmt("unique %s %s %s", t,
		                  c->from_key->columns.v[0], minus);
	case RT_CHANGE_ADD_FK:
		return rt_xstrfmt("fk %s %s %s", t, c->fk->ref_table, plus);
	case RT_CHANGE_DROP_FK:
		return rt_xstrfmt("fk %s %s %s", t, c->fk->ref_table, minus);
	case RT_CHANGE_ADD_CHECK:
		return rt_xstrfmt("check %s %s %s", t, c->check->expr, plus);
	case RT_CHANGE_DROP_CHECK:
		return rt_xstrfmt("check %s %s %s", t, c->check->expr, minus);
	case RT_CHANGE_ADD_INDEX:
		return rt_xstrfmt("index %s %s", c->index->name, plus);
	case RT_CHANGE_DROP_INDEX:
		return rt_xstrfmt("index %s %s", c->index->name, minus);
	case RT_CHANGE_TABLE_COMMENT:
		return rt_xstrfmt("comment %s", t);
	case RT_CHANGE_COLUMN_COMMENT:
		return rt_xstrfmt("comment %s.%s", t, c->to_column->name);
	case RT_CHANGE_ADD_TRIGGER:
		return rt_xstrfmt("trigger %s %s", c->to_trigger->name, plus);
	case RT_CHANGE_DROP_TRIGGER:
		return rt_xstrfmt("trigger %s %s", c->from_trigger->name,
		                  minus);
	case RT_CHANGE_ADD_VIEW:
		return rt_xstrfmt("view %s %s", c->to_view->name, plus);
	case RT_CHANGE_DROP_VIEW:
		return rt_xstrfmt("view %s %s", c->from_view->name, minus);
	case RT_CHANGE_VIEW_COMMENT:
		return rt_xstrfmt("comment view %s", c->to_view->name);
	case RT_CHANGE_TABLE_OPTIONS:
		return rt_xstrfmt("options %s", t);
	}
	return rt_xstrdup("?");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *signatures(const struct rt_changes *ch, bool invert)
{
	char **v = rt_xcalloc(ch->nr + 1, sizeof(*v));
	struct rt_buf out = RT_BUF_INIT;
	size_t n = 0;

	/* re-done objects are consequences, not differences */
	for (size_t i = 0; i < ch->nr; i++)
		if (!ch->items[i].depends_on)
			v[n++] = signature(&ch->items[i], invert);
	qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n; i++) {
		rt_buf_addf(&out, "%s\n", v[i]);
		free(v[i]);
	}
	free(v);
	return rt_buf_detach(&out);
}

/* diff(a, b) described is `forward`, diff(b, a) is `backward`, and each
   is the other inverted. */
static void check_pair(const struct rt_catalog *a, const struct rt_catalog *b,
                       const char *forward, const char *backward)
{
	struct rt_changes fw, bw;
	char *f = diff_text(a, b, &fw);
	char *w = diff_text(b, a, &bw);
	char *fs = signatures(&fw, true), *bs = signatures(&bw, false);

	assert_string_equal(f, forward);
	assert_string_equal(w, backward);
	assert_string_equal(fs, bs);
	free(f);
	free(w);
	free(fs);
	free(bs);
	rt_changes_release(&fw);
	rt_changes_release(&bw);
}

/* The flags of the changes as "d" (destructive) / "r>x" / "r<x" / "-". */
static char *flags(const struct rt_catalog *a, const struct rt_catalog *b)
{
	struct rt_changes ch;
	struct rt_buf out = RT_BUF_INIT;
	char *text = diff_text(a, b, &ch);

	for (size_t i = 0; i < ch.nr; i++) {
		const struct rt_change *c = &ch.items[i];

		if (i)
			rt_buf_addch(&out, ' ');
		if (c->destructive)
			rt_buf_addch(&out, 'd');
		if (c->maybe_renamed_to)
			rt_buf_addf(&out, "r>%s", c->maybe_renamed_to);
		if (c->maybe_renamed_from)
			rt_buf_addf(&out, "r<%s", c->maybe_renamed_from);
		if (!c->destructive && !c->maybe_renamed_to &&
		    !c->maybe_renamed_from)
			rt_buf_addch(&out, '-');
	}
	free(text);
	rt_changes_release(&ch);
	return rt_buf_detach(&out);
}

struct pair {
	struct rt_catalog a, b;
};

static int setup_sqlite(void **state)
{
	struct pair *p = rt_xcalloc(1, sizeof(*p));

	rt_catalog_init(&p->a, RT_DIALECT_SQLITE);
	rt_catalog_init(&p->b, RT_DIALECT_SQLITE);
	*state = p;
	return 0;
}

static int setup_pg(void **state)
{
	struct pair *p = rt_xcalloc(1, sizeof(*p));

	rt_catalog_init(&p->a, RT_DIALECT_POSTGRESQL);
	rt_catalog_init(&p->b, RT_DIALECT_POSTGRESQL);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct pair *p = *state;

	rt_catalog_release(&p->a);
	rt_catalog_release(&p->b);
	free(p);
	return 0;
}

/* ---- tests ------------------------------------------------------------ */

/* Build the same schema on both sides. */
static void same_schema(struct rt_catalog *cat)
{
	struct rt_cat_table *t;

	cf_simple(cat, "user", "name TEXT");
	t = cf_simple(cat, "address", "user_id INTEGER,street TEXT");
	cf_fk(t, NULL, "user_id", "user", "id")->on_delete = RT_FK_CASCADE;
	cf_ix(t, "ix_street", false, "street", NULL);
	rt_cat_table_add_check(t, NULL, "length(street) > 2");
	rt_catalog_add_view(cat, "v", "SELECT * FROM address");
}

static void test_equal_schemas(void **state)
{
	struct pair *p = *state;

	same_schema(&p->a);
	same_schema(&p->b);
	check_pair(&p->a, &p->b, "", "");
}

static void test_tables_added_referenced_first(void **state)
{
	struct pair *p = *state;
	struct rt_cat_table *t;

	cf_simple(&p->a, "keep", "x TEXT");
	cf_simple(&p->b, "keep", "x TEXT");
	/* a -> b -> c, and d -> keep: name order is not creation order */
	t = cf_simple(&p->b, "a", "b_id INTEGER");
	cf_fk(t, NULL, "b_id", "b", "id");
	cf_ix(t, "ix_a_b", false, "b_id", NULL);
	t = cf_simple(&p->b, "b", "c_id INTEGER");
	cf_fk(t, NULL, "c_id", "c", "id");
	cf_simple(&p->b, "c", "name TEXT");
	t = cf_simple(&p->b, "d", "keep_id INTEGER");
	cf_fk(t, NULL, "keep_id", "keep", "id");
	check_pair(&p->a, &p->b,
	           "added table 'c'\n"
	           "added table 'b'\n"
	           "added table 'a'\n"
	           "added table 'd'\n"
	           "added index 'ix_a_b' on 'a' (b_id)\n",
	           "removed table 'd'\n"
	           "removed index 'ix_a_b' on 'a' (b_id)\n"
	           "removed table 'a'\n"
	           "removed table 'b'\n"
	           "removed table 'c'\n");
	{
		char *fl = flags(&p->b, &p->a);

		assert_string_equal(fl, "d - d d d");
		free(fl);
	}
}

/* A cycle: SQLite keeps the FKs inline, PostgreSQL adds one after. */
static void build_cycle(struct rt_catalog *cat)
{
	struct rt_cat_table *t;

	t = cf_simple(cat, "x", "y_id INTEGER");
	cf_fk(t, cat->dialect == RT_DIALECT_POSTGRESQL ? "x_y_fk" : NULL,
	      "y_id", "y", "id");
	t = cf_simple(cat, "y", "x_id INTEGER");
	cf_fk(t, cat->dialect == RT_DIALECT_POSTGRESQL ? "y_x_fk" : NULL,
	      "x_id", "x", "id");
}

static void test_cycle_sqlite(void **state)
{
	struct pair *p = *state;

	build_cycle(&p->b);
	check_pair(&p->a, &p->b,
	           "added table 'y'\n"
	           "added table 'x'\n",
	           "removed table 'x'\n"
	           "removed table 'y'\n");
}

static void test_cycle_postgres(void **state)
{
	struct pair *p = *state;

	build_cycle(&p->b);
	check_pair(&p->a, &p->b,
	           "added table 'y'\n"
	           "added table 'x'\n"
	           "added foreign key 'y_x_fk' on 'y' (x_id) referencing 'x' "
	           "(id)\n",
	           "removed foreign key 'y_x_fk' on 'y' (x_id) referencing "
	           "'x' (id)\n"
	           "removed table 'x'\n"
	           "removed table 'y'\n");
}

static void test_columns(void **state)
{
	struct pair *p = *state;
	struct rt_cat_table *t;
	struct rt_cat_column *c;

	t = cf_simple(&p->a, "t",
	              "a VARCHAR(10),b INTEGER,old_name TEXT,gone BLOB,n TEXT");
	cf_set(&rt_cat_table_find_column(t, "n")->collation, "NOCASE");
	t = cf_simple(&p->b, "t",
	              "a TEXT,b INTEGER,n TEXT,new_name TEXT,extra INTEGER");
	c = rt_cat_table_find_column(t, "b");
	c->not_null = true;
	cf_set(&c->default_expr, "0");
	check_pair(&p->a, &p->b,
	           "removed column 't.old_name'\n"
	           "removed column 't.gone'\n"
	           "added column 't.new_name'\n"
	           "added column 't.extra'\n"
	           "type of 't.a' changed from VARCHAR(10) to TEXT\n"
	           "nullable of 't.b' changed from true to false; default of "
	           "'t.b' changed from (none) to 0\n"
	           "collation of 't.n' changed from NOCASE to (default)\n",
	           "removed column 't.new_name'\n"
	           "removed column 't.extra'\n"
	           "added column 't.old_name'\n"
	           "added column 't.gone'\n"
	           "type of 't.a' changed from TEXT to VARCHAR(10)\n"
	           "nullable of 't.b' changed from false to true; default of "
	           "'t.b' changed from 0 to (none)\n"
	           "collation of 't.n' changed from (default) to NOCASE\n");
	{
		/* a same-type pair is a possible rename; VARCHAR(10) -> TEXT
		   keeps every value on SQLite */
		char *fl = flags(&p->a, &p->b);

		assert_string_equal(fl, "dr>new_name d r<old_name - - - -");
		free(fl);
	}
}

static void test_type_changes_postgres(void **state)
{
	struct pair *p = *state;
	static const struct {
		const char *from, *to;
		bool destructive;
	} cases[] = {
		{ "character varying(10)", "character varying(20)", false },
		{ "character varying(20)", "character varying(10)", true },
		{ "character varying(20)", "text", false },
		{ "text", "character varying(20)", true },
		{ "integer", "bigint", false },
		{ "bigint", "integer", true },
		{ "numeric(10,2)", "numeric(12,2)", false },
		{ "numeric(10,2)", "numeric(10,3)", true },
		{ "real", "double precision", false },
		{ "integer", "boolean", true },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct rt_catalog a, b;
		struct rt_changes ch;
		char *text;

		rt_catalog_init(&a, RT_DIALECT_POSTGRESQL);
		rt_catalog_init(&b, RT_DIALECT_POSTGRESQL);
		cf_col(rt_catalog_add_table(&a, "t"), "c", cases[i].from);
		cf_col(rt_catalog_add_table(&b, "t"), "c", cases[i].to);
		text = diff_text(&a, &b, &ch);
		assert_int_equal(ch.nr, 1);
		if (ch.items[0].destructive != cases[i].destructive)
			fail_msg("%s -> %s: destructive should be %d",
			         cases[i].from, cases[i].to,
			         cases[i].destructive);
		free(text);
		rt_changes_release(&ch);
		rt_catalog_release(&a);
		rt_catalog_release(&b);
	}
	(void)p;
}

static void test_identity_serial_generated(void **state)
{
	struct pair *p = *state;
	struct rt_cat_table *t;
	struct rt_cat_column *c;

	t = rt_catalog_add_table(&p->a, "t");
	cf_col_nn(t, "id", "integer")->serial = true;
	cf_col_nn(t, "n", "integer");
	c = cf_col(t, "g", "integer");
	cf_set(&c->generated, "n * 2");
	c->generated_stored = true;
	cf_ix(t, "ix_g", false, "g", NULL);
	t = rt_catalog_add_table(&p->b, "t");
	cf_col_nn(t, "id", "integer");
	cf_col_nn(t, "n", "integer")->identity = RT_IDENTITY_ALWAYS;
	c = cf_col(t, "g", "integer");
	cf_set(&c->generated, "n * 4");
	c->generated_stored = true;
	cf_ix(t, "ix_g", false, "g", NULL);
	check_pair(&p->a, &p->b,
	           "removed index 'ix_g' on 't' (g) (re-done for the change "
	           "of 'g')\n"
	           "removed column 't.g'\n"
	           "serial of 't.id' changed from true to false\n"
	           "identity of 't.n' changed from none to ALWAYS\n"
	           "added column 't.g'\n"
	           "added index 'ix_g' on 't' (g) (re-done for the change of "
	           "'g')\n",
	           "removed index 'ix_g' on 't' (g) (re-done for the change "
	           "of 'g')\n"
	           "removed column 't.g'\n"
	           "serial of 't.id' changed from false to true\n"
	           "identity of 't.n' changed from ALWAYS to none\n"
	           "added column 't.g'\n"
	           "added index 'ix_g' on 't' (g) (re-done for the change of "
	           "'g')\n");
	{
		/* a generated column holds nothing of its own */
		char *fl = flags(&p->b, &p->a);

		assert_string_equal(fl, "- - - - - -");
		free(fl);
	}
}

/*
 * Generated to plain is an ALTER that keeps the values (DROP EXPRESSION);
 * plain to generated drops the column, values and all, and adds it.
 */
static void test_generated_to_plain(void **state)
{
	struct pair *p = *state;
	struct rt_cat_table *t;
	struct rt_cat_column *c;
	char *text, *fl;

	t = rt_catalog_add_table(&p->a, "t");
	cf_col(t, "n", "integer");
	c = cf_col(t, "h", "integer");
	cf_set(&c->generated, "n * 3");
	c->generated_stored = true;
	t = rt_catalog_add_table(&p->b, "t");
	cf_col(t, "n", "integer");
	cf_col(t, "h", "integer");
	text = diff_text(&p->a, &p->b, NULL);
	assert_string_equal(text, "'t.h' is no longer generated (was n * 3)\n");
	free(text);
	text = diff_text(&p->b, &p->a, NULL);
	assert_string_equal(text, "removed column 't.h'\n"
	                          "added column 't.h'\n");
	free(text);
	fl = flags(&p->b, &p->a);
	assert_string_equal(fl, "d -");
	free(fl);
}

static void test_constraints(void **state)
{
	struct pair *p = *state;
	struct rt_cat_table *t;

	cf_simple(&p->a, "p", "code TEXT");
	cf_simple(&p->b, "p", "code TEXT");
	t = cf_simple(&p->a, "t", "a INTEGER,b TEXT,c TEXT");
	cf_uq(t, NULL, "b");
	cf_uq(t, "uq_c", "c");
	rt_cat_table_add_check(t, NULL, "a > 0");
	rt_cat_table_add_check(t, "ck_b", "b <> ''");
	cf_fk(t, NULL, "a", "p", "id");
	cf_ix(t, "ix_a", false, "a", NULL);
	cf_ix(t, "ix_b", true, "b", "b IS NOT NULL");
	t = cf_simple(&p->b, "t", "a INTEGER,b TEXT,c TEXT");
	cf_uq(t, NULL, "b");
	cf_uq(t, "uq_c", "b,c"); /* same name, new columns */
	rt_cat_table_add_check(t, NULL, "a >= 0"); /* unnamed: by content */
	rt_cat_table_add_check(t, "ck_b", "b <> ''");
	cf_fk(t, NULL, "a", "p", "id")->on_delete = RT_FK_CASCADE;
	cf_ix(t, "ix_a", false, "a DESC", NULL);
	cf_ix(t, "ix_b", true, "b", "b IS NOT NULL");
	cf_ix(t, "ix_lower_c", false, "(lower(c))", NULL);
	/* primary key moves */
	t = find(&p->b, "t");
	rt_strvec_clear(&t->primary_key->columns);
	cf_split(&t->primary_key->columns, "id,a");
	check_pair(&p->a, &p->b,
	           "removed foreign key on 't' (a) referencing 'p' (id)\n"
	           "removed index 'ix_a' on 't' (a)\n"
	           "removed check constraint on 't': a > 0\n"
	           "removed unique constraint 'uq_c' on 't' (c)\n"
	           "removed primary key on 't' (id)\n"
	           "added primary key on 't' (id, a)\n"
	           "added unique constraint 'uq_c' on 't' (b, c)\n"
	           "added check constraint on 't': a >= 0\n"
	           "added index 'ix_a' on 't' (a DESC)\n"
	           "added index 'ix_lower_c' on 't' ((lower(c)))\n"
	           "added foreign key on 't' (a) referencing 'p' (id) ON "
	           "DELETE CASCADE\n",
	           "removed foreign key on 't' (a) referencing 'p' (id) ON "
	           "DELETE CASCADE\n"
	           "removed index 'ix_a' on 't' (a DESC)\n"
	           "removed index 'ix_lower_c' on 't' ((lower(c)))\n"
	           "removed check constraint on 't': a >= 0\n"
	           "removed unique constraint 'uq_c' on 't' (b, c)\n"
	           "removed primary key on 't' (id, a)\n"
	           "added primary key on 't' (id)\n"
	           "added unique constraint 'uq_c' on 't' (c)\n"
	           "added check constraint on 't': a > 0\n"
	           "added index 'ix_a' on 't' (a)\n"
	           "added foreign key on 't' (a) referencing 'p' (id)\n");
}

/* PostgreSQL: an FK whose referenced key is re-created goes and comes. */
static void test_fk_redone_for_key(void **state)
{
	struct pair *p = *state;
	struct rt_cat_table *t;

	t = cf_simple(&p->a, "parent", "code text");
	cf_uq(t, "parent_code_key", "code");
	t = cf_simple(&p->a, "child", "code text");
	cf_fk(t, "child_code_fkey", "code", "parent", "code");
	t = cf_simple(&p->b, "parent", "code text,extra text");
	cf_uq(t, "parent_code_key", "code");
	t = find(&p->b, "parent");
	/* the key gets deferrable-ish: here, simply renamed */
	free(t->uniques[0].name);
	t->uniques[0].name = rt_xstrdup("parent_code_uq");
	t = cf_simple(&p->b, "child", "code text");
	cf_fk(t, "child_code_fkey", "code", "parent", "code");
	check_pair(&p->a, &p->b,
	           "removed foreign key 'child_code_fkey' on 'child' (code) "
	           "referencing 'parent' (code) (re-done for the change of "
	           "'parent')\n"
	           "removed unique constraint 'parent_code_key' on 'parent' "
	           "(code)\n"
	           "added column 'parent.extra'\n"
	           "added unique constraint 'parent_code_uq' on 'parent' "
	           "(code)\n"
	           "added foreign key 'child_code_fkey' on 'child' (code) "
	           "referencing 'parent' (code) (re-done for the change of "
	           "'parent')\n",
	           "removed foreign key 'child_code_fkey' on 'child' (code) "
	           "referencing 'parent' (code) (re-done for the change of "
	           "'parent')\n"
	           "removed unique constraint 'parent_code_uq' on 'parent' "
	           "(code)\n"
	           "removed column 'parent.extra'\n"
	           "added unique constraint 'parent_code_key' on 'parent' "
	           "(code)\n"
	           "added foreign key 'child_code_fkey' on 'child' (code) "
	           "referencing 'parent' (code) (re-done for the change of "
	           "'parent')\n");
}

static void test_views(void **state)
{
	struct pair *p = *state;

	cf_simple(&p->a, "t", "a TEXT");
	cf_simple(&p->a, "u", "b TEXT");
	cf_simple(&p->b, "t", "a TEXT,c TEXT"); /* changes */
	cf_simple(&p->b, "u", "b TEXT"); /* does not */
	/* v_t reads t; v_top reads v_t; v_u reads only u */
	rt_catalog_add_view(&p->a, "v_t", "SELECT a FROM \"t\" WHERE a <> 'u'");
	rt_catalog_add_view(&p->a, "a_top", "SELECT * FROM v_t");
	rt_catalog_add_view(&p->a, "v_u", "SELECT b FROM u -- t\n");
	rt_catalog_add_view(&p->a, "v_gone", "SELECT 1");
	rt_catalog_add_view(&p->b, "v_t", "SELECT a FROM \"t\" WHERE a <> 'u'");
	rt_catalog_add_view(&p->b, "a_top", "SELECT * FROM v_t");
	rt_catalog_add_view(&p->b, "v_u", "SELECT b FROM u -- t\n");
	rt_catalog_add_view(&p->b, "v_new", "SELECT 2 FROM u");
	/* drops: readers first; creates: what they read first */
	check_pair(&p->a, &p->b,
	           "removed view 'v_gone'\n"
	           "removed view 'a_top' (re-done for the change of 'v_t')\n"
	           "removed view 'v_t' (re-done for the change of 't')\n"
	           "added column 't.c'\n"
	           "added view 'v_t' (re-done for the change of 't')\n"
	           "added view 'a_top' (re-done for the change of 'v_t')\n"
	           "added view 'v_new'\n",
	           "removed view 'v_new'\n"
	           "removed view 'a_top' (re-done for the change of 'v_t')\n"
	           "removed view 'v_t' (re-done for the change of 't')\n"
	           "removed column 't.c'\n"
	           "added view 'v_t' (re-done for the change of 't')\n"
	           "added view 'a_top' (re-done for the change of 'v_t')\n"
	           "added view 'v_gone'\n");
}

/*
 * SQLite triggers: those naming a changed table (their own, or one the
 * body reads) or a view that is re-done are dropped first and created
 * last; a changed one is dropped and added; others are left alone.
 */
static void test_triggers(void **state)
{
	struct pair *p = *state;

	cf_simple(&p->a, "t", "a TEXT");
	cf_simple(&p->a, "u", "b TEXT");
	cf_simple(&p->b, "t", "a INTEGER"); /* changes */
	cf_simple(&p->b, "u", "b TEXT"); /* does not */
	rt_catalog_add_view(&p->a, "v", "SELECT a FROM t");
	rt_catalog_add_view(&p->b, "v", "SELECT a FROM t");
	rt_catalog_add_trigger(&p->a, "on_t", "t",
	                       "AFTER INSERT ON t BEGIN SELECT 1; END");
	rt_catalog_add_trigger(&p->a, "on_u_reads_t", "u",
	                       "AFTER INSERT ON u BEGIN SELECT a FROM t; END");
	rt_catalog_add_trigger(&p->a, "on_v", "v",
	                       "INSTEAD OF INSERT ON v BEGIN SELECT 1; END");
	rt_catalog_add_trigger(&p->a, "on_u", "u",
	                       "AFTER INSERT ON u BEGIN SELECT 1; END");
	rt_catalog_add_trigger(&p->a, "edited", "u",
	                       "AFTER DELETE ON u BEGIN SELECT 1; END");
	rt_catalog_add_trigger(&p->a, "gone", "u",
	                       "AFTER UPDATE ON u BEGIN SELECT 1; END");
	rt_catalog_add_trigger(&p->b, "on_t", "t",
	                       "AFTER INSERT ON t BEGIN SELECT 1; END");
	rt_catalog_add_trigger(&p->b, "on_u_reads_t", "u",
	                       "AFTER INSERT ON u BEGIN SELECT a FROM t; END");
	rt_catalog_add_trigger(&p->b, "on_v", "v",
	                       "INSTEAD OF INSERT ON v BEGIN SELECT 1; END");
	rt_catalog_add_trigger(&p->b, "on_u", "u",
	                       "AFTER INSERT ON u BEGIN SELECT 1; END");
	rt_catalog_add_trigger(&p->b, "edited", "u",
	                       "AFTER DELETE ON u BEGIN SELECT 2; END");
	rt_catalog_add_trigger(&p->b, "new", "u",
	                       "BEFORE DELETE ON u BEGIN SELECT 1; END");
	check_pair(&p->a, &p->b,
	           "removed trigger 'edited' on 'u' (definition changed)\n"
	           "removed trigger 'gone' on 'u'\n"
	           "removed trigger 'on_t' on 't' (re-done for the change of "
	           "'t')\n"
	           "removed trigger 'on_u_reads_t' on 'u' (re-done for the "
	           "change of 't')\n"
	           "removed trigger 'on_v' on 'v' (re-done for the change of "
	           "'v')\n"
	           "removed view 'v' (re-done for the change of 't')\n"
	           "type of 't.a' changed from TEXT to INTEGER\n"
	           "added view 'v' (re-done for the change of 't')\n"
	           "added trigger 'edited' on 'u' (definition changed)\n"
	           "added trigger 'new' on 'u'\n"
	           "added trigger 'on_t' on 't' (re-done for the change of "
	           "'t')\n"
	           "added trigger 'on_u_reads_t' on 'u' (re-done for the "
	           "change of 't')\n"
	           "added trigger 'on_v' on 'v' (re-done for the change of "
	           "'v')\n",
	           "removed trigger 'edited' on 'u' (definition changed)\n"
	           "removed trigger 'new' on 'u'\n"
	           "removed trigger 'on_t' on 't' (re-done for the change of "
	           "'t')\n"
	           "removed trigger 'on_u_reads_t' on 'u' (re-done for the "
	           "change of 't')\n"
	           "removed trigger 'on_v' on 'v' (re-done for the change of "
	           "'v')\n"
	           "removed view 'v' (re-done for the change of 't')\n"
	           "type of 't.a' changed from INTEGER to TEXT\n"
	           "added view 'v' (re-done for the change of 't')\n"
	           "added trigger 'edited' on 'u' (definition changed)\n"
	           "added trigger 'gone' on 'u'\n"
	           "added trigger 'on_t' on 't' (re-done for the change of "
	           "'t')\n"
	           "added trigger 'on_u_reads_t' on 'u' (re-done for the "
	           "change of 't')\n"
	           "added trigger 'on_v' on 'v' (re-done for the change of "
	           "'v')\n");
}

static void test_view_definition_changes(void **state)
{
	struct pair *p = *state;

	cf_simple(&p->a, "t", "a TEXT");
	cf_simple(&p->b, "t", "a TEXT");
	rt_catalog_add_view(&p->a, "v", "SELECT a FROM t");
	rt_catalog_add_view(&p->a, "w", "SELECT * FROM v");
	rt_catalog_add_view(&p->b, "v", "SELECT a, id FROM t");
	rt_catalog_add_view(&p->b, "w", "SELECT * FROM v");
	check_pair(&p->a, &p->b,
	           "removed view 'w' (re-done for the change of 'v')\n"
	           "removed view 'v' (definition changed)\n"
	           "added view 'v' (definition changed)\n"
	           "added view 'w' (re-done for the change of 'v')\n",
	           "removed view 'w' (re-done for the change of 'v')\n"
	           "removed view 'v' (definition changed)\n"
	           "added view 'v' (definition changed)\n"
	           "added view 'w' (re-done for the change of 'v')\n");
}

/*
 * PostgreSQL alters a table in place: only a dropped column, a type or
 * collation change or a primary key change needs the view out of the
 * way (a view dropped there loses its grants).
 */
static void test_views_postgres(void **state)
{
	struct pair *p = *state;
	struct rt_cat_table *t;

	cf_simple(&p->a, "added", "a text");
	cf_simple(&p->b, "added", "a text,b text");
	t = cf_simple(&p->a, "checked", "a text");
	t = cf_simple(&p->b, "checked", "a text");
	rt_cat_table_add_check(t, "checked_a", "a <> ''");
	rt_cat_table_find_column(t, "a")->not_null = true;
	cf_simple(&p->a, "retyped", "a text");
	cf_simple(&p->b, "retyped", "a character varying(5)");
	rt_catalog_add_view(&p->a, "v1", "SELECT a FROM added");
	rt_catalog_add_view(&p->a, "v2", "SELECT a FROM checked");
	rt_catalog_add_view(&p->a, "v3", "SELECT a FROM retyped");
	rt_catalog_add_view(&p->b, "v1", "SELECT a FROM added");
	rt_catalog_add_view(&p->b, "v2", "SELECT a FROM checked");
	rt_catalog_add_view(&p->b, "v3", "SELECT a FROM retyped");
	check_pair(&p->a, &p->b,
	           "removed view 'v3' (re-done for the change of 'retyped')\n"
	           "added column 'added.b'\n"
	           "nullable of 'checked.a' changed from true to false\n"
	           "type of 'retyped.a' changed from text to character "
	           "varying(5)\n"
	           "added check constraint 'checked_a' on 'checked': a <> ''\n"
	           "added view 'v3' (re-done for the change of 'retyped')\n",
	           "removed view 'v3' (re-done for the change of 'retyped')\n"
	           "removed view 'v1' (re-done for the change of 'added')\n"
	           "removed check constraint 'checked_a' on 'checked': a <> "
	           "''\n"
	           "removed column 'added.b'\n"
	           "nullable of 'checked.a' changed from false to true\n"
	           "type of 'retyped.a' changed from character varying(5) to "
	           "text\n"
	           "added view 'v1' (re-done for the change of 'added')\n"
	           "added view 'v3' (re-done for the change of 'retyped')\n");
}

static void test_enums(void **state)
{
	struct pair *p = *state;
	struct rt_cat_table *t;

	cf_split(&rt_catalog_add_enum(&p->a, "mood")->labels, "sad,ok");
	cf_split(&rt_catalog_add_enum(&p->a, "size")->labels, "s,m,l");
	cf_split(&rt_catalog_add_enum(&p->a, "old")->labels, "x");
	cf_split(&rt_catalog_add_enum(&p->b, "mood")->labels,
	         "sad,meh,ok,happy");
	cf_split(&rt_catalog_add_enum(&p->b, "size")->labels, "s,l");
	cf_split(&rt_catalog_add_enum(&p->b, "new")->labels, "y");
	t = cf_simple(&p->a, "shirt", "size size");
	t = cf_simple(&p->b, "shirt", "size size");
	rt_catalog_add_view(&p->a, "v", "SELECT size FROM shirt");
	rt_catalog_add_view(&p->b, "v", "SELECT size FROM shirt");
	(void)t;
	check_pair(&p->a, &p->b,
	           "added values 'meh', 'happy' to enum 'mood'\n"
	           "added enum 'new' ('y')\n"
	           "removed view 'v' (re-done for the change of 'shirt')\n"
	           "values of enum 'size' changed from ('s', 'm', 'l') to "
	           "('s', 'l')\n"
	           "added view 'v' (re-done for the change of 'shirt')\n"
	           "removed enum 'old'\n",
	           /* no column uses mood: nothing to convert */
	           "added enum 'old' ('x')\n"
	           "added value 'm' to enum 'size'\n"
	           "values of enum 'mood' changed from ('sad', 'meh', 'ok', "
	           "'happy') to ('sad', 'ok')\n"
	           "removed enum 'new'\n");
}

static void test_sequences_and_comments(void **state)
{
	struct pair *p = *state;
	struct rt_cat_sequence *s;
	struct rt_cat_table *t;

	s = rt_catalog_add_sequence(&p->a, "counter");
	s->data_type = rt_xstrdup("bigint");
	s->start = s->increment = s->min_value = s->cache = 1;
	s->max_value = 1000;
	s = rt_catalog_add_sequence(&p->a, "gone_seq");
	s->data_type = rt_xstrdup("bigint");
	s = rt_catalog_add_sequence(&p->b, "counter");
	s->data_type = rt_xstrdup("integer");
	s->start = s->min_value = s->cache = 1;
	s->increment = 5;
	s->max_value = 1000;
	s->cycle = true;
	s = rt_catalog_add_sequence(&p->b, "new_seq");
	s->data_type = rt_xstrdup("bigint");
	t = cf_simple(&p->a, "t", "a text");
	cf_set(&t->comment, "old");
	t = cf_simple(&p->b, "t", "a text");
	cf_set(&rt_cat_table_find_column(t, "a")->comment, "the a");
	rt_catalog_add_view(&p->a, "v", "SELECT 1");
	cf_set(&rt_catalog_add_view(&p->b, "v", "SELECT 1")->comment, "it's v");
	check_pair(&p->a, &p->b,
	           "added sequence 'new_seq'\n"
	           "changed sequence 'counter': type bigint -> integer, "
	           "increment 1 -> 5, CYCLE\n"
	           "comment of table 't' changed from 'old' to (none)\n"
	           "comment of 't.a' changed from (none) to 'the a'\n"
	           "comment of view 'v' changed from (none) to 'it's v'\n"
	           "removed sequence 'gone_seq'\n",
	           "added sequence 'gone_seq'\n"
	           "changed sequence 'counter': type integer -> bigint, "
	           "increment 5 -> 1, NO CYCLE\n"
	           "comment of table 't' changed from (none) to 'old'\n"
	           "comment of 't.a' changed from 'the a' to (none)\n"
	           "comment of view 'v' changed from 'it's v' to (none)\n"
	           "removed sequence 'new_seq'\n");
}

static void test_table_rename_hint(void **state)
{
	struct pair *p = *state;

	cf_simple(&p->a, "person", "name TEXT,age INTEGER");
	cf_simple(&p->a, "other", "x TEXT");
	cf_simple(&p->b, "people", "name TEXT,age INTEGER");
	cf_simple(&p->b, "other2", "x INTEGER"); /* different type: no hint */
	/* dropped in the reverse of the creation order */
	check_pair(&p->a, &p->b,
	           "removed table 'person'\n"
	           "removed table 'other'\n"
	           "added table 'other2'\n"
	           "added table 'people'\n",
	           "removed table 'people'\n"
	           "removed table 'other2'\n"
	           "added table 'other'\n"
	           "added table 'person'\n");
	{
		char *fl = flags(&p->a, &p->b);

		assert_string_equal(fl, "dr>people d - r<person");
		free(fl);
	}
}

/* An index name moving from a dropped table to a new one: drop first. */
static void test_drops_before_creates(void **state)
{
	struct pair *p = *state;
	struct rt_cat_table *t;

	t = cf_simple(&p->a, "old_t", "email TEXT");
	cf_ix(t, "ix_email", true, "email", NULL);
	t = cf_simple(&p->a, "kept", "a TEXT");
	cf_ix(t, "ix_kept", false, "a", NULL);
	t = cf_simple(&p->b, "new_t", "email TEXT,name TEXT");
	cf_ix(t, "ix_email", true, "email", NULL);
	t = cf_simple(&p->b, "kept", "a TEXT");
	cf_ix(t, "ix_kept", false, "a COLLATE NOCASE", NULL);
	check_pair(&p->a, &p->b,
	           "removed unique index 'ix_email' on 'old_t' (email)\n"
	           "removed table 'old_t'\n"
	           "removed index 'ix_kept' on 'kept' (a)\n"
	           "added table 'new_t'\n"
	           "added index 'ix_kept' on 'kept' (a COLLATE NOCASE)\n"
	           "added unique index 'ix_email' on 'new_t' (email)\n",
	           "removed unique index 'ix_email' on 'new_t' (email)\n"
	           "removed table 'new_t'\n"
	           "removed index 'ix_kept' on 'kept' (a COLLATE NOCASE)\n"
	           "added table 'old_t'\n"
	           "added index 'ix_kept' on 'kept' (a)\n"
	           "added unique index 'ix_email' on 'old_t' (email)\n");
}

static void test_table_options(void **state)
{
	struct pair *p = *state;
	struct rt_cat_table *t;

	cf_simple(&p->a, "t", "a TEXT");
	t = cf_simple(&p->b, "t", "a TEXT");
	t->autoincrement = true;
	t->strict = true;
	check_pair(&p->a, &p->b,
	           "options of table 't' changed from (none) to "
	           "AUTOINCREMENT, STRICT\n",
	           "options of table 't' changed from AUTOINCREMENT, STRICT "
	           "to (none)\n");
}

/* Dropped tables: referencing ones first, whatever the names. */
static void test_drop_order(void **state)
{
	struct pair *p = *state;
	struct rt_cat_table *t;

	t = cf_simple(&p->a, "a_child", "p INTEGER");
	cf_fk(t, NULL, "p", "z_parent", "id");
	t = cf_simple(&p->a, "m_grandchild", "c INTEGER");
	cf_fk(t, NULL, "c", "a_child", "id");
	cf_simple(&p->a, "z_parent", "x TEXT");
	check_pair(&p->a, &p->b,
	           "removed table 'm_grandchild'\n"
	           "removed table 'a_child'\n"
	           "removed table 'z_parent'\n",
	           "added table 'z_parent'\n"
	           "added table 'a_child'\n"
	           "added table 'm_grandchild'\n");
}

static void test_dialects_must_match(void **state)
{
	struct rt_catalog a, b;
	struct rt_changes ch = RT_CHANGES_INIT;
	struct rt_error err = RT_ERROR_INIT;

	(void)state;
	rt_catalog_init(&a, RT_DIALECT_SQLITE);
	rt_catalog_init(&b, RT_DIALECT_POSTGRESQL);
	assert_true(rt_schema_diff(&ch, &a, &b, &err) < 0);
	assert_non_null(strstr(err.message, "cannot compare"));
	rt_changes_release(&ch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_equal_schemas,
		                                setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(
		        test_tables_added_referenced_first, setup_sqlite,
		        teardown),
		cmocka_unit_test_setup_teardown(test_cycle_sqlite, setup_sqlite,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_cycle_postgres, setup_pg,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_columns, setup_sqlite,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_type_changes_postgres,
		                                setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_identity_serial_generated,
		                                setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_generated_to_plain,
		                                setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_constraints, setup_sqlite,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_fk_redone_for_key,
		                                setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_triggers, setup_sqlite,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_views, setup_sqlite,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_views_postgres, setup_pg,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_view_definition_changes,
		                                setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_enums, setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_sequences_and_comments,
		                                setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_table_rename_hint,
		                                setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_drops_before_creates,
		                                setup_pg, teardown),
		cmocka_unit_test_setup_teardown(test_table_options,
		                                setup_sqlite, teardown),
		cmocka_unit_test_setup_teardown(test_drop_order, setup_sqlite,
		                                teardown),
		cmocka_unit_test(test_dialects_must_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
