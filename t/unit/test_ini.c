#include "util/compat.h"
/*
 * test_ini.c - the ConfigParser-compatible reader (src/config/ini.c).
 * Expected values were checked against Python 3.11's configparser.
 */
#include <setjmp.h>
#include <cmocka.h>
#include <unistd.h>

#include "config/ini.h"
#include "retort/error.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/strvec.h"

/* Parse `text` as "alembic.ini"; the test fails on a parse error. */
static struct rt_ini *parse_ok(const char *text)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_ini *ini = NULL;
	int ret = rt_ini_parse(&ini, "alembic.ini", text, strlen(text), &err);

	if (ret)
		fail_msg("unexpected parse error: %s", err.message);
	assert_non_null(ini);
	return ini;
}

/* Parse `text`, expect RT_EPARSE at `line`, return the message. */
static void parse_fails(const char *text, unsigned line, const char *message)
{
	struct rt_error err = RT_ERROR_INIT;
	struct rt_ini *ini = (struct rt_ini *)1;
	int ret = rt_ini_parse(&ini, "alembic.ini", text, strlen(text), &err);

	assert_int_equal(ret, RT_EPARSE);
	assert_int_equal(err.code, RT_EPARSE);
	assert_null(ini);
	assert_string_equal(err.loc.path, "alembic.ini");
	assert_int_equal(err.loc.line, line);
	assert_string_equal(err.message, message);
}

/* The interpolated value; asserts success.  NULL when absent. */
static char *get(const struct rt_ini *ini, const char *section, const char *key)
{
	struct rt_error err = RT_ERROR_INIT;
	char *v = (char *)1;
	int ret = rt_ini_get(&v, ini, section, key, &err);

	if (ret)
		fail_msg("unexpected error: %s", err.message);
	return v;
}

static void assert_value(const struct rt_ini *ini, const char *section,
                         const char *key, const char *expected)
{
	char *v = get(ini, section, key);

	assert_non_null(v);
	assert_string_equal(v, expected);
	free(v);
}

/* rt_ini_get must fail with RT_EPARSE at `line` with `message`. */
static void get_fails(const struct rt_ini *ini, const char *section,
                      const char *key, unsigned line, const char *message)
{
	struct rt_error err = RT_ERROR_INIT;
	char *v = (char *)1;

	assert_int_equal(rt_ini_get(&v, ini, section, key, &err), RT_EPARSE);
	assert_null(v);
	assert_int_equal(err.loc.line, line);
	assert_string_equal(err.loc.path, "alembic.ini");
	assert_string_equal(err.message, message);
}

/* --- syntax ------------------------------------------------------------ */

static void test_key_value_forms(void **state)
{
	struct rt_ini *ini = parse_ok("[alembic]\n"
	                              "a = 1\n"
	                              "b: 2\n"
	                              "c=3\n"
	                              "d:4\n"
	                              "e\t=\tfive\t\n");

	(void)state;
	assert_value(ini, "alembic", "a", "1");
	assert_value(ini, "alembic", "b", "2");
	assert_value(ini, "alembic", "c", "3");
	assert_value(ini, "alembic", "d", "4");
	assert_value(ini, "alembic", "e", "five");
	rt_ini_free(ini);
}

static void test_first_separator_splits(void **state)
{
	struct rt_ini *ini = parse_ok("[s]\n"
	                              "k: v = w\n"
	                              "url = sqlite:///x.db\n"
	                              "j = a:b\n");

	(void)state;
	assert_value(ini, "s", "k", "v = w");
	assert_value(ini, "s", "url", "sqlite:///x.db");
	assert_value(ini, "s", "j", "a:b");
	rt_ini_free(ini);
}

static void test_keys_case_insensitive(void **state)
{
	struct rt_ini *ini = parse_ok("[alembic]\n"
	                              "Script_Location : migrations\n");

	(void)state;
	assert_value(ini, "alembic", "script_location", "migrations");
	assert_value(ini, "alembic", "SCRIPT_LOCATION", "migrations");
	assert_int_equal(rt_ini_line(ini, "alembic", "Script_location"), 2);
	rt_ini_free(ini);
}

