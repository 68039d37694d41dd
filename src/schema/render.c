#include "util/compat.h"
/*
 * render.c - rt_schema_render(): hand the changes to the renderer of the
 * catalogs' dialect (render_sqlite.c, render_postgres.c); and the SQL
 * text both renderers write alike, apart from how names are quoted:
 * constraint clauses, CREATE INDEX, CREATE VIEW, the notes on drops and
 * possible renames.  What differs by dialect (column definitions, what
 * ALTER TABLE can do) stays in the renderer of that dialect.
 */
#include "schema/render.h"
#include "db/driver.h"
#include "error_raise.h"

#include <ctype.h>

int rt_schema_render(struct rt_buf *out, bool *needs_fk_off,
                     const struct rt_changes *changes,
                     const struct rt_catalog *from, const struct rt_catalog *to,
                     struct rt_error *err)
{
	*needs_fk_off = false;
	if (from->dialect != to->dialect)
		return rt_error_set(err, RT_ERROR,
		                    "cannot render changes between a %s and a "
		                    "%s schema",
		                    rt_dialect_name(from->dialect),
		                    rt_dialect_name(to->dialect));
	switch (to->dialect) {
	case RT_DIALECT_SQLITE:
		return rt_schema_render_sqlite(out, needs_fk_off, changes, from,
		                               to, err);
	case RT_DIALECT_POSTGRESQL:
		return rt_schema_render_postgres(out, changes, from, to, err);
	}
	return rt_error_set(err, RT_EUNSUPPORTED,
	                    "no SQL renderer for database dialect %d",
	                    (int)to->dialect);
}

/* ---- constraint clauses ---------------------------------------------- */

void rt_render__ident_list(struct rt_buf *out, enum rt_dialect dialect,
                           const struct rt_strvec *names)
{
	rt_buf_addch(out, '(');
	for (size_t i = 0; i < names->nr; i++) {
		if (i)
			rt_buf_adds(out, ", ");
		rt_db__add_ident(out, dialect, names->v[i]);
	}
	rt_buf_addch(out, ')');
}

void rt_render__constraint_name(struct rt_buf *out, enum rt_dialect dialect,
                                const char *name)
{
	if (!name)
		return;
	rt_buf_adds(out, "CONSTRAINT ");
	rt_db__add_ident(out, dialect, name);
	rt_buf_addch(out, ' ');
}

void rt_render__key_clause(struct rt_buf *out, enum rt_dialect dialect,
                           const char *what, const struct rt_cat_key *k)
{
	rt_render__constraint_name(out, dialect, k->name);
	rt_buf_addf(out, "%s ", what);
	rt_render__ident_list(out, dialect, &k->columns);
}

void rt_render__check_clause(struct rt_buf *out, enum rt_dialect dialect,
                             const struct rt_cat_check *ck)
{
	rt_render__constraint_name(out, dialect, ck->name);
	rt_buf_addf(out, "CHECK (%s)", ck->expr);
}

/*
 * The end of one name as PostgreSQL's quote_ident() writes it (bare:
 * lower-case ASCII letters, digits and '_', not starting with a digit;
 * else in double quotes, doubled inside), or NULL when `p` holds none.
 */
static const char *skip_quote_ident(const char *p)
{
	if (*p == '"') {
		for (p++; *p; p++)
			if (*p == '"' && *++p != '"')
				return p;
		return NULL;
	}
	if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
		return NULL;
	while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
	       *p == '_')
		p++;
	return p;
}

/* "schema.table" with each part as quote_ident() writes it. */
static bool is_qualified_name(const char *name)
{
	const char *p = skip_quote_ident(name);

	if (!p || *p != '.')
		return false;
	p = skip_quote_ident(p + 1);
	return p && !*p;
}

/*
 * The table an FK references.  A table of `schema` is a plain name (it
 * may hold a dot); on PostgreSQL one of another schema comes from the
 * inspector already written as SQL, "other.t" or "\"Odd\".\"a.b\""
 * (catalog.h), and goes in as it is.
 */
