#include "util/compat.h"
/*
 * test_sqlscript.c - the SQL revision script parser (script/sqlscript.c)
 * and the versions-folder scanner (script/scan.c).
 */
#include <setjmp.h>
#include <cmocka.h>

#include "tmpdir_fixture.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "script/script.h"
#include "retort/error.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fs.h"

#define PATH "/proj/versions/x.sql"

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

static struct rt_revision *parse_ok(const char *text)
{
	struct rt_revision *rev = NULL;
	int ret = rt_sqlscript_parse(&rev, &arena, PATH, text, strlen(text),
	                             &err);

	if (ret)
		fail_msg("unexpected error: %s", err.message);
	assert_non_null(rev);
	return rev;
}

/* Parse `text`, expect RT_EPARSE at `line`; returns the message. */
static const char *parse_fails(const char *text, unsigned line)
{
	struct rt_revision *rev = (struct rt_revision *)&arena;
	int ret = rt_sqlscript_parse(&rev, &arena, PATH, text, strlen(text),
	                             &err);

	assert_int_equal(ret, RT_EPARSE);
	assert_null(rev);
	assert_int_equal(err.code, RT_EPARSE);
	assert_string_equal(err.loc.path, PATH);
	assert_int_equal(err.loc.line, line);
	return err.message;
}

static const char s0002_script[] =
        "-- index email column\n"
        "--\n"
        "-- Revision ID: 11ddf01ce875\n"
        "-- Revises: ad3d67e9e4ba\n"
        "-- Create Date: 2024-03-01 10:59:07.007000\n"
        "\n"
        "-- +upgrade\n"
        "CREATE TABLE IF NOT EXISTS t_11ddf01ce875 (id INTEGER);\n"
        "INSERT INTO steps(step) VALUES ('up 11ddf01ce875');\n"
        "\n"
        "-- +downgrade\n"
        "DROP TABLE IF EXISTS t_11ddf01ce875;\n"
        "INSERT INTO steps(step) VALUES ('down 11ddf01ce875');\n";

static void test_parse_conformance_script(void **state)
{
	struct rt_revision *rev = parse_ok(s0002_script);

	(void)state;
	assert_string_equal(rev->id, "11ddf01ce875");
	assert_int_equal(rev->nr_down, 1);
	assert_string_equal(rev->down_revisions[0], "ad3d67e9e4ba");
	assert_null(rev->down_revisions[1]);
	assert_int_equal(rev->nr_labels, 0);
	assert_int_equal(rev->nr_depends, 0);
	assert_string_equal(rev->doc, "index email column");
	assert_string_equal(rev->longdoc,
	                    "index email column\n"
	                    "\n"
	                    "Revision ID: 11ddf01ce875\n"
	                    "Revises: ad3d67e9e4ba\n"
	                    "Create Date: 2024-03-01 10:59:07.007000");
	assert_string_equal(rev->path, PATH);
	assert_true(rev->transactional);
	assert_false(rev->is_python);
	assert_int_equal(rev->upgrade_line, 8);
	assert_string_equal(rev->upgrade_sql,
	                    "CREATE TABLE IF NOT EXISTS t_11ddf01ce875 "
	                    "(id INTEGER);\n"
	                    "INSERT INTO steps(step) VALUES "
	                    "('up 11ddf01ce875');\n\n");
	assert_int_equal(rev->downgrade_line, 12);
	assert_string_equal(rev->downgrade_sql,
	                    "DROP TABLE IF EXISTS t_11ddf01ce875;\n"
	                    "INSERT INTO steps(step) VALUES "
	                    "('down 11ddf01ce875');\n");
}

static void test_parse_base_empty_revises(void **state)
{
	struct rt_revision *rev =
	        parse_ok("-- first\n--\n-- Revision ID: a1\n-- Revises: \n"
	                 "\n-- +upgrade\n");

	(void)state;
	assert_int_equal(rev->nr_down, 0);
	assert_non_null(rev->down_revisions);
	assert_null(rev->down_revisions[0]);
	/* the trailing space of "Revises: " is stripped from longdoc */
	assert_string_equal(rev->longdoc, "first\n\nRevision ID: a1\nRevises:");
}

static void test_parse_base_absent_revises(void **state)
{
	struct rt_revision *rev =
	        parse_ok("-- first\n-- Revision ID: a1\n-- +upgrade\n");

	(void)state;
	assert_int_equal(rev->nr_down, 0);
	assert_string_equal(rev->upgrade_sql, "");
	assert_int_equal(rev->upgrade_line, 4);
}

