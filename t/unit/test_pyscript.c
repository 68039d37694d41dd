#include "util/compat.h"
/*
 * test_pyscript.c - the Alembic `.py` metadata reader (script/pyscript.c):
 * every string literal form, the literal values, module-level rules, the
 * docstring, the errors and their lines, and loading .py files together
 * with .sql files (script/scan.c).
 */
#include <setjmp.h>
#include <cmocka.h>

#include "tmpdir_fixture.h"

#include <sys/stat.h>

#include "script/script.h"
#include "retort/error.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fs.h"

#define PATH "/proj/versions/x_slug.py"

static struct rt_arena arena = RT_ARENA_INIT;
static struct rt_error err = RT_ERROR_INIT;

static int setup(void **state)
{
	(void)state;
	rt_error_clear(&err);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rt_arena_release(&arena);
	return 0;
}

static struct rt_revision *parse_path_ok(const char *path, const char *text,
                                         size_t len)
{
	struct rt_revision *rev = NULL;
	int ret;

	rt_error_clear(&err);
	ret = rt_pyscript_parse(&rev, &arena, path, text, len, &err);
	if (ret)
		fail_msg("unexpected error %d: %s", ret, err.message);
	assert_non_null(rev);
	assert_true(rev->is_python);
	assert_true(rev->transactional);
	assert_null(rev->upgrade_sql);
	assert_null(rev->downgrade_sql);
	assert_string_equal(rev->path, path);
	return rev;
}

static struct rt_revision *parse_ok(const char *text)
{
	return parse_path_ok(PATH, text, strlen(text));
}

/*
 * Parse `text` (named `path`), expect error `code` at `line`, marked as an
 * Alembic crash or not; returns the message.
 */
static const char *parse_path_fails(const char *path, const char *text,
                                    int code, unsigned line, bool crash)
{
	struct rt_revision *rev = (struct rt_revision *)&arena;
	int ret;

	rt_error_clear(&err);
	ret = rt_pyscript_parse(&rev, &arena, path, text, strlen(text), &err);
	assert_int_equal(ret, code);
	assert_null(rev);
	assert_int_equal(err.code, code);
	assert_string_equal(err.loc.path, path);
	assert_int_equal(err.loc.line, line);
	assert_int_equal(err.alembic_crash, crash);
	return err.message;
}

static const char *parse_fails(const char *text, int code, unsigned line,
                               bool crash)
{
	return parse_path_fails(PATH, text, code, line, crash);
}

/* A script with `decl` as the value of revision (down_revision = None). */
static struct rt_revision *parse_revision_value(const char *value)
{
	char *text = rt_xstrfmt("revision = %s\ndown_revision = None\n", value);
	struct rt_revision *rev = parse_ok(text);

	free(text);
	return rev;
}

/* The id read from `revision = <value>`. */
static void expect_id(const char *value, const char *id)
{
	struct rt_revision *rev = parse_revision_value(value);

	assert_string_equal(rev->id, id);
}

/* The parents read from `down_revision = <value>`. */
static void expect_down(const char *value, size_t nr, ...)
{
	char *text = rt_xstrfmt("revision = 'r1'\ndown_revision = %s\n", value);
	struct rt_revision *rev = parse_ok(text);
	va_list ap;
	size_t i;

	assert_int_equal(rev->nr_down, nr);
	va_start(ap, nr);
	for (i = 0; i < nr; i++)
		assert_string_equal(rev->down_revisions[i],
		                    va_arg(ap, const char *));
	va_end(ap);
	assert_null(rev->down_revisions[nr]);
	free(text);
}

/* --- what `alembic revision` writes ------------------------------------ */

static const char generic_script[] =
        "\"\"\"add email to account\n"
        "\n"
        "Revision ID: 2222bbbb0002\n"
        "Revises: 1111aaaa0001\n"
        "Create Date: 2026-11-24 12:47:15.277594\n"
        "\n"
        "\"\"\"\n"
        "from alembic import op\n"
        "import sqlalchemy as sa\n"
        "\n"
        "\n"
        "# revision identifiers, used by Alembic.\n"
        "revision = '2222bbbb0002'\n"
        "down_revision = '1111aaaa0001'\n"
        "branch_labels = None\n"
        "depends_on = None\n"
        "\n"
        "\n"
        "def upgrade() -> None:\n"
        "    pass\n"
        "\n"
        "\n"
        "def downgrade() -> None:\n"
        "    pass\n";

