#include "util/compat.h"
/*
 * test_writer.c - writing new revision scripts (script/writer.c: slug,
 * file name, template rendering, ids, Create Date) and `init`'s layout
 * (script/layout.c).
 */
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "script/script.h"
#include "retort/error.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fs.h"

static struct rt_error err = RT_ERROR_INIT;

static int setup(void **state)
{
	(void)state;
	rt_error_clear(&err);
	return 0;
}

/* ---- slug -------------------------------------------------------------- */

static void check_slug(const char *message, int len, const char *expect)
{
	char *slug = rt_script_slug(message, len);

	assert_string_equal(slug, expect);
	free(slug);
}

static void test_slug_simple(void **state)
{
	(void)state;
	check_slug("create account table", 40, "create_account_table");
	check_slug("  lead  ", 40, "lead");
	check_slug("->a1", 40, "a1");
	check_slug("raise limit to 100%", 40, "raise_limit_to_100");
	check_slug("snake_case_kept", 40, "snake_case_kept");
}

static void test_slug_alembic_long_example(void **state)
{
	(void)state;
	/* captured from Alembic (reference §2.2) */
	check_slug("This is a very long message, with punctuation! and UPPER "
	           "case: \xc3\xbc"
	           "ber-na\xc3\xafve caf\xc3\xa9 123",
	           40, "this_is_a_very_long_message_with_");
}

static void test_slug_empty(void **state)
{
	(void)state;
	check_slug(NULL, 40, "");
	check_slug("", 40, "");
	check_slug("!!! ---", 40, "");
}

static void test_slug_non_ascii_letters(void **state)
{
	(void)state;
	check_slug("\xc3\xbc"
	           "ber-na\xc3\xafve caf\xc3\xa9",
	           40,
	           "\xc3\xbc"
	           "ber_na\xc3\xafve_caf\xc3\xa9");
	/* "ÜBER Straße" lower-cases like Python's str.lower() */
	check_slug("\xc3\x9c"
	           "BER Stra\xc3\x9f"
	           "e",
	           40,
	           "\xc3\xbc"
	           "ber_stra\xc3\x9f"
	           "e");
	/* "Привет Мир" */
	check_slug("\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82 "
	           "\xd0\x9c\xd0\xb8\xd1\x80",
	           40,
	           "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82_"
	           "\xd0\xbc\xd0\xb8\xd1\x80");
	/* "tiếng Việt ĐẠI" */
	check_slug("ti\xe1\xba\xbfng Vi\xe1\xbb\x87t \xc4\x90\xe1\xba\xa0I", 40,
	           "ti\xe1\xba\xbfng_vi\xe1\xbb\x87t_\xc4\x91\xe1\xba\xa1i");
}

static void test_slug_unicode_punctuation(void **state)
{
	(void)state;
	/* "add 🎉 feature — now… «ok»": symbols split words as \w */
	check_slug("add \xf0\x9f\x8e\x89 feature \xe2\x80\x94 now\xe2\x80\xa6 "
	           "\xc2\xabok\xc2\xbb",
	           40, "add_feature_now_ok");
	/* "x²×y½": superscripts and fractions are word characters */
	check_slug("x\xc2\xb2\xc3\x97y\xc2\xbd", 40, "x\xc2\xb2_y\xc2\xbd");
}

static void test_slug_truncation(void **state)
{
	(void)state;
	/* no '_' in the cut part: keep it all, plus '_' */
	check_slug("abcdefghij", 5, "abcde_");
	check_slug("abc defghij", 6, "abc_");
	/* exactly the limit is not cut */
	check_slug("abc de", 6, "abc_de");
	/* characters are counted, not bytes: "ééééé" cut at 3 */
	check_slug("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 3,
	           "\xc3\xa9\xc3\xa9\xc3\xa9_");
}

static void test_slug_default_length(void **state)
{
	const char *msg = "one two three four five six seven eight nine ten";

	(void)state;
	/* <= 0 means 40 */
	check_slug(msg, 0, "one_two_three_four_five_six_seven_eight_");
	check_slug(msg, -3, "one_two_three_four_five_six_seven_eight_");
	check_slug(msg, 100,
	           "one_two_three_four_five_six_seven_eight_nine_ten");
}

static void test_slug_invalid_utf8_kept(void **state)
{
	(void)state;
	check_slug("a\xff"
	           "b c",
	           40,
	           "a\xff"
	           "b_c");
}

/* ---- file names ------------------------------------------------------- */

static struct tm sample_tm(void)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 10;
	tm.tm_mday = 24;
	tm.tm_hour = 12;
	tm.tm_min = 51;
	tm.tm_sec = 7;
	return tm;
}

