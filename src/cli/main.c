/*
 * main.c - the `retort` program: global options, then one command.
 *
 *   retort [-c FILE] [-n SECTION] [-x KEY=VALUE]... [-q] [--raiseerr]
 *          [--lock-timeout SECONDS] COMMAND [ARGS]
 *
 * Global options come before the command, as in Alembic.  The environment
 * (ALEMBIC_CONFIG, DATABASE_URL, the cache folder) is read here and handed
 * to the library.
 * Exit status: 0 success, 2 usage error, 255 "FAILED: ..." (1 with
 * --raiseerr).
 */
#include "util/compat.h"
#include "cli/cli.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fs.h"

static void global_usage(FILE *f, const char *prog)
{
	fprintf(f,
	        "usage: %s [-h] [--version] [-c CONFIG] [-n NAME] [-x X] "
	        "[--raiseerr] [-q]\n"
	        "              [--lock-timeout SECONDS] COMMAND ...\n",
	        prog);
}

static void global_help(const char *prog)
{
	global_usage(stdout, prog);
	printf("\nDatabase schema migrations, compatible with Alembic.\n"
	       "\ncommands:\n");
	for (const struct cli_command *c = cli_commands; c->name; c++)
		printf("  %-20s  %s\n", c->name, c->summary);
	printf("\noptions:\n"
	       "  -h, --help            show this help message and exit\n"
	       "  --version             print the version and exit\n"
	       "  -c CONFIG, --config CONFIG\n"
	       "                        the ini file (default: "
	       "$ALEMBIC_CONFIG, else ./alembic.ini)\n"
	       "  -n NAME, --name NAME  the ini section to use (default: "
	       "alembic)\n"
	       "  -x X                  KEY=VALUE passed to the run; "
	       "-x url=URL sets the database\n"
	       "  --raiseerr            on failure also print where retort "
	       "raised the error\n"
	       "  -q, --quiet           print nothing on standard output\n"
	       "  --lock-timeout SECONDS\n"
	       "                        how long to wait for another "
	       "migration's lock\n"
	       "                        (default 30 on SQLite, 300 on "
	       "PostgreSQL)\n"
	       "\nRun '%s COMMAND -h' for the options of a command.\n",
	       prog);
}

/*
 * Where the library may keep its caches (the parsed script headers):
 * $RETORT_CACHE_DIR ("" turns caching off), else the XDG base directory
 * $XDG_CACHE_HOME/retort (only an absolute one counts, as the XDG spec
 * says), else ~/.cache/retort; no cache without any of them.
 */
static char *cache_dir_from_env(void)
{
	const char *v = getenv("RETORT_CACHE_DIR");

	if (v)
		return *v ? rt_xstrdup(v) : NULL;
	v = getenv("XDG_CACHE_HOME");
	if (v && v[0] == '/')
		return rt_path_join(v, "retort");
	v = getenv("HOME");
	if (v && *v)
		return rt_path_join(v, ".cache/retort");
	return NULL;
}

RT_PRINTF(2, 3)
static int global_error(const char *prog, const char *fmt, ...)
{
	va_list ap;

	global_usage(stderr, prog);
	fprintf(stderr, "%s: error: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_EXIT_USAGE;
}

/* The value of a global option: "-cFILE", "--config=FILE" or next arg. */
static const char *option_value(int argc, const char **argv, int *i,
                                size_t name_len)
{
	const char *a = argv[*i];

	if (a[1] != '-' && a[2])
		return a[2] == '=' ? a + 3 : a + 2; /* -cFILE or -c=FILE */
	if (a[1] == '-' && a[name_len] == '=')
		return a + name_len + 1;
	if (*i + 1 < argc && argv[*i + 1][0] != '-')
		return argv[++*i];
	return NULL;
}

static bool is_opt(const char *a, const char *shortopt, const char *longopt)
{
	if (shortopt && !strncmp(a, shortopt, 2) && a[1] != '-')
		return true;
	return longopt && rt_starts_with(a, longopt) &&
	       (a[strlen(longopt)] == '\0' || a[strlen(longopt)] == '=');
}

static int parse_global(struct rt_cli *cli, int argc, const char **argv,
                        int *cmd_index)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		const char *v = NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			global_help(cli->prog);
			return -1;
		} else if (!strcmp(a, "--version")) {
			printf("%s %s\n", cli->prog, rt_version());
			return -1;
		} else if (!strcmp(a, "--raiseerr")) {
			cli->raiseerr = true;
			continue;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			cli->quiet = true;
			continue;
		}
		if (is_opt(a, "-c", "--config")) {
			v = option_value(argc, argv, &i, strlen("--config"));
			cli->config_path = v;
		} else if (is_opt(a, "-n", "--name")) {
			v = option_value(argc, argv, &i, strlen("--name"));
			cli->section = v;
		} else if (is_opt(a, "-x", NULL)) {
			v = option_value(argc, argv, &i, 2);
			if (v)
				rt_strvec_push(&cli->x_args, v);
		} else if (is_opt(a, NULL, "--lock-timeout")) {
			char *end;
			v = option_value(argc, argv, &i,
			                 strlen("--lock-timeout"));
			if (v) {
				cli->lock_timeout = strtod(v, &end);
				if (*end || cli->lock_timeout < 0)
					return global_error(
					        cli->prog,
					        "argument --lock-timeout: "
					        "invalid number of seconds: "
					        "'%s'",
					        v);
			}
		} else {
			return global_error(cli->prog,
			                    "unrecognized arguments: %s", a);
		}
		if (!v)
			return global_error(
			        cli->prog, "argument %s: expected one argument",
			        a);
	}
	*cmd_index = i;
	return 0;
}

int main(int argc, const char **argv)
{
	struct rt_cli cli = { 0 };
	const struct cli_command *cmd;
	int cmd_index = 0, ret;

	cli.prog = "retort";
	cli.lock_timeout = -1.0;
	rt_strvec_init(&cli.x_args);
	cli.config_path = getenv("ALEMBIC_CONFIG");
	cli.database_url = getenv("DATABASE_URL");
	cli.cache_dir = cache_dir_from_env();
	ret = parse_global(&cli, argc, argv, &cmd_index);
	if (ret != 0) {
		ret = ret < 0 ? CLI_EXIT_OK : ret;
		goto out;
	}
	if (cmd_index >= argc) {
		ret = global_error(cli.prog, "%s", "too few arguments");
		goto out;
	}
	cmd = cli_find_command(argv[cmd_index]);
	if (!cmd) {
		struct rt_buf names = RT_BUF_INIT;
		for (const struct cli_command *c = cli_commands; c->name; c++)
			rt_buf_addf(&names, "%s'%s'", names.len ? ", " : "",
			            c->name);
		global_usage(stderr, cli.prog);
		fprintf(stderr,
		        "%s: error: argument COMMAND: invalid choice: '%s' "
		        "(choose from %s)\n",
		        cli.prog, argv[cmd_index], names.buf);
		rt_buf_release(&names);
		ret = CLI_EXIT_USAGE;
		goto out;
	}
	ret = cmd->run(argc - cmd_index, argv + cmd_index, &cli);
out:
	rt_strvec_clear(&cli.x_args);
	free(cli.cache_dir);
	fflush(stdout);
	return ret;
}
