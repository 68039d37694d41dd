#include "util/compat.h"
/*
 * test_settings.c - alembic.ini's main section as struct rt_settings
 * (src/config/settings.c).  Every test gets a fresh mkdtemp() directory
 * to write its ini file into.
 */
#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

#include "config/ini.h"
#include "config/settings.h"
#include "retort/error.h"
#include "util/alloc.h"
#include "util/fs.h"
#include "util/strvec.h"

struct fixture {
	char dir[64];
	char *ini; /* <dir>/alembic.ini */
};

static int setup(void **state)
{
	struct fixture *f = rt_xcalloc(1, sizeof(*f));

	rt_strlcpy(f->dir, "/tmp/rt_test_settings_XXXXXX", sizeof(f->dir));
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	f->ini = rt_path_join(f->dir, "alembic.ini");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct rt_strvec names = RT_STRVEC_INIT;
	char *path;

	rt_fs_list_dir(&names, f->dir, NULL);
	for (size_t i = 0; i < names.nr; i++) {
		path = rt_path_join(f->dir, names.v[i]);
		unlink(path);
		free(path);
	}
	rt_strvec_clear(&names);
	rmdir(f->dir);
	free(f->ini);
	free(f);
	return 0;
}

static void write_ini(const struct fixture *f, const char *text)
{
	struct rt_error err = RT_ERROR_INIT;

	if (rt_fs_write_file(f->ini, text, strlen(text), false, &err))
		fail_msg("%s", err.message);
}

/* Load f->ini with `text`; the test fails on error. */
static void load_ok(struct rt_settings *s, const struct fixture *f,
                    const char *text, const struct rt_settings_input *in)
{
	struct rt_settings_input copy = { 0 };
	struct rt_error err = RT_ERROR_INIT;

	write_ini(f, text);
	if (in)
		copy = *in;
	copy.config_path = f->ini;
	if (rt_settings_load(s, &copy, &err))
		fail_msg("unexpected error: %s", err.message);
}

/* Load f->ini with `text`, expect `code` and return the error. */
static struct rt_error load_fails(const struct fixture *f, const char *text,
                                  int code)
{
	struct rt_settings s = RT_SETTINGS_INIT;
	struct rt_settings_input in = { 0 };
	struct rt_error err = RT_ERROR_INIT;

	write_ini(f, text);
	in.config_path = f->ini;
	assert_int_equal(rt_settings_load(&s, &in, &err), code);
	assert_int_equal(err.code, code);
	rt_settings_release(&s);
	return err;
}

/* `err.message` must be "<f->ini>:<line>: <rest>". */
static void assert_at(const struct fixture *f, const struct rt_error *err,
                      unsigned line, const char *rest)
{
	char *expect = rt_xstrfmt("%s:%u: %s", f->ini, line, rest);

	assert_string_equal(err->message, expect);
	assert_string_equal(err->loc.path, f->ini);
	assert_int_equal(err->loc.line, line);
	free(expect);
}

/* --- defaults and plain keys -------------------------------------------- */

static void test_defaults(void **state)
{
	struct fixture *f = *state;
	struct rt_settings s = RT_SETTINGS_INIT;

	load_ok(&s, f,
	        "[alembic]\n"
	        "script_location = migrations\n"
	        "sqlalchemy.url = sqlite:///app.db\n",
	        NULL);
	assert_string_equal(s.config_path, f->ini);
	assert_string_equal(s.section, "alembic");
	assert_non_null(s.ini);
	assert_string_equal(s.script_location, "migrations");
	assert_int_equal(s.version_locations.nr, 1);
	assert_string_equal(s.version_locations.v[0], "migrations/versions");
	assert_string_equal(s.url, "sqlite:///app.db");
	assert_string_equal(s.file_template, "%(rev)s_%(slug)s");
	assert_int_equal(s.truncate_slug_length, 40);
	assert_null(s.timezone);
	assert_string_equal(s.version_table, "alembic_version");
	assert_null(s.version_table_schema);
	assert_true(s.transaction_per_migration);
	assert_null(s.target_schema);
	assert_true(s.log_info);
	assert_false(s.log_sql);
	assert_int_equal(s.x_keys.nr, 0);
	rt_settings_release(&s);
}