static char *filename(const char *tmpl)
{
	struct tm tm = sample_tm();
	char *out = NULL;

	if (rt_script_filename(&out, tmpl, "6666ffff0006", "templated", &tm,
	                       (time_t)1795524672, &err))
		return NULL;
	return out;
}

static void check_filename(const char *tmpl, const char *expect)
{
	char *out = filename(tmpl);

	if (!out)
		fail_msg("unexpected error: %s", err.message);
	assert_string_equal(out, expect);
	free(out);
}

static void check_filename_error(const char *tmpl, const char *expect)
{
	assert_null(filename(tmpl));
	assert_int_equal(err.code, RT_ECONFIG);
	assert_string_equal(err.message, expect);
	rt_error_clear(&err);
}

static void test_filename_default(void **state)
{
	char *out = NULL;

	(void)state;
	check_filename("%(rev)s_%(slug)s", "6666ffff0006_templated");
	/* no date needed when the template has none */
	assert_int_equal(rt_script_filename(&out, "%(rev)s_%(slug)s", "ab", "",
	                                    NULL, 0, &err),
	                 0);
	assert_string_equal(out, "ab_");
	free(out);
}

static void test_filename_alembic_date_example(void **state)
{
	(void)state;
	/* reference §2.2, with the ini's %% already undoubled */
	check_filename("%(year)d_%(month).2d_%(day).2d_%(hour).2d%(minute).2d-"
	               "%(rev)s_%(slug)s_%(epoch)s",
	               "2026_11_24_1251-6666ffff0006_templated_1795524672");
}

static void test_filename_number_specs(void **state)
{
	(void)state;
	check_filename("%(second).2d|%(second)d|%(second)02d|%(second)3d|"
	               "%(second)-3d|%(epoch)d|%(month)s|%(day)i|%(hour)x",
	               "07|7|07|  7|7  |1795524672|11|24|c");
	check_filename("%(second)ld %(second)+d", "7 +7");
}

static void test_filename_string_specs(void **state)
{
	(void)state;
	check_filename("%(rev).4s|%(slug)12s|%(slug)-12s|%(slug)012s",
	               "6666|   templated|templated   |   templated");
}

static void test_filename_percent_escape(void **state)
{
	(void)state;
	check_filename("100%%_%(rev)s", "100%_6666ffff0006");
}

static void test_filename_unknown_token(void **state)
{
	(void)state;
	check_filename_error("%(rev)s_%(x)s",
	                     "file_template: unknown token '%(x)s'; known "
	                     "tokens are rev, slug, epoch, year, month, day, "
	                     "hour, minute, second");
}

static void test_filename_bad_specs(void **state)
{
	(void)state;
	check_filename_error("%(rev)d",
	                     "file_template: unsupported conversion in "
	                     "'%(rev)d'; rev and slug are text: write %(rev)s "
	                     "and %(slug)s");
	check_filename_error("%(slug)r",
	                     "file_template: unsupported conversion "
	                     "in '%(slug)r'; rev and slug are text: "
	                     "write %(rev)s and %(slug)s");
	check_filename_error("%(year)q_x",
	                     "file_template: unsupported conversion in "
	                     "'%(year)q'; write tokens as %(rev)s or "
	                     "%(month).2d");
	check_filename_error("x_%(rev",
	                     "file_template: unterminated token '%(rev'; write "
	                     "tokens as %(rev)s or %(month).2d");
	check_filename_error("%(rev)", "file_template: malformed token "
	                               "'%(rev)'; write tokens as %(rev)s or "
	                               "%(month).2d");
	check_filename_error("50%_%(rev)s",
	                     "file_template: a '%' must start a token such as "
	                     "%(rev)s; write %% for a literal '%'");
}

/* ---- rendering -------------------------------------------------------- */

static const char *const no_items[] = { NULL };

static char *render(const char *tmpl, const struct rt_newrev *nr)
{
	struct rt_buf out = RT_BUF_INIT;

	if (rt_script_render(&out, tmpl, "/p/script.sql.tmpl", nr, &err)) {
		rt_buf_release(&out);
		return NULL;
	}
	return rt_buf_detach(&out);
}

static void test_render_default_base(void **state)
{
	struct rt_newrev nr = { "1111aaaa0001", "add users",
		                no_items,       no_items,
		                no_items,       "2026-11-24 12:46:58.272111",
		                NULL,           NULL,
		                false };
	char *text = render(rt_script_default_template(), &nr);

	(void)state;
	assert_non_null(text);
	assert_string_equal(text, "-- add users\n"
	                          "--\n"
	                          "-- Revision ID: 1111aaaa0001\n"
	                          "-- Revises: \n"
	                          "-- Create Date: 2026-11-24 12:46:58.272111\n"
	                          "\n"
	                          "-- +upgrade\n"
	                          "\n"
	                          "\n"
	                          "-- +downgrade\n");
	free(text);
}

