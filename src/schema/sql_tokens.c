#include "util/compat.h"
/*
 * sql_tokens.c - the tokenizer of sql_tokens.h.  It follows SQLite's
 * own lexical rules (tokenize.c) closely enough for schema text: what
 * may start a word, the three identifier quotes, '' inside strings, and
 * that a block comment or a string runs until its closing mark.
 */
#include "schema/sql_tokens.h"
#include "util/alloc.h"
#include "error_raise.h"

#include <ctype.h>
#include <strings.h>

/* SQLite: letters, digits, '_', '$' and every byte >= 0x80. */
static bool is_word_char(unsigned char ch)
{
	return isalnum(ch) || ch == '_' || ch == '$' || ch >= 0x80;
}

static bool is_word_start(unsigned char ch)
{
	return isalpha(ch) || ch == '_' || ch >= 0x80;
}

unsigned rt_sql_tokens_line(const struct rt_sql_tokens *toks, size_t offset)
{
	unsigned line = 1;

	for (size_t i = 0; i < offset && toks->text[i]; i++)
		if (toks->text[i] == '\n')
			line++;
	return line;
}

/* The offset just past the quote closing the one at `at`, or 0. */
static size_t skip_quoted(const char *text, size_t at, char close, bool doubled)
{
	for (size_t i = at + 1; text[i]; i++) {
		if (text[i] != close)
			continue;
		if (doubled && text[i + 1] == close) {
			i++;
			continue;
		}
		return i + 1;
	}
	return 0;
}

static size_t skip_number(const char *text, size_t at)
{
	size_t i = at;
	bool hex = text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X');

	for (;;) {
		unsigned char ch = (unsigned char)text[i];

		if (isalnum(ch) || ch == '_' || ch == '.') {
			i++;
		} else if ((ch == '+' || ch == '-') && !hex && i > at &&
		           (text[i - 1] == 'e' || text[i - 1] == 'E')) {
			i++;
		} else {
			return i;
		}
	}
}

/* Operators of two or three characters, longest first. */
static size_t punct_len(const char *p)
{
	static const char *const ops[] = { "->>", "||", "<<", ">>", "<=",
		                           ">=",  "==", "!=", "<>", "->" };

	for (size_t i = 0; i < RT_ARRAY_SIZE(ops); i++)
		if (!strncmp(p, ops[i], strlen(ops[i])))
			return strlen(ops[i]);
	return 1;
}

static int unterminated(struct rt_sql_tokens *toks, size_t at, const char *what,
                        struct rt_error *err)
{
	return rt_error_set(err, RT_EPARSE, "%s starting on line %u never ends",
	                    what, rt_sql_tokens_line(toks, at));
}

/*
 * Scan the token at `at` (not white space, not a comment): set its kind
 * and length; <0 on an unterminated quote.
 */
static int scan_token(struct rt_sql_tokens *toks, size_t at,
                      struct rt_sql_token *tok, struct rt_error *err)
{
	const char *text = toks->text;
	unsigned char ch = (unsigned char)text[at];
	size_t end;

	tok->start = at;
	switch (ch) {
	case '\'':
		end = skip_quoted(text, at, '\'', true);
		if (!end)
			return unterminated(toks, at, "a string", err);
		tok->kind = RT_TOK_STRING;
		break;
	case '"':
	case '`':
		end = skip_quoted(text, at, (char)ch, true);
		if (!end)
			return unterminated(toks, at, "a quoted name", err);
		tok->kind = RT_TOK_QUOTED;
		break;
	case '[':
		end = skip_quoted(text, at, ']', false);
		if (!end)
			return unterminated(toks, at, "a [name]", err);
		tok->kind = RT_TOK_QUOTED;
		break;
	case '?':
	case ':':
	case '@':
	case '$':
		end = at + 1;
		while (is_word_char((unsigned char)text[end]))
			end++;
		tok->kind = RT_TOK_VARIABLE;
		break;
	default:
		if ((ch == 'x' || ch == 'X') && text[at + 1] == '\'') {
			end = skip_quoted(text, at + 1, '\'', false);
			if (!end)
				return unterminated(toks, at, "a blob", err);
			tok->kind = RT_TOK_BLOB;
		} else if (is_word_start(ch)) {
			end = at + 1;
			while (is_word_char((unsigned char)text[end]))
				end++;
			tok->kind = RT_TOK_WORD;
		} else if (isdigit(ch) ||
		           (ch == '.' &&
		            isdigit((unsigned char)text[at + 1]))) {
			end = skip_number(text, at);
			tok->kind = RT_TOK_NUMBER;
		} else {
			end = at + punct_len(text + at);
			tok->kind = RT_TOK_PUNCT;
		}
		break;
	}
	tok->len = end - at;
	return 0;
}

/* Skip white space and comments from `*pos`; true when any was there. */
static int skip_blank(struct rt_sql_tokens *toks, size_t *pos, bool *any,
                      struct rt_error *err)
{
	const char *text = toks->text;
	size_t i = *pos;

