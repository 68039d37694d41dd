#include "util/compat.h"
/*
 * inspect_postgres.c - read one PostgreSQL schema into a catalog
 * (catalog.h) from pg_catalog.
 *
 * Six queries, one per kind of object for the whole schema (relations,
 * columns, constraints, indexes, enums, sequences), never one per
 * table: a schema of a thousand tables costs the same six round trips
 * as a schema of one.  Rows of the per-table queries carry the table's
 * oid, looked up in a sorted map built from the first query.
 *
 * Expressions (defaults, CHECK bodies, index keys and predicates, view
 * definitions) are printed by the server (pg_get_expr, pg_get_indexdef,
 * pg_get_viewdef), and the server qualifies a name with its schema when
 * that name is not visible through search_path.  The scratch schema of
 * the desired schema (target.c) and the real schema must print the same
 * text, so every query runs with the inspected schema first in the
 * search_path (set locally, in a transaction or savepoint of our own
 * that is rolled back afterwards, so the caller's session is untouched),
 * and any "<schema>." that still appears is cut out.
 *
 * Left out: objects that belong to an extension (pg_depend deptype 'e'),
 * the tables in `exclude`, materialized views, foreign tables, exclusion
 * constraints, and the sequences behind serial and identity columns
 * (those columns say `serial` / `identity` instead).
 */
#include "schema/inspect.h"
#include "db/db.h"
#include "error_raise.h"
#include "util/alloc.h"
#include "util/buf.h"

#include <ctype.h>

struct oid_entry {
	unsigned long oid;
	size_t table; /* index into cat->tables */
};

/*
 * The column names of one table by attnum, so that the constraints
 * query can return key columns as attnums (conkey) rather than look
 * every name up again on the server.
 */
struct attnames {
	unsigned long oid;
	char **names; /* names[attnum - 1]; NULL for a dropped column */
	size_t nr, alloc;
};

struct pg_inspect {
	struct rt_catalog *cat;
	struct rt_db *db;
	const char *const *exclude;
	char nsp[32]; /* the schema's oid, as text for the queries */
	char *schema; /* its name */
	char *quoted; /* quote_ident(name), as the server prints it */
	struct oid_entry *map;
	size_t nr_map, alloc_map;
	struct rt_cat_enum *last_enum; /* enums arrive label by label */
	/* the sequences of serial columns (not listed), sorted */
	struct rt_strvec serial_sequences;
	/* the column names of every table of the schema, kept or not */
	struct attnames *attrs;
	size_t nr_attrs, alloc_attrs;
};

/* ---- small helpers --------------------------------------------------- */

static bool is_true(const char *v)
{
	return v && (!strcmp(v, "t") || !strcmp(v, "true"));
}

static bool excluded(const struct pg_inspect *in, const char *name)
{
	if (!in->exclude)
		return false;
	for (const char *const *p = in->exclude; *p; p++)
		if (!strcmp(*p, name))
			return true;
	return false;
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' ||
	       (unsigned char)c >= 0x80;
}

/* Does a "<schema>." qualifier start at `p` (a name starts there)? */
static bool qualifier_at(const struct pg_inspect *in, const char *text,
                         const char *p, size_t qlen)
{
	return !strncmp(p, in->quoted, qlen) && p[qlen] == '.' &&
	       (p == text || (!ident_char(p[-1]) && p[-1] != '.'));
}

/*
 * The end of the literal or quoted name that starts at `p` (a quote
 * character), just past its closing quote.  '' and "" are the quote
 * itself; in an E'...' string a backslash escapes the next character.
 */
static const char *skip_quoted(const char *text, const char *p)
{
	char q = *p;
	bool escapes = q == '\'' && p > text &&
	               (p[-1] == 'E' || p[-1] == 'e') &&
	               (p - 1 == text || !ident_char(p[-2]));

	for (p++; *p; p++) {
		if (escapes && *p == '\\' && p[1])
			p++;
		else if (*p == q && p[1] == q)
			p++;
		else if (*p == q)
			return p + 1;
	}
	return p;
}

/*
 * A copy of `text` without the qualifier "<schema>." of the inspected
 * schema where it starts a name.  Literals are left alone (a default of
 * 'public.x' is data), except the name in a 'name'::regclass (or
 * ::regtype ...) cast, as in nextval('s.t_id_seq'::regclass).  NULL
 * stays NULL.
 */
static char *unqualify(const struct pg_inspect *in, const char *text)
{
	struct rt_buf sb = RT_BUF_INIT;
	size_t qlen = strlen(in->quoted);
	const char *p = text;

	if (!text)
		return NULL;
	while (*p) {
		const char *end;

		if (qualifier_at(in, text, p, qlen)) {
			p += qlen + 1;
			continue;
		}
		if (*p != '\'' && *p != '"') {
			rt_buf_addch(&sb, *p++);
			continue;
		}
		end = skip_quoted(text, p);
		if (*p == '\'' && rt_starts_with(end, "::reg") &&
		    qualifier_at(in, p + 1, p + 1, qlen)) {
			rt_buf_addch(&sb, '\'');
			p += 1 + qlen + 1;
		}
		rt_buf_add(&sb, p, (size_t)(end - p));
		p = end;
	}
	return rt_buf_detach(&sb);
}

