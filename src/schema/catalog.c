#include "util/compat.h"
/*
 * catalog.c - building, ordering, printing and freeing a catalog
 * (catalog.h).  The inspectors fill it; diff.c compares two.
 */
#include "schema/catalog.h"
#include "util/alloc.h"

#include <ctype.h>

void rt_catalog_init(struct rt_catalog *cat, enum rt_dialect dialect)
{
	memset(cat, 0, sizeof(*cat));
	cat->dialect = dialect;
}

static char *dup_or_null(const char *s)
{
	return s ? rt_xstrdup(s) : NULL;
}

static void key_release(struct rt_cat_key *k)
{
	free(k->name);
	rt_strvec_clear(&k->columns);
}

static void fk_release(struct rt_cat_fk *fk)
{
	free(fk->name);
	rt_strvec_clear(&fk->columns);
	free(fk->ref_table);
	rt_strvec_clear(&fk->ref_columns);
}

static void index_release(struct rt_cat_index *ix)
{
	free(ix->name);
	rt_strvec_clear(&ix->keys);
	free(ix->where);
	free(ix->method);
}

static void column_release(struct rt_cat_column *c)
{
	free(c->name);
	free(c->type);
	free(c->default_expr);
	free(c->collation);
	free(c->comment);
	free(c->generated);
}

static void table_release(struct rt_cat_table *t)
{
	free(t->name);
	for (size_t i = 0; i < t->nr_columns; i++)
		column_release(&t->columns[i]);
	free(t->columns);
	if (t->primary_key) {
		key_release(t->primary_key);
		free(t->primary_key);
	}
	for (size_t i = 0; i < t->nr_uniques; i++)
		key_release(&t->uniques[i]);
	free(t->uniques);
	for (size_t i = 0; i < t->nr_fks; i++)
		fk_release(&t->fks[i]);
	free(t->fks);
	for (size_t i = 0; i < t->nr_checks; i++) {
		free(t->checks[i].name);
		free(t->checks[i].expr);
	}
	free(t->checks);
	for (size_t i = 0; i < t->nr_indexes; i++)
		index_release(&t->indexes[i]);
	free(t->indexes);
	free(t->comment);
}

void rt_catalog_release(struct rt_catalog *cat)
{
	for (size_t i = 0; i < cat->nr_tables; i++)
		table_release(&cat->tables[i]);
	free(cat->tables);
	for (size_t i = 0; i < cat->nr_views; i++) {
		free(cat->views[i].name);
		free(cat->views[i].definition);
		free(cat->views[i].comment);
	}
	free(cat->views);
	for (size_t i = 0; i < cat->nr_enums; i++) {
		free(cat->enums[i].name);
		rt_strvec_clear(&cat->enums[i].labels);
	}
	free(cat->enums);
	for (size_t i = 0; i < cat->nr_sequences; i++) {
		free(cat->sequences[i].name);
		free(cat->sequences[i].data_type);
		free(cat->sequences[i].owned_by);
	}
	free(cat->sequences);
	for (size_t i = 0; i < cat->nr_triggers; i++) {
		free(cat->triggers[i].name);
		free(cat->triggers[i].table);
		free(cat->triggers[i].definition);
	}
	free(cat->triggers);
	rt_catalog_init(cat, cat->dialect);
}

/* ---- adding ---------------------------------------------------------- */

struct rt_cat_table *rt_catalog_add_table(struct rt_catalog *cat,
                                          const char *name)
{
	struct rt_cat_table *t;

	RT_ALLOC_GROW(cat->tables, cat->nr_tables + 1, cat->alloc_tables);
	t = &cat->tables[cat->nr_tables++];
	memset(t, 0, sizeof(*t));
	t->name = rt_xstrdup(name);
	return t;
}

struct rt_cat_column *rt_cat_table_add_column(struct rt_cat_table *t,
                                              const char *name)
{
	struct rt_cat_column *c;

	RT_ALLOC_GROW(t->columns, t->nr_columns + 1, t->alloc_columns);
	c = &t->columns[t->nr_columns++];
	memset(c, 0, sizeof(*c));
	c->name = rt_xstrdup(name);
	return c;
}

static void key_init(struct rt_cat_key *k, const char *name)
{
	memset(k, 0, sizeof(*k));
	k->name = dup_or_null(name);
	rt_strvec_init(&k->columns);
}

