/*
 * diff.h - what separates two catalogs: an ordered list of changes that
 * turns `from` into `to`, and a one-line description of each.
 *
 * The order is one that can run: enums and sequences first; views that
 * read a changed table dropped before and re-created after; tables
 * created with those they reference first; columns, keys, checks and
 * indexes; tables dropped with those that reference them first; enums
 * and sequences last.  The downgrade of a revision is rt_schema_diff()
 * with the two catalogs swapped.
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
	RT_CHANGE_ALTER_ENUM, /* labels added */
	RT_CHANGE_DROP_ENUM,
	RT_CHANGE_ADD_SEQUENCE,
	RT_CHANGE_ALTER_SEQUENCE,
	RT_CHANGE_DROP_SEQUENCE,
	RT_CHANGE_ADD_TABLE,
	RT_CHANGE_DROP_TABLE,
	RT_CHANGE_ADD_COLUMN,
	RT_CHANGE_DROP_COLUMN,
	RT_CHANGE_ALTER_COLUMN, /* type, null, default, collation, identity */
	RT_CHANGE_SET_PRIMARY_KEY, /* from_key -> to_key, either may be NULL */
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
	RT_CHANGE_VIEW_COMMENT
};

/* Pointers into the two catalogs, which must outlive the list. */
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
