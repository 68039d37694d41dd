/*
 * retort/commands.h - the commands of the `retort` program, as functions.
 *
 * Each function does what the command of the same name does (see
 * SPEC.md §2 and `retort COMMAND -h`), writing its results through the
 * context's `out` callback and its log records through `log`, in Alembic's
 * exact formats.  They return 0 or a negative RT_E* code with `err`
 * filled; the message is what the CLI prints after "FAILED: ".
 *
 * Revision arguments accept everything Alembic accepts: full ids, unique
 * prefixes, head, heads, base, LABEL@head, relative +N / -N, ...
 */
#ifndef RETORT_COMMANDS_H
#define RETORT_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "context.h"

#ifdef __cplusplus
extern "C" {
#endif

struct rt_context;
struct rt_error;

/* Options of upgrade, downgrade and stamp. */
struct rt_run_options {
	bool sql; /* offline: print the SQL instead of running it */
	const char *tag; /* --tag, kept for compatibility (unused) */
	bool purge; /* stamp only: delete every row first */
};
#define RT_RUN_OPTIONS_INIT \
 {                          \
  false, NULL, false        \
 }

RT_EXTERN int rt_upgrade(struct rt_context *ctx, const char *target,
                         const struct rt_run_options *opts,
                         struct rt_error *err);
RT_EXTERN int rt_downgrade(struct rt_context *ctx, const char *target,
                           const struct rt_run_options *opts,
                           struct rt_error *err);
RT_EXTERN int rt_stamp(struct rt_context *ctx, const char *const *targets,
                       size_t nr_targets, const struct rt_run_options *opts,
                       struct rt_error *err);

RT_EXTERN int rt_current(struct rt_context *ctx, bool verbose,
                         struct rt_error *err);
/* `range` NULL = everything; see `retort history -h`. */
RT_EXTERN int rt_history(struct rt_context *ctx, const char *range,
                         bool verbose, bool indicate_current,
                         struct rt_error *err);
RT_EXTERN int rt_heads(struct rt_context *ctx, bool verbose,
                       bool resolve_dependencies, struct rt_error *err);
RT_EXTERN int rt_branches(struct rt_context *ctx, bool verbose,
                          struct rt_error *err);
RT_EXTERN int rt_show(struct rt_context *ctx, const char *const *revs,
                      size_t nr_revs, struct rt_error *err);

/*
 * The script files `edit REV` opens: the revisions REV resolves to (`current`
 * = the database's).  *paths is a NULL-terminated array the caller frees
 * with rt_free_paths().  Alembic's errors: "No revision files indicated by
 * symbol 'base'", "No current revisions".  Running the editor is the
 * caller's business (the library never starts programs).
 */
RT_EXTERN int rt_edit_paths(struct rt_context *ctx, const char *rev,
                            char ***paths, struct rt_error *err);
RT_EXTERN void rt_free_paths(char **paths);

/* Options of `revision` and `merge`. */
struct rt_revision_options {
	const char *message;
	const char *rev_id; /* NULL = 12 random hex digits */
	const char *const *heads; /* --head (revision) or the REVISIONS of
	                             merge; NULL-terminated; NULL = "head" */
	bool splice;
	const char *branch_label;
	const char *const *depends_on; /* NULL-terminated, may be NULL */
	const char *version_path;
	bool autogenerate;
};
#define RT_REVISION_OPTIONS_INIT                   \
 {                                                 \
  NULL, NULL, NULL, false, NULL, NULL, NULL, false \
 }

RT_EXTERN int rt_revision(struct rt_context *ctx,
                          const struct rt_revision_options *opts,
                          struct rt_error *err);
RT_EXTERN int rt_merge(struct rt_context *ctx,
                       const struct rt_revision_options *opts,
                       struct rt_error *err);

/*
 * `check`: compare the database at head with the desired schema
 * (target_schema in the ini) as `revision --autogenerate` would, change
 * nothing.  Prints "No new upgrade operations detected." when they
 * match; otherwise prints each difference on a line of its own and fails
 * with "New upgrade operations detected: ..." (RT_ERROR), so CI can stop
 * a schema edited without a migration.  The database must be at the
 * heads ("Target database is not up to date.").
 */
RT_EXTERN int rt_check(struct rt_context *ctx, struct rt_error *err);

/*
 * `init DIR`: create DIR with versions/, script.sql.tmpl and README, and
 * `ini_path` (NULL = "alembic.ini") unless it exists.  Needs no context.
 */
RT_EXTERN int rt_init(const char *dir, const char *ini_path, rt_output_fn out,
                      void *out_baton, struct rt_error *err);

#ifdef __cplusplus
}
#endif

#endif
