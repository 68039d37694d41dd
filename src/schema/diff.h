/*
 * diff.h - what separates two catalogs: an ordered list of changes that
 * turns `from` into `to`, and a one-line description of each.
 *
 * The order is one that can run, in these phases:
 *
 *   1. enums created or given new labels, sequences created;
 *   2. SQLite triggers dropped: removed or changed ones, and those that
 *      name a table that changes or a view that goes (DROP TABLE in a
 *      rebuild would take them, and RENAME trips over them);
 *      views dropped: removed or changed ones, and those that read a
 *      table that is dropped or changes other than by its indexes or
 *      comments (found by the table's name appearing as a word in the
 *      view's text), dependents first;
 *   3. enums whose labels are removed or reordered re-created in place
 *      (their columns converted through text);
 *   4. foreign keys dropped (so the keys and tables they use can go);
 *   5. tables dropped, those that reference others first, each after
 *      its indexes;
 *   6. indexes, checks, unique keys and primary keys dropped;
 *   7. columns dropped, added, altered (and SQLite table options);
 *   8. primary keys, unique keys and checks added;
 *   9. tables created, those they reference first (on PostgreSQL an FK
 *      that closes a cycle of new tables is left to phase 11);
 *  10. indexes created;
 *  11. foreign keys added;
 *  12. sequences altered (OWNED BY may name a new column), comments;
 *  13. views created, those they read first; then triggers;
 *  14. enums and sequences dropped.
 *
 * Dropping everything before creating anything keeps PostgreSQL's
 * schema-wide index names from clashing (an index moved from a dropped
 * table to a new one) and lets a dropped table's FK go before the key
 * it references.  The downgrade of a revision is rt_schema_diff() with
 * the two catalogs swapped.
 *
 * Matching: tables, columns, views, enums and sequences by name; keys,
 * checks, foreign keys and indexes by name and definition together (an
 * unnamed one by its definition alone), so one whose name or definition
 * differs is dropped and added.  Column order is not compared: ALTER
 * TABLE ADD COLUMN appends on both dialects.
 *
 * The list says what differs, in the same terms for both dialects; how
 * to get there is the renderer's business (SQLite's renderer turns the
 * changes ALTER TABLE cannot make into one rebuild of the table).
 */
#ifndef RT_SCHEMA_DIFF_H
#define RT_SCHEMA_DIFF_H

#include "util/compat.h"
#include "util/buf.h"
#include "schema/catalog.h"

struct rt_error;

enum rt_change_kind {
	RT_CHANGE_ADD_ENUM,
	RT_CHANGE_ALTER_ENUM, /* labels added, or see enum_recreated */
	RT_CHANGE_DROP_ENUM,
	RT_CHANGE_ADD_SEQUENCE,
	RT_CHANGE_ALTER_SEQUENCE,
	RT_CHANGE_DROP_SEQUENCE,
	RT_CHANGE_ADD_TABLE,
	RT_CHANGE_DROP_TABLE,
	RT_CHANGE_ADD_COLUMN,
	RT_CHANGE_DROP_COLUMN,
	/* type, null, default, collation, identity, serial, and a generated
	   column becoming a plain one; a column that becomes generated or
	   changes its expression is dropped and added instead */
	RT_CHANGE_ALTER_COLUMN,
	/* from_key set: the key is dropped; to_key set: a key is added (a
	   changed key is one of each, in the drop and the add phase) */
	RT_CHANGE_SET_PRIMARY_KEY,
	RT_CHANGE_ADD_UNIQUE,
	RT_CHANGE_DROP_UNIQUE,
	RT_CHANGE_ADD_FK,
	RT_CHANGE_DROP_FK,
	RT_CHANGE_ADD_CHECK,
	RT_CHANGE_DROP_CHECK,
	RT_CHANGE_ADD_INDEX,
	RT_CHANGE_DROP_INDEX,
	RT_CHANGE_TABLE_COMMENT,
	RT_CHANGE_COLUMN_COMMENT,
	RT_CHANGE_ADD_VIEW,
	RT_CHANGE_DROP_VIEW,
	RT_CHANGE_VIEW_COMMENT,
	/* SQLite: AUTOINCREMENT, WITHOUT ROWID or STRICT of a table */
	RT_CHANGE_TABLE_OPTIONS,
	/* SQLite: a trigger (a changed one is dropped and added) */
	RT_CHANGE_ADD_TRIGGER,
	RT_CHANGE_DROP_TRIGGER
};

/*
 * Pointers into the two catalogs, which must outlive the list.
 * from_table and to_table are both set for a change to a table on both
 * sides, only to_table for a created table (and its indexes and FKs),
 * only from_table for a dropped one.
 */
struct rt_change {
	enum rt_change_kind kind;
	const struct rt_cat_table *from_table, *to_table;
	const struct rt_cat_column *from_column, *to_column;
	const struct rt_cat_key *from_key, *to_key;
	const struct rt_cat_fk *fk;
	const struct rt_cat_check *check;
	const struct rt_cat_index *index;
	const struct rt_cat_view *from_view, *to_view;
	const struct rt_cat_enum *from_enum, *to_enum;
	const struct rt_cat_sequence *from_sequence, *to_sequence;
	/* drops a table or column that may hold rows, narrows a type */
	bool destructive;
	/*
	 * A dropped table or column that looks like the added one: the
	 * name of the other side, for a "check: is this a rename?" note.
	 */
	const char *maybe_renamed_to;
	const char *maybe_renamed_from;
	/*
	 * Not a difference of its own: an object dropped and re-created
	 * (or re-added) because something it depends on changes - a view
	 * that reads a changed table, a PostgreSQL FK whose referenced key
	 * is re-created, a key or index on a column that is re-added.  The
	 * name of that thing; NULL for a real difference.  `check` may
	 * leave these out.
	 */
	const char *depends_on;
	/*
	 * RT_CHANGE_ALTER_ENUM: labels are removed or reordered, which
	 * ALTER TYPE cannot do: the type is re-created in place - the old
	 * one renamed, the new one created, every column of the old type
	 * converted through text (defaults dropped around it), the old one
	 * dropped - in phase 3, after the views that read those columns
	 * are gone.  destructive when a label is removed: rows that hold it
	 * make the conversion fail (nothing is lost silently).
	 */
	bool enum_recreated;
	const struct rt_cat_trigger *from_trigger, *to_trigger;
};

struct rt_changes {
	struct rt_change *items;
	size_t nr, alloc;
};

#define RT_CHANGES_INIT \
 {                      \
  NULL, 0, 0            \
 }

/* The changes that turn `from` into `to` (same dialect), in run order. */
int rt_schema_diff(struct rt_changes *out, const struct rt_catalog *from,
                   const struct rt_catalog *to, struct rt_error *err);
void rt_changes_release(struct rt_changes *changes);

/*
 * One human-readable line (no newline) for `check` and the "Detected
 * ..." log lines of autogenerate, e.g. "added table 'order'", "removed
 * column 'user.nickname'", "type of 'address.street' changed from
 * VARCHAR(200) to TEXT".
 */
void rt_change_describe(struct rt_buf *out, const struct rt_change *change);

#endif
