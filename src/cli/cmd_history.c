/*
 * cmd_history.c - `retort history [-r RANGE] [-v] [-i]`.
 */
#include "util/compat.h"
#include "cli/cli.h"

struct history_args {
	const char *range;
	bool verbose;
	bool indicate_current;
};

static int do_history(struct rt_context *ctx, void *data, struct rt_error *err)
{
	struct history_args *a = data;

	return rt_history(ctx, a->range, a->verbose, a->indicate_current, err);
}

int cmd_history(int argc, const char **argv, struct rt_cli *cli)
{
	struct history_args a = { NULL, false, false };
	const struct cli_option options[] = {
		{ 'r', "rev-range", "REV_RANGE", CLI_OPT_STRING, &a.range,
		  "only START:END (either side may be empty or 'current')" },
		{ 'v', "verbose", NULL, CLI_OPT_FLAG, &a.verbose,
		  "show each revision in full" },
		{ 'i', "indicate-current", NULL, CLI_OPT_FLAG,
		  &a.indicate_current,
		  "mark the revisions recorded in the database" },
		{ 0, NULL, NULL, 0, NULL, NULL }
	};
	const struct cli_spec spec = { "history",
		                       "List the revisions, newest first.",
		                       options, NULL };

	return cli_run(&spec, cli, argc, argv, do_history, &a);
}
