/*
 * catalog.h - a database schema as plain data: what `revision
 * --autogenerate` and `check` compare.
 *
 * Both sides of a comparison are read by the same code: the database at
 * head by an inspector (inspect_sqlite.c, inspect_postgres.c), the
 * desired schema by loading its SQL into a scratch database of the same
 * dialect and inspecting that (target.c).  So the database itself
 * parses the SQL, and everything here is in the form the database gives
 * back: names as stored, types in the dialect's canonical spelling
 * (rt_catalog_normalise_type()), default, CHECK, index and view
 * expressions as the database prints them.  Comparing two catalogs of one
 * dialect is then comparing strings (diff.c).
 *
 * Ownership: a catalog owns everything in it (every string is a malloc'd
 * copy, every list an rt_strvec); rt_catalog_free() releases it all.
 * Lists keep the order the database reports (columns in table order,
 * key columns in key order); tables, views, enums and sequences are kept
 * sorted by name by rt_catalog_sort(), which the inspectors call last.
 */
#ifndef RT_SCHEMA_CATALOG_H
#define RT_SCHEMA_CATALOG_H

#include "util/compat.h"
#include "util/buf.h"
#include "util/strvec.h"
#include "config/url.h"

/* ON DELETE / ON UPDATE of a foreign key. */
enum rt_fk_action {
	RT_FK_NO_ACTION,
	RT_FK_RESTRICT,
	RT_FK_CASCADE,
	RT_FK_SET_NULL,
	RT_FK_SET_DEFAULT
};

/* PostgreSQL identity columns (GENERATED ... AS IDENTITY). */
enum rt_identity {
	RT_IDENTITY_NONE,
	RT_IDENTITY_ALWAYS,
	RT_IDENTITY_BY_DEFAULT
};

struct rt_cat_column {
	char *name;
	/* canonical type text: SQLite "VARCHAR(255)", PostgreSQL
	   "character varying(255)"; "" for an SQLite column without one */
	char *type;
	bool not_null;
	char *default_expr; /* as the database prints it; NULL = none */
	char *collation; /* NULL = the default */
	char *comment; /* PostgreSQL; NULL = none */
	enum rt_identity identity;
	/* PostgreSQL serial: integer type + default nextval() of a sequence
	   owned by this column; default_expr is then NULL */
	bool serial;
	char *generated; /* GENERATED ALWAYS AS (expr); NULL = not */
	bool generated_stored; /* STORED, else VIRTUAL (SQLite) */
};

/* A primary key or a UNIQUE constraint. */
struct rt_cat_key {
	char *name; /* NULL when the database has no name for it (SQLite) */
	struct rt_strvec columns;
};

struct rt_cat_fk {
	char *name; /* NULL when unnamed (SQLite) */
	struct rt_strvec columns;
	/*
	 * The referenced table.  One of the same schema (every one on
	 * SQLite): its name as it is, dots and quotes included.  On
	 * PostgreSQL one of another schema: "schema.table" with each part
	 * as quote_ident() writes it (other.t, "Odd.S"."x.y"), which goes
	 * into SQL as it is; the renderers tell it from a name of the
	 * schema by the catalog having no table of that name (render.c).
	 */
	char *ref_table;
	struct rt_strvec ref_columns; /* empty = the referenced primary key */
	enum rt_fk_action on_delete, on_update;
	bool deferrable, initially_deferred;
};

struct rt_cat_check {
	char *name; /* NULL when unnamed */
	char *expr; /* the expression, without CHECK and the outer parens */
};

/* An index that is not the implicit index of a key or UNIQUE constraint. */
struct rt_cat_index {
	char *name;
	bool unique;
	/*
	 * One entry per key part: a column name, or an expression in
	 * parentheses; followed by " DESC" and/or " COLLATE x" when not
	 * the default.
	 */
	struct rt_strvec keys;
	char *where; /* partial index predicate; NULL = none */
	/* PostgreSQL: USING method when not btree; NULL otherwise */
	char *method;
};

struct rt_cat_table {
	char *name;
	struct rt_cat_column *columns;
	size_t nr_columns, alloc_columns;
	struct rt_cat_key *primary_key; /* NULL = none */
	struct rt_cat_key *uniques;
	size_t nr_uniques, alloc_uniques;
	struct rt_cat_fk *fks;
	size_t nr_fks, alloc_fks;
	struct rt_cat_check *checks;
	size_t nr_checks, alloc_checks;
	struct rt_cat_index *indexes;
	size_t nr_indexes, alloc_indexes;
	char *comment; /* PostgreSQL; NULL = none */
	/* SQLite only */
	bool autoincrement; /* INTEGER PRIMARY KEY AUTOINCREMENT */
	bool without_rowid;
	bool strict;
};

struct rt_cat_view {
	char *name;
	char *definition; /* the SELECT, as the database prints it */
	char *comment; /* PostgreSQL; NULL = none */
};

/*
 * An SQLite trigger.  PostgreSQL's are not read: a trigger there runs a
 * function, and functions are not compared, so a trigger could be
 * written that calls one the database does not have.
 */
