/*
 * cmd_check.c - `retort check`.
 */
#include "util/compat.h"
#include "cli/cli.h"

static int do_check(struct rt_context *ctx, void *data, struct rt_error *err)
{
	(void)data;
	return rt_check(ctx, err);
}

int cmd_check(int argc, const char **argv, struct rt_cli *cli)
{
	const struct cli_option options[] = { { 0, NULL, NULL, 0, NULL,
		                                NULL } };
	const struct cli_spec spec = {
		"check",
		"Compare the database at head with target_schema and fail "
		"when they differ (changes nothing).",
		options, NULL
	};

	return cli_run(&spec, cli, argc, argv, do_check, NULL);
}