static void test_all_keys(void **state)
{
	struct fixture *f = *state;
	struct rt_settings s = RT_SETTINGS_INIT;

	load_ok(&s, f,
	        "[alembic]\n"
	        "script_location = /srv/m\n"
	        "file_template = %%(year)d_%%(rev)s\n"
	        "truncate_slug_length = 12\n"
	        "timezone = UTC\n"
	        "version_table = my_versions\n"
	        "version_table_schema = audit\n"
	        "transaction_per_migration = False\n"
	        "target_schema = app\n",
	        NULL);
	assert_string_equal(s.script_location, "/srv/m");
	assert_string_equal(s.version_locations.v[0], "/srv/m/versions");
	assert_string_equal(s.file_template, "%(year)d_%(rev)s");
	assert_int_equal(s.truncate_slug_length, 12);
	assert_string_equal(s.timezone, "UTC");
	assert_string_equal(s.version_table, "my_versions");
	assert_string_equal(s.version_table_schema, "audit");
	assert_false(s.transaction_per_migration);
	assert_string_equal(s.target_schema, "app");
	assert_null(s.url);
	rt_settings_release(&s);
}

static void test_empty_values_mean_default(void **state)
{
	struct fixture *f = *state;
	struct rt_settings s = RT_SETTINGS_INIT;

	load_ok(&s, f,
	        "[alembic]\n"
	        "script_location = m\n"
	        "sqlalchemy.url =\n"
	        "file_template =\n"
	        "truncate_slug_length =\n"
	        "timezone =\n"
	        "version_table =\n"
	        "version_table_schema =\n"
	        "transaction_per_migration =\n"
	        "target_schema =\n"
	        "version_locations =\n",
	        NULL);
	assert_null(s.url);
	assert_string_equal(s.file_template, "%(rev)s_%(slug)s");
	assert_int_equal(s.truncate_slug_length, 40);
	assert_null(s.timezone);
	assert_string_equal(s.version_table, "alembic_version");
	assert_null(s.version_table_schema);
	assert_true(s.transaction_per_migration);
	assert_null(s.target_schema);
	assert_int_equal(s.version_locations.nr, 1);
	assert_string_equal(s.version_locations.v[0], "m/versions");
	rt_settings_release(&s);
}

static void test_here_interpolation(void **state)
{
	struct fixture *f = *state;
	struct rt_settings s = RT_SETTINGS_INIT;
	char *loc = rt_xstrfmt("%s/migrations", f->dir);
	char *url = rt_xstrfmt("sqlite:///%s/test.db", f->dir);

	load_ok(&s, f,
	        "[alembic]\n"
	        "script_location = %(here)s/migrations\n"
	        "sqlalchemy.url = sqlite:///%(here)s/test.db\n",
	        NULL);
	assert_string_equal(s.script_location, loc);
	assert_string_equal(s.url, url);
	assert_string_equal(rt_ini_here(s.ini), f->dir);
	rt_settings_release(&s);
	free(loc);
	free(url);
}

static void test_ini_kept_open(void **state)
{
	struct fixture *f = *state;
	struct rt_settings s = RT_SETTINGS_INIT;
	struct rt_error err = RT_ERROR_INIT;
	char *v = NULL;

	load_ok(&s, f,
	        "[alembic]\n"
	        "script_location = m\n"
	        "[post_write_hooks]\n"
	        "hooks = black\n",
	        NULL);
	assert_int_equal(
	        rt_ini_get(&v, s.ini, "post_write_hooks", "hooks", &err), 0);
	assert_string_equal(v, "black");
	free(v);
	rt_settings_release(&s);
}

static void test_other_section(void **state)
{
	struct fixture *f = *state;
	struct rt_settings s = RT_SETTINGS_INIT;
	struct rt_settings_input in = { 0 };

	in.section = "second";
	load_ok(&s, f,
	        "[alembic]\n"
	        "script_location = one\n"
	        "[second]\n"
	        "script_location = two\n",
	        &in);
	assert_string_equal(s.section, "second");
	assert_string_equal(s.script_location, "two");
	rt_settings_release(&s);
}