static void test_inline_comment_kept(void **state)
{
	struct rt_ini *ini =
	        parse_ok("[alembic]\n"
	                 "sqlalchemy.url = sqlite:///x.db   ; not a comment\n"
	                 "version_path_separator = os  # Use os.pathsep.\n");

	(void)state;
	assert_value(ini, "alembic", "sqlalchemy.url",
	             "sqlite:///x.db   ; not a comment");
	assert_value(ini, "alembic", "version_path_separator",
	             "os  # Use os.pathsep.");
	rt_ini_free(ini);
}

static void test_whole_line_comments(void **state)
{
	struct rt_ini *ini = parse_ok("# top comment\n"
	                              "; another\n"
	                              "[s]\n"
	                              "   # indented comment\n"
	                              "a = 1\n"
	                              "\t; tab-indented comment\n"
	                              "#b = 2\n");

	(void)state;
	assert_value(ini, "s", "a", "1");
	assert_null(get(ini, "s", "b"));
	rt_ini_free(ini);
}

static void test_continuation_lines(void **state)
{
	struct rt_ini *ini = parse_ok("[s]\n"
	                              "long_value = first\n"
	                              "    second line\n"
	                              "\tthird  \n"
	                              "next = 2\n");

	(void)state;
	assert_value(ini, "s", "long_value", "first\nsecond line\nthird");
	assert_value(ini, "s", "next", "2");
	assert_int_equal(rt_ini_line(ini, "s", "next"), 5);
	rt_ini_free(ini);
}

static void test_blank_lines_in_values(void **state)
{
	struct rt_ini *ini = parse_ok("[s]\n"
	                              "key = a\n"
	                              "  b\n"
	                              "\n"
	                              "   \n"
	                              "  c\n"
	                              "\n"
	                              "\n"
	                              "other = x\n"
	                              "\n");

	(void)state;
	/* Blank lines inside are kept, trailing ones dropped. */
	assert_value(ini, "s", "key", "a\nb\n\n\nc");
	assert_value(ini, "s", "other", "x");
	rt_ini_free(ini);
}

static void test_comments_inside_values(void **state)
{
	struct rt_ini *ini = parse_ok("[s]\n"
	                              "k = v\n"
	                              "   ; comment\n"
	                              "  # c2\n"
	                              "# at column 0 too\n"
	                              "  more\n");

	(void)state;
	/* A comment neither ends the value nor becomes part of it. */
	assert_value(ini, "s", "k", "v\nmore");
	rt_ini_free(ini);
}

static void test_continuation_relative_to_key(void **state)
{
	struct rt_ini *ini = parse_ok("[s]\n"
	                              "  indented = 1\n"
	                              "    cont\n"
	                              "  sibling = 2\n"
	                              "a = 1\n"
	                              "  b = 2\n");

	(void)state;
	assert_value(ini, "s", "indented", "1\ncont");
	assert_value(ini, "s", "sibling", "2");
	/* Deeper than the key line: part of the value, not a new key. */
	assert_value(ini, "s", "a", "1\nb = 2");
	assert_null(get(ini, "s", "b"));
	rt_ini_free(ini);
}

static void test_indented_line_after_header_is_key(void **state)
{
	struct rt_ini *ini = parse_ok("[s]\n"
	                              "    k = v\n"
	                              "[t]\n"
	                              "a = 1\n"
	                              "  [not a header]\n");

	(void)state;
	assert_value(ini, "s", "k", "v");
	assert_value(ini, "t", "a", "1\n[not a header]");
	assert_false(rt_ini_has_section(ini, "not a header"));
	rt_ini_free(ini);
}

static void test_empty_values(void **state)
{
	struct rt_ini *ini = parse_ok("[s]\n"
	                              "empty =\n"
	                              "empty2:\n"
	                              "starts_empty =\n"
	                              "  x\n"
	                              "  y\n");

	(void)state;
	assert_value(ini, "s", "empty", "");
	assert_value(ini, "s", "empty2", "");
	assert_value(ini, "s", "starts_empty", "\nx\ny");
	rt_ini_free(ini);
}