static void referenced_table(struct rt_buf *out,
                             const struct rt_catalog *schema, const char *name)
{
	if (schema->dialect == RT_DIALECT_POSTGRESQL &&
	    is_qualified_name(name) && !rt_catalog_find_table(schema, name))
		rt_buf_adds(out, name);
	else
		rt_db__add_ident(out, schema->dialect, name);
}

void rt_render__fk_clause(struct rt_buf *out, const struct rt_catalog *schema,
                          const struct rt_cat_fk *fk)
{
	enum rt_dialect dialect = schema->dialect;

	rt_render__constraint_name(out, dialect, fk->name);
	rt_buf_adds(out, "FOREIGN KEY ");
	rt_render__ident_list(out, dialect, &fk->columns);
	rt_buf_adds(out, " REFERENCES ");
	referenced_table(out, schema, fk->ref_table);
	if (fk->ref_columns.nr) {
		rt_buf_addch(out, ' ');
		rt_render__ident_list(out, dialect, &fk->ref_columns);
	}
	rt_cat_fk_add_actions(out, fk);
}

void rt_render__table_constraints(
        struct rt_buf *out, const struct rt_catalog *schema,
        const struct rt_cat_table *t, const char **sep, bool with_primary_key,
        bool (*skip_fk)(const void *baton, const struct rt_cat_fk *fk),
        const void *baton)
{
	enum rt_dialect dialect = schema->dialect;

	if (t->primary_key && with_primary_key) {
		rt_buf_adds(out, *sep);
		rt_render__key_clause(out, dialect, "PRIMARY KEY",
		                      t->primary_key);
		*sep = ",\n\t";
	}
	for (size_t i = 0; i < t->nr_uniques; i++) {
		rt_buf_adds(out, *sep);
		rt_render__key_clause(out, dialect, "UNIQUE", &t->uniques[i]);
		*sep = ",\n\t";
	}
	for (size_t i = 0; i < t->nr_checks; i++) {
		rt_buf_adds(out, *sep);
		rt_render__check_clause(out, dialect, &t->checks[i]);
		*sep = ",\n\t";
	}
	for (size_t i = 0; i < t->nr_fks; i++) {
		if (skip_fk && skip_fk(baton, &t->fks[i]))
			continue;
		rt_buf_adds(out, *sep);
		rt_render__fk_clause(out, schema, &t->fks[i]);
		*sep = ",\n\t";
	}
}

/* ---- indexes and views ----------------------------------------------- */

/*
 * One key part of an index: "(expr) ...", or a column name followed by
 * " DESC", " COLLATE x" and the like, which are kept as they are.  The
 * column is the longest column name of `t` the text starts with, so a
 * name with blanks in it is still found.
 */
static void index_key(struct rt_buf *out, enum rt_dialect dialect,
                      const struct rt_cat_table *t, const char *key)
{
	const char *best = NULL;
	size_t best_len = 0;

	if (*key != '(') {
		for (size_t i = 0; i < t->nr_columns; i++) {
			const char *name = t->columns[i].name;
			size_t len = strlen(name);

			if (len > best_len && !strncmp(key, name, len) &&
			    (!key[len] || key[len] == ' ')) {
				best = name;
				best_len = len;
			}
		}
	}
	if (!best) {
		rt_buf_adds(out, key);
		return;
	}
	rt_db__add_ident(out, dialect, best);
	rt_buf_adds(out, key + best_len);
}

void rt_render__create_index(struct rt_buf *out, enum rt_dialect dialect,
                             const struct rt_cat_table *t,
                             const struct rt_cat_index *ix)
{
	rt_buf_addf(out, "CREATE %sINDEX ", ix->unique ? "UNIQUE " : "");
	rt_db__add_ident(out, dialect, ix->name);
	rt_buf_adds(out, " ON ");
	rt_db__add_ident(out, dialect, t->name);
	if (ix->method)
		rt_buf_addf(out, " USING %s", ix->method);
	rt_buf_adds(out, " (");
	for (size_t i = 0; i < ix->keys.nr; i++) {
		if (i)
			rt_buf_adds(out, ", ");
		index_key(out, dialect, t, ix->keys.v[i]);
	}
	rt_buf_addch(out, ')');
	if (ix->where)
		rt_buf_addf(out, " WHERE %s", ix->where);
	rt_buf_adds(out, ";\n");
}

