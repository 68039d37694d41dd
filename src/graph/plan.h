/*
 * plan.h - what `upgrade`, `downgrade` and `stamp` will do, computed
 * without touching a database.
 *
 * A plan is the list of steps in execution order; each step names the
 * revision whose script runs (none for stamp), the log line Alembic prints
 * for it, and the version-table changes that go with it (Alembic's "head
 * maintainer", alembic.md §8.4/§8.5).  The same plan drives an online run
 * (migrate/run.c) and offline SQL (migrate/offline.c), so both agree.
 *
 * `rows` are the version table's rows in the order the database returned
 * them (that order decides where `downgrade -1` starts with several
 * heads).
 *
 * Error codes (here and in revmap.h's resolution functions): Alembic's
 * CommandErrors come back as RT_ENOTFOUND, RT_EMULTIHEAD or RT_EUSAGE
 * with Alembic's exact text (the CLI prints "FAILED: <text>"); where
 * Alembic itself crashes with a traceback (AssertionError, KeyError) the
 * code is RT_ERROR with an explanation, and nothing should go to stdout.
 */
#ifndef RT_PLAN_H
#define RT_PLAN_H

#include "util/compat.h"
#include "util/buf.h"
#include "util/strvec.h"
#include "util/arena.h"
#include "graph/revision.h"
#include "retort/error.h"

struct rt_revmap;

enum rt_vt_op_kind {
	RT_VT_INSERT, /* INSERT `to` */
	RT_VT_UPDATE, /* UPDATE `from` -> `to` */
	RT_VT_DELETE /* DELETE `from` */
};

struct rt_vt_op {
	enum rt_vt_op_kind kind;
	const char *from; /* borrowed revision ids */
	const char *to;
};

enum rt_step_kind { RT_STEP_UPGRADE, RT_STEP_DOWNGRADE, RT_STEP_STAMP };

struct rt_step {
	enum rt_step_kind kind;
	const struct rt_revision *rev; /* NULL for stamp steps */
	/*
	 * "Running upgrade a -> b" (no logger prefix): what --sql prints
	 * after "-- "; owned.  The log line adds ", msg" (rt_step_log_line).
	 */
	char *short_line;
	struct rt_vt_op *ops; /* owned array */
	size_t nr_ops;
};

struct rt_plan {
	struct rt_step *steps;
	size_t nr;
	size_t alloc;
	/* warnings to print before running, e.g. "downgrade -1 from multiple
	   heads is ambiguous; ..." */
	struct rt_strvec warnings;
	/*
	 * Where Alembic itself fails part-way through (it crashes after
	 * committing some steps), the plan keeps the steps it completes and
	 * sets `fail_after` to their number and `failure` to the error to
	 * report after running them.  fail_after < 0: no such failure.
	 */
	long fail_after;
	struct rt_error failure;
	/* copies of version-table rows that ops refer to (internal) */
	struct rt_arena strings;
};

#define RT_PLAN_INIT                                           \
 {                                                             \
  NULL, 0, 0, RT_STRVEC_INIT, -1, RT_ERROR_INIT, RT_ARENA_INIT \
 }

/*
 * Plan `upgrade TARGET` from `rows` (§8.2, relative forms §5.4).  Errors
 * are Alembic's: "Range revision not allowed" is the caller's job; here
 * e.g. "Relative revision +2 didn't produce 2 migrations",
 * "Ambiguous walk", "Requested revision X overlaps with other requested
 * revisions Y", the multiple-heads message.
 */
int rt_plan_upgrade(struct rt_plan *out, const struct rt_revmap *map,
                    const char *const *rows, size_t nr_rows, const char *target,
                    struct rt_error *err);
/* Plan `downgrade TARGET` from `rows` (§8.2, §5.4). */
int rt_plan_downgrade(struct rt_plan *out, const struct rt_revmap *map,
                      const char *const *rows, size_t nr_rows,
                      const char *target, struct rt_error *err);
/*
 * Plan `stamp TARGETS...` (§8.5).  With `purge` the rows are taken as
 * empty (the caller deletes them all first).
 */
int rt_plan_stamp(struct rt_plan *out, const struct rt_revmap *map,
                  const char *const *rows, size_t nr_rows,
                  const char *const *targets, size_t nr_targets, bool purge,
                  struct rt_error *err);
void rt_plan_release(struct rt_plan *plan);

/*
 * Append the step's log line: short_line, then ", <message>" for a
 * revision that has one ("Running upgrade a -> b, add users").  Made
 * when it is printed, so a plan of 10,000 steps does not hold 10,000 of
 * them.
 */
void rt_step_log_line(struct rt_buf *out, const struct rt_step *step);

/*
 * The errors Alembic raises from the target text alone, before it reads
 * the revision scripts, so that they win over a broken graph: `upgrade
 * -N` ("Relative revision -N didn't produce N migrations"), `downgrade
 * +N`, and `downgrade -N` when there are no rows.  `kind` is
 * RT_STEP_UPGRADE or RT_STEP_DOWNGRADE.  Returns 0 when the target needs
 * the graph; call it before loading the project when the rows are known
 * without the scripts (online, or `--sql` without a start revision).
 */
int rt_plan_precheck(enum rt_step_kind kind, const char *target, size_t nr_rows,
                     struct rt_error *err);

#endif