/*
 * Whether `s` is wholly enclosed in one pair of parentheses: "(a + b)"
 * is, "(a) + (b)" and "lower(x)" are not.  Quotes are skipped, so a
 * parenthesis inside a literal or a quoted name does not count.
 */
static bool enclosed(const char *s)
{
	int depth = 0;
	char quote = 0;

	if (*s != '(')
		return false;
	for (const char *p = s; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
			continue;
		}
		if (*p == '\'' || *p == '"')
			quote = *p;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p[1] == '\0';
	}
	return false;
}

/*
 * Parse the text form of a one-dimensional PostgreSQL array
 * ({a,"b c",NULL}) into `out`; a NULL element becomes "".  Elements are
 * double-quoted when they hold a special character, with \" and \\
 * inside the quotes.
 */
static void parse_array(struct rt_strvec *out, const char *text)
{
	struct rt_buf el = RT_BUF_INIT;
	const char *p = text;

	if (!p || *p != '{')
		return;
	p++;
	while (*p && *p != '}') {
		rt_buf_reset(&el);
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				rt_buf_addch(&el, *p);
			}
			if (*p == '"')
				p++;
			rt_strvec_push(out, el.buf);
		} else {
			while (*p && *p != ',' && *p != '}')
				rt_buf_addch(&el, *p++);
			rt_strvec_push(out,
			               strcmp(el.buf, "NULL") ? el.buf : "");
		}
		if (*p == ',')
			p++;
	}
	rt_buf_release(&el);
}

static int cmp_oid_entry(const void *x, const void *y)
{
	unsigned long a = ((const struct oid_entry *)x)->oid;
	unsigned long b = ((const struct oid_entry *)y)->oid;

	return a < b ? -1 : a > b;
}

/* The table whose oid is `text`; NULL when it is not one we keep. */
static struct rt_cat_table *table_of(struct pg_inspect *in, const char *text)
{
	struct oid_entry key = { 0, 0 }, *hit;

	/* no table kept (only the excluded version table is there, as
	   after a downgrade to an empty schema): in->map is NULL, and
	   bsearch() must not be given a NULL array even for 0 items */
	if (!text || !in->nr_map)
		return NULL;
	key.oid = strtoul(text, NULL, 10);
	hit = bsearch(&key, in->map, in->nr_map, sizeof(*in->map),
	              cmp_oid_entry);
	return hit ? &in->cat->tables[hit->table] : NULL;
}

static const char *col(size_t nr, const char *const *values, size_t i)
{
	return i < nr ? values[i] : NULL;
}

/* Run one catalog query with `NSP` replaced by the schema's oid. */
static int query(struct pg_inspect *in, const char *sql, rt_db_row_fn fn,
                 struct rt_error *err)
{
	struct rt_buf text = RT_BUF_INIT;
	const char *p = sql, *hit;
	int ret;

	while ((hit = strstr(p, "NSP"))) {
		rt_buf_add(&text, p, (size_t)(hit - p));
		rt_buf_adds(&text, in->nsp);
		p = hit + 3;
	}
	rt_buf_adds(&text, p);
	ret = rt_db_query(in->db, text.buf, fn, in, err);
	rt_buf_release(&text);
	return ret;
}

/* ---- the schema ------------------------------------------------------ */

static int schema_row(void *baton, size_t nr, const char *const *v,
                      struct rt_error *err)
{
	struct pg_inspect *in = baton;

	(void)err;
	if (nr < 3 || !v[0] || !v[1] || !v[2])
		return 0;
	rt_strlcpy(in->nsp, v[0], sizeof(in->nsp));
	in->schema = rt_xstrdup(v[1]);
	in->quoted = rt_xstrdup(v[2]);
	return 0;
}

static int find_schema(struct pg_inspect *in, const char *schema,
                       struct rt_error *err)
{
	struct rt_buf sql = RT_BUF_INIT;
	int ret;

	rt_buf_adds(&sql, "SELECT n.oid, n.nspname, "
	                  "pg_catalog.quote_ident(n.nspname) "
	                  "FROM pg_catalog.pg_namespace n WHERE n.nspname = ");
	if (schema)
		rt_db_add_literal(&sql, schema);
	else
		rt_buf_adds(&sql, "pg_catalog.current_schema()");
	ret = rt_db_query(in->db, sql.buf, schema_row, in, err);
	rt_buf_release(&sql);
	if (ret < 0)
		return ret;
	if (!in->schema) {
		if (schema)
			return rt_error_set(err, RT_ENOTFOUND,
			                    "schema '%s' does not exist in the "
			                    "database",
			                    schema);
		return rt_error_set(err, RT_ECONFIG,
		                    "no schema to inspect: none of the "
		                    "schemas in the search_path exists; set "
		                    "search_path in the ini file");
	}
	return 0;
}

/* ---- tables and views ------------------------------------------------ */

static const char relations_sql[] =
        "SELECT c.oid, c.relname, c.relkind, d.description,"
        " CASE WHEN c.relkind = 'v'"
        "  THEN pg_catalog.pg_get_viewdef(c.oid, true) END"
        " FROM pg_catalog.pg_class c"
        " LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid"
        "  AND d.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass"
        "  AND d.objsubid = 0"
        " WHERE c.relnamespace = NSP AND c.relkind IN ('r', 'v')"
        " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x" /* extension */
        "  WHERE x.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
        "  AND x.objid = c.oid AND x.deptype = 'e')";