static void test_parse_merge_list(void **state)
{
	struct rt_revision *rev = parse_ok("-- merge\n-- Revision ID: m\n"
	                                   "-- Revises: a,b ,  c\n"
	                                   "-- +upgrade\n");

	(void)state;
	assert_int_equal(rev->nr_down, 3);
	assert_string_equal(rev->down_revisions[0], "a");
	assert_string_equal(rev->down_revisions[1], "b");
	assert_string_equal(rev->down_revisions[2], "c");
	assert_null(rev->down_revisions[3]);
}

static void test_parse_labels_and_depends(void **state)
{
	struct rt_revision *rev =
	        parse_ok("-- msg\n--\n-- Revision ID: r1\n-- Revises: r0\n"
	                 "-- Branch Labels: billing, , shop,\n"
	                 "-- Depends On: 3a1f2c4d5e6f, reports\n"
	                 "\n-- +upgrade\nSELECT 1;\n");

	(void)state;
	assert_int_equal(rev->nr_labels, 2);
	assert_string_equal(rev->branch_labels[0], "billing");
	assert_string_equal(rev->branch_labels[1], "shop");
	assert_null(rev->branch_labels[2]);
	assert_int_equal(rev->nr_depends, 2);
	assert_string_equal(rev->depends_on[0], "3a1f2c4d5e6f");
	assert_string_equal(rev->depends_on[1], "reports");
	/* the header lines stay in longdoc exactly as written */
	assert_string_equal(rev->longdoc,
	                    "msg\n\nRevision ID: r1\nRevises: r0\n"
	                    "Branch Labels: billing, , shop,\n"
	                    "Depends On: 3a1f2c4d5e6f, reports");
}

static void test_parse_transactional_values(void **state)
{
	static const char *const no[] = { "false", "No", "OFF", "0" };
	static const char *const yes[] = { "true", "YES", "on", "1" };
	size_t i;

	(void)state;
	for (i = 0; i < 4; i++) {
		char *text = rt_xstrfmt("-- m\n-- Revision ID: t\n"
		                        "-- Transactional: %s\n-- +upgrade\n",
		                        no[i]);
		assert_false(parse_ok(text)->transactional);
		free(text);
		text = rt_xstrfmt("-- m\n-- Revision ID: t\n"
		                  "-- Transactional: %s\n-- +upgrade\n",
		                  yes[i]);
		assert_true(parse_ok(text)->transactional);
		free(text);
	}
}

static void test_parse_transactional_invalid(void **state)
{
	const char *msg = parse_fails("-- m\n-- Revision ID: t\n"
	                              "-- Transactional: maybe\n-- +upgrade\n",
	                              3);

	(void)state;
	assert_string_equal(msg,
	                    PATH ":3: invalid value 'maybe' for "
	                         "'-- Transactional:'; write true or false");
}

static void test_parse_foreign_keys(void **state)
{
	(void)state;
	assert_false(parse_ok("-- m\n-- Revision ID: t\n-- +upgrade\n")
	                     ->foreign_keys_off);
	assert_true(parse_ok("-- m\n-- Revision ID: t\n"
	                     "-- Foreign Keys: off\n-- +upgrade\n")
	                    ->foreign_keys_off);
	assert_false(parse_ok("-- m\n-- Revision ID: t\n"
	                      "-- Foreign Keys: ON\n-- +upgrade\n")
	                     ->foreign_keys_off);
	assert_string_equal(
	        parse_fails("-- m\n-- Revision ID: t\n-- Transactional: no\n"
	                    "-- Foreign Keys: off\n-- +upgrade\n",
	                    4),
	        PATH ":4: '-- Foreign Keys: off' needs the script's "
	             "transaction (the keys are checked before it commits); "
	             "remove '-- Transactional: false' or split the script");
}

static void test_parse_multiline_message(void **state)
{
	struct rt_revision *rev =
	        parse_ok("-- first line\n-- second line\n--\n"
	                 "-- Revision ID: ml\n-- Revises:\n\n-- +upgrade\n");

	(void)state;
	assert_string_equal(rev->doc, "first line\nsecond line");
	assert_string_equal(rev->longdoc, "first line\nsecond line\n\n"
	                                  "Revision ID: ml\nRevises:");
}

static void test_parse_no_message(void **state)
{
	/* like a docstring without a message: doc is the first paragraph */
	struct rt_revision *rev =
	        parse_ok("--\n-- Revision ID: nm\n-- Revises: a\n--\n"
	                 "-- more\n-- +upgrade\n");

	(void)state;
	assert_string_equal(rev->longdoc,
	                    "Revision ID: nm\nRevises: a\n\nmore");
	assert_string_equal(rev->doc, "Revision ID: nm\nRevises: a");
}

static void test_parse_empty_longdoc_paragraph(void **state)
{
	struct rt_revision *rev = parse_ok("-- Revision ID: q\n-- +upgrade\n");

	(void)state;
	assert_string_equal(rev->longdoc, "Revision ID: q");
	assert_string_equal(rev->doc, "Revision ID: q");
}

