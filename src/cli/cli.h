/*
 * cli.h - what the command files of the `retort` program share.
 *
 * main.c parses the global options into a struct rt_cli and calls the
 * command's function from the table in commands.c.  Each cmd_<name>.c
 * declares its options and arguments (the help text comes from the same
 * table), calls one library function and returns the exit status through
 * cli_finish().  The CLI uses only the public API and src/util.
 */
#ifndef RT_CLI_H
#define RT_CLI_H

#include "util/compat.h"
#include "util/strvec.h"
#include "retort/retort.h"

/* Exit statuses (documented in README.md "Exit status"). */
#define CLI_EXIT_OK     0
#define CLI_EXIT_USAGE  2 /* bad command line (argparse-style) */
#define CLI_EXIT_FAILED 255 /* "FAILED: ..." (Alembic's sys.exit(-1)) */
#define CLI_EXIT_RAISED 1 /* --raiseerr: failure with internal detail */

struct rt_cli {
	const char *prog; /* "retort" */
	const char *config_path; /* -c, else $ALEMBIC_CONFIG, else NULL */
	const char *section; /* -n */
	struct rt_strvec x_args; /* -x */
	const char *database_url; /* $DATABASE_URL */
	char *cache_dir; /* from the environment, see main.c; NULL: none */
	bool raiseerr;
	bool quiet;
	double lock_timeout;
};

enum cli_opt_kind {
	CLI_OPT_FLAG, /* bool */
	CLI_OPT_STRING, /* const char *, last one wins */
	CLI_OPT_APPEND /* struct rt_strvec, repeatable */
};

struct cli_option {
	char short_name; /* 0 when none */
	const char *long_name; /* without the dashes; NULL when none */
	const char *metavar; /* the value's name in usage; NULL for flags */
	enum cli_opt_kind kind;
	void *dest;
	const char *help;
};

struct cli_positional {
	const char *name;
	int min, max; /* max < 0: unlimited */
	struct rt_strvec *dest;
	const char *help;
};

struct cli_spec {
	const char *name; /* "upgrade"; NULL for the program itself */
	const char *summary; /* one line, for `retort -h` and the help */
	const struct cli_option *options; /* ends with kind 0 & no names */
	const struct cli_positional *positionals; /* ends with name NULL */
};

/*
 * Parse argv (argv[0] is the command name) into the spec's destinations.
 * Returns 0 to go on, CLI_EXIT_OK after printing --help, or
 * CLI_EXIT_USAGE after printing an argparse-style usage error.
 * *done tells whether the caller should return the value at once.
 */
int cli_parse(const struct cli_spec *spec, const struct rt_cli *cli, int argc,
              const char **argv, bool *done);
void cli_usage_line(FILE *f, const struct rt_cli *cli,
                    const struct cli_spec *spec);
/* "usage: ...\nretort CMD: error: <msg>\n" on stderr; returns 2. */
int cli_usage_error(const struct rt_cli *cli, const struct cli_spec *spec,
                    const char *fmt, ...) RT_PRINTF(3, 4);

/* What a command does once its arguments are parsed. */
typedef int (*cli_action)(struct rt_context *ctx, void *data,
                          struct rt_error *err);
/*
 * Parse argv with `spec`, open the context, run `action`, print FAILED on
 * failure; returns the exit status.  The common body of most commands.
 */
int cli_run(const struct cli_spec *spec, struct rt_cli *cli, int argc,
            const char **argv, cli_action action, void *data);

/* Open a context from the global options, printing FAILED on error. */
int cli_open_context(struct rt_context **out, struct rt_cli *cli,
                     struct rt_error *err);
/* Print FAILED when ret < 0 and return the exit status. */
int cli_finish(struct rt_cli *cli, int ret, const struct rt_error *err);

/* Output/log callbacks shared by every command. */
void cli_write_stdout(void *baton, const char *text, size_t len);
void cli_log_stderr(void *baton, enum rt_log_level level, const char *logger,
                    const char *message);

struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, const char **argv, struct rt_cli *cli);
};

extern const struct cli_command cli_commands[];
const struct cli_command *cli_find_command(const char *name);

int cmd_branches(int argc, const char **argv, struct rt_cli *cli);
int cmd_check(int argc, const char **argv, struct rt_cli *cli);
int cmd_current(int argc, const char **argv, struct rt_cli *cli);
int cmd_downgrade(int argc, const char **argv, struct rt_cli *cli);
int cmd_edit(int argc, const char **argv, struct rt_cli *cli);
int cmd_heads(int argc, const char **argv, struct rt_cli *cli);
int cmd_history(int argc, const char **argv, struct rt_cli *cli);
int cmd_init(int argc, const char **argv, struct rt_cli *cli);
int cmd_merge(int argc, const char **argv, struct rt_cli *cli);
int cmd_revision(int argc, const char **argv, struct rt_cli *cli);
int cmd_show(int argc, const char **argv, struct rt_cli *cli);
int cmd_stamp(int argc, const char **argv, struct rt_cli *cli);
int cmd_upgrade(int argc, const char **argv, struct rt_cli *cli);

#endif