/* pg_get_viewdef()'s text without the blanks around it and the ';'. */
static char *view_definition(const struct pg_inspect *in, const char *def)
{
	struct rt_buf sb = RT_BUF_INIT;
	char *text = unqualify(in, def ? def : "");

	rt_buf_adds(&sb, text);
	free(text);
	rt_buf_trim(&sb);
	if (sb.len && sb.buf[sb.len - 1] == ';') {
		rt_buf_setlen(&sb, sb.len - 1);
		rt_buf_rtrim(&sb);
	}
	return rt_buf_detach(&sb);
}

static int relation_row(void *baton, size_t nr, const char *const *v,
                        struct rt_error *err)
{
	struct pg_inspect *in = baton;
	const char *oid = col(nr, v, 0), *name = col(nr, v, 1);
	const char *kind = col(nr, v, 2), *comment = col(nr, v, 3);

	(void)err;
	if (!oid || !name || !kind || excluded(in, name))
		return 0;
	if (*kind == 'v') {
		char *def = view_definition(in, col(nr, v, 4));
		struct rt_cat_view *view =
		        rt_catalog_add_view(in->cat, name, def);

		free(def);
		view->comment = comment ? rt_xstrdup(comment) : NULL;
	} else {
		struct rt_cat_table *t = rt_catalog_add_table(in->cat, name);

		t->comment = comment ? rt_xstrdup(comment) : NULL;
		RT_ALLOC_GROW(in->map, in->nr_map + 1, in->alloc_map);
		in->map[in->nr_map].oid = strtoul(oid, NULL, 10);
		in->map[in->nr_map].table = in->cat->nr_tables - 1;
		in->nr_map++;
	}
	return 0;
}

/*
 * The name of collation `co` as it is written: bare when visible through
 * the search_path, else qualified by its schema.
 */
#define COLLATION_NAME                                  \
 "CASE WHEN pg_catalog.pg_collation_is_visible(co.oid)" \
 " THEN pg_catalog.quote_ident(co.collname)"            \
 " ELSE (SELECT pg_catalog.quote_ident(n.nspname)"      \
 " FROM pg_catalog.pg_namespace n"                      \
 " WHERE n.oid = co.collnamespace)"                     \
 " || '.' || pg_catalog.quote_ident(co.collname) END"

/* ---- columns --------------------------------------------------------- */

/*
 * The last column names the sequence behind a serial column: one that
 * this very column owns (deptype 'a', what SERIAL and OWNED BY record)
 * and that its default's expression depends on.  Only a column with a
 * default can be serial, so the others skip that lookup (five thousand
 * of them on a 1,000-table schema).
 *
 * A default cannot name a column, so it is printed without its table
 * (relid 0): given the table, pg_get_expr() opens it, and on a fresh
 * connection building a thousand relation cache entries cost more than
 * the rest of the query.  A generated column's expression names
 * columns and keeps its table.
 */
static const char columns_sql[] =
        "SELECT a.attrelid, a.attname,"
        " pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,"
        " pg_catalog.pg_get_expr(ad.adbin,"
        "  CASE WHEN a.attgenerated = '' THEN 0 ELSE ad.adrelid END),"
        " CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation"
        "  THEN " COLLATION_NAME " END,"
        " a.attidentity, a.attgenerated, ds.description,"
        " CASE WHEN ad.oid IS NOT NULL THEN"
        " (SELECT sc.relname FROM pg_catalog.pg_depend d"
        "  JOIN pg_catalog.pg_depend d2"
        "   ON d2.classid = 'pg_catalog.pg_attrdef'::pg_catalog.regclass"
        "   AND d2.objid = ad.oid"
        "   AND d2.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
        "   AND d2.refobjid = d.objid"
        "  JOIN pg_catalog.pg_class sc ON sc.oid = d.objid"
        "  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
        "  AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
        "  AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum"
        "  AND d.deptype = 'a' AND sc.relkind = 'S' LIMIT 1) END,"
        " a.attnum"
        " FROM pg_catalog.pg_attribute a"
        " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
        " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
        " LEFT JOIN pg_catalog.pg_attrdef ad"
        "  ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
        " LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation"
        " LEFT JOIN pg_catalog.pg_description ds ON ds.objoid = a.attrelid"
        "  AND ds.classoid = 'pg_catalog.pg_class'::pg_catalog.regclass"
        "  AND ds.objsubid = a.attnum"
        " WHERE c.relnamespace = NSP AND c.relkind = 'r'"
        " AND a.attnum > 0 AND NOT a.attisdropped"
        " ORDER BY a.attrelid, a.attnum";

/* Column `attnum` of table `oid` is called `name`; rows come ordered by
   table and attnum. */
