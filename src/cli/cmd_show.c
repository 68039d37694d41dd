/*
 * cmd_show.c - `retort show REV...`.
 */
#include "util/compat.h"
#include "cli/cli.h"

static int do_show(struct rt_context *ctx, void *data, struct rt_error *err)
{
	struct rt_strvec *revs = data;

	return rt_show(ctx, revs->v, revs->nr, err);
}

int cmd_show(int argc, const char **argv, struct rt_cli *cli)
{
	struct rt_strvec revs = RT_STRVEC_INIT;
	const struct cli_positional args[] = {
		{ "rev", 1, -1, &revs,
		  "an id or prefix, head, heads, LABEL@head, current, ..." },
		{ NULL, 0, 0, NULL, NULL }
	};
	const struct cli_spec spec = { "show",
		                       "Show the given revisions in full.",
		                       NULL, args };
	int ret = cli_run(&spec, cli, argc, argv, do_show, &revs);

	rt_strvec_clear(&revs);
	return ret;
}
