#include "util/compat.h"
/*
 * settings.c - alembic.ini's main section turned into struct rt_settings
 * (settings.h).  The file is read by ini.c; this file knows the keys, their
 * defaults and types, and the precedence of the database URL sources.
 */
#include "config/settings.h"
#include "config/ini.h"
#include "error_raise.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fs.h"

#include <limits.h>

#define DEFAULT_CONFIG        "alembic.ini"
#define DEFAULT_SECTION       "alembic"
#define DEFAULT_FILE_TEMPLATE "%(rev)s_%(slug)s"
#define DEFAULT_SLUG_LENGTH   40
#define DEFAULT_VERSION_TABLE "alembic_version"
#define WHITESPACE            " \t\r\n\v\f"

static bool ascii_equal_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char ca = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
		char cb = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
		if (ca != cb)
			return false;
	}
	return *a == *b;
}

static bool is_one_of(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (ascii_equal_nocase(s, *words))
			return true;
	return false;
}

/* Append `s` quoted the way Python's repr() quotes a str. */
static void add_py_repr(struct rt_buf *out, const char *s)
{
	char quote = strchr(s, '\'') && !strchr(s, '"') ? '"' : '\'';

	rt_buf_addch(out, quote);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\\' || c == (unsigned char)quote)
			rt_buf_addf(out, "\\%c", c);
		else if (c == '\n')
			rt_buf_adds(out, "\\n");
		else if (c == '\r')
			rt_buf_adds(out, "\\r");
		else if (c == '\t')
			rt_buf_adds(out, "\\t");
		else if (c < 0x20 || c == 0x7f)
			rt_buf_addf(out, "\\x%02x", c);
		else
			rt_buf_addch(out, (char)c);
	}
	rt_buf_addch(out, quote);
}

static int no_config(const struct rt_settings *s, struct rt_error *err)
{
	struct rt_buf name = RT_BUF_INIT;
	int ret;

	add_py_repr(&name, s->config_path);
	ret = rt_error_set(err, RT_ECONFIG,
	                   "No config file %s found, or file has no '[%s]' "
	                   "section",
	                   name.buf, s->section);
	rt_buf_release(&name);
	return ret;
}

/* Hand an error raised into a scratch struct on to the caller's. */
static int pass_error(struct rt_error *err, const struct rt_error *scratch)
{
	if (err && !err->code)
		*err = *scratch;
	return scratch->code;
}

static int open_ini(struct rt_settings *s, struct rt_error *err)
{
	struct rt_error scratch = RT_ERROR_INIT;
	int ret;

	ret = rt_ini_load(&s->ini, s->config_path, &scratch);
	if (ret == RT_ENOTFOUND)
		return no_config(s, err);
	if (ret)
		return pass_error(err, &scratch);
	if (!rt_ini_has_section(s->ini, s->section))
		return no_config(s, err);
	return 0;
}

static unsigned key_line(const struct rt_settings *s, const char *key)
{
	return rt_ini_line(s->ini, s->section, key);
}

/* The interpolated value of `key`; NULL when it is absent or empty. */
static int get_str(char **out, const struct rt_settings *s, const char *key,
                   struct rt_error *err)
{
	int ret = rt_ini_get(out, s->ini, s->section, key, err);

	if (!ret && *out && !**out)
		RT_FREE_AND_NULL(*out);
	return ret;
}

static int bad_value(const struct rt_settings *s, const char *key,
                     const char *value, const char *expected,
                     struct rt_error *err)
{
	const char *path = rt_ini_path(s->ini);
	unsigned line = key_line(s, key);

	return rt_error_set_at(err, RT_ECONFIG, path, line,
	                       "%s:%u: %s must be %s, not '%s'", path, line,
	                       key, expected, value);
}

static int read_slug_length(struct rt_settings *s, struct rt_error *err)
{
	char *v = NULL, *end;
	long n;
	int ret = get_str(&v, s, "truncate_slug_length", err);

	if (ret || !v)
		goto out;
	errno = 0;
	n = strtol(v, &end, 10);
	if (*v < '0' || *v > '9' || *end || errno || n > INT_MAX) {
		ret = bad_value(s, "truncate_slug_length", v,
		                "a whole number (0 means the default, 40)",
		                err);
		goto out;
	}
	/* Alembic: "truncate_slug_length or 40". */
	s->truncate_slug_length = n ? (int)n : DEFAULT_SLUG_LENGTH;
out:
	free(v);
	return ret;
}