struct rt_cat_key *rt_cat_table_add_unique(struct rt_cat_table *t,
                                           const char *name)
{
	struct rt_cat_key *k;

	RT_ALLOC_GROW(t->uniques, t->nr_uniques + 1, t->alloc_uniques);
	k = &t->uniques[t->nr_uniques++];
	key_init(k, name);
	return k;
}

struct rt_cat_key *rt_cat_table_set_primary_key(struct rt_cat_table *t,
                                                const char *name)
{
	if (t->primary_key) {
		key_release(t->primary_key);
		free(t->primary_key);
	}
	t->primary_key = rt_xmalloc(sizeof(*t->primary_key));
	key_init(t->primary_key, name);
	return t->primary_key;
}

struct rt_cat_fk *rt_cat_table_add_fk(struct rt_cat_table *t, const char *name)
{
	struct rt_cat_fk *fk;

	RT_ALLOC_GROW(t->fks, t->nr_fks + 1, t->alloc_fks);
	fk = &t->fks[t->nr_fks++];
	memset(fk, 0, sizeof(*fk));
	fk->name = dup_or_null(name);
	rt_strvec_init(&fk->columns);
	rt_strvec_init(&fk->ref_columns);
	return fk;
}

struct rt_cat_check *rt_cat_table_add_check(struct rt_cat_table *t,
                                            const char *name, const char *expr)
{
	struct rt_cat_check *ck;

	RT_ALLOC_GROW(t->checks, t->nr_checks + 1, t->alloc_checks);
	ck = &t->checks[t->nr_checks++];
	ck->name = dup_or_null(name);
	ck->expr = rt_xstrdup(expr);
	return ck;
}

struct rt_cat_index *rt_cat_table_add_index(struct rt_cat_table *t,
                                            const char *name)
{
	struct rt_cat_index *ix;

	RT_ALLOC_GROW(t->indexes, t->nr_indexes + 1, t->alloc_indexes);
	ix = &t->indexes[t->nr_indexes++];
	memset(ix, 0, sizeof(*ix));
	ix->name = rt_xstrdup(name);
	rt_strvec_init(&ix->keys);
	return ix;
}

struct rt_cat_view *rt_catalog_add_view(struct rt_catalog *cat,
                                        const char *name,
                                        const char *definition)
{
	struct rt_cat_view *v;

	RT_ALLOC_GROW(cat->views, cat->nr_views + 1, cat->alloc_views);
	v = &cat->views[cat->nr_views++];
	memset(v, 0, sizeof(*v));
	v->name = rt_xstrdup(name);
	v->definition = rt_xstrdup(definition);
	return v;
}

struct rt_cat_trigger *rt_catalog_add_trigger(struct rt_catalog *cat,
                                              const char *name,
                                              const char *table,
                                              const char *definition)
{
	struct rt_cat_trigger *tr;

	RT_ALLOC_GROW(cat->triggers, cat->nr_triggers + 1, cat->alloc_triggers);
	tr = &cat->triggers[cat->nr_triggers++];
	tr->name = rt_xstrdup(name);
	tr->table = rt_xstrdup(table);
	tr->definition = rt_xstrdup(definition);
	return tr;
}

struct rt_cat_enum *rt_catalog_add_enum(struct rt_catalog *cat,
                                        const char *name)
{
	struct rt_cat_enum *e;

	RT_ALLOC_GROW(cat->enums, cat->nr_enums + 1, cat->alloc_enums);
	e = &cat->enums[cat->nr_enums++];
	e->name = rt_xstrdup(name);
	rt_strvec_init(&e->labels);
	return e;
}

struct rt_cat_sequence *rt_catalog_add_sequence(struct rt_catalog *cat,
                                                const char *name)
{
	struct rt_cat_sequence *s;

	RT_ALLOC_GROW(cat->sequences, cat->nr_sequences + 1,
	              cat->alloc_sequences);
	s = &cat->sequences[cat->nr_sequences++];
	memset(s, 0, sizeof(*s));
	s->name = rt_xstrdup(name);
	return s;
}

void rt_catalog_remove_table(struct rt_catalog *cat, const char *name)
{
	struct rt_cat_table *t = rt_catalog_find_table(cat, name);
	size_t i;

	if (!t)
		return;
	i = (size_t)(t - cat->tables);
	table_release(t);
	memmove(t, t + 1, (cat->nr_tables - i - 1) * sizeof(*t));
	cat->nr_tables--;
	/* its triggers went with it */
	for (i = 0; i < cat->nr_triggers;) {
		struct rt_cat_trigger *tr = &cat->triggers[i];

		if (strcmp(tr->table, name)) {
			i++;
			continue;
		}
		free(tr->name);
		free(tr->table);
		free(tr->definition);
		memmove(tr, tr + 1, (cat->nr_triggers - i - 1) * sizeof(*tr));
		cat->nr_triggers--;
	}
}

