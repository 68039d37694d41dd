/*
 * test_sql_tokens.c - the quote-aware tokenizer the SQLite inspector
 * reads CREATE texts with: token kinds, quotes, comments, paired
 * parentheses, blank-normalised spans and the errors.
 */
#include "util/compat.h"
#include <setjmp.h>
#include <cmocka.h>
#include "schema/sql_tokens.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "error_raise.h"

static const char *kind_name(enum rt_sql_tok_kind kind)
{
	switch (kind) {
	case RT_TOK_WORD:
		return "w";
	case RT_TOK_QUOTED:
		return "q";
	case RT_TOK_STRING:
		return "s";
	case RT_TOK_BLOB:
		return "b";
	case RT_TOK_NUMBER:
		return "n";
	case RT_TOK_VARIABLE:
		return "v";
	case RT_TOK_PUNCT:
		return "p";
	}
	return "?";
}

/* "w:CREATE q:\"x\" ..." with '_' before tokens that had blanks before. */
static char *describe(const char *text)
{
	struct rt_sql_tokens toks = RT_SQL_TOKENS_INIT;
	struct rt_error err = RT_ERROR_INIT;
	struct rt_buf sb = RT_BUF_INIT;

	if (rt_sql_tokenize(&toks, text, &err))
		fail_msg("tokenize %s: %s", text, err.message);
	for (size_t i = 0; i < toks.nr; i++) {
		if (i)
			rt_buf_addch(&sb, ' ');
		rt_buf_addf(&sb, "%s%s:", toks.v[i].space_before ? "_" : "",
		            kind_name(toks.v[i].kind));
		rt_sql_tok_add(&sb, &toks, i);
	}
	rt_sql_tokens_release(&toks);
	return rt_buf_detach(&sb);
}

static void check_tokens(const char *text, const char *want)
{
	char *got = describe(text);

	assert_string_equal(got, want);
	free(got);
}

static void test_kinds(void **state)
{
	(void)state;
	check_tokens("CREATE TABLE t(a)", "w:CREATE _w:TABLE _w:t p:( w:a p:)");
	check_tokens("\"a\"\"b\" [c d] `e``f` 'g''h' x'00ff' X'AB'",
	             "q:\"a\"\"b\" _q:[c d] _q:`e``f` _s:'g''h' _b:x'00ff' "
	             "_b:X'AB'");
	check_tokens("1 1.5 .5 1e10 1.5E-3 0x1F 12abc",
	             "n:1 _n:1.5 _n:.5 _n:1e10 _n:1.5E-3 _n:0x1F _n:12abc");
	check_tokens("?1 ? :name @x $y", "v:?1 _v:? _v::name _v:@x _v:$y");
	check_tokens("a||b<=c>=d<>e!=f==g->h->>i<<j>>k",
	             "w:a p:|| w:b p:<= w:c p:>= w:d p:<> w:e p:!= w:f p:== "
	             "w:g p:-> w:h p:->> w:i p:<< w:j p:>> w:k");
	check_tokens("a.b,c;-d+e*f/g%h", "w:a p:. w:b p:, w:c p:; p:- w:d p:+ "
	                                 "w:e p:* w:f p:/ w:g p:% w:h");
	/* words: '_', '$' and bytes >= 0x80 belong to them */
	check_tokens("_a$b caf\xc3\xa9 x_y", "w:_a$b _w:caf\xc3\xa9 _w:x_y");
	/* x not followed by a quote is a word */
	check_tokens("x xy x 'a'", "w:x _w:xy _w:x _s:'a'");
	check_tokens("", "");
	check_tokens("  \n\t ", "");
}

static void test_comments(void **state)
{
	(void)state;
	check_tokens("a -- one ) ' \"\nb /* two ( ' */c/**/d",
	             "w:a _w:b _w:c _w:d");
	check_tokens("a--b", "w:a");
	check_tokens("a-/**/-b", "w:a p:- _p:- w:b");
	/* quotes protect comment markers and the other quotes */
	check_tokens("'--x' \"/*\" [*/] '\"' \"'\"",
	             "s:'--x' _q:\"/*\" _q:[*/] _s:'\"' _q:\"'\"");
	/* a comment at the very end */
	check_tokens("a /* end */", "w:a");
	check_tokens("a -- end", "w:a");
}

static void test_parentheses(void **state)
{
	struct rt_sql_tokens toks = RT_SQL_TOKENS_INIT;
	struct rt_error err = RT_ERROR_INIT;

	(void)state;
	/*           0 1 2 3 4 5 6 7 8 9 10 */
	assert_int_equal(rt_sql_tokenize(&toks, "f(a, (b + ')')) d", &err), 0);
	assert_int_equal(toks.nr, 11);
	assert_true(rt_sql_tok_is_punct(&toks, 1, "("));
	assert_int_equal(toks.v[1].match, 9);
	assert_int_equal(toks.v[9].match, 1);
	assert_int_equal(toks.v[4].match, 8);
	assert_int_equal(toks.v[8].match, 4);
	assert_int_equal(toks.v[7].kind, RT_TOK_STRING);
	/* the list is reused */
	assert_int_equal(rt_sql_tokenize(&toks, "()", &err), 0);
	assert_int_equal(toks.nr, 2);
	assert_int_equal(toks.v[0].match, 1);
	rt_sql_tokens_release(&toks);
	rt_sql_tokens_release(&toks);
}

