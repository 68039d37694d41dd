/*
 * cmd_stamp.c - `retort stamp [--sql] [--tag TAG] [--purge] REVISION...`.
 */
#include "util/compat.h"
#include "cli/cli.h"

struct stamp_args {
	struct rt_run_options run;
	struct rt_strvec revisions;
};

static int do_stamp(struct rt_context *ctx, void *data, struct rt_error *err)
{
	struct stamp_args *a = data;

	return rt_stamp(ctx, a->revisions.v, a->revisions.nr, &a->run, err);
}

int cmd_stamp(int argc, const char **argv, struct rt_cli *cli)
{
	struct stamp_args a = { RT_RUN_OPTIONS_INIT, RT_STRVEC_INIT };
	const struct cli_option options[] = {
		{ 0, "sql", NULL, CLI_OPT_FLAG, &a.run.sql,
		  "print the SQL instead of running it" },
		{ 0, "tag", "TAG", CLI_OPT_STRING, &a.run.tag,
		  "accepted for compatibility with Alembic; not used" },
		{ 0, "purge", NULL, CLI_OPT_FLAG, &a.run.purge,
		  "delete every row of the version table first" },
		{ 0, NULL, NULL, 0, NULL, NULL }
	};
	const struct cli_positional args[] = {
		{ "revisions", 1, -1, &a.revisions,
		  "the revision(s) to record, e.g. head, an id, base" },
		{ NULL, 0, 0, NULL, NULL }
	};
	const struct cli_spec spec = {
		"stamp",
		"Set the version table to REVISIONS without running any "
		"migration.",
		options, args
	};
	int ret = cli_run(&spec, cli, argc, argv, do_stamp, &a);

	rt_strvec_clear(&a.revisions);
	return ret;
}
