#include "util/compat.h"
/*
 * render_sqlite.c - the SQLite statements of a list of changes
 * (render.h).
 *
 * SQLite's ALTER TABLE adds and drops columns under conditions and does
 * nothing else (https://www.sqlite.org/lang_altertable.html).  So the
 * changes of each kept table are looked at together first: when ALTER
 * TABLE can make all of them they are written one by one, otherwise the
 * table is rebuilt once, by SQLite's documented procedure ("making other
 * kinds of table schema changes"):
 *
 *   CREATE TABLE _retort_new_t (the target definition);
 *   INSERT INTO _retort_new_t (common columns) SELECT ... FROM t;
 *   DROP TABLE t;
 *   ALTER TABLE _retort_new_t RENAME TO t;
 *   the target's indexes of t created again;
 *
 * after the table's last change and after every drop in the list (so
 * the index names it needs are free).  Indexes the table loses are
 * dropped where the list drops them.  Views and triggers that name t
 * were dropped before by diff.c and are created again after it.  DROP TABLE
 * t would, with foreign keys enforced, delete the rows of t first and
 * fire ON DELETE actions in other tables (CASCADE would empty them), and
 * PRAGMA foreign_keys cannot change inside a transaction: so a rebuild
 * sets *needs_fk_off, the script carries `-- Foreign Keys: off`, and the
 * runner switches enforcement off before BEGIN and runs PRAGMA
 * foreign_key_check before COMMIT.  Neither PRAGMA is written here.
 */
#include "schema/render.h"
#include "db/driver.h"
#include "error_raise.h"
#include "util/alloc.h"

#include <ctype.h>

/* What happens to one kept table. */
struct table_plan {
	const struct rt_cat_table *from, *to;
	const struct rt_change **changes; /* in list order */
	size_t nr_changes, alloc_changes;
	const char *rebuild_reason; /* NULL = ALTER TABLE is enough */
	char *reason_buf;
};

/* A table dropped by the changes. */
struct dropped_table {
	const char *name;
	size_t pos; /* of its DROP TABLE in the list */
	/* a table still there when it goes references it */
	bool referenced;
};

struct sqlite_render {
	struct rt_buf *out;
	bool *needs_fk_off;
	const struct rt_changes *changes;
	const struct rt_catalog *from, *to;
	struct table_plan *plans; /* sorted by table name */
	size_t nr_plans;
	struct dropped_table *dropped; /* sorted by name */
	size_t nr_dropped;
};

static void ident(struct rt_buf *out, const char *name)
{
	rt_db__add_ident(out, RT_DIALECT_SQLITE, name);
}

static bool is_plain_name(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

/* NOCASE, RTRIM, BINARY stay bare; anything else is quoted. */
static void collation(struct rt_buf *out, const char *name)
{
	if (is_plain_name(name))
		rt_buf_adds(out, name);
	else
		ident(out, name);
}

/* ---- defaults --------------------------------------------------------- */

static bool is_number(const char *s)
{
	char *end;

	if (*s == '+' || *s == '-')
		s++;
	if (!*s || isspace((unsigned char)*s))
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		(void)strtoll(s + 2, &end, 16);
		return end != s + 2 && !*end;
	}
	(void)strtod(s, &end);
	return end != s && !*end;
}

static bool is_string(const char *s, char quote)
{
	size_t len = strlen(s);

	if (len < 2 || s[0] != quote || s[len - 1] != quote)
		return false;
	for (size_t i = 1; i < len - 1; i++)
		if (s[i] == quote && s[++i] != quote)
			return false;
	return true;
}

static bool is_current_time(const char *s)
{
	return !strcasecmp(s, "CURRENT_TIME") ||
	       !strcasecmp(s, "CURRENT_DATE") ||
	       !strcasecmp(s, "CURRENT_TIMESTAMP");
}

/*
 * A default SQLite accepts after DEFAULT without parentheses: a number,
 * a string or blob literal, NULL, TRUE, FALSE, CURRENT_*, or a bare word
 * (which SQLite takes as a string).  PRAGMA table_info prints
 * DEFAULT (1 + 1) as `1 + 1`, so anything else gets its parentheses
 * back.
 */
static bool default_is_literal(const char *s)
{
	return is_number(s) || is_string(s, '\'') ||
	       ((*s == 'x' || *s == 'X') && is_string(s + 1, '\'')) ||
	       is_plain_name(s);
}

