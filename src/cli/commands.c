/*
 * commands.c - the table of commands, and what every command does around
 * its one library call: open the context, print FAILED, pick the exit
 * status.  Each command itself lives in cmd_<name>.c.
 */
#include "util/compat.h"
#include "cli/cli.h"

const struct cli_command cli_commands[] = {
	{ "branches", "show the branch points", cmd_branches },
	{ "check", "fail when the database differs from target_schema",
	  cmd_check },
	{ "current", "show the revisions the database is at", cmd_current },
	{ "downgrade", "revert the database to an earlier revision",
	  cmd_downgrade },
	{ "edit", "open a revision script in $EDITOR", cmd_edit },
	{ "heads", "show the head revisions of the scripts", cmd_heads },
	{ "history", "list the revisions, newest first", cmd_history },
	{ "init", "create a new migration environment", cmd_init },
	{ "merge", "write a revision that joins several heads", cmd_merge },
	{ "revision", "write a new revision script", cmd_revision },
	{ "show", "show revisions in full", cmd_show },
	{ "stamp", "set the version table without running migrations",
	  cmd_stamp },
	{ "upgrade", "apply revisions up to a target", cmd_upgrade },
	{ NULL, NULL, NULL }
};

const struct cli_command *cli_find_command(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

void cli_write_stdout(void *baton, const char *text, size_t len)
{
	const struct rt_cli *cli = baton;

	if (cli && cli->quiet)
		return;
	fwrite(text, 1, len, stdout);
	/* status lines ("Generating ...") show up before slow work */
	fflush(stdout);
}

/*
 * Log records in Python logging's "%(levelname)-5.5s [%(name)s]
 * %(message)s" form, as Alembic's ini configures it; retort's own
 * warnings (where Alembic would emit a Python UserWarning) read
 * "warning: ...".
 */
void cli_log_stderr(void *baton, enum rt_log_level level, const char *logger,
                    const char *message)
{
	const char *name = level >= RT_LOG_ERROR   ? "ERROR" :
	                   level >= RT_LOG_WARNING ? "WARNI" :
	                   level >= RT_LOG_INFO    ? "INFO " :
	                                             "DEBUG";

	(void)baton;
	fflush(stdout);
	if (!strcmp(logger, "retort"))
		fprintf(stderr, "%s: %s\n",
		        level >= RT_LOG_WARNING ? "warning" : "info", message);
	else
		fprintf(stderr, "%s [%s] %s\n", name, logger, message);
}

int cli_open_context(struct rt_context **out, struct rt_cli *cli,
                     struct rt_error *err)
{
	struct rt_context_options opts = RT_CONTEXT_OPTIONS_INIT;

	opts.config_path = cli->config_path;
	opts.section = cli->section;
	opts.x_args = cli->x_args.v;
	opts.database_url = cli->database_url;
	opts.lock_timeout = cli->lock_timeout;
	opts.out = cli_write_stdout;
	opts.out_baton = cli;
	opts.log = cli_log_stderr;
	opts.log_baton = cli;
	opts.cache_dir = cli->cache_dir;
	return rt_context_open(out, &opts, err);
}

int cli_finish(struct rt_cli *cli, int ret, const struct rt_error *err)
{
	if (ret >= 0)
		return CLI_EXIT_OK;
	fflush(stdout);
	/* stdout only where Alembic prints FAILED there (see error.h) */
	if (!cli->quiet)
		fprintf(err->alembic_crash ? stderr : stdout, "FAILED: %s\n",
		        err->message);
	fflush(stdout);
	if (err->hint[0])
		fprintf(stderr, "hint: %s\n", err->hint);
	if (cli->raiseerr) {
		fprintf(stderr, "retort: error %d raised at %s:%d", err->code,
		        err->src_file ? err->src_file : "?", err->src_line);
		if (err->loc.path[0])
			fprintf(stderr, " about %s:%u", err->loc.path,
			        err->loc.line);
		fputc('\n', stderr);
		return CLI_EXIT_RAISED;
	}
	return CLI_EXIT_FAILED;
}

int cli_run(const struct cli_spec *spec, struct rt_cli *cli, int argc,
            const char **argv, cli_action action, void *data)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_context *ctx = NULL;
	bool done = false;
	int ret = cli_parse(spec, cli, argc, argv, &done);

	if (done)
		return ret;
	ret = cli_open_context(&ctx, cli, &err);
	if (ret == 0)
		ret = action(ctx, data, &err);
	rt_context_free(ctx);
	return cli_finish(cli, ret, &err);
}