static void note_attname(struct pg_inspect *in, const char *oid,
                         const char *attnum, const char *name)
{
	unsigned long table = oid ? strtoul(oid, NULL, 10) : 0;
	long num = attnum ? strtol(attnum, NULL, 10) : 0;
	struct attnames *a;

	if (num < 1 || num > 1600) /* MaxHeapAttributeNumber */
		return;
	if (!in->nr_attrs || in->attrs[in->nr_attrs - 1].oid != table) {
		RT_ALLOC_GROW(in->attrs, in->nr_attrs + 1, in->alloc_attrs);
		a = &in->attrs[in->nr_attrs++];
		memset(a, 0, sizeof(*a));
		a->oid = table;
	}
	a = &in->attrs[in->nr_attrs - 1];
	RT_ALLOC_GROW(a->names, (size_t)num, a->alloc);
	while (a->nr < (size_t)num)
		a->names[a->nr++] = NULL;
	free(a->names[num - 1]);
	a->names[num - 1] = rt_xstrdup(name);
}

static int cmp_attnames(const void *x, const void *y)
{
	unsigned long a = ((const struct attnames *)x)->oid;
	unsigned long b = ((const struct attnames *)y)->oid;

	return a < b ? -1 : a > b;
}

/*
 * The names of the columns whose attnums `nums` lists ("{2,1}") in
 * table `oid`, appended to `out`; RT_ERROR when one is not known.
 */
static int attnames_of(struct rt_strvec *out, const struct pg_inspect *in,
                       const char *oid, const char *nums, struct rt_error *err)
{
	struct attnames key, *a = NULL;
	struct rt_strvec list = RT_STRVEC_INIT;
	int ret = 0;

	key.oid = oid ? strtoul(oid, NULL, 10) : 0;
	if (in->nr_attrs)
		a = bsearch(&key, in->attrs, in->nr_attrs, sizeof(*in->attrs),
		            cmp_attnames);
	parse_array(&list, nums);
	for (size_t i = 0; ret == 0 && i < list.nr; i++) {
		long num = strtol(list.v[i], NULL, 10);

		if (a && num >= 1 && (size_t)num <= a->nr && a->names[num - 1])
			rt_strvec_push(out, a->names[num - 1]);
		else
			ret = rt_error_set(err, RT_ERROR,
			                   "inspecting schema '%s': column %ld "
			                   "of the table with oid %s is not in "
			                   "the catalog read a moment before",
			                   in->schema, num, oid ? oid : "?");
	}
	rt_strvec_clear(&list);
	return ret;
}

static int column_row(void *baton, size_t nr, const char *const *v,
                      struct rt_error *err)
{
	struct pg_inspect *in = baton;
	struct rt_cat_table *t = table_of(in, col(nr, v, 0));
	const char *name = col(nr, v, 1), *type = col(nr, v, 2);
	const char *def = col(nr, v, 4), *coll = col(nr, v, 5);
	const char *identity = col(nr, v, 6), *generated = col(nr, v, 7);
	const char *comment = col(nr, v, 8);
	const char *sequence = col(nr, v, 9);
	bool serial = def && sequence && rt_starts_with(def, "nextval(") &&
	              !(generated && *generated == 's');
	struct rt_cat_column *c;

	(void)err;
	/* also for a table left out, whose sequence must not show up */
	if (serial)
		rt_strvec_push(&in->serial_sequences, sequence);
	if (!name)
		return 0;
	/* also for a table left out, which a foreign key may reference */
	note_attname(in, col(nr, v, 0), col(nr, v, 10), name);
	if (!t)
		return 0;
	c = rt_cat_table_add_column(t, name);
	c->type = unqualify(in, type ? type : "");
	c->not_null = is_true(col(nr, v, 3));
	c->collation = coll ? rt_xstrdup(coll) : NULL;
	c->comment = comment ? rt_xstrdup(comment) : NULL;
	if (identity && *identity == 'a')
		c->identity = RT_IDENTITY_ALWAYS;
	else if (identity && *identity == 'd')
		c->identity = RT_IDENTITY_BY_DEFAULT;
	if (generated && *generated == 's') {
		c->generated = unqualify(in, def);
		c->generated_stored = true;
	} else if (serial) {
		c->serial = true;
	} else {
		c->default_expr = unqualify(in, def);
	}
	return 0;
}

/* ---- constraints ----------------------------------------------------- */

/*
 * An FK's referenced table (ref_table in catalog.h) is its bare name when
 * it is in the inspected schema; one of another schema is qualified,
 * each part written by quote_ident() as for collations and operator
 * classes, so that "a.b"."c" and "a"."b.c" stay apart and the text can
 * go into SQL as it is.
 *
 * Key columns come as attnums, named from the columns query
 * (attnames_of()); only a foreign key to a table of another schema has
 * its referenced columns named here.  A CHECK comes from
 * pg_get_constraintdef(), whose expression is pg_get_expr()'s without
 * opening the table (on a fresh connection that open cost as much as
 * the rest of the query).
 */
