/*
 * cmd_revision.c - `retort revision -m MSG [--head H] [--splice]
 * [--branch-label L] [--depends-on R]... [--rev-id ID]
 * [--version-path P] [--autogenerate]`.
 */
#include "util/compat.h"
#include "cli/cli.h"

struct revision_args {
	struct rt_revision_options opts;
	const char *head;
	const char *heads[2];
	struct rt_strvec depends_on;
};

static int do_revision(struct rt_context *ctx, void *data, struct rt_error *err)
{
	struct revision_args *a = data;

	if (a->head) {
		a->heads[0] = a->head;
		a->opts.heads = a->heads;
	}
	if (a->depends_on.nr)
		a->opts.depends_on = a->depends_on.v;
	return rt_revision(ctx, &a->opts, err);
}

int cmd_revision(int argc, const char **argv, struct rt_cli *cli)
{
	struct revision_args a = {
		RT_REVISION_OPTIONS_INIT, NULL, { NULL, NULL }, RT_STRVEC_INIT
	};
	const struct cli_option options[] = {
		{ 'm', "message", "MESSAGE", CLI_OPT_STRING, &a.opts.message,
		  "what the revision does (first line of the script)" },
		{ 0, "autogenerate", NULL, CLI_OPT_FLAG, &a.opts.autogenerate,
		  "write the SQL from the desired schema (not available yet)" },
		{ 0, "head", "HEAD", CLI_OPT_STRING, &a.head,
		  "the parent: head (default), base, heads, LABEL@head, an id" },
		{ 0, "splice", NULL, CLI_OPT_FLAG, &a.opts.splice,
		  "allow a parent that is not a head (starts a branch)" },
		{ 0, "branch-label", "BRANCH_LABEL", CLI_OPT_STRING,
		  &a.opts.branch_label, "a label for the branch it starts" },
		{ 0, "version-path", "VERSION_PATH", CLI_OPT_STRING,
		  &a.opts.version_path,
		  "which version location to write it in" },
		{ 0, "rev-id", "REV_ID", CLI_OPT_STRING, &a.opts.rev_id,
		  "use this id instead of a random one" },
		{ 0, "depends-on", "DEPENDS_ON", CLI_OPT_APPEND, &a.depends_on,
		  "a revision or label it depends on (repeatable)" },
		{ 0, NULL, NULL, 0, NULL, NULL }
	};
	const struct cli_spec spec = { "revision",
		                       "Write a new revision script.", options,
		                       NULL };
	int ret = cli_run(&spec, cli, argc, argv, do_revision, &a);

	rt_strvec_clear(&a.depends_on);
	return ret;
}