static bool is_parenthesised(const char *s)
{
	int depth = 0;
	size_t len = strlen(s);

	if (len < 2 || s[0] != '(' || s[len - 1] != ')')
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\'') {
			for (i++;
			     i < len && !(s[i] == '\'' && s[i + 1] != '\'');
			     i++)
				if (s[i] == '\'')
					i++;
			continue;
		}
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0 && i != len - 1)
			return false; /* "(a) + (b)" */
	}
	return true;
}

static void default_clause(struct rt_buf *out, const char *expr)
{
	if (default_is_literal(expr) || is_parenthesised(expr))
		rt_buf_addf(out, " DEFAULT %s", expr);
	else
		rt_buf_addf(out, " DEFAULT (%s)", expr);
}

/* The default as a value in a SELECT (a bare word is a string there). */
static void default_value(struct rt_buf *out, const char *expr)
{
	if (is_plain_name(expr) && !is_current_time(expr) &&
	    strcasecmp(expr, "NULL") && strcasecmp(expr, "TRUE") &&
	    strcasecmp(expr, "FALSE"))
		rt_db_add_literal(out, expr);
	else if (default_is_literal(expr) || is_parenthesised(expr))
		rt_buf_adds(out, expr);
	else
		rt_buf_addf(out, "(%s)", expr);
}

/* ALTER TABLE ADD COLUMN takes only constant defaults. */
static bool default_is_constant(const char *expr)
{
	return default_is_literal(expr) && !is_current_time(expr);
}

/* ---- table text ------------------------------------------------------- */

static bool strvec_has(const struct rt_strvec *v, const char *s)
{
	return rt_strvec_contains(v, s);
}

/* The single column that carries INTEGER PRIMARY KEY AUTOINCREMENT. */
static const char *autoincrement_column(const struct rt_cat_table *t)
{
	if (!t->autoincrement || !t->primary_key ||
	    t->primary_key->columns.nr != 1)
		return NULL;
	return t->primary_key->columns.v[0];
}

static void column_def(struct rt_buf *out, const struct rt_cat_table *t,
                       const struct rt_cat_column *c)
{
	const char *autoinc = t ? autoincrement_column(t) : NULL;

	ident(out, c->name);
	if (*c->type)
		rt_buf_addf(out, " %s", c->type);
	if (autoinc && !strcmp(autoinc, c->name)) {
		rt_buf_adds(out, " ");
		rt_render__constraint_name(out, RT_DIALECT_SQLITE,
		                           t->primary_key->name);
		rt_buf_adds(out, "PRIMARY KEY AUTOINCREMENT");
	}
	if (c->not_null)
		rt_buf_adds(out, " NOT NULL");
	if (c->default_expr)
		default_clause(out, c->default_expr);
	if (c->collation) {
		rt_buf_adds(out, " COLLATE ");
		collation(out, c->collation);
	}
	if (c->generated)
		rt_buf_addf(out, " GENERATED ALWAYS AS (%s) %s", c->generated,
		            c->generated_stored ? "STORED" : "VIRTUAL");
}

/* CREATE TABLE `name` with the definition of `t`, a table of `schema`. */
static void create_table(struct rt_buf *out, const struct rt_catalog *schema,
                         const struct rt_cat_table *t, const char *name)
{
	const char *sep = "\n\t";
	const char *options = "";

	rt_buf_adds(out, "CREATE TABLE ");
	ident(out, name);
	rt_buf_adds(out, " (");
	for (size_t i = 0; i < t->nr_columns; i++) {
		rt_buf_adds(out, sep);
		column_def(out, t, &t->columns[i]);
		sep = ",\n\t";
	}
	/* the primary key of an AUTOINCREMENT column is in its definition */
	rt_render__table_constraints(out, schema, t, &sep,
	                             !autoincrement_column(t), NULL, NULL);
	rt_buf_adds(out, "\n)");
	if (t->without_rowid) {
		rt_buf_adds(out, " WITHOUT ROWID");
		options = ",";
	}
	if (t->strict)
		rt_buf_addf(out, "%s STRICT", options);
	rt_buf_adds(out, ";\n");
}

static void drop(struct rt_buf *out, const char *what, const char *name)
{
	rt_buf_addf(out, "DROP %s ", what);
	ident(out, name);
	rt_buf_adds(out, ";\n");
}

