#include "util/compat.h"
/*
 * inspect_sqlite.c - read the catalog of an SQLite database (inspect.h).
 *
 * Structure comes from the PRAGMAs, read for all tables at once: one
 * query joins sqlite_schema (under its old name sqlite_master, which
 * every SQLite version knows) with pragma_table_xinfo, one with
 * pragma_foreign_key_list, one with pragma_index_list and
 * pragma_index_xinfo.  A 1,000-table schema costs four queries, not four
 * thousand, and table names reach the PRAGMAs as column values, so no
 * name is ever quoted into SQL text.
 *
 * What only the stored CREATE text says (constraint names, CHECK bodies,
 * COLLATE, AUTOINCREMENT, generated-column expressions, DEFERRABLE,
 * WITHOUT ROWID, STRICT, the expression keys and WHERE of indexes, the
 * SELECT of views) is read from that text with sql_tokens.h, by a parser
 * that follows SQLite's grammar for these statements.  The two sources
 * are checked against each other: the text must declare the columns the
 * PRAGMA lists, with the same types, and every foreign key and UNIQUE
 * constraint the PRAGMAs report must be found in it.  Text this parser
 * cannot follow is an RT_EUNSUPPORTED error naming the object and what
 * was not understood, never a guess.
 *
 * On failure the catalog holds what was read so far; the caller releases
 * it as usual.
 */
#include "schema/inspect.h"
#include "schema/sql_tokens.h"
#include "db/db.h"
#include "util/alloc.h"
#include "error_raise.h"

/* ---- what the CREATE TABLE text says ---------------------------------- */

/* A PRIMARY KEY or UNIQUE column list as the text has it. */
struct text_key {
	char *name; /* CONSTRAINT name, NULL when none */
	struct rt_strvec columns; /* as written, unquoted */
	struct rt_strvec collations; /* "" where none is given */
	bool used; /* matched with an index of the PRAGMAs */
};

struct text_fk {
	char *name;
	struct rt_strvec columns;
	char *ref_table;
	struct rt_strvec ref_columns; /* empty = the parent's primary key */
	enum rt_fk_action on_delete, on_update;
	bool deferrable, initially_deferred;
	bool used;
};

struct text_column {
	char *name; /* unquoted */
	char *type; /* as written, blanks normalised; unquoted if quoted */
	char *collation; /* NULL = BINARY */
	char *generated; /* the AS (...) expression, NULL = not generated */
	long pk; /* position in the primary key (table_xinfo), 0 = none */
};

struct text_table {
	struct text_column *columns;
	size_t nr_columns, alloc_columns;
	struct text_key *uniques;
	size_t nr_uniques, alloc_uniques;
	struct text_fk *fks;
	size_t nr_fks, alloc_fks;
	bool has_pk;
	char *pk_name;
};

static void text_key_release(struct text_key *k)
{
	free(k->name);
	rt_strvec_clear(&k->columns);
	rt_strvec_clear(&k->collations);
}

static void text_fk_release(struct text_fk *fk)
{
	free(fk->name);
	rt_strvec_clear(&fk->columns);
	free(fk->ref_table);
	rt_strvec_clear(&fk->ref_columns);
}

static void text_table_release(struct text_table *tt)
{
	for (size_t i = 0; i < tt->nr_columns; i++) {
		free(tt->columns[i].name);
		free(tt->columns[i].type);
		free(tt->columns[i].collation);
		free(tt->columns[i].generated);
	}
	free(tt->columns);
	for (size_t i = 0; i < tt->nr_uniques; i++)
		text_key_release(&tt->uniques[i]);
	free(tt->uniques);
	for (size_t i = 0; i < tt->nr_fks; i++)
		text_fk_release(&tt->fks[i]);
	free(tt->fks);
	free(tt->pk_name);
}

static struct text_key *text_add_key(struct text_table *tt, char *name)
{
	struct text_key *k;

	RT_ALLOC_GROW(tt->uniques, tt->nr_uniques + 1, tt->alloc_uniques);
	k = &tt->uniques[tt->nr_uniques++];
	memset(k, 0, sizeof(*k));
	k->name = name;
	rt_strvec_init(&k->columns);
	rt_strvec_init(&k->collations);
	return k;
}

static struct text_fk *text_add_fk(struct text_table *tt, char *name)
{
	struct text_fk *fk;

	RT_ALLOC_GROW(tt->fks, tt->nr_fks + 1, tt->alloc_fks);
	fk = &tt->fks[tt->nr_fks++];
	memset(fk, 0, sizeof(*fk));
	fk->name = name;
	rt_strvec_init(&fk->columns);
	rt_strvec_init(&fk->ref_columns);
	return fk;
}

/*
 * SQLite folds case in names for ASCII letters only; so does this, in
 * any locale.
 */
static int ascii_casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = (unsigned char)*a, cb = (unsigned char)*b;

		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb || !ca)
			return ca - cb;
	}
}

static bool same_names(const struct rt_strvec *a, const struct rt_strvec *b)
{
	if (a->nr != b->nr)
		return false;
	for (size_t i = 0; i < a->nr; i++)
		if (ascii_casecmp(a->v[i], b->v[i]))
			return false;
	return true;
}

/*
 * A collation as the catalog keeps it: NULL for BINARY (the default),
 * the built-in ones upper-cased so that `nocase` and `NOCASE` compare
 * equal, others as written.
 */
static char *collation_name(const char *name)
{
	static const char *const builtin[] = { "NOCASE", "RTRIM" };

	if (!ascii_casecmp(name, "BINARY"))
		return NULL;
	for (size_t i = 0; i < RT_ARRAY_SIZE(builtin); i++)
		if (!ascii_casecmp(name, builtin[i]))
			return rt_xstrdup(builtin[i]);
	return rt_xstrdup(name);
}

/* ---- the parser ------------------------------------------------------- */

struct parser {
	const struct rt_sql_tokens *toks;
	size_t i; /* the next token */
	const char *stmt; /* "CREATE TABLE" */
	const char *what; /* "table" */
	const char *name;
	struct rt_error *err;
};

static const struct rt_sql_token *tok(const struct parser *p, size_t i)
{
	return i < p->toks->nr ? &p->toks->v[i] : NULL;
}

static int not_understood(struct parser *p, const char *expected)
{
	const struct rt_sql_tokens *toks = p->toks;
	struct rt_buf found = RT_BUF_INIT;
	size_t at = strlen(toks->text);
	int ret;

	if (p->i < toks->nr) {
		const struct rt_sql_token *t = &toks->v[p->i];

		at = t->start;
		rt_buf_addch(&found, '\'');
		/* one line, however long or multi-line the token */
		for (size_t k = 0; k < t->len && k < 60; k++) {
			char ch = toks->text[t->start + k];

			rt_buf_addch(&found,
			             ch == '\n' || ch == '\t' || ch == '\r' ?
			                     ' ' :
			                     ch);
		}
		rt_buf_adds(&found, t->len > 60 ? "...'" : "'");
	} else {
		rt_buf_adds(&found, "the end of the text");
	}
	ret = rt_error_set(p->err, RT_EUNSUPPORTED,
	                   "cannot follow the %s text of %s '%s': expected %s "
	                   "on line %u, found %s",
	                   p->stmt, p->what, p->name, expected,
	                   rt_sql_tokens_line(toks, at), found.buf);
	rt_buf_release(&found);
	return ret;
}

static bool is_word(const struct parser *p, const char *word)
{
	return rt_sql_tok_is(p->toks, p->i, word);
}