/* ---- finding --------------------------------------------------------- */

struct rt_cat_table *rt_catalog_find_table(const struct rt_catalog *cat,
                                           const char *name)
{
	for (size_t i = 0; i < cat->nr_tables; i++)
		if (!strcmp(cat->tables[i].name, name))
			return &cat->tables[i];
	return NULL;
}

struct rt_cat_column *rt_cat_table_find_column(const struct rt_cat_table *t,
                                               const char *name)
{
	for (size_t i = 0; i < t->nr_columns; i++)
		if (!strcmp(t->columns[i].name, name))
			return &t->columns[i];
	return NULL;
}

struct rt_cat_view *rt_catalog_find_view(const struct rt_catalog *cat,
                                         const char *name)
{
	for (size_t i = 0; i < cat->nr_views; i++)
		if (!strcmp(cat->views[i].name, name))
			return &cat->views[i];
	return NULL;
}

/* ---- ordering -------------------------------------------------------- */

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0; /* unnamed first */
	return strcmp(a, b);
}

static int cmp_strvec(const struct rt_strvec *a, const struct rt_strvec *b)
{
	for (size_t i = 0; i < a->nr && i < b->nr; i++) {
		int c = strcmp(a->v[i], b->v[i]);

		if (c)
			return c;
	}
	return a->nr < b->nr ? -1 : a->nr > b->nr;
}

static int cmp_table(const void *x, const void *y)
{
	return strcmp(((const struct rt_cat_table *)x)->name,
	              ((const struct rt_cat_table *)y)->name);
}

static int cmp_view(const void *x, const void *y)
{
	return strcmp(((const struct rt_cat_view *)x)->name,
	              ((const struct rt_cat_view *)y)->name);
}

static int cmp_trigger(const void *x, const void *y)
{
	return strcmp(((const struct rt_cat_trigger *)x)->name,
	              ((const struct rt_cat_trigger *)y)->name);
}

static int cmp_enum(const void *x, const void *y)
{
	return strcmp(((const struct rt_cat_enum *)x)->name,
	              ((const struct rt_cat_enum *)y)->name);
}

static int cmp_sequence(const void *x, const void *y)
{
	return strcmp(((const struct rt_cat_sequence *)x)->name,
	              ((const struct rt_cat_sequence *)y)->name);
}

static int cmp_key(const void *x, const void *y)
{
	const struct rt_cat_key *a = x, *b = y;
	int c = cmp_str(a->name, b->name);

	return c ? c : cmp_strvec(&a->columns, &b->columns);
}

static int cmp_fk(const void *x, const void *y)
{
	const struct rt_cat_fk *a = x, *b = y;
	int c = cmp_str(a->name, b->name);

	if (!c)
		c = cmp_strvec(&a->columns, &b->columns);
	if (!c)
		c = strcmp(a->ref_table, b->ref_table);
	return c ? c : cmp_strvec(&a->ref_columns, &b->ref_columns);
}

static int cmp_check(const void *x, const void *y)
{
	const struct rt_cat_check *a = x, *b = y;
	int c = cmp_str(a->name, b->name);

	return c ? c : strcmp(a->expr, b->expr);
}

static int cmp_index(const void *x, const void *y)
{
	return strcmp(((const struct rt_cat_index *)x)->name,
	              ((const struct rt_cat_index *)y)->name);
}

#define SORT(arr, nr, cmp)                    \
 do {                                         \
  if ((nr) > 1)                               \
   qsort((arr), (nr), sizeof(*(arr)), (cmp)); \
 } while (0)

void rt_catalog_sort(struct rt_catalog *cat)
{
	SORT(cat->tables, cat->nr_tables, cmp_table);
	SORT(cat->views, cat->nr_views, cmp_view);
	SORT(cat->enums, cat->nr_enums, cmp_enum);
	SORT(cat->sequences, cat->nr_sequences, cmp_sequence);
	SORT(cat->triggers, cat->nr_triggers, cmp_trigger);
	for (size_t i = 0; i < cat->nr_tables; i++) {
		struct rt_cat_table *t = &cat->tables[i];

		SORT(t->uniques, t->nr_uniques, cmp_key);
		SORT(t->fks, t->nr_fks, cmp_fk);
		SORT(t->checks, t->nr_checks, cmp_check);
		SORT(t->indexes, t->nr_indexes, cmp_index);
	}
}

