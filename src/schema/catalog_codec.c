#include "util/compat.h"
/*
 * catalog_codec.c - encoding and decoding a catalog (catalog_codec.h).
 *
 * The fields, in order (str: a string that may be NULL; list: u32 count,
 * then that many non-NULL strings):
 *
 *	u32 dialect
 *	u32 nr_tables, each:
 *	  str name, str comment, u32 flags (1 autoincrement, 2 without
 *	  rowid, 4 strict)
 *	  u32 nr_columns, each: str name, type, default_expr, collation,
 *	    comment, generated; u32 identity; u32 flags (1 not_null,
 *	    2 serial, 4 generated_stored)
 *	  u32 has_primary_key (0/1), then the key: str name, list columns
 *	  u32 nr_uniques, each a key
 *	  u32 nr_fks, each: str name, list columns, str ref_table, list
 *	    ref_columns, u32 on_delete, u32 on_update, u32 flags
 *	    (1 deferrable, 2 initially_deferred)
 *	  u32 nr_checks, each: str name, str expr
 *	  u32 nr_indexes, each: str name, u32 unique, list keys, str where,
 *	    str method
 *	u32 nr_views, each: str name, str definition, str comment
 *	u32 nr_enums, each: str name, list labels
 *	u32 nr_sequences, each: str name, str data_type, u64 start,
 *	  increment, min_value, max_value, cache (two's complement), u32
 *	  cycle, str owned_by
 *	u32 nr_triggers, each: str name, str table, str definition
 */
#include "schema/catalog_codec.h"
#include "util/alloc.h"
#include "util/cache_file.h"

#include <limits.h>

/*
 * A new field in catalog.h must be written and read here too, or the
 * cache would silently drop it: these sizes (on 64-bit machines) break
 * the build until this file has been looked at.
 */
#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(struct rt_cat_column) == 72, "catalog_codec.c: column");
_Static_assert(sizeof(struct rt_cat_key) == 32, "catalog_codec.c: key");
_Static_assert(sizeof(struct rt_cat_fk) == 80, "catalog_codec.c: fk");
_Static_assert(sizeof(struct rt_cat_check) == 16, "catalog_codec.c: check");
_Static_assert(sizeof(struct rt_cat_index) == 56, "catalog_codec.c: index");
_Static_assert(sizeof(struct rt_cat_table) == 152, "catalog_codec.c: table");
_Static_assert(sizeof(struct rt_cat_view) == 24, "catalog_codec.c: view");
_Static_assert(sizeof(struct rt_cat_enum) == 32, "catalog_codec.c: enum");
_Static_assert(sizeof(struct rt_cat_sequence) == 72,
               "catalog_codec.c: sequence");
_Static_assert(sizeof(struct rt_cat_trigger) == 24, "catalog_codec.c: trigger");
_Static_assert(sizeof(struct rt_catalog) == 128, "catalog_codec.c: catalog");
#endif

#define NULL_STRING 0xffffffffu

/* ---- encoding -------------------------------------------------------- */

static void put_str(struct rt_buf *out, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	rt_buf_add_le32(out, s ? (uint32_t)len : NULL_STRING);
	if (s)
		rt_buf_add(out, s, len + 1);
}

static void put_list(struct rt_buf *out, const struct rt_strvec *v)
{
	rt_buf_add_le32(out, (uint32_t)v->nr);
	for (size_t i = 0; i < v->nr; i++)
		put_str(out, v->v[i]);
}

static void put_key(struct rt_buf *out, const struct rt_cat_key *k)
{
	put_str(out, k->name);
	put_list(out, &k->columns);
}

static void put_column(struct rt_buf *out, const struct rt_cat_column *c)
{
	put_str(out, c->name);
	put_str(out, c->type);
	put_str(out, c->default_expr);
	put_str(out, c->collation);
	put_str(out, c->comment);
	put_str(out, c->generated);
	rt_buf_add_le32(out, (uint32_t)c->identity);
	rt_buf_add_le32(out, (c->not_null ? 1u : 0) | (c->serial ? 2u : 0) |
	                             (c->generated_stored ? 4u : 0));
}

static void put_fk(struct rt_buf *out, const struct rt_cat_fk *fk)
{
	put_str(out, fk->name);
	put_list(out, &fk->columns);
	put_str(out, fk->ref_table);
	put_list(out, &fk->ref_columns);
	rt_buf_add_le32(out, (uint32_t)fk->on_delete);
	rt_buf_add_le32(out, (uint32_t)fk->on_update);
	rt_buf_add_le32(out, (fk->deferrable ? 1u : 0) |
	                             (fk->initially_deferred ? 2u : 0));
}

static void put_index(struct rt_buf *out, const struct rt_cat_index *ix)
{
	put_str(out, ix->name);
	rt_buf_add_le32(out, ix->unique);
	put_list(out, &ix->keys);
	put_str(out, ix->where);
	put_str(out, ix->method);
}

