/*
 * cmd_downgrade.c - `retort downgrade [--sql] [--tag TAG] REVISION`.
 */
#include "util/compat.h"
#include "cli/cli.h"

struct downgrade_args {
	struct rt_run_options run;
	struct rt_strvec revision;
};

static int do_downgrade(struct rt_context *ctx, void *data,
                        struct rt_error *err)
{
	struct downgrade_args *a = data;

	return rt_downgrade(ctx, a->revision.v[0], &a->run, err);
}

int cmd_downgrade(int argc, const char **argv, struct rt_cli *cli)
{
	struct downgrade_args a = { RT_RUN_OPTIONS_INIT, RT_STRVEC_INIT };
	const struct cli_option options[] = {
		{ 0, "sql", NULL, CLI_OPT_FLAG, &a.run.sql,
		  "print the SQL instead of running it (REVISION must then "
		  "be a range START:END)" },
		{ 0, "tag", "TAG", CLI_OPT_STRING, &a.run.tag,
		  "accepted for compatibility with Alembic; not used" },
		{ 0, NULL, NULL, 0, NULL, NULL }
	};
	const struct cli_positional args[] = {
		{ "revision", 1, 1, &a.revision,
		  "target: base, an id or prefix, -N, LABEL@-N, ..." },
		{ NULL, 0, 0, NULL, NULL }
	};
	const struct cli_spec spec = { "downgrade",
		                       "Revert revisions down to REVISION.",
		                       options, args };
	int ret = cli_run(&spec, cli, argc, argv, do_downgrade, &a);

	rt_strvec_clear(&a.revision);
	return ret;
}