static void test_parse_unknown_keys_and_bare_comments(void **state)
{
	struct rt_revision *rev =
	        parse_ok("-- msg\n--\n-- Revision ID: u\n-- Author: someone\n"
	                 "--no space\n--   indented\n-- +upgrade\n");

	(void)state;
	assert_string_equal(rev->longdoc,
	                    "msg\n\nRevision ID: u\nAuthor: someone\n"
	                    "no space\n  indented");
}

static void test_parse_keys_are_case_sensitive(void **state)
{
	/* "revision id:" is not the key, so the script has no id */
	const char *msg =
	        parse_fails("-- m\n-- revision id: x\n-- +upgrade\n", 1);

	(void)state;
	assert_string_equal(msg,
	                    PATH ":1: no '-- Revision ID:' line in the "
	                         "header; every revision script needs one");
}

static void test_parse_header_ends_at_first_non_comment(void **state)
{
	struct rt_revision *rev =
	        parse_ok("-- msg\n-- Revision ID: h\n\n-- Revises: zz\n"
	                 "-- a comment\n\n-- +upgrade\nSELECT 1;\n");

	(void)state;
	/* "-- Revises: zz" is after the header: only a comment */
	assert_int_equal(rev->nr_down, 0);
	assert_string_equal(rev->longdoc, "msg\nRevision ID: h");
	assert_int_equal(rev->upgrade_line, 8);
}

static void test_parse_crlf(void **state)
{
	struct rt_revision *rev =
	        parse_ok("-- crlf msg\r\n--\r\n-- Revision ID: c1\r\n"
	                 "-- Revises: b1, b2\r\n\r\n-- +upgrade\r\n"
	                 "SELECT 1;\r\n\r\n-- +downgrade\r\nSELECT 2;\r\n");

	(void)state;
	assert_string_equal(rev->id, "c1");
	assert_string_equal(rev->down_revisions[1], "b2");
	assert_string_equal(rev->doc, "crlf msg");
	assert_string_equal(rev->longdoc,
	                    "crlf msg\n\nRevision ID: c1\nRevises: b1, b2");
	assert_string_equal(rev->upgrade_sql, "SELECT 1;\n\n");
	assert_int_equal(rev->upgrade_line, 7);
	assert_string_equal(rev->downgrade_sql, "SELECT 2;\n");
	assert_int_equal(rev->downgrade_line, 10);
}

static void test_parse_bom(void **state)
{
	struct rt_revision *rev =
	        parse_ok("\xef\xbb\xbf-- with bom\n--\n-- Revision ID: b0m\n"
	                 "-- +upgrade\n");

	(void)state;
	assert_string_equal(rev->id, "b0m");
	assert_string_equal(rev->doc, "with bom");
}

static void test_parse_no_downgrade(void **state)
{
	struct rt_revision *rev =
	        parse_ok("-- m\n-- Revision ID: nd\n-- +upgrade\nSELECT 1;");

	(void)state;
	assert_string_equal(rev->upgrade_sql, "SELECT 1;");
	assert_string_equal(rev->downgrade_sql, "");
	assert_int_equal(rev->downgrade_line, 0);
}

static void test_parse_empty_sections(void **state)
{
	struct rt_revision *rev =
	        parse_ok("-- m\n-- Revision ID: e\n-- +upgrade\n"
	                 "-- +downgrade\n");

	(void)state;
	assert_string_equal(rev->upgrade_sql, "");
	assert_int_equal(rev->upgrade_line, 4);
	assert_string_equal(rev->downgrade_sql, "");
	assert_int_equal(rev->downgrade_line, 5);
}

static void test_parse_marker_trailing_whitespace(void **state)
{
	struct rt_revision *rev =
	        parse_ok("-- m\n-- Revision ID: w\n-- +upgrade \t\nA;\n"
	                 "-- +downgrade   \nB;\n-- +upgraded is a comment\n");

	(void)state;
	assert_string_equal(rev->upgrade_sql, "A;\n");
	assert_string_equal(rev->downgrade_sql,
	                    "B;\n-- +upgraded is a comment\n");
}

static void test_parse_comments_before_upgrade(void **state)
{
	struct rt_revision *rev =
	        parse_ok("-- m\n-- Revision ID: cb\n\n   \n-- note\n"
	                 "-- +upgrade\nX;\n");

	(void)state;
	assert_string_equal(rev->upgrade_sql, "X;\n");
	assert_int_equal(rev->upgrade_line, 7);
}