static void test_render_merge_labels_depends(void **state)
{
	const char *const downs[] = { "cccc00000003", "dddd00000004", NULL };
	const char *const labels[] = { "shop", NULL };
	const char *const deps[] = { "5a0000000001", "reports", NULL };
	struct rt_newrev nr = {
		"eeee00000005",        "merge heads", downs, labels, deps,
		"2026-11-24 12:00:00", NULL,          NULL,  false
	};
	char *text = render(rt_script_default_template(), &nr);

	(void)state;
	assert_string_equal(text, "-- merge heads\n"
	                          "--\n"
	                          "-- Revision ID: eeee00000005\n"
	                          "-- Revises: cccc00000003, dddd00000004\n"
	                          "-- Create Date: 2026-11-24 12:00:00\n"
	                          "-- Branch Labels: shop\n"
	                          "-- Depends On: 5a0000000001, reports\n"
	                          "\n"
	                          "-- +upgrade\n"
	                          "\n"
	                          "\n"
	                          "-- +downgrade\n");
	free(text);
}

static void test_render_empty_message(void **state)
{
	struct rt_newrev nr = { "4444dddd0004", NULL, NULL, NULL, NULL,
		                NULL,           NULL, NULL, false };
	char *text = render(rt_script_default_template(), &nr);

	(void)state;
	assert_true(rt_starts_with(text, "-- empty message\n--\n"));
	free(text);
	nr.message = "";
	text = render("-- ${message}\n", &nr);
	assert_string_equal(text, "-- empty message\n");
	free(text);
}

static void test_render_multiline_message(void **state)
{
	struct rt_newrev nr = { "abc",    "first\nsecond\n\nfourth",
		                no_items, no_items,
		                no_items, "d",
		                NULL,     NULL,
		                false };
	char *text = render(rt_script_default_template(), &nr);

	(void)state;
	assert_true(rt_starts_with(text, "-- first\n-- second\n--\n-- fourth\n"
	                                 "--\n-- Revision ID: abc\n"));
	free(text);
}

static void test_render_bodies(void **state)
{
	struct rt_newrev nr = { "abc",
		                "m",
		                no_items,
		                no_items,
		                no_items,
		                "d",
		                "CREATE TABLE t (id INT);\n\n",
		                "DROP TABLE t;",
		                false };
	char *text = render(rt_script_default_template(), &nr);

	(void)state;
	assert_true(strstr(text, "-- +upgrade\nCREATE TABLE t (id INT);\n\n"
	                         "-- +downgrade\nDROP TABLE t;\n") != NULL);
	assert_true(rt_ends_with(text, "DROP TABLE t;\n"));
	free(text);
}

static void test_render_no_trailing_whitespace(void **state)
{
	struct rt_newrev nr = { "abc",    "msg",    no_items,
		                no_items, no_items, "2026-01-01 00:00:00",
		                NULL,     NULL,     false };
	char *text = render(rt_script_default_template(), &nr);
	const char *line = text;

	(void)state;
	while (*line) {
		const char *nl = strchr(line, '\n');

		assert_non_null(nl);
		if (nl > line && strncmp(line, "-- Revises: ", 12))
			assert_false(nl[-1] == ' ' || nl[-1] == '\t');
		line = nl + 1;
	}
	assert_true(rt_ends_with(text, "-- +downgrade\n"));
	assert_false(rt_ends_with(text, "\n\n"));
	free(text);
}

static void test_render_custom_template(void **state)
{
	const char *const downs[] = { "p1", NULL };
	struct rt_newrev nr = { "r1", "msg",       downs, no_items, no_items,
		                "d",  "SELECT 1;", NULL,  false };
	char *text = render("/* ${ message } */\n"
	                    "-- labels: ${branch_labels}\n"
	                    "parent=${down_revision | comma,n}$x $ {y}\n"
	                    "${upgrades}\n\n\n",
	                    &nr);

	(void)state;
	/* spaces in braces and Mako filters are tolerated; the labels line
	 * is dropped; a '$' without '{' is kept; one newline at the end */
	assert_string_equal(text, "/* msg */\nparent=p1$x $ {y}\nSELECT 1;\n");
	free(text);
}