static void test_default_section(void **state)
{
	struct rt_ini *ini = parse_ok("[DEFAULT]\n"
	                              "shared = d\n"
	                              "over = d\n"
	                              "[s]\n"
	                              "over = s\n"
	                              "[DEFAULT]\n"
	                              "late = yes\n"
	                              "[t]\n");

	(void)state;
	assert_value(ini, "s", "shared", "d");
	assert_value(ini, "s", "over", "s");
	assert_value(ini, "t", "over", "d");
	assert_value(ini, "t", "late", "yes");
	assert_value(ini, "DEFAULT", "over", "d");
	assert_int_equal(rt_ini_line(ini, "t", "shared"), 2);
	assert_int_equal(rt_ini_line(ini, "s", "over"), 5);
	rt_ini_free(ini);
}

static void test_sections(void **state)
{
	struct rt_ini *ini = parse_ok("[alembic]  # the main section\n"
	                              "a = 1\n"
	                              "[a]b]\n"
	                              "x = 2\n"
	                              "[ spaced ]\n"
	                              "[DEFAULT]\n");

	(void)state;
	assert_true(rt_ini_has_section(ini, "alembic"));
	assert_value(ini, "alembic", "a", "1");
	assert_true(rt_ini_has_section(ini, "a]b"));
	assert_value(ini, "a]b", "x", "2");
	assert_true(rt_ini_has_section(ini, " spaced "));
	/* Names are case-sensitive; DEFAULT is not a section of its own. */
	assert_false(rt_ini_has_section(ini, "Alembic"));
	assert_false(rt_ini_has_section(ini, "DEFAULT"));
	assert_false(rt_ini_has_section(ini, "nosuch"));
	rt_ini_free(ini);
}

static void test_absent_key_and_section(void **state)
{
	struct rt_ini *ini = parse_ok("[DEFAULT]\n"
	                              "d = 1\n"
	                              "[s]\n"
	                              "a = 1\n");

	(void)state;
	assert_null(get(ini, "s", "nosuch"));
	/* A missing section has no keys, not even DEFAULT ones. */
	assert_null(get(ini, "nosuch", "d"));
	assert_int_equal(rt_ini_line(ini, "s", "nosuch"), 0);
	assert_int_equal(rt_ini_line(ini, "nosuch", "d"), 0);
	assert_int_equal(rt_ini_line(ini, "s", "a"), 4);
	rt_ini_free(ini);
}

static void test_line_endings(void **state)
{
	struct rt_ini *crlf = parse_ok("[s]\r\na = 1\r\n  b\r\nc = 2\r\n");
	struct rt_ini *cr = parse_ok("[s]\ra = 1\r  b\rc = 2");

	(void)state;
	assert_value(crlf, "s", "a", "1\nb");
	assert_value(crlf, "s", "c", "2");
	assert_int_equal(rt_ini_line(crlf, "s", "c"), 4);
	assert_value(cr, "s", "a", "1\nb");
	assert_int_equal(rt_ini_line(cr, "s", "c"), 4);
	rt_ini_free(crlf);
	rt_ini_free(cr);
}

static void test_bom_skipped(void **state)
{
	struct rt_ini *ini = parse_ok("\xef\xbb\xbf[alembic]\na = 1\n");

	(void)state;
	assert_true(rt_ini_has_section(ini, "alembic"));
	rt_ini_free(ini);
}

static void test_keys_listing(void **state)
{
	struct rt_ini *ini = parse_ok("[DEFAULT]\n"
	                              "z = 1\n"
	                              "b = 1\n"
	                              "[s]\n"
	                              "B = 2\n"
	                              "sqlalchemy.echo = true\n");
	struct rt_strvec keys = RT_STRVEC_INIT;

	(void)state;
	rt_ini_keys(&keys, ini, "s");
	assert_int_equal(keys.nr, 3);
	assert_string_equal(keys.v[0], "b");
	assert_string_equal(keys.v[1], "sqlalchemy.echo");
	assert_string_equal(keys.v[2], "z");
	rt_strvec_clear(&keys);
	rt_ini_keys(&keys, ini, "nosuch");
	assert_int_equal(keys.nr, 0);
	rt_ini_keys(&keys, ini, "DEFAULT");
	assert_int_equal(keys.nr, 2);
	rt_strvec_clear(&keys);
	rt_ini_free(ini);
}

/* --- syntax errors ------------------------------------------------------ */