	*any = false;
	for (;;) {
		if (isspace((unsigned char)text[i])) {
			i++;
		} else if (text[i] == '-' && text[i + 1] == '-') {
			while (text[i] && text[i] != '\n')
				i++;
		} else if (text[i] == '/' && text[i + 1] == '*') {
			const char *close = strstr(text + i + 2, "*/");

			if (!close)
				return unterminated(toks, i, "a /* comment",
				                    err);
			i = (size_t)(close - text) + 2;
		} else {
			break;
		}
		*any = true;
	}
	*pos = i;
	return 0;
}

int rt_sql_tokenize(struct rt_sql_tokens *toks, const char *text,
                    struct rt_error *err)
{
	size_t *open = NULL, nr_open = 0, alloc_open = 0;
	size_t pos = 0;
	int ret = 0;

	toks->text = text;
	toks->nr = 0;
	for (;;) {
		struct rt_sql_token tok;
		bool blank;

		ret = skip_blank(toks, &pos, &blank, err);
		if (ret < 0 || !text[pos])
			break;
		memset(&tok, 0, sizeof(tok));
		tok.space_before = blank;
		ret = scan_token(toks, pos, &tok, err);
		if (ret < 0)
			break;
		pos += tok.len;
		if (tok.kind == RT_TOK_PUNCT && text[tok.start] == '(') {
			RT_ALLOC_GROW(open, nr_open + 1, alloc_open);
			open[nr_open++] = toks->nr;
		} else if (tok.kind == RT_TOK_PUNCT && text[tok.start] == ')') {
			if (!nr_open) {
				ret = rt_error_set(
				        err, RT_EPARSE,
				        "a ')' on line %u closes nothing",
				        rt_sql_tokens_line(toks, tok.start));
				break;
			}
			tok.match = open[--nr_open];
			toks->v[tok.match].match = toks->nr;
		}
		RT_ALLOC_GROW(toks->v, toks->nr + 1, toks->alloc);
		toks->v[toks->nr++] = tok;
	}
	if (!ret && nr_open)
		ret = rt_error_set(
		        err, RT_EPARSE, "the '(' on line %u is never closed",
		        rt_sql_tokens_line(toks,
		                           toks->v[open[nr_open - 1]].start));
	free(open);
	return ret;
}

void rt_sql_tokens_release(struct rt_sql_tokens *toks)
{
	free(toks->v);
	toks->v = NULL;
	toks->nr = toks->alloc = 0;
	toks->text = NULL;
}

bool rt_sql_tok_is(const struct rt_sql_tokens *toks, size_t i, const char *word)
{
	const struct rt_sql_token *t;

	if (i >= toks->nr)
		return false;
	t = &toks->v[i];
	return t->kind == RT_TOK_WORD && strlen(word) == t->len &&
	       !strncasecmp(toks->text + t->start, word, t->len);
}

bool rt_sql_tok_is_punct(const struct rt_sql_tokens *toks, size_t i,
                         const char *p)
{
	const struct rt_sql_token *t;

	if (i >= toks->nr)
		return false;
	t = &toks->v[i];
	return t->kind == RT_TOK_PUNCT && strlen(p) == t->len &&
	       !strncmp(toks->text + t->start, p, t->len);
}

bool rt_sql_tok_is_name(const struct rt_sql_tokens *toks, size_t i)
{
	if (i >= toks->nr)
		return false;
	switch (toks->v[i].kind) {
	case RT_TOK_WORD:
	case RT_TOK_QUOTED:
	case RT_TOK_STRING:
		return true;
	default:
		return false;
	}
}

char *rt_sql_tok_name(const struct rt_sql_tokens *toks, size_t i)
{
	const struct rt_sql_token *t = &toks->v[i];
	const char *s = toks->text + t->start;
	struct rt_buf out = RT_BUF_INIT;
	char close;

	if (t->kind != RT_TOK_QUOTED && t->kind != RT_TOK_STRING)
		return rt_xstrndup(s, t->len);
	close = s[0] == '[' ? ']' : s[0];
	for (size_t k = 1; k + 1 < t->len; k++) {
		rt_buf_addch(&out, s[k]);
		/* a doubled quote stands for one ([x] has no escapes) */
		if (s[k] == close && close != ']')
			k++;
	}
	return rt_buf_detach(&out);
}

void rt_sql_tok_add(struct rt_buf *out, const struct rt_sql_tokens *toks,
                    size_t i)
{
	rt_buf_add(out, toks->text + toks->v[i].start, toks->v[i].len);
}

void rt_sql_tokens_add_span(struct rt_buf *out,
                            const struct rt_sql_tokens *toks, size_t from,
                            size_t to)
{
	for (size_t i = from; i < to && i < toks->nr; i++) {
		if (i > from && toks->v[i].space_before)
			rt_buf_addch(out, ' ');
		rt_sql_tok_add(out, toks, i);
	}
}