/* A table rebuild's revision says so in its header. */
static void test_render_foreign_keys_off(void **state)
{
	struct rt_newrev nr = { "r1", "m",  no_items, no_items, no_items,
		                "d",  NULL, NULL,     true };
	char *text = render(rt_script_default_template(), &nr);

	(void)state;
	assert_non_null(strstr(text, "-- Create Date: d\n"
	                             "-- Foreign Keys: off\n\n"));
	free(text);
	/* and only then */
	nr.foreign_keys_off = false;
	text = render(rt_script_default_template(), &nr);
	assert_null(strstr(text, "Foreign Keys"));
	free(text);
}

/* A template from before ${foreign_keys}: the line still gets in. */
static void test_render_foreign_keys_old_template(void **state)
{
	struct rt_newrev nr = { "r1", "m",  no_items, no_items, no_items,
		                "d",  NULL, NULL,     true };
	char *text = render("-- ${message}\n--\n-- Revision ID: ${up_revision}"
	                    "\n-- Revises: ${down_revision}\n\n-- +upgrade\n"
	                    "${upgrades}\n",
	                    &nr);

	(void)state;
	assert_string_equal(text, "-- m\n--\n-- Revision ID: r1\n"
	                          "-- Foreign Keys: off\n-- Revises: \n\n"
	                          "-- +upgrade\n");
	free(text);
	/* nowhere to put it: an error that says what to add */
	assert_null(render("${upgrades}\n", &nr));
	assert_int_equal(err.code, RT_EPARSE);
	assert_non_null(strstr(err.message, "'-- Foreign Keys: "
	                                    "${foreign_keys}'"));
	rt_error_clear(&err);
}

static void test_render_unknown_placeholder(void **state)
{
	struct rt_newrev nr = { "r1", "m",  NULL, NULL, NULL,
		                NULL, NULL, NULL, false };
	struct rt_buf out = RT_BUF_INIT;

	(void)state;
	rt_buf_adds(&out, "keep");
	assert_int_equal(rt_script_render(&out, "-- ${message}\n\n${imports}\n",
	                                  "/p/script.sql.tmpl", &nr, &err),
	                 RT_EPARSE);
	assert_string_equal(err.message,
	                    "/p/script.sql.tmpl:3: unknown placeholder "
	                    "'${imports}' in the script template; known ones "
	                    "are ${message}, ${up_revision}, ${down_revision}, "
	                    "${create_date}, ${branch_labels}, ${depends_on}, "
	                    "${upgrades}, ${downgrades}, ${foreign_keys}");
	assert_int_equal(err.loc.line, 3);
	/* what the buffer held before is left alone */
	assert_string_equal(out.buf, "keep");
	rt_buf_release(&out);
}

static void test_render_unterminated_placeholder(void **state)
{
	struct rt_newrev nr = { "r1", "m",  NULL, NULL, NULL,
		                NULL, NULL, NULL, false };
	char *text = render("ok\n-- ${message\n", &nr);

	(void)state;
	assert_null(text);
	assert_string_equal(err.message,
	                    "/p/script.sql.tmpl:2: unterminated placeholder "
	                    "'${message' in the script template; close it "
	                    "with '}'");
}

static void test_render_parse_round_trip(void **state)
{
	const char *const downs[] = { "aaaa", "bbbb", NULL };
	const char *const labels[] = { "billing", "shop", NULL };
	const char *const deps[] = { "cccc", NULL };
	struct rt_newrev nr = { "0123abcd4567",
		                "add things\nin two lines",
		                downs,
		                labels,
		                deps,
		                "2026-11-24 12:00:00.000001",
		                "CREATE TABLE t (id INT);",
		                "DROP TABLE t;",
		                false };
	struct rt_arena arena = RT_ARENA_INIT;
	struct rt_revision *rev = NULL;
	char *text = render(rt_script_default_template(), &nr);

	(void)state;
	assert_int_equal(rt_sqlscript_parse(&rev, &arena, "/v/x.sql", text,
	                                    strlen(text), &err),
	                 0);
	assert_string_equal(rev->id, "0123abcd4567");
	assert_string_equal(rev->doc, "add things\nin two lines");
	assert_string_equal(rev->longdoc,
	                    "add things\nin two lines\n\n"
	                    "Revision ID: 0123abcd4567\n"
	                    "Revises: aaaa, bbbb\n"
	                    "Create Date: 2026-11-24 12:00:00.000001\n"
	                    "Branch Labels: billing, shop\n"
	                    "Depends On: cccc");
	assert_int_equal(rev->nr_down, 2);
	assert_string_equal(rev->down_revisions[1], "bbbb");
	assert_int_equal(rev->nr_labels, 2);
	assert_string_equal(rev->branch_labels[0], "billing");
	assert_int_equal(rev->nr_depends, 1);
	assert_string_equal(rev->depends_on[0], "cccc");
	assert_string_equal(rev->upgrade_sql, "CREATE TABLE t (id INT);\n\n");
	assert_string_equal(rev->downgrade_sql, "DROP TABLE t;\n");
	assert_true(rev->transactional);
	rt_arena_release(&arena);
	free(text);
}

