/*
 * format.h - Alembic's text for one revision, in its two shapes
 * (alembic.md §7): the one-line form used by history, heads, current and
 * branches, and the verbose entry used by -v and show.  Pure functions of
 * the graph, so the exact bytes are unit-testable.
 */
#ifndef RT_REPORT_FORMAT_H
#define RT_REPORT_FORMAT_H

#include "util/compat.h"
#include "util/buf.h"
#include "graph/revision.h"

struct rt_revmap;

enum rt_fmt_flags {
	RT_FMT_PARENTS = 1 << 0, /* "<base> -> " / "a, b (deps) -> " */
	RT_FMT_LABELS = 1 << 1, /* " (label)" */
	RT_FMT_TREE = 1 << 2, /* " (branchpoint)", " (mergepoint)" */
	RT_FMT_DOC = 1 << 3, /* ", message" */
	RT_FMT_CURRENT = 1 << 4 /* " (current)" (history -i) */
};

/* Append the one-line form (no newline). */
void rt_format_oneline(struct rt_buf *out, const struct rt_revmap *map,
                       const struct rt_revision *rev, unsigned flags);
/*
 * Append the verbose entry: "Rev: ..." through the indented docstring,
 * ending with "\n" (callers add the blank line that separates entries).
 * `current` adds " (current)" to the first line.
 */
void rt_format_verbose(struct rt_buf *out, const struct rt_revmap *map,
                       const struct rt_revision *rev, bool current);
/* Either of the two, as Alembic's cmd_format() chooses. */
void rt_format_cmd(struct rt_buf *out, const struct rt_revmap *map,
                   const struct rt_revision *rev, bool verbose, unsigned flags);

#endif