static void test_names(void **state)
{
	struct rt_sql_tokens toks = RT_SQL_TOKENS_INIT;
	struct rt_error err = RT_ERROR_INIT;
	const char *want[] = { "Plain", "a\"b", "c d",  "e`f", "it's",
		               "[x]",   "",     "a]]b", "12" };
	char *name;

	(void)state;
	assert_int_equal(rt_sql_tokenize(&toks,
	                                 "Plain \"a\"\"b\" [c d] `e``f` "
	                                 "'it''s' \"[x]\" \"\" \"a]]b\" 12",
	                                 &err),
	                 0);
	assert_int_equal(toks.nr, RT_ARRAY_SIZE(want));
	for (size_t i = 0; i < toks.nr; i++) {
		name = rt_sql_tok_name(&toks, i);
		assert_string_equal(name, want[i]);
		free(name);
	}
	assert_true(rt_sql_tok_is_name(&toks, 0));
	assert_true(rt_sql_tok_is_name(&toks, 1));
	assert_true(rt_sql_tok_is_name(&toks, 4));
	assert_false(rt_sql_tok_is_name(&toks, 8));
	assert_false(rt_sql_tok_is_name(&toks, 99));
	rt_sql_tokens_release(&toks);
}

static void test_keywords(void **state)
{
	struct rt_sql_tokens toks = RT_SQL_TOKENS_INIT;
	struct rt_error err = RT_ERROR_INIT;

	(void)state;
	assert_int_equal(rt_sql_tokenize(&toks, "create \"TABLE\" Tab ,", &err),
	                 0);
	assert_true(rt_sql_tok_is(&toks, 0, "CREATE"));
	assert_true(rt_sql_tok_is(&toks, 0, "create"));
	assert_false(rt_sql_tok_is(&toks, 0, "CREAT"));
	assert_false(rt_sql_tok_is(&toks, 0, "CREATED"));
	/* a quoted name is never a keyword */
	assert_false(rt_sql_tok_is(&toks, 1, "TABLE"));
	assert_false(rt_sql_tok_is(&toks, 2, "TABLE"));
	assert_true(rt_sql_tok_is_punct(&toks, 3, ","));
	assert_false(rt_sql_tok_is_punct(&toks, 2, ","));
	assert_false(rt_sql_tok_is(&toks, 4, "x"));
	assert_false(rt_sql_tok_is_punct(&toks, 4, ","));
	rt_sql_tokens_release(&toks);
}

static void check_span(const char *text, size_t from, size_t to,
                       const char *want)
{
	struct rt_sql_tokens toks = RT_SQL_TOKENS_INIT;
	struct rt_error err = RT_ERROR_INIT;
	struct rt_buf sb = RT_BUF_INIT;

	assert_int_equal(rt_sql_tokenize(&toks, text, &err), 0);
	rt_sql_tokens_add_span(&sb, &toks, from, to);
	assert_string_equal(sb.buf, want);
	rt_buf_release(&sb);
	rt_sql_tokens_release(&toks);
}

static void test_spans(void **state)
{
	(void)state;
	check_span("  a  >\n\t 0 -- x\n AND /* y */ b  ", 0, 5, "a > 0 AND b");
	/* blanks inside strings stay; none is added where there was none */
	check_span("x='a   b'||f( 1 )", 0, 99, "x='a   b'||f( 1 )");
	check_span("length(x)>(1+(2*3))", 0, 99, "length(x)>(1+(2*3))");
	/* a comment between two tokens counts as a blank */
	check_span("a/**/b", 0, 2, "a b");
	check_span("a b c", 1, 2, "b");
	check_span("a b c", 2, 2, "");
	check_span("a b c", 3, 1, "");
}

static void check_error(const char *text, const char *want)
{
	struct rt_sql_tokens toks = RT_SQL_TOKENS_INIT;
	struct rt_error err = RT_ERROR_INIT;

	assert_int_equal(rt_sql_tokenize(&toks, text, &err), RT_EPARSE);
	assert_string_equal(err.message, want);
	rt_sql_tokens_release(&toks);
}

static void test_errors(void **state)
{
	(void)state;
	check_error("a\n'it''s", "a string starting on line 2 never ends");
	check_error("\"abc", "a quoted name starting on line 1 never ends");
	check_error("`abc``", "a quoted name starting on line 1 never ends");
	check_error("\n\n[abc", "a [name] starting on line 3 never ends");
	check_error("x'00", "a blob starting on line 1 never ends");
	check_error("a /* b\n", "a /* comment starting on line 1 never ends");
	check_error("f(a))", "a ')' on line 1 closes nothing");
	check_error("f(\n(a)", "the '(' on line 1 is never closed");
	check_error("(a\n(b", "the '(' on line 2 is never closed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_parentheses),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_keywords),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