static void test_generic_template(void **state)
{
	struct rt_revision *rev = parse_ok(generic_script);

	(void)state;
	assert_string_equal(rev->id, "2222bbbb0002");
	assert_int_equal(rev->nr_down, 1);
	assert_string_equal(rev->down_revisions[0], "1111aaaa0001");
	assert_int_equal(rev->nr_labels, 0);
	assert_non_null(rev->branch_labels);
	assert_null(rev->branch_labels[0]);
	assert_int_equal(rev->nr_depends, 0);
	assert_non_null(rev->depends_on);
	assert_string_equal(rev->doc, "add email to account");
	assert_string_equal(rev->longdoc,
	                    "add email to account\n"
	                    "\n"
	                    "Revision ID: 2222bbbb0002\n"
	                    "Revises: 1111aaaa0001\n"
	                    "Create Date: 2026-11-24 12:47:15.277594");
}

static void test_merge_labels_depends(void **state)
{
	struct rt_revision *rev =
	        parse_ok("\"\"\"merge\"\"\"\n"
	                 "revision = 'm1'\n"
	                 "down_revision = ('cccc00000003', 'dddd00000004')\n"
	                 "branch_labels = ('shop',)\n"
	                 "depends_on = ['5a0000000001', '5c0000000003']\n");

	(void)state;
	assert_int_equal(rev->nr_down, 2);
	assert_string_equal(rev->down_revisions[0], "cccc00000003");
	assert_string_equal(rev->down_revisions[1], "dddd00000004");
	assert_int_equal(rev->nr_labels, 1);
	assert_string_equal(rev->branch_labels[0], "shop");
	assert_null(rev->branch_labels[1]);
	assert_int_equal(rev->nr_depends, 2);
	assert_string_equal(rev->depends_on[0], "5a0000000001");
	assert_string_equal(rev->depends_on[1], "5c0000000003");
	assert_null(rev->depends_on[2]);
}

/* --- string literals --------------------------------------------------- */

static void test_string_quotes(void **state)
{
	(void)state;
	expect_id("'a1'", "a1");
	expect_id("\"a2\"", "a2");
	expect_id("'''a3'''", "a3");
	expect_id("\"\"\"a4\"\"\"", "a4");
	expect_id("'it\"s'", "it\"s");
	expect_id("\"\"\"x'\"y\"\"\"", "x'\"y");
	expect_id("'''a''b'''", "a''b");
}

static void test_string_prefixes(void **state)
{
	(void)state;
	expect_id("u'ckan1'", "ckan1");
	expect_id("U'ckan2'", "ckan2");
	expect_id("r'raw1'", "raw1");
	expect_id("R\"raw2\"", "raw2");
	expect_id("r'a\\b'", "a\\b");
	/* an escaped quote stays in a raw string, backslash and all */
	expect_id("r'a\\'b'", "a\\'b");
}

static void test_string_concatenation(void **state)
{
	(void)state;
	expect_id("'ab' \"cd\" '''ef'''", "abcdef");
	expect_id("('ab'\n    'cd')", "abcd");
	expect_id("'ab' \\\n 'cd'", "abcd");
	expect_id("u'a' r'\\n'", "a\\n");
}