static void test_parse_sections_keep_comments(void **state)
{
	struct rt_revision *rev =
	        parse_ok("-- m\n-- Revision ID: k\n-- +upgrade\n"
	                 "-- keep me\nSELECT '-- +downgrade';\n");

	(void)state;
	assert_string_equal(rev->upgrade_sql,
	                    "-- keep me\nSELECT '-- +downgrade';\n");
}

static void test_parse_path_is_copied(void **state)
{
	char path[] = "/tmp/one.sql";
	struct rt_revision *rev = NULL;
	const char *text = "-- m\n-- Revision ID: p\n-- +upgrade\n";

	(void)state;
	assert_int_equal(rt_sqlscript_parse(&rev, &arena, path, text,
	                                    strlen(text), &err),
	                 0);
	path[1] = 'X';
	assert_string_equal(rev->path, "/tmp/one.sql");
}

static void test_parse_text_need_not_be_terminated(void **state)
{
	const char *text = "-- m\n-- Revision ID: n1\n-- +upgrade\nA;\nGARBAGE";
	struct rt_revision *rev = NULL;

	(void)state;
	/* only the first `len` bytes count */
	assert_int_equal(rt_sqlscript_parse(&rev, &arena, PATH, text,
	                                    strlen(text) - 7, &err),
	                 0);
	assert_string_equal(rev->upgrade_sql, "A;\n");
}

static void test_err_no_revision_id(void **state)
{
	const char *msg =
	        parse_fails("-- msg\n--\n-- Revises: a\n-- +upgrade\n", 1);

	(void)state;
	assert_string_equal(msg,
	                    PATH ":1: no '-- Revision ID:' line in the "
	                         "header; every revision script needs one");
}

static void test_err_empty_file(void **state)
{
	const char *msg = parse_fails("", 1);

	(void)state;
	assert_true(strstr(msg, "no '-- Revision ID:' line") != NULL);
}

static void test_err_empty_id(void **state)
{
	const char *msg = parse_fails("-- m\n--\n-- Revision ID:   \n"
	                              "-- +upgrade\n",
	                              3);

	(void)state;
	assert_string_equal(msg, PATH ":3: empty revision id; write the "
	                              "revision's id after '-- Revision ID:'");
}

static void test_err_bad_id_chars(void **state)
{
	const char *msg = parse_fails("-- m\n-- Revision ID: bad-id\n"
	                              "-- +upgrade\n",
	                              2);

	(void)state;
	assert_string_equal(msg,
	                    PATH ":2: character(s) '-' not allowed in "
	                         "revision identifier 'bad-id'; ids may not "
	                         "contain '@', '-', '+', ':' or spaces");
	rt_error_clear(&err);
	msg = parse_fails("-- m\n-- Revision ID: a@b+c-d\n-- +upgrade\n", 2);
	/* listed once each, sorted, as Alembic lists them */
	assert_true(strstr(msg, "character(s) '+', '-', '@' not allowed") !=
	            NULL);
}

static void test_err_id_colon_and_space(void **state)
{
	const char *msg = parse_fails("-- m\n-- Revision ID: a:b\n"
	                              "-- +upgrade\n",
	                              2);

	(void)state;
	assert_true(strstr(msg, "character(s) ':' not allowed") != NULL);
	rt_error_clear(&err);
	msg = parse_fails("-- m\n-- Revision ID: a b\n-- +upgrade\n", 2);
	assert_true(strstr(msg, "character(s) ' ' not allowed") != NULL);
}

static void test_err_id_too_long(void **state)
{
	const char *ok = "-- m\n-- Revision ID: "
	                 "0123456789abcdef0123456789abcdef\n-- +upgrade\n";
	const char *msg;

	(void)state;
	assert_string_equal(parse_ok(ok)->id,
	                    "0123456789abcdef0123456789abcdef");
	msg = parse_fails("-- m\n-- Revision ID: "
	                  "0123456789abcdef0123456789abcdef0\n-- +upgrade\n",
	                  2);
	assert_string_equal(msg, PATH
	                    ":2: revision id "
	                    "'0123456789abcdef0123456789abcdef0' is longer "
	                    "than 32 characters (alembic_version."
	                    "version_num is VARCHAR(32)); use a shorter id");
}

static void test_id_length_counts_characters(void **state)
{
	/* 32 two-byte characters fit VARCHAR(32) */
	struct rt_buf text = RT_BUF_INIT;
	int i;

	(void)state;
	rt_buf_adds(&text, "-- m\n-- Revision ID: ");
	for (i = 0; i < 32; i++)
		rt_buf_adds(&text, "\xc3\xa9");
	rt_buf_adds(&text, "\n-- +upgrade\n");
	assert_int_equal(strlen(parse_ok(text.buf)->id), 64);
	rt_buf_release(&text);
}

