#include "util/compat.h"
/*
 * layout.c - what `retort init DIR` writes: DIR, DIR/versions, the script
 * template, a README and an alembic.ini that Alembic and retort both read.
 * Status lines follow Alembic's `init` ("Creating directory X ...  done").
 */
#include "script/script.h"
#include "error_raise.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fs.h"

static const char readme_text[] =
        "A retort migration environment.  It keeps Alembic's layout: the\n"
        "alembic.ini and the alembic_version table serve both tools.\n"
        "\n"
        "versions/ holds one SQL script per revision.  A script opens with\n"
        "a comment header: the message, then \"-- Revision ID:\",\n"
        "\"-- Revises:\" (the parent revisions, empty for the first one),\n"
        "\"-- Create Date:\" and, when needed, \"-- Branch Labels:\",\n"
        "\"-- Depends On:\" and \"-- Transactional: false\".  The statements\n"
        "after \"-- +upgrade\" apply the change; those after\n"
        "\"-- +downgrade\" undo it.\n"
        "\n"
        "`retort revision -m MESSAGE` writes a new script from\n"
        "script.sql.tmpl, `retort upgrade head` applies what is pending,\n"
        "and `retort history` and `retort current` show the revisions and\n"
        "where the database is.\n";

/* The parts of alembic.ini around `script_location = DIR`. */
static const char ini_head[] =
        "# Configuration of one retort (or Alembic) migration environment.\n"
        "\n"
        "[alembic]\n"
        "# folder of script.sql.tmpl and versions/: relative to the current\n"
        "# directory, or to this file's folder when written as %(here)s/...\n";

static const char ini_tail[] =
        "\n"
        "# name of new revision files, without \".sql\"; the default is\n"
        "# %%(rev)s_%%(slug)s.  Tokens: rev, slug, epoch, year, month, day,\n"
        "# hour, minute, second (every % is written twice in this file).\n"
        "# To start the names with the date and time of creation:\n"
        "# file_template = %%(year)d_%%(month).2d_%%(day).2d_%%(hour).2d"
        "%%(minute).2d-%%(rev)s_%%(slug)s\n"
        "\n"
        "# the slug (the message part of a file name) is cut to this length\n"
        "# truncate_slug_length = 40\n"
        "\n"
        "# time zone of Create Date and of the date in file names, such\n"
        "# as UTC or Europe/Paris; empty means local time\n"
        "# timezone =\n"
        "\n"
        "# when set, exactly these folders hold revision scripts (list the\n"
        "# versions/ folder too if it still has some); separated by\n"
        "# version_path_separator: os (':' on Unix), ':', ';' or space\n"
        "# version_locations = %(here)s/bar:%(here)s/bat\n"
        "version_path_separator = os\n"
        "\n"
        "# true: each revision runs in a transaction of its own; false: one\n"
        "# transaction for a whole upgrade or downgrade\n"
        "# transaction_per_migration = true\n"
        "\n"
        "# the table recording which revisions are applied\n"
        "# version_table = alembic_version\n"
        "\n"
        "# the database; `-x url=...` and $DATABASE_URL take precedence\n"
        "sqlalchemy.url = sqlite:///app.db\n"
        "\n"
        "\n"
        "# Logging.  INFO on logger_alembic prints the \"Running upgrade\"\n"
        "# lines; INFO on logger_sqlalchemy also echoes every statement.\n"
        "[loggers]\n"
        "keys = root,sqlalchemy,alembic\n"
        "\n"
        "[handlers]\n"
        "keys = console\n"
        "\n"
        "[formatters]\n"
        "keys = generic\n"
        "\n"
        "[logger_root]\n"
        "level = WARN\n"
        "handlers = console\n"
        "qualname =\n"
        "\n"
        "[logger_sqlalchemy]\n"
        "level = WARN\n"
        "handlers =\n"
        "qualname = sqlalchemy.engine\n"
        "\n"
        "[logger_alembic]\n"
        "level = INFO\n"
        "handlers =\n"
        "qualname = alembic\n"
        "\n"
        "[handler_console]\n"
        "class = StreamHandler\n"
        "args = (sys.stderr,)\n"
        "level = NOTSET\n"
        "formatter = generic\n"
        "\n"
        "[formatter_generic]\n"
        "format = %(levelname)-5.5s [%(name)s] %(message)s\n"
        "datefmt = %H:%M:%S\n";

