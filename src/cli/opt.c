/*
 * opt.c - an argparse-compatible option parser for the commands.
 *
 * Alembic's users type commands from muscle memory and scripts, so the
 * corners argparse has are reproduced: `--opt value` and `--opt=value`,
 * `-rvalue` and `-r value`, bundled flags (`-vi`), unambiguous prefixes of
 * long options, `--` to end options, a value that starts with '-' must be
 * attached (`-r-1:`), and a bare negative number (`downgrade -1`) is an
 * argument, not an option.  Errors print the usage line and exit 2.
 */
#include "util/compat.h"
#include "cli/cli.h"
#include "util/buf.h"

#include <ctype.h>

static bool is_end(const struct cli_option *o)
{
	return !o->short_name && !o->long_name;
}

/* argparse treats "-1" or "-2.5" as an argument, not an option. */
static bool is_negative_number(const char *a)
{
	const char *p = a + 1;

	if (a[0] != '-' || !*p)
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.' && isdigit((unsigned char)p[1]))
		for (p++; isdigit((unsigned char)*p);)
			p++;
	return *p == '\0' && p > a + 1;
}

static bool looks_like_option(const char *a)
{
	return a[0] == '-' && a[1] && !is_negative_number(a);
}

/* "-r/--rev-range", as argparse names an option in messages. */
static void option_name(struct rt_buf *out, const struct cli_option *o)
{
	if (o->short_name)
		rt_buf_addf(out, "-%c", o->short_name);
	if (o->short_name && o->long_name)
		rt_buf_addch(out, '/');
	if (o->long_name)
		rt_buf_addf(out, "--%s", o->long_name);
}

void cli_usage_line(FILE *f, const struct rt_cli *cli,
                    const struct cli_spec *spec)
{
	fprintf(f, "usage: %s %s [-h]", cli->prog, spec->name);
	for (const struct cli_option *o = spec->options; o && !is_end(o); o++) {
		if (o->short_name)
			fprintf(f, " [-%c", o->short_name);
		else
			fprintf(f, " [--%s", o->long_name);
		if (o->metavar)
			fprintf(f, " %s", o->metavar);
		fputc(']', f);
	}
	for (const struct cli_positional *p = spec->positionals; p && p->name;
	     p++) {
		if (p->min == 0)
			fprintf(f, " [%s ...]", p->name);
		else if (p->max != 1)
			fprintf(f, " %s [%s ...]", p->name, p->name);
		else
			fprintf(f, " %s", p->name);
	}
	fputc('\n', f);
}