static void test_default_config_path(void **state)
{
	struct fixture *f = *state;
	struct rt_settings s = RT_SETTINGS_INIT;
	struct rt_settings_input in = { 0 };
	struct rt_error err = RT_ERROR_INIT;
	char *cwd = getcwd(NULL, 0);

	assert_non_null(cwd);
	write_ini(f, "[alembic]\nscript_location = m\n");
	assert_int_equal(chdir(f->dir), 0);
	assert_int_equal(rt_settings_load(&s, &in, &err), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_string_equal(s.config_path, "alembic.ini");
	assert_string_equal(rt_ini_here(s.ini), f->dir);
	assert_string_equal(s.script_location, "m");
	rt_settings_release(&s);
	free(cwd);
}

/* --- missing file, section, key ------------------------------------------ */

static void test_missing_file(void **state)
{
	struct fixture *f = *state;
	struct rt_settings s = RT_SETTINGS_INIT;
	struct rt_settings_input in = { 0 };
	struct rt_error err = RT_ERROR_INIT;
	char *path = rt_path_join(f->dir, "nonexist.ini");
	char *expect = rt_xstrfmt("No config file '%s' found, or file has no "
	                          "'[alembic]' section",
	                          path);

	in.config_path = path;
	assert_int_equal(rt_settings_load(&s, &in, &err), RT_ECONFIG);
	assert_string_equal(err.message, expect);
	assert_null(s.ini);
	rt_settings_release(&s);
	free(path);
	free(expect);
}

static void test_missing_file_repr_quoting(void **state)
{
	struct rt_settings s = RT_SETTINGS_INIT;
	struct rt_settings_input in = { 0 };
	struct rt_error err = RT_ERROR_INIT;

	(void)state;
	/* Python's repr() switches to double quotes around a "'". */
	in.config_path = "/nonexistent/it's.ini";
	in.section = "other";
	assert_int_equal(rt_settings_load(&s, &in, &err), RT_ECONFIG);
	assert_string_equal(
	        err.message,
	        "No config file \"/nonexistent/it's.ini\" found, or "
	        "file has no '[other]' section");
	rt_settings_release(&s);
}

static void test_missing_section(void **state)
{
	struct fixture *f = *state;
	struct rt_settings s = RT_SETTINGS_INIT;
	struct rt_settings_input in = { 0 };
	struct rt_error err = RT_ERROR_INIT;
	char *expect = rt_xstrfmt("No config file '%s' found, or file has no "
	                          "'[other]' section",
	                          f->ini);

	write_ini(f, "[DEFAULT]\nscript_location = m\n[alembic]\n");
	in.config_path = f->ini;
	in.section = "other";
	assert_int_equal(rt_settings_load(&s, &in, &err), RT_ECONFIG);
	assert_string_equal(err.message, expect);
	rt_settings_release(&s);
	free(expect);
	/* [DEFAULT] is not a section one can pick. */
	in.section = "DEFAULT";
	rt_error_clear(&err);
	assert_int_equal(rt_settings_load(&s, &in, &err), RT_ECONFIG);
	rt_settings_release(&s);
}

static void test_missing_script_location(void **state)
{
	struct fixture *f = *state;
	struct rt_error err;

	err = load_fails(f, "[alembic]\nsqlalchemy.url = sqlite://\n",
	                 RT_ECONFIG);
	assert_string_equal(err.message,
	                    "No 'script_location' key found in configuration.");
	err = load_fails(f, "[alembic]\nscript_location =\n", RT_ECONFIG);
	assert_string_equal(err.message,
	                    "No 'script_location' key found in configuration.");
}

static void test_script_location_from_default(void **state)
{
	struct fixture *f = *state;
	struct rt_settings s = RT_SETTINGS_INIT;

	load_ok(&s, f, "[DEFAULT]\nscript_location = d\n[alembic]\n", NULL);
	assert_string_equal(s.script_location, "d");
	rt_settings_release(&s);
}

static void test_syntax_error_reported(void **state)
{
	struct fixture *f = *state;
	struct rt_error err;

	err = load_fails(f, "[alembic]\nscript_location = m\noops\n",
	                 RT_EPARSE);
	assert_at(f, &err, 3,
	          "line is not `key = value`, a [section] header or a "
	          "comment; indent it to continue the value above, or start "
	          "it with '#' to make it a comment");
}

static void test_interpolation_error_reported(void **state)
{
	struct fixture *f = *state;
	struct rt_error err;

	err = load_fails(f,
	                 "[alembic]\n"
	                 "script_location = m\n"
	                 "sqlalchemy.url = postgresql://u:p%40ss@h/db\n",
	                 RT_EPARSE);
	assert_at(f, &err, 3,
	          "bad '%' in value of 'sqlalchemy.url': write '%%' for a "
	          "literal percent sign");
}

/* --- typed values -------------------------------------------------------- */

static void test_truncate_slug_length(void **state)
{
	struct fixture *f = *state;
	struct rt_settings s = RT_SETTINGS_INIT;
	struct rt_error err;
	static const char *const bad[] = { "abc", "-3", "12x", "1.5",
		                           "99999999999" };
	char text[128];

	load_ok(&s, f,
	        "[alembic]\nscript_location = m\ntruncate_slug_length = 0\n",
	        NULL);
	assert_int_equal(s.truncate_slug_length, 40);
	rt_settings_release(&s);
	load_ok(&s, f,
	        "[alembic]\nscript_location = m\ntruncate_slug_length = 7\n",
	        NULL);
	assert_int_equal(s.truncate_slug_length, 7);
	rt_settings_release(&s);

	for (size_t i = 0; i < RT_ARRAY_SIZE(bad); i++) {
		char *rest = rt_xstrfmt("truncate_slug_length must be a whole "
		                        "number (0 means the default, 40), "
		                        "not '%s'",
		                        bad[i]);
		snprintf(text, sizeof(text),
		         "[alembic]\nscript_location = m\n\n"
		         "truncate_slug_length = %s\n",
		         bad[i]);
		err = load_fails(f, text, RT_ECONFIG);
		assert_at(f, &err, 4, rest);
		free(rest);
	}
}

static void test_transaction_per_migration(void **state)
{
	struct fixture *f = *state;
	struct rt_settings s = RT_SETTINGS_INIT;
	struct rt_error err;
	static const char *const yes[] = { "true", "YES", "On", "y", "T", "1" };
	static const char *const no[] = { "false", "No", "OFF", "n", "f", "0" };
	char text[128];

	for (size_t i = 0; i < RT_ARRAY_SIZE(yes); i++) {
		snprintf(text, sizeof(text),
		         "[alembic]\nscript_location = m\n"
		         "transaction_per_migration = %s\n",
		         yes[i]);
		load_ok(&s, f, text, NULL);
		assert_true(s.transaction_per_migration);
		rt_settings_release(&s);
		snprintf(text, sizeof(text),
		         "[alembic]\nscript_location = m\n"
		         "transaction_per_migration = %s\n",
		         no[i]);
		load_ok(&s, f, text, NULL);
		assert_false(s.transaction_per_migration);
		rt_settings_release(&s);
	}
	err = load_fails(f,
	                 "[alembic]\nscript_location = m\n"
	                 "transaction_per_migration = maybe\n",
	                 RT_ECONFIG);
	assert_at(f, &err, 3,
	          "transaction_per_migration must be true or false (also "
	          "yes/no, on/off, 1/0), not 'maybe'");
}

/* --- version_locations --------------------------------------------------- */

/* Load with version_locations = `list` (and the separator line `sep`). */
static void check_locations(const struct fixture *f, const char *sep,
                            const char *list, const char *const *expect,
                            size_t nr)
{
	struct rt_settings s = RT_SETTINGS_INIT;
	char *text = rt_xstrfmt("[alembic]\nscript_location = m\n%s\n"
	                        "version_locations = %s\n",
	                        sep, list);

	load_ok(&s, f, text, NULL);
	assert_int_equal(s.version_locations.nr, nr);
	for (size_t i = 0; i < nr; i++)
		assert_string_equal(s.version_locations.v[i], expect[i]);
	rt_settings_release(&s);
	free(text);
}

static void test_version_locations_legacy(void **state)
{
	static const char *const three[] = { "a", "b/c", "%(here)s" };
	static const char *const abs[] = { "/x/versions", "/y/versions" };

	/* No separator key: commas and/or runs of whitespace. */
	check_locations(*state, "", "a, b/c   %%(here)s", three, 3);
	check_locations(*state, "", "a,b/c,%%(here)s", three, 3);
	check_locations(*state, "", "a ,b/c\n  %%(here)s", three, 3);
	check_locations(*state, "", "/x/versions /y/versions", abs, 2);
}

static void test_version_locations_separators(void **state)
{
	static const char *const spaced[] = { "my dir/v", "other/v" };
	static const char *const plain[] = { "a", "b", "c" };

	check_locations(*state, "version_path_separator = os",
	                "my dir/v:other/v", spaced, 2);
	check_locations(*state, "version_path_separator = :",
	                "my dir/v: other/v:", spaced, 2);
	check_locations(*state, "version_path_separator = ;",
	                "my dir/v;other/v", spaced, 2);
	check_locations(*state, "version_path_separator = space", "a  b\tc",
	                plain, 3);
	/* ':' does not split under ';' */
	{
		static const char *const one[] = { "a:b" };
		check_locations(*state, "version_path_separator = ;", "a:b",
		                one, 1);
	}
}

static void test_version_locations_relative_kept(void **state)
{
	static const char *const rel[] = { "migrations/versions",
		                           "../shared/versions" };

	/* Relative paths stay relative to the cwd, as in Alembic. */
	check_locations(*state, "", "migrations/versions,../shared/versions",
	                rel, 2);
}

static void test_bad_separator(void **state)
{
	struct fixture *f = *state;
	struct rt_settings s = RT_SETTINGS_INIT;
	struct rt_error err;

	err = load_fails(f,
	                 "[alembic]\nscript_location = m\n"
	                 "version_path_separator = comma\n"
	                 "version_locations = a,b\n",
	                 RT_ECONFIG);
	assert_at(f, &err, 3,
	          "'comma' is not a valid value for version_path_separator; "
	          "use 'space', 'os', ':' or ';'");

	/* The Alembic 1.8 template's line, once version_locations is used. */
	err = load_fails(f,
	                 "[alembic]\nscript_location = m\n"
	                 "version_locations = a:b\n"
	                 "version_path_separator = os  # Use os.pathsep.\n",
	                 RT_ECONFIG);
	assert_at(f, &err, 4,
	          "'os  # Use os.pathsep.' is not a valid value for "
	          "version_path_separator; use 'space', 'os', ':' or ';' (a "
	          "comment after the value is part of the value; move it to a "
	          "line of its own)");

	/* ...but as in Alembic it is harmless while nothing reads it. */
	load_ok(&s, f,
	        "[alembic]\nscript_location = m\n"
	        "version_path_separator = os  # Use os.pathsep.\n",
	        NULL);
	assert_string_equal(s.version_locations.v[0], "m/versions");
	rt_settings_release(&s);
}

/* --- logging sections ---------------------------------------------------- */

static void check_logging(const struct fixture *f, const char *extra,
                          bool log_info, bool log_sql)
{
	struct rt_settings s = RT_SETTINGS_INIT;
	char *text = rt_xstrfmt("[alembic]\nscript_location = m\n%s", extra);

	load_ok(&s, f, text, NULL);
	assert_int_equal(s.log_info, log_info);
	assert_int_equal(s.log_sql, log_sql);
	rt_settings_release(&s);
	free(text);
}

static void test_logging_levels(void **state)
{
	const struct fixture *f = *state;

	check_logging(f, "", true, false);
	check_logging(f, "[logger_alembic]\nlevel = INFO\n", true, false);
	check_logging(f, "[logger_alembic]\nlevel = DEBUG\n", true, false);
	check_logging(f, "[logger_alembic]\nlevel = NOTSET\n", true, false);
	check_logging(f, "[logger_alembic]\nqualname = alembic\n", true, false);
	check_logging(f, "[logger_alembic]\nlevel = WARN\n", false, false);
	check_logging(f, "[logger_alembic]\nlevel = warning\n", false, false);
	check_logging(f, "[logger_alembic]\nlevel = ERROR\n", false, false);
	check_logging(f, "[logger_alembic]\nlevel = CRITICAL\n", false, false);
	check_logging(f, "[logger_sqlalchemy]\nlevel = WARN\n", true, false);
	check_logging(f, "[logger_sqlalchemy]\nlevel = INFO\n", true, true);
	check_logging(f, "[logger_sqlalchemy]\nlevel = DEBUG\n", true, true);
	check_logging(f, "[logger_sqlalchemy]\nlevel = NOTSET\n", true, false);
	/* A [DEFAULT] level does not create the logger sections. */
	check_logging(f, "[DEFAULT]\nlevel = WARN\n", true, false);
}

/* --- -x arguments and the URL -------------------------------------------- */

static void test_x_args(void **state)
{
	struct fixture *f = *state;
	struct rt_settings s = RT_SETTINGS_INIT;
	struct rt_settings_input in = { 0 };
	static const char *const x[] = { "tenant=acme", "dry_run", "a=b=c",
		                         "tenant=other", NULL };

	in.x_args = x;
	load_ok(&s, f, "[alembic]\nscript_location = m\n", &in);
	assert_int_equal(s.x_keys.nr, 4);
	assert_int_equal(s.x_values.nr, 4);
	assert_string_equal(s.x_keys.v[0], "tenant");
	assert_string_equal(s.x_values.v[0], "acme");
	assert_string_equal(s.x_keys.v[1], "dry_run");
	assert_string_equal(s.x_values.v[1], "");
	assert_string_equal(s.x_keys.v[2], "a");
	assert_string_equal(s.x_values.v[2], "b=c");
	/* The last one of a key wins. */
	assert_string_equal(rt_settings_x(&s, "tenant"), "other");
	assert_string_equal(rt_settings_x(&s, "dry_run"), "");
	assert_null(rt_settings_x(&s, "nosuch"));
	assert_null(s.url);
	rt_settings_release(&s);
}

static void check_url(const struct fixture *f, const char *x_url,
                      const char *database_url, const char *ini_line,
                      const char *expect)
{
	struct rt_settings s = RT_SETTINGS_INIT;
	struct rt_settings_input in = { 0 };
	const char *x[] = { "other=1", x_url, NULL };
	char *text =
	        rt_xstrfmt("[alembic]\nscript_location = m\n%s\n", ini_line);

	in.x_args = x_url ? x : NULL;
	in.database_url = database_url;
	load_ok(&s, f, text, &in);
	if (expect)
		assert_string_equal(s.url, expect);
	else
		assert_null(s.url);
	rt_settings_release(&s);
	free(text);
}

static void test_url_precedence(void **state)
{
	const struct fixture *f = *state;
	const char *ini = "sqlalchemy.url = sqlite:///ini.db";

	check_url(f, "url=sqlite:///x.db", "sqlite:///env.db", ini,
	          "sqlite:///x.db");
	check_url(f, NULL, "sqlite:///env.db", ini, "sqlite:///env.db");
	check_url(f, NULL, NULL, ini, "sqlite:///ini.db");
	check_url(f, NULL, "", ini, "sqlite:///ini.db");
	check_url(f, "url=", "sqlite:///env.db", ini, "sqlite:///env.db");
	check_url(f, NULL, NULL, "", NULL);
	check_url(f, "url=postgresql://u:p@h/db", NULL, "",
	          "postgresql://u:p@h/db");
}

static void test_url_not_read_when_overridden(void **state)
{
	const struct fixture *f = *state;

	/* A '%' trap in sqlalchemy.url does not matter once it is unused. */
	check_url(f, NULL, "sqlite:///env.db",
	          "sqlalchemy.url = postgresql://u:p%40ss@h/db",
	          "sqlite:///env.db");
	check_url(f, NULL, NULL, "sqlalchemy.url = postgresql://u:p%%40ss@h/db",
	          "postgresql://u:p%40ss@h/db");
}

/* --- lifecycle ----------------------------------------------------------- */

static void test_release_is_safe(void **state)
{
	struct fixture *f = *state;
	struct rt_settings s = RT_SETTINGS_INIT;
	struct rt_settings_input in = { 0 };
	struct rt_error err = RT_ERROR_INIT;

	rt_settings_release(NULL);
	rt_settings_release(&s); /* never loaded */
	rt_settings_release(&s); /* twice */

	write_ini(f, "[alembic]\nscript_location = m\n"
	             "transaction_per_migration = perhaps\n");
	in.config_path = f->ini;
	assert_int_equal(rt_settings_load(&s, &in, NULL), RT_ECONFIG);
	rt_settings_release(&s);
	assert_null(s.ini);
	assert_null(s.script_location);
	assert_int_equal(s.version_locations.nr, 0);
	/* The struct can be loaded again after a release. */
	write_ini(f, "[alembic]\nscript_location = again\n");
	assert_int_equal(rt_settings_load(&s, &in, &err), 0);
	assert_string_equal(s.script_location, "again");
	rt_settings_release(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_defaults),
		T(test_all_keys),
		T(test_empty_values_mean_default),
		T(test_here_interpolation),
		T(test_ini_kept_open),
		T(test_other_section),
		T(test_default_config_path),
		T(test_missing_file),
		T(test_missing_file_repr_quoting),
		T(test_missing_section),
		T(test_missing_script_location),
		T(test_script_location_from_default),
		T(test_syntax_error_reported),
		T(test_interpolation_error_reported),
		T(test_truncate_slug_length),
		T(test_transaction_per_migration),
		T(test_version_locations_legacy),
		T(test_version_locations_separators),
		T(test_version_locations_relative_kept),
		T(test_bad_separator),
		T(test_logging_levels),
		T(test_x_args),
		T(test_url_precedence),
		T(test_url_not_read_when_overridden),
		T(test_release_is_safe),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
