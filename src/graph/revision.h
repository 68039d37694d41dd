/*
 * revision.h - one revision script, as read from disk.
 *
 * The script reader (script/sqlscript.c, later script/pyscript.c) fills
 * these fields; the revision map (revmap.h) links revisions to each other
 * and keeps the derived facts (children, heads, inherited labels).  All
 * strings and arrays live in the arena of the loaded project.
 */
#ifndef RT_REVISION_H
#define RT_REVISION_H

#include "util/compat.h"

struct rt_revision {
	const char *id;
	/* versioned parents (`Revises:`), in the order written */
	const char **down_revisions;
	size_t nr_down;
	/* `Depends On:` entries as written (ids, prefixes or labels) */
	const char **depends_on;
	size_t nr_depends;
	/* `Branch Labels:` declared by this revision */
	const char **branch_labels;
	size_t nr_labels;

	/*
	 * `longdoc`: the header comment block with the comment markers
	 * removed and surrounding blank lines stripped (what Alembic prints
	 * for the module docstring); `doc`: its first paragraph (the
	 * message), "" when there is none.
	 */
	const char *doc;
	const char *longdoc;

	const char *path; /* absolute path of the script file */
	const char *upgrade_sql; /* text of the -- +upgrade section */
	unsigned upgrade_line; /* line of its first body line */
	const char *downgrade_sql; /* text of the -- +downgrade section */
	unsigned downgrade_line;
	bool transactional; /* false for "-- Transactional: false" */
	/*
	 * "-- Foreign Keys: off": SQLite's foreign-key enforcement is
	 * switched off around the step's transaction (a table rebuild
	 * would otherwise fire ON DELETE actions in other tables)
	 */
	bool foreign_keys_off;
	bool is_python; /* an Alembic .py script (metadata only) */
	unsigned load_order; /* 0-based position in load order */
};

#endif

#ifndef RT_REVLIST_DEFINED
#define RT_REVLIST_DEFINED
/*
 * A growable list of borrowed revision pointers (the revisions belong to
 * the project).  RT_REVLIST_INIT is all zeros; rt_revlist_release frees
 * only the array.
 */
struct rt_revlist {
	const struct rt_revision **items;
	size_t nr;
	size_t alloc;
};
#define RT_REVLIST_INIT \
 {                      \
  NULL, 0, 0            \
 }
void rt_revlist_push(struct rt_revlist *list, const struct rt_revision *rev);
bool rt_revlist_contains(const struct rt_revlist *list,
                         const struct rt_revision *rev);
void rt_revlist_release(struct rt_revlist *list);
#endif
