/*
 * cmd_merge.c - `retort merge REVISIONS... [-m MSG] [--branch-label L]
 * [--rev-id ID]`.
 */
#include "util/compat.h"
#include "cli/cli.h"

struct merge_args {
	struct rt_revision_options opts;
	struct rt_strvec revisions;
};

static int do_merge(struct rt_context *ctx, void *data, struct rt_error *err)
{
	struct merge_args *a = data;

	a->opts.heads = a->revisions.v;
	return rt_merge(ctx, &a->opts, err);
}

int cmd_merge(int argc, const char **argv, struct rt_cli *cli)
{
	struct merge_args a = { RT_REVISION_OPTIONS_INIT, RT_STRVEC_INIT };
	const struct cli_option options[] = {
		{ 'm', "message", "MESSAGE", CLI_OPT_STRING, &a.opts.message,
		  "what the merge is for" },
		{ 0, "branch-label", "BRANCH_LABEL", CLI_OPT_STRING,
		  &a.opts.branch_label, "a label for the merged branch" },
		{ 0, "rev-id", "REV_ID", CLI_OPT_STRING, &a.opts.rev_id,
		  "use this id instead of a random one" },
		{ 0, NULL, NULL, 0, NULL, NULL }
	};
	const struct cli_positional args[] = {
		{ "revisions", 1, -1, &a.revisions,
		  "the revisions to join, usually 'heads'" },
		{ NULL, 0, 0, NULL, NULL }
	};
	const struct cli_spec spec = {
		"merge", "Write a revision that merges REVISIONS.", options,
		args
	};
	int ret = cli_run(&spec, cli, argc, argv, do_merge, &a);

	rt_strvec_clear(&a.revisions);
	return ret;
}