int cli_usage_error(const struct rt_cli *cli, const struct cli_spec *spec,
                    const char *fmt, ...)
{
	va_list ap;

	cli_usage_line(stderr, cli, spec);
	fprintf(stderr, "%s %s: error: ", cli->prog, spec->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_EXIT_USAGE;
}

static void help_row(const char *left, const char *help)
{
	if (strlen(left) <= 20)
		printf("  %-20s  %s\n", left, help);
	else
		printf("  %s\n  %-20s  %s\n", left, "", help);
}

static void print_help(const struct rt_cli *cli, const struct cli_spec *spec)
{
	struct rt_buf left = RT_BUF_INIT;

	cli_usage_line(stdout, cli, spec);
	printf("\n%s\n", spec->summary);
	if (spec->positionals && spec->positionals->name) {
		printf("\npositional arguments:\n");
		for (const struct cli_positional *p = spec->positionals;
		     p->name; p++)
			help_row(p->name, p->help);
	}
	printf("\noptions:\n");
	help_row("-h, --help", "show this help message and exit");
	for (const struct cli_option *o = spec->options; o && !is_end(o); o++) {
		rt_buf_reset(&left);
		if (o->short_name)
			rt_buf_addf(&left, "-%c%s%s", o->short_name,
			            o->metavar ? " " : "",
			            o->metavar ? o->metavar : "");
		if (o->short_name && o->long_name)
			rt_buf_adds(&left, ", ");
		if (o->long_name)
			rt_buf_addf(&left, "--%s%s%s", o->long_name,
			            o->metavar ? " " : "",
			            o->metavar ? o->metavar : "");
		help_row(left.buf, o->help);
	}
	rt_buf_release(&left);
}

static const struct cli_option *find_short(const struct cli_spec *spec, char c)
{
	for (const struct cli_option *o = spec->options; o && !is_end(o); o++)
		if (o->short_name == c)
			return o;
	return NULL;
}

/* Exact long name, else a unique prefix (argparse's abbreviations). */
static const struct cli_option *find_long(const struct cli_spec *spec,
                                          const char *name, size_t len,
                                          bool *ambiguous)
{
	const struct cli_option *found = NULL;

	*ambiguous = false;
	for (const struct cli_option *o = spec->options; o && !is_end(o); o++) {
		if (!o->long_name || strncmp(o->long_name, name, len))
			continue;
		if (strlen(o->long_name) == len)
			return o;
		if (found)
			*ambiguous = true;
		found = o;
	}
	return *ambiguous ? NULL : found;
}

static void store(const struct cli_option *o, const char *value)
{
	switch (o->kind) {
	case CLI_OPT_FLAG:
		*(bool *)o->dest = true;
		break;
	case CLI_OPT_STRING:
		*(const char **)o->dest = value;
		break;
	case CLI_OPT_APPEND:
		rt_strvec_push(o->dest, value);
		break;
	}
}

struct parse_state {
	const struct cli_spec *spec;
	const struct rt_cli *cli;
	int argc;
	const char **argv;
	int i;
	struct rt_strvec positional;
	struct rt_strvec unknown;
	bool help;
};

/* The value of option `o`: attached text, or the next argument. */
static int take_value(struct parse_state *st, const struct cli_option *o,
                      const char *attached, const char **out)
{
	struct rt_buf name = RT_BUF_INIT;
	int ret;

	if (attached) {
		*out = attached;
		return 0;
	}
	if (st->i + 1 < st->argc && !looks_like_option(st->argv[st->i + 1])) {
		*out = st->argv[++st->i];
		return 0;
	}
	option_name(&name, o);
	ret = cli_usage_error(st->cli, st->spec,
	                      "argument %s: expected one argument", name.buf);
	rt_buf_release(&name);
	return ret;
}

static int parse_long(struct parse_state *st, const char *arg)
{
	const char *name = arg + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const char *value = NULL;
	const struct cli_option *o;
	bool ambiguous;

	if (!strncmp(name, "help", len ? len : 1) && len) {
		st->help = true;
		return 0;
	}
	o = find_long(st->spec, name, len, &ambiguous);
	if (ambiguous)
		return cli_usage_error(st->cli, st->spec,
		                       "ambiguous option: %s", arg);
	if (!o) {
		rt_strvec_push(&st->unknown, arg);
		return 0;
	}
	if (o->kind == CLI_OPT_FLAG) {
		if (eq)
			return cli_usage_error(
			        st->cli, st->spec,
			        "argument --%s: ignored explicit "
			        "argument '%s'",
			        o->long_name, eq + 1);
		store(o, NULL);
		return 0;
	}
	if (take_value(st, o, eq ? eq + 1 : NULL, &value))
		return CLI_EXIT_USAGE;
	store(o, value);
	return 0;
}

static int parse_short(struct parse_state *st, const char *arg)
{
	for (const char *p = arg + 1; *p; p++) {
		const struct cli_option *o;
		const char *value = NULL;
		if (*p == 'h') {
			st->help = true;
			return 0;
		}
		o = find_short(st->spec, *p);
		if (!o) {
			rt_strvec_push(&st->unknown, arg);
			return 0;
		}
		if (o->kind == CLI_OPT_FLAG) {
			store(o, NULL);
			continue;
		}
		/* argparse reads "-r=VALUE" as "-r VALUE" */
		if (p == arg + 1 && p[1] == '=')
			p++;
		if (take_value(st, o, p[1] ? p + 1 : NULL, &value))
			return CLI_EXIT_USAGE;
		store(o, value);
		return 0;
	}
	return 0;
}

/* Share the collected positionals out among the declared ones. */
static int assign_positionals(struct parse_state *st)
{
	const struct cli_positional *p;
	struct rt_buf missing = RT_BUF_INIT;
	size_t next = 0, need_after;
	int ret = 0;

	for (p = st->spec->positionals; p && p->name; p++) {
		size_t take = 0;
		need_after = 0;
		for (const struct cli_positional *q = p + 1; q->name; q++)
			need_after += (size_t)q->min;
		while (next + take < st->positional.nr &&
		       (p->max < 0 || take < (size_t)p->max) &&
		       st->positional.nr - next - take > need_after)
			take++;
		if (take < (size_t)p->min)
			rt_buf_addf(&missing, "%s%s", missing.len ? ", " : "",
			            p->name);
		for (size_t k = 0; k < take; k++)
			rt_strvec_push(p->dest, st->positional.v[next + k]);
		next += take;
	}
	for (; next < st->positional.nr; next++)
		rt_strvec_push(&st->unknown, st->positional.v[next]);
	if (missing.len)
		ret = cli_usage_error(st->cli, st->spec,
		                      "the following arguments are required: "
		                      "%s",
		                      missing.buf);
	rt_buf_release(&missing);
	return ret;
}

int cli_parse(const struct cli_spec *spec, const struct rt_cli *cli, int argc,
              const char **argv, bool *done)
{
	struct parse_state st = { spec,           cli,  argc,
		                  argv,           1,    RT_STRVEC_INIT,
		                  RT_STRVEC_INIT, false };
	bool only_positional = false;
	int ret = 0;

	for (; ret == 0 && st.i < argc && !st.help; st.i++) {
		const char *a = argv[st.i];
		if (only_positional || !looks_like_option(a))
			rt_strvec_push(&st.positional, a);
		else if (!strcmp(a, "--"))
			only_positional = true;
		else if (a[1] == '-')
			ret = parse_long(&st, a);
		else
			ret = parse_short(&st, a);
	}
	if (ret == 0 && st.help) {
		print_help(cli, spec);
		ret = CLI_EXIT_OK;
		*done = true;
		goto out;
	}
	if (ret == 0)
		ret = assign_positionals(&st);
	if (ret == 0 && st.unknown.nr) {
		struct rt_buf list = RT_BUF_INIT;
		for (size_t k = 0; k < st.unknown.nr; k++)
			rt_buf_addf(&list, "%s%s", k ? " " : "",
			            st.unknown.v[k]);
		ret = cli_usage_error(cli, spec, "unrecognized arguments: %s",
		                      list.buf);
		rt_buf_release(&list);
	}
	*done = ret != 0;
out:
	rt_strvec_clear(&st.positional);
	rt_strvec_clear(&st.unknown);
	return ret;
}