static void test_error_key_before_section(void **state)
{
	(void)state;
	parse_fails("# comment\n\nscript_location = x\n[alembic]\n", 3,
	            "alembic.ini:3: `key = value` line before any [section] "
	            "header; put a header such as [alembic] above it");
}

static void test_error_not_a_key_line(void **state)
{
	(void)state;
	parse_fails("[alembic]\na = 1\n\n\n\n\njust some words\n", 7,
	            "alembic.ini:7: line is not `key = value`, a [section] "
	            "header or a comment; indent it to continue the value "
	            "above, or start it with '#' to make it a comment");
	/* "[]" is not a header (the name must not be empty). */
	parse_fails("[s]\n[]\n", 2,
	            "alembic.ini:2: line is not `key = value`, a [section] "
	            "header or a comment; indent it to continue the value "
	            "above, or start it with '#' to make it a comment");
}

static void test_error_empty_key(void **state)
{
	(void)state;
	parse_fails("[s]\n  = value\n", 2,
	            "alembic.ini:2: no key name before the '=' or ':'; write "
	            "`key = value`");
}

static void test_error_duplicate_section(void **state)
{
	(void)state;
	parse_fails("[alembic]\na = 1\n[other]\n[alembic]\n", 4,
	            "alembic.ini:4: section [alembic] appears twice (first "
	            "at line 1); merge the two sections into one");
}

static void test_error_duplicate_key(void **state)
{
	(void)state;
	parse_fails("[alembic]\nscript_location = a\nScript_Location = b\n", 3,
	            "alembic.ini:3: key 'script_location' appears twice in "
	            "section [alembic] (first at line 2); remove one of them");
	/* Also across two [DEFAULT] headers, as in Python. */
	parse_fails("[DEFAULT]\na = 1\n[s]\n[DEFAULT]\na = 2\n", 5,
	            "alembic.ini:5: key 'a' appears twice in section "
	            "[DEFAULT] (first at line 2); remove one of them");
}

static void test_duplicate_key_in_other_section_ok(void **state)
{
	struct rt_ini *ini = parse_ok("[a]\nk = 1\n[b]\nk = 2\n");

	(void)state;
	assert_value(ini, "a", "k", "1");
	assert_value(ini, "b", "k", "2");
	rt_ini_free(ini);
}

static void test_error_nul_byte(void **state)
{
	static const char text[] = "[s]\na = 1\nb = x\0y\n";
	struct rt_error err = RT_ERROR_INIT;
	struct rt_ini *ini = NULL;

	(void)state;
	assert_int_equal(
	        rt_ini_parse(&ini, "alembic.ini", text, sizeof(text) - 1, &err),
	        RT_EPARSE);
	assert_null(ini);
	assert_int_equal(err.loc.line, 3);
	assert_string_equal(err.message,
	                    "alembic.ini:3: line contains a NUL byte; save the "
	                    "file as plain text");
}

static void test_error_null_err_accepted(void **state)
{
	struct rt_ini *ini = NULL;
	char *v = NULL;

	(void)state;
	assert_int_equal(rt_ini_parse(&ini, "x.ini", "oops\n", 5, NULL),
	                 RT_EPARSE);
	ini = parse_ok("[s]\na = 50%\n");
	assert_int_equal(rt_ini_get(&v, ini, "s", "a", NULL), RT_EPARSE);
	assert_null(v);
	rt_ini_free(ini);
	rt_ini_free(NULL);
}

/* --- interpolation ------------------------------------------------------ */

static void test_interp_same_section(void **state)
{
	struct rt_ini *ini = parse_ok("[s]\n"
	                              "dir = /srv/app\n"
	                              "db = sqlite:///%(dir)s/app.db\n"
	                              "upper = %(DIR)s\n");

	(void)state;
	assert_value(ini, "s", "db", "sqlite:////srv/app/app.db");
	assert_value(ini, "s", "upper", "/srv/app");
	rt_ini_free(ini);
}