static void test_string_escapes(void **state)
{
	struct rt_revision *rev;

	(void)state;
	rev = parse_ok("'''x\\ty\\nz\\\\w\\'q\\\"'''\n"
	               "revision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->longdoc, "x\ty\nz\\w'q\"");
	rev = parse_ok("'\\x41\\101\\u00e9\\U0001F600\\a\\b\\f\\v\\rZ'\n"
	               "revision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->longdoc,
	                    "AA\xc3\xa9\xf0\x9f\x98\x80\a\b\f\v\rZ");
	/* an octal escape above 0o377 is a code point, as in str */
	rev = parse_ok("'\\777'\nrevision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->longdoc, "\xc7\xbf");
	/* unknown escapes keep their backslash */
	rev = parse_ok("'a\\d\\['\nrevision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->longdoc, "a\\d\\[");
	/* backslash-newline inside a string joins the lines */
	rev = parse_ok("'ab\\\ncd'\nrevision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->longdoc, "abcd");
	rev = parse_ok("r'''a\\\nb'''\nrevision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->longdoc, "a\\\nb");
}

static void test_escape_errors(void **state)
{
	const char *msg;

	(void)state;
	msg = parse_fails("\n\nrevision = 'a\\x4'\n", RT_EPARSE, 3, true);
	assert_string_equal(msg, PATH ":3: a truncated \\xXX escape (a Python "
	                              "syntax error: Alembic cannot load this "
	                              "file either)");
	parse_fails("revision = 'a\\u12'\n", RT_EPARSE, 1, true);
	parse_fails("revision = 'a\\U00110000'\n", RT_EPARSE, 1, true);
	/* valid Python, but not something UTF-8 can hold */
	parse_fails("revision = 'a\\udc00'\n", RT_EUNSUPPORTED, 1, false);
	msg = parse_fails("revision = '\\N{EM DASH}'\n", RT_EUNSUPPORTED, 1,
	                  false);
	assert_string_equal(msg, PATH ":1: retort does not know the character "
	                              "names of \\N{...} escapes; write the "
	                              "character itself");
	parse_fails("revision = 'a\\0'\n", RT_EUNSUPPORTED, 1, false);
}

static void test_non_ascii_kept(void **state)
{
	struct rt_revision *rev = parse_ok(
	        "\"\"\"Ajout d'un index sur l'\xc3\xa9tat \xe2\x80\x94 "
	        "\xe6\x97\xa5\xe6\x9c\xac\"\"\"\n"
	        "revision = 'r'\ndown_revision = None\n");

	(void)state;
	assert_string_equal(rev->doc, "Ajout d'un index sur l'\xc3\xa9tat "
	                              "\xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac");
}

/* --- values ------------------------------------------------------------ */

static void test_values(void **state)
{
	(void)state;
	expect_down("None", 0);
	expect_down("''", 0);
	expect_down("()", 0);
	expect_down("[]", 0);
	expect_down("'a'", 1, "a");
	expect_down("('a')", 1, "a");
	expect_down("(('a'))", 1, "a");
	expect_down("('a',)", 1, "a");
	expect_down("['a']", 1, "a");
	expect_down("['a',]", 1, "a");
	expect_down("'a', 'b'", 2, "a", "b");
	expect_down("'a', 'b',", 2, "a", "b");
	expect_down("(\n    'a',  # first\n    'b',\n)", 2, "a", "b");
	expect_down("[('a'), 'b' 'c']", 2, "a", "bc");
	expect_down("(None)", 0);
}

static void test_labels_and_depends_forms(void **state)
{
	struct rt_revision *rev = parse_ok("revision = 'r'\n"
	                                   "down_revision = None\n"
	                                   "branch_labels = 'expand'\n"
	                                   "depends_on = ()\n");

	(void)state;
	assert_int_equal(rev->nr_labels, 1);
	assert_string_equal(rev->branch_labels[0], "expand");
	assert_int_equal(rev->nr_depends, 0);
	rev = parse_ok("revision = 'r'\ndown_revision = None\n"
	               "depends_on = 'x'\n");
	assert_int_equal(rev->nr_depends, 1);
	assert_string_equal(rev->depends_on[0], "x");
}

static void test_annotated(void **state)
{
	struct rt_revision *rev = parse_ok(
	        "from typing import Sequence, Union\n"
	        "revision: str = 'a1b2'\n"
	        "down_revision: Union[str, Sequence[str], None] = ('x', 'y')\n"
	        "branch_labels: tuple[str] | None = None\n"
	        "depends_on: Union[str, Sequence[str], None] = 'z'\n");

	(void)state;
	assert_string_equal(rev->id, "a1b2");
	assert_int_equal(rev->nr_down, 2);
	assert_string_equal(rev->down_revisions[1], "y");
	assert_int_equal(rev->nr_labels, 0);
	assert_int_equal(rev->nr_depends, 1);
	/* an annotation alone assigns nothing */
	rev = parse_ok("revision = 'a'\nrevision: str\ndown_revision = None\n");
	assert_string_equal(rev->id, "a");
}

static void test_last_assignment_wins(void **state)
{
	struct rt_revision *rev = parse_ok("revision = 'first'\n"
	                                   "down_revision = get_parent()\n"
	                                   "revision = 'second'\n"
	                                   "down_revision = None\n");

	(void)state;
	assert_string_equal(rev->id, "second");
	assert_int_equal(rev->nr_down, 0);
	/* a literal replaced by something unreadable is an error */
	parse_fails("revision = 'a'\ndown_revision = None\n"
	            "revision = make_id()\n",
	            RT_EUNSUPPORTED, 3, false);
}

static void test_chains_and_semicolons(void **state)
{
	struct rt_revision *rev =
	        parse_ok("revision = other = 'chain'\n"
	                 "x = 1; down_revision = 'p'; branch_labels = 'l'\n");

	(void)state;
	assert_string_equal(rev->id, "chain");
	assert_string_equal(rev->down_revisions[0], "p");
	assert_string_equal(rev->branch_labels[0], "l");
	rev = parse_ok("revision = \\\n    'cont'\ndown_revision = None\n");
	assert_string_equal(rev->id, "cont");
}

static void test_only_module_level(void **state)
{
	struct rt_revision *rev =
	        parse_ok("revision = 'top'\n"
	                 "down_revision = None\n"
	                 "def upgrade():\n"
	                 "    revision = 'inner'\n"
	                 "    down_revision = compute()\n"
	                 "    x = \"\"\"\n"
	                 "revision = 'in a string'\n"
	                 "\"\"\"\n"
	                 "if True: revision = 'one line if'\n"
	                 "if True:\n"
	                 "    branch_labels = ('nope',)\n"
	                 "class X:\n"
	                 "    depends_on = 'nope'\n"
	                 "x = dict(revision='kw', down_revision=None)\n"
	                 "print(revision == 'top')\n"
	                 "f = lambda revision='lam': revision\n"
	                 "obj.revision = 'attr'\n"
	                 "d[revision] = 'sub'\n");

	(void)state;
	assert_string_equal(rev->id, "top");
	assert_int_equal(rev->nr_down, 0);
	assert_int_equal(rev->nr_labels, 0);
	assert_int_equal(rev->nr_depends, 0);
}

static void test_bodies_may_be_odd(void **state)
{
	/* Python 2 syntax, f-strings with nested quotes, quotes in comments */
	struct rt_revision *rev = parse_ok(
	        "revision = 'r'\n"
	        "down_revision = None  # it's the base\n"
	        "def upgrade():\n"
	        "    print \"py2\"\n"
	        "    x = = 1\n"
	        "    s = f\"{d[\"key\"]} and {x!r:>{width}} {{lit}}\"\n"
	        "    t = f'{\"}\"}' rf\"\\{x}\" F'''{a\n"
	        "    + b}'''\n"
	        "    # don't ( [ {\n"
	        "    u = b'\\xff' br'\\d' Rb\"x\"\n"
	        "    v = 1e-5 + .5 + 0x1F\n"
	        "branch_labels = 'after'\n");

	(void)state;
	assert_string_equal(rev->id, "r");
	assert_string_equal(rev->branch_labels[0], "after");
}

/* --- the docstring ----------------------------------------------------- */

static void test_doc_after_comments(void **state)
{
	struct rt_revision *rev = parse_ok("#!/usr/bin/env python\n"
	                                   "# -*- coding: utf-8 -*-\n"
	                                   "\n"
	                                   "# Copyright notice\n"
	                                   "\n"
	                                   "'''  the message  '''\n"
	                                   "revision = 'r'\n"
	                                   "down_revision = None\n");

	(void)state;
	assert_string_equal(rev->doc, "the message");
	assert_string_equal(rev->longdoc, "the message");
}

static void test_no_doc_after_import(void **state)
{
	struct rt_revision *rev = parse_ok("from alembic import op\n"
	                                   "\"\"\"too late\"\"\"\n"
	                                   "revision = 'r'\n"
	                                   "down_revision = None\n");

	(void)state;
	assert_string_equal(rev->doc, "");
	assert_string_equal(rev->longdoc, "");
	/* nor after the assignments (quay, neutron) */
	rev = parse_ok("revision = 'r'\ndown_revision = None\n'''late'''\n");
	assert_string_equal(rev->doc, "");
	/* an indented first statement is no docstring either */
	rev = parse_ok("if x:\n    '''no'''\n'''no'''\nrevision = 'r'\n"
	               "down_revision = None\n");
	assert_string_equal(rev->doc, "");
}

static void test_doc_forms(void **state)
{
	struct rt_revision *rev;

	(void)state;
	rev = parse_ok("('par' 'ens')\nrevision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->doc, "parens");
	rev = parse_ok("'one'; revision = 'r'; down_revision = None\n");
	assert_string_equal(rev->doc, "one");
	assert_string_equal(rev->id, "r");
	/* f-strings and bytes are not docstrings */
	rev = parse_ok("f'no'\nrevision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->doc, "");
	rev = parse_ok("b'no'\nrevision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->doc, "");
	rev = parse_ok("'''doc'''.strip()\nrevision = 'r'\n"
	               "down_revision = None\n");
	assert_string_equal(rev->doc, "");
	/* whitespace only: empty; no docstring at all: empty */
	rev = parse_ok("''' \n\t '''\nrevision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->longdoc, "");
	rev = parse_ok("revision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->doc, "");
}

static void test_doc_paragraphs(void **state)
{
	struct rt_revision *rev;

	(void)state;
	/* the message runs on until "\n\n", exactly */
	rev = parse_ok("\"\"\"two line\nmessage\nRevision ID: r\n\n"
	               "Create Date: x\n\"\"\"\n"
	               "revision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->doc, "two line\nmessage\nRevision ID: r");
	/* a line of spaces does not end the paragraph */
	rev = parse_ok("\"\"\"a\n  \nb\n\nc\"\"\"\n"
	               "revision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->doc, "a\n  \nb");
	assert_string_equal(rev->longdoc, "a\n  \nb\n\nc");
	/* no dedent: indentation after the first line stays */
	rev = parse_ok("\"\"\"\n    msg\n\n    Revision ID: r\n    \"\"\"\n"
	               "revision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->doc, "msg");
	assert_string_equal(rev->longdoc, "msg\n\n    Revision ID: r");
	/* str.strip() also drops Unicode spaces (U+00A0, U+3000) */
	rev = parse_ok("'\xc2\xa0 x \xe3\x80\x80'\n"
	               "revision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->doc, "x");
}

/* --- encodings and line ends ------------------------------------------- */

static void test_crlf_and_cr(void **state)
{
	struct rt_revision *rev = parse_ok("'''a\r\n\r\nb'''\r\n"
	                                   "revision = 'r'\r\n"
	                                   "down_revision = None\r\n");
	const char *msg;

	(void)state;
	assert_string_equal(rev->longdoc, "a\n\nb");
	assert_string_equal(rev->doc, "a");
	rev = parse_ok("'''a\r\rb'''\rrevision = 'r'\rdown_revision = None\r");
	assert_string_equal(rev->doc, "a");
	/* line numbers count each line end once */
	msg = parse_fails("revision = 'r'\r\ndown_revision = None\r\n\r\n"
	                  "branch_labels = x\r\n",
	                  RT_EUNSUPPORTED, 4, false);
	assert_non_null(strstr(msg, ":4: "));
}

static void test_bom_and_cookies(void **state)
{
	struct rt_revision *rev;
	const char *msg;

	(void)state;
	rev = parse_ok("\xef\xbb\xbf'''bom'''\nrevision = 'r'\n"
	               "down_revision = None\n");
	assert_string_equal(rev->doc, "bom");
	/* Latin-1 is converted to UTF-8 */
	rev = parse_ok("# -*- coding: latin-1 -*-\n'''caf\xe9'''\n"
	               "revision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->doc, "caf\xc3\xa9");
	rev = parse_ok("#!/usr/bin/python\n# vim: set fileencoding=iso-8859-1 :"
	               "\n'''\xe9'''\nrevision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->doc, "\xc3\xa9");
	/* a cookie on line 2 counts only after a comment or blank line 1 */
	msg = parse_fails("x = 1\n# coding: latin-1\n'\xe9'\n", RT_EPARSE, 3,
	                  true);
	assert_non_null(strstr(msg, "byte 0xe9 is not valid UTF-8"));
	rev = parse_ok("# coding=utf8\nrevision = 'r'\ndown_revision = None\n");
	assert_string_equal(rev->id, "r");
	msg = parse_fails("# coding: cp1252\nrevision = 'r'\n", RT_EUNSUPPORTED,
	                  1, false);
	assert_non_null(strstr(msg, "not 'cp1252'"));
	parse_fails("# coding: ascii\nrevision = '\xc3\xa9'\n", RT_EPARSE, 2,
	            true);
	parse_fails("\xef\xbb\xbf# coding: latin-1\n", RT_EPARSE, 1, true);
}

static void test_invalid_utf8_and_nul(void **state)
{
	struct rt_revision *rev = (struct rt_revision *)&arena;
	static const char nul[] = "revision = 'r'\n\ndown\0_revision = None\n";
	int ret;

	(void)state;
	parse_fails("revision = 'r'\n# \xc3\x28\n", RT_EPARSE, 2, true);
	/* an encoded surrogate is not UTF-8 either */
	parse_fails("'\xed\xa0\x80'\n", RT_EPARSE, 1, true);
	rt_error_clear(&err);
	ret = rt_pyscript_parse(&rev, &arena, PATH, nul, sizeof(nul) - 1, &err);
	assert_int_equal(ret, RT_EPARSE);
	assert_null(rev);
	assert_int_equal(err.loc.line, 3);
	assert_non_null(strstr(err.message, "NUL byte"));
}

static void test_text_need_not_be_terminated(void **state)
{
	static const char text[] = "revision = 'abc'\ndown_revision = None"
	                           "XYZ";
	struct rt_revision *rev;

	(void)state;
	rev = parse_path_ok(PATH, text, sizeof(text) - 1 - 3);
	assert_string_equal(rev->id, "abc");
}

/* --- errors ------------------------------------------------------------ */

static void test_err_no_revision(void **state)
{
	struct rt_revision *rev;
	const char *msg;

	(void)state;
	msg = parse_path_fails("/p/versions/notarev.py",
	                       "down_revision = None\n", RT_EPARSE, 0, false);
	assert_string_equal(msg, "Could not determine revision id from "
	                         "filename notarev.py. Be sure the 'revision' "
	                         "variable is declared inside the script "
	                         "(please see 'Upgrading from Alembic 0.1 to "
	                         "0.2' in the documentation).");
	assert_non_null(strstr(err.hint, "/p/versions/notarev.py"));
	/* a revision inside a function does not count */
	parse_path_fails("/p/versions/ab12_x.py",
	                 "down_revision = None\ndef f():\n    revision = 'x'\n",
	                 RT_EPARSE, 0, false);
	/* Alembic's legacy rule: <lowercase hex>.py */
	rev = parse_path_ok("/p/versions/0a1b2c.py", "down_revision = None\n",
	                    strlen("down_revision = None\n"));
	assert_string_equal(rev->id, "0a1b2c");
	parse_path_fails("/p/versions/0A1B.py", "down_revision = None\n",
	                 RT_EPARSE, 0, false);
}

static void test_err_no_down_revision(void **state)
{
	const char *msg;

	(void)state;
	msg = parse_fails("revision = 'r'\nbranch_labels = None\n", RT_EPARSE,
	                  0, true);
	assert_string_equal(msg,
	                    PATH ": no module-level down_revision "
	                         "(Alembic fails on this file too); add "
	                         "down_revision = None for a first revision, "
	                         "or the parent's id");
}

static void test_err_not_literal(void **state)
{
	const char *msg;

	(void)state;
	msg = parse_fails("from neutron.db.migration import cli\n"
	                  "\n"
	                  "revision = 'kilo_expand'\n"
	                  "down_revision = 'kilo'\n"
	                  "branch_labels = (cli.EXPAND_BRANCH,)\n",
	                  RT_EUNSUPPORTED, 5, false);
	assert_string_equal(msg,
	                    PATH ":5: cannot read branch_labels = "
	                         "(cli.EXPAND_BRANCH,) without running "
	                         "Python; write the value as a literal, e.g. "
	                         "('expand',)");
	msg = parse_fails("revision = f'{x}'\n", RT_EUNSUPPORTED, 1, false);
	assert_string_equal(msg,
	                    PATH ":1: cannot read revision = f'{x}' "
	                         "without running Python; write the value as "
	                         "a literal, e.g. 'ae1027a6acf'");
	msg = parse_fails("revision = 'a'\ndown_revision = get(\n    'x',\n"
	                  "    'y')\n",
	                  RT_EUNSUPPORTED, 2, false);
	assert_non_null(strstr(msg, "down_revision = get( 'x', 'y') without"));
	parse_fails("revision = 'a' + 'b'\n", RT_EUNSUPPORTED, 1, false);
	parse_fails("revision = 'a'.upper()\n", RT_EUNSUPPORTED, 1, false);
	parse_fails("revision = 'a'\ndown_revision = None\n"
	            "depends_on = (x for x in 'ab')\n",
	            RT_EUNSUPPORTED, 3, false);
}

static void test_err_wrong_types(void **state)
{
	const char *msg;

	(void)state;
	msg = parse_fails("revision = b'abc'\n", RT_EUNSUPPORTED, 1, false);
	assert_string_equal(msg, PATH ":1: revision = b'abc' is a bytes value, "
	                              "not text; drop the b prefix, e.g. "
	                              "'ae1027a6acf'");
	msg = parse_fails("revision = 'a'\ndown_revision = 123\n",
	                  RT_EUNSUPPORTED, 2, false);
	assert_string_equal(msg,
	                    PATH ":2: down_revision = 123: expected None, "
	                         "a string, or a tuple or list of strings; "
	                         "write e.g. 'ae1027a6acf'");
	parse_fails("revision = 'a'\ndown_revision = (('x', 'y'),)\n",
	            RT_EUNSUPPORTED, 2, false);
	parse_fails("revision = 'a'\ndown_revision = ('x', None)\n",
	            RT_EUNSUPPORTED, 2, false);
	msg = parse_fails("revision = None\ndown_revision = None\n", RT_EPARSE,
	                  1, false);
	assert_non_null(strstr(msg, "revision must be a string"));
	parse_fails("revision = ('a',)\ndown_revision = None\n", RT_EPARSE, 1,
	            false);
	parse_fails("revision = 'a'\ndown_revision = ('x', '')\n", RT_EPARSE, 2,
	            false);
	parse_fails(
	        "revision = 'a'\ndown_revision = None\nbranch_labels = ''\n",
	        RT_EPARSE, 3, false);
}

static void test_err_bad_ids(void **state)
{
	const char *msg;

	(void)state;
	msg = parse_fails("revision = 'a-b@c'\ndown_revision = None\n",
	                  RT_EPARSE, 1, false);
	assert_string_equal(msg,
	                    PATH ":1: character(s) '-', '@' not allowed "
	                         "in revision identifier 'a-b@c'; ids may not "
	                         "contain '@', '-', '+', ':' or spaces");
	parse_fails("revision = ''\ndown_revision = None\n", RT_EPARSE, 1,
	            false);
}

static void test_err_other_bindings(void **state)
{
	const char *msg;

	(void)state;
	msg = parse_fails(
	        "from app.ids import revision\ndown_revision = None\n",
	        RT_EUNSUPPORTED, 1, false);
	assert_string_equal(msg,
	                    PATH ":1: cannot read revision from 'from "
	                         "app.ids import revision' without running "
	                         "Python; assign it a literal instead, e.g. "
	                         "revision = 'ae1027a6acf'");
	parse_fails("import a.b as depends_on\nrevision = 'r'\n"
	            "down_revision = None\n",
	            RT_EUNSUPPORTED, 1, false);
	parse_fails("from x import (a,\n    revision)\ndown_revision = None\n",
	            RT_EUNSUPPORTED, 1, false);
	parse_fails("revision, down_revision = 'a', None\n", RT_EUNSUPPORTED, 1,
	            false);
	parse_fails("revision = 'a'\nrevision += 'b'\ndown_revision = None\n",
	            RT_EUNSUPPORTED, 2, false);
	/* importing other names is fine */
	assert_string_equal(parse_ok("from alembic import op as revision_op\n"
	                             "import sqlalchemy as sa\n"
	                             "revision = 'r'\ndown_revision = None\n")
	                            ->id,
	                    "r");
}

static void test_err_syntax(void **state)
{
	const char *msg;

	(void)state;
	msg = parse_fails("revision = 'r'\ndown_revision = None\n\n"
	                  "def upgrade():\n"
	                  "    op.execute(\"\"\"\n"
	                  "        CREATE TABLE t (id INT)\n",
	                  RT_EPARSE, 5, true);
	assert_string_equal(msg, PATH ":5: a triple-quoted string starting "
	                              "here is never closed (a Python syntax "
	                              "error: Alembic cannot load this file "
	                              "either)");
	msg = parse_fails("revision = 'r\ndown_revision = None\n", RT_EPARSE, 1,
	                  true);
	assert_non_null(strstr(msg, "unterminated string literal"));
	msg = parse_fails("revision = 'r'\ndef f(:\n    x = [1,\n", RT_EPARSE,
	                  3, true);
	assert_non_null(strstr(msg, "'[' was never closed"));
	msg = parse_fails("revision = 'r')\n", RT_EPARSE, 1, true);
	assert_non_null(strstr(msg, "unmatched ')'"));
	msg = parse_fails("x = (1,\n 2]\n", RT_EPARSE, 2, true);
	assert_non_null(strstr(msg, "does not match the '(' opened on line 1"));
	parse_fails("revision = 'r' \\ x\n", RT_EPARSE, 1, true);
	parse_fails("revision =\ndown_revision = None\n", RT_EPARSE, 1, true);
	parse_fails("s = f'{x'\n", RT_EPARSE, 1, true);
}

static void test_first_error_wins(void **state)
{
	(void)state;
	/* a syntax error stops the reading, whatever came before */
	parse_fails("revision = cli.X\ns = '''\n", RT_EPARSE, 2, true);
}

/* --- loading with the .sql scripts ------------------------------------- */

static char tmpdir[64];

static int scan_setup(void **state)
{
	(void)state;
	rt_error_clear(&err);
	tmpdir_make(tmpdir, sizeof(tmpdir), "rt_pyscan");
	return 0;
}

static int scan_teardown(void **state)
{
	(void)state;
	tmpdir_remove(tmpdir);
	rt_arena_release(&arena);
	return 0;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char *path = rt_path_join(dir, name);
	struct rt_error e = RT_ERROR_INIT;

	assert_int_equal(rt_fs_write_file(path, text, strlen(text), false, &e),
	                 0);
	free(path);
}

static void test_scan_py_and_sql(void **state)
{
	char *v = rt_path_join(tmpdir, "versions");
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs;
	size_t nr;

	(void)state;
	assert_int_equal(mkdir(v, 0777), 0);
	write_file(v, "a_base.sql",
	           "-- base\n-- Revision ID: aaaa\n-- Revises:\n-- +upgrade\n");
	write_file(v, "b_py.py",
	           "'''py on sql'''\nrevision = 'bbbb'\n"
	           "down_revision = 'aaaa'\n");
	write_file(v, "c_sql.sql",
	           "-- sql on py\n-- Revision ID: cccc\n"
	           "-- Revises: bbbb\n-- +upgrade\n");
	write_file(v, "b_py.pyc", "\x01\x02garbage");
	write_file(v, "__init__.py", "");
	write_file(v, ".#b_py.py", "broken '''");
	write_file(v, "README", "not a script");
	rt_strvec_push(&dirs, v);
	assert_int_equal(rt_scan_versions(&revs, &nr, &arena, &dirs, &err), 0);
	assert_int_equal(nr, 3);
	assert_string_equal(revs[0]->id, "aaaa");
	assert_false(revs[0]->is_python);
	assert_string_equal(revs[1]->id, "bbbb");
	assert_true(revs[1]->is_python);
	assert_string_equal(revs[1]->doc, "py on sql");
	assert_int_equal(revs[1]->load_order, 1);
	assert_string_equal(revs[2]->id, "cccc");
	assert_string_equal(revs[2]->down_revisions[0], "bbbb");
	rt_strvec_clear(&dirs);
	free(v);
}

static void test_scan_py_error_propagates(void **state)
{
	char *v = rt_path_join(tmpdir, "versions");
	char *bad = rt_path_join(v, "b_bad.py");
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs;
	size_t nr;

	(void)state;
	assert_int_equal(mkdir(v, 0777), 0);
	write_file(v, "a_ok.py", "revision = 'a'\ndown_revision = None\n");
	write_file(v, "b_bad.py", "revision = 'b'\ndown_revision = x.y\n");
	rt_strvec_push(&dirs, v);
	assert_int_equal(rt_scan_versions(&revs, &nr, &arena, &dirs, &err),
	                 RT_EUNSUPPORTED);
	assert_string_equal(err.loc.path, bad);
	assert_int_equal(err.loc.line, 2);
	rt_strvec_clear(&dirs);
	free(bad);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_generic_template),
		T(test_merge_labels_depends),
		T(test_string_quotes),
		T(test_string_prefixes),
		T(test_string_concatenation),
		T(test_string_escapes),
		T(test_escape_errors),
		T(test_non_ascii_kept),
		T(test_values),
		T(test_labels_and_depends_forms),
		T(test_annotated),
		T(test_last_assignment_wins),
		T(test_chains_and_semicolons),
		T(test_only_module_level),
		T(test_bodies_may_be_odd),
		T(test_doc_after_comments),
		T(test_no_doc_after_import),
		T(test_doc_forms),
		T(test_doc_paragraphs),
		T(test_crlf_and_cr),
		T(test_bom_and_cookies),
		T(test_invalid_utf8_and_nul),
		T(test_text_need_not_be_terminated),
		T(test_err_no_revision),
		T(test_err_no_down_revision),
		T(test_err_not_literal),
		T(test_err_wrong_types),
		T(test_err_bad_ids),
		T(test_err_other_bindings),
		T(test_err_syntax),
		T(test_first_error_wins),
#undef T
#define S(fn) cmocka_unit_test_setup_teardown(fn, scan_setup, scan_teardown)
		S(test_scan_py_and_sql),
		S(test_scan_py_error_propagates),
#undef S
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
