#include "util/compat.h"
/*
 * render_postgres.c - the PostgreSQL statements of a list of changes
 * (render.h).
 *
 * PostgreSQL's ALTER TABLE can make every change the catalog describes,
 * so each change becomes one or a few statements, in the order diff.c
 * chose.  Names are quoted only when they must be (rt_db__add_ident());
 * types, defaults and expressions are written as the database printed
 * them, which it reads back the same way.
 */
#include "schema/render.h"
#include "db/driver.h"
#include "error_raise.h"
#include "util/alloc.h"

struct pg_render {
	struct rt_buf *out;
	const struct rt_changes *changes;
	const struct rt_catalog *to; /* the catalog the changes lead to */
	/*
	 * FKs of new tables that a separate ADD_FK adds after all tables
	 * exist (they close a cycle); the others are written inline.
	 */
	const struct rt_cat_fk **later_fks;
	size_t nr_later_fks;
	/* statements that must wait until every table exists */
	struct rt_buf tail;
};

static void ident(struct rt_buf *out, const char *name)
{
	rt_db__add_ident(out, RT_DIALECT_POSTGRESQL, name);
}

/* A collation as the inspector gives it: quoted or qualified as is. */
static void collation(struct rt_buf *out, const char *name)
{
	if (strchr(name, '"') || strchr(name, '.'))
		rt_buf_adds(out, name);
	else
		ident(out, name);
}

/* "ALTER TABLE t " */
static void alter_table(struct rt_buf *out, const struct rt_cat_table *t)
{
	rt_buf_adds(out, "ALTER TABLE ");
	ident(out, t->name);
	rt_buf_addch(out, ' ');
}

/* "ALTER TABLE t ALTER COLUMN c " */
static void alter_column(struct rt_buf *out, const struct rt_cat_table *t,
                         const struct rt_cat_column *c)
{
	alter_table(out, t);
	rt_buf_adds(out, "ALTER COLUMN ");
	ident(out, c->name);
	rt_buf_addch(out, ' ');
}

/* serial, bigserial, smallserial for a serial column of `type`. */
static const char *serial_type(const char *type)
{
	if (!strcmp(type, "bigint"))
		return "bigserial";
	if (!strcmp(type, "smallint"))
		return "smallserial";
	return "serial";
}

static void column_def(struct rt_buf *out, const struct rt_cat_column *c)
{
	ident(out, c->name);
	rt_buf_addch(out, ' ');
	rt_buf_adds(out, c->serial ? serial_type(c->type) : c->type);
	if (c->collation) {
		rt_buf_adds(out, " COLLATE ");
		collation(out, c->collation);
	}
	if (c->generated)
		rt_buf_addf(out, " GENERATED ALWAYS AS (%s) %s", c->generated,
		            c->generated_stored ? "STORED" : "VIRTUAL");
	if (c->identity != RT_IDENTITY_NONE)
		rt_buf_addf(out, " GENERATED %s AS IDENTITY",
		            c->identity == RT_IDENTITY_ALWAYS ? "ALWAYS" :
		                                                "BY DEFAULT");
	if (c->default_expr)
		rt_buf_addf(out, " DEFAULT %s", c->default_expr);
	if (c->not_null)
		rt_buf_adds(out, " NOT NULL");
}

static void comment_on(struct rt_buf *out, const char *what, const char *object,
                       const char *column, const char *comment)
{
	rt_buf_addf(out, "COMMENT ON %s ", what);
	ident(out, object);
	if (column) {
		rt_buf_addch(out, '.');
		ident(out, column);
	}
	rt_buf_adds(out, " IS ");
	if (comment)
		rt_db_add_literal(out, comment);
	else
		rt_buf_adds(out, "NULL");
	rt_buf_adds(out, ";\n");
}

/* A literal holding a table name as SQL reads it (for regclass args). */
static void table_literal(struct rt_buf *out, const char *table)
{
	struct rt_buf name = RT_BUF_INIT;

	ident(&name, table);
	rt_db_add_literal(out, name.buf);
	rt_buf_release(&name);
}