static void test_interp_default_fallback(void **state)
{
	struct rt_ini *ini = parse_ok("[DEFAULT]\n"
	                              "base = /d\n"
	                              "x = %(y)s\n"
	                              "[s]\n"
	                              "path = %(base)s/s\n"
	                              "y = S\n"
	                              "[t]\n"
	                              "base = /t\n"
	                              "path = %(base)s/t\n"
	                              "y = T\n");

	(void)state;
	assert_value(ini, "s", "path", "/d/s");
	assert_value(ini, "t", "path", "/t/t");
	/* A DEFAULT value is expanded in the context of the asking section. */
	assert_value(ini, "s", "x", "S");
	assert_value(ini, "t", "x", "T");
	rt_ini_free(ini);
}

static void test_interp_here(void **state)
{
	struct rt_ini *ini = NULL;
	struct rt_error err = RT_ERROR_INIT;
	char *cwd = getcwd(NULL, 0);
	char *expect_sub;
	static const char text[] = "[alembic]\n"
	                           "script_location = %(here)s/migrations\n";

	(void)state;
	assert_non_null(cwd);
	ini = parse_ok(text);
	/* "alembic.ini" lives in the current directory. */
	assert_string_equal(rt_ini_here(ini), cwd);
	assert_string_equal(rt_ini_path(ini), "alembic.ini");
	expect_sub = rt_xstrfmt("%s/migrations", cwd);
	assert_value(ini, "alembic", "script_location", expect_sub);
	assert_value(ini, "alembic", "here", cwd);
	assert_int_equal(rt_ini_line(ini, "alembic", "here"), 0);
	rt_ini_free(ini);
	free(expect_sub);

	assert_int_equal(rt_ini_parse(&ini, "/etc/proj/sub/../alembic.ini",
	                              text, sizeof(text) - 1, &err),
	                 0);
	assert_string_equal(rt_ini_here(ini), "/etc/proj");
	assert_value(ini, "alembic", "script_location", "/etc/proj/migrations");
	rt_ini_free(ini);
	free(cwd);
}

static void test_interp_here_overridden(void **state)
{
	struct rt_ini *ini = parse_ok("[DEFAULT]\n"
	                              "here = /elsewhere\n"
	                              "[s]\n"
	                              "p = %(here)s/x\n"
	                              "[t]\n"
	                              "here = /mine\n"
	                              "p = %(here)s/x\n");

	(void)state;
	assert_value(ini, "s", "p", "/elsewhere/x");
	assert_value(ini, "t", "p", "/mine/x");
	rt_ini_free(ini);
}

static void test_interp_here_is_literal(void **state)
{
	struct rt_ini *ini = NULL;
	struct rt_error err = RT_ERROR_INIT;
	static const char text[] = "[s]\np = %(here)s/x\n";

	(void)state;
	/* Better than Python: a '%' in the directory name is not syntax. */
	assert_int_equal(rt_ini_parse(&ini, "/tmp/100%/alembic.ini", text,
	                              sizeof(text) - 1, &err),
	                 0);
	assert_value(ini, "s", "p", "/tmp/100%/x");
	rt_ini_free(ini);
}

static void test_interp_nested(void **state)
{
	struct rt_ini *ini = parse_ok("[s]\n"
	                              "a = %(b)s-%(c)s\n"
	                              "b = <%(c)s>\n"
	                              "c = %%x\n");

	(void)state;
	assert_value(ini, "s", "a", "<%x>-%x");
	rt_ini_free(ini);
}

static void test_interp_double_percent(void **state)
{
	struct rt_ini *ini = parse_ok("[alembic]\n"
	                              "file_template = %%(rev)s_%%(slug)s\n"
	                              "url = postgresql://u:p%%40ss@h/db\n"
	                              "pct = 100%%\n");

	(void)state;
	assert_value(ini, "alembic", "file_template", "%(rev)s_%(slug)s");
	assert_value(ini, "alembic", "url", "postgresql://u:p%40ss@h/db");
	assert_value(ini, "alembic", "pct", "100%");
	rt_ini_free(ini);
}

static void test_interp_bad_percent(void **state)
{
	struct rt_ini *ini =
	        parse_ok("[alembic]\n"
	                 "script_location = x\n"
	                 "sqlalchemy.url = postgresql://u:p%40ss@h/db\n"
	                 "end = 50%\n");

	(void)state;
	get_fails(ini, "alembic", "sqlalchemy.url", 3,
	          "alembic.ini:3: bad '%' in value of 'sqlalchemy.url': write "
	          "'%%' for a literal percent sign");
	get_fails(ini, "alembic", "end", 4,
	          "alembic.ini:4: bad '%' in value of 'end': write '%%' for a "
	          "literal percent sign");
	rt_ini_free(ini);
}

