#include "util/compat.h"
/*
 * diff.c - two catalogs in, the ordered list of changes between them out
 * (diff.h), and a one-line description of each change.
 *
 * Everything is matched by name: tables, columns, views, enums and
 * sequences by their names; keys, checks, foreign keys and indexes by
 * their whole definition including the name, so a named constraint whose
 * definition changes, like an unnamed SQLite constraint that changes, is
 * dropped and added again.  Lookups go through arrays sorted by name, so
 * a schema of thousands of tables diffs in a few milliseconds.
 *
 * The changes are collected into one list per phase (the phases diff.h
 * lists) and the lists are joined at the end; inside a phase, tables come
 * in name order and a table's items in catalog order.
 */
#include "schema/diff.h"
#include "error_raise.h"
#include "util/alloc.h"

#include <ctype.h>

enum phase {
	PH_CREATE_TYPES,
	PH_DROP_TRIGGERS,
	PH_DROP_VIEWS,
	PH_RECREATE_ENUMS,
	PH_DROP_FKS,
	PH_DROP_TABLES,
	PH_DROP_KEYS,
	PH_DROP_COLUMNS,
	PH_ADD_COLUMNS,
	PH_ALTER_COLUMNS,
	PH_ADD_KEYS,
	PH_ADD_TABLES,
	PH_ADD_INDEXES,
	PH_ADD_FKS,
	PH_ALTER_SEQUENCES,
	PH_COMMENTS,
	PH_ADD_VIEWS,
	PH_ADD_TRIGGERS,
	PH_DROP_TYPES,
	NR_PHASES
};

/* ---- names ------------------------------------------------------------ */

/* An item found by name: a pointer into a catalog, kept sorted. */
struct named {
	const char *name;
	const void *item;
};

struct name_index {
	struct named *v;
	size_t nr, alloc;
};

static void name_index_add(struct name_index *ix, const char *name,
                           const void *item)
{
	RT_ALLOC_GROW(ix->v, ix->nr + 1, ix->alloc);
	ix->v[ix->nr].name = name;
	ix->v[ix->nr].item = item;
	ix->nr++;
}

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name,
	              ((const struct named *)b)->name);
}

static void name_index_sort(struct name_index *ix)
{
	if (ix->nr > 1)
		qsort(ix->v, ix->nr, sizeof(*ix->v), cmp_named);
}