static void test_err_duplicate_key(void **state)
{
	const char *msg = parse_fails("-- m\n-- Revision ID: d\n-- Revises: a\n"
	                              "-- Create Date: x\n-- Revises: b\n"
	                              "-- +upgrade\n",
	                              5);

	(void)state;
	assert_string_equal(msg, PATH ":5: duplicate '-- Revises:' line (first "
	                              "on line 3); keep only one");
}

static void test_err_no_upgrade(void **state)
{
	const char *msg =
	        parse_fails("-- m\n-- Revision ID: nu\n\nSELECT 1;\n", 3);

	(void)state;
	assert_string_equal(msg, PATH ":3: no '-- +upgrade' line; the upgrade "
	                              "SQL must follow a '-- +upgrade' line");
}

static void test_err_no_upgrade_header_only(void **state)
{
	/* the line after the header would be past the end: name the last */
	const char *msg = parse_fails("-- m\n-- Revision ID: nu\n", 2);

	(void)state;
	assert_true(strstr(msg, "no '-- +upgrade' line") != NULL);
}

static void test_err_downgrade_first(void **state)
{
	const char *msg = parse_fails("-- m\n-- Revision ID: df\n\n"
	                              "-- +downgrade\nA;\n-- +upgrade\nB;\n",
	                              4);

	(void)state;
	assert_string_equal(msg, PATH
	                    ":4: '-- +downgrade' comes before "
	                    "'-- +upgrade'; put the upgrade section first");
	rt_error_clear(&err);
	/* also when it is part of the header block */
	parse_fails("-- m\n-- Revision ID: df\n-- +downgrade\n-- +upgrade\n",
	            3);
}

static void test_err_second_upgrade(void **state)
{
	const char *msg = parse_fails("-- m\n-- Revision ID: su\n-- +upgrade\n"
	                              "A;\n-- +upgrade\n",
	                              5);

	(void)state;
	assert_string_equal(msg, PATH ":5: a second '-- +upgrade' line; a "
	                              "script has one upgrade section");
	rt_error_clear(&err);
	parse_fails("-- m\n-- Revision ID: su\n-- +upgrade\n-- +downgrade\n"
	            "B;\n-- +upgrade \n",
	            6);
}

static void test_err_second_downgrade(void **state)
{
	const char *msg = parse_fails("-- m\n-- Revision ID: sd\n-- +upgrade\n"
	                              "-- +downgrade\n-- +downgrade\n",
	                              5);

	(void)state;
	assert_string_equal(msg, PATH ":5: a second '-- +downgrade' line; a "
	                              "script has one downgrade section");
}

static void test_err_sql_before_upgrade(void **state)
{
	const char *msg = parse_fails("-- m\n-- Revision ID: sb\n\n"
	                              "CREATE TABLE x (id INT);\n-- +upgrade\n",
	                              4);

	(void)state;
	assert_string_equal(msg,
	                    PATH ":4: SQL before '-- +upgrade' belongs to "
	                         "no section; move it below the '-- +upgrade' "
	                         "line");
}

static void test_err_nul_byte(void **state)
{
	static const char text[] = "-- m\n-- Revision ID: z\n-- +up\0grade\n";
	struct rt_revision *rev = NULL;

	(void)state;
	assert_int_equal(rt_sqlscript_parse(&rev, &arena, PATH, text,
	                                    sizeof(text) - 1, &err),
	                 RT_EPARSE);
	assert_int_equal(err.loc.line, 3);
	assert_true(strstr(err.message, PATH ":3: NUL byte") == err.message);
}

static void test_err_first_error_wins(void **state)
{
	/* the duplicate on line 3 is found before the bad id is checked */
	(void)state;
	parse_fails("-- m\n-- Revision ID: a-b\n-- Revision ID: c\n"
	            "-- +upgrade\n",
	            3);
}

/* ---- scanning -------------------------------------------------------- */

static char tmpdir[64];

static void write_file(const char *dir, const char *name, const char *text)
{
	char *path = rt_path_join(dir, name);
	struct rt_error e = RT_ERROR_INIT;

	assert_int_equal(rt_fs_write_file(path, text, strlen(text), false, &e),
	                 0);
	free(path);
}

static char *script_for(const char *id, const char *parent)
{
	return rt_xstrfmt("-- rev %s\n--\n-- Revision ID: %s\n-- Revises: %s\n"
	                  "\n-- +upgrade\nup %s;\n\n-- +downgrade\ndown %s;\n",
	                  id, id, parent, id, id);
}

static void add_script(const char *dir, const char *name, const char *id,
                       const char *parent)
{
	char *text = script_for(id, parent);

	write_file(dir, name, text);
	free(text);
}

static char *make_subdir(const char *name)
{
	char *path = rt_path_join(tmpdir, name);

	assert_int_equal(mkdir(path, 0777), 0);
	return path;
}