/* rt_render__table_constraints()'s skip_fk: an FK added after it. */
static bool is_later_fk(const void *baton, const struct rt_cat_fk *fk)
{
	const struct pg_render *r = baton;

	for (size_t i = 0; i < r->nr_later_fks; i++)
		if (r->later_fks[i] == fk)
			return true;
	return false;
}

/* ---- tables ----------------------------------------------------------- */

static void create_table(struct pg_render *r, const struct rt_cat_table *t)
{
	struct rt_buf *out = r->out;
	const char *sep = "\n\t";

	rt_buf_adds(out, "CREATE TABLE ");
	ident(out, t->name);
	rt_buf_adds(out, " (");
	for (size_t i = 0; i < t->nr_columns; i++) {
		rt_buf_adds(out, sep);
		column_def(out, &t->columns[i]);
		sep = ",\n\t";
	}
	rt_render__table_constraints(out, r->to, t, &sep, true, is_later_fk, r);
	rt_buf_adds(out, "\n);\n");
	if (t->comment)
		comment_on(out, "TABLE", t->name, NULL, t->comment);
	for (size_t i = 0; i < t->nr_columns; i++)
		if (t->columns[i].comment)
			comment_on(out, "COLUMN", t->name, t->columns[i].name,
			           t->columns[i].comment);
}

/* ---- columns ---------------------------------------------------------- */

/* SELECT setval(<sequence of t.c>, max(c) + 1, false): continue after
   the values already there. */
static void continue_sequence(struct rt_buf *out, const struct rt_cat_table *t,
                              const struct rt_cat_column *c,
                              const char *sequence_literal)
{
	rt_buf_adds(out, "SELECT setval(");
	if (sequence_literal) {
		rt_buf_adds(out, sequence_literal);
	} else {
		rt_buf_adds(out, "pg_get_serial_sequence(");
		table_literal(out, t->name);
		rt_buf_adds(out, ", ");
		rt_db_add_literal(out, c->name);
		rt_buf_addch(out, ')');
	}
	rt_buf_adds(out, ", COALESCE(max(");
	ident(out, c->name);
	rt_buf_adds(out, "), 0) + 1, false) FROM ");
	ident(out, t->name);
	rt_buf_adds(out, ";\n");
}