struct rt_cat_trigger {
	char *name;
	char *table; /* the table or view it is on, as sqlite_schema says */
	/* the text after the name, blanks normalised: "AFTER INSERT ON t
	   BEGIN ... END" */
	char *definition;
};

/* PostgreSQL CREATE TYPE ... AS ENUM. */
struct rt_cat_enum {
	char *name;
	struct rt_strvec labels; /* in sort order */
};

/* A PostgreSQL sequence not owned by a serial or identity column. */
struct rt_cat_sequence {
	char *name;
	char *data_type; /* "bigint", "integer", "smallint" */
	long long start, increment, min_value, max_value, cache;
	bool cycle;
	char *owned_by; /* "table.column" or NULL */
};

struct rt_catalog {
	enum rt_dialect dialect;
	struct rt_cat_table *tables;
	size_t nr_tables, alloc_tables;
	struct rt_cat_view *views;
	size_t nr_views, alloc_views;
	struct rt_cat_enum *enums;
	size_t nr_enums, alloc_enums;
	struct rt_cat_sequence *sequences;
	size_t nr_sequences, alloc_sequences;
	struct rt_cat_trigger *triggers; /* SQLite only */
	size_t nr_triggers, alloc_triggers;
};

void rt_catalog_init(struct rt_catalog *cat, enum rt_dialect dialect);
void rt_catalog_release(struct rt_catalog *cat);

/*
 * Add an item (zero-filled but for the name, which is copied) and return
 * it.  The pointer stays valid until the next add of the same kind.
 */
struct rt_cat_table *rt_catalog_add_table(struct rt_catalog *cat,
                                          const char *name);
struct rt_cat_column *rt_cat_table_add_column(struct rt_cat_table *t,
                                              const char *name);
struct rt_cat_key *rt_cat_table_add_unique(struct rt_cat_table *t,
                                           const char *name);
struct rt_cat_key *rt_cat_table_set_primary_key(struct rt_cat_table *t,
                                                const char *name);
struct rt_cat_fk *rt_cat_table_add_fk(struct rt_cat_table *t, const char *name);
struct rt_cat_check *rt_cat_table_add_check(struct rt_cat_table *t,
                                            const char *name, const char *expr);
struct rt_cat_index *rt_cat_table_add_index(struct rt_cat_table *t,
                                            const char *name);
struct rt_cat_view *rt_catalog_add_view(struct rt_catalog *cat,
                                        const char *name,
                                        const char *definition);
struct rt_cat_enum *rt_catalog_add_enum(struct rt_catalog *cat,
                                        const char *name);
struct rt_cat_trigger *rt_catalog_add_trigger(struct rt_catalog *cat,
                                              const char *name,
                                              const char *table,
                                              const char *definition);
struct rt_cat_sequence *rt_catalog_add_sequence(struct rt_catalog *cat,
                                                const char *name);

/* Remove the table called `name`, if there is one, and its triggers. */
void rt_catalog_remove_table(struct rt_catalog *cat, const char *name);

/* Lookups by exact name; NULL when absent. */
struct rt_cat_table *rt_catalog_find_table(const struct rt_catalog *cat,
                                           const char *name);
struct rt_cat_column *rt_cat_table_find_column(const struct rt_cat_table *t,
                                               const char *name);
struct rt_cat_view *rt_catalog_find_view(const struct rt_catalog *cat,
                                         const char *name);

/*
 * Put tables, views, enums, sequences and triggers in name order, and each
 * table's unique keys, foreign keys, checks and indexes in a fixed order (by
 * name, unnamed ones by their text), so two catalogs of the same schema are
 * identical item by item.  Columns keep their table order.
 */
void rt_catalog_sort(struct rt_catalog *cat);

/*
 * A canonical text form of the whole catalog, one fact per line
 * ("table t", "column t.a INTEGER NOT NULL DEFAULT 0", "index ix_a ON
 * t (a) WHERE ...").  Two catalogs describe the same schema exactly when
 * their dumps are equal: the property tests compare dumps, and a failing
 * test prints them.
 */
void rt_catalog_dump(struct rt_buf *out, const struct rt_catalog *cat);

/* "CASCADE", "SET NULL", ... ; "NO ACTION" for RT_FK_NO_ACTION. */
const char *rt_fk_action_sql(enum rt_fk_action action);
/*
 * The clauses of `fk` after REFERENCES that are not the default, each
 * after a blank: " ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE
 * INITIALLY DEFERRED".  SQL for both dialects, and the text of `check`.
 */
void rt_cat_fk_add_actions(struct rt_buf *out, const struct rt_cat_fk *fk);
/* Parse one of those (case-insensitive); false when unknown. */
bool rt_fk_action_parse(enum rt_fk_action *out, const char *text);

/*
 * The canonical spelling of a declared type for `dialect`.  SQLite:
 * upper-cased, runs of blanks made one space, no blank inside or before
 * the parentheses ("varchar ( 255 )" -> "VARCHAR(255)"); INT and INTEGER
 * stay different, since only INTEGER PRIMARY KEY is the rowid.
 * PostgreSQL: the text is already format_type()'s; returned as is.
 * Caller frees.
 */
char *rt_catalog_normalise_type(enum rt_dialect dialect, const char *type);

#endif