static const char constraints_sql[] =
        "SELECT con.conrelid, con.conname, con.contype, con.conkey,"
        " CASE WHEN fc.relnamespace = NSP THEN fc.relname::text"
        "  ELSE pg_catalog.quote_ident(fn.nspname) || '.'"
        "   || pg_catalog.quote_ident(fc.relname) END,"
        " CASE WHEN con.contype = 'f' AND fc.relnamespace <> NSP THEN"
        "  ARRAY(SELECT a.attname FROM pg_catalog.unnest(con.confkey)"
        "  WITH ORDINALITY k(n, i) JOIN pg_catalog.pg_attribute a"
        "  ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.i)"
        " END,"
        " con.confdeltype, con.confupdtype, con.condeferrable,"
        " con.condeferred,"
        " CASE WHEN con.contype = 'c'"
        "  THEN pg_catalog.pg_get_constraintdef(con.oid, true) END,"
        " con.confrelid, con.confkey"
        " FROM pg_catalog.pg_constraint con"
        " JOIN pg_catalog.pg_class c ON c.oid = con.conrelid"
        " LEFT JOIN pg_catalog.pg_class fc ON fc.oid = con.confrelid"
        " LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace"
        " WHERE c.relnamespace = NSP AND c.relkind = 'r'"
        " AND con.contype IN ('p', 'u', 'f', 'c')"
        " ORDER BY con.conrelid, con.conname";

static enum rt_fk_action fk_action(const char *code)
{
	switch (code ? *code : 'a') {
	case 'r':
		return RT_FK_RESTRICT;
	case 'c':
		return RT_FK_CASCADE;
	case 'n':
		return RT_FK_SET_NULL;
	case 'd':
		return RT_FK_SET_DEFAULT;
	default:
		return RT_FK_NO_ACTION;
	}
}

/*
 * The body of a CHECK from pg_get_constraintdef()'s "CHECK (expr)", which
 * may end in " NO INHERIT" and " NOT VALID", without outer parentheses
 * that enclose all of it.
 */
static char *check_body(const struct pg_inspect *in, const char *def)
{
	struct rt_buf expr = RT_BUF_INIT;
	char *text;

	rt_buf_adds(&expr, def ? def : "");
	if (rt_ends_with(expr.buf, " NOT VALID"))
		rt_buf_setlen(&expr, expr.len - strlen(" NOT VALID"));
	if (rt_ends_with(expr.buf, " NO INHERIT"))
		rt_buf_setlen(&expr, expr.len - strlen(" NO INHERIT"));
	text = unqualify(in, expr.buf + (rt_starts_with(expr.buf, "CHECK ") ?
	                                         strlen("CHECK ") :
	                                         0));
	rt_buf_release(&expr);

	while (enclosed(text)) {
		size_t len = strlen(text);
		char *inner = rt_xstrndup(text + 1, len - 2);

		free(text);
		text = inner;
	}
	return text;
}

static int constraint_row(void *baton, size_t nr, const char *const *v,
                          struct rt_error *err)
{
	struct pg_inspect *in = baton;
	const char *oid = col(nr, v, 0);
	struct rt_cat_table *t = table_of(in, oid);
	const char *name = col(nr, v, 1), *type = col(nr, v, 2);
	const char *keys = col(nr, v, 3);

	if (!t || !name || !type)
		return 0;
	switch (*type) {
	case 'p':
		return attnames_of(
		        &rt_cat_table_set_primary_key(t, name)->columns, in,
		        oid, keys, err);
	case 'u':
		return attnames_of(&rt_cat_table_add_unique(t, name)->columns,
		                   in, oid, keys, err);
	case 'f': {
		struct rt_cat_fk *fk = rt_cat_table_add_fk(t, name);
		const char *ref = col(nr, v, 4), *ref_names = col(nr, v, 5);

		fk->ref_table = rt_xstrdup(ref ? ref : "");
		fk->on_delete = fk_action(col(nr, v, 6));
		fk->on_update = fk_action(col(nr, v, 7));
		fk->deferrable = is_true(col(nr, v, 8));
		fk->initially_deferred = is_true(col(nr, v, 9));
		if (ref_names) /* a table of another schema */
			parse_array(&fk->ref_columns, ref_names);
		else if (attnames_of(&fk->ref_columns, in, col(nr, v, 11),
		                     col(nr, v, 12), err) < 0)
			return -1;
		return attnames_of(&fk->columns, in, oid, keys, err);
	}
	case 'c': {
		char *body = check_body(in, col(nr, v, 10));

		rt_cat_table_add_check(t, name, body);
		free(body);
		break;
	}
	default:
		break;
	}
	return 0;
}

/* ---- indexes --------------------------------------------------------- */

/*
 * Indexes that do not implement a constraint of their own table (an FK
 * also names an index in conindid: the referenced table's, which must
 * stay listed).  Per key column: its text, whether it is an expression,
 * indoption (bit 1 DESC, bit 2 NULLS FIRST) and its collation when that
 * is not the column's (or, for an expression, its type's) own, and its
 * operator class when not the default one.  A key comes out as SQL
 * writes it: "expr COLLATE c opclass DESC NULLS LAST".  A plain column
 * is its quoted name, which is what pg_get_indexdef() would print for
 * it; only expressions go through that function, which looks the index
 * up again for every key.  The indexes are chosen first (the CTE), so
 * that the keys are looked at only for those kept: on a schema of keys
 * and UNIQUE constraints most indexes are theirs.
 */