static void alter_column_change(struct rt_buf *out, const struct rt_change *ch)
{
	const struct rt_cat_table *t = ch->to_table;
	const struct rt_cat_column *a = ch->from_column, *b = ch->to_column;
	bool type_changed = strcmp(a->type, b->type) != 0;
	bool default_changed =
	        a->default_expr && b->default_expr ?
	                strcmp(a->default_expr, b->default_expr) != 0 :
	                a->default_expr != b->default_expr;
	bool collation_changed =
	        a->collation && b->collation ?
	                strcmp(a->collation, b->collation) != 0 :
	                a->collation != b->collation;

	if (ch->destructive)
		rt_buf_addf(out,
		            "-- retort: DESTRUCTIVE: changes the type of "
		            "'%s.%s' from %s to %s, which may fail or lose "
		            "data\n",
		            t->name, b->name, a->type, b->type);

	/* first undo what stands in the way: serial, identity, defaults */
	if (a->serial && !b->serial) {
		alter_column(out, t, a);
		rt_buf_adds(out, "DROP DEFAULT;\n");
		/* the sequence's name is whatever PostgreSQL chose */
		rt_buf_adds(out, "DO $$ BEGIN EXECUTE 'DROP SEQUENCE ' || "
		                 "pg_get_serial_sequence(");
		table_literal(out, t->name);
		rt_buf_adds(out, ", ");
		rt_db_add_literal(out, a->name);
		rt_buf_adds(out, "); END $$;\n");
	}
	if (a->identity != RT_IDENTITY_NONE &&
	    b->identity == RT_IDENTITY_NONE) {
		alter_column(out, t, a);
		rt_buf_adds(out, "DROP IDENTITY;\n");
	} else if (a->identity != RT_IDENTITY_NONE &&
	           b->identity != a->identity) {
		alter_column(out, t, a);
		rt_buf_addf(out, "SET GENERATED %s;\n",
		            b->identity == RT_IDENTITY_ALWAYS ? "ALWAYS" :
		                                                "BY DEFAULT");
	}
	if (a->generated && !b->generated) {
		/* PostgreSQL 13 and later; the values stay */
		alter_column(out, t, a);
		rt_buf_adds(out, "DROP EXPRESSION;\n");
	}
	/* a default may not survive the type change: drop, set again */
	if (a->default_expr && (default_changed || type_changed) &&
	    (type_changed || !b->default_expr)) {
		alter_column(out, t, a);
		rt_buf_adds(out, "DROP DEFAULT;\n");
	}
	if (type_changed || collation_changed) {
		alter_column(out, t, a);
		rt_buf_addf(out, "TYPE %s", b->type);
		if (b->collation) {
			rt_buf_adds(out, " COLLATE ");
			collation(out, b->collation);
		} else if (collation_changed && !type_changed) {
			/* a new type gets its default collation anyway,
			   and may have none to name */
			rt_buf_adds(out, " COLLATE \"default\"");
		}
		if (type_changed) {
			rt_buf_adds(out, " USING ");
			ident(out, a->name);
			rt_buf_addf(out, "::%s", b->type);
		}
		rt_buf_adds(out, ";\n");
	}
	if (a->not_null != b->not_null) {
		alter_column(out, t, a);
		rt_buf_addf(out, "%s NOT NULL;\n",
		            b->not_null ? "SET" : "DROP");
	}
	if (b->default_expr && (default_changed || type_changed)) {
		alter_column(out, t, a);
		rt_buf_addf(out, "SET DEFAULT %s;\n", b->default_expr);
	}
	if (a->identity == RT_IDENTITY_NONE &&
	    b->identity != RT_IDENTITY_NONE) {
		alter_column(out, t, a);
		rt_buf_addf(out, "ADD GENERATED %s AS IDENTITY;\n",
		            b->identity == RT_IDENTITY_ALWAYS ? "ALWAYS" :
		                                                "BY DEFAULT");
		continue_sequence(out, t, b, NULL);
	}
	if (!a->serial && b->serial) {
		struct rt_buf seq = RT_BUF_INIT, lit = RT_BUF_INIT;
		struct rt_buf name = RT_BUF_INIT;

		/* what CREATE TABLE would have made: <table>_<column>_seq */
		rt_buf_addf(&name, "%s_%s_seq", t->name, b->name);
		ident(&seq, name.buf);
		rt_db_add_literal(&lit, seq.buf);
		rt_buf_addf(out, "CREATE SEQUENCE %s AS %s OWNED BY ", seq.buf,
		            b->type);
		ident(out, t->name);
		rt_buf_addch(out, '.');
		ident(out, b->name);
		rt_buf_adds(out, ";\n");
		alter_column(out, t, b);
		rt_buf_addf(out, "SET DEFAULT nextval(%s::regclass);\n",
		            lit.buf);
		continue_sequence(out, t, b, lit.buf);
		rt_buf_release(&seq);
		rt_buf_release(&lit);
		rt_buf_release(&name);
	}
}

/* ---- enums and sequences ---------------------------------------------- */

static void labels(struct rt_buf *out, const struct rt_strvec *v)
{
	rt_buf_addch(out, '(');
	for (size_t i = 0; i < v->nr; i++) {
		if (i)
			rt_buf_adds(out, ", ");
		rt_db_add_literal(out, v->v[i]);
	}
	rt_buf_addch(out, ')');
}