/* Position of `name`, or -1. */
static ptrdiff_t name_index_find(const struct name_index *ix, const char *name)
{
	size_t lo = 0, hi = ix->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ix->v[mid].name, name);

		if (!c)
			return (ptrdiff_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static const void *name_index_get(const struct name_index *ix, const char *name)
{
	ptrdiff_t i = name_index_find(ix, name);

	return i < 0 ? NULL : ix->v[i].item;
}

static void name_index_release(struct name_index *ix)
{
	free(ix->v);
	memset(ix, 0, sizeof(*ix));
}

/*
 * Two arrays of catalog items matched by name, in name order: each step
 * gives the item of each side, NULL on the side that lacks the name.
 * Every catalog item struct starts with its `char *name`, which is how
 * the walk finds the name of an item it knows only by size.
 */
struct name_walk {
	struct name_index from, to;
	size_t i, j;
};

static void name_index_of_array(struct name_index *ix, const void *items,
                                size_t nr, size_t size)
{
	const char *p = items;

	for (size_t k = 0; k < nr; k++, p += size)
		name_index_add(ix, *(char *const *)(const void *)p, p);
	name_index_sort(ix);
}

#define NAME_WALK_INIT(w, from, nr_from, to, nr_to) \
 name_walk_init((w), (from), (nr_from), (to), (nr_to), sizeof(*(from)))

static void name_walk_init(struct name_walk *w, const void *from,
                           size_t nr_from, const void *to, size_t nr_to,
                           size_t size)
{
	memset(w, 0, sizeof(*w));
	name_index_of_array(&w->from, from, nr_from, size);
	name_index_of_array(&w->to, to, nr_to, size);
}

static bool name_walk_next(struct name_walk *w, const void **from,
                           const void **to)
{
	int c;

	if (w->i == w->from.nr && w->j == w->to.nr)
		return false;
	c = w->i == w->from.nr ? 1 :
	    w->j == w->to.nr   ? -1 :
	                         strcmp(w->from.v[w->i].name, w->to.v[w->j].name);
	*from = c <= 0 ? w->from.v[w->i++].item : NULL;
	*to = c >= 0 ? w->to.v[w->j++].item : NULL;
	return true;
}

static void name_walk_release(struct name_walk *w)
{
	name_index_release(&w->from);
	name_index_release(&w->to);
}

/*
 * Case-insensitive set of names (pointers into the catalogs), for "does
 * this view read that table".  Filled in any order; sorted on first use.
 */
struct word_set {
	const char **v;
	size_t nr, alloc;
	bool sorted;
};

static int cmp_word(const void *a, const void *b)
{
	return strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

/* The entry equal to `word` (ignoring case), or NULL. */
static const char *word_set_get(struct word_set *set, const char *word)
{
	size_t lo = 0, hi = set->nr;

	if (!set->sorted) {
		if (set->nr > 1)
			qsort(set->v, set->nr, sizeof(*set->v), cmp_word);
		set->sorted = true;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcasecmp(set->v[mid], word);

		if (!c)
			return set->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void word_set_add(struct word_set *set, const char *word)
{
	RT_ALLOC_GROW(set->v, set->nr + 1, set->alloc);
	set->v[set->nr++] = word;
	set->sorted = false;
}

static bool is_word_char(int c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/*
 * The next identifier-like word of `*pp` into `word` (a quoted
 * identifier without its quotes); false at the end.  String literals and
 * comments are skipped, so a table name inside a string is not a word.
 */
static bool next_word(const char **pp, struct rt_buf *word)
{
	const char *p = *pp;

	rt_buf_reset(word);
	while (*p) {
		unsigned char c = (unsigned char)*p;

		if (c == '\'') {
			for (p++; *p; p++)
				if (*p == '\'' && *++p != '\'')
					break;
			continue;
		}
		if (c == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
			continue;
		}
		if (c == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");

			p = end ? end + 2 : p + strlen(p);
			continue;
		}
		if (c == '"' || c == '`' || c == '[') {
			char close = c == '[' ? ']' : (char)c;

			for (p++; *p; p++) {
				if (*p == close) {
					if (close != ']' && p[1] == close) {
						p++;
					} else {
						p++;
						break;
					}
				}
				rt_buf_addch(word, *p);
			}
			*pp = p;
			return true;
		}
		if (is_word_char(c)) {
			while (*p && is_word_char((unsigned char)*p))
				rt_buf_addch(word, *p++);
			*pp = p;
			return true;
		}
		p++;
	}
	*pp = p;
	return false;
}

/* Whether `name` appears as a word of `sql` (case-insensitive). */
static bool mentions(const char *sql, const char *name)
{
	struct rt_buf word = RT_BUF_INIT;
	bool found = false;

	if (!sql)
		return false;
	while (!found && next_word(&sql, &word))
		found = !strcasecmp(word.buf, name);
	rt_buf_release(&word);
	return found;
}

/* The entry of `set` that is the first word of `sql` in it, or NULL. */
static const char *mentions_any(const char *sql, struct word_set *set)
{
	struct rt_buf word = RT_BUF_INIT;
	const char *found = NULL;

	if (set->nr)
		while (!found && next_word(&sql, &word))
			found = word_set_get(set, word.buf);
	rt_buf_release(&word);
	return found;
}

/* ---- comparing items -------------------------------------------------- */

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static bool strvec_eq(const struct rt_strvec *a, const struct rt_strvec *b)
{
	if (a->nr != b->nr)
		return false;
	for (size_t i = 0; i < a->nr; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

static bool key_eq(const struct rt_cat_key *a, const struct rt_cat_key *b)
{
	if (!a || !b)
		return a == b;
	return str_eq(a->name, b->name) && strvec_eq(&a->columns, &b->columns);
}

static bool fk_eq(const struct rt_cat_fk *a, const struct rt_cat_fk *b)
{
	return str_eq(a->name, b->name) &&
	       strvec_eq(&a->columns, &b->columns) &&
	       !strcmp(a->ref_table, b->ref_table) &&
	       strvec_eq(&a->ref_columns, &b->ref_columns) &&
	       a->on_delete == b->on_delete && a->on_update == b->on_update &&
	       a->deferrable == b->deferrable &&
	       a->initially_deferred == b->initially_deferred;
}

static bool check_eq(const struct rt_cat_check *a, const struct rt_cat_check *b)
{
	return str_eq(a->name, b->name) && !strcmp(a->expr, b->expr);
}

static bool index_eq(const struct rt_cat_index *a, const struct rt_cat_index *b)
{
	return !strcmp(a->name, b->name) && a->unique == b->unique &&
	       strvec_eq(&a->keys, &b->keys) && str_eq(a->where, b->where) &&
	       str_eq(a->method, b->method);
}

/*
 * Pair the items of two lists that are equal (name and definition).
 * match[j] = the index in `from` of the item equal to to[j], or -1; a
 * from item is used at most once.  Lists are short (one table's keys),
 * so the quadratic search costs nothing.
 */
#define MATCH_ITEMS(match, from_arr, nr_from, to_arr, nr_to, eq) \
 do {                                                            \
  bool *used_ = rt_xcalloc((nr_from) + 1, sizeof(bool));         \
  for (size_t j_ = 0; j_ < (nr_to); j_++) {                      \
   (match)[j_] = -1;                                             \
   for (size_t i_ = 0; i_ < (nr_from); i_++)                     \
    if (!used_[i_] && eq(&(from_arr)[i_], &(to_arr)[j_])) {      \
     used_[i_] = true;                                           \
     (match)[j_] = (ptrdiff_t)i_;                                \
     break;                                                      \
    }                                                            \
  }                                                              \
  free(used_);                                                   \
 } while (0)

/* Whether from item i is the partner of some to item. */
static bool matched(const ptrdiff_t *match, size_t nr_to, size_t i)
{
	for (size_t j = 0; j < nr_to; j++)
		if (match[j] == (ptrdiff_t)i)
			return true;
	return false;
}

/* ---- type changes ----------------------------------------------------- */

enum affinity { AFF_INTEGER, AFF_TEXT, AFF_BLOB, AFF_REAL, AFF_NUMERIC };

/* SQLite's rules for the affinity of a declared type (datatype3.html). */
static enum affinity sqlite_affinity(const char *type)
{
	struct rt_buf up = RT_BUF_INIT;
	enum affinity a;

	for (const char *p = type; *p; p++)
		rt_buf_addch(&up, toupper((unsigned char)*p));
	if (strstr(up.buf, "INT"))
		a = AFF_INTEGER;
	else if (strstr(up.buf, "CHAR") || strstr(up.buf, "CLOB") ||
	         strstr(up.buf, "TEXT"))
		a = AFF_TEXT;
	else if (!*up.buf || strstr(up.buf, "BLOB"))
		a = AFF_BLOB;
	else if (strstr(up.buf, "REAL") || strstr(up.buf, "FLOA") ||
	         strstr(up.buf, "DOUB"))
		a = AFF_REAL;
	else
		a = AFF_NUMERIC;
	rt_buf_release(&up);
	return a;
}

/* "prefix(N)" or "prefix(N,M)": the numbers; false when not that shape. */
static bool type_args(const char *type, const char *prefix, long *n, long *m)
{
	size_t len = strlen(prefix);
	char *end;

	*n = *m = -1;
	if (strncmp(type, prefix, len))
		return false;
	if (!type[len])
		return true;
	if (type[len] != '(')
		return false;
	*n = strtol(type + len + 1, &end, 10);
	if (*end == ',')
		*m = strtol(end + 1, &end, 10);
	return !strcmp(end, ")");
}

static int pg_int_rank(const char *type)
{
	if (!strcmp(type, "smallint"))
		return 1;
	if (!strcmp(type, "integer"))
		return 2;
	if (!strcmp(type, "bigint"))
		return 3;
	return 0;
}

/*
 * Whether every value of type `from` fits `to` unchanged.  PostgreSQL:
 * a short list of widenings (longer varchar, bigger integer, wider
 * numeric, anything to text); anything else may fail or round.  SQLite
 * stores what it is given, converted only by the column's affinity: the
 * same affinity, or TEXT or BLOB, keeps every value.
 */
static bool type_change_is_safe(enum rt_dialect dialect, const char *from,
                                const char *to)
{
	long n1, m1, n2, m2;
	int r1, r2;

	if (dialect == RT_DIALECT_SQLITE) {
		enum affinity a = sqlite_affinity(from),
		              b = sqlite_affinity(to);

		return a == b || b == AFF_TEXT || b == AFF_BLOB;
	}
	if (!strcmp(to, "text"))
		return true;
	if ((type_args(from, "character varying", &n1, &m1) ||
	     type_args(from, "character", &n1, &m1)) &&
	    type_args(to, "character varying", &n2, &m2))
		return n2 < 0 || (n1 >= 0 && n2 >= n1);
	r1 = pg_int_rank(from);
	r2 = pg_int_rank(to);
	if (r1 && r2)
		return r2 >= r1;
	if (r1 && !strcmp(to, "numeric"))
		return true;
	if (r1 && r1 < 3 && !strcmp(to, "double precision"))
		return true;
	if (!strcmp(from, "real") && !strcmp(to, "double precision"))
		return true;
	if (type_args(from, "numeric", &n1, &m1) &&
	    type_args(to, "numeric", &n2, &m2)) {
		if (n2 < 0)
			return true;
		if (n1 < 0)
			return false;
		if (m1 < 0)
			m1 = 0;
		if (m2 < 0)
			m2 = 0;
		return m2 >= m1 && n2 - m2 >= n1 - m1;
	}
	return false;
}

/* ---- the differ ------------------------------------------------------- */

/* A key dropped from a kept table: FKs that use it must be re-done. */
struct dropped_key {
	const struct rt_cat_table *table;
	const struct rt_strvec *columns;
};

/* An FK of a kept table that does not change. */
struct fk_pair {
	const struct rt_cat_table *from_table, *to_table;
	const struct rt_cat_fk *from_fk, *to_fk;
};

struct differ {
	const struct rt_catalog *from, *to;
	enum rt_dialect dialect;
	struct rt_changes phase[NR_PHASES];
	struct name_index from_tables, to_tables;
	/* tables (and enum-typed columns' tables) views must not read
	   while they change */
	struct word_set changed;
	/* views dropped (to be created again or not) */
	struct word_set views_gone;
	struct dropped_key *dropped_keys;
	size_t nr_dropped_keys, alloc_dropped_keys;
	struct fk_pair *fk_pairs;
	size_t nr_fk_pairs, alloc_fk_pairs;
};

static struct rt_change *add_change(struct differ *d, enum phase ph,
                                    enum rt_change_kind kind,
                                    const struct rt_cat_table *from_table,
                                    const struct rt_cat_table *to_table)
{
	struct rt_changes *list = &d->phase[ph];
	struct rt_change *c;

	RT_ALLOC_GROW(list->items, list->nr + 1, list->alloc);
	c = &list->items[list->nr++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->from_table = from_table;
	c->to_table = to_table;
	return c;
}

static void mark_changed(struct differ *d, const char *table)
{
	word_set_add(&d->changed, table); /* duplicates do no harm */
}

/* ---- enums and sequences ---------------------------------------------- */

/* Whether `sub`'s labels appear in `all` in the same order. */
static bool labels_kept_in_order(const struct rt_strvec *sub,
                                 const struct rt_strvec *all)
{
	size_t j = 0;

	for (size_t i = 0; i < sub->nr; i++) {
		while (j < all->nr && strcmp(all->v[j], sub->v[i]))
			j++;
		if (j == all->nr)
			return false;
		j++;
	}
	return true;
}

/* Whether a column's type is the enum `name` or an array of it. */
static bool column_uses_type(const struct rt_cat_column *c, const char *name)
{
	size_t len = strlen(name);
	const char *t = c->type;

	if (*t == '"') /* format_type() quotes names that need it */
		t++;
	return !strncmp(t, name, len) &&
	       (!t[len] || !strcmp(t + len, "[]") ||
	        (t[len] == '"' && (!t[len + 1] || !strcmp(t + len + 1, "[]"))));
}

/* Mark the tables with a column of the enum `name` as changing. */
static void mark_tables_using(struct differ *d, const char *name)
{
	for (size_t i = 0; i < d->from->nr_tables; i++) {
		const struct rt_cat_table *t = &d->from->tables[i];

		for (size_t k = 0; k < t->nr_columns; k++)
			if (column_uses_type(&t->columns[k], name)) {
				mark_changed(d, t->name);
				break;
			}
	}
}

static void diff_enums(struct differ *d)
{
	const struct rt_catalog *from = d->from, *to = d->to;
	struct name_walk w;
	const void *f, *t;

	NAME_WALK_INIT(&w, from->enums, from->nr_enums, to->enums,
	               to->nr_enums);
	while (name_walk_next(&w, &f, &t)) {
		const struct rt_cat_enum *fe = f, *te = t;
		struct rt_change *ch;

		if (!te) {
			ch = add_change(d, PH_DROP_TYPES, RT_CHANGE_DROP_ENUM,
			                NULL, NULL);
			ch->from_enum = fe;
		} else if (!fe) {
			ch = add_change(d, PH_CREATE_TYPES, RT_CHANGE_ADD_ENUM,
			                NULL, NULL);
			ch->to_enum = te;
		} else if (!strvec_eq(&fe->labels, &te->labels)) {
			bool additive =
			        labels_kept_in_order(&fe->labels, &te->labels);

			ch = add_change(d,
			                additive ? PH_CREATE_TYPES :
			                           PH_RECREATE_ENUMS,
			                RT_CHANGE_ALTER_ENUM, NULL, NULL);
			ch->from_enum = fe;
			ch->to_enum = te;
			if (!additive) {
				ch->enum_recreated = true;
				for (size_t k = 0; k < fe->labels.nr; k++)
					if (!rt_strvec_contains(
					            &te->labels,
					            fe->labels.v[k]))
						ch->destructive = true;
				/* its columns are converted: views on them
				   must go first */
				mark_tables_using(d, fe->name);
			}
		}
	}
	name_walk_release(&w);
}

static bool sequence_eq(const struct rt_cat_sequence *a,
                        const struct rt_cat_sequence *b)
{
	return str_eq(a->data_type, b->data_type) && a->start == b->start &&
	       a->increment == b->increment && a->min_value == b->min_value &&
	       a->max_value == b->max_value && a->cache == b->cache &&
	       a->cycle == b->cycle && str_eq(a->owned_by, b->owned_by);
}

static void diff_sequences(struct differ *d)
{
	const struct rt_catalog *from = d->from, *to = d->to;
	struct name_walk w;
	const void *f, *t;

	NAME_WALK_INIT(&w, from->sequences, from->nr_sequences, to->sequences,
	               to->nr_sequences);
	while (name_walk_next(&w, &f, &t)) {
		const struct rt_cat_sequence *fs = f, *ts = t;
		struct rt_change *ch = NULL;

		if (!ts)
			ch = add_change(d, PH_DROP_TYPES,
			                RT_CHANGE_DROP_SEQUENCE, NULL, NULL);
		else if (!fs)
			ch = add_change(d, PH_CREATE_TYPES,
			                RT_CHANGE_ADD_SEQUENCE, NULL, NULL);
		else if (!sequence_eq(fs, ts))
			ch = add_change(d, PH_ALTER_SEQUENCES,
			                RT_CHANGE_ALTER_SEQUENCE, NULL, NULL);
		if (ch) {
			ch->from_sequence = fs;
			ch->to_sequence = ts;
		}
	}
	name_walk_release(&w);
}

/* ---- one kept table --------------------------------------------------- */

static bool column_attrs_differ(const struct rt_cat_column *a,
                                const struct rt_cat_column *b)
{
	return strcmp(a->type, b->type) || a->not_null != b->not_null ||
	       !str_eq(a->default_expr, b->default_expr) ||
	       !str_eq(a->collation, b->collation) ||
	       a->identity != b->identity || a->serial != b->serial ||
	       !str_eq(a->generated, b->generated) ||
	       (b->generated && a->generated_stored != b->generated_stored);
}

/*
 * A generated column whose expression or storage changes, or a plain
 * column that becomes generated: no ALTER does that everywhere, so the
 * column is dropped and added again.  (Generated to plain is an ALTER:
 * PostgreSQL's DROP EXPRESSION, SQLite's rebuild keep the values.)
 */
static bool column_readded(const struct rt_cat_column *a,
                           const struct rt_cat_column *b)
{
	if (!b->generated)
		return false;
	return !str_eq(a->generated, b->generated) ||
	       a->generated_stored != b->generated_stored;
}

static bool list_has_any(const struct rt_strvec *list,
                         const struct rt_strvec *names)
{
	for (size_t i = 0; i < list->nr; i++)
		if (rt_strvec_contains(names, list->v[i]))
			return true;
	return false;
}

static bool text_mentions_any(const char *text, const struct rt_strvec *names)
{
	for (size_t i = 0; i < names->nr; i++)
		if (mentions(text, names->v[i]))
			return true;
	return false;
}

static bool index_uses_any(const struct rt_cat_index *ix,
                           const struct rt_strvec *names)
{
	for (size_t i = 0; i < ix->keys.nr; i++)
		if (text_mentions_any(ix->keys.v[i], names))
			return true;
	return text_mentions_any(ix->where, names);
}

static void note_dropped_key(struct differ *d, const struct rt_cat_table *t,
                             const struct rt_strvec *columns)
{
	RT_ALLOC_GROW(d->dropped_keys, d->nr_dropped_keys + 1,
	              d->alloc_dropped_keys);
	d->dropped_keys[d->nr_dropped_keys].table = t;
	d->dropped_keys[d->nr_dropped_keys].columns = columns;
	d->nr_dropped_keys++;
}

struct table_pair {
	const struct rt_cat_table *f, *t;
	/* columns dropped and added again (column_readded) */
	struct rt_strvec readded;
	const char *first_readded; /* the first one's name, in the catalog */
	bool changed; /* a change other than to indexes or comments */
	/*
	 * a change PostgreSQL refuses under a view that reads the table:
	 * a column dropped or changing type or collation, the primary key
	 * (a view may group by it); adding columns or constraints is not
	 */
	bool breaks_views;
};

static void diff_columns(struct differ *d, struct table_pair *tp)
{
	const struct rt_cat_table *f = tp->f, *t = tp->t;
	struct name_index fc = { 0 }, tc = { 0 };
	struct rt_change **dropped = NULL, **added = NULL;
	size_t nr_dropped = 0, nr_added = 0;
	struct rt_strvec retyped = RT_STRVEC_INIT;
	bool *readd;

	for (size_t i = 0; i < f->nr_columns; i++)
		name_index_add(&fc, f->columns[i].name, &f->columns[i]);
	for (size_t i = 0; i < t->nr_columns; i++)
		name_index_add(&tc, t->columns[i].name, &t->columns[i]);
	name_index_sort(&fc);
	name_index_sort(&tc);
	dropped = rt_xcalloc(f->nr_columns + 1, sizeof(*dropped));
	added = rt_xcalloc(t->nr_columns + 1, sizeof(*added));

	/*
	 * Columns dropped and added again (readd[], by position in t): a
	 * changed generation (column_readded), and a generated column that
	 * reads a column whose type changes, which PostgreSQL refuses to
	 * change under it.
	 */
	readd = rt_xcalloc(t->nr_columns + 1, sizeof(*readd));
	for (size_t j = 0; j < t->nr_columns; j++) {
		const struct rt_cat_column *b = &t->columns[j];
		const struct rt_cat_column *a = name_index_get(&fc, b->name);

		if (a && strcmp(a->type, b->type))
			rt_strvec_push(&retyped, b->name);
	}
	for (size_t j = 0; j < t->nr_columns; j++) {
		const struct rt_cat_column *b = &t->columns[j];
		const struct rt_cat_column *a = name_index_get(&fc, b->name);

		readd[j] = a && (column_readded(a, b) ||
		                 (a->generated && b->generated &&
		                  text_mentions_any(a->generated, &retyped)));
	}

	for (size_t i = 0; i < f->nr_columns; i++) {
		const struct rt_cat_column *a = &f->columns[i];
		const struct rt_cat_column *b = name_index_get(&tc, a->name);
		struct rt_change *ch;

		if (b && !readd[b - t->columns])
			continue;
		ch = add_change(d, PH_DROP_COLUMNS, RT_CHANGE_DROP_COLUMN, f,
		                t);
		ch->from_column = a;
		ch->destructive = !a->generated;
		tp->changed = tp->breaks_views = true;
		if (b) {
			rt_strvec_push(&tp->readded, a->name);
			if (!tp->first_readded)
				tp->first_readded = b->name;
		} else {
			dropped[nr_dropped++] = ch;
		}
	}
	/*
	 * Adds, then alters: first the columns that stop being generated,
	 * then the others, then generated columns are added - after the
	 * columns they read have their new types.
	 */
	for (size_t j = 0; j < t->nr_columns; j++) {
		const struct rt_cat_column *b = &t->columns[j];
		const struct rt_cat_column *a = name_index_get(&fc, b->name);
		struct rt_change *ch;

		if ((a && !readd[j]) || b->generated)
			continue;
		ch = add_change(d, PH_ADD_COLUMNS, RT_CHANGE_ADD_COLUMN, f, t);
		ch->to_column = b;
		tp->changed = true;
		if (!a)
			added[nr_added++] = ch;
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t j = 0; j < t->nr_columns; j++) {
			const struct rt_cat_column *b = &t->columns[j];
			const struct rt_cat_column *a =
			        name_index_get(&fc, b->name);
			struct rt_change *ch;

			if (!a || readd[j] ||
			    (a->generated && !b->generated) != (pass == 0))
				continue;
			if (column_attrs_differ(a, b)) {
				ch = add_change(d, PH_ALTER_COLUMNS,
				                RT_CHANGE_ALTER_COLUMN, f, t);
				ch->from_column = a;
				ch->to_column = b;
				ch->destructive =
				        strcmp(a->type, b->type) &&
				        !type_change_is_safe(d->dialect,
				                             a->type, b->type);
				tp->changed = true;
				if (strcmp(a->type, b->type) ||
				    !str_eq(a->collation, b->collation))
					tp->breaks_views = true;
			}
			if (!str_eq(a->comment, b->comment)) {
				ch = add_change(d, PH_COMMENTS,
				                RT_CHANGE_COLUMN_COMMENT, f, t);
				ch->from_column = a;
				ch->to_column = b;
			}
		}
	for (size_t j = 0; j < t->nr_columns; j++) {
		const struct rt_cat_column *b = &t->columns[j];
		const struct rt_cat_column *a = name_index_get(&fc, b->name);
		struct rt_change *ch;

		if ((a && !readd[j]) || !b->generated)
			continue;
		ch = add_change(d, PH_ALTER_COLUMNS, RT_CHANGE_ADD_COLUMN, f,
		                t);
		ch->to_column = b;
		tp->changed = true;
		if (!a)
			added[nr_added++] = ch;
	}
	free(readd);
	rt_strvec_clear(&retyped);

	/* a dropped and an added column of one type: maybe a rename */
	for (size_t i = 0; i < nr_dropped; i++)
		for (size_t j = 0; j < nr_added; j++) {
			if (!added[j] || strcmp(dropped[i]->from_column->type,
			                        added[j]->to_column->type))
				continue;
			dropped[i]->maybe_renamed_to =
			        added[j]->to_column->name;
			added[j]->maybe_renamed_from =
			        dropped[i]->from_column->name;
			added[j] = NULL;
			break;
		}
	free(dropped);
	free(added);
	name_index_release(&fc);
	name_index_release(&tc);
}

/*
 * Keys, checks, FKs and indexes of a kept table: drop what the target
 * lacks, add what the source lacks, and drop and re-add those that use
 * a re-added column (DROP COLUMN takes them with it on PostgreSQL).
 */
static void diff_constraints(struct differ *d, struct table_pair *tp)
{
	const struct rt_cat_table *f = tp->f, *t = tp->t;
	const struct rt_strvec *re = &tp->readded;
	const char *re_name = tp->first_readded;
	ptrdiff_t *mu, *mc, *mf, *mi;
	struct rt_change *ch;
	bool pk_same = key_eq(f->primary_key, t->primary_key);
	bool pk_redo = pk_same && f->primary_key &&
	               list_has_any(&f->primary_key->columns, re);

	mu = rt_xcalloc(t->nr_uniques + 1, sizeof(*mu));
	mc = rt_xcalloc(t->nr_checks + 1, sizeof(*mc));
	mf = rt_xcalloc(t->nr_fks + 1, sizeof(*mf));
	mi = rt_xcalloc(t->nr_indexes + 1, sizeof(*mi));
	MATCH_ITEMS(mu, f->uniques, f->nr_uniques, t->uniques, t->nr_uniques,
	            key_eq);
	MATCH_ITEMS(mc, f->checks, f->nr_checks, t->checks, t->nr_checks,
	            check_eq);
	MATCH_ITEMS(mf, f->fks, f->nr_fks, t->fks, t->nr_fks, fk_eq);
	MATCH_ITEMS(mi, f->indexes, f->nr_indexes, t->indexes, t->nr_indexes,
	            index_eq);

	/* drops: FKs, then indexes, checks, uniques, primary key */
	for (size_t i = 0; i < f->nr_fks; i++) {
		bool keep = matched(mf, t->nr_fks, i);

		if (keep && !list_has_any(&f->fks[i].columns, re))
			continue;
		ch = add_change(d, PH_DROP_FKS, RT_CHANGE_DROP_FK, f, t);
		ch->fk = &f->fks[i];
		ch->depends_on = keep ? re_name : NULL;
		tp->changed = true;
	}
	for (size_t i = 0; i < f->nr_indexes; i++) {
		bool keep = matched(mi, t->nr_indexes, i);

		if (keep && !index_uses_any(&f->indexes[i], re))
			continue;
		ch = add_change(d, PH_DROP_KEYS, RT_CHANGE_DROP_INDEX, f, t);
		ch->index = &f->indexes[i];
		ch->depends_on = keep ? re_name : NULL;
		/* an FK may reference a unique index's columns */
		if (f->indexes[i].unique)
			note_dropped_key(d, f, &f->indexes[i].keys);
	}
	for (size_t i = 0; i < f->nr_checks; i++) {
		bool keep = matched(mc, t->nr_checks, i);

		if (keep && !text_mentions_any(f->checks[i].expr, re))
			continue;
		ch = add_change(d, PH_DROP_KEYS, RT_CHANGE_DROP_CHECK, f, t);
		ch->check = &f->checks[i];
		ch->depends_on = keep ? re_name : NULL;
		tp->changed = true;
	}
	for (size_t i = 0; i < f->nr_uniques; i++) {
		bool keep = matched(mu, t->nr_uniques, i);

		if (keep && !list_has_any(&f->uniques[i].columns, re))
			continue;
		ch = add_change(d, PH_DROP_KEYS, RT_CHANGE_DROP_UNIQUE, f, t);
		ch->from_key = &f->uniques[i];
		ch->depends_on = keep ? re_name : NULL;
		note_dropped_key(d, f, &f->uniques[i].columns);
		tp->changed = true;
	}
	if (f->primary_key && (!pk_same || pk_redo)) {
		ch = add_change(d, PH_DROP_KEYS, RT_CHANGE_SET_PRIMARY_KEY, f,
		                t);
		ch->from_key = f->primary_key;
		ch->depends_on = pk_redo ? re_name : NULL;
		note_dropped_key(d, f, &f->primary_key->columns);
		tp->changed = tp->breaks_views = true;
	}

	/* adds: primary key, uniques, checks; indexes; FKs */
	if (t->primary_key && (!pk_same || pk_redo)) {
		ch = add_change(d, PH_ADD_KEYS, RT_CHANGE_SET_PRIMARY_KEY, f,
		                t);
		ch->to_key = t->primary_key;
		ch->depends_on = pk_redo ? re_name : NULL;
		tp->changed = true;
	}
	for (size_t j = 0; j < t->nr_uniques; j++) {
		bool redo =
		        mu[j] >= 0 && list_has_any(&t->uniques[j].columns, re);

		if (mu[j] >= 0 && !redo)
			continue;
		ch = add_change(d, PH_ADD_KEYS, RT_CHANGE_ADD_UNIQUE, f, t);
		ch->to_key = &t->uniques[j];
		ch->depends_on = redo ? re_name : NULL;
		tp->changed = true;
	}
	for (size_t j = 0; j < t->nr_checks; j++) {
		bool redo =
		        mc[j] >= 0 && text_mentions_any(t->checks[j].expr, re);

		if (mc[j] >= 0 && !redo)
			continue;
		ch = add_change(d, PH_ADD_KEYS, RT_CHANGE_ADD_CHECK, f, t);
		ch->check = &t->checks[j];
		ch->depends_on = redo ? re_name : NULL;
		tp->changed = true;
	}
	for (size_t j = 0; j < t->nr_indexes; j++) {
		bool redo = mi[j] >= 0 && index_uses_any(&t->indexes[j], re);

		if (mi[j] >= 0 && !redo)
			continue;
		ch = add_change(d, PH_ADD_INDEXES, RT_CHANGE_ADD_INDEX, f, t);
		ch->index = &t->indexes[j];
		ch->depends_on = redo ? re_name : NULL;
	}
	for (size_t j = 0; j < t->nr_fks; j++) {
		bool redo = mf[j] >= 0 && list_has_any(&t->fks[j].columns, re);

		if (mf[j] >= 0 && !redo) {
			RT_ALLOC_GROW(d->fk_pairs, d->nr_fk_pairs + 1,
			              d->alloc_fk_pairs);
			d->fk_pairs[d->nr_fk_pairs].from_table = f;
			d->fk_pairs[d->nr_fk_pairs].to_table = t;
			d->fk_pairs[d->nr_fk_pairs].from_fk = &f->fks[mf[j]];
			d->fk_pairs[d->nr_fk_pairs].to_fk = &t->fks[j];
			d->nr_fk_pairs++;
			continue;
		}
		ch = add_change(d, PH_ADD_FKS, RT_CHANGE_ADD_FK, f, t);
		ch->fk = &t->fks[j];
		ch->depends_on = redo ? re_name : NULL;
		tp->changed = true;
	}
	free(mu);
	free(mc);
	free(mf);
	free(mi);
}

static void diff_table(struct differ *d, const struct rt_cat_table *f,
                       const struct rt_cat_table *t)
{
	struct table_pair tp = { f, t, RT_STRVEC_INIT, NULL, false, false };

	if (!str_eq(f->comment, t->comment))
		add_change(d, PH_COMMENTS, RT_CHANGE_TABLE_COMMENT, f, t);
	diff_columns(d, &tp);
	if (f->autoincrement != t->autoincrement ||
	    f->without_rowid != t->without_rowid || f->strict != t->strict) {
		add_change(d, PH_ALTER_COLUMNS, RT_CHANGE_TABLE_OPTIONS, f, t);
		tp.changed = true;
	}
	diff_constraints(d, &tp);
	/*
	 * Views that read the table are dropped before and created after.
	 * On SQLite any change but to indexes may rebuild the table (its
	 * DROP TABLE and RENAME trip over views that read it); PostgreSQL
	 * alters in place and minds only some changes, and a view dropped
	 * there loses its grants, so only those.
	 */
	if (d->dialect == RT_DIALECT_POSTGRESQL ? tp.breaks_views : tp.changed)
		mark_changed(d, f->name);
	rt_strvec_clear(&tp.readded);
}

/*
 * PostgreSQL refuses to drop a key that a foreign key references: such
 * FKs (unchanged themselves) are dropped before and added again after.
 * SQLite keeps FKs as text in the child and checks them only when rows
 * change, so there nothing needs re-doing.
 */
static void redo_fks_on_dropped_keys(struct differ *d)
{
	if (d->dialect != RT_DIALECT_POSTGRESQL)
		return;
	for (size_t i = 0; i < d->nr_fk_pairs; i++) {
		const struct fk_pair *p = &d->fk_pairs[i];

		for (size_t k = 0; k < d->nr_dropped_keys; k++) {
			const struct dropped_key *dk = &d->dropped_keys[k];
			const struct rt_strvec *ref = &p->from_fk->ref_columns;
			struct rt_change *ch;

			if (strcmp(p->from_fk->ref_table, dk->table->name))
				continue;
			if (!ref->nr && dk->table->primary_key)
				ref = &dk->table->primary_key->columns;
			if (!strvec_eq(ref, dk->columns))
				continue;
			ch = add_change(d, PH_DROP_FKS, RT_CHANGE_DROP_FK,
			                p->from_table, p->to_table);
			ch->fk = p->from_fk;
			ch->depends_on = dk->table->name;
			ch = add_change(d, PH_ADD_FKS, RT_CHANGE_ADD_FK,
			                p->from_table, p->to_table);
			ch->fk = p->to_fk;
			ch->depends_on = dk->table->name;
			break;
		}
	}
}

/* ---- tables created and dropped --------------------------------------- */

/*
 * Rename hints: a dropped and a created table whose columns have the
 * same names and types in the same order.  The candidates are found by a
 * hash of those, so thousands of tables on each side cost no more than
 * a sort.
 */
static bool same_columns(const struct rt_cat_table *a,
                         const struct rt_cat_table *b)
{
	if (a->nr_columns != b->nr_columns)
		return false;
	for (size_t i = 0; i < a->nr_columns; i++)
		if (strcmp(a->columns[i].name, b->columns[i].name) ||
		    strcmp(a->columns[i].type, b->columns[i].type))
			return false;
	return true;
}

static uint64_t columns_hash(const struct rt_cat_table *t)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < t->nr_columns; i++) {
		for (const char *p = t->columns[i].name; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h = (h ^ 0x1f) * 1099511628211ULL;
		for (const char *p = t->columns[i].type; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h = (h ^ 0x1e) * 1099511628211ULL;
	}
	return h;
}

struct hashed {
	uint64_t hash;
	size_t pos;
};

static int cmp_hashed(const void *a, const void *b)
{
	const struct hashed *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* One side of the table graph: tables created (or dropped) in this run. */
struct table_set {
	const struct rt_cat_table **v;
	size_t nr;
	struct name_index by_name; /* name -> position (as a pointer) */
	unsigned char *state; /* DFS: 0 new, 1 on the stack, 2 done */
	const char **renamed; /* the other side's name of a rename hint */
	size_t *order; /* referenced first */
	size_t nr_order;
};

static void table_set_init(struct table_set *s, size_t nr)
{
	memset(s, 0, sizeof(*s));
	s->v = rt_xcalloc(nr + 1, sizeof(*s->v));
	s->state = rt_xcalloc(nr + 1, 1);
	s->renamed = rt_xcalloc(nr + 1, sizeof(*s->renamed));
	s->order = rt_xcalloc(nr + 1, sizeof(*s->order));
}

static void table_set_add(struct table_set *s, const struct rt_cat_table *t)
{
	/* position + 1, so that 0 stays "absent" */
	name_index_add(&s->by_name, t->name,
	               (const void *)(uintptr_t)(s->nr + 1));
	s->v[s->nr++] = t;
}

static ptrdiff_t table_set_find(const struct table_set *s, const char *name)
{
	const void *p = name_index_get(&s->by_name, name);

	return p ? (ptrdiff_t)(uintptr_t)p - 1 : -1;
}

static void table_set_release(struct table_set *s)
{
	free(s->v);
	free(s->state);
	free(s->renamed);
	free(s->order);
	name_index_release(&s->by_name);
}

/*
 * Depth-first, in name order, referenced tables before their referrers.
 * An FK to a table still on the stack closes a cycle: `cycle` gets it
 * (on PostgreSQL it is added after, or dropped before, the tables).
 */
static void visit_table(struct differ *d, struct table_set *s, size_t i,
                        bool creating)
{
	const struct rt_cat_table *t = s->v[i];

	s->state[i] = 1;
	for (size_t k = 0; k < t->nr_fks; k++) {
		ptrdiff_t j = table_set_find(s, t->fks[k].ref_table);
		struct rt_change *ch;

		if (j < 0 || (size_t)j == i || s->state[j] == 2)
			continue;
		if (s->state[j] == 0) {
			visit_table(d, s, (size_t)j, creating);
			continue;
		}
		if (d->dialect != RT_DIALECT_POSTGRESQL)
			continue; /* SQLite: FKs stay inline, unchecked */
		if (creating) {
			ch = add_change(d, PH_ADD_FKS, RT_CHANGE_ADD_FK, NULL,
			                t);
		} else {
			ch = add_change(d, PH_DROP_FKS, RT_CHANGE_DROP_FK, t,
			                NULL);
		}
		ch->fk = &t->fks[k];
	}
	s->state[i] = 2;
	s->order[s->nr_order++] = i;
}

static void sort_tables(struct differ *d, struct table_set *s, bool creating)
{
	name_index_sort(&s->by_name);
	for (size_t i = 0; i < s->by_name.nr; i++) {
		size_t pos = (size_t)(uintptr_t)s->by_name.v[i].item - 1;

		if (!s->state[pos])
			visit_table(d, s, pos, creating);
	}
}

/* A dropped and a created table with the same columns: maybe a rename. */
static void find_table_renames(struct table_set *dropped,
                               struct table_set *added)
{
	struct hashed *h;

	if (!dropped->nr || !added->nr)
		return;
	h = rt_xcalloc(dropped->nr, sizeof(*h));
	for (size_t i = 0; i < dropped->nr; i++) {
		h[i].hash = columns_hash(dropped->v[i]);
		h[i].pos = i;
	}
	qsort(h, dropped->nr, sizeof(*h), cmp_hashed);
	for (size_t o = 0; o < added->nr_order; o++) {
		size_t j = added->order[o];
		uint64_t hash = columns_hash(added->v[j]);
		size_t lo = 0, hi = dropped->nr;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (h[mid].hash < hash)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < dropped->nr && h[lo].hash == hash; lo++) {
			size_t i = h[lo].pos;

			if (dropped->renamed[i] ||
			    !same_columns(dropped->v[i], added->v[j]))
				continue;
			dropped->renamed[i] = added->v[j]->name;
			added->renamed[j] = dropped->v[i]->name;
			break;
		}
	}
	free(h);
}

static void diff_tables(struct differ *d)
{
	const struct rt_catalog *from = d->from, *to = d->to;
	struct table_set dropped, added;

	table_set_init(&dropped, from->nr_tables);
	table_set_init(&added, to->nr_tables);
	for (size_t i = 0; i < from->nr_tables; i++)
		name_index_add(&d->from_tables, from->tables[i].name,
		               &from->tables[i]);
	for (size_t i = 0; i < to->nr_tables; i++)
		name_index_add(&d->to_tables, to->tables[i].name,
		               &to->tables[i]);
	name_index_sort(&d->from_tables);
	name_index_sort(&d->to_tables);

	for (size_t i = 0; i < d->from_tables.nr; i++) {
		const struct rt_cat_table *f = d->from_tables.v[i].item;

		if (name_index_find(&d->to_tables, f->name) < 0)
			table_set_add(&dropped, f);
	}
	for (size_t i = 0; i < d->to_tables.nr; i++) {
		const struct rt_cat_table *t = d->to_tables.v[i].item;
		const struct rt_cat_table *f =
		        name_index_get(&d->from_tables, t->name);

		if (f)
			diff_table(d, f, t);
		else
			table_set_add(&added, t);
	}
	redo_fks_on_dropped_keys(d);

	sort_tables(d, &dropped, false);
	sort_tables(d, &added, true);
	find_table_renames(&dropped, &added);

	/* dropped: referencing tables first, i.e. the creation order
	   backwards; each table's indexes just before it */
	for (size_t o = dropped.nr_order; o-- > 0;) {
		size_t i = dropped.order[o];
		const struct rt_cat_table *f = dropped.v[i];
		struct rt_change *ch;

		for (size_t k = 0; k < f->nr_indexes; k++) {
			ch = add_change(d, PH_DROP_TABLES, RT_CHANGE_DROP_INDEX,
			                f, NULL);
			ch->index = &f->indexes[k];
		}
		ch = add_change(d, PH_DROP_TABLES, RT_CHANGE_DROP_TABLE, f,
		                NULL);
		ch->destructive = true;
		ch->maybe_renamed_to = dropped.renamed[i];
		mark_changed(d, f->name);
	}
	for (size_t o = 0; o < added.nr_order; o++) {
		size_t j = added.order[o];
		const struct rt_cat_table *t = added.v[j];
		struct rt_change *ch;

		ch = add_change(d, PH_ADD_TABLES, RT_CHANGE_ADD_TABLE, NULL, t);
		ch->maybe_renamed_from = added.renamed[j];
		for (size_t k = 0; k < t->nr_indexes; k++) {
			ch = add_change(d, PH_ADD_INDEXES, RT_CHANGE_ADD_INDEX,
			                NULL, t);
			ch->index = &t->indexes[k];
		}
	}
	table_set_release(&dropped);
	table_set_release(&added);
}

/* ---- views ------------------------------------------------------------ */

struct view_state {
	const struct rt_cat_view *from, *to;
	bool drop, add;
	const char *because; /* depends_on of a re-creation */
	unsigned char mark; /* DFS */
};

static int cmp_named_nocase(const void *a, const void *b)
{
	return strcasecmp(((const struct named *)a)->name,
	                  ((const struct named *)b)->name);
}

/* First position of `word` (ignoring case) in `ci`, or ci->nr. */
static size_t nocase_lower_bound(const struct name_index *ci, const char *word)
{
	size_t lo = 0, hi = ci->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcasecmp(ci->v[mid].name, word) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Views in an order where each comes after the views it reads (found by
 * name as a word of the definition); `use_to` picks the definition and
 * which views take part (those added, else those dropped).
 */
static void visit_view(struct view_state *vs, const struct name_index *ci,
                       size_t i, bool use_to, size_t *order, size_t *nr)
{
	const struct rt_cat_view *v = use_to ? vs[i].to : vs[i].from;
	const char *sql = v->definition;
	struct rt_buf word = RT_BUF_INIT;

	vs[i].mark = 1;
	while (next_word(&sql, &word)) {
		for (size_t k = nocase_lower_bound(ci, word.buf);
		     k < ci->nr && !strcasecmp(ci->v[k].name, word.buf); k++) {
			size_t j = (size_t)(uintptr_t)ci->v[k].item - 1;

			if (!vs[j].mark && (use_to ? vs[j].add : vs[j].drop))
				visit_view(vs, ci, j, use_to, order, nr);
		}
	}
	rt_buf_release(&word);
	order[(*nr)++] = i;
}

static void diff_views(struct differ *d)
{
	const struct rt_catalog *from = d->from, *to = d->to;
	struct name_index ix = { 0 }, ci = { 0 };
	struct view_state *vs;
	size_t nr = 0, *order, nr_order;
	struct word_set *gone = &d->views_gone;
	bool grew;

	vs = rt_xcalloc(from->nr_views + to->nr_views + 1, sizeof(*vs));
	for (size_t i = 0; i < from->nr_views; i++) {
		vs[nr].from = &from->views[i];
		name_index_add(&ix, from->views[i].name,
		               (const void *)(uintptr_t)(nr + 1));
		nr++;
	}
	name_index_sort(&ix);
	for (size_t i = 0; i < to->nr_views; i++) {
		ptrdiff_t k = name_index_find(&ix, to->views[i].name);

		if (k >= 0) {
			vs[(uintptr_t)ix.v[k].item - 1].to = &to->views[i];
			continue;
		}
		vs[nr].to = &to->views[i];
		name_index_add(&ix, to->views[i].name,
		               (const void *)(uintptr_t)(nr + 1));
		nr++;
	}
	name_index_sort(&ix);
	for (size_t k = 0; k < ix.nr; k++)
		name_index_add(&ci, ix.v[k].name, ix.v[k].item);
	if (ci.nr > 1)
		qsort(ci.v, ci.nr, sizeof(*ci.v), cmp_named_nocase);

	for (size_t i = 0; i < nr; i++) {
		bool same =
		        vs[i].from && vs[i].to &&
		        !strcmp(vs[i].from->definition, vs[i].to->definition);

		vs[i].drop = vs[i].from && !same;
		vs[i].add = vs[i].to && !same;
		if (vs[i].drop)
			word_set_add(gone, vs[i].from->name);
	}
	/* views reading a changed table or a view that goes are re-created,
	   until no more are found */
	do {
		grew = false;
		for (size_t i = 0; i < nr; i++) {
			const char *why;

			if (vs[i].drop || !vs[i].from)
				continue;
			why = mentions_any(vs[i].from->definition, &d->changed);
			if (!why)
				why = mentions_any(vs[i].from->definition,
				                   gone);
			if (!why)
				continue;
			vs[i].drop = vs[i].add = true;
			vs[i].because = why;
			word_set_add(gone, vs[i].from->name);
			grew = true;
		}
	} while (grew);

	order = rt_xcalloc(nr + 1, sizeof(*order));
	/* drops: readers first, i.e. the reading order backwards */
	nr_order = 0;
	for (size_t k = 0; k < ix.nr; k++) {
		size_t i = (size_t)(uintptr_t)ix.v[k].item - 1;

		if (vs[i].drop && !vs[i].mark)
			visit_view(vs, &ci, i, false, order, &nr_order);
	}
	for (size_t o = nr_order; o-- > 0;) {
		struct view_state *v = &vs[order[o]];
		struct rt_change *ch = add_change(
		        d, PH_DROP_VIEWS, RT_CHANGE_DROP_VIEW, NULL, NULL);

		ch->from_view = v->from;
		ch->to_view = v->to;
		ch->depends_on = v->because;
	}
	for (size_t i = 0; i < nr; i++)
		vs[i].mark = 0;
	nr_order = 0;
	for (size_t k = 0; k < ix.nr; k++) {
		size_t i = (size_t)(uintptr_t)ix.v[k].item - 1;

		if (vs[i].add && !vs[i].mark)
			visit_view(vs, &ci, i, true, order, &nr_order);
	}
	for (size_t o = 0; o < nr_order; o++) {
		struct view_state *v = &vs[order[o]];
		struct rt_change *ch = add_change(
		        d, PH_ADD_VIEWS, RT_CHANGE_ADD_VIEW, NULL, NULL);

		ch->from_view = v->from;
		ch->to_view = v->to;
		ch->depends_on = v->because;
	}
	for (size_t k = 0; k < ix.nr; k++) {
		struct view_state *v = &vs[(uintptr_t)ix.v[k].item - 1];
		struct rt_change *ch;

		if (!v->from || !v->to || v->add ||
		    str_eq(v->from->comment, v->to->comment))
			continue;
		ch = add_change(d, PH_COMMENTS, RT_CHANGE_VIEW_COMMENT, NULL,
		                NULL);
		ch->from_view = v->from;
		ch->to_view = v->to;
	}
	free(order);
	free(vs);
	name_index_release(&ix);
	name_index_release(&ci);
}

/* ---- triggers (SQLite) ------------------------------------------------ */

static void add_trigger_change(struct differ *d, enum phase ph,
                               enum rt_change_kind kind,
                               const struct rt_cat_trigger *from,
                               const struct rt_cat_trigger *to,
                               const char *because)
{
	struct rt_change *ch = add_change(d, ph, kind, NULL, NULL);

	ch->from_trigger = from;
	ch->to_trigger = to;
	ch->depends_on = because;
}

/*
 * Matched by name.  A kept trigger is dropped before and created again
 * after when its text names a table that changes (its own table, which
 * a rebuild drops, or one its body reads, which RENAME would trip over)
 * or a view that is dropped (an INSTEAD OF trigger goes with its view).
 */
static void diff_triggers(struct differ *d)
{
	const struct rt_catalog *from = d->from, *to = d->to;
	struct name_walk w;
	const void *from_item, *to_item;

	NAME_WALK_INIT(&w, from->triggers, from->nr_triggers, to->triggers,
	               to->nr_triggers);
	while (name_walk_next(&w, &from_item, &to_item)) {
		const struct rt_cat_trigger *f = from_item, *t = to_item;
		const char *why = NULL;

		if (f && t && !strcmp(f->definition, t->definition)) {
			why = mentions_any(f->definition, &d->changed);
			if (!why)
				why = mentions_any(f->definition,
				                   &d->views_gone);
			if (!why)
				continue;
		}
		if (f)
			add_trigger_change(d, PH_DROP_TRIGGERS,
			                   RT_CHANGE_DROP_TRIGGER, f, t, why);
		if (t)
			add_trigger_change(d, PH_ADD_TRIGGERS,
			                   RT_CHANGE_ADD_TRIGGER, f, t, why);
	}
	name_walk_release(&w);
}

/* ---- the whole diff --------------------------------------------------- */

int rt_schema_diff(struct rt_changes *out, const struct rt_catalog *from,
                   const struct rt_catalog *to, struct rt_error *err)
{
	struct differ d;

	if (from->dialect != to->dialect)
		return rt_error_set(err, RT_ERROR,
		                    "cannot compare a %s schema with a %s one",
		                    rt_dialect_name(from->dialect),
		                    rt_dialect_name(to->dialect));
	memset(&d, 0, sizeof(d));
	d.from = from;
	d.to = to;
	d.dialect = to->dialect;
	diff_enums(&d);
	diff_sequences(&d);
	diff_tables(&d);
	diff_views(&d);
	diff_triggers(&d);

	for (size_t p = 0; p < NR_PHASES; p++) {
		struct rt_changes *list = &d.phase[p];

		RT_ALLOC_GROW(out->items, out->nr + list->nr, out->alloc);
		if (list->nr)
			memcpy(out->items + out->nr, list->items,
			       list->nr * sizeof(*list->items));
		out->nr += list->nr;
		free(list->items);
	}
	name_index_release(&d.from_tables);
	name_index_release(&d.to_tables);
	free(d.changed.v);
	free(d.views_gone.v);
	free(d.dropped_keys);
	free(d.fk_pairs);
	return 0;
}

void rt_changes_release(struct rt_changes *changes)
{
	free(changes->items);
	changes->items = NULL;
	changes->nr = changes->alloc = 0;
}

/* ---- describing ------------------------------------------------------- */

static const char *table_name(const struct rt_change *c)
{
	return c->to_table   ? c->to_table->name :
	       c->from_table ? c->from_table->name :
	                       "?";
}

static void add_list(struct rt_buf *out, const struct rt_strvec *v)
{
	rt_buf_addch(out, '(');
	for (size_t i = 0; i < v->nr; i++)
		rt_buf_addf(out, "%s%s", i ? ", " : "", v->v[i]);
	rt_buf_addch(out, ')');
}

static void add_quoted_list(struct rt_buf *out, const struct rt_strvec *v)
{
	rt_buf_addch(out, '(');
	for (size_t i = 0; i < v->nr; i++)
		rt_buf_addf(out, "%s'%s'", i ? ", " : "", v->v[i]);
	rt_buf_addch(out, ')');
}

static const char *or_none(const char *s)
{
	return s ? s : "(none)";
}

static const char *type_text(const char *type)
{
	return *type ? type : "(no type)";
}

static const char *identity_text(enum rt_identity id)
{
	switch (id) {
	case RT_IDENTITY_ALWAYS:
		return "ALWAYS";
	case RT_IDENTITY_BY_DEFAULT:
		return "BY DEFAULT";
	case RT_IDENTITY_NONE:
		break;
	}
	return "none";
}

static void describe_alter_column(struct rt_buf *out, const struct rt_change *c)
{
	const struct rt_cat_column *a = c->from_column, *b = c->to_column;
	const char *t = table_name(c);
	const char *sep = "";

#define PART(...)                \
 do {                            \
  rt_buf_adds(out, sep);         \
  rt_buf_addf(out, __VA_ARGS__); \
  sep = "; ";                    \
 } while (0)
	if (strcmp(a->type, b->type))
		PART("type of '%s.%s' changed from %s to %s", t, b->name,
		     type_text(a->type), type_text(b->type));
	if (a->not_null != b->not_null)
		PART("nullable of '%s.%s' changed from %s to %s", t, b->name,
		     a->not_null ? "false" : "true",
		     b->not_null ? "false" : "true");
	if (!str_eq(a->default_expr, b->default_expr))
		PART("default of '%s.%s' changed from %s to %s", t, b->name,
		     or_none(a->default_expr), or_none(b->default_expr));
	if (!str_eq(a->collation, b->collation))
		PART("collation of '%s.%s' changed from %s to %s", t, b->name,
		     a->collation ? a->collation : "(default)",
		     b->collation ? b->collation : "(default)");
	if (a->identity != b->identity)
		PART("identity of '%s.%s' changed from %s to %s", t, b->name,
		     identity_text(a->identity), identity_text(b->identity));
	if (a->serial != b->serial)
		PART("serial of '%s.%s' changed from %s to %s", t, b->name,
		     a->serial ? "true" : "false",
		     b->serial ? "true" : "false");
	if (a->generated && !b->generated)
		PART("'%s.%s' is no longer generated (was %s)", t, b->name,
		     a->generated);
#undef PART
}

static void describe_fk(struct rt_buf *out, const char *verb,
                        const struct rt_change *c)
{
	const struct rt_cat_fk *fk = c->fk;

	rt_buf_addf(out, "%s foreign key ", verb);
	if (fk->name)
		rt_buf_addf(out, "'%s' ", fk->name);
	rt_buf_addf(out, "on '%s' ", table_name(c));
	add_list(out, &fk->columns);
	rt_buf_addf(out, " referencing '%s'", fk->ref_table);
	if (fk->ref_columns.nr) {
		rt_buf_addch(out, ' ');
		add_list(out, &fk->ref_columns);
	}
	rt_cat_fk_add_actions(out, fk);
}

static void describe_key(struct rt_buf *out, const char *verb, const char *what,
                         const struct rt_change *c, const struct rt_cat_key *k)
{
	rt_buf_addf(out, "%s %s ", verb, what);
	if (k->name)
		rt_buf_addf(out, "'%s' ", k->name);
	rt_buf_addf(out, "on '%s' ", table_name(c));
	add_list(out, &k->columns);
}

static void describe_index(struct rt_buf *out, const char *verb,
                           const struct rt_change *c)
{
	const struct rt_cat_index *ix = c->index;

	rt_buf_addf(out, "%s %sindex '%s' on '%s' ", verb,
	            ix->unique ? "unique " : "", ix->name, table_name(c));
	add_list(out, &ix->keys);
	if (ix->method)
		rt_buf_addf(out, " USING %s", ix->method);
	if (ix->where)
		rt_buf_addf(out, " WHERE %s", ix->where);
}

static void describe_options(struct rt_buf *out, const struct rt_cat_table *t)
{
	const char *sep = "";

	if (t->autoincrement) {
		rt_buf_addf(out, "%sAUTOINCREMENT", sep);
		sep = ", ";
	}
	if (t->without_rowid) {
		rt_buf_addf(out, "%sWITHOUT ROWID", sep);
		sep = ", ";
	}
	if (t->strict) {
		rt_buf_addf(out, "%sSTRICT", sep);
		sep = ", ";
	}
	if (!*sep)
		rt_buf_adds(out, "(none)");
}

static void describe_sequence(struct rt_buf *out,
                              const struct rt_cat_sequence *a,
                              const struct rt_cat_sequence *b)
{
	const char *sep = ": ";

	rt_buf_addf(out, "changed sequence '%s'", b->name);
#define NUM(field, label)                                                 \
 do {                                                                     \
  if (a->field != b->field) {                                             \
   rt_buf_addf(out, "%s" label " %lld -> %lld", sep, a->field, b->field); \
   sep = ", ";                                                            \
  }                                                                       \
 } while (0)
	if (!str_eq(a->data_type, b->data_type)) {
		rt_buf_addf(out, "%stype %s -> %s", sep, or_none(a->data_type),
		            or_none(b->data_type));
		sep = ", ";
	}
	NUM(start, "start");
	NUM(increment, "increment");
	NUM(min_value, "minvalue");
	NUM(max_value, "maxvalue");
	NUM(cache, "cache");
#undef NUM
	if (a->cycle != b->cycle) {
		rt_buf_addf(out, "%s%s", sep, b->cycle ? "CYCLE" : "NO CYCLE");
		sep = ", ";
	}
	if (!str_eq(a->owned_by, b->owned_by))
		rt_buf_addf(out, "%sowned by %s -> %s", sep,
		            or_none(a->owned_by), or_none(b->owned_by));
}

static void describe_comment(struct rt_buf *out, const char *what,
                             const char *a, const char *b)
{
	rt_buf_addf(out, "comment of %s changed from ", what);
	if (a)
		rt_buf_addf(out, "'%s'", a);
	else
		rt_buf_adds(out, "(none)");
	rt_buf_adds(out, " to ");
	if (b)
		rt_buf_addf(out, "'%s'", b);
	else
		rt_buf_adds(out, "(none)");
}

void rt_change_describe(struct rt_buf *out, const struct rt_change *c)
{
	const char *t = table_name(c);

	switch (c->kind) {
	case RT_CHANGE_ADD_ENUM:
		rt_buf_addf(out, "added enum '%s' ", c->to_enum->name);
		add_quoted_list(out, &c->to_enum->labels);
		break;
	case RT_CHANGE_ALTER_ENUM:
		if (c->enum_recreated) {
			rt_buf_addf(out, "values of enum '%s' changed from ",
			            c->to_enum->name);
			add_quoted_list(out, &c->from_enum->labels);
			rt_buf_adds(out, " to ");
			add_quoted_list(out, &c->to_enum->labels);
			break;
		}
		rt_buf_adds(out, "added value");
		{
			const char *sep = " ";
			size_t n = 0;

			for (size_t i = 0; i < c->to_enum->labels.nr; i++)
				if (!rt_strvec_contains(
				            &c->from_enum->labels,
				            c->to_enum->labels.v[i]))
					n++;
			if (n > 1)
				rt_buf_addch(out, 's');
			for (size_t i = 0; i < c->to_enum->labels.nr; i++) {
				const char *l = c->to_enum->labels.v[i];

				if (rt_strvec_contains(&c->from_enum->labels,
				                       l))
					continue;
				rt_buf_addf(out, "%s'%s'", sep, l);
				sep = ", ";
			}
		}
		rt_buf_addf(out, " to enum '%s'", c->to_enum->name);
		break;
	case RT_CHANGE_DROP_ENUM:
		rt_buf_addf(out, "removed enum '%s'", c->from_enum->name);
		break;
	case RT_CHANGE_ADD_SEQUENCE:
		rt_buf_addf(out, "added sequence '%s'", c->to_sequence->name);
		break;
	case RT_CHANGE_ALTER_SEQUENCE:
		describe_sequence(out, c->from_sequence, c->to_sequence);
		break;
	case RT_CHANGE_DROP_SEQUENCE:
		rt_buf_addf(out, "removed sequence '%s'",
		            c->from_sequence->name);
		break;
	case RT_CHANGE_ADD_TABLE:
		rt_buf_addf(out, "added table '%s'", t);
		break;
	case RT_CHANGE_DROP_TABLE:
		rt_buf_addf(out, "removed table '%s'", t);
		break;
	case RT_CHANGE_ADD_COLUMN:
		rt_buf_addf(out, "added column '%s.%s'", t, c->to_column->name);
		break;
	case RT_CHANGE_DROP_COLUMN:
		rt_buf_addf(out, "removed column '%s.%s'", t,
		            c->from_column->name);
		break;
	case RT_CHANGE_ALTER_COLUMN:
		describe_alter_column(out, c);
		break;
	case RT_CHANGE_SET_PRIMARY_KEY:
		if (c->from_key)
			describe_key(out, "removed", "primary key", c,
			             c->from_key);
		else
			describe_key(out, "added", "primary key", c, c->to_key);
		break;
	case RT_CHANGE_ADD_UNIQUE:
		describe_key(out, "added", "unique constraint", c, c->to_key);
		break;
	case RT_CHANGE_DROP_UNIQUE:
		describe_key(out, "removed", "unique constraint", c,
		             c->from_key);
		break;
	case RT_CHANGE_ADD_FK:
		describe_fk(out, "added", c);
		break;
	case RT_CHANGE_DROP_FK:
		describe_fk(out, "removed", c);
		break;
	case RT_CHANGE_ADD_CHECK:
	case RT_CHANGE_DROP_CHECK:
		rt_buf_addf(out, "%s check constraint ",
		            c->kind == RT_CHANGE_ADD_CHECK ? "added" :
		                                             "removed");
		if (c->check->name)
			rt_buf_addf(out, "'%s' ", c->check->name);
		rt_buf_addf(out, "on '%s': %s", t, c->check->expr);
		break;
	case RT_CHANGE_ADD_INDEX:
		describe_index(out, "added", c);
		break;
	case RT_CHANGE_DROP_INDEX:
		describe_index(out, "removed", c);
		break;
	case RT_CHANGE_TABLE_COMMENT: {
		struct rt_buf what = RT_BUF_INIT;

		rt_buf_addf(&what, "table '%s'", t);
		describe_comment(out, what.buf, c->from_table->comment,
		                 c->to_table->comment);
		rt_buf_release(&what);
		break;
	}
	case RT_CHANGE_COLUMN_COMMENT: {
		struct rt_buf what = RT_BUF_INIT;

		rt_buf_addf(&what, "'%s.%s'", t, c->to_column->name);
		describe_comment(out, what.buf, c->from_column->comment,
		                 c->to_column->comment);
		rt_buf_release(&what);
		break;
	}
	case RT_CHANGE_ADD_VIEW:
		rt_buf_addf(out, "added view '%s'", c->to_view->name);
		break;
	case RT_CHANGE_DROP_VIEW:
		rt_buf_addf(out, "removed view '%s'", c->from_view->name);
		break;
	case RT_CHANGE_VIEW_COMMENT: {
		struct rt_buf what = RT_BUF_INIT;

		rt_buf_addf(&what, "view '%s'", c->to_view->name);
		describe_comment(out, what.buf, c->from_view->comment,
		                 c->to_view->comment);
		rt_buf_release(&what);
		break;
	}
	case RT_CHANGE_TABLE_OPTIONS:
		rt_buf_addf(out, "options of table '%s' changed from ", t);
		describe_options(out, c->from_table);
		rt_buf_adds(out, " to ");
		describe_options(out, c->to_table);
		break;
	case RT_CHANGE_ADD_TRIGGER:
		rt_buf_addf(out, "added trigger '%s' on '%s'",
		            c->to_trigger->name, c->to_trigger->table);
		break;
	case RT_CHANGE_DROP_TRIGGER:
		rt_buf_addf(out, "removed trigger '%s' on '%s'",
		            c->from_trigger->name, c->from_trigger->table);
		break;
	}
	/* what the change is part of, when it is not a difference itself */
	if (c->depends_on)
		rt_buf_addf(out, " (re-done for the change of '%s')",
		            c->depends_on);
	else if ((c->kind == RT_CHANGE_DROP_VIEW && c->to_view) ||
	         (c->kind == RT_CHANGE_ADD_VIEW && c->from_view) ||
	         (c->kind == RT_CHANGE_DROP_TRIGGER && c->to_trigger) ||
	         (c->kind == RT_CHANGE_ADD_TRIGGER && c->from_trigger))
		rt_buf_adds(out, " (definition changed)");
}