/* ---- what ALTER TABLE can do ------------------------------------------ */

/* Whether `word` appears as a word of `sql` (ignoring case). */
static bool mentions(const char *sql, const char *word)
{
	size_t len = strlen(word);

	if (!sql || !len)
		return false;
	for (const char *p = sql; *p; p++) {
		bool before, after;

		if (strncasecmp(p, word, len))
			continue;
		before = p > sql && (isalnum((unsigned char)p[-1]) ||
		                     p[-1] == '_' || p[-1] == '$');
		after = isalnum((unsigned char)p[len]) || p[len] == '_' ||
		        p[len] == '$';
		if (!before && !after)
			return true;
	}
	return false;
}

/*
 * ALTER TABLE ADD COLUMN: not in a key, a constant default, NOT NULL only
 * with a non-NULL default, not STORED (lang_altertable.html#altertabaddcol).
 * FKs and CHECKs on the new column are changes of their own, which make
 * a rebuild anyway.
 */
static const char *cannot_add_column(const struct rt_cat_table *t,
                                     const struct rt_cat_column *c)
{
	if (t->primary_key && strvec_has(&t->primary_key->columns, c->name))
		return "add a PRIMARY KEY column";
	for (size_t i = 0; i < t->nr_uniques; i++)
		if (strvec_has(&t->uniques[i].columns, c->name))
			return "add a UNIQUE column";
	if (c->generated && c->generated_stored)
		return "add a STORED generated column";
	if (c->default_expr && !default_is_constant(c->default_expr))
		return "add a column whose default is not a constant";
	if (c->not_null && !c->generated &&
	    (!c->default_expr || !strcasecmp(c->default_expr, "NULL")))
		return "add a NOT NULL column without a default";
	return NULL;
}

/*
 * ALTER TABLE DROP COLUMN: not when the column is in a key, an index, an
 * FK, a CHECK or a generated column (lang_altertable.html#altertabdropcol);
 * views that read the table were dropped before.
 */
static const char *cannot_drop_column(const struct rt_cat_table *t,
                                      const struct rt_cat_column *c)
{
	if (t->primary_key && strvec_has(&t->primary_key->columns, c->name))
		return "drop a PRIMARY KEY column";
	for (size_t i = 0; i < t->nr_uniques; i++)
		if (strvec_has(&t->uniques[i].columns, c->name))
			return "drop a UNIQUE column";
	for (size_t i = 0; i < t->nr_indexes; i++) {
		const struct rt_cat_index *ix = &t->indexes[i];

		for (size_t k = 0; k < ix->keys.nr; k++)
			if (mentions(ix->keys.v[k], c->name))
				return "drop an indexed column";
		if (mentions(ix->where, c->name))
			return "drop an indexed column";
	}
	for (size_t i = 0; i < t->nr_fks; i++)
		if (strvec_has(&t->fks[i].columns, c->name))
			return "drop a column of a foreign key";
	for (size_t i = 0; i < t->nr_checks; i++)
		if (mentions(t->checks[i].expr, c->name))
			return "drop a column a CHECK uses";
	for (size_t i = 0; i < t->nr_columns; i++)
		if (mentions(t->columns[i].generated, c->name))
			return "drop a column a generated column uses";
	return NULL;
}

static const char *needs_rebuild(const struct rt_change *ch)
{
	switch (ch->kind) {
	case RT_CHANGE_ALTER_COLUMN:
		return "change a column";
	case RT_CHANGE_SET_PRIMARY_KEY:
		return "change a primary key";
	case RT_CHANGE_ADD_UNIQUE:
	case RT_CHANGE_DROP_UNIQUE:
	case RT_CHANGE_ADD_FK:
	case RT_CHANGE_DROP_FK:
	case RT_CHANGE_ADD_CHECK:
	case RT_CHANGE_DROP_CHECK:
		return "add or drop a constraint";
	case RT_CHANGE_TABLE_OPTIONS:
		return "change AUTOINCREMENT, WITHOUT ROWID or STRICT";
	case RT_CHANGE_ADD_COLUMN:
		return cannot_add_column(ch->to_table, ch->to_column);
	case RT_CHANGE_DROP_COLUMN:
		return cannot_drop_column(ch->from_table, ch->from_column);
	default:
		return NULL;
	}
}