static bool is_punct(const struct parser *p, const char *s)
{
	return rt_sql_tok_is_punct(p->toks, p->i, s);
}

static bool accept(struct parser *p, const char *word)
{
	if (!is_word(p, word))
		return false;
	p->i++;
	return true;
}

static bool accept_punct(struct parser *p, const char *s)
{
	if (!is_punct(p, s))
		return false;
	p->i++;
	return true;
}

static int expect(struct parser *p, const char *word)
{
	char what[64];

	if (accept(p, word))
		return 0;
	snprintf(what, sizeof(what), "'%s'", word);
	return not_understood(p, what);
}

static int take_name(struct parser *p, char **out, const char *what)
{
	if (!rt_sql_tok_is_name(p->toks, p->i))
		return not_understood(p, what);
	*out = rt_sql_tok_name(p->toks, p->i++);
	return 0;
}

/* `name` or `schema.name`; the schema is dropped. */
static int skip_object_name(struct parser *p, const char *what)
{
	char *name = NULL;
	int ret = take_name(p, &name, what);

	free(name);
	if (!ret && accept_punct(p, ".")) {
		ret = take_name(p, &name, what);
		free(name);
	}
	return ret;
}

/* CREATE [TEMP] <kind> [IF NOT EXISTS] [schema.]name */
static int parse_create_prefix(struct parser *p, const char *kind)
{
	if (expect(p, "CREATE"))
		return RT_EUNSUPPORTED;
	if (!accept(p, "TEMP"))
		accept(p, "TEMPORARY");
	if (!strcmp(kind, "INDEX"))
		accept(p, "UNIQUE");
	if (expect(p, kind))
		return RT_EUNSUPPORTED;
	if (accept(p, "IF") && (expect(p, "NOT") || expect(p, "EXISTS")))
		return RT_EUNSUPPORTED;
	return skip_object_name(p, "a name");
}

/* "( expr )": the expression, blanks normalised, into `out`. */
static int paren_expr(struct parser *p, char **out)
{
	const struct rt_sql_token *open = tok(p, p->i);
	struct rt_buf sb = RT_BUF_INIT;

	if (!is_punct(p, "("))
		return not_understood(p, "'('");
	if (open->match == p->i + 1) {
		p->i++;
		return not_understood(p, "an expression");
	}
	rt_sql_tokens_add_span(&sb, p->toks, p->i + 1, open->match);
	p->i = open->match + 1;
	*out = rt_buf_detach(&sb);
	return 0;
}

/* ON CONFLICT {ROLLBACK|ABORT|FAIL|IGNORE|REPLACE} */
static int skip_conflict(struct parser *p)
{
	if (!is_word(p, "ON") || !rt_sql_tok_is(p->toks, p->i + 1, "CONFLICT"))
		return 0;
	p->i += 2;
	if (accept(p, "ROLLBACK") || accept(p, "ABORT") || accept(p, "FAIL") ||
	    accept(p, "IGNORE") || accept(p, "REPLACE"))
		return 0;
	return not_understood(p, "a conflict resolution");
}

static int parse_check(struct parser *p, struct rt_cat_table *t,
                       const char *name)
{
	char *expr = NULL;

	if (paren_expr(p, &expr))
		return RT_EUNSUPPORTED;
	rt_cat_table_add_check(t, name, expr);
	free(expr);
	return 0;
}

static int parse_fk_action(struct parser *p, enum rt_fk_action *out)
{
	if (accept(p, "SET")) {
		if (accept(p, "NULL"))
			*out = RT_FK_SET_NULL;
		else if (accept(p, "DEFAULT"))
			*out = RT_FK_SET_DEFAULT;
		else
			return not_understood(p, "NULL or DEFAULT");
	} else if (accept(p, "CASCADE")) {
		*out = RT_FK_CASCADE;
	} else if (accept(p, "RESTRICT")) {
		*out = RT_FK_RESTRICT;
	} else if (accept(p, "NO")) {
		if (expect(p, "ACTION"))
			return RT_EUNSUPPORTED;
		*out = RT_FK_NO_ACTION;
	} else {
		return not_understood(p, "a foreign key action");
	}
	return 0;
}

/*
 * "( name [COLLATE c] [ASC|DESC], ... )" into `names` (and the collations,
 * "" where none, into `colls` when not NULL).  `autoinc`: a PRIMARY KEY
 * list, which may end in AUTOINCREMENT.
 */
static int parse_name_list(struct parser *p, struct rt_strvec *names,
                           struct rt_strvec *colls, bool *autoinc)
{
	const struct rt_sql_token *open = tok(p, p->i);

	if (!is_punct(p, "("))
		return not_understood(p, "'('");
	p->i++;
	for (;;) {
		char *name = NULL, *coll = NULL;

		if (take_name(p, &name, "a column name"))
			return RT_EUNSUPPORTED;
		rt_strvec_push_nodup(names, name);
		if (accept(p, "COLLATE") &&
		    take_name(p, &coll, "a collation name"))
			return RT_EUNSUPPORTED;
		if (colls)
			rt_strvec_push_nodup(colls,
			                     coll ? coll : rt_xstrdup(""));
		else
			free(coll);
		if (!accept(p, "ASC"))
			accept(p, "DESC");
		if (!accept_punct(p, ","))
			break;
	}
	if (autoinc && accept(p, "AUTOINCREMENT"))
		*autoinc = true;
	if (p->i != open->match)
		return not_understood(p, "',' or ')'");
	p->i++;
	return 0;
}

static bool at_defer(const struct parser *p)
{
	return is_word(p, "DEFERRABLE") ||
	       (is_word(p, "NOT") &&
	        rt_sql_tok_is(p->toks, p->i + 1, "DEFERRABLE"));
}

/* [NOT] DEFERRABLE [INITIALLY {DEFERRED|IMMEDIATE}] */
static int parse_defer(struct parser *p, struct text_fk *fk)
{
	fk->deferrable = !accept(p, "NOT");
	fk->initially_deferred = false;
	p->i++; /* DEFERRABLE */
	if (accept(p, "INITIALLY")) {
		if (accept(p, "DEFERRED"))
			fk->initially_deferred = fk->deferrable;
		else if (expect(p, "IMMEDIATE"))
			return RT_EUNSUPPORTED;
	}
	return 0;
}

/* After REFERENCES: parent [(columns)] [ON DELETE ...] [DEFERRABLE ...] */
static int parse_references(struct parser *p, struct text_fk *fk)
{
	if (take_name(p, &fk->ref_table, "the referenced table"))
		return RT_EUNSUPPORTED;
	if (is_punct(p, "(") &&
	    parse_name_list(p, &fk->ref_columns, NULL, NULL))
		return RT_EUNSUPPORTED;
	for (;;) {
		if (is_word(p, "ON") &&
		    (rt_sql_tok_is(p->toks, p->i + 1, "DELETE") ||
		     rt_sql_tok_is(p->toks, p->i + 1, "UPDATE") ||
		     rt_sql_tok_is(p->toks, p->i + 1, "INSERT"))) {
			enum rt_fk_action ignored, *action = &ignored;

			/* SQLite accepts ON INSERT and ignores it */
			if (rt_sql_tok_is(p->toks, p->i + 1, "DELETE"))
				action = &fk->on_delete;
			else if (rt_sql_tok_is(p->toks, p->i + 1, "UPDATE"))
				action = &fk->on_update;
			p->i += 2;
			if (parse_fk_action(p, action))
				return RT_EUNSUPPORTED;
		} else if (accept(p, "MATCH")) {
			char *name = NULL;

			if (take_name(p, &name, "a MATCH name"))
				return RT_EUNSUPPORTED;
			free(name);
		} else if (at_defer(p)) {
			if (parse_defer(p, fk))
				return RT_EUNSUPPORTED;
		} else {
			return 0;
		}
	}
}

