/*
 * cmd_heads.c - `retort heads [-v] [--resolve-dependencies]`.
 */
#include "util/compat.h"
#include "cli/cli.h"

struct heads_args {
	bool verbose;
	bool resolve_dependencies;
};

static int do_heads(struct rt_context *ctx, void *data, struct rt_error *err)
{
	struct heads_args *a = data;

	return rt_heads(ctx, a->verbose, a->resolve_dependencies, err);
}

int cmd_heads(int argc, const char **argv, struct rt_cli *cli)
{
	struct heads_args a = { false, false };
	const struct cli_option options[] = {
		{ 'v', "verbose", NULL, CLI_OPT_FLAG, &a.verbose,
		  "show each revision in full" },
		{ 0, "resolve-dependencies", NULL, CLI_OPT_FLAG,
		  &a.resolve_dependencies,
		  "leave out heads that another revision depends on" },
		{ 0, NULL, NULL, 0, NULL, NULL }
	};
	const struct cli_spec spec = {
		"heads", "Show the head revisions of the scripts.", options,
		NULL
	};

	return cli_run(&spec, cli, argc, argv, do_heads, &a);
}
