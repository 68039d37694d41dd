/*
 * cmd_current.c - `retort current [-v]`.
 */
#include "util/compat.h"
#include "cli/cli.h"

static int do_current(struct rt_context *ctx, void *data, struct rt_error *err)
{
	return rt_current(ctx, *(bool *)data, err);
}

int cmd_current(int argc, const char **argv, struct rt_cli *cli)
{
	bool verbose = false;
	const struct cli_option options[] = {
		{ 'v', "verbose", NULL, CLI_OPT_FLAG, &verbose,
		  "show each revision in full" },
		{ 0, NULL, NULL, 0, NULL, NULL }
	};
	const struct cli_spec spec = {
		"current",
		"Show the revisions recorded in the database (never changes "
		"it).",
		options, NULL
	};

	return cli_run(&spec, cli, argc, argv, do_current, &verbose);
}