static void put_table(struct rt_buf *out, const struct rt_cat_table *t)
{
	put_str(out, t->name);
	put_str(out, t->comment);
	rt_buf_add_le32(out, (t->autoincrement ? 1u : 0) |
	                             (t->without_rowid ? 2u : 0) |
	                             (t->strict ? 4u : 0));
	rt_buf_add_le32(out, (uint32_t)t->nr_columns);
	for (size_t i = 0; i < t->nr_columns; i++)
		put_column(out, &t->columns[i]);
	rt_buf_add_le32(out, t->primary_key != NULL);
	if (t->primary_key)
		put_key(out, t->primary_key);
	rt_buf_add_le32(out, (uint32_t)t->nr_uniques);
	for (size_t i = 0; i < t->nr_uniques; i++)
		put_key(out, &t->uniques[i]);
	rt_buf_add_le32(out, (uint32_t)t->nr_fks);
	for (size_t i = 0; i < t->nr_fks; i++)
		put_fk(out, &t->fks[i]);
	rt_buf_add_le32(out, (uint32_t)t->nr_checks);
	for (size_t i = 0; i < t->nr_checks; i++) {
		put_str(out, t->checks[i].name);
		put_str(out, t->checks[i].expr);
	}
	rt_buf_add_le32(out, (uint32_t)t->nr_indexes);
	for (size_t i = 0; i < t->nr_indexes; i++)
		put_index(out, &t->indexes[i]);
}

static void put_sequence(struct rt_buf *out, const struct rt_cat_sequence *s)
{
	put_str(out, s->name);
	put_str(out, s->data_type);
	rt_buf_add_le64(out, (uint64_t)s->start);
	rt_buf_add_le64(out, (uint64_t)s->increment);
	rt_buf_add_le64(out, (uint64_t)s->min_value);
	rt_buf_add_le64(out, (uint64_t)s->max_value);
	rt_buf_add_le64(out, (uint64_t)s->cache);
	rt_buf_add_le32(out, s->cycle);
	put_str(out, s->owned_by);
}

void rt_catalog_encode(struct rt_buf *out, const struct rt_catalog *cat)
{
	rt_buf_add_le32(out, (uint32_t)cat->dialect);
	rt_buf_add_le32(out, (uint32_t)cat->nr_tables);
	for (size_t i = 0; i < cat->nr_tables; i++)
		put_table(out, &cat->tables[i]);
	rt_buf_add_le32(out, (uint32_t)cat->nr_views);
	for (size_t i = 0; i < cat->nr_views; i++) {
		put_str(out, cat->views[i].name);
		put_str(out, cat->views[i].definition);
		put_str(out, cat->views[i].comment);
	}
	rt_buf_add_le32(out, (uint32_t)cat->nr_enums);
	for (size_t i = 0; i < cat->nr_enums; i++) {
		put_str(out, cat->enums[i].name);
		put_list(out, &cat->enums[i].labels);
	}
	rt_buf_add_le32(out, (uint32_t)cat->nr_sequences);
	for (size_t i = 0; i < cat->nr_sequences; i++)
		put_sequence(out, &cat->sequences[i]);
	rt_buf_add_le32(out, (uint32_t)cat->nr_triggers);
	for (size_t i = 0; i < cat->nr_triggers; i++) {
		put_str(out, cat->triggers[i].name);
		put_str(out, cat->triggers[i].table);
		put_str(out, cat->triggers[i].definition);
	}
}

/* ---- decoding -------------------------------------------------------- */

static long long get_i64(struct rt_cache_reader *r)
{
	uint64_t v = rt_cache_take_u64(r);

	/* two's complement back, without relying on the conversion */
	return v > (uint64_t)LLONG_MAX ? -(long long)(~v) - 1 : (long long)v;
}

/*
 * A count of items that each take `min` bytes at least (the smallest
 * item's encoding), so that a damaged count cannot promise more items
 * than there are bytes left.
 */
static size_t get_count(struct rt_cache_reader *r, size_t min)
{
	uint32_t n = rt_cache_take_u32(r);

	if (!r->bad && n > (size_t)(r->end - r->p) / min)
		r->bad = true;
	return r->bad ? 0 : n;
}

/* The next string, pointing into the data; NULL for NULL and when bad. */
static const char *get_str(struct rt_cache_reader *r)
{
	uint32_t len = rt_cache_take_u32(r);
	const unsigned char *p;

	if (r->bad || len == NULL_STRING)
		return NULL;
	p = rt_cache_take(r, (size_t)len + 1);
	if (!p || p[len] || memchr(p, 0, len)) {
		r->bad = true;
		return NULL;
	}
	return (const char *)p;
}

/* A string that must not be NULL. */
static const char *get_name(struct rt_cache_reader *r)
{
	const char *s = get_str(r);

	if (!s)
		r->bad = true;
	return s ? s : "";
}

static char *dup_str(struct rt_cache_reader *r)
{
	const char *s = get_str(r);

	return s ? rt_xstrdup(s) : NULL;
}

static void get_list(struct rt_cache_reader *r, struct rt_strvec *out)
{
	size_t n = get_count(r, 5);

	for (size_t i = 0; i < n && !r->bad; i++)
		rt_strvec_push(out, get_name(r));
}