/* ALTER TYPE ... ADD VALUE for each new label, in its place. */
static void add_enum_values(struct rt_buf *out, const struct rt_cat_enum *a,
                            const struct rt_cat_enum *b)
{
	rt_buf_adds(out,
	            "-- retort: PostgreSQL cannot use a value added by ALTER "
	            "TYPE ... ADD VALUE before the transaction commits (and "
	            "before version 12 cannot add one inside a transaction): "
	            "if this revision also uses the new value, move these "
	            "statements to a revision of their own.\n");
	for (size_t i = 0; i < b->labels.nr; i++) {
		const char *label = b->labels.v[i];

		if (rt_strvec_contains(&a->labels, label))
			continue;
		rt_buf_adds(out, "ALTER TYPE ");
		ident(out, b->name);
		rt_buf_adds(out, " ADD VALUE ");
		rt_db_add_literal(out, label);
		if (i > 0) {
			rt_buf_adds(out, " AFTER ");
			rt_db_add_literal(out, b->labels.v[i - 1]);
		} else {
			/* first: before the first old label that remains */
			for (size_t k = 1; k < b->labels.nr; k++)
				if (rt_strvec_contains(&a->labels,
				                       b->labels.v[k])) {
					rt_buf_adds(out, " BEFORE ");
					rt_db_add_literal(out, b->labels.v[k]);
					break;
				}
		}
		rt_buf_adds(out, ";\n");
	}
}

/* Whether a column's type is the enum `name` or an array of it. */
static bool column_uses_type(const struct rt_cat_column *c, const char *name)
{
	size_t len = strlen(name);
	const char *t = c->type;

	if (*t == '"')
		t++;
	return !strncmp(t, name, len) &&
	       (!t[len] || !strcmp(t + len, "[]") ||
	        (t[len] == '"' && (!t[len + 1] || !strcmp(t + len + 1, "[]"))));
}

/*
 * Labels removed or reordered: rename the old type, create the new one,
 * convert every column through text, drop the old type.  Defaults are
 * dropped around the conversion (they hold a value of the old type) and
 * set again as the target has them.
 */
static void recreate_enum(struct rt_buf *out, const struct rt_change *ch,
                          const struct rt_catalog *from,
                          const struct rt_catalog *to)
{
	const struct rt_cat_enum *a = ch->from_enum, *b = ch->to_enum;
	struct rt_buf old_name = RT_BUF_INIT;

	rt_buf_addf(out,
	            "-- retort: enum '%s' loses or reorders values: it is "
	            "re-created and its columns converted through text",
	            b->name);
	if (ch->destructive)
		rt_buf_adds(out, " (DESTRUCTIVE: rows that hold a removed "
		                 "value make this fail)");
	rt_buf_adds(out, ".\n");
	rt_buf_addf(&old_name, "%s_retort_old", a->name);
	rt_buf_adds(out, "ALTER TYPE ");
	ident(out, a->name);
	rt_buf_adds(out, " RENAME TO ");
	ident(out, old_name.buf);
	rt_buf_adds(out, ";\nCREATE TYPE ");
	ident(out, b->name);
	rt_buf_adds(out, " AS ENUM ");
	labels(out, &b->labels);
	rt_buf_adds(out, ";\n");
	for (size_t i = 0; i < from->nr_tables; i++) {
		const struct rt_cat_table *t = &from->tables[i];

		for (size_t k = 0; k < t->nr_columns; k++) {
			const struct rt_cat_column *c = &t->columns[k];
			const struct rt_cat_table *tt;
			const struct rt_cat_column *tc = NULL;
			bool array;

			if (!column_uses_type(c, a->name))
				continue;
			array = rt_ends_with(c->type, "[]");
			tt = rt_catalog_find_table(to, t->name);
			if (tt)
				tc = rt_cat_table_find_column(tt, c->name);
			if (c->default_expr) {
				alter_column(out, t, c);
				rt_buf_adds(out, "DROP DEFAULT;\n");
			}
			alter_column(out, t, c);
			rt_buf_addf(out, "TYPE %s USING ", c->type);
			ident(out, c->name);
			rt_buf_addf(out, "::text%s::%s;\n", array ? "[]" : "",
			            c->type);
			if (tc && tc->default_expr &&
			    !strcmp(tc->type, c->type)) {
				alter_column(out, t, c);
				rt_buf_addf(out, "SET DEFAULT %s;\n",
				            tc->default_expr);
			}
		}
	}
	rt_buf_adds(out, "DROP TYPE ");
	ident(out, old_name.buf);
	rt_buf_adds(out, ";\n");
	rt_buf_release(&old_name);
}