static int scan_setup(void **state)
{
	(void)state;
	rt_error_clear(&err);
	tmpdir_make(tmpdir, sizeof(tmpdir), "rt_scan");
	return 0;
}

static int scan_teardown(void **state)
{
	(void)state;
	tmpdir_remove(tmpdir);
	rt_arena_release(&arena);
	return 0;
}

static void test_scan_sorted_and_skipping(void **state)
{
	char *v = make_subdir("versions");
	char *sub = rt_path_join(v, "sub.sql");
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs;
	size_t nr;
	char *expect;

	(void)state;
	add_script(v, "b_second.sql", "bbbb", "aaaa");
	add_script(v, "a_first.sql", "aaaa", "");
	add_script(v, "C_upper.sql", "cccc", "bbbb");
	add_script(v, ".hidden.sql", "hhhh", "");
	add_script(v, "__init__.sql", "iiii", "");
	add_script(v, "old.pyc", "pppp", ""); /* .py: see test_pyscript */
	add_script(v, "notes.txt", "tttt", "");
	add_script(v, "README", "rrrr", "");
	add_script(v, ".sql", "dddd", "");
	assert_int_equal(mkdir(sub, 0777), 0);
	rt_strvec_push(&dirs, v);
	assert_int_equal(rt_scan_versions(&revs, &nr, &arena, &dirs, &err), 0);
	assert_int_equal(nr, 3);
	/* byte order: upper case sorts before lower case */
	assert_string_equal(revs[0]->id, "cccc");
	assert_string_equal(revs[1]->id, "aaaa");
	assert_string_equal(revs[2]->id, "bbbb");
	assert_int_equal(revs[0]->load_order, 0);
	assert_int_equal(revs[1]->load_order, 1);
	assert_int_equal(revs[2]->load_order, 2);
	expect = rt_path_join(v, "a_first.sql");
	assert_string_equal(revs[1]->path, expect);
	free(expect);
	rt_strvec_clear(&dirs);
	free(sub);
	free(v);
}

static void test_scan_several_dirs_in_order(void **state)
{
	char *d1 = make_subdir("one");
	char *d2 = make_subdir("two");
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs;
	size_t nr;

	(void)state;
	add_script(d1, "z.sql", "zz01", "");
	add_script(d2, "a.sql", "aa02", "zz01");
	rt_strvec_push(&dirs, d2);
	rt_strvec_push(&dirs, d1);
	assert_int_equal(rt_scan_versions(&revs, &nr, &arena, &dirs, &err), 0);
	assert_int_equal(nr, 2);
	assert_string_equal(revs[0]->id, "aa02");
	assert_string_equal(revs[1]->id, "zz01");
	assert_int_equal(revs[1]->load_order, 1);
	rt_strvec_clear(&dirs);
	free(d1);
	free(d2);
}

static void test_scan_missing_dir_skipped(void **state)
{
	char *v = make_subdir("versions");
	char *missing = rt_path_join(tmpdir, "nope");
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs;
	size_t nr;

	(void)state;
	add_script(v, "a.sql", "aaaa", "");
	rt_strvec_push(&dirs, missing);
	rt_strvec_push(&dirs, v);
	assert_int_equal(rt_scan_versions(&revs, &nr, &arena, &dirs, &err), 0);
	assert_int_equal(nr, 1);
	assert_int_equal(err.code, 0);
	rt_strvec_clear(&dirs);
	free(missing);
	free(v);
}

static void test_scan_empty(void **state)
{
	char *v = make_subdir("versions");
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs = NULL;
	size_t nr = 99;

	(void)state;
	rt_strvec_push(&dirs, v);
	assert_int_equal(rt_scan_versions(&revs, &nr, &arena, &dirs, &err), 0);
	assert_int_equal(nr, 0);
	assert_non_null(revs);
	rt_strvec_clear(&dirs);
	free(v);
}

static void test_scan_duplicate_dir_loaded_once(void **state)
{
	char *v = make_subdir("versions");
	char *again = rt_xstrfmt("%s/../%s", v, "versions");
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs;
	size_t nr;

	(void)state;
	add_script(v, "a.sql", "aaaa", "");
	add_script(v, "b.sql", "bbbb", "aaaa");
	rt_strvec_push(&dirs, v);
	rt_strvec_push(&dirs, v);
	rt_strvec_push(&dirs, again);
	assert_int_equal(rt_scan_versions(&revs, &nr, &arena, &dirs, &err), 0);
	assert_int_equal(nr, 2);
	rt_strvec_clear(&dirs);
	free(again);
	free(v);
}