static void test_interp_bad_reference(void **state)
{
	static const char msg_a[] =
	        "alembic.ini:2: bad '%(' reference in value of 'a': write "
	        "'%(name)s' to insert another key, or '%%' for a literal "
	        "percent sign";
	struct rt_ini *ini = parse_ok("[s]\n"
	                              "a = %(x\n"
	                              "b = %(x)d\n"
	                              "c = %()s\n"
	                              "x = 1\n");

	(void)state;
	get_fails(ini, "s", "a", 2, msg_a);
	get_fails(ini, "s", "b", 3,
	          "alembic.ini:3: bad '%(' reference in value of 'b': write "
	          "'%(name)s' to insert another key, or '%%' for a literal "
	          "percent sign");
	get_fails(ini, "s", "c", 4,
	          "alembic.ini:4: bad '%(' reference in value of 'c': write "
	          "'%(name)s' to insert another key, or '%%' for a literal "
	          "percent sign");
	rt_ini_free(ini);
}

static void test_interp_missing_key(void **state)
{
	struct rt_ini *ini = parse_ok("[s]\n"
	                              "\n"
	                              "x = a %(nosuch)s b\n");

	(void)state;
	get_fails(ini, "s", "x", 3,
	          "alembic.ini:3: value of 'x' refers to '%(nosuch)s', which "
	          "is not set; define it in [s] or [DEFAULT], or write '%%' "
	          "for a literal percent sign");
	rt_ini_free(ini);
}

static void test_interp_error_names_inner_line(void **state)
{
	struct rt_ini *ini = parse_ok("[s]\n"
	                              "outer = <%(inner)s>\n"
	                              "inner = 5%\n");

	(void)state;
	/* The line to fix is the one holding the bad '%'. */
	get_fails(ini, "s", "outer", 3,
	          "alembic.ini:3: bad '%' in value of 'inner': write '%%' for "
	          "a literal percent sign");
	rt_ini_free(ini);
}

static void test_interp_recursion_limit(void **state)
{
	struct rt_buf text = RT_BUF_INIT;
	struct rt_ini *ini;
	int i;

	(void)state;
	ini = parse_ok("[s]\na = %(a)s\n");
	get_fails(ini, "s", "a", 2,
	          "alembic.ini:2: recursion limit exceeded while expanding the "
	          "value of 'a': '%(name)s' references nest more than 10 "
	          "deep; check for a key that refers to itself");
	rt_ini_free(ini);

	/* a1 -> a2 -> ... -> a11: ten references still work (as Python). */
	rt_buf_adds(&text, "[s]\n");
	for (i = 1; i <= 10; i++)
		rt_buf_addf(&text, "a%d = %%(a%d)s\n", i, i + 1);
	rt_buf_adds(&text, "a11 = end\n");
	ini = parse_ok(text.buf);
	assert_value(ini, "s", "a1", "end");
	rt_ini_free(ini);

	/* ...eleven do not. */
	rt_buf_reset(&text);
	rt_buf_adds(&text, "[s]\n");
	for (i = 1; i <= 11; i++)
		rt_buf_addf(&text, "a%d = %%(a%d)s\n", i, i + 1);
	rt_buf_adds(&text, "a12 = end\n");
	ini = parse_ok(text.buf);
	get_fails(ini, "s", "a1", 2,
	          "alembic.ini:2: recursion limit exceeded while expanding the "
	          "value of 'a1': '%(name)s' references nest more than 10 "
	          "deep; check for a key that refers to itself");
	assert_value(ini, "s", "a2", "end");
	rt_ini_free(ini);
	rt_buf_release(&text);
}

static void test_interp_multiline_value(void **state)
{
	struct rt_ini *ini = parse_ok("[s]\n"
	                              "dirs = %(here)s/a\n"
	                              "  %(b)s\n"
	                              "b = B\n");
	char *v = get(ini, "s", "dirs");

	(void)state;
	assert_non_null(v);
	assert_true(rt_ends_with(v, "/a\nB"));
	free(v);
	rt_ini_free(ini);
}