static int cmp_plan(const void *a, const void *b)
{
	return strcmp(((const struct table_plan *)a)->from->name,
	              ((const struct table_plan *)b)->from->name);
}

static struct table_plan *find_plan(const struct sqlite_render *r,
                                    const struct rt_cat_table *from)
{
	size_t lo = 0, hi = r->nr_plans;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->plans[mid].from->name, from->name);

		if (!c)
			return &r->plans[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Gather each kept table's changes and decide: ALTER or rebuild. */
static void make_plans(struct sqlite_render *r)
{
	const struct rt_changes *changes = r->changes;

	r->plans = rt_xcalloc(changes->nr + 1, sizeof(*r->plans));
	for (size_t i = 0; i < changes->nr; i++) {
		const struct rt_change *ch = &changes->items[i];

		if (!ch->from_table || !ch->to_table)
			continue;
		/* changes of one table are mostly next to each other */
		if (r->nr_plans &&
		    r->plans[r->nr_plans - 1].from == ch->from_table)
			continue;
		r->plans[r->nr_plans].from = ch->from_table;
		r->plans[r->nr_plans].to = ch->to_table;
		r->nr_plans++;
	}
	if (r->nr_plans > 1) {
		size_t n = 1;

		qsort(r->plans, r->nr_plans, sizeof(*r->plans), cmp_plan);
		for (size_t i = 1; i < r->nr_plans; i++)
			if (r->plans[i].from != r->plans[n - 1].from)
				r->plans[n++] = r->plans[i];
		r->nr_plans = n;
	}
	for (size_t i = 0; i < changes->nr; i++) {
		const struct rt_change *ch = &changes->items[i];
		struct table_plan *p;

		if (!ch->from_table || !ch->to_table)
			continue;
		p = find_plan(r, ch->from_table);
		RT_ALLOC_GROW(p->changes, p->nr_changes + 1, p->alloc_changes);
		p->changes[p->nr_changes++] = ch;
	}
	for (size_t i = 0; i < r->nr_plans; i++) {
		struct table_plan *p = &r->plans[i];
		size_t dropped = 0;

		for (size_t k = 0; k < p->nr_changes && !p->rebuild_reason;
		     k++) {
			const struct rt_change *ch = p->changes[k];
			const char *why = needs_rebuild(ch);

			if (ch->kind == RT_CHANGE_DROP_COLUMN)
				dropped++;
			if (!why)
				continue;
			if (ch->kind == RT_CHANGE_ADD_COLUMN ||
			    ch->kind == RT_CHANGE_DROP_COLUMN) {
				const struct rt_cat_column *c =
				        ch->to_column ? ch->to_column :
				                        ch->from_column;

				p->reason_buf =
				        rt_xstrfmt("%s ('%s')", why, c->name);
				why = p->reason_buf;
			}
			p->rebuild_reason = why;
		}
		if (!p->rebuild_reason && dropped &&
		    dropped == p->from->nr_columns)
			p->rebuild_reason = "drop every column of a table";
	}
}

/* ---- a rebuild -------------------------------------------------------- */

static void rebuild_notes(struct rt_buf *out, const struct table_plan *p)
{
	const char *t = p->to->name;

	for (size_t k = 0; k < p->nr_changes; k++) {
		const struct rt_change *ch = p->changes[k];

		if (ch->kind == RT_CHANGE_DROP_COLUMN && ch->destructive)
			rt_buf_addf(out,
			            "-- retort: DESTRUCTIVE: drops column "
			            "'%s.%s' and every value in it\n",
			            t, ch->from_column->name);
		if (ch->kind == RT_CHANGE_DROP_COLUMN && ch->maybe_renamed_to)
			rt_buf_addf(
			        out,
			        "-- retort: '%s.%s' removed and '%s.%s' "
			        "added with the same type: if this is a "
			        "rename, add '%s' to the INSERT's column "
			        "list and '%s' to its SELECT list below, or "
			        "the values of '%s.%s' are lost.\n",
			        t, ch->from_column->name, t,
			        ch->maybe_renamed_to, ch->maybe_renamed_to,
			        ch->from_column->name, t,
			        ch->from_column->name);
		if (ch->kind == RT_CHANGE_ALTER_COLUMN && ch->destructive)
			rt_buf_addf(
			        out,
			        "-- retort: DESTRUCTIVE: changes the type of "
			        "'%s.%s' from %s to %s, which may fail or "
			        "lose data\n",
			        t, ch->to_column->name,
			        *ch->from_column->type ? ch->from_column->type :
			                                 "(no type)",
			        *ch->to_column->type ? ch->to_column->type :
			                               "(no type)");
	}
}

static void rebuild(struct sqlite_render *r, const struct table_plan *p)
{
	struct rt_buf *out = r->out;
	const struct rt_cat_table *f = p->from, *t = p->to;
	struct rt_buf tmp = RT_BUF_INIT, cols = RT_BUF_INIT, vals = RT_BUF_INIT;
	const char *sep = "";

	rebuild_notes(out, p);
	rt_buf_addf(out,
	            "-- retort: rebuilding table '%s', as SQLite's ALTER TABLE "
	            "cannot %s; foreign keys must be off (header `-- Foreign "
	            "Keys: off`), and the runner checks them with PRAGMA "
	            "foreign_key_check before it commits.\n",
	            t->name, p->rebuild_reason);
	rt_buf_addf(&tmp, "_retort_new_%s", t->name);
	create_table(out, r->to, t, tmp.buf);

	for (size_t i = 0; i < t->nr_columns; i++) {
		const struct rt_cat_column *b = &t->columns[i];
		const struct rt_cat_column *a =
		        rt_cat_table_find_column(f, b->name);

		if (!a || b->generated)
			continue;
		rt_buf_adds(&cols, sep);
		ident(&cols, b->name);
		rt_buf_adds(&vals, sep);
		sep = ", ";
		if (b->not_null && !a->not_null && b->default_expr &&
		    strcasecmp(b->default_expr, "NULL")) {
			/* NULLs take the default, as a new row would */
			rt_buf_adds(&vals, "IFNULL(");
			ident(&vals, a->name);
			rt_buf_adds(&vals, ", ");
			default_value(&vals, b->default_expr);
			rt_buf_addch(&vals, ')');
		} else {
			ident(&vals, a->name);
		}
	}
	if (cols.len) {
		rt_buf_adds(out, "INSERT INTO ");
		ident(out, tmp.buf);
		rt_buf_addf(out, " (%s) SELECT %s FROM ", cols.buf, vals.buf);
		ident(out, f->name);
		rt_buf_adds(out, ";\n");
	}
	if (f->autoincrement && t->autoincrement) {
		/* keep AUTOINCREMENT's promise: no id is used twice */
		rt_buf_adds(out, "DELETE FROM sqlite_sequence WHERE name = ");
		rt_db_add_literal(out, tmp.buf);
		rt_buf_adds(out, ";\nINSERT INTO sqlite_sequence (name, seq) "
		                 "SELECT ");
		rt_db_add_literal(out, tmp.buf);
		rt_buf_adds(out, ", seq FROM sqlite_sequence WHERE name = ");
		rt_db_add_literal(out, f->name);
		rt_buf_adds(out, ";\n");
	}
	drop(out, "TABLE", f->name);
	rt_buf_adds(out, "ALTER TABLE ");
	ident(out, tmp.buf);
	rt_buf_adds(out, " RENAME TO ");
	ident(out, t->name);
	rt_buf_adds(out, ";\n");
	for (size_t i = 0; i < t->nr_indexes; i++)
		rt_render__create_index(out, RT_DIALECT_SQLITE, t,
		                        &t->indexes[i]);
	*r->needs_fk_off = true;
	rt_buf_release(&tmp);
	rt_buf_release(&cols);
	rt_buf_release(&vals);
}

/* ---- changes one by one ----------------------------------------------- */

static int cmp_dropped(const void *a, const void *b)
{
	return strcmp(((const struct dropped_table *)a)->name,
	              ((const struct dropped_table *)b)->name);
}

static struct dropped_table *find_dropped(const struct sqlite_render *r,
                                          const char *name)
{
	size_t lo = 0, hi = r->nr_dropped;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->dropped[mid].name, name);

		if (!c)
			return &r->dropped[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * DROP TABLE with foreign keys on deletes the rows first, which another
 * table's FK may forbid or answer with CASCADE: then enforcement must be
 * off.  That is when a table still there references the dropped one: a
 * kept table, or a dropped one that goes after it (a cycle).
 */
static void find_referenced_drops(struct sqlite_render *r)
{
	const struct rt_changes *changes = r->changes;

	r->dropped = rt_xcalloc(changes->nr + 1, sizeof(*r->dropped));
	for (size_t i = 0; i < changes->nr; i++)
		if (changes->items[i].kind == RT_CHANGE_DROP_TABLE) {
			r->dropped[r->nr_dropped].name =
			        changes->items[i].from_table->name;
			r->dropped[r->nr_dropped].pos = i;
			r->nr_dropped++;
		}
	if (!r->nr_dropped)
		return;
	qsort(r->dropped, r->nr_dropped, sizeof(*r->dropped), cmp_dropped);
	for (size_t i = 0; i < r->from->nr_tables; i++) {
		const struct rt_cat_table *t = &r->from->tables[i];
		const struct dropped_table *self = find_dropped(r, t->name);

		for (size_t k = 0; k < t->nr_fks; k++) {
			struct dropped_table *d =
			        find_dropped(r, t->fks[k].ref_table);

			if (d && d != self && (!self || self->pos > d->pos))
				d->referenced = true;
		}
	}
}

static int render_change(struct sqlite_render *r, const struct rt_change *ch,
                         struct rt_error *err)
{
	struct rt_buf *out = r->out;
	const struct rt_cat_table *t =
	        ch->to_table ? ch->to_table : ch->from_table;

	switch (ch->kind) {
	case RT_CHANGE_ADD_TABLE:
		rt_render__change_notes(out, RT_DIALECT_SQLITE, ch);
		create_table(out, r->to, t, t->name);
		break;
	case RT_CHANGE_DROP_TABLE:
		rt_render__change_notes(out, RT_DIALECT_SQLITE, ch);
		if (find_dropped(r, t->name)->referenced)
			*r->needs_fk_off = true;
		drop(out, "TABLE", t->name);
		break;
	case RT_CHANGE_ADD_COLUMN:
		rt_render__change_notes(out, RT_DIALECT_SQLITE, ch);
		rt_buf_adds(out, "ALTER TABLE ");
		ident(out, t->name);
		rt_buf_adds(out, " ADD COLUMN ");
		column_def(out, NULL, ch->to_column);
		rt_buf_adds(out, ";\n");
		break;
	case RT_CHANGE_DROP_COLUMN:
		rt_render__change_notes(out, RT_DIALECT_SQLITE, ch);
		rt_buf_adds(out, "ALTER TABLE ");
		ident(out, t->name);
		rt_buf_adds(out, " DROP COLUMN ");
		ident(out, ch->from_column->name);
		rt_buf_adds(out, ";\n");
		break;
	case RT_CHANGE_ADD_INDEX:
		rt_render__create_index(out, RT_DIALECT_SQLITE, t, ch->index);
		break;
	case RT_CHANGE_DROP_INDEX:
		drop(out, "INDEX", ch->index->name);
		break;
	case RT_CHANGE_ADD_VIEW:
		rt_render__create_view(out, RT_DIALECT_SQLITE, ch->to_view);
		break;
	case RT_CHANGE_DROP_VIEW:
		drop(out, "VIEW", ch->from_view->name);
		break;
	case RT_CHANGE_ADD_TRIGGER:
		rt_buf_adds(out, "CREATE TRIGGER ");
		ident(out, ch->to_trigger->name);
		rt_buf_addf(out, " %s;\n", ch->to_trigger->definition);
		break;
	case RT_CHANGE_DROP_TRIGGER:
		drop(out, "TRIGGER", ch->from_trigger->name);
		break;
	case RT_CHANGE_TABLE_COMMENT:
	case RT_CHANGE_COLUMN_COMMENT:
	case RT_CHANGE_VIEW_COMMENT:
		/* SQLite has no comments; the inspector never sets one */
		break;
	case RT_CHANGE_ADD_FK:
		/* an FK of a new table: SQLite keeps it inline */
		if (!ch->from_table)
			break;
		/* fall through */
	case RT_CHANGE_DROP_FK:
		if (!ch->to_table)
			break; /* an FK of a table dropped anyway */
		/* fall through */
	case RT_CHANGE_ALTER_COLUMN:
	case RT_CHANGE_SET_PRIMARY_KEY:
	case RT_CHANGE_ADD_UNIQUE:
	case RT_CHANGE_DROP_UNIQUE:
	case RT_CHANGE_ADD_CHECK:
	case RT_CHANGE_DROP_CHECK:
	case RT_CHANGE_TABLE_OPTIONS:
		/* planned as a rebuild: make_plans() saw to it */
		return rt_error_set(err, RT_ERROR,
		                    "internal error: change of table '%s' "
		                    "needs a rebuild that was not planned",
		                    t->name);
	case RT_CHANGE_ADD_ENUM:
	case RT_CHANGE_ALTER_ENUM:
	case RT_CHANGE_DROP_ENUM:
	case RT_CHANGE_ADD_SEQUENCE:
	case RT_CHANGE_ALTER_SEQUENCE:
	case RT_CHANGE_DROP_SEQUENCE:
		return rt_error_set(err, RT_EUNSUPPORTED,
		                    "SQLite has no enums or sequences; the "
		                    "schema comparison found one");
	}
	return 0;
}

/* Whether a change takes something away (a drop phase of diff.h). */
static bool is_drop(const struct rt_change *ch)
{
	switch (ch->kind) {
	case RT_CHANGE_DROP_FK:
	case RT_CHANGE_DROP_TABLE:
	case RT_CHANGE_DROP_INDEX:
	case RT_CHANGE_DROP_CHECK:
	case RT_CHANGE_DROP_UNIQUE:
	case RT_CHANGE_DROP_COLUMN:
		return true;
	case RT_CHANGE_SET_PRIMARY_KEY:
		return ch->from_key != NULL;
	default:
		return false;
	}
}

/* A rebuild and the change after which it is written. */
struct rebuild_at {
	size_t at;
	const struct table_plan *plan;
};

static int cmp_rebuild_at(const void *a, const void *b)
{
	const struct rebuild_at *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return strcmp(x->plan->to->name, y->plan->to->name);
}

int rt_schema_render_sqlite(struct rt_buf *out, bool *needs_fk_off,
                            const struct rt_changes *changes,
                            const struct rt_catalog *from,
                            const struct rt_catalog *to, struct rt_error *err)
{
	struct sqlite_render r;
	struct rebuild_at *rebuilds;
	size_t nr_rebuilds = 0, next = 0, last_drop = 0;
	int ret = 0;

	memset(&r, 0, sizeof(r));
	r.out = out;
	r.needs_fk_off = needs_fk_off;
	r.changes = changes;
	r.from = from;
	r.to = to;
	*needs_fk_off = false;
	make_plans(&r);
	find_referenced_drops(&r);

	/*
	 * A rebuild goes after the table's last change, and after every
	 * drop of the list: the indexes it creates may take the names of
	 * indexes other tables give up.
	 */
	for (size_t i = 0; i < changes->nr; i++)
		if (is_drop(&changes->items[i]))
			last_drop = i;
	rebuilds = rt_xcalloc(r.nr_plans + 1, sizeof(*rebuilds));
	for (size_t i = 0; i < r.nr_plans; i++) {
		const struct table_plan *p = &r.plans[i];
		size_t last;

		if (!p->rebuild_reason)
			continue;
		last = (size_t)(p->changes[p->nr_changes - 1] - changes->items);
		rebuilds[nr_rebuilds].at = last > last_drop ? last : last_drop;
		rebuilds[nr_rebuilds].plan = p;
		nr_rebuilds++;
	}
	qsort(rebuilds, nr_rebuilds, sizeof(*rebuilds), cmp_rebuild_at);

	for (size_t i = 0; i < changes->nr && !ret; i++) {
		const struct rt_change *ch = &changes->items[i];
		struct table_plan *p = NULL;

		if (ch->from_table && ch->to_table)
			p = find_plan(&r, ch->from_table);
		if (!p || !p->rebuild_reason)
			ret = render_change(&r, ch, err);
		else if (ch->kind == RT_CHANGE_DROP_INDEX)
			/* now, not with the table: frees the name */
			drop(out, "INDEX", ch->index->name);
		for (; next < nr_rebuilds && rebuilds[next].at == i; next++)
			rebuild(&r, rebuilds[next].plan);
	}
	for (size_t i = 0; i < r.nr_plans; i++) {
		free(r.plans[i].changes);
		free(r.plans[i].reason_buf);
	}
	free(rebuilds);
	free(r.plans);
	free(r.dropped);
	return ret;
}
