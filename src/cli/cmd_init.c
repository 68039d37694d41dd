/*
 * cmd_init.c - `retort init DIRECTORY`: needs no existing configuration,
 * so it does not open a context.
 */
#include "util/compat.h"
#include "cli/cli.h"

int cmd_init(int argc, const char **argv, struct rt_cli *cli)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_strvec dir = RT_STRVEC_INIT;
	const struct cli_positional args[] = {
		{ "directory", 1, 1, &dir,
		  "where the scripts go (script_location)" },
		{ NULL, 0, 0, NULL, NULL }
	};
	const struct cli_spec spec = {
		"init",
		"Create a migration environment: DIRECTORY with versions/, "
		"a script template and a README, and alembic.ini.",
		NULL, args
	};
	bool done = false;
	int ret = cli_parse(&spec, cli, argc, argv, &done);

	if (!done)
		ret = cli_finish(cli,
		                 rt_init(dir.v[0], cli->config_path,
		                         cli_write_stdout, cli, &err),
		                 &err);
	rt_strvec_clear(&dir);
	return ret;
}