struct layout {
	rt_status_fn status;
	void *baton;
	struct rt_error *err;
};

static void say(const struct layout *l, const char *text, bool newline)
{
	if (l->status)
		l->status(l->baton, text, newline);
}

/* Alembic's util.status: "<what> ..." then "  done" or "  FAILED". */
static void begin_step(const struct layout *l, const char *what,
                       const char *path)
{
	char *text = rt_xstrfmt("%s %s ...", what, path);

	say(l, text, false);
	free(text);
}

static int end_step(const struct layout *l, int ret)
{
	say(l, ret ? "  FAILED" : "  done", true);
	return ret;
}

static int make_dir_step(const struct layout *l, const char *abs)
{
	begin_step(l, "Creating directory", abs);
	return end_step(l, rt_fs_mkdir_p(abs, 0777, l->err));
}

static int write_step(const struct layout *l, const char *abs, const char *data,
                      size_t len)
{
	begin_step(l, "Generating", abs);
	return end_step(l, rt_fs_write_file(abs, data, len, true, l->err));
}

/* DIR must be absent, or an empty directory. */
static int check_target(const char *dir, struct rt_error *err)
{
	struct rt_strvec names = RT_STRVEC_INIT;
	int ret = 0;

	if (!rt_fs_exists(dir))
		return 0;
	if (!rt_fs_is_dir(dir))
		return rt_error_set_at(err, RT_EEXISTS, dir, 0,
		                       "%s already exists and is not a "
		                       "directory; choose another name",
		                       dir);
	ret = rt_fs_list_dir(&names, dir, err);
	if (!ret && names.nr)
		ret = rt_error_set_at(err, RT_EEXISTS, dir, 0,
		                      "Directory %s already exists and is "
		                      "not empty",
		                      dir);
	rt_strvec_clear(&names);
	return ret;
}

/* The alembic.ini text; '%' in DIR is doubled for ConfigParser. */
static void ini_text(struct rt_buf *out, const char *dir)
{
	const char *p;

	rt_buf_adds(out, ini_head);
	rt_buf_adds(out, "script_location = ");
	for (p = dir; *p; p++) {
		if (*p == '%')
			rt_buf_addch(out, '%');
		rt_buf_addch(out, *p);
	}
	rt_buf_addch(out, '\n');
	rt_buf_adds(out, ini_tail);
}

static int write_ini(const struct layout *l, const char *ini_path,
                     const char *dir)
{
	struct rt_buf text = RT_BUF_INIT;
	char *abs = rt_path_absolute(ini_path);
	char *msg = NULL;
	int ret = 0;

	if (rt_fs_exists(abs)) {
		msg = rt_xstrfmt("File %s already exists, skipping", abs);
		say(l, msg, true);
		goto out;
	}
	ini_text(&text, dir);
	ret = write_step(l, abs, text.buf, text.len);
out:
	free(msg);
	free(abs);
	rt_buf_release(&text);
	return ret;
}

int rt_script_init_layout(const char *dir, const char *ini_path,
                          rt_status_fn status, void *baton,
                          struct rt_error *err)
{
	struct layout l = { status, baton, err };
	char *abs = rt_path_absolute(dir);
	char *versions = rt_path_join(abs, "versions");
	char *tmpl = rt_path_join(abs, "script.sql.tmpl");
	char *readme = rt_path_join(abs, "README");
	const char *tmpl_text = rt_script_default_template();
	int ret;

	ret = check_target(dir, err);
	if (ret)
		goto out;
	if (!rt_fs_exists(dir)) {
		ret = make_dir_step(&l, abs);
		if (ret)
			goto out;
	}
	ret = make_dir_step(&l, versions);
	if (!ret)
		ret = write_step(&l, tmpl, tmpl_text, strlen(tmpl_text));
	if (!ret)
		ret = write_step(&l, readme, readme_text, strlen(readme_text));
	if (!ret)
		ret = write_ini(&l, ini_path ? ini_path : "alembic.ini", dir);
out:
	free(readme);
	free(tmpl);
	free(versions);
	free(abs);
	return ret;
}