static void test_scan_symlinked_file_loaded_once(void **state)
{
	char *d1 = make_subdir("one");
	char *d2 = make_subdir("two");
	char *target = rt_path_join(d1, "a.sql");
	char *link = rt_path_join(d2, "a_link.sql");
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs;
	size_t nr;

	(void)state;
	add_script(d1, "a.sql", "aaaa", "");
	assert_int_equal(symlink(target, link), 0);
	rt_strvec_push(&dirs, d1);
	rt_strvec_push(&dirs, d2);
	assert_int_equal(rt_scan_versions(&revs, &nr, &arena, &dirs, &err), 0);
	assert_int_equal(nr, 1);
	assert_string_equal(revs[0]->path, target);
	rt_strvec_clear(&dirs);
	free(link);
	free(target);
	free(d1);
	free(d2);
}

static void test_scan_many_files(void **state)
{
	char *v = make_subdir("versions");
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs;
	char name[32], id[32], parent[32];
	size_t nr;
	int i;

	(void)state;
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "%04d_r.sql", i);
		snprintf(id, sizeof(id), "r%04d", i);
		parent[0] = '\0';
		if (i)
			snprintf(parent, sizeof(parent), "r%04d", i - 1);
		add_script(v, name, id, parent);
	}
	rt_strvec_push(&dirs, v);
	rt_strvec_push(&dirs, v);
	assert_int_equal(rt_scan_versions(&revs, &nr, &arena, &dirs, &err), 0);
	assert_int_equal(nr, 300);
	assert_string_equal(revs[299]->id, "r0299");
	assert_string_equal(revs[299]->down_revisions[0], "r0298");
	assert_int_equal(revs[0]->nr_down, 0);
	rt_strvec_clear(&dirs);
	free(v);
}

static void test_scan_parse_error_propagates(void **state)
{
	char *v = make_subdir("versions");
	char *bad = rt_path_join(v, "b.sql");
	char *expect = rt_xstrfmt("%s:1: no '-- Revision ID:' line in the "
	                          "header; every revision script needs one",
	                          bad);
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs = NULL;
	size_t nr = 7;

	(void)state;
	add_script(v, "a.sql", "aaaa", "");
	write_file(v, "b.sql", "-- just a note\n-- +upgrade\n");
	rt_strvec_push(&dirs, v);
	assert_int_equal(rt_scan_versions(&revs, &nr, &arena, &dirs, &err),
	                 RT_EPARSE);
	assert_null(revs);
	assert_int_equal(nr, 0);
	assert_string_equal(err.message, expect);
	assert_string_equal(err.loc.path, bad);
	rt_strvec_clear(&dirs);
	free(expect);
	free(bad);
	free(v);
}

static void test_scan_not_a_directory(void **state)
{
	char *file = rt_path_join(tmpdir, "versions");
	char *expect = rt_xstrfmt("versions folder '%s' is not a directory; "
	                          "check script_location and "
	                          "version_locations",
	                          file);
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs;
	size_t nr;

	(void)state;
	write_file(tmpdir, "versions", "not a folder\n");
	rt_strvec_push(&dirs, file);
	assert_int_equal(rt_scan_versions(&revs, &nr, &arena, &dirs, &err),
	                 RT_EIO);
	assert_string_equal(err.message, expect);
	rt_strvec_clear(&dirs);
	free(expect);
	free(file);
}

static int scan_unreadable(const char *dir, const char *expect)
{
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs;
	size_t nr;
	int ret;

	rt_strvec_push(&dirs, dir);
	ret = rt_scan_versions(&revs, &nr, &arena, &dirs, &err);
	rt_strvec_clear(&dirs);
	if (ret != RT_EIO || strcmp(err.message, expect)) {
		fprintf(stderr, "got %d '%s'\n", ret, err.message);
		return 1;
	}
	return 0;
}

static void test_scan_unreadable_dir(void **state)
{
	char *v = make_subdir("versions");
	char *expect = rt_xstrfmt("cannot read versions folder '%s': %s; "
	                          "check its permissions",
	                          v, strerror(EACCES));
	pid_t pid;
	int status;

	(void)state;
	assert_int_equal(chmod(v, 0), 0);
	if (geteuid() != 0) {
		assert_int_equal(scan_unreadable(v, expect), 0);
		goto out;
	}
	/* root reads any folder: check as an unprivileged user */
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int result = 2;
		if (!setgid(65534) && !setuid(65534))
			result = scan_unreadable(v, expect);
		free(expect); /* the child's copies, for valgrind */
		free(v);
		_exit(result);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
out:
	assert_int_equal(chmod(v, 0755), 0);
	free(expect);
	free(v);
}