static const char indexes_sql[] =
        "WITH i AS MATERIALIZED (SELECT i.* FROM pg_catalog.pg_index i"
        " JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
        " WHERE c.relnamespace = NSP AND c.relkind = 'r'"
        " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con"
        "  WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid"
        "  AND con.contype IN ('p', 'u', 'x')))"
        " SELECT i.indrelid, ic.relname, i.indisunique, am.amname,"
        " pg_catalog.pg_get_expr(i.indpred, i.indrelid, true),"
        " k.keys, k.exprs, k.options, k.collations, k.opclasses"
        " FROM i"
        " JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
        " JOIN pg_catalog.pg_am am ON am.oid = ic.relam"
        " CROSS JOIN LATERAL (SELECT"
        "  pg_catalog.array_agg(CASE WHEN i.indkey[pos - 1] <> 0"
        "   THEN pg_catalog.quote_ident(a.attname)"
        "   ELSE pg_catalog.pg_get_indexdef(i.indexrelid, pos, true) END"
        "   ORDER BY pos) AS keys,"
        "  pg_catalog.array_agg((i.indkey[pos - 1] = 0)::text ORDER BY pos)"
        "   AS exprs,"
        "  pg_catalog.array_agg(i.indoption[pos - 1]::text ORDER BY pos)"
        "   AS options,"
        "  pg_catalog.array_agg(CASE WHEN i.indcollation[pos - 1] <> 0"
        "   AND i.indcollation[pos - 1] <> CASE WHEN i.indkey[pos - 1] <> 0"
        "    THEN a.attcollation"
        "    ELSE (SELECT (SELECT t.typcollation FROM pg_catalog.pg_type t"
        "      WHERE t.oid = ia.atttypid) FROM pg_catalog.pg_attribute ia"
        "     WHERE ia.attrelid = i.indexrelid AND ia.attnum = pos) END"
        "   THEN " COLLATION_NAME " ELSE '' END ORDER BY pos) AS collations,"
        "  pg_catalog.array_agg(CASE WHEN opc.opcdefault THEN ''"
        "   WHEN pg_catalog.pg_opclass_is_visible(opc.oid)"
        "   THEN pg_catalog.quote_ident(opc.opcname)"
        "   ELSE (SELECT pg_catalog.quote_ident(ns.nspname)"
        "    FROM pg_catalog.pg_namespace ns"
        "    WHERE ns.oid = opc.opcnamespace)"
        "    || '.' || pg_catalog.quote_ident(opc.opcname) END ORDER BY pos)"
        "   AS opclasses"
        "  FROM pg_catalog.generate_series(1, i.indnkeyatts) pos"
        "  LEFT JOIN pg_catalog.pg_attribute a ON i.indkey[pos - 1] <> 0"
        "   AND a.attrelid = i.indrelid AND a.attnum = i.indkey[pos - 1]"
        "  LEFT JOIN pg_catalog.pg_collation co"
        "   ON co.oid = i.indcollation[pos - 1]"
        "  LEFT JOIN pg_catalog.pg_opclass opc"
        "   ON opc.oid = i.indclass[pos - 1]) k"
        " ORDER BY i.indrelid, ic.relname";

static int index_row(void *baton, size_t nr, const char *const *v,
                     struct rt_error *err)
{
	struct pg_inspect *in = baton;
	struct rt_cat_table *t = table_of(in, col(nr, v, 0));
	const char *name = col(nr, v, 1), *method = col(nr, v, 3);
	struct rt_strvec keys = RT_STRVEC_INIT, is_expr = RT_STRVEC_INIT;
	struct rt_strvec options = RT_STRVEC_INIT, colls = RT_STRVEC_INIT;
	struct rt_strvec opclasses = RT_STRVEC_INIT;
	struct rt_cat_index *ix;

	(void)err;
	if (!t || !name)
		return 0;
	ix = rt_cat_table_add_index(t, name);
	ix->unique = is_true(col(nr, v, 2));
	if (method && strcmp(method, "btree"))
		ix->method = rt_xstrdup(method);
	ix->where = unqualify(in, col(nr, v, 4));
	parse_array(&keys, col(nr, v, 5));
	parse_array(&is_expr, col(nr, v, 6));
	parse_array(&options, col(nr, v, 7));
	parse_array(&colls, col(nr, v, 8));
	parse_array(&opclasses, col(nr, v, 9));
	for (size_t k = 0; k < keys.nr; k++) {
		struct rt_buf key = RT_BUF_INIT;
		char *text = unqualify(in, keys.v[k]);
		long opt = k < options.nr ? strtol(options.v[k], NULL, 10) : 0;
		bool desc = opt & 1, nulls_first = opt & 2;

		/* pg_get_indexdef() leaves a bare function call unwrapped */
		if (k < is_expr.nr && is_true(is_expr.v[k]) && !enclosed(text))
			rt_buf_addf(&key, "(%s)", text);
		else
			rt_buf_adds(&key, text);
		free(text);
		if (k < colls.nr && *colls.v[k])
			rt_buf_addf(&key, " COLLATE %s", colls.v[k]);
		if (k < opclasses.nr && *opclasses.v[k])
			rt_buf_addf(&key, " %s", opclasses.v[k]);
		if (desc)
			rt_buf_adds(&key, " DESC");
		/* the default is NULLS LAST ascending, NULLS FIRST descending */
		if (desc && !nulls_first)
			rt_buf_adds(&key, " NULLS LAST");
		else if (!desc && nulls_first)
			rt_buf_adds(&key, " NULLS FIRST");
		rt_strvec_push_nodup(&ix->keys, rt_buf_detach(&key));
	}
	rt_strvec_clear(&keys);
	rt_strvec_clear(&is_expr);
	rt_strvec_clear(&options);
	rt_strvec_clear(&colls);
	rt_strvec_clear(&opclasses);
	return 0;
}