/* DEFAULT's value: a literal, a signed number, a word or "( expr )". */
static int skip_default(struct parser *p)
{
	const struct rt_sql_token *t = tok(p, p->i);

	if (t && is_punct(p, "(")) {
		p->i = t->match + 1;
		return 0;
	}
	if (is_punct(p, "+") || is_punct(p, "-"))
		t = tok(p, ++p->i);
	if (!t || t->kind == RT_TOK_PUNCT || t->kind == RT_TOK_VARIABLE)
		return not_understood(p, "a default value");
	p->i++;
	return 0;
}

static bool starts_column_constraint(const struct parser *p)
{
	static const char *const words[] = {
		"CONSTRAINT", "PRIMARY", "NOT",     "NULL",       "UNIQUE",
		"CHECK",      "DEFAULT", "COLLATE", "REFERENCES", "AS"
	};

	for (size_t i = 0; i < RT_ARRAY_SIZE(words); i++)
		if (is_word(p, words[i]))
			return true;
	/*
	 * SQLite reads GENERATED ALWAYS as words of the type and drops
	 * them again; anywhere else GENERATED is an ordinary type word.
	 */
	return is_word(p, "GENERATED") &&
	       rt_sql_tok_is(p->toks, p->i + 1, "ALWAYS") &&
	       rt_sql_tok_is(p->toks, p->i + 2, "AS");
}

static bool starts_table_constraint(const struct parser *p)
{
	return is_word(p, "CONSTRAINT") || is_word(p, "PRIMARY") ||
	       is_word(p, "UNIQUE") || is_word(p, "CHECK") ||
	       is_word(p, "FOREIGN");
}

/* The declared type: words, names, numbers and "(...)" up to a constraint. */
static int parse_type(struct parser *p, size_t close, struct text_column *tc)
{
	size_t start = p->i;
	struct rt_buf sb = RT_BUF_INIT;

	while (p->i < close && !is_punct(p, ",") &&
	       !starts_column_constraint(p)) {
		const struct rt_sql_token *t = tok(p, p->i);

		if (is_punct(p, "("))
			p->i = t->match + 1;
		else if (t->kind == RT_TOK_PUNCT || t->kind == RT_TOK_VARIABLE)
			return not_understood(p, "a type or a column "
			                         "constraint");
		else
			p->i++;
	}
	if (p->i == start + 1 && (tok(p, start)->kind == RT_TOK_QUOTED ||
	                          tok(p, start)->kind == RT_TOK_STRING)) {
		tc->type = rt_sql_tok_name(p->toks, start);
		return 0;
	}
	rt_sql_tokens_add_span(&sb, p->toks, start, p->i);
	tc->type = rt_buf_detach(&sb);
	return 0;
}

static int parse_column(struct parser *p, size_t close, struct rt_cat_table *t,
                        struct text_table *tt)
{
	struct text_column *tc;
	char *cname = NULL;
	int ret = 0;

	RT_ALLOC_GROW(tt->columns, tt->nr_columns + 1, tt->alloc_columns);
	tc = &tt->columns[tt->nr_columns];
	memset(tc, 0, sizeof(*tc));
	if (take_name(p, &tc->name, "a column name"))
		return RT_EUNSUPPORTED;
	tt->nr_columns++;
	if (parse_type(p, close, tc))
		return RT_EUNSUPPORTED;
	while (!ret && p->i < close && !is_punct(p, ",")) {
		if (accept(p, "CONSTRAINT")) {
			free(cname);
			cname = NULL;
			ret = take_name(p, &cname, "a constraint name");
			continue;
		}
		if (accept(p, "PRIMARY")) {
			ret = expect(p, "KEY");
			if (!ret && !accept(p, "ASC"))
				accept(p, "DESC");
			ret = ret ? ret : skip_conflict(p);
			if (!ret && accept(p, "AUTOINCREMENT"))
				t->autoincrement = true;
			tt->has_pk = true;
			free(tt->pk_name);
			tt->pk_name = cname;
			cname = NULL;
		} else if (at_defer(p)) {
			/* SQLite gives it to the table's last foreign key */
			if (tt->nr_fks)
				ret = parse_defer(p, &tt->fks[tt->nr_fks - 1]);
			else
				ret = not_understood(p, "a column constraint");
		} else if (accept(p, "NOT")) {
			ret = expect(p, "NULL");
			ret = ret ? ret : skip_conflict(p);
		} else if (accept(p, "NULL")) {
			ret = skip_conflict(p);
		} else if (accept(p, "UNIQUE")) {
			struct text_key *k = text_add_key(tt, cname);

			cname = NULL;
			rt_strvec_push(&k->columns, tc->name);
			rt_strvec_push(&k->collations, "");
			ret = skip_conflict(p);
		} else if (accept(p, "CHECK")) {
			ret = parse_check(p, t, cname);
		} else if (accept(p, "DEFAULT")) {
			ret = skip_default(p);
		} else if (accept(p, "COLLATE")) {
			char *coll = NULL;

			ret = take_name(p, &coll, "a collation name");
			if (!ret) {
				free(tc->collation);
				tc->collation = collation_name(coll);
			}
			free(coll);
		} else if (accept(p, "REFERENCES")) {
			struct text_fk *fk = text_add_fk(tt, cname);

			cname = NULL;
			rt_strvec_push(&fk->columns, tc->name);
			ret = parse_references(p, fk);
		} else if (is_word(p, "GENERATED") || is_word(p, "AS")) {
			if (accept(p, "GENERATED"))
				ret = expect(p, "ALWAYS");
			ret = ret ? ret : expect(p, "AS");
			free(tc->generated);
			tc->generated = NULL;
			ret = ret ? ret : paren_expr(p, &tc->generated);
			if (!ret && !accept(p, "STORED"))
				accept(p, "VIRTUAL");
		} else {
			ret = not_understood(p, "a column constraint");
		}
		free(cname);
		cname = NULL;
	}
	free(cname);
	return ret;
}

static int parse_table_constraint(struct parser *p, struct rt_cat_table *t,
                                  struct text_table *tt)
{
	char *cname = NULL;
	int ret;

	while (accept(p, "CONSTRAINT")) {
		free(cname);
		cname = NULL;
		if (take_name(p, &cname, "a constraint name"))
			return RT_EUNSUPPORTED;
	}
	if (cname && (is_punct(p, ",") || is_punct(p, ")"))) {
		/* SQLite accepts a name that names nothing */
		ret = 0;
	} else if (accept(p, "PRIMARY")) {
		struct rt_strvec cols = RT_STRVEC_INIT;

		ret = expect(p, "KEY");
		if (!ret)
			ret = parse_name_list(p, &cols, NULL,
			                      &t->autoincrement);
		rt_strvec_clear(&cols);
		tt->has_pk = true;
		free(tt->pk_name);
		tt->pk_name = cname;
		cname = NULL;
	} else if (accept(p, "UNIQUE")) {
		struct text_key *k = text_add_key(tt, cname);

		cname = NULL;
		ret = parse_name_list(p, &k->columns, &k->collations, NULL);
	} else if (accept(p, "CHECK")) {
		ret = parse_check(p, t, cname);
	} else if (accept(p, "FOREIGN")) {
		struct text_fk *fk = text_add_fk(tt, cname);

		cname = NULL;
		ret = expect(p, "KEY");
		if (!ret)
			ret = parse_name_list(p, &fk->columns, NULL, NULL);
		if (!ret)
			ret = expect(p, "REFERENCES");
		if (!ret)
			ret = parse_references(p, fk);
	} else {
		ret = not_understood(p, "a table constraint");
	}
	free(cname);
	return ret ? ret : skip_conflict(p);
}

