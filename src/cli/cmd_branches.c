/*
 * cmd_branches.c - `retort branches [-v]`.
 */
#include "util/compat.h"
#include "cli/cli.h"

static int do_branches(struct rt_context *ctx, void *data, struct rt_error *err)
{
	return rt_branches(ctx, *(bool *)data, err);
}

int cmd_branches(int argc, const char **argv, struct rt_cli *cli)
{
	bool verbose = false;
	const struct cli_option options[] = {
		{ 'v', "verbose", NULL, CLI_OPT_FLAG, &verbose,
		  "show each branch point in full" },
		{ 0, NULL, NULL, 0, NULL, NULL }
	};
	const struct cli_spec spec = {
		"branches", "Show the branch points and their children.",
		options, NULL
	};

	return cli_run(&spec, cli, argc, argv, do_branches, &verbose);
}