/* ---- printing -------------------------------------------------------- */

void rt_cat_fk_add_actions(struct rt_buf *out, const struct rt_cat_fk *fk)
{
	if (fk->on_delete != RT_FK_NO_ACTION)
		rt_buf_addf(out, " ON DELETE %s",
		            rt_fk_action_sql(fk->on_delete));
	if (fk->on_update != RT_FK_NO_ACTION)
		rt_buf_addf(out, " ON UPDATE %s",
		            rt_fk_action_sql(fk->on_update));
	if (fk->deferrable)
		rt_buf_addf(out, " DEFERRABLE INITIALLY %s",
		            fk->initially_deferred ? "DEFERRED" : "IMMEDIATE");
}

const char *rt_fk_action_sql(enum rt_fk_action action)
{
	switch (action) {
	case RT_FK_RESTRICT:
		return "RESTRICT";
	case RT_FK_CASCADE:
		return "CASCADE";
	case RT_FK_SET_NULL:
		return "SET NULL";
	case RT_FK_SET_DEFAULT:
		return "SET DEFAULT";
	case RT_FK_NO_ACTION:
		break;
	}
	return "NO ACTION";
}

bool rt_fk_action_parse(enum rt_fk_action *out, const char *text)
{
	static const enum rt_fk_action all[] = { RT_FK_NO_ACTION,
		                                 RT_FK_RESTRICT, RT_FK_CASCADE,
		                                 RT_FK_SET_NULL,
		                                 RT_FK_SET_DEFAULT };

	for (size_t i = 0; i < sizeof(all) / sizeof(*all); i++)
		if (!strcasecmp(text, rt_fk_action_sql(all[i]))) {
			*out = all[i];
			return true;
		}
	return false;
}

static void dump_list(struct rt_buf *out, const struct rt_strvec *v)
{
	rt_buf_addch(out, '(');
	for (size_t i = 0; i < v->nr; i++)
		rt_buf_addf(out, "%s%s", i ? ", " : "", v->v[i]);
	rt_buf_addch(out, ')');
}

static void dump_column(struct rt_buf *out, const struct rt_cat_table *t,
                        const struct rt_cat_column *c)
{
	rt_buf_addf(out, "column %s.%s %s", t->name, c->name,
	            *c->type ? c->type : "(no type)");
	if (c->not_null)
		rt_buf_adds(out, " NOT NULL");
	if (c->default_expr)
		rt_buf_addf(out, " DEFAULT %s", c->default_expr);
	if (c->collation)
		rt_buf_addf(out, " COLLATE %s", c->collation);
	if (c->identity != RT_IDENTITY_NONE)
		rt_buf_addf(out, " GENERATED %s AS IDENTITY",
		            c->identity == RT_IDENTITY_ALWAYS ? "ALWAYS" :
		                                                "BY DEFAULT");
	if (c->serial)
		rt_buf_adds(out, " SERIAL");
	if (c->generated)
		rt_buf_addf(out, " GENERATED ALWAYS AS (%s) %s", c->generated,
		            c->generated_stored ? "STORED" : "VIRTUAL");
	if (c->comment)
		rt_buf_addf(out, " COMMENT '%s'", c->comment);
	rt_buf_addch(out, '\n');
}

static void dump_key(struct rt_buf *out, const char *what,
                     const struct rt_cat_table *t, const struct rt_cat_key *k)
{
	rt_buf_addf(out, "%s %s ON %s ", what, k->name ? k->name : "(unnamed)",
	            t->name);
	dump_list(out, &k->columns);
	rt_buf_addch(out, '\n');
}

static void dump_fk(struct rt_buf *out, const struct rt_cat_table *t,
                    const struct rt_cat_fk *fk)
{
	rt_buf_addf(out, "foreign key %s ON %s ",
	            fk->name ? fk->name : "(unnamed)", t->name);
	dump_list(out, &fk->columns);
	rt_buf_addf(out, " REFERENCES %s ", fk->ref_table);
	dump_list(out, &fk->ref_columns);
	rt_buf_addf(out, " ON DELETE %s ON UPDATE %s",
	            rt_fk_action_sql(fk->on_delete),
	            rt_fk_action_sql(fk->on_update));
	if (fk->deferrable)
		rt_buf_addf(out, " DEFERRABLE INITIALLY %s",
		            fk->initially_deferred ? "DEFERRED" : "IMMEDIATE");
	rt_buf_addch(out, '\n');
}