/* ---- enums ----------------------------------------------------------- */

static const char enums_sql[] =
        "SELECT t.typname, e.enumlabel FROM pg_catalog.pg_type t"
        " LEFT JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid"
        " WHERE t.typnamespace = NSP AND t.typtype = 'e'"
        " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x" /* extension */
        "  WHERE x.classid = 'pg_catalog.pg_type'::pg_catalog.regclass"
        "  AND x.objid = t.oid AND x.deptype = 'e')"
        " ORDER BY t.typname, e.enumsortorder";

static int enum_row(void *baton, size_t nr, const char *const *v,
                    struct rt_error *err)
{
	struct pg_inspect *in = baton;
	const char *name = col(nr, v, 0), *label = col(nr, v, 1);

	(void)err;
	if (!name)
		return 0;
	if (!in->last_enum || strcmp(in->last_enum->name, name))
		in->last_enum = rt_catalog_add_enum(in->cat, name);
	if (label)
		rt_strvec_push(&in->last_enum->labels, label);
	return 0;
}

/* ---- sequences ------------------------------------------------------- */

/*
 * Sequences other than those of identity columns (deptype 'i'); those
 * of serial columns are skipped by name (serial_sequences), so that a
 * sequence is hidden exactly when its column says `serial`.  A sequence
 * merely OWNED BY a column is listed, with its owner.
 */
static const char sequences_sql[] =
        "SELECT c.relname, pg_catalog.format_type(s.seqtypid, NULL),"
        " s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache,"
        " s.seqcycle,"
        " (SELECT tc.relname || '.' || a.attname"
        "  FROM pg_catalog.pg_depend d"
        "  JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid"
        "  JOIN pg_catalog.pg_attribute a"
        "   ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
        "  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
        "  AND d.objid = c.oid"
        "  AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
        "  AND d.deptype = 'a' LIMIT 1)"
        " FROM pg_catalog.pg_class c"
        " JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid"
        " WHERE c.relnamespace = NSP AND c.relkind = 'S'"
        " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x" /* extension */
        "  WHERE x.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
        "  AND x.objid = c.oid AND x.deptype = 'e')"
        " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
        "  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
        "  AND d.objid = c.oid AND d.deptype = 'i')";

