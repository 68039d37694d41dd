/*
 * migrate.h - shared between the online runner (run.c) and offline SQL
 * generation (offline.c): which command is running and how to plan it.
 */
#ifndef RT_MIGRATE_H
#define RT_MIGRATE_H

#include "util/compat.h"
#include "graph/plan.h"

struct rt_arena;
struct rt_context;
struct rt_error;

struct rt_run_request {
	enum rt_step_kind kind;
	const char *target; /* upgrade / downgrade */
	const char *const *targets; /* stamp */
	size_t nr_targets;
	bool purge; /* stamp --purge */
};

/* Plan `req` against the version-table rows `rows`. */
int rt_migrate_plan(struct rt_plan *plan, struct rt_context *ctx,
                    const struct rt_run_request *req, const char *const *rows,
                    size_t nr_rows, struct rt_error *err);

/* Apply one version-table change to an in-memory copy of the rows. */
void rt_migrate_apply_op(struct rt_strvec *rows, const struct rt_vt_op *op);

/*
 * The SQL section a step runs ("" for stamp steps) and the line where its
 * body starts.  Unless the revision came with its SQL, the script is read
 * again now (rt_script_load_sql()) into `scratch`, which the caller
 * releases once the step is done.
 */
int rt_migrate_step_sql(const char **sql, unsigned *line,
                        struct rt_arena *scratch, const struct rt_step *step,
                        struct rt_error *err);

/* Offline (--sql) entry point, called by rt_upgrade & co. */
int rt_offline_run(struct rt_context *ctx, const struct rt_run_request *req,
                   struct rt_error *err);

#endif