void rt_render__create_view(struct rt_buf *out, enum rt_dialect dialect,
                            const struct rt_cat_view *view)
{
	const char *body = view->definition;
	size_t len = strlen(body);

	/* without the blanks around it and the ';' pg_get_viewdef() and
	   a CREATE VIEW text may end with */
	while (len &&
	       (isspace((unsigned char)body[len - 1]) || body[len - 1] == ';'))
		len--;
	while (len && isspace((unsigned char)*body)) {
		body++;
		len--;
	}
	rt_buf_adds(out, "CREATE VIEW ");
	rt_db__add_ident(out, dialect, view->name);
	rt_buf_adds(out, " AS ");
	rt_buf_add(out, body, len);
	rt_buf_adds(out, ";\n");
}

/* ---- notes ------------------------------------------------------------ */

static void rename_table_note(struct rt_buf *out, enum rt_dialect dialect,
                              const char *old_name, const char *new_name)
{
	rt_buf_addf(out,
	            "-- retort: '%s' removed and '%s' added with the same "
	            "columns: if this is a rename, replace both statements by "
	            "ALTER TABLE ",
	            old_name, new_name);
	rt_db__add_ident(out, dialect, old_name);
	rt_buf_adds(out, " RENAME TO ");
	rt_db__add_ident(out, dialect, new_name);
	rt_buf_addf(out, ", or the rows of '%s' are lost.\n", old_name);
}

static void rename_column_note(struct rt_buf *out, enum rt_dialect dialect,
                               const char *table, const char *old_name,
                               const char *new_name)
{
	rt_buf_addf(out,
	            "-- retort: '%s.%s' removed and '%s.%s' added with the "
	            "same type: if this is a rename, replace both statements "
	            "by ALTER TABLE ",
	            table, old_name, table, new_name);
	rt_db__add_ident(out, dialect, table);
	rt_buf_adds(out, " RENAME COLUMN ");
	rt_db__add_ident(out, dialect, old_name);
	rt_buf_adds(out, " TO ");
	rt_db__add_ident(out, dialect, new_name);
	rt_buf_addf(out, ", or the values of '%s.%s' are lost.\n", table,
	            old_name);
}

void rt_render__change_notes(struct rt_buf *out, enum rt_dialect dialect,
                             const struct rt_change *ch)
{
	const char *t = (ch->to_table ? ch->to_table : ch->from_table)->name;

	switch (ch->kind) {
	case RT_CHANGE_ADD_TABLE:
		if (ch->maybe_renamed_from)
			rt_buf_addf(out,
			            "-- retort: '%s' may be '%s' renamed: see "
			            "the note at the DROP TABLE of '%s'.\n",
			            t, ch->maybe_renamed_from,
			            ch->maybe_renamed_from);
		break;
	case RT_CHANGE_DROP_TABLE:
		rt_buf_addf(out,
		            "-- retort: DESTRUCTIVE: drops table '%s' and "
		            "every row in it\n",
		            t);
		if (ch->maybe_renamed_to)
			rename_table_note(out, dialect, t,
			                  ch->maybe_renamed_to);
		break;
	case RT_CHANGE_ADD_COLUMN:
		if (ch->maybe_renamed_from)
			rt_buf_addf(
			        out,
			        "-- retort: '%s.%s' may be '%s.%s' renamed: "
			        "see the note at its DROP COLUMN.\n",
			        t, ch->to_column->name, t,
			        ch->maybe_renamed_from);
		break;
	case RT_CHANGE_DROP_COLUMN:
		if (ch->destructive)
			rt_buf_addf(out,
			            "-- retort: DESTRUCTIVE: drops column "
			            "'%s.%s' and every value in it\n",
			            t, ch->from_column->name);
		if (ch->maybe_renamed_to)
			rename_column_note(out, dialect, t,
			                   ch->from_column->name,
			                   ch->maybe_renamed_to);
		break;
	default:
		break;
	}
}