static int read_bool(bool *out, struct rt_settings *s, const char *key,
                     struct rt_error *err)
{
	static const char *const yes[] = { "true", "yes", "on", "y",
		                           "t",    "1",   NULL };
	static const char *const no[] = { "false", "no", "off", "n",
		                          "f",     "0",  NULL };
	char *v = NULL;
	int ret = get_str(&v, s, key, err);

	if (ret || !v)
		goto out;
	if (is_one_of(v, yes))
		*out = true;
	else if (is_one_of(v, no))
		*out = false;
	else
		ret = bad_value(s, key, v,
		                "true or false (also yes/no, on/off, 1/0)",
		                err);
out:
	free(v);
	return ret;
}

/* Default when absent or empty. */
static int read_str(char **out, struct rt_settings *s, const char *key,
                    const char *def, struct rt_error *err)
{
	int ret = get_str(out, s, key, err);

	if (!ret && !*out && def)
		*out = rt_xstrdup(def);
	return ret;
}

/*
 * Push the pieces of `list` separated by any of the characters in `seps`,
 * surrounding whitespace trimmed, empty pieces dropped.
 */
static void split_push(struct rt_strvec *out, const char *list,
                       const char *seps)
{
	const char *p = list, *end;
	size_t n;

	while (*p) {
		n = strcspn(p, seps);
		end = p + n;
		while (p < end && strchr(WHITESPACE, *p))
			p++;
		while (end > p && strchr(WHITESPACE, end[-1]))
			end--;
		if (end > p)
			rt_strvec_push_nodup(out,
			                     rt_xstrndup(p, (size_t)(end - p)));
		p += n;
		if (*p)
			p++;
	}
}

/* The characters version_path_separator splits on; NULL = invalid. */
static const char *separator_chars(const char *sep)
{
	if (!sep)
		return "," WHITESPACE; /* key absent: legacy splitting */
	if (!strcmp(sep, "space"))
		return WHITESPACE;
	if (!strcmp(sep, "os") || !strcmp(sep, ":"))
		return ":";
	if (!strcmp(sep, ";"))
		return ";";
	return NULL;
}

static int bad_separator(const struct rt_settings *s, const char *sep,
                         struct rt_error *err)
{
	const char *path = rt_ini_path(s->ini);
	unsigned line = key_line(s, "version_path_separator");
	/* Alembic 1.8's template has "os  # Use os.pathsep..." (§12.7). */
	bool has_comment = strchr(sep, '#') || strchr(sep, ';');

	return rt_error_set_at(err, RT_ECONFIG, path, line,
	                       "%s:%u: '%s' is not a valid value for "
	                       "version_path_separator; use 'space', 'os', "
	                       "':' or ';'%s",
	                       path, line, sep,
	                       has_comment ? " (a comment after the value "
	                                     "is part of the value; move it to "
	                                     "a line of its own)" :
	                                     "");
}

/*
 * Like Alembic, the separator is only looked at when version_locations
 * is set, so a project generated with the 1.8 template (whose separator
 * line carries an inline comment) keeps working until it uses the key.
 */
static int read_version_locations(struct rt_settings *s, struct rt_error *err)
{
	char *list = NULL, *sep = NULL;
	const char *chars;
	int ret = get_str(&list, s, "version_locations", err);

	if (ret)
		goto out;
	if (!list) {
		rt_strvec_push_nodup(
		        &s->version_locations,
		        rt_path_join(s->script_location, "versions"));
		goto out;
	}
	ret = rt_ini_get(&sep, s->ini, s->section, "version_path_separator",
	                 err);
	if (ret)
		goto out;
	chars = separator_chars(sep);
	if (!chars) {
		ret = bad_separator(s, sep, err);
		goto out;
	}
	split_push(&s->version_locations, list, chars);
out:
	free(list);
	free(sep);
	return ret;
}

/*
 * Python's logging levels for [logger_alembic] / [logger_sqlalchemy].  An
 * absent section or level counts as NOTSET.
 */
static int read_log_level(char **out, struct rt_settings *s,
                          const char *section, struct rt_error *err)
{
	*out = NULL;
	if (!rt_ini_has_section(s->ini, section))
		return 0;
	return rt_ini_get(out, s->ini, section, "level", err);
}

static int read_logging(struct rt_settings *s, struct rt_error *err)
{
	static const char *const quiet[] = { "WARN",     "WARNING", "ERROR",
		                             "CRITICAL", "FATAL",   NULL };
	static const char *const verbose[] = { "INFO", "DEBUG", NULL };
	char *level = NULL;
	int ret;

	ret = read_log_level(&level, s, "logger_alembic", err);
	if (ret)
		goto out;
	s->log_info = !level || !is_one_of(level, quiet);
	RT_FREE_AND_NULL(level);
	ret = read_log_level(&level, s, "logger_sqlalchemy", err);
	if (ret)
		goto out;
	s->log_sql = level && is_one_of(level, verbose);
out:
	free(level);
	return ret;
}