static void sequence_options(struct rt_buf *out,
                             const struct rt_cat_sequence *a,
                             const struct rt_cat_sequence *b)
{
	bool all = !a;

	if (b->data_type &&
	    (all || !a->data_type || strcmp(a->data_type, b->data_type)))
		rt_buf_addf(out, " AS %s", b->data_type);
	if (all || a->increment != b->increment)
		rt_buf_addf(out, " INCREMENT BY %lld", b->increment);
	if (all || a->min_value != b->min_value)
		rt_buf_addf(out, " MINVALUE %lld", b->min_value);
	if (all || a->max_value != b->max_value)
		rt_buf_addf(out, " MAXVALUE %lld", b->max_value);
	if (all || a->start != b->start)
		rt_buf_addf(out, " START WITH %lld", b->start);
	if (all || a->cache != b->cache)
		rt_buf_addf(out, " CACHE %lld", b->cache);
	if (all || a->cycle != b->cycle)
		rt_buf_adds(out, b->cycle ? " CYCLE" : " NO CYCLE");
}

/* "t.c" of owned_by, each part quoted as needed. */
static void owned_by(struct rt_buf *out, const char *table_column)
{
	const char *dot;

	if (!table_column) {
		rt_buf_adds(out, "NONE");
		return;
	}
	dot = strrchr(table_column, '.');
	if (!dot) {
		ident(out, table_column);
		return;
	}
	{
		char *table =
		        rt_xstrndup(table_column, (size_t)(dot - table_column));

		ident(out, table);
		free(table);
	}
	rt_buf_addch(out, '.');
	ident(out, dot + 1);
}

/* ---- one change ------------------------------------------------------- */