static void dump_index(struct rt_buf *out, const struct rt_cat_table *t,
                       const struct rt_cat_index *ix)
{
	rt_buf_addf(out, "%sindex %s ON %s", ix->unique ? "unique " : "",
	            ix->name, t->name);
	if (ix->method)
		rt_buf_addf(out, " USING %s", ix->method);
	rt_buf_addch(out, ' ');
	dump_list(out, &ix->keys);
	if (ix->where)
		rt_buf_addf(out, " WHERE %s", ix->where);
	rt_buf_addch(out, '\n');
}

static void dump_table(struct rt_buf *out, const struct rt_cat_table *t)
{
	rt_buf_addf(out, "table %s", t->name);
	if (t->autoincrement)
		rt_buf_adds(out, " AUTOINCREMENT");
	if (t->without_rowid)
		rt_buf_adds(out, " WITHOUT ROWID");
	if (t->strict)
		rt_buf_adds(out, " STRICT");
	if (t->comment)
		rt_buf_addf(out, " COMMENT '%s'", t->comment);
	rt_buf_addch(out, '\n');
	for (size_t i = 0; i < t->nr_columns; i++)
		dump_column(out, t, &t->columns[i]);
	if (t->primary_key)
		dump_key(out, "primary key", t, t->primary_key);
	for (size_t i = 0; i < t->nr_uniques; i++)
		dump_key(out, "unique", t, &t->uniques[i]);
	for (size_t i = 0; i < t->nr_fks; i++)
		dump_fk(out, t, &t->fks[i]);
	for (size_t i = 0; i < t->nr_checks; i++)
		rt_buf_addf(out, "check %s ON %s (%s)\n",
		            t->checks[i].name ? t->checks[i].name : "(unnamed)",
		            t->name, t->checks[i].expr);
	for (size_t i = 0; i < t->nr_indexes; i++)
		dump_index(out, t, &t->indexes[i]);
}

void rt_catalog_dump(struct rt_buf *out, const struct rt_catalog *cat)
{
	for (size_t i = 0; i < cat->nr_enums; i++) {
		rt_buf_addf(out, "enum %s ", cat->enums[i].name);
		dump_list(out, &cat->enums[i].labels);
		rt_buf_addch(out, '\n');
	}
	for (size_t i = 0; i < cat->nr_sequences; i++) {
		const struct rt_cat_sequence *s = &cat->sequences[i];

		rt_buf_addf(out,
		            "sequence %s %s START %lld INCREMENT %lld "
		            "MINVALUE %lld MAXVALUE %lld CACHE %lld%s",
		            s->name, s->data_type ? s->data_type : "bigint",
		            s->start, s->increment, s->min_value, s->max_value,
		            s->cache, s->cycle ? " CYCLE" : "");
		if (s->owned_by)
			rt_buf_addf(out, " OWNED BY %s", s->owned_by);
		rt_buf_addch(out, '\n');
	}
	for (size_t i = 0; i < cat->nr_tables; i++)
		dump_table(out, &cat->tables[i]);
	for (size_t i = 0; i < cat->nr_views; i++) {
		rt_buf_addf(out, "view %s AS %s\n", cat->views[i].name,
		            cat->views[i].definition);
		if (cat->views[i].comment)
			rt_buf_addf(out, "comment on view %s '%s'\n",
			            cat->views[i].name, cat->views[i].comment);
	}
	for (size_t i = 0; i < cat->nr_triggers; i++)
		rt_buf_addf(out, "trigger %s %s\n", cat->triggers[i].name,
		            cat->triggers[i].definition);
}

/* ---- types ----------------------------------------------------------- */

char *rt_catalog_normalise_type(enum rt_dialect dialect, const char *type)
{
	struct rt_buf sb = RT_BUF_INIT;
	bool blank = false;

	if (dialect == RT_DIALECT_POSTGRESQL)
		return rt_xstrdup(type);
	for (const char *p = type; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (isspace(ch)) {
			blank = sb.len > 0;
			continue;
		}
		/* no blank before or inside the parentheses */
		if (blank && !strchr("(),", ch) &&
		    !strchr("(,", sb.buf[sb.len - 1]))
			rt_buf_addch(&sb, ' ');
		blank = false;
		rt_buf_addch(&sb, (char)toupper(ch));
	}
	return rt_buf_detach(&sb);
}