/* CREATE TABLE name (definitions) [WITHOUT ROWID] [, STRICT] */
static int parse_create_table(struct parser *p, struct rt_cat_table *t,
                              struct text_table *tt)
{
	bool constraints = false;
	size_t close;

	if (parse_create_prefix(p, "TABLE"))
		return RT_EUNSUPPORTED;
	if (!is_punct(p, "("))
		return not_understood(p, "'('");
	close = tok(p, p->i)->match;
	p->i++;
	while (p->i < close) {
		if (!constraints && starts_table_constraint(p))
			constraints = true;
		if (constraints) {
			/* SQLite lets table constraints go without commas */
			if (parse_table_constraint(p, t, tt))
				return RT_EUNSUPPORTED;
			if (accept_punct(p, ",") && p->i == close)
				return not_understood(p, "a table constraint");
			continue;
		}
		if (parse_column(p, close, t, tt))
			return RT_EUNSUPPORTED;
		if (accept_punct(p, ",") && p->i == close)
			return not_understood(p, "a column definition");
	}
	p->i = close + 1;
	for (;;) {
		if (accept(p, "WITHOUT")) {
			if (expect(p, "ROWID"))
				return RT_EUNSUPPORTED;
			t->without_rowid = true;
		} else if (accept(p, "STRICT")) {
			t->strict = true;
		} else {
			break;
		}
		if (!accept_punct(p, ","))
			break;
	}
	while (accept_punct(p, ";"))
		;
	if (p->i < p->toks->nr)
		return not_understood(p, "the end of the statement");
	return 0;
}

/* One key part of CREATE INDEX: tokens [from, to) without ASC/DESC. */
struct index_item {
	size_t from, to;
};

/*
 * CREATE [UNIQUE] INDEX name ON table (items) [WHERE expr]: the items
 * (their ASC/DESC cut off) into `items`, the predicate into *where
 * (NULL when none).
 */
static int parse_create_index(struct parser *p, struct index_item **items,
                              size_t *nr_items, char **where)
{
	size_t close, alloc = 0;

	*where = NULL;
	if (parse_create_prefix(p, "INDEX") || expect(p, "ON") ||
	    skip_object_name(p, "a table name"))
		return RT_EUNSUPPORTED;
	if (!is_punct(p, "("))
		return not_understood(p, "'('");
	close = tok(p, p->i)->match;
	p->i++;
	while (p->i < close) {
		struct index_item it = { p->i, p->i };

		while (p->i < close && !is_punct(p, ",")) {
			if (is_punct(p, "("))
				p->i = tok(p, p->i)->match;
			p->i++;
		}
		it.to = p->i;
		if (it.to > it.from &&
		    (rt_sql_tok_is(p->toks, it.to - 1, "ASC") ||
		     rt_sql_tok_is(p->toks, it.to - 1, "DESC")))
			it.to--;
		if (it.to == it.from)
			return not_understood(p, "an indexed column");
		RT_ALLOC_GROW(*items, *nr_items + 1, alloc);
		(*items)[(*nr_items)++] = it;
		if (accept_punct(p, ",") && p->i == close)
			return not_understood(p, "an indexed column");
	}
	p->i = close + 1;
	if (accept(p, "WHERE")) {
		size_t from = p->i, to = p->toks->nr;
		struct rt_buf sb = RT_BUF_INIT;

		while (to > from && rt_sql_tok_is_punct(p->toks, to - 1, ";"))
			to--;
		if (to == from)
			return not_understood(p, "an expression");
		rt_sql_tokens_add_span(&sb, p->toks, from, to);
		*where = rt_buf_detach(&sb);
		p->i = p->toks->nr;
	}
	while (accept_punct(p, ";"))
		;
	if (p->i < p->toks->nr)
		return not_understood(p, "WHERE or the end of the statement");
	return 0;
}

/*
 * The tokens from here to the end of the statement (without its ';'),
 * blanks normalised; `expected` names what must be there.
 */
static int rest_of_statement(struct parser *p, const char *expected,
                             char **text)
{
	size_t to = p->toks->nr;
	struct rt_buf sb = RT_BUF_INIT;

	while (to > p->i && rt_sql_tok_is_punct(p->toks, to - 1, ";"))
		to--;
	if (to == p->i)
		return not_understood(p, expected);
	rt_sql_tokens_add_span(&sb, p->toks, p->i, to);
	*text = rt_buf_detach(&sb);
	return 0;
}

/* CREATE VIEW name AS select: the SELECT, blanks normalised. */
static int parse_create_view(struct parser *p, char **definition)
{
	if (parse_create_prefix(p, "VIEW"))
		return RT_EUNSUPPORTED;
	if (is_punct(p, "("))
		return rt_error_set(p->err, RT_EUNSUPPORTED,
		                    "view '%s' names its columns in a list "
		                    "after its name, which retort cannot "
		                    "compare; name them with AS inside the "
		                    "SELECT instead",
		                    p->name);
	if (expect(p, "AS"))
		return RT_EUNSUPPORTED;
	return rest_of_statement(p, "a SELECT", definition);
}

/*
 * CREATE TRIGGER name ...: the text after the name, blanks normalised.
 * SQLite keeps the statement as written; the body is compared as text,
 * as a view's SELECT is.
 */
static int parse_create_trigger(struct parser *p, char **definition)
{
	if (parse_create_prefix(p, "TRIGGER"))
		return RT_EUNSUPPORTED;
	return rest_of_statement(p, "BEFORE, AFTER, INSTEAD OF or ON",
	                         definition);
}

/* ---- the inspector ---------------------------------------------------- */

struct index_sql {
	char *name;
	char *sql;
};

struct table_ref {
	const char *name; /* the catalog's copy */
	size_t index;
};

/* One row of pragma_index_xinfo (a key column). */
struct key_row {
	long cid;
	char *name; /* NULL for an expression */
	bool desc;
	char *coll;
};

struct inspector {
	struct rt_catalog *cat;
	const char *const *exclude;
	struct rt_sql_tokens toks;
	/* what the CREATE text says, parallel to cat->tables */
	struct text_table *texts;
	size_t nr_texts, alloc_texts;
	/* cat->tables by name, ignoring case as SQLite does */
	struct table_ref *by_name;
	/* the CREATE INDEX text of every index, by name */
	struct index_sql *indexes;
	size_t nr_indexes, alloc_indexes;
	/* find_table()'s last answer */
	char *last_name;
	size_t last_table;
	/* the foreign key being read: its table, PRAGMA id, and whether
	   its parent columns are implied (the parent's primary key) */
	size_t fk_table;
	long fk_id;
	bool fk_implicit;
	/* the index being read */
	size_t ix_table;
	char *ix_name;
	bool ix_unique, ix_partial;
	char ix_origin;
	struct key_row *ix_rows;
	size_t ix_nr_rows, ix_alloc_rows;
};