/* --- files -------------------------------------------------------------- */

static void test_load_file(void **state)
{
	char dir_template[] = "/tmp/rt_test_ini_XXXXXX";
	char *dir = mkdtemp(dir_template);
	char *path, *missing;
	struct rt_error err = RT_ERROR_INIT;
	struct rt_ini *ini = NULL;
	static const char text[] = "[alembic]\nscript_location = %(here)s/m\n";

	(void)state;
	assert_non_null(dir);
	path = rt_path_join(dir, "alembic.ini");
	missing = rt_path_join(dir, "nosuch.ini");
	assert_int_equal(
	        rt_fs_write_file(path, text, sizeof(text) - 1, false, &err), 0);
	assert_int_equal(rt_ini_load(&ini, path, &err), 0);
	assert_string_equal(rt_ini_path(ini), path);
	assert_string_equal(rt_ini_here(ini), dir);
	rt_ini_free(ini);

	assert_int_equal(rt_ini_load(&ini, missing, &err), RT_ENOTFOUND);
	assert_null(ini);
	assert_string_equal(err.loc.path, missing);
	unlink(path);
	rmdir(dir);
	free(path);
	free(missing);
}

static void test_load_file_syntax_error(void **state)
{
	char dir_template[] = "/tmp/rt_test_ini_XXXXXX";
	char *dir = mkdtemp(dir_template);
	char *path, *expect;
	struct rt_error err = RT_ERROR_INIT;
	struct rt_ini *ini = NULL;
	static const char text[] = "[alembic]\nno separator here\n";

	(void)state;
	assert_non_null(dir);
	path = rt_path_join(dir, "bad.ini");
	assert_int_equal(
	        rt_fs_write_file(path, text, sizeof(text) - 1, false, &err), 0);
	assert_int_equal(rt_ini_load(&ini, path, &err), RT_EPARSE);
	assert_null(ini);
	expect = rt_xstrfmt("%s:2: line is not", path);
	assert_true(rt_starts_with(err.message, expect));
	assert_int_equal(err.loc.line, 2);
	unlink(path);
	rmdir(dir);
	free(path);
	free(expect);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_value_forms),
		cmocka_unit_test(test_first_separator_splits),
		cmocka_unit_test(test_keys_case_insensitive),
		cmocka_unit_test(test_inline_comment_kept),
		cmocka_unit_test(test_whole_line_comments),
		cmocka_unit_test(test_continuation_lines),
		cmocka_unit_test(test_blank_lines_in_values),
		cmocka_unit_test(test_comments_inside_values),
		cmocka_unit_test(test_continuation_relative_to_key),
		cmocka_unit_test(test_indented_line_after_header_is_key),
		cmocka_unit_test(test_empty_values),
		cmocka_unit_test(test_default_section),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_absent_key_and_section),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_bom_skipped),
		cmocka_unit_test(test_keys_listing),
		cmocka_unit_test(test_error_key_before_section),
		cmocka_unit_test(test_error_not_a_key_line),
		cmocka_unit_test(test_error_empty_key),
		cmocka_unit_test(test_error_duplicate_section),
		cmocka_unit_test(test_error_duplicate_key),
		cmocka_unit_test(test_duplicate_key_in_other_section_ok),
		cmocka_unit_test(test_error_nul_byte),
		cmocka_unit_test(test_error_null_err_accepted),
		cmocka_unit_test(test_interp_same_section),
		cmocka_unit_test(test_interp_default_fallback),
		cmocka_unit_test(test_interp_here),
		cmocka_unit_test(test_interp_here_overridden),
		cmocka_unit_test(test_interp_here_is_literal),
		cmocka_unit_test(test_interp_nested),
		cmocka_unit_test(test_interp_double_percent),
		cmocka_unit_test(test_interp_bad_percent),
		cmocka_unit_test(test_interp_bad_reference),
		cmocka_unit_test(test_interp_missing_key),
		cmocka_unit_test(test_interp_error_names_inner_line),
		cmocka_unit_test(test_interp_recursion_limit),
		cmocka_unit_test(test_interp_multiline_value),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_load_file_syntax_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