static int cmp_name(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static long long number(const char *v)
{
	return v ? strtoll(v, NULL, 10) : 0;
}

static int sequence_row(void *baton, size_t nr, const char *const *v,
                        struct rt_error *err)
{
	struct pg_inspect *in = baton;
	const char *name = col(nr, v, 0), *owner = col(nr, v, 8);
	struct rt_cat_sequence *s;

	(void)err;
	if (!name ||
	    bsearch(&name, in->serial_sequences.v, in->serial_sequences.nr,
	            sizeof(const char *), cmp_name))
		return 0;
	s = rt_catalog_add_sequence(in->cat, name);
	s->data_type = rt_xstrdup(col(nr, v, 1) ? col(nr, v, 1) : "bigint");
	s->start = number(col(nr, v, 2));
	s->increment = number(col(nr, v, 3));
	s->min_value = number(col(nr, v, 4));
	s->max_value = number(col(nr, v, 5));
	s->cache = number(col(nr, v, 6));
	s->cycle = is_true(col(nr, v, 7));
	s->owned_by = owner ? rt_xstrdup(owner) : NULL;
	return 0;
}

/* ---- the whole schema ------------------------------------------------ */

/*
 * Our own scope for the search_path change: a savepoint inside the
 * caller's transaction, else a read-only transaction of our own (which
 * also gives all six queries one snapshot).  Both are rolled back.
 */
static int scope_open(struct rt_db *db, bool *savepoint, struct rt_error *err)
{
	int ret;

	*savepoint = rt_db_in_transaction(db);
	if (*savepoint)
		return rt_db_exec(db, "SAVEPOINT retort_inspect", NULL, err);
	ret = rt_db_begin(db, err);
	if (ret < 0)
		return ret;
	return rt_db_exec(db,
	                  "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, "
	                  "READ ONLY",
	                  NULL, err);
}

static void scope_close(struct rt_db *db, bool savepoint)
{
	struct rt_error ignored = RT_ERROR_INIT;

	if (!savepoint) {
		rt_db_rollback(db);
		return;
	}
	if (rt_db_exec(db, "ROLLBACK TO SAVEPOINT retort_inspect", NULL,
	               &ignored) == 0)
		rt_db_exec(db, "RELEASE SAVEPOINT retort_inspect", NULL,
		           &ignored);
}

static int set_path(struct pg_inspect *in, struct rt_error *err)
{
	struct rt_buf sql = RT_BUF_INIT;
	int ret;

	rt_buf_adds(&sql, "SELECT pg_catalog.set_config('search_path', ");
	rt_db_add_literal(&sql, in->quoted);
	rt_buf_adds(&sql, " || CASE WHEN pg_catalog.current_setting("
	                  "'search_path') = '' THEN '' ELSE ', ' || "
	                  "pg_catalog.current_setting('search_path') END, "
	                  "true), "
	                  /* the per-key subqueries look costly to the
	                     planner, whose JIT compiling then takes longer
	                     than the queries themselves */
	                  "pg_catalog.set_config('jit', 'off', true)");
	ret = rt_db_exec(in->db, sql.buf, NULL, err);
	rt_buf_release(&sql);
	return ret;
}

/* ---- what is not compared ------------------------------------------- */

/*
 * Objects the catalog has no place for.  Reading the rest and leaving
 * these out would make `check` pass over a real difference, so their
 * presence is an error (the first one found: what it is, and the kind
 * of thing retort cannot compare).  Materialized views are left out
 * quietly instead, as Alembic's autogenerate does.  The queries after
 * this one can then take every table to be a plain one (relkind 'r').
 */
static const char unsupported_sql[] =
        "SELECT what, kind FROM ("
        " SELECT 1 AS o, 'table ' || pg_catalog.quote_literal(c.relname)"
        "  || ' is partitioned or a partition' AS what,"
        "  'partitioned tables' AS kind"
        "  FROM pg_catalog.pg_class c WHERE c.relnamespace = NSP"
        "  AND (c.relkind = 'p' OR c.relispartition)"
        " UNION ALL SELECT 2, 'table ' || pg_catalog.quote_literal(c.relname)"
        "  || ' inherits from another', 'table inheritance'"
        "  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_inherits i"
        "  ON i.inhrelid = c.oid WHERE c.relnamespace = NSP"
        "  AND NOT c.relispartition"
        " UNION ALL SELECT 3, 'exclusion constraint '"
        "  || pg_catalog.quote_literal(con.conname) || ' on '"
        "  || pg_catalog.quote_literal(c.relname), 'exclusion constraints'"
        "  FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c"
        "  ON c.oid = con.conrelid WHERE c.relnamespace = NSP"
        "  AND con.contype = 'x'"
        " UNION ALL SELECT 4, 'index ' || pg_catalog.quote_literal(ic.relname)"
        "  || ' has INCLUDE columns', 'INCLUDE columns of indexes and keys'"
        "  FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class ic"
        "  ON ic.oid = x.indexrelid WHERE ic.relnamespace = NSP"
        "  AND x.indnatts > x.indnkeyatts"
        ") u ORDER BY o, what LIMIT 1";

static int unsupported_row(void *baton, size_t nr, const char *const *v,
                           struct rt_error *err)
{
	(void)baton;
	return rt_error_set(err, RT_EUNSUPPORTED,
	                    "%s: retort cannot compare %s yet, and stops "
	                    "rather than miss a difference; write the "
	                    "revisions of this schema by hand (without "
	                    "--autogenerate) and leave `check` out",
	                    col(nr, v, 0) ? col(nr, v, 0) : "?",
	                    col(nr, v, 1) ? col(nr, v, 1) : "them");
}

static int read_schema(struct pg_inspect *in, const char *schema,
                       struct rt_error *err)
{
	int ret = find_schema(in, schema, err);

	if (ret == 0)
		ret = set_path(in, err);
	if (ret == 0)
		ret = query(in, unsupported_sql, unsupported_row, err);
	if (ret == 0)
		ret = query(in, relations_sql, relation_row, err);
	if (ret < 0)
		return ret;
	if (in->nr_map > 1)
		qsort(in->map, in->nr_map, sizeof(*in->map), cmp_oid_entry);
	ret = query(in, columns_sql, column_row, err);
	if (in->nr_attrs > 1)
		qsort(in->attrs, in->nr_attrs, sizeof(*in->attrs),
		      cmp_attnames);
	if (ret == 0)
		ret = query(in, constraints_sql, constraint_row, err);
	if (ret == 0)
		ret = query(in, indexes_sql, index_row, err);
	if (ret == 0)
		ret = query(in, enums_sql, enum_row, err);
	rt_strvec_sort(&in->serial_sequences);
	if (ret == 0)
		ret = query(in, sequences_sql, sequence_row, err);
	return ret;
}

int rt_schema_inspect_postgres(struct rt_catalog *cat, struct rt_db *db,
                               const char *schema, const char *const *exclude,
                               struct rt_error *err)
{
	struct pg_inspect in;
	bool savepoint = false;
	int ret;

	if (rt_db_dialect(db) != RT_DIALECT_POSTGRESQL)
		return rt_error_set(err, RT_ERROR,
		                    "the PostgreSQL inspector was given a %s "
		                    "connection",
		                    rt_dialect_name(rt_db_dialect(db)));
	memset(&in, 0, sizeof(in));
	rt_strvec_init(&in.serial_sequences);
	in.cat = cat;
	in.db = db;
	in.exclude = exclude;
	ret = scope_open(db, &savepoint, err);
	if (ret == 0)
		ret = read_schema(&in, schema, err);
	scope_close(db, savepoint);
	free(in.schema);
	free(in.quoted);
	free(in.map);
	for (size_t i = 0; i < in.nr_attrs; i++) {
		for (size_t j = 0; j < in.attrs[i].nr; j++)
			free(in.attrs[i].names[j]);
		free(in.attrs[i].names);
	}
	free(in.attrs);
	rt_strvec_clear(&in.serial_sequences);
	if (ret < 0) {
		rt_catalog_release(cat);
		return ret;
	}
	rt_catalog_sort(cat);
	return 0;
}
