/*
 * settings.h - the [alembic] section turned into typed settings.
 *
 * rt_settings_load() finds and reads the ini file, picks the main section
 * (`alembic` or -n), applies -x arguments, and resolves the database URL
 * (first found wins: -x url=..., then the DATABASE_URL value the caller
 * passes in, then sqlalchemy.url).  Relative paths in the file stay
 * relative to the current directory, as in Alembic; %(here)s anchors them
 * to the file's directory.  Whether script_location exists is checked
 * when the revisions are loaded (script/scan.h), not here.
 */
#ifndef RT_SETTINGS_H
#define RT_SETTINGS_H

#include "util/compat.h"
#include "util/strvec.h"

struct rt_error;
struct rt_ini;

struct rt_settings_input {
	const char *config_path; /* -c, else ALEMBIC_CONFIG, else NULL */
	const char *section; /* -n, NULL = "alembic" */
	const char *const *x_args; /* -x values "key=value", NULL-terminated */
	const char *database_url; /* $DATABASE_URL or NULL */
};

struct rt_settings {
	char *config_path; /* as given, "alembic.ini" by default */
	char *section;
	struct rt_ini *ini; /* NULL when the file does not exist */
	char *script_location; /* as written (relative = to the cwd) */
	/* directories holding revisions, in configured order */
	struct rt_strvec version_locations;
	char *url; /* NULL when none is configured */
	char *file_template; /* default "%(rev)s_%(slug)s" */
	int truncate_slug_length; /* default 40 */
	char *timezone; /* NULL = local time */
	char *version_table; /* default "alembic_version" */
	char *version_table_schema; /* NULL = default schema */
	bool transaction_per_migration; /* default true */
	/* PostgreSQL: the session's search_path ("app, public"); NULL =
	   the server's.  Alembic users set it in env.py; here it is a key. */
	char *search_path;
	char *target_schema; /* NULL when unset */
	bool log_info; /* [logger_alembic] level is INFO or lower */
	bool log_sql; /* [logger_sqlalchemy] level is INFO or lower */
	/* the -x arguments, split at the first '=' (value "" without '=') */
	struct rt_strvec x_keys;
	struct rt_strvec x_values;
};

#define RT_SETTINGS_INIT \
 {                       \
  0                      \
 }

/*
 * Load settings.  Errors use Alembic's texts where it has one:
 *   No config file 'x.ini' found, or file has no '[alembic]' section
 *   No 'script_location' key found in configuration.
 * and name the file and line for syntax errors.  `out` must be released
 * with rt_settings_release, also on failure.
 */
int rt_settings_load(struct rt_settings *out,
                     const struct rt_settings_input *in, struct rt_error *err);
void rt_settings_release(struct rt_settings *s);

/* Value of -x `key`, or NULL. */
const char *rt_settings_x(const struct rt_settings *s, const char *key);

#endif