static int render_change(struct pg_render *r, const struct rt_change *ch,
                         const struct rt_catalog *from,
                         const struct rt_catalog *to, struct rt_error *err)
{
	struct rt_buf *out = r->out;
	const struct rt_cat_table *t =
	        ch->to_table ? ch->to_table : ch->from_table;

	switch (ch->kind) {
	case RT_CHANGE_ADD_ENUM:
		rt_buf_adds(out, "CREATE TYPE ");
		ident(out, ch->to_enum->name);
		rt_buf_adds(out, " AS ENUM ");
		labels(out, &ch->to_enum->labels);
		rt_buf_adds(out, ";\n");
		break;
	case RT_CHANGE_ALTER_ENUM:
		if (ch->enum_recreated)
			recreate_enum(out, ch, from, to);
		else
			add_enum_values(out, ch->from_enum, ch->to_enum);
		break;
	case RT_CHANGE_DROP_ENUM:
		rt_buf_adds(out, "DROP TYPE ");
		ident(out, ch->from_enum->name);
		rt_buf_adds(out, ";\n");
		break;
	case RT_CHANGE_ADD_SEQUENCE:
		rt_buf_adds(out, "CREATE SEQUENCE ");
		ident(out, ch->to_sequence->name);
		sequence_options(out, NULL, ch->to_sequence);
		rt_buf_adds(out, ";\n");
		if (ch->to_sequence->owned_by) {
			/* the owner may be a table created later */
			rt_buf_adds(&r->tail, "ALTER SEQUENCE ");
			ident(&r->tail, ch->to_sequence->name);
			rt_buf_adds(&r->tail, " OWNED BY ");
			owned_by(&r->tail, ch->to_sequence->owned_by);
			rt_buf_adds(&r->tail, ";\n");
		}
		break;
	case RT_CHANGE_ALTER_SEQUENCE: {
		const struct rt_cat_sequence *a = ch->from_sequence;
		const struct rt_cat_sequence *b = ch->to_sequence;
		bool owner_changed =
		        a->owned_by && b->owned_by ?
		                strcmp(a->owned_by, b->owned_by) != 0 :
		                a->owned_by != b->owned_by;

		rt_buf_adds(out, "ALTER SEQUENCE ");
		ident(out, b->name);
		sequence_options(out, a, b);
		if (owner_changed) {
			rt_buf_adds(out, " OWNED BY ");
			owned_by(out, b->owned_by);
		}
		rt_buf_adds(out, ";\n");
		break;
	}
	case RT_CHANGE_DROP_SEQUENCE:
		/* an owned sequence went with its table or column */
		rt_buf_addf(out, "DROP SEQUENCE %s",
		            ch->from_sequence->owned_by ? "IF EXISTS " : "");
		ident(out, ch->from_sequence->name);
		rt_buf_adds(out, ";\n");
		break;
	case RT_CHANGE_ADD_TABLE:
		rt_render__change_notes(out, RT_DIALECT_POSTGRESQL, ch);
		create_table(r, t);
		break;
	case RT_CHANGE_DROP_TABLE:
		rt_render__change_notes(out, RT_DIALECT_POSTGRESQL, ch);
		rt_buf_adds(out, "DROP TABLE ");
		ident(out, t->name);
		rt_buf_adds(out, ";\n");
		break;
	case RT_CHANGE_ADD_COLUMN:
		rt_render__change_notes(out, RT_DIALECT_POSTGRESQL, ch);
		alter_table(out, t);
		rt_buf_adds(out, "ADD COLUMN ");
		column_def(out, ch->to_column);
		rt_buf_adds(out, ";\n");
		if (ch->to_column->comment)
			comment_on(out, "COLUMN", t->name, ch->to_column->name,
			           ch->to_column->comment);
		break;
	case RT_CHANGE_DROP_COLUMN:
		rt_render__change_notes(out, RT_DIALECT_POSTGRESQL, ch);
		alter_table(out, t);
		rt_buf_adds(out, "DROP COLUMN ");
		ident(out, ch->from_column->name);
		rt_buf_adds(out, ";\n");
		break;
	case RT_CHANGE_ALTER_COLUMN:
		alter_column_change(out, ch);
		break;
	case RT_CHANGE_SET_PRIMARY_KEY:
	case RT_CHANGE_DROP_UNIQUE:
	case RT_CHANGE_DROP_CHECK:
	case RT_CHANGE_DROP_FK: {
		const char *name =
		        ch->kind == RT_CHANGE_DROP_CHECK ? ch->check->name :
		        ch->kind == RT_CHANGE_DROP_FK    ? ch->fk->name :
		        ch->from_key                     ? ch->from_key->name :
		                                           NULL;

		if (ch->kind == RT_CHANGE_SET_PRIMARY_KEY && !ch->from_key) {
			alter_table(out, t);
			rt_buf_adds(out, "ADD ");
			rt_render__key_clause(out, RT_DIALECT_POSTGRESQL,
			                      "PRIMARY KEY", ch->to_key);
			rt_buf_adds(out, ";\n");
			break;
		}
		if (!name)
			return rt_error_set(
			        err, RT_EUNSUPPORTED,
			        "cannot drop an unnamed constraint of "
			        "table '%s' on PostgreSQL",
			        t->name);
		alter_table(out, t);
		rt_buf_adds(out, "DROP CONSTRAINT ");
		ident(out, name);
		rt_buf_adds(out, ";\n");
		break;
	}
	case RT_CHANGE_ADD_UNIQUE:
		alter_table(out, t);
		rt_buf_adds(out, "ADD ");
		rt_render__key_clause(out, RT_DIALECT_POSTGRESQL, "UNIQUE",
		                      ch->to_key);
		rt_buf_adds(out, ";\n");
		break;
	case RT_CHANGE_ADD_CHECK:
		alter_table(out, t);
		rt_buf_adds(out, "ADD ");
		rt_render__check_clause(out, RT_DIALECT_POSTGRESQL, ch->check);
		rt_buf_adds(out, ";\n");
		break;
	case RT_CHANGE_ADD_FK:
		alter_table(out, t);
		rt_buf_adds(out, "ADD ");
		rt_render__fk_clause(out, to, ch->fk);
		rt_buf_adds(out, ";\n");
		break;
	case RT_CHANGE_ADD_INDEX:
		rt_render__create_index(out, RT_DIALECT_POSTGRESQL, t,
		                        ch->index);
		break;
	case RT_CHANGE_DROP_INDEX:
		rt_buf_adds(out, "DROP INDEX ");
		ident(out, ch->index->name);
		rt_buf_adds(out, ";\n");
		break;
	case RT_CHANGE_TABLE_COMMENT:
		comment_on(out, "TABLE", t->name, NULL, ch->to_table->comment);
		break;
	case RT_CHANGE_COLUMN_COMMENT:
		comment_on(out, "COLUMN", t->name, ch->to_column->name,
		           ch->to_column->comment);
		break;
	case RT_CHANGE_ADD_VIEW:
		rt_render__create_view(out, RT_DIALECT_POSTGRESQL, ch->to_view);
		if (ch->to_view->comment)
			comment_on(out, "VIEW", ch->to_view->name, NULL,
			           ch->to_view->comment);
		break;
	case RT_CHANGE_DROP_VIEW:
		rt_buf_adds(out, "DROP VIEW ");
		ident(out, ch->from_view->name);
		rt_buf_adds(out, ";\n");
		break;
	case RT_CHANGE_VIEW_COMMENT:
		comment_on(out, "VIEW", ch->to_view->name, NULL,
		           ch->to_view->comment);
		break;
	case RT_CHANGE_TABLE_OPTIONS:
		return rt_error_set(err, RT_EUNSUPPORTED,
		                    "table '%s': AUTOINCREMENT, WITHOUT ROWID "
		                    "and STRICT are SQLite options, not "
		                    "PostgreSQL ones",
		                    t->name);
	case RT_CHANGE_ADD_TRIGGER:
	case RT_CHANGE_DROP_TRIGGER:
		return rt_error_set(err, RT_EUNSUPPORTED,
		                    "trigger '%s': retort compares triggers on "
		                    "SQLite only",
		                    ch->to_trigger ? ch->to_trigger->name :
		                                     ch->from_trigger->name);
	}
	return 0;
}

int rt_schema_render_postgres(struct rt_buf *out,
                              const struct rt_changes *changes,
                              const struct rt_catalog *from,
                              const struct rt_catalog *to, struct rt_error *err)
{
	struct pg_render r = { out, changes, to, NULL, 0, RT_BUF_INIT };
	int ret = 0;

	r.later_fks = rt_xcalloc(changes->nr + 1, sizeof(*r.later_fks));
	for (size_t i = 0; i < changes->nr; i++) {
		const struct rt_change *ch = &changes->items[i];

		if (ch->kind == RT_CHANGE_ADD_FK && !ch->from_table)
			r.later_fks[r.nr_later_fks++] = ch->fk;
	}
	for (size_t i = 0; i < changes->nr && !ret; i++)
		ret = render_change(&r, &changes->items[i], from, to, err);
	if (!ret)
		rt_buf_add(out, r.tail.buf, r.tail.len);
	rt_buf_release(&r.tail);
	free(r.later_fks);
	return ret;
}