static void test_render_parse_round_trip_base(void **state)
{
	struct rt_newrev nr = { "f00d",   NULL,     no_items,
		                no_items, no_items, "2026-11-24 12:00:00",
		                NULL,     NULL,     false };
	struct rt_arena arena = RT_ARENA_INIT;
	struct rt_revision *rev = NULL;
	char *text = render(rt_script_default_template(), &nr);

	(void)state;
	assert_int_equal(rt_sqlscript_parse(&rev, &arena, "/v/x.sql", text,
	                                    strlen(text), &err),
	                 0);
	assert_int_equal(rev->nr_down, 0);
	assert_int_equal(rev->nr_labels, 0);
	assert_string_equal(rev->doc, "empty message");
	/* as in Alembic's docstring, the space of "Revises: " stays: only
	 * the ends of the block are stripped */
	assert_string_equal(rev->longdoc, "empty message\n\nRevision ID: f00d\n"
	                                  "Revises: \n"
	                                  "Create Date: 2026-11-24 12:00:00");
	assert_int_equal(rev->upgrade_line, 8);
	assert_int_equal(rev->downgrade_line, 11);
	rt_arena_release(&arena);
	free(text);
}

/* ---- ids and dates -------------------------------------------------- */

static void test_new_id(void **state)
{
	char *a = rt_script_new_id();
	char *b = rt_script_new_id();
	size_t i;

	(void)state;
	assert_int_equal(strlen(a), 12);
	for (i = 0; i < 12; i++)
		assert_non_null(strchr("0123456789abcdef", a[i]));
	assert_string_not_equal(a, b);
	free(a);
	free(b);
}

static void check_date(const char *tz, time_t sec, long usec,
                       const char *expect)
{
	char *out = NULL;

	if (rt_script_date_at(&out, NULL, tz, sec, usec, &err))
		fail_msg("%s: unexpected error: %s", tz, err.message);
	assert_string_equal(out, expect);
	free(out);
}

static bool have_zone(const char *name)
{
	char *path = rt_path_join("/usr/share/zoneinfo", name);
	bool ok = rt_fs_exists(path);

	free(path);
	return ok;
}

static void test_date_utc(void **state)
{
	struct tm when;
	char *out = NULL;

	(void)state;
	check_date("UTC", 1795524672, 116319,
	           "2026-11-24 12:51:12.116319+00:00");
	/* Python leaves out the fraction when it is zero */
	check_date("UTC", 1795524672, 0, "2026-11-24 12:51:12+00:00");
	check_date("UTC", 1795524672, 5, "2026-11-24 12:51:12.000005+00:00");
	/* a lower-case name is retried upper-cased, as Alembic does */
	check_date("utc", 1795524672, 0, "2026-11-24 12:51:12+00:00");
	assert_int_equal(
	        rt_script_date_at(&out, &when, "GMT", 1795524672, 0, &err), 0);
	assert_int_equal(when.tm_year, 126);
	assert_int_equal(when.tm_mon, 10);
	assert_int_equal(when.tm_mday, 24);
	assert_int_equal(when.tm_hour, 12);
	assert_int_equal(when.tm_min, 51);
	assert_int_equal(when.tm_sec, 12);
	free(out);
}

static void test_date_local(void **state)
{
	time_t sec = 1795524672;
	struct tm tm, when;
	char expect[64], *out = NULL;

	(void)state;
	assert_non_null(localtime_r(&sec, &tm));
	snprintf(expect, sizeof(expect), "%04d-%02d-%02d %02d:%02d:%02d.272111",
	         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	         tm.tm_min, tm.tm_sec);
	check_date(NULL, sec, 272111, expect);
	check_date("", sec, 272111, expect);
	assert_int_equal(rt_script_date_at(&out, &when, NULL, sec, 0, &err), 0);
	assert_int_equal(when.tm_hour, tm.tm_hour);
	free(out);
}