/* An enum value below `limit`. */
static uint32_t get_enum(struct rt_cache_reader *r, uint32_t limit)
{
	uint32_t v = rt_cache_take_u32(r);

	if (v >= limit)
		r->bad = true;
	return r->bad ? 0 : v;
}

static void get_key(struct rt_cache_reader *r, struct rt_cat_key *k)
{
	free(k->name);
	k->name = dup_str(r);
	get_list(r, &k->columns);
}

static void get_column(struct rt_cache_reader *r, struct rt_cat_table *t)
{
	struct rt_cat_column *c = rt_cat_table_add_column(t, get_name(r));
	uint32_t flags;

	c->type = rt_xstrdup(get_name(r));
	c->default_expr = dup_str(r);
	c->collation = dup_str(r);
	c->comment = dup_str(r);
	c->generated = dup_str(r);
	c->identity = (enum rt_identity)get_enum(r, 3);
	flags = rt_cache_take_u32(r);
	c->not_null = flags & 1;
	c->serial = flags & 2;
	c->generated_stored = flags & 4;
}

static void get_fk(struct rt_cache_reader *r, struct rt_cat_table *t)
{
	struct rt_cat_fk *fk = rt_cat_table_add_fk(t, get_str(r));
	uint32_t flags;

	get_list(r, &fk->columns);
	fk->ref_table = rt_xstrdup(get_name(r));
	get_list(r, &fk->ref_columns);
	fk->on_delete = (enum rt_fk_action)get_enum(r, 5);
	fk->on_update = (enum rt_fk_action)get_enum(r, 5);
	flags = rt_cache_take_u32(r);
	fk->deferrable = flags & 1;
	fk->initially_deferred = flags & 2;
}

static void get_index(struct rt_cache_reader *r, struct rt_cat_table *t)
{
	struct rt_cat_index *ix = rt_cat_table_add_index(t, get_name(r));

	ix->unique = rt_cache_take_u32(r) != 0;
	get_list(r, &ix->keys);
	ix->where = dup_str(r);
	ix->method = dup_str(r);
}

static void get_table(struct rt_cache_reader *r, struct rt_catalog *cat)
{
	struct rt_cat_table *t = rt_catalog_add_table(cat, get_name(r));
	uint32_t flags;
	size_t n;

	t->comment = dup_str(r);
	flags = rt_cache_take_u32(r);
	t->autoincrement = flags & 1;
	t->without_rowid = flags & 2;
	t->strict = flags & 4;
	n = get_count(r, 32);
	for (size_t i = 0; i < n && !r->bad; i++)
		get_column(r, t);
	if (get_enum(r, 2))
		get_key(r, rt_cat_table_set_primary_key(t, NULL));
	n = get_count(r, 8);
	for (size_t i = 0; i < n && !r->bad; i++)
		get_key(r, rt_cat_table_add_unique(t, NULL));
	n = get_count(r, 28);
	for (size_t i = 0; i < n && !r->bad; i++)
		get_fk(r, t);
	n = get_count(r, 8);
	for (size_t i = 0; i < n && !r->bad; i++) {
		const char *name = get_str(r);

		rt_cat_table_add_check(t, name, get_name(r));
	}
	n = get_count(r, 20);
	for (size_t i = 0; i < n && !r->bad; i++)
		get_index(r, t);
}

static void get_sequence(struct rt_cache_reader *r, struct rt_catalog *cat)
{
	struct rt_cat_sequence *s = rt_catalog_add_sequence(cat, get_name(r));

	s->data_type = dup_str(r);
	s->start = get_i64(r);
	s->increment = get_i64(r);
	s->min_value = get_i64(r);
	s->max_value = get_i64(r);
	s->cache = get_i64(r);
	s->cycle = rt_cache_take_u32(r) != 0;
	s->owned_by = dup_str(r);
}

int rt_catalog_decode(struct rt_catalog *cat, const void *data, size_t len)
{
	struct rt_cache_reader r = { data, (const unsigned char *)data + len,
		                     false };
	size_t n;

	cat->dialect = (enum rt_dialect)get_enum(&r, RT_DIALECT_POSTGRESQL + 1);
	n = get_count(&r, 16);
	for (size_t i = 0; i < n && !r.bad; i++)
		get_table(&r, cat);
	n = get_count(&r, 12);
	for (size_t i = 0; i < n && !r.bad; i++) {
		const char *name = get_name(&r);
		struct rt_cat_view *v =
		        rt_catalog_add_view(cat, name, get_name(&r));

		v->comment = dup_str(&r);
	}
	n = get_count(&r, 9);
	for (size_t i = 0; i < n && !r.bad; i++)
		get_list(&r, &rt_catalog_add_enum(cat, get_name(&r))->labels);
	n = get_count(&r, 56);
	for (size_t i = 0; i < n && !r.bad; i++)
		get_sequence(&r, cat);
	n = get_count(&r, 12);
	for (size_t i = 0; i < n && !r.bad; i++) {
		const char *name = get_name(&r);
		const char *table = get_name(&r);

		rt_catalog_add_trigger(cat, name, table, get_name(&r));
	}
	if (r.bad || r.p != r.end) {
		rt_catalog_release(cat);
		return -1;
	}
	return 0;
}