static void split_x_args(struct rt_settings *s, const char *const *args)
{
	const char *eq;

	for (; args && *args; args++) {
		eq = strchr(*args, '=');
		if (eq) {
			rt_strvec_push_nodup(
			        &s->x_keys,
			        rt_xstrndup(*args, (size_t)(eq - *args)));
			rt_strvec_push(&s->x_values, eq + 1);
		} else {
			rt_strvec_push(&s->x_keys, *args);
			rt_strvec_push(&s->x_values, "");
		}
	}
}

/* -x url=..., then DATABASE_URL, then sqlalchemy.url; empty ones skipped. */
static int resolve_url(struct rt_settings *s,
                       const struct rt_settings_input *in, struct rt_error *err)
{
	const char *x = rt_settings_x(s, "url");

	if (x && *x) {
		s->url = rt_xstrdup(x);
		return 0;
	}
	if (in->database_url && *in->database_url) {
		s->url = rt_xstrdup(in->database_url);
		return 0;
	}
	return get_str(&s->url, s, "sqlalchemy.url", err);
}

static int read_main_section(struct rt_settings *s, struct rt_error *err)
{
	int ret;

	ret = get_str(&s->script_location, s, "script_location", err);
	if (ret)
		return ret;
	if (!s->script_location)
		return rt_error_set_at(err, RT_ECONFIG, rt_ini_path(s->ini), 0,
		                       "No 'script_location' key found in "
		                       "configuration.");
	ret = read_version_locations(s, err);
	if (!ret)
		ret = read_str(&s->file_template, s, "file_template",
		               DEFAULT_FILE_TEMPLATE, err);
	if (!ret)
		ret = read_slug_length(s, err);
	if (!ret)
		ret = read_str(&s->timezone, s, "timezone", NULL, err);
	if (!ret)
		ret = read_str(&s->version_table, s, "version_table",
		               DEFAULT_VERSION_TABLE, err);
	if (!ret)
		ret = read_str(&s->version_table_schema, s,
		               "version_table_schema", NULL, err);
	if (!ret)
		ret = read_bool(&s->transaction_per_migration, s,
		                "transaction_per_migration", err);
	if (!ret)
		ret = read_str(&s->target_schema, s, "target_schema", NULL,
		               err);
	if (!ret)
		ret = read_str(&s->search_path, s, "search_path", NULL, err);
	return ret;
}

static void settings_init(struct rt_settings *s)
{
	memset(s, 0, sizeof(*s));
	rt_strvec_init(&s->version_locations);
	rt_strvec_init(&s->x_keys);
	rt_strvec_init(&s->x_values);
	s->truncate_slug_length = DEFAULT_SLUG_LENGTH;
	s->transaction_per_migration = true;
	s->log_info = true;
}

int rt_settings_load(struct rt_settings *out,
                     const struct rt_settings_input *in, struct rt_error *err)
{
	int ret;

	settings_init(out);
	out->config_path =
	        rt_xstrdup(in->config_path ? in->config_path : DEFAULT_CONFIG);
	out->section = rt_xstrdup(in->section ? in->section : DEFAULT_SECTION);
	split_x_args(out, in->x_args);
	ret = open_ini(out, err);
	if (!ret)
		ret = read_main_section(out, err);
	if (!ret)
		ret = read_logging(out, err);
	if (!ret)
		ret = resolve_url(out, in, err);
	return ret;
}

void rt_settings_release(struct rt_settings *s)
{
	if (!s)
		return;
	free(s->config_path);
	free(s->section);
	rt_ini_free(s->ini);
	free(s->script_location);
	rt_strvec_clear(&s->version_locations);
	free(s->url);
	free(s->file_template);
	free(s->timezone);
	free(s->version_table);
	free(s->version_table_schema);
	free(s->target_schema);
	free(s->search_path);
	rt_strvec_clear(&s->x_keys);
	rt_strvec_clear(&s->x_values);
	settings_init(s);
}

const char *rt_settings_x(const struct rt_settings *s, const char *key)
{
	/* The last -x for a key wins, as in a Python dict. */
	for (size_t i = s->x_keys.nr; i > 0; i--)
		if (!strcmp(s->x_keys.v[i - 1], key))
			return s->x_values.v[i - 1];
	return NULL;
}