static void test_date_zone_files(void **state)
{
	(void)state;
	if (!have_zone("Europe/Paris"))
		skip();
	check_date("Europe/Paris", 1795524672, 116319,
	           "2026-11-24 13:51:12.116319+01:00");
	check_date("Europe/Paris", 1782907200, 0, "2026-07-01 14:00:00+02:00");
	check_date("Asia/Kolkata", 1795524672, 0, "2026-11-24 18:21:12+05:30");
	check_date("America/Sao_Paulo", 1795524672, 0,
	           "2026-11-24 09:51:12-03:00");
	check_date("EST", 1795524672, 0, "2026-11-24 07:51:12-05:00");
	check_date("est", 1795524672, 0, "2026-11-24 07:51:12-05:00");
	check_date("Etc/GMT-1", 1795524672, 0, "2026-11-24 13:51:12+01:00");
}

static void test_date_zone_rules_after_table(void **state)
{
	(void)state;
	if (!have_zone("Australia/Sydney"))
		skip();
	/* far enough ahead that the file's POSIX rule decides */
	check_date("Europe/Paris", 2224756800, 0, "2040-07-01 14:00:00+02:00");
	check_date("Australia/Sydney", 2210241600, 0,
	           "2040-01-15 23:00:00+11:00");
	check_date("Australia/Sydney", 2225966400, 0,
	           "2040-07-15 22:00:00+10:00");
	check_date("America/New_York", 2372914799, 0,
	           "2045-03-12 01:59:59-05:00");
	check_date("America/New_York", 2372914800, 0,
	           "2045-03-12 03:00:00-04:00");
	check_date("America/New_York", 2393474399, 0,
	           "2045-11-05 01:59:59-04:00");
	check_date("America/New_York", 2393474400, 0,
	           "2045-11-05 01:00:00-05:00");
}

static void test_date_offset_seconds(void **state)
{
	(void)state;
	if (!have_zone("Africa/Monrovia"))
		skip();
	/* old local mean times: Python prints the seconds of the offset */
	check_date("Africa/Monrovia", 0, 0, "1969-12-31 23:15:30-00:44:30");
	check_date("Europe/Paris", -2000000000, 0,
	           "1906-08-16 20:36:01+00:09:21");
}

static void test_date_posix_strings_and_offsets(void **state)
{
	(void)state;
	check_date("CET-1CEST,M3.5.0,M10.5.0/3", 1782907200, 0,
	           "2026-07-01 14:00:00+02:00");
	check_date("CET-1CEST,M3.5.0,M10.5.0/3", 1795524672, 0,
	           "2026-11-24 13:51:12+01:00");
	/* python-dateutil reads UTC+3 as three hours east */
	check_date("UTC+3", 1795524672, 0, "2026-11-24 15:51:12+03:00");
	check_date("XYZ+3", 1795524672, 0, "2026-11-24 09:51:12-03:00");
	/* retort's extension: a bare offset */
	check_date("+05:30", 1795524672, 0, "2026-11-24 18:21:12+05:30");
	check_date("-08:00", 1795524672, 0, "2026-11-24 04:51:12-08:00");
}

static void test_date_unknown_zone(void **state)
{
	char *out = (char *)&err;

	(void)state;
	assert_int_equal(rt_script_date_at(&out, NULL, "europe/paris",
	                                   1795524672, 0, &err),
	                 RT_ECONFIG);
	assert_null(out);
	assert_string_equal(err.message, "Can't locate timezone: europe/paris");
	rt_error_clear(&err);
	assert_int_equal(rt_script_date_at(&out, NULL, "Nowhere/Atlantis",
	                                   1795524672, 0, &err),
	                 RT_ECONFIG);
	rt_error_clear(&err);
	/* a device is never read as a zone file */
	assert_int_equal(
	        rt_script_date_at(&out, NULL, "/dev/zero", 1795524672, 0, &err),
	        RT_ECONFIG);
	assert_string_equal(err.message, "Can't locate timezone: /dev/zero");
	rt_error_clear(&err);
	assert_int_equal(
	        rt_script_date_at(&out, NULL, "+25:00", 1795524672, 0, &err),
	        RT_ECONFIG);
}

static void test_create_date_now(void **state)
{
	char *out = NULL;
	struct tm when;
	time_t before = time(NULL);
	size_t len;

	(void)state;
	assert_int_equal(rt_script_create_date(&out, &when, "UTC", &err), 0);
	len = strlen(out);
	/* "YYYY-MM-DD HH:MM:SS[.ffffff]+00:00" */
	assert_true(len == 25 || len == 32);
	assert_true(out[4] == '-' && out[7] == '-' && out[10] == ' ' &&
	            out[13] == ':' && out[16] == ':');
	assert_true(rt_ends_with(out, "+00:00"));
	assert_true(when.tm_year + 1900 >= 2024);
	assert_true(timegm(&when) >= before && timegm(&when) <= before + 5);
	free(out);
}