/* A step reads its script's SQL again, just before it runs. */
static void test_load_sql_reads_sections(void **state)
{
	char *v = make_subdir("versions");
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs, *full;
	size_t nr;

	(void)state;
	add_script(v, "a.sql", "aaaa", "");
	add_script(v, "b.sql", "bbbb", "aaaa");
	rt_strvec_push(&dirs, v);
	assert_int_equal(rt_scan_headers(&revs, &nr, &arena, &dirs, &err), 0);
	assert_int_equal(nr, 2);
	assert_null(revs[1]->upgrade_sql);
	assert_int_equal(rt_script_load_sql(&full, &arena, revs[1], &err), 0);
	assert_string_equal(full->id, "bbbb");
	assert_string_equal(full->upgrade_sql, "up bbbb;\n\n");
	assert_string_equal(full->downgrade_sql, "down bbbb;\n");
	assert_int_equal(full->upgrade_line, 7);
	/* the body may change after the load: the step runs what is there */
	write_file(v, "b.sql",
	           "-- rev bbbb\n--\n-- Revision ID: bbbb\n-- Revises: aaaa\n"
	           "\n-- +upgrade\nup again;\n");
	assert_int_equal(rt_script_load_sql(&full, &arena, revs[1], &err), 0);
	assert_string_equal(full->upgrade_sql, "up again;\n");
	assert_string_equal(full->downgrade_sql, "");
	rt_strvec_clear(&dirs);
	free(v);
}

/* The header must still say what the plan was made from. */
static void test_load_sql_header_changed(void **state)
{
	char *v = make_subdir("versions");
	char *path = rt_path_join(v, "b.sql");
	struct rt_strvec dirs = RT_STRVEC_INIT;
	const struct rt_revision **revs, *full = NULL;
	size_t nr;

	(void)state;
	add_script(v, "a.sql", "aaaa", "");
	add_script(v, "b.sql", "bbbb", "aaaa");
	rt_strvec_push(&dirs, v);
	assert_int_equal(rt_scan_headers(&revs, &nr, &arena, &dirs, &err), 0);
	add_script(v, "b.sql", "bbbb", "");
	assert_int_equal(rt_script_load_sql(&full, &arena, revs[1], &err),
	                 RT_EGRAPH);
	assert_null(full);
	assert_string_equal(err.loc.path, path);
	assert_non_null(
	        strstr(err.message, "changed while retort was running"));
	assert_non_null(strstr(err.message, "run the command again"));
	rt_error_clear(&err);
	/* gone: the read error names the file */
	assert_int_equal(unlink(path), 0);
	assert_true(rt_script_load_sql(&full, &arena, revs[1], &err) < 0);
	assert_non_null(strstr(err.message, path));
	rt_strvec_clear(&dirs);
	free(path);
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_parse_conformance_script),
		T(test_parse_base_empty_revises),
		T(test_parse_base_absent_revises),
		T(test_parse_merge_list),
		T(test_parse_labels_and_depends),
		T(test_parse_transactional_values),
		T(test_parse_transactional_invalid),
		T(test_parse_foreign_keys),
		T(test_parse_multiline_message),
		T(test_parse_no_message),
		T(test_parse_empty_longdoc_paragraph),
		T(test_parse_unknown_keys_and_bare_comments),
		T(test_parse_keys_are_case_sensitive),
		T(test_parse_header_ends_at_first_non_comment),
		T(test_parse_crlf),
		T(test_parse_bom),
		T(test_parse_no_downgrade),
		T(test_parse_empty_sections),
		T(test_parse_marker_trailing_whitespace),
		T(test_parse_comments_before_upgrade),
		T(test_parse_sections_keep_comments),
		T(test_parse_path_is_copied),
		T(test_parse_text_need_not_be_terminated),
		T(test_err_no_revision_id),
		T(test_err_empty_file),
		T(test_err_empty_id),
		T(test_err_bad_id_chars),
		T(test_err_id_colon_and_space),
		T(test_err_id_too_long),
		T(test_id_length_counts_characters),
		T(test_err_duplicate_key),
		T(test_err_no_upgrade),
		T(test_err_no_upgrade_header_only),
		T(test_err_downgrade_first),
		T(test_err_second_upgrade),
		T(test_err_second_downgrade),
		T(test_err_sql_before_upgrade),
		T(test_err_nul_byte),
		T(test_err_first_error_wins),
#undef T
#define S(fn) cmocka_unit_test_setup_teardown(fn, scan_setup, scan_teardown)
		S(test_scan_sorted_and_skipping),
		S(test_scan_several_dirs_in_order),
		S(test_scan_missing_dir_skipped),
		S(test_scan_empty),
		S(test_scan_duplicate_dir_loaded_once),
		S(test_scan_symlinked_file_loaded_once),
		S(test_scan_many_files),
		S(test_scan_parse_error_propagates),
		S(test_scan_not_a_directory),
		S(test_scan_unreadable_dir),
		S(test_load_sql_reads_sections),
		S(test_load_sql_header_changed),
#undef S
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