/* SQLite's own tables: every name starting with sqlite_, in any case. */
static bool is_internal(const char *name)
{
	char head[8];

	if (strlen(name) < 7)
		return false;
	memcpy(head, name, 7);
	head[7] = '\0';
	return !ascii_casecmp(head, "sqlite_");
}

static bool is_excluded(const struct inspector *ins, const char *name)
{
	for (const char *const *e = ins->exclude; e && *e; e++)
		if (!ascii_casecmp(*e, name))
			return true;
	return false;
}

static void clear_index_rows(struct inspector *ins)
{
	for (size_t i = 0; i < ins->ix_nr_rows; i++) {
		free(ins->ix_rows[i].name);
		free(ins->ix_rows[i].coll);
	}
	ins->ix_nr_rows = 0;
	RT_FREE_AND_NULL(ins->ix_name);
	ins->ix_table = SIZE_MAX;
}

static void inspector_release(struct inspector *ins)
{
	for (size_t i = 0; i < ins->nr_texts; i++)
		text_table_release(&ins->texts[i]);
	free(ins->texts);
	free(ins->by_name);
	for (size_t i = 0; i < ins->nr_indexes; i++) {
		free(ins->indexes[i].name);
		free(ins->indexes[i].sql);
	}
	free(ins->indexes);
	free(ins->last_name);
	clear_index_rows(ins);
	free(ins->ix_rows);
	rt_sql_tokens_release(&ins->toks);
}

static int tokenize(struct inspector *ins, const char *sql, const char *stmt,
                    const char *what, const char *name, struct rt_error *err)
{
	struct rt_error local = RT_ERROR_INIT;

	if (rt_sql_tokenize(&ins->toks, sql, &local) < 0)
		return rt_error_set(err, RT_EUNSUPPORTED,
		                    "cannot follow the %s text of %s '%s': %s",
		                    stmt, what, name, local.message);
	return 0;
}

static int add_table(struct inspector *ins, const char *name, const char *sql,
                     struct rt_error *err)
{
	struct parser p = { &ins->toks, 0, "CREATE TABLE", "table", name, err };
	struct rt_cat_table *t;
	struct text_table *tt;

	if (!sql)
		return rt_error_set(err, RT_EUNSUPPORTED,
		                    "table '%s' has no CREATE TABLE text in "
		                    "sqlite_schema",
		                    name);
	if (tokenize(ins, sql, p.stmt, p.what, name, err))
		return RT_EUNSUPPORTED;
	if (rt_sql_tok_is(&ins->toks, 1, "VIRTUAL"))
		return rt_error_set(
		        err, RT_EUNSUPPORTED,
		        "table '%s' is a virtual table (CREATE "
		        "VIRTUAL TABLE), which retort cannot compare",
		        name);
	t = rt_catalog_add_table(ins->cat, name);
	RT_ALLOC_GROW(ins->texts, ins->nr_texts + 1, ins->alloc_texts);
	tt = &ins->texts[ins->nr_texts++];
	memset(tt, 0, sizeof(*tt));
	return parse_create_table(&p, t, tt);
}

static int add_view(struct inspector *ins, const char *name, const char *sql,
                    struct rt_error *err)
{
	struct parser p = { &ins->toks, 0, "CREATE VIEW", "view", name, err };
	char *definition = NULL;

	if (!sql)
		return rt_error_set(err, RT_EUNSUPPORTED,
		                    "view '%s' has no CREATE VIEW text in "
		                    "sqlite_schema",
		                    name);
	if (tokenize(ins, sql, p.stmt, p.what, name, err) ||
	    parse_create_view(&p, &definition))
		return RT_EUNSUPPORTED;
	rt_catalog_add_view(ins->cat, name, definition);
	free(definition);
	return 0;
}

static int add_trigger(struct inspector *ins, const char *name,
                       const char *table, const char *sql, struct rt_error *err)
{
	struct parser p = { &ins->toks, 0,    "CREATE TRIGGER",
		            "trigger",  name, err };
	char *definition = NULL;

	if (!sql || !table)
		return rt_error_set(
		        err, RT_EUNSUPPORTED,
		        "trigger '%s' has no CREATE TRIGGER text in "
		        "sqlite_schema",
		        name);
	if (tokenize(ins, sql, p.stmt, p.what, name, err) ||
	    parse_create_trigger(&p, &definition))
		return RT_EUNSUPPORTED;
	rt_catalog_add_trigger(ins->cat, name, table, definition);
	free(definition);
	return 0;
}

/* sqlite_schema: type, name, tbl_name, sql */
static int on_schema_row(void *baton, size_t nr, const char *const *v,
                         struct rt_error *err)
{
	struct inspector *ins = baton;
	const char *type = v[0], *name = v[1], *sql = v[3];

	(void)nr;
	if (!type || !name || is_internal(name))
		return 0;
	if (!strcmp(type, "index")) {
		struct index_sql *ix;

		if (!sql) /* the index of a key; its table's text has it */
			return 0;
		RT_ALLOC_GROW(ins->indexes, ins->nr_indexes + 1,
		              ins->alloc_indexes);
		ix = &ins->indexes[ins->nr_indexes++];
		ix->name = rt_xstrdup(name);
		ix->sql = rt_xstrdup(sql);
		return 0;
	}
	if (is_excluded(ins, name))
		return 0;
	if (!strcmp(type, "table"))
		return add_table(ins, name, sql, err);
	if (!strcmp(type, "view"))
		return add_view(ins, name, sql, err);
	if (!strcmp(type, "trigger") && !(v[2] && is_excluded(ins, v[2])))
		return add_trigger(ins, name, v[2], sql, err);
	return 0;
}

static int cmp_table_ref(const void *a, const void *b)
{
	return ascii_casecmp(((const struct table_ref *)a)->name,
	                     ((const struct table_ref *)b)->name);
}

static int cmp_index_sql(const void *a, const void *b)
{
	return strcmp(((const struct index_sql *)a)->name,
	              ((const struct index_sql *)b)->name);
}

static void build_lookups(struct inspector *ins)
{
	size_t n = ins->cat->nr_tables;

	ins->by_name = rt_xcalloc(n ? n : 1, sizeof(*ins->by_name));
	for (size_t i = 0; i < n; i++) {
		ins->by_name[i].name = ins->cat->tables[i].name;
		ins->by_name[i].index = i;
	}
	qsort(ins->by_name, n, sizeof(*ins->by_name), cmp_table_ref);
	if (ins->nr_indexes > 1)
		qsort(ins->indexes, ins->nr_indexes, sizeof(*ins->indexes),
		      cmp_index_sql);
}

/* The catalog index of table `name` (any case); SIZE_MAX when absent. */
static size_t lookup_table(const struct inspector *ins, const char *name)
{
	struct table_ref key = { name, 0 };
	const struct table_ref *found;

	found = bsearch(&key, ins->by_name, ins->cat->nr_tables,
	                sizeof(*ins->by_name), cmp_table_ref);
	return found ? found->index : SIZE_MAX;
}