/* ---- init layout ------------------------------------------------------ */

static char tmpdir[64];
static char *old_cwd;

static int init_setup(void **state)
{
	(void)state;
	rt_error_clear(&err);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/rt_init_XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	old_cwd = getcwd(NULL, 0);
	assert_int_equal(chdir(tmpdir), 0);
	return 0;
}

static int init_teardown(void **state)
{
	char *cmd = rt_xstrfmt("rm -rf '%s'", tmpdir);

	(void)state;
	assert_int_equal(chdir(old_cwd), 0);
	RT_FREE_AND_NULL(old_cwd);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	free(cmd);
	return 0;
}

/* `text` with every "{R}" replaced by the test's directory; caller frees. */
static char *with_root(const char *text)
{
	struct rt_buf out = RT_BUF_INIT;
	const char *p;

	for (p = text; *p; p++) {
		if (!strncmp(p, "{R}", 3)) {
			rt_buf_adds(&out, tmpdir);
			p += 2;
		} else {
			rt_buf_addch(&out, *p);
		}
	}
	return rt_buf_detach(&out);
}

/* Records the status texts as they would be printed. */
static void record(void *baton, const char *text, bool newline)
{
	struct rt_buf *out = baton;

	rt_buf_adds(out, text);
	if (newline)
		rt_buf_addch(out, '\n');
}

static char *read_text(const char *path)
{
	struct rt_buf text = RT_BUF_INIT;
	struct rt_error e = RT_ERROR_INIT;

	assert_int_equal(rt_fs_read_file(&text, path, &e), 0);
	return rt_buf_detach(&text);
}

static void test_init_creates_layout(void **state)
{
	struct rt_buf log = RT_BUF_INIT;
	char *expect, *tmpl, *ini, *readme;

	(void)state;
	assert_int_equal(rt_script_init_layout("migrations", "alembic.ini",
	                                       record, &log, &err),
	                 0);
	expect = with_root("Creating directory {R}/migrations ...  done\n"
	                   "Creating directory {R}/migrations/versions ...  "
	                   "done\n"
	                   "Generating {R}/migrations/script.sql.tmpl ...  "
	                   "done\n"
	                   "Generating {R}/migrations/README ...  done\n"
	                   "Generating {R}/alembic.ini ...  done\n");
	assert_string_equal(log.buf, expect);
	assert_true(rt_fs_is_dir("migrations/versions"));
	tmpl = read_text("migrations/script.sql.tmpl");
	assert_string_equal(tmpl, rt_script_default_template());
	readme = read_text("migrations/README");
	assert_true(strstr(readme, "-- +upgrade") != NULL);
	ini = read_text("alembic.ini");
	assert_true(strstr(ini, "\n[alembic]\n") != NULL);
	assert_true(strstr(ini, "\nscript_location = migrations\n") != NULL);
	assert_true(strstr(ini, "\nsqlalchemy.url = sqlite:///app.db\n") !=
	            NULL);
	assert_true(strstr(ini, "\n# file_template = %%(year)d_%%(month).2d") !=
	            NULL);
	assert_true(strstr(ini, "\n[logger_alembic]\nlevel = INFO\n") != NULL);
	assert_true(strstr(ini, "\nformat = %(levelname)-5.5s [%(name)s] "
	                        "%(message)s\n") != NULL);
	free(ini);
	free(readme);
	free(tmpl);
	free(expect);
	rt_buf_release(&log);
}

static void test_init_existing_empty_dir(void **state)
{
	struct rt_buf log = RT_BUF_INIT;
	char *expect;

	(void)state;
	assert_int_equal(mkdir("mig", 0777), 0);
	assert_int_equal(
	        rt_script_init_layout("mig", "conf/my.ini", record, &log, &err),
	        RT_EIO); /* conf/ does not exist */
	rt_error_clear(&err);
	rt_buf_reset(&log);
	assert_int_equal(system("rm -rf mig && mkdir mig conf"), 0);
	assert_int_equal(
	        rt_script_init_layout("mig", "conf/my.ini", record, &log, &err),
	        0);
	/* no "Creating directory" for DIR itself */
	expect = with_root("Creating directory {R}/mig/versions ...  done\n"
	                   "Generating {R}/mig/script.sql.tmpl ...  done\n"
	                   "Generating {R}/mig/README ...  done\n"
	                   "Generating {R}/conf/my.ini ...  done\n");
	assert_string_equal(log.buf, expect);
	free(expect);
	rt_buf_release(&log);
}

