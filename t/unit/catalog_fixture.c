/*
 * catalog_fixture.c - hand-built catalogs for the tests of the diff and
 * the renderers (test_diff.c, test_render.c).
 */
#include "util/compat.h"
#include "catalog_fixture.h"
#include "util/alloc.h"

void cf_split(struct rt_strvec *v, const char *csv)
{
	const char *p = csv;

	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char *item = rt_xstrndup(p, len);

		rt_strvec_push_nodup(v, item);
		p = comma ? comma + 1 : NULL;
	}
}

struct rt_cat_column *cf_col(struct rt_cat_table *t, const char *name,
                             const char *type)
{
	struct rt_cat_column *c = rt_cat_table_add_column(t, name);

	c->type = rt_xstrdup(type);
	return c;
}

struct rt_cat_column *cf_col_nn(struct rt_cat_table *t, const char *name,
                                const char *type)
{
	struct rt_cat_column *c = cf_col(t, name, type);

	c->not_null = true;
	return c;
}

void cf_set(char **field, const char *value)
{
	free(*field);
	*field = value ? rt_xstrdup(value) : NULL;
}

void cf_pk(struct rt_cat_table *t, const char *name, const char *cols)
{
	cf_split(&rt_cat_table_set_primary_key(t, name)->columns, cols);
}

void cf_uq(struct rt_cat_table *t, const char *name, const char *cols)
{
	cf_split(&rt_cat_table_add_unique(t, name)->columns, cols);
}

struct rt_cat_fk *cf_fk(struct rt_cat_table *t, const char *name,
                        const char *cols, const char *ref, const char *ref_cols)
{
	struct rt_cat_fk *f = rt_cat_table_add_fk(t, name);

	cf_split(&f->columns, cols);
	f->ref_table = rt_xstrdup(ref);
	cf_split(&f->ref_columns, ref_cols);
	return f;
}

struct rt_cat_index *cf_ix(struct rt_cat_table *t, const char *name,
                           bool unique, const char *keys, const char *where)
{
	struct rt_cat_index *i = rt_cat_table_add_index(t, name);

	i->unique = unique;
	cf_split(&i->keys, keys);
	i->where = where ? rt_xstrdup(where) : NULL;
	return i;
}

/* id INTEGER primary key, then `cols` as "name type" pairs. */
struct rt_cat_table *cf_simple(struct rt_catalog *cat, const char *name,
                               const char *cols)
{
	struct rt_cat_table *t = rt_catalog_add_table(cat, name);
	struct rt_strvec v = RT_STRVEC_INIT;
	bool pg = cat->dialect == RT_DIALECT_POSTGRESQL;

	cf_col_nn(t, "id", pg ? "integer" : "INTEGER");
	cf_split(&v, cols);
	for (size_t i = 0; i < v.nr; i++) {
		const char *sp = strchr(v.v[i], ' ');
		char *n = rt_xstrndup(v.v[i], (size_t)(sp - v.v[i]));

		cf_col(t, n, sp + 1);
		free(n);
	}
	rt_strvec_clear(&v);
	cf_pk(t, NULL, "id");
	if (pg) /* PostgreSQL names every constraint */
		t->primary_key->name = rt_xstrfmt("%s_pkey", name);
	return t;
}