/* lookup_table() for the PRAGMA rows, which come table by table. */
static size_t find_table(struct inspector *ins, const char *name)
{
	if (!name)
		return SIZE_MAX;
	if (ins->last_name && !strcmp(ins->last_name, name))
		return ins->last_table;
	free(ins->last_name);
	ins->last_name = rt_xstrdup(name);
	ins->last_table = lookup_table(ins, name);
	return ins->last_table;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static bool is_true(const char *s)
{
	return s && strcmp(s, "0");
}

/*
 * The declared type table_xinfo gives, in the catalog's spelling.
 * table_xinfo keeps a comment written inside a type; it is dropped here,
 * as the text reader drops it.
 */
static char *declared_type(struct inspector *ins, const char *declared)
{
	struct rt_error ignored = RT_ERROR_INIT;
	struct rt_buf sb = RT_BUF_INIT;
	char *type;

	if (!rt_sql_tokenize(&ins->toks, declared, &ignored))
		rt_sql_tokens_add_span(&sb, &ins->toks, 0, ins->toks.nr);
	else
		rt_buf_adds(&sb, declared);
	type = rt_catalog_normalise_type(RT_DIALECT_SQLITE, sb.buf);
	rt_buf_release(&sb);
	return type;
}

/* table_xinfo: table, cid, name, type, notnull, dflt_value, pk, hidden */
static int on_column_row(void *baton, size_t nr, const char *const *v,
                         struct rt_error *err)
{
	struct inspector *ins = baton;
	size_t ti = find_table(ins, v[0]);
	struct rt_cat_table *t;
	struct text_table *tt;
	struct text_column *tc;
	struct rt_cat_column *c;
	char *type, *read;
	bool same;
	long hidden;

	(void)nr;
	if (ti == SIZE_MAX || !v[2])
		return 0;
	t = &ins->cat->tables[ti];
	tt = &ins->texts[ti];
	if (t->nr_columns >= tt->nr_columns ||
	    strcmp(tt->columns[t->nr_columns].name, v[2]))
		return rt_error_set(
		        err, RT_EUNSUPPORTED,
		        "cannot follow the CREATE TABLE text of "
		        "table '%s': SQLite lists column '%s' where "
		        "retort read %s%s%s",
		        t->name, v[2],
		        t->nr_columns < tt->nr_columns ? "'" : "",
		        t->nr_columns < tt->nr_columns ?
		                tt->columns[t->nr_columns].name :
		                "no more columns",
		        t->nr_columns < tt->nr_columns ? "'" : "");
	tc = &tt->columns[t->nr_columns];
	hidden = v[7] ? strtol(v[7], NULL, 10) : 0;
	if ((hidden == 2 || hidden == 3) != !!tc->generated)
		return rt_error_set(err, RT_EUNSUPPORTED,
		                    "cannot follow the CREATE TABLE text of "
		                    "table '%s': SQLite says column '%s' is %s"
		                    "generated",
		                    t->name, v[2], tc->generated ? "not " : "");
	type = declared_type(ins, or_empty(v[3]));
	read = rt_catalog_normalise_type(RT_DIALECT_SQLITE, tc->type);
	same = !strcmp(type, read);
	free(read);
	if (!same) {
		free(type);
		/*
		 * The type is where a misreading of the column definition
		 * would show: the text reader must end it where SQLite did.
		 */
		return rt_error_set(
		        err, RT_EUNSUPPORTED,
		        "cannot follow the CREATE TABLE text of "
		        "table '%s': SQLite reads the type of column "
		        "'%s' as '%s' where retort read '%s'",
		        t->name, v[2], or_empty(v[3]), tc->type);
	}
	c = rt_cat_table_add_column(t, v[2]);
	c->type = type;
	c->not_null = is_true(v[4]);
	c->default_expr = v[5] ? rt_xstrdup(v[5]) : NULL;
	c->collation = tc->collation ? rt_xstrdup(tc->collation) : NULL;
	if (tc->generated) {
		c->generated = rt_xstrdup(tc->generated);
		c->generated_stored = hidden == 3;
	}
	tc->pk = v[6] ? strtol(v[6], NULL, 10) : 0;
	return 0;
}

/* Every column seen: the text has no others; the primary key. */
static int finish_columns(struct inspector *ins, struct rt_error *err)
{
	for (size_t ti = 0; ti < ins->cat->nr_tables; ti++) {
		struct rt_cat_table *t = &ins->cat->tables[ti];
		struct text_table *tt = &ins->texts[ti];
		struct rt_cat_key *pk;
		size_t nr_pk = 0;

		if (t->nr_columns != tt->nr_columns)
			return rt_error_set(
			        err, RT_EUNSUPPORTED,
			        "cannot follow the CREATE TABLE text "
			        "of table '%s': retort read %zu "
			        "columns where SQLite lists %zu",
			        t->name, tt->nr_columns, t->nr_columns);
		for (size_t i = 0; i < tt->nr_columns; i++)
			nr_pk += tt->columns[i].pk > 0;
		if (!!nr_pk != tt->has_pk)
			return rt_error_set(
			        err, RT_EUNSUPPORTED,
			        "cannot follow the CREATE TABLE text "
			        "of table '%s': SQLite says it has %s "
			        "primary key",
			        t->name, nr_pk ? "a" : "no");
		if (!nr_pk)
			continue;
		pk = rt_cat_table_set_primary_key(t, tt->pk_name);
		for (size_t pos = 1; pos <= nr_pk; pos++) {
			size_t i = 0;

			while (i < tt->nr_columns &&
			       tt->columns[i].pk != (long)pos)
				i++;
			if (i == tt->nr_columns)
				return rt_error_set(
				        err, RT_EUNSUPPORTED,
				        "table '%s': SQLite lists no "
				        "column at position %zu of its "
				        "primary key",
				        t->name, pos);
			rt_strvec_push(&pk->columns, t->columns[i].name);
		}
	}
	return 0;
}

/* The foreign key read last is complete. */
static void finish_fk(struct inspector *ins)
{
	if (ins->fk_table != SIZE_MAX && ins->fk_implicit) {
		struct rt_cat_table *t = &ins->cat->tables[ins->fk_table];

		rt_strvec_clear(&t->fks[t->nr_fks - 1].ref_columns);
	}
	ins->fk_table = SIZE_MAX;
}

/* foreign_key_list: table, id, seq, table, from, to, on_update, on_delete */
static int on_fk_row(void *baton, size_t nr, const char *const *v,
                     struct rt_error *err)
{
	struct inspector *ins = baton;
	size_t ti = find_table(ins, v[0]);
	struct rt_cat_table *t;
	struct rt_cat_fk *fk;
	long id;

	(void)nr;
	if (ti == SIZE_MAX)
		return 0;
	t = &ins->cat->tables[ti];
	id = v[1] ? strtol(v[1], NULL, 10) : 0;
	if (ti != ins->fk_table || id != ins->fk_id) {
		finish_fk(ins);
		fk = rt_cat_table_add_fk(t, NULL);
		fk->ref_table = rt_xstrdup(or_empty(v[3]));
		if (!rt_fk_action_parse(&fk->on_update, or_empty(v[6])) ||
		    !rt_fk_action_parse(&fk->on_delete, or_empty(v[7])))
			return rt_error_set(err, RT_EUNSUPPORTED,
			                    "table '%s': unknown foreign key "
			                    "action '%s' / '%s'",
			                    t->name, or_empty(v[6]),
			                    or_empty(v[7]));
		ins->fk_table = ti;
		ins->fk_id = id;
		ins->fk_implicit = false;
	}
	fk = &t->fks[t->nr_fks - 1];
	rt_strvec_push(&fk->columns, or_empty(v[4]));
	if (v[5])
		rt_strvec_push(&fk->ref_columns, v[5]);
	else
		ins->fk_implicit = true;
	return 0;
}

static void add_fk_text(struct rt_buf *out, const struct rt_strvec *columns,
                        const char *ref_table)
{
	rt_buf_addch(out, '(');
	for (size_t i = 0; i < columns->nr; i++)
		rt_buf_addf(out, "%s%s", i ? ", " : "", columns->v[i]);
	rt_buf_addf(out, ") REFERENCES %s", ref_table);
}

static bool fk_matches(const struct text_fk *tf, const struct rt_cat_fk *fk)
{
	return !tf->used && same_names(&tf->columns, &fk->columns) &&
	       !ascii_casecmp(tf->ref_table, fk->ref_table) &&
	       same_names(&tf->ref_columns, &fk->ref_columns) &&
	       tf->on_delete == fk->on_delete && tf->on_update == fk->on_update;
}

/* Names and DEFERRABLE from the text, for each key the PRAGMA reports. */
static int match_fks(struct rt_cat_table *t, struct text_table *tt,
                     struct rt_error *err)
{
	struct rt_buf sb = RT_BUF_INIT;
	int ret;

	/* PRAGMA ids count from the last declared key: walk them back */
	for (size_t k = t->nr_fks; k-- > 0;) {
		struct rt_cat_fk *fk = &t->fks[k];
		struct text_fk *tf = NULL;

		for (size_t j = 0; j < tt->nr_fks && !tf; j++)
			if (fk_matches(&tt->fks[j], fk))
				tf = &tt->fks[j];
		if (!tf) {
			add_fk_text(&sb, &fk->columns, fk->ref_table);
			ret = rt_error_set(
			        err, RT_EUNSUPPORTED,
			        "cannot follow the CREATE TABLE text "
			        "of table '%s': SQLite reports the "
			        "foreign key %s, which retort did not "
			        "find in it",
			        t->name, sb.buf);
			rt_buf_release(&sb);
			return ret;
		}
		tf->used = true;
		fk->name = tf->name ? rt_xstrdup(tf->name) : NULL;
		fk->deferrable = tf->deferrable;
		fk->initially_deferred = tf->initially_deferred;
	}
	for (size_t j = 0; j < tt->nr_fks; j++) {
		if (tt->fks[j].used)
			continue;
		add_fk_text(&sb, &tt->fks[j].columns, tt->fks[j].ref_table);
		ret = rt_error_set(
		        err, RT_EUNSUPPORTED,
		        "cannot follow the CREATE TABLE text of "
		        "table '%s': retort read the foreign key %s, "
		        "which SQLite does not report",
		        t->name, sb.buf);
		rt_buf_release(&sb);
		return ret;
	}
	return 0;
}

/* index_list + index_xinfo: table, index, unique, origin, partial,
   seqno, cid, name, desc, coll */
static int finish_index(struct inspector *ins, struct rt_error *err);

static int on_index_row(void *baton, size_t nr, const char *const *v,
                        struct rt_error *err)
{
	struct inspector *ins = baton;
	size_t ti = find_table(ins, v[0]);
	struct key_row *row;

	(void)nr;
	if (ti == SIZE_MAX || !v[1])
		return 0;
	if (ti != ins->ix_table || strcmp(ins->ix_name, v[1])) {
		int ret = finish_index(ins, err);

		if (ret)
			return ret;
		ins->ix_table = ti;
		ins->ix_name = rt_xstrdup(v[1]);
		ins->ix_unique = is_true(v[2]);
		ins->ix_origin = v[3] ? v[3][0] : 'c';
		ins->ix_partial = is_true(v[4]);
	}
	RT_ALLOC_GROW(ins->ix_rows, ins->ix_nr_rows + 1, ins->ix_alloc_rows);
	row = &ins->ix_rows[ins->ix_nr_rows++];
	row->cid = v[6] ? strtol(v[6], NULL, 10) : -2;
	row->name = v[7] ? rt_xstrdup(v[7]) : NULL;
	row->desc = is_true(v[8]);
	row->coll = v[9] ? rt_xstrdup(v[9]) : NULL;
	return 0;
}

/* The collation the text gives column `name` ("BINARY" when none). */
static const char *text_column_collation(const struct text_table *tt,
                                         const char *name)
{
	for (size_t i = 0; i < tt->nr_columns; i++)
		if (!ascii_casecmp(tt->columns[i].name, name))
			return tt->columns[i].collation ?
			               tt->columns[i].collation :
			               "BINARY";
	return "BINARY";
}

static bool unique_matches(const struct inspector *ins,
                           const struct text_table *tt,
                           const struct text_key *k)
{
	if (k->used || k->columns.nr != ins->ix_nr_rows)
		return false;
	for (size_t i = 0; i < k->columns.nr; i++) {
		const struct key_row *row = &ins->ix_rows[i];
		const char *want =
		        *k->collations.v[i] ?
		                k->collations.v[i] :
		                text_column_collation(tt, k->columns.v[i]);

		if (!row->name || ascii_casecmp(row->name, k->columns.v[i]) ||
		    ascii_casecmp(want, row->coll ? row->coll : "BINARY"))
			return false;
	}
	return true;
}

/* A UNIQUE constraint: its name from the text. */
static int finish_unique(struct inspector *ins, struct rt_error *err)
{
	struct rt_cat_table *t = &ins->cat->tables[ins->ix_table];
	struct text_table *tt = &ins->texts[ins->ix_table];
	struct text_key *k = NULL;
	struct rt_cat_key *uq;

	for (size_t j = 0; j < tt->nr_uniques && !k; j++)
		if (unique_matches(ins, tt, &tt->uniques[j]))
			k = &tt->uniques[j];
	if (!k) {
		struct rt_buf sb = RT_BUF_INIT;
		int ret;

		for (size_t i = 0; i < ins->ix_nr_rows; i++)
			rt_buf_addf(&sb, "%s%s", i ? ", " : "",
			            or_empty(ins->ix_rows[i].name));
		ret = rt_error_set(err, RT_EUNSUPPORTED,
		                   "cannot follow the CREATE TABLE text of "
		                   "table '%s': SQLite reports UNIQUE (%s), "
		                   "which retort did not find in it",
		                   t->name, sb.buf);
		rt_buf_release(&sb);
		return ret;
	}
	k->used = true;
	uq = rt_cat_table_add_unique(t, k->name);
	for (size_t i = 0; i < ins->ix_nr_rows; i++)
		rt_strvec_push(&uq->columns, ins->ix_rows[i].name);
	return 0;
}

static const char *index_sql(const struct inspector *ins, const char *name)
{
	struct index_sql key = { (char *)(uintptr_t)name, NULL };
	const struct index_sql *found;

	if (!ins->nr_indexes)
		return NULL;
	found = bsearch(&key, ins->indexes, ins->nr_indexes,
	                sizeof(*ins->indexes), cmp_index_sql);
	return found ? found->sql : NULL;
}

/*
 * One key part: a column name or "(expression)", then COLLATE and DESC
 * as index_xinfo reports them.  An expression's own collation is the
 * index's only when COLLATE applies to the whole expression (the PRAGMA
 * then reports it, else BINARY): only then is a trailing COLLATE cut
 * from the text, as `x || 'a' COLLATE nocase` collates 'a' alone.
 */
static void add_index_key(struct rt_buf *sb, const struct rt_sql_tokens *toks,
                          const struct key_row *row,
                          const struct index_item *item)
{
	char *coll = collation_name(row->coll ? row->coll : "BINARY");
	size_t from = item->from, to = item->to;

	if (coll && to > from + 2 && rt_sql_tok_is(toks, to - 2, "COLLATE"))
		to -= 2;
	if (row->cid >= 0 && row->name) {
		rt_buf_adds(sb, row->name);
	} else if (row->cid == -2 && !(rt_sql_tok_is_punct(toks, from, "(") &&
	                               toks->v[from].match == to - 1)) {
		rt_buf_addch(sb, '(');
		rt_sql_tokens_add_span(sb, toks, from, to);
		rt_buf_addch(sb, ')');
	} else {
		rt_sql_tokens_add_span(sb, toks, from, to);
	}
	if (coll)
		rt_buf_addf(sb, " COLLATE %s", coll);
	free(coll);
	if (row->desc)
		rt_buf_adds(sb, " DESC");
}

/* An index of CREATE INDEX: keys and WHERE from its text. */
static int finish_plain_index(struct inspector *ins, struct rt_error *err)
{
	struct rt_cat_table *t = &ins->cat->tables[ins->ix_table];
	struct parser p = { &ins->toks,   0,  "CREATE INDEX", "index",
		            ins->ix_name, err };
	const char *sql = index_sql(ins, ins->ix_name);
	struct index_item *items = NULL;
	size_t nr_items = 0;
	char *where = NULL;
	struct rt_cat_index *ix;
	int ret;

	if (!sql)
		return rt_error_set(err, RT_EUNSUPPORTED,
		                    "index '%s' has no CREATE INDEX text in "
		                    "sqlite_schema",
		                    ins->ix_name);
	ret = tokenize(ins, sql, p.stmt, p.what, p.name, err);
	if (!ret)
		ret = parse_create_index(&p, &items, &nr_items, &where);
	if (!ret && nr_items != ins->ix_nr_rows)
		ret = rt_error_set(
		        err, RT_EUNSUPPORTED,
		        "cannot follow the CREATE INDEX text of index "
		        "'%s': retort read %zu key parts where SQLite "
		        "lists %zu",
		        p.name, nr_items, ins->ix_nr_rows);
	if (!ret && !!where != ins->ix_partial)
		ret = rt_error_set(
		        err, RT_EUNSUPPORTED,
		        "cannot follow the CREATE INDEX text of index "
		        "'%s': SQLite says it is %spartial",
		        p.name, ins->ix_partial ? "" : "not ");
	if (!ret) {
		ix = rt_cat_table_add_index(t, ins->ix_name);
		ix->unique = ins->ix_unique;
		ix->where = where;
		where = NULL;
		for (size_t i = 0; i < nr_items; i++) {
			struct rt_buf sb = RT_BUF_INIT;

			add_index_key(&sb, &ins->toks, &ins->ix_rows[i],
			              &items[i]);
			rt_strvec_push_nodup(&ix->keys, rt_buf_detach(&sb));
		}
	}
	free(items);
	free(where);
	return ret;
}

/* The index read last is complete. */
static int finish_index(struct inspector *ins, struct rt_error *err)
{
	int ret = 0;

	if (ins->ix_table == SIZE_MAX)
		return 0;
	if (ins->ix_origin == 'u')
		ret = finish_unique(ins, err);
	else if (ins->ix_origin == 'c')
		ret = finish_plain_index(ins, err);
	clear_index_rows(ins);
	return ret;
}

/*
 * SQLite matches the parent of a foreign key ignoring case; spell it,
 * and its columns, as the parent table does, so that `REFERENCES Parent`
 * and `REFERENCES parent` compare equal.
 */
static void canonical_references(struct inspector *ins)
{
	for (size_t ti = 0; ti < ins->cat->nr_tables; ti++) {
		struct rt_cat_table *t = &ins->cat->tables[ti];

		for (size_t k = 0; k < t->nr_fks; k++) {
			struct rt_cat_fk *fk = &t->fks[k];
			size_t pi = lookup_table(ins, fk->ref_table);
			struct rt_cat_table *parent;
			struct rt_strvec cols = RT_STRVEC_INIT;

			if (pi == SIZE_MAX)
				continue;
			parent = &ins->cat->tables[pi];
			free(fk->ref_table);
			fk->ref_table = rt_xstrdup(parent->name);
			for (size_t i = 0; i < fk->ref_columns.nr; i++) {
				const char *name = fk->ref_columns.v[i];

				for (size_t c = 0; c < parent->nr_columns; c++)
					if (!ascii_casecmp(
					            parent->columns[c].name,
					            name)) {
						name = parent->columns[c].name;
						break;
					}
				rt_strvec_push(&cols, name);
			}
			rt_strvec_clear(&fk->ref_columns);
			fk->ref_columns = cols;
		}
	}
}

/* The tables whose PRAGMAs are read: not SQLite's, not virtual. */
#define TABLES_WHERE                                                  \
 "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND " \
 "m.sql NOT LIKE 'CREATE VIRTUAL TABLE%'"

static const char schema_sql[] =
        "SELECT type, name, tbl_name, sql FROM main.sqlite_master";
static const char columns_sql[] =
        "SELECT m.name, p.cid, p.name, p.type, p.\"notnull\", "
        "p.dflt_value, p.pk, p.hidden "
        "FROM main.sqlite_master AS m, "
        "pragma_table_xinfo(m.name, 'main') AS p "
        "WHERE " TABLES_WHERE " ORDER BY m.name, p.cid";
static const char fks_sql[] =
        "SELECT m.name, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\", "
        "f.on_update, f.on_delete "
        "FROM main.sqlite_master AS m, "
        "pragma_foreign_key_list(m.name, 'main') AS f "
        "WHERE " TABLES_WHERE " ORDER BY m.name, f.id, f.seq";
static const char indexes_sql[] =
        "SELECT m.name, l.name, l.\"unique\", l.origin, l.partial, "
        "x.seqno, x.cid, x.name, x.\"desc\", x.coll "
        "FROM main.sqlite_master AS m, "
        "pragma_index_list(m.name, 'main') AS l, "
        "pragma_index_xinfo(l.name, 'main') AS x "
        "WHERE " TABLES_WHERE " AND l.origin <> 'pk' AND x.key = 1 "
        "ORDER BY m.name, l.name, x.seqno";

int rt_schema_inspect_sqlite(struct rt_catalog *cat, struct rt_db *db,
                             const char *const *exclude, struct rt_error *err)
{
	struct inspector ins;
	int ret;

	if (cat->nr_tables || cat->nr_views)
		return rt_error_set(err, RT_ERROR,
		                    "cannot inspect into a catalog that is not "
		                    "empty");
	memset(&ins, 0, sizeof(ins));
	ins.cat = cat;
	ins.exclude = exclude;
	ins.fk_table = ins.ix_table = SIZE_MAX;

	ret = rt_db_query(db, schema_sql, on_schema_row, &ins, err);
	if (!ret) {
		build_lookups(&ins);
		ret = rt_db_query(db, columns_sql, on_column_row, &ins, err);
	}
	if (!ret)
		ret = finish_columns(&ins, err);
	if (!ret)
		ret = rt_db_query(db, fks_sql, on_fk_row, &ins, err);
	finish_fk(&ins);
	for (size_t ti = 0; !ret && ti < cat->nr_tables; ti++)
		ret = match_fks(&cat->tables[ti], &ins.texts[ti], err);
	if (!ret)
		ret = rt_db_query(db, indexes_sql, on_index_row, &ins, err);
	if (!ret)
		ret = finish_index(&ins, err);
	if (!ret) {
		canonical_references(&ins);
		rt_catalog_sort(cat);
	}
	inspector_release(&ins);
	return ret;
}