static void test_init_failed_step_reported(void **state)
{
	struct rt_buf log = RT_BUF_INIT;

	(void)state;
	assert_int_equal(
	        rt_script_init_layout("m2", "nodir/a.ini", record, &log, &err),
	        RT_EIO);
	assert_true(rt_ends_with(log.buf, "/nodir/a.ini ...  FAILED\n"));
	rt_buf_release(&log);
}

static void test_init_ini_exists(void **state)
{
	struct rt_buf log = RT_BUF_INIT;
	char *expect, *ini;

	(void)state;
	assert_int_equal(
	        rt_fs_write_file("alembic.ini", "[alembic]\n", 10, true, &err),
	        0);
	assert_int_equal(rt_script_init_layout("./a/b/../db", "alembic.ini",
	                                       record, &log, &err),
	                 0);
	expect = with_root("Creating directory {R}/a/db ...  done\n"
	                   "Creating directory {R}/a/db/versions ...  done\n"
	                   "Generating {R}/a/db/script.sql.tmpl ...  done\n"
	                   "Generating {R}/a/db/README ...  done\n"
	                   "File {R}/alembic.ini already exists, skipping\n");
	assert_string_equal(log.buf, expect);
	ini = read_text("alembic.ini");
	assert_string_equal(ini, "[alembic]\n");
	free(ini);
	free(expect);
	rt_buf_release(&log);
}

static void test_init_refuses_non_empty_dir(void **state)
{
	struct rt_buf log = RT_BUF_INIT;

	(void)state;
	assert_int_equal(rt_script_init_layout("migrations", "alembic.ini",
	                                       NULL, NULL, &err),
	                 0);
	assert_int_equal(rt_script_init_layout("migrations", "other.ini",
	                                       record, &log, &err),
	                 RT_EEXISTS);
	assert_string_equal(err.message, "Directory migrations already exists "
	                                 "and is not empty");
	/* nothing was printed or written */
	assert_int_equal(log.len, 0);
	assert_false(rt_fs_exists("other.ini"));
	rt_buf_release(&log);
}

static void test_init_refuses_file(void **state)
{
	(void)state;
	assert_int_equal(rt_fs_write_file("taken", "x", 1, true, &err), 0);
	assert_int_equal(
	        rt_script_init_layout("taken", "alembic.ini", NULL, NULL, &err),
	        RT_EEXISTS);
	assert_string_equal(err.message, "taken already exists and is not a "
	                                 "directory; choose another name");
}

static void test_init_percent_in_dir(void **state)
{
	char *ini;

	(void)state;
	assert_int_equal(rt_script_init_layout("m%x", NULL, NULL, NULL, &err),
	                 0);
	ini = read_text("alembic.ini");
	/* ConfigParser would read a single '%' as interpolation */
	assert_true(strstr(ini, "\nscript_location = m%%x\n") != NULL);
	free(ini);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup(fn, setup)
		T(test_slug_simple),
		T(test_slug_alembic_long_example),
		T(test_slug_empty),
		T(test_slug_non_ascii_letters),
		T(test_slug_unicode_punctuation),
		T(test_slug_truncation),
		T(test_slug_default_length),
		T(test_slug_invalid_utf8_kept),
		T(test_filename_default),
		T(test_filename_alembic_date_example),
		T(test_filename_number_specs),
		T(test_filename_string_specs),
		T(test_filename_percent_escape),
		T(test_filename_unknown_token),
		T(test_filename_bad_specs),
		T(test_render_default_base),
		T(test_render_merge_labels_depends),
		T(test_render_empty_message),
		T(test_render_multiline_message),
		T(test_render_bodies),
		T(test_render_no_trailing_whitespace),
		T(test_render_custom_template),
		T(test_render_foreign_keys_off),
		T(test_render_foreign_keys_old_template),
		T(test_render_unknown_placeholder),
		T(test_render_unterminated_placeholder),
		T(test_render_parse_round_trip),
		T(test_render_parse_round_trip_base),
		T(test_new_id),
		T(test_date_utc),
		T(test_date_local),
		T(test_date_zone_files),
		T(test_date_zone_rules_after_table),
		T(test_date_offset_seconds),
		T(test_date_posix_strings_and_offsets),
		T(test_date_unknown_zone),
		T(test_create_date_now),
#undef T
#define I(fn) cmocka_unit_test_setup_teardown(fn, init_setup, init_teardown)
		I(test_init_creates_layout),
		I(test_init_existing_empty_dir),
		I(test_init_failed_step_reported),
		I(test_init_ini_exists),
		I(test_init_refuses_non_empty_dir),
		I(test_init_refuses_file),
		I(test_init_percent_in_dir),
#undef I
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
