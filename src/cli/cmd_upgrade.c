/*
 * cmd_upgrade.c - `retort upgrade [--sql] [--tag TAG] REVISION`.
 */
#include "util/compat.h"
#include "cli/cli.h"

struct upgrade_args {
	struct rt_run_options run;
	struct rt_strvec revision;
};

static int do_upgrade(struct rt_context *ctx, void *data, struct rt_error *err)
{
	struct upgrade_args *a = data;

	return rt_upgrade(ctx, a->revision.v[0], &a->run, err);
}

int cmd_upgrade(int argc, const char **argv, struct rt_cli *cli)
{
	struct upgrade_args a = { RT_RUN_OPTIONS_INIT, RT_STRVEC_INIT };
	const struct cli_option options[] = {
		{ 0, "sql", NULL, CLI_OPT_FLAG, &a.run.sql,
		  "print the SQL instead of running it (REVISION may then be "
		  "a range START:END)" },
		{ 0, "tag", "TAG", CLI_OPT_STRING, &a.run.tag,
		  "accepted for compatibility with Alembic; not used" },
		{ 0, NULL, NULL, 0, NULL, NULL }
	};
	const struct cli_positional args[] = {
		{ "revision", 1, 1, &a.revision,
		  "target: head, heads, an id or prefix, LABEL@head, +N, ..." },
		{ NULL, 0, 0, NULL, NULL }
	};
	const struct cli_spec spec = {
		"upgrade", "Apply the revisions needed to reach REVISION.",
		options, args
	};
	int ret = cli_run(&spec, cli, argc, argv, do_upgrade, &a);

	rt_strvec_clear(&a.revision);
	return ret;
}
