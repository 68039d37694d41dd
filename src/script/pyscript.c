#include "util/compat.h"
/*
 * pyscript.c - read what Alembic takes from a `.py` revision script, without
 * running Python: the module docstring and the module-level assignments of
 * revision, down_revision, branch_labels and depends_on.  A small tokenizer
 * walks the whole file, so strings, brackets and continuation lines in the
 * function bodies cannot mislead it; only logical lines that start in
 * column 0 are looked at, and only literal values are accepted.
 */
#include "script/script.h"
#include "error_raise.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/strvec.h"

#include <ctype.h>

/* Python refuses more open brackets than this ("too many nested parens"). */
#define MAX_NESTING 200
/* f-strings inside f-string replacement fields, deeper than anyone writes */
#define MAX_FSTRING_LEVEL 32
/* how much of an expression an error message quotes */
#define MAX_EXPR_SHOWN 160

enum var { VAR_REVISION, VAR_DOWN, VAR_LABELS, VAR_DEPENDS, VAR_NR };

static const char *const var_names[VAR_NR] = {
	"revision",
	"down_revision",
	"branch_labels",
	"depends_on",
};

/* what the error messages suggest writing instead */
static const char *const var_examples[VAR_NR] = {
	"'ae1027a6acf'",
	"'ae1027a6acf'",
	"('expand',)",
	"('ae1027a6acf',)",
};

enum tok_kind { TOK_NAME, TOK_NUMBER, TOK_STRING, TOK_OP };

/* string prefix letters */
#define STR_RAW    1u /* r */
#define STR_BYTES  2u /* b */
#define STR_FORMAT 4u /* f, or t (template strings): computed, not literal */

struct tok {
	enum tok_kind kind;
	size_t start, end; /* bytes of the token in the decoded text */
	unsigned line; /* line of its first byte */
	/* open brackets before it; a closing bracket has its opener's depth */
	unsigned depth;
	unsigned str_flags; /* STR_* of a string */
	unsigned prefix_len, quote_len; /* of a string */
};

enum val_kind { VAL_NONE, VAL_STR, VAL_SEQ };

/* A literal value: None, a str (one item) or a tuple/list of str. */
struct pyval {
	enum val_kind kind;
	struct rt_strvec items;
};

/* Why a value cannot be used (the value parsers return these, > 0). */
enum problem {
	PROB_NOT_LITERAL = 1, /* a name, a call, an f-string, arithmetic... */
	PROB_BYTES, /* b'...' */
	PROB_NOT_STRING /* a number, None inside a tuple, a nested tuple */
};

/* The last module-level assignment of one variable. */
struct binding {
	unsigned line; /* 0: never assigned */
	struct pyval val; /* when code == 0 */
	int code; /* else the error to raise if this assignment is the last */
	struct rt_buf message;
};

struct pyparser {
	struct rt_arena *arena;
	const char *path;
	struct rt_error *err;
	struct rt_buf src; /* the decoded text, with "\n" line ends only */
	const char *text;
	size_t len, pos;
	unsigned line;
	/* the brackets open at `pos`, and the lines they were opened on */
	char open[MAX_NESTING];
	unsigned open_line[MAX_NESTING];
	unsigned depth;
	/* the logical line being read; its tokens only when it is top level */
	struct tok *toks;
	size_t nr_toks, alloc_toks;
	bool indented;
	bool seen_statement;
	bool has_doc;
	struct rt_buf doc;
	struct binding vars[VAR_NR];
};

static void pyval_release(struct pyval *v)
{
	rt_strvec_clear(&v->items);
	v->kind = VAL_NONE;
}

/*
 * A syntax error: Python would refuse to import the file, and Alembic
 * crashes with a traceback on every command, so the error is marked as a
 * crash (the CLI prints it on stderr).
 */
static int syntax_error(struct pyparser *p, unsigned line, const char *what)
{
	int ret = rt_error_set_at(p->err, RT_EPARSE, p->path, line,
	                          "%s:%u: %s (a Python syntax error: "
	                          "Alembic cannot load this file either)",
	                          p->path, line, what);

	return rt_error_mark_crash(p->err, ret);
}

/* --- decoding the file ------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at `s` (n > 0 bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t need, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return need;
}

/* The code point of the well-formed sequence at `s` of length `n`. */
static uint32_t utf8_value(const unsigned char *s, size_t n)
{
	static const unsigned char lead_mask[5] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t cp = s[0] & lead_mask[n];
	size_t i;

	for (i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

static void add_utf8(struct rt_buf *sb, uint32_t cp)
{
	if (cp < 0x80) {
		rt_buf_addch(sb, (int)cp);
	} else if (cp < 0x800) {
		rt_buf_addch(sb, (int)(0xc0 | (cp >> 6)));
		rt_buf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		rt_buf_addch(sb, (int)(0xe0 | (cp >> 12)));
		rt_buf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3f)));
		rt_buf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else {
		rt_buf_addch(sb, (int)(0xf0 | (cp >> 18)));
		rt_buf_addch(sb, (int)(0x80 | ((cp >> 12) & 0x3f)));
		rt_buf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3f)));
		rt_buf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	}
}

/* Line number of byte `off` of the raw file (\n, \r\n and \r end lines). */
static unsigned raw_line(const char *text, size_t off)
{
	unsigned line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (text[i] == '\n' ||
		    (text[i] == '\r' && (i + 1 >= off || text[i + 1] != '\n')))
			line++;
	return line;
}

static bool is_ascii_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/*
 * The encoding a coding cookie names, Python's rule: a comment line holding
 * "coding:" or "coding=", optional blanks, then [-\w.]+.  Returns false
 * when the line has no cookie.
 */
static bool line_cookie(const char *line, size_t n, struct rt_buf *name)
{
	size_t i = 0, j;

	while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\f'))
		i++;
	if (i >= n || line[i] != '#')
		return false;
	for (; i + 7 <= n; i++) {
		if (memcmp(line + i, "coding", 6) ||
		    (line[i + 6] != ':' && line[i + 6] != '='))
			continue;
		for (j = i + 7; j < n && (line[j] == ' ' || line[j] == '\t');)
			j++;
		while (j < n && (is_ascii_alnum((unsigned char)line[j]) ||
		                 strchr("-_.", line[j])))
			rt_buf_addch(name, line[j++]);
		if (name->len)
			return true;
	}
	return false;
}

/* Whether a line is blank or only a comment (then line 2 may hold one). */
static bool line_blank_or_comment(const char *line, size_t n)
{
	size_t i = 0;

	while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\f'))
		i++;
	return i >= n || line[i] == '#' || line[i] == '\r' || line[i] == '\n';
}

enum source_encoding { ENC_UTF8, ENC_LATIN1, ENC_ASCII };

/* Map a cookie's encoding name to what retort can decode. */
static int cookie_encoding(struct pyparser *p, const char *name, unsigned line,
                           bool bom, enum source_encoding *enc)
{
	static const char *const utf8[] = { "utf-8", "utf8", "u8", "utf",
		                            "cp65001" };
	static const char *const latin1[] = { "latin-1",     "iso-8859-1",
		                              "iso-latin-1", "latin1",
		                              "iso8859-1",   "l1",
		                              "latin" };
	static const char *const ascii[] = { "ascii", "us-ascii", "646", "us" };
	struct rt_buf norm = RT_BUF_INIT;
	size_t i;
	int ret = 0;

	/* Python's normalisation: lower case, '_' read as '-' */
	for (i = 0; name[i]; i++)
		rt_buf_addch(&norm, name[i] == '_' ?
		                            '-' :
		                            tolower((unsigned char)name[i]));
	*enc = ENC_UTF8;
	for (i = 0; i < RT_ARRAY_SIZE(utf8); i++)
		if (!strcmp(norm.buf, utf8[i]))
			goto out;
	if (rt_starts_with(norm.buf, "utf-8-"))
		goto out;
	*enc = ENC_LATIN1;
	for (i = 0; i < RT_ARRAY_SIZE(latin1); i++)
		if (!strcmp(norm.buf, latin1[i]) ||
		    (i < 3 && rt_starts_with(norm.buf, latin1[i]) &&
		     norm.buf[strlen(latin1[i])] == '-'))
			goto check_bom;
	*enc = ENC_ASCII;
	for (i = 0; i < RT_ARRAY_SIZE(ascii); i++)
		if (!strcmp(norm.buf, ascii[i]))
			goto check_bom;
	ret = rt_error_set_at(p->err, RT_EUNSUPPORTED, p->path, line,
	                      "%s:%u: retort reads scripts in UTF-8, Latin-1 "
	                      "or ASCII, not '%s'; convert the file to UTF-8 "
	                      "and change its coding line",
	                      p->path, line, name);
	goto out;
check_bom:
	if (bom)
		ret = syntax_error(p, line,
		                   "a UTF-8 byte order mark with "
		                   "another encoding declared");
out:
	rt_buf_release(&norm);
	return ret;
}

/* Find the coding cookie on line 1, or on line 2 after a comment line. */
static int detect_encoding(struct pyparser *p, const char *text, size_t len,
                           bool bom, enum source_encoding *enc)
{
	struct rt_buf name = RT_BUF_INIT;
	const char *nl = memchr(text, '\n', len);
	size_t n1 = nl ? (size_t)(nl - text) + 1 : len;
	unsigned line = 1;
	int ret = 0;

	*enc = ENC_UTF8;
	if (!line_cookie(text, n1, &name) && nl &&
	    line_blank_or_comment(text, n1)) {
		const char *nl2 = memchr(nl + 1, '\n', len - n1);

		line = 2;
		line_cookie(nl + 1, nl2 ? (size_t)(nl2 - nl) : len - n1, &name);
	}
	if (name.len)
		ret = cookie_encoding(p, name.buf, line, bom, enc);
	rt_buf_release(&name);
	return ret;
}

/*
 * Decode the file as Python's import does: drop a UTF-8 byte order mark,
 * honour the coding cookie (UTF-8 by default; Latin-1 is converted to
 * UTF-8), then universal newlines (\r\n and \r become \n).
 */
static int decode_source(struct pyparser *p, const char *text, size_t len)
{
	const unsigned char *s;
	enum source_encoding enc;
	bool bom = len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3);
	size_t i, n;
	int ret;

	n = strnlen(text, len);
	if (n < len)
		return syntax_error(p, raw_line(text, n),
		                    "a NUL byte in the source");
	if (bom) {
		text += 3;
		len -= 3;
	}
	ret = detect_encoding(p, text, len, bom, &enc);
	if (ret)
		return ret;
	s = (const unsigned char *)text;
	rt_buf_grow(&p->src, len);
	for (i = 0; i < len; i += n) {
		n = 1;
		if (s[i] == '\r') {
			rt_buf_addch(&p->src, '\n');
			if (i + 1 < len && s[i + 1] == '\n')
				n = 2;
		} else if (s[i] < 0x80) {
			rt_buf_addch(&p->src, s[i]);
		} else if (enc == ENC_LATIN1) {
			add_utf8(&p->src, s[i]);
		} else if (enc == ENC_UTF8 && (n = utf8_len(s + i, len - i))) {
			rt_buf_add(&p->src, s + i, n);
		} else {
			struct rt_buf what = RT_BUF_INIT;

			rt_buf_addf(
			        &what,
			        "byte 0x%02x is not valid %s; save the file "
			        "as UTF-8 or declare its encoding in a "
			        "'# -*- coding: ... -*-' line",
			        s[i], enc == ENC_UTF8 ? "UTF-8" : "ASCII");
			ret = syntax_error(p, raw_line(text, i), what.buf);
			rt_buf_release(&what);
			return ret;
		}
	}
	p->text = p->src.buf;
	p->len = p->src.len;
	return 0;
}

/* --- the tokenizer ----------------------------------------------------- */

static bool is_name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c >= 0x80;
}

static bool is_name_char(unsigned char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static char cur(const struct pyparser *p)
{
	return p->pos < p->len ? p->text[p->pos] : '\0';
}

static char peek(const struct pyparser *p, size_t ahead)
{
	return p->pos + ahead < p->len ? p->text[p->pos + ahead] : '\0';
}

/* STR_* flags of a string prefix, or -1 when `s[0..n)` is none. */
static int string_prefix(const char *s, size_t n)
{
	unsigned flags = 0;
	size_t i;

	if (n > 2)
		return -1;
	for (i = 0; i < n; i++) {
		switch (s[i]) {
		case 'r':
		case 'R':
			if (flags & STR_RAW)
				return -1;
			flags |= STR_RAW;
			break;
		case 'b':
		case 'B':
			if (flags & (STR_BYTES | STR_FORMAT))
				return -1;
			flags |= STR_BYTES;
			break;
		case 'f':
		case 'F':
		case 't':
		case 'T':
			if (flags & (STR_BYTES | STR_FORMAT))
				return -1;
			flags |= STR_FORMAT;
			break;
		case 'u':
		case 'U':
			if (n != 1)
				return -1;
			break;
		default:
			return -1;
		}
	}
	return (int)flags;
}

static int scan_string(struct pyparser *p, unsigned flags, unsigned level);

/* Skip a string (with its prefix) that starts at `pos`, if one does. */
static int skip_nested_string(struct pyparser *p, unsigned level, bool *done)
{
	size_t start = p->pos, n;
	int flags;

	*done = false;
	while (is_name_char((unsigned char)cur(p)))
		p->pos++;
	n = p->pos - start;
	if (cur(p) != '\'' && cur(p) != '"') {
		*done = n > 0;
		return 0;
	}
	flags = string_prefix(p->text + start, n);
	if (flags < 0) {
		*done = true;
		return 0;
	}
	*done = true;
	return scan_string(p, (unsigned)flags, level);
}

static int fstring_field(struct pyparser *p, unsigned level);

/*
 * After the ':' of a replacement field: literal text, with nested fields,
 * up to the '}' closing the field.
 */
static int fstring_spec(struct pyparser *p, unsigned level, unsigned line)
{
	int ret;

	while (p->pos < p->len) {
		char c = cur(p);

		p->pos++;
		if (c == '}')
			return 0;
		if (c == '\n')
			p->line++;
		if (c == '{') {
			ret = fstring_field(p, level);
			if (ret)
				return ret;
		}
	}
	return syntax_error(p, line,
	                    "an f-string replacement field is "
	                    "never closed");
}

/*
 * A replacement field `{...}` of an f-string, after its '{': an
 * expression (with nested brackets and strings, even f-strings) up to the
 * matching '}', possibly followed by a ':' format spec.
 */
static int fstring_field(struct pyparser *p, unsigned level)
{
	unsigned nest = 0, line = p->line;
	bool done;
	int ret;

	if (level > MAX_FSTRING_LEVEL)
		return syntax_error(p, line, "f-strings nested too deeply");
	while (p->pos < p->len) {
		char c = cur(p);

		if (c == '\'' || c == '"' || is_name_start((unsigned char)c)) {
			ret = skip_nested_string(p, level + 1, &done);
			if (ret)
				return ret;
			if (done)
				continue;
		}
		p->pos++;
		if (c == '\n') {
			p->line++;
		} else if (c == '\\') {
			if (cur(p) == '\n')
				p->line++;
			p->pos++;
		} else if (c == '(' || c == '[' || c == '{') {
			nest++;
		} else if ((c == ')' || c == ']') && nest) {
			nest--;
		} else if (c == '}') {
			if (!nest)
				return 0;
			nest--;
		} else if (c == ':' && !nest) {
			return fstring_spec(p, level, line);
		}
	}
	return syntax_error(p, line,
	                    "an f-string replacement field is "
	                    "never closed");
}

/*
 * Skip the backslash at `pos` and what it escapes.  An escaped quote never
 * ends a string, not even a raw one; in an f-string `\{` leaves the brace
 * to open a field, and `\N{...}` is a character name, not a field.
 */
static void skip_escape(struct pyparser *p, unsigned flags)
{
	if ((flags & STR_FORMAT) && peek(p, 1) == '{') {
		p->pos++;
		return;
	}
	if ((flags & (STR_FORMAT | STR_RAW)) == STR_FORMAT &&
	    peek(p, 1) == 'N' && peek(p, 2) == '{') {
		while (p->pos < p->len && cur(p) != '}' && cur(p) != '\n')
			p->pos++;
		if (cur(p) == '}')
			p->pos++;
		return;
	}
	if (peek(p, 1) == '\n')
		p->line++;
	p->pos += 2;
}

/*
 * Skip a string literal whose opening quote is at `pos`: single or triple
 * quoted, raw or not; an f-string's replacement fields are skipped as
 * expressions, so quotes inside them do not end the string.
 */
static int scan_string(struct pyparser *p, unsigned flags, unsigned level)
{
	char q = cur(p);
	bool triple = peek(p, 1) == q && peek(p, 2) == q;
	unsigned line = p->line;
	int ret;

	p->pos += triple ? 3 : 1;
	while (p->pos < p->len) {
		char c = cur(p);

		if (c == '\\') {
			skip_escape(p, flags);
			continue;
		}
		if (c == '\n') {
			if (!triple)
				return syntax_error(
				        p, line, "unterminated string literal");
			p->line++;
		} else if (c == q &&
		           (!triple || (peek(p, 1) == q && peek(p, 2) == q))) {
			p->pos += triple ? 3 : 1;
			return 0;
		} else if ((flags & STR_FORMAT) && c == '{') {
			if (peek(p, 1) == '{') {
				p->pos += 2;
				continue;
			}
			p->pos++;
			ret = fstring_field(p, level);
			if (ret)
				return ret;
			continue;
		}
		p->pos++;
	}
	return syntax_error(p, line,
	                    triple ? "a triple-quoted string "
	                             "starting here is never closed" :
	                             "unterminated string literal");
}

/* Operators of two and three characters; anything else is one. */
static size_t op_length(const struct pyparser *p)
{
	static const char *const ops3[] = { "**=", "//=", ">>=", "<<=", "..." };
	static const char *const ops2[] = {
		"==", "!=", "<=", ">=", ":=", "->", "+=", "-=", "*=", "/=",
		"%=", "@=", "&=", "|=", "^=", "**", "//", "<<", ">>",
	};
	size_t i, left = p->len - p->pos;

	for (i = 0; i < RT_ARRAY_SIZE(ops3); i++)
		if (left >= 3 && !memcmp(p->text + p->pos, ops3[i], 3))
			return 3;
	for (i = 0; i < RT_ARRAY_SIZE(ops2); i++)
		if (left >= 2 && !memcmp(p->text + p->pos, ops2[i], 2))
			return 2;
	return 1;
}

/* Track the bracket `c` (if it is one); `t` is its token. */
static int track_bracket(struct pyparser *p, char c, struct tok *t)
{
	static const char pairs[] = "()[]{}";
	const char *at = strchr(pairs, c);
	struct rt_buf what = RT_BUF_INIT;
	int ret = 0;

	if (!c || !at)
		return 0;
	if ((at - pairs) % 2 == 0) {
		if (p->depth >= MAX_NESTING)
			return syntax_error(p, p->line,
			                    "too many nested "
			                    "brackets");
		p->open[p->depth] = c;
		p->open_line[p->depth++] = p->line;
		return 0;
	}
	if (!p->depth) {
		rt_buf_addf(&what, "unmatched '%c'", c);
	} else if (p->open[p->depth - 1] != at[-1]) {
		rt_buf_addf(&what,
		            "closing bracket '%c' does not match the '%c' "
		            "opened on line %u",
		            c, p->open[p->depth - 1],
		            p->open_line[p->depth - 1]);
	} else {
		t->depth = --p->depth;
		return 0;
	}
	ret = syntax_error(p, p->line, what.buf);
	rt_buf_release(&what);
	return ret;
}

/* Read the token at `pos` (not blank, not a comment, not a newline). */
static int read_token(struct pyparser *p, struct tok *t)
{
	unsigned char c = (unsigned char)cur(p);
	int flags;

	memset(t, 0, sizeof(*t));
	t->start = p->pos;
	t->line = p->line;
	t->depth = p->depth;
	if (is_name_start(c)) {
		while (is_name_char((unsigned char)cur(p)))
			p->pos++;
		t->kind = TOK_NAME;
		flags = string_prefix(p->text + t->start, p->pos - t->start);
		if ((cur(p) == '\'' || cur(p) == '"') && flags >= 0) {
			t->kind = TOK_STRING;
			t->str_flags = (unsigned)flags;
			t->prefix_len = (unsigned)(p->pos - t->start);
		}
	} else if (c == '\'' || c == '"') {
		t->kind = TOK_STRING;
	} else if ((c >= '0' && c <= '9') ||
	           (c == '.' && peek(p, 1) >= '0' && peek(p, 1) <= '9')) {
		t->kind = TOK_NUMBER;
		while (is_name_char((unsigned char)cur(p)) || cur(p) == '.' ||
		       ((cur(p) == '+' || cur(p) == '-') &&
		        (p->text[p->pos - 1] | 0x20) == 'e'))
			p->pos++;
	} else {
		t->kind = TOK_OP;
		p->pos += op_length(p);
		t->end = p->pos;
		return track_bracket(p, (char)c, t);
	}
	if (t->kind == TOK_STRING) {
		int ret;

		t->quote_len =
		        peek(p, 1) == cur(p) && peek(p, 2) == cur(p) ? 3 : 1;
		ret = scan_string(p, t->str_flags, 0);
		if (ret)
			return ret;
	}
	t->end = p->pos;
	return 0;
}

/*
 * Skip blank lines and comment lines, then note whether the logical line
 * that follows is indented.  False at the end of the text.
 */
static bool start_logical_line(struct pyparser *p)
{
	while (p->pos < p->len) {
		unsigned col = 0;

		for (;; p->pos++) {
			if (cur(p) == ' ' || cur(p) == '\t')
				col++;
			else if (cur(p) == '\f')
				col = 0; /* a form feed resets the column */
			else
				break;
		}
		if (cur(p) == '#')
			while (p->pos < p->len && cur(p) != '\n')
				p->pos++;
		if (p->pos >= p->len)
			return false;
		if (cur(p) != '\n') {
			p->indented = col > 0;
			return true;
		}
		p->pos++;
		p->line++;
	}
	return false;
}

/*
 * Read one logical line: its tokens go to p->toks when it starts in column
 * 0 (the module level); an indented line is only skipped over.  Brackets
 * and backslashes join physical lines.  Sets *eof at the end of the text.
 */
static int read_logical_line(struct pyparser *p, bool *eof)
{
	struct tok t;
	int ret;

	p->nr_toks = 0;
	*eof = !start_logical_line(p);
	if (*eof)
		return 0;
	while (true) {
		char c = cur(p);

		if (c == ' ' || c == '\t' || c == '\f') {
			p->pos++;
		} else if (c == '#') {
			while (p->pos < p->len && cur(p) != '\n')
				p->pos++;
		} else if (p->pos >= p->len) {
			break;
		} else if (c == '\n') {
			p->pos++;
			p->line++;
			if (!p->depth)
				break;
		} else if (c == '\\') {
			if (peek(p, 1) != '\n' && p->pos + 1 < p->len)
				return syntax_error(
				        p, p->line,
				        "unexpected character after "
				        "line continuation character");
			p->pos += 2;
			p->line++;
		} else {
			ret = read_token(p, &t);
			if (ret)
				return ret;
			if (p->indented)
				continue;
			RT_ALLOC_GROW(p->toks, p->nr_toks + 1, p->alloc_toks);
			p->toks[p->nr_toks++] = t;
		}
	}
	if (p->depth)
		return syntax_error(
		        p, p->open_line[p->depth - 1],
		        p->open[p->depth - 1] == '(' ? "'(' was never closed" :
		        p->open[p->depth - 1] == '[' ? "'[' was never closed" :
		                                       "'{' was never closed");
	return 0;
}

/* --- literal values ---------------------------------------------------- */

static bool tok_is(const struct pyparser *p, size_t i, const char *s)
{
	const struct tok *t = &p->toks[i];
	size_t n = strlen(s);

	return t->kind != TOK_STRING && t->end - t->start == n &&
	       !memcmp(p->text + t->start, s, n);
}

static int escape_error(struct pyparser *p, const struct tok *t,
                        const char *what)
{
	return syntax_error(p, t->line, what);
}

/* Read the `digits` hex digits at s[*i]; false if there are fewer. */
static bool read_hex(const char *s, size_t end, size_t *i, unsigned digits,
                     uint32_t *out)
{
	unsigned k;
	int v;

	*out = 0;
	for (k = 0; k < digits; k++) {
		char c = *i + k < end ? s[*i + k] : '\0';

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = (c | 0x20) - 'a' + 10;
		else
			return false;
		*out = *out * 16 + (uint32_t)v;
	}
	*i += digits;
	return true;
}

/* Add the code point of an escape, refusing what a C string cannot hold. */
static int add_escaped(struct pyparser *p, const struct tok *t,
                       struct rt_buf *out, uint32_t cp)
{
	if (cp == 0)
		return rt_error_set_at(p->err, RT_EUNSUPPORTED, p->path,
		                       t->line,
		                       "%s:%u: a NUL character in a string "
		                       "retort has to read; remove it",
		                       p->path, t->line);
	if (cp > 0x10ffff)
		return escape_error(p, t, "an escape beyond U+10FFFF");
	/* Python accepts lone surrogates in a str, but UTF-8 cannot hold one */
	if (cp >= 0xd800 && cp <= 0xdfff)
		return rt_error_set_at(p->err, RT_EUNSUPPORTED, p->path,
		                       t->line,
		                       "%s:%u: a lone surrogate (\\u%04x) in a "
		                       "string retort has to read; remove it",
		                       p->path, t->line, (unsigned)cp);
	add_utf8(out, cp);
	return 0;
}

/* The character a one-letter escape stands for, or -1. */
static int simple_escape(char c)
{
	static const char from[] = "\\'\"abfnrtv";
	static const char to[] = "\\'\"\a\b\f\n\r\t\v";
	const char *at = c ? strchr(from, c) : NULL;

	return at ? to[at - from] : -1;
}

/* Decode one escape sequence at s[*i] (after the backslash). */
static int decode_escape(struct pyparser *p, const struct tok *t, const char *s,
                         size_t end, size_t *i, struct rt_buf *out)
{
	char c = s[*i];
	uint32_t cp = 0;
	unsigned k;

	(*i)++;
	if (c == '\n')
		return 0; /* backslash-newline continues the string */
	if (simple_escape(c) >= 0) {
		rt_buf_addch(out, simple_escape(c));
		return 0;
	}
	if (c >= '0' && c <= '7') {
		cp = (uint32_t)(c - '0');
		for (k = 1; k < 3 && *i < end && s[*i] >= '0' && s[*i] <= '7';
		     k++)
			cp = cp * 8 + (uint32_t)(s[(*i)++] - '0');
		return add_escaped(p, t, out, cp);
	}
	if (c == 'x' || c == 'u' || c == 'U') {
		unsigned digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;

		if (!read_hex(s, end, i, digits, &cp))
			return escape_error(
			        p, t,
			        c == 'x' ? "a truncated \\xXX escape" :
			        c == 'u' ? "a truncated \\uXXXX escape" :
			                   "a truncated \\UXXXXXXXX escape");
		return add_escaped(p, t, out, cp);
	}
	if (c == 'N')
		return rt_error_set_at(p->err, RT_EUNSUPPORTED, p->path,
		                       t->line,
		                       "%s:%u: retort does not know the "
		                       "character names of \\N{...} escapes; "
		                       "write the character itself",
		                       p->path, t->line);
	/* an unknown escape keeps its backslash, as in Python */
	rt_buf_addch(out, '\\');
	rt_buf_addch(out, c);
	return 0;
}

/* Append the value of the str literal `t` (no f, no b prefix) to `out`. */
static int decode_string(struct pyparser *p, const struct tok *t,
                         struct rt_buf *out)
{
	const char *s = p->text;
	size_t i = t->start + t->prefix_len + t->quote_len;
	size_t end = t->end - t->quote_len;
	int ret;

	if (t->str_flags & STR_RAW) {
		rt_buf_add(out, s + i, end - i);
		return 0;
	}
	while (i < end) {
		const char *bs = memchr(s + i, '\\', end - i);
		size_t stop = bs ? (size_t)(bs - s) : end;

		rt_buf_add(out, s + i, stop - i);
		i = stop;
		if (i >= end)
			break;
		i++;
		ret = decode_escape(p, t, s, end, &i, out);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Adjacent string literals are one value ("a" 'b' == "ab").  Returns
 * PROB_NOT_LITERAL for an f-string part (its value is computed) and
 * PROB_BYTES for bytes.
 */
static int parse_strings(struct pyparser *p, size_t *i, size_t end,
                         struct pyval *out)
{
	struct rt_buf sb = RT_BUF_INIT;
	unsigned all_flags = 0;
	int ret = 0;

	for (; *i < end && p->toks[*i].kind == TOK_STRING; (*i)++) {
		all_flags |= p->toks[*i].str_flags;
		if (!ret && !(p->toks[*i].str_flags & (STR_FORMAT | STR_BYTES)))
			ret = decode_string(p, &p->toks[*i], &sb);
	}
	if (ret == 0 && (all_flags & STR_FORMAT))
		ret = PROB_NOT_LITERAL;
	else if (ret == 0 && (all_flags & STR_BYTES))
		ret = PROB_BYTES;
	if (ret == 0) {
		out->kind = VAL_STR;
		rt_strvec_push(&out->items, sb.buf);
	}
	rt_buf_release(&sb);
	return ret;
}

/* Index of the token closing the bracket toks[i] opens. */
static size_t closing_token(const struct pyparser *p, size_t i, size_t end)
{
	size_t k;

	for (k = i + 1; k < end; k++)
		if (p->toks[k].depth == p->toks[i].depth)
			return k;
	RT_BUG("unbalanced brackets in a logical line");
}

/* The elements of a comma-separated list, as read by parse_list(). */
struct pylist {
	size_t nr;
	bool has_comma;
	bool all_str;
	struct pyval first; /* the first element, for `(x)` = x */
	struct rt_strvec strs; /* the elements, when all are str */
};

static int parse_list(struct pyparser *p, size_t i, size_t end,
                      struct pylist *list);

/*
 * A tuple or list display, or a parenthesised expression: the tokens
 * from the bracket at *i to its closing one.
 */
static int parse_bracket(struct pyparser *p, size_t *i, size_t end,
                         struct pyval *out)
{
	struct pylist list = {
		0, false, true, { VAL_NONE, RT_STRVEC_INIT }, RT_STRVEC_INIT
	};
	size_t close = closing_token(p, *i, end);
	bool is_list = tok_is(p, *i, "[");
	int ret = parse_list(p, *i + 1, close, &list);

	*i = close + 1;
	if (ret)
		goto out;
	if (!is_list && list.nr == 1 && !list.has_comma) {
		*out = list.first; /* grouping parentheses */
		list.first.items = (struct rt_strvec)RT_STRVEC_INIT;
		goto out;
	}
	if (!list.all_str) {
		ret = PROB_NOT_STRING;
		goto out;
	}
	out->kind = VAL_SEQ;
	out->items = list.strs;
	list.strs = (struct rt_strvec)RT_STRVEC_INIT;
out:
	pyval_release(&list.first);
	rt_strvec_clear(&list.strs);
	return ret;
}

/*
 * One element: strings, None, or a bracketed display.  Anything else
 * (names, calls, attributes, numbers...) is a problem.
 */
static int parse_elem(struct pyparser *p, size_t *i, size_t end,
                      struct pyval *out)
{
	const struct tok *t = &p->toks[*i];

	out->kind = VAL_NONE;
	if (t->kind == TOK_STRING)
		return parse_strings(p, i, end, out);
	if (tok_is(p, *i, "None")) {
		(*i)++;
		return 0;
	}
	if (tok_is(p, *i, "(") || tok_is(p, *i, "["))
		return parse_bracket(p, i, end, out);
	if (t->kind == TOK_NUMBER || tok_is(p, *i, "True") ||
	    tok_is(p, *i, "False")) {
		/* a constant of another type, unless an expression follows */
		(*i)++;
		return *i == end || tok_is(p, *i, ",") ? PROB_NOT_STRING :
		                                         PROB_NOT_LITERAL;
	}
	return PROB_NOT_LITERAL;
}

/* Parse `elem (',' elem)* [',']` from toks[i..end). */
static int parse_list(struct pyparser *p, size_t i, size_t end,
                      struct pylist *list)
{
	struct pyval elem = { VAL_NONE, RT_STRVEC_INIT };
	int ret = 0;

	while (i < end) {
		ret = parse_elem(p, &i, end, &elem);
		if (ret)
			break;
		if (elem.kind == VAL_STR)
			rt_strvec_push(&list->strs, elem.items.v[0]);
		else
			list->all_str = false;
		if (list->nr++ == 0) {
			list->first = elem;
			elem.items = (struct rt_strvec)RT_STRVEC_INIT;
		}
		pyval_release(&elem);
		if (i == end)
			break;
		if (!tok_is(p, i, ",")) {
			ret = PROB_NOT_LITERAL;
			break;
		}
		list->has_comma = true;
		i++;
	}
	pyval_release(&elem);
	return ret;
}

/* The value of the right-hand side toks[i..end) of an assignment. */
static int parse_value(struct pyparser *p, size_t i, size_t end,
                       struct pyval *out)
{
	struct pylist list = {
		0, false, true, { VAL_NONE, RT_STRVEC_INIT }, RT_STRVEC_INIT
	};
	int ret = parse_list(p, i, end, &list);

	if (ret == 0 && list.nr == 0)
		ret = PROB_NOT_LITERAL;
	if (ret)
		goto out;
	if (list.nr == 1 && !list.has_comma) {
		*out = list.first;
		list.first.items = (struct rt_strvec)RT_STRVEC_INIT;
	} else if (list.all_str) {
		/* `x = 'a', 'b'` is a tuple */
		out->kind = VAL_SEQ;
		out->items = list.strs;
		list.strs = (struct rt_strvec)RT_STRVEC_INIT;
	} else {
		ret = PROB_NOT_STRING;
	}
out:
	pyval_release(&list.first);
	rt_strvec_clear(&list.strs);
	return ret;
}

/* --- module-level statements ------------------------------------------- */

/*
 * The source text of toks[i..end), on one line (newlines and the
 * indentation after them become one space), cut when very long.
 */
static void source_text(struct rt_buf *out, const struct pyparser *p, size_t i,
                        size_t end)
{
	size_t k = p->toks[i].start, stop = p->toks[end - 1].end;

	for (; k < stop && out->len < MAX_EXPR_SHOWN; k++) {
		if (p->text[k] == '\n') {
			rt_buf_rtrim(out);
			rt_buf_addch(out, ' ');
			while (k + 1 < stop && (p->text[k + 1] == ' ' ||
			                        p->text[k + 1] == '\t'))
				k++;
		} else {
			rt_buf_addch(out, p->text[k]);
		}
	}
	if (k < stop) {
		/* do not cut a UTF-8 sequence in two */
		while (out->len &&
		       ((unsigned char)out->buf[out->len - 1] & 0xc0) == 0x80)
			rt_buf_setlen(out, out->len - 1);
		if (out->len && (unsigned char)out->buf[out->len - 1] >= 0xc0)
			rt_buf_setlen(out, out->len - 1);
		rt_buf_adds(out, "...");
	}
}

static int var_of(const struct pyparser *p, size_t i)
{
	int v;

	if (p->toks[i].kind != TOK_NAME)
		return -1;
	for (v = 0; v < VAR_NR; v++)
		if (tok_is(p, i, var_names[v]))
			return v;
	return -1;
}

/* The assignment on `line` is now the last one of `v`. */
static struct binding *rebind(struct pyparser *p, int v, unsigned line)
{
	struct binding *b = &p->vars[v];

	pyval_release(&b->val);
	rt_buf_reset(&b->message);
	b->code = 0;
	b->line = line;
	return b;
}

/*
 * `v` was last set by the statement toks[i..end) in a way retort cannot
 * follow (an import, unpacking, `+=`): remember the error, raised only if
 * no later assignment replaces it.
 */
static void bind_unreadable(struct pyparser *p, int v, size_t i, size_t end)
{
	struct binding *b = rebind(p, v, p->toks[i].line);
	struct rt_buf stmt = RT_BUF_INIT;

	source_text(&stmt, p, i, end);
	b->code = RT_EUNSUPPORTED;
	rt_buf_addf(&b->message,
	            "%s:%u: cannot read %s from '%s' without running Python; "
	            "assign it a literal instead, e.g. %s = %s",
	            p->path, b->line, var_names[v], stmt.buf, var_names[v],
	            var_examples[v]);
	rt_buf_release(&stmt);
}

/* `v` = the value toks[vi..end), with what was wrong with it if anything. */
static void bind_value(struct pyparser *p, int v, unsigned line, size_t vi,
                       size_t end, const struct pyval *val, int problem)
{
	struct binding *b = rebind(p, v, line);
	struct rt_buf expr = RT_BUF_INIT;
	const char *name = var_names[v];

	if (!problem) {
		b->val.kind = val->kind;
		for (size_t k = 0; k < val->items.nr; k++)
			rt_strvec_push(&b->val.items, val->items.v[k]);
		return;
	}
	source_text(&expr, p, vi, end);
	b->code = RT_EUNSUPPORTED;
	if (problem == PROB_BYTES)
		rt_buf_addf(&b->message,
		            "%s:%u: %s = %s is a bytes value, not text; drop "
		            "the b prefix, e.g. %s",
		            p->path, line, name, expr.buf, var_examples[v]);
	else if (problem == PROB_NOT_STRING)
		rt_buf_addf(&b->message,
		            "%s:%u: %s = %s: expected %s; write e.g. %s",
		            p->path, line, name, expr.buf,
		            v == VAR_REVISION ? "a string" :
		                                "None, a string, or a tuple or "
		                                "list of strings",
		            var_examples[v]);
	else
		rt_buf_addf(
		        &b->message,
		        "%s:%u: cannot read %s = %s without running Python; "
		        "write the value as a literal, e.g. %s",
		        p->path, line, name, expr.buf, var_examples[v]);
	rt_buf_release(&expr);
}

/*
 * `import a.b as c, d` and `from m import a as b, (c, d)`: a tracked name
 * bound by an import has a value retort cannot know.
 */
static void check_import(struct pyparser *p, size_t i, size_t end)
{
	size_t k = i + 1, first, last;
	int v;

	if (tok_is(p, i, "from")) {
		while (k < end && !tok_is(p, k, "import"))
			k++;
		k++;
	}
	while (k < end) {
		/* an item (parentheses skipped): NAME[.NAME...] [as NAME] */
		while (k < end && p->toks[k].kind != TOK_NAME)
			k++;
		first = last = k;
		while (k < end && !tok_is(p, k, ",")) {
			if (p->toks[k].kind == TOK_NAME)
				last = k;
			k++;
		}
		if (first >= end)
			break;
		v = last > first && tok_is(p, last - 1, "as") ?
		            var_of(p, last) :
		            var_of(p, first);
		if (v >= 0)
			bind_unreadable(p, v, i, end);
	}
}

/*
 * Whether toks[i..end) is a tuple or list of names (`a, (b, *c)`): names,
 * commas, brackets and stars, where a bracket never follows a name or a
 * closing bracket (that would be a call or a subscript: `d[k] = v`) and
 * two names never follow each other.
 */
static bool is_unpacking_target(const struct pyparser *p, size_t i, size_t end)
{
	bool after_operand = false;
	char c;

	for (; i < end; i++) {
		if (p->toks[i].kind == TOK_NAME) {
			if (after_operand)
				return false;
			after_operand = true;
			continue;
		}
		if (p->toks[i].kind != TOK_OP ||
		    p->toks[i].end - p->toks[i].start != 1)
			return false;
		c = p->text[p->toks[i].start];
		if (c == '(' || c == '[') {
			if (after_operand)
				return false;
		} else if (c == ')' || c == ']') {
			after_operand = true;
			continue;
		} else if (c != ',' && c != '*') {
			return false;
		}
		after_operand = false;
	}
	return true;
}

/* `revision += 'x'` and friends: the value depends on the old one. */
static bool is_augmented(const struct pyparser *p, size_t i, size_t end)
{
	static const char *const comparisons[] = { "==", "!=", "<=", ">=",
		                                   ":=" };
	const struct tok *t;
	size_t k;

	if (i + 1 >= end || p->toks[i + 1].kind != TOK_OP)
		return false;
	t = &p->toks[i + 1];
	if (t->end - t->start < 2 || p->text[t->end - 1] != '=')
		return false;
	for (k = 0; k < RT_ARRAY_SIZE(comparisons); k++)
		if (tok_is(p, i + 1, comparisons[k]))
			return false;
	return true;
}

/*
 * The tracked variable the target toks[s..e) of the statement toks[i..end)
 * assigns the value to, or -1: a plain name, or `name: annotation` when
 * `annotated` (the only target of `x: T = v`).  A tracked name inside a
 * tuple target (`revision, x = ...`) is bound as unreadable here, as
 * retort does not unpack.
 */
static int target_var(struct pyparser *p, size_t i, size_t end, size_t s,
                      size_t e, bool annotated)
{
	size_t k;

	if (e - s == 1 || (annotated && e - s >= 2 && tok_is(p, s + 1, ":")))
		return var_of(p, s);
	if (is_unpacking_target(p, s, e))
		for (k = s; k < e; k++)
			if (var_of(p, k) >= 0)
				bind_unreadable(p, var_of(p, k), i, end);
	return -1;
}

/* Last depth-0 '=' of toks[i..end) before a lambda, and how many. */
static size_t find_assign_ops(const struct pyparser *p, size_t i, size_t end,
                              size_t *eq, size_t max)
{
	size_t k, nr = 0;

	for (k = i; k < end; k++) {
		if (p->toks[k].depth)
			continue;
		if (tok_is(p, k, "lambda"))
			break; /* its default values are not assignments */
		if (tok_is(p, k, "=") && nr < max)
			eq[nr++] = k;
	}
	return nr;
}

/*
 * An assignment statement toks[i..end) (a chain `a = b = value`, or
 * `a: T = value`), `name += ...`, or nothing of interest.
 */
static int check_assignment(struct pyparser *p, size_t i, size_t end)
{
	struct pyval val = { VAL_NONE, RT_STRVEC_INIT };
	size_t eq[16], nr_eq, k, s, vi;
	int v, problem = 0;
	bool parsed = false;

	nr_eq = find_assign_ops(p, i, end, eq, RT_ARRAY_SIZE(eq));
	if (!nr_eq) {
		v = var_of(p, i);
		if (v >= 0 && is_augmented(p, i, end))
			bind_unreadable(p, v, i, end);
		return 0;
	}
	vi = eq[nr_eq - 1] + 1;
	for (k = 0, s = i; k < nr_eq; s = eq[k++] + 1) {
		v = target_var(p, i, end, s, eq[k], nr_eq == 1);
		if (v < 0)
			continue;
		if (vi == end) {
			problem = syntax_error(p, p->toks[eq[k]].line,
			                       "nothing after '='");
			break;
		}
		if (!parsed)
			problem = parse_value(p, vi, end, &val);
		parsed = true;
		if (problem < 0)
			break;
		bind_value(p, v, p->toks[s].line, vi, end, &val, problem);
	}
	pyval_release(&val);
	return problem < 0 ? problem : 0;
}

/*
 * The module docstring: the first statement, when it is a plain string
 * literal (adjacent literals and parentheses allowed; not an f-string,
 * not bytes).  Python keeps its text as is (no dedent).  Sets has_doc.
 */
static int check_docstring(struct pyparser *p, size_t i, size_t end)
{
	size_t k;
	int ret = 0;

	while (end - i >= 2 && tok_is(p, i, "(") &&
	       closing_token(p, i, end) == end - 1) {
		i++;
		end--;
	}
	for (k = i; k < end; k++)
		if (p->toks[k].kind != TOK_STRING ||
		    (p->toks[k].str_flags & (STR_FORMAT | STR_BYTES)))
			return 0;
	for (k = i; k < end && ret == 0; k++)
		ret = decode_string(p, &p->toks[k], &p->doc);
	p->has_doc = ret == 0;
	return ret;
}

/* One simple statement toks[i..end) of the module level. */
static int simple_statement(struct pyparser *p, size_t i, size_t end,
                            bool first)
{
	int ret;

	if (i == end)
		return 0;
	if (first) {
		ret = check_docstring(p, i, end);
		if (ret || p->has_doc)
			return ret;
	}
	if (tok_is(p, i, "import") || tok_is(p, i, "from")) {
		check_import(p, i, end);
		return 0;
	}
	return check_assignment(p, i, end);
}

/* Statements that open a block: their bodies are not the module level. */
static bool opens_block(const struct pyparser *p)
{
	static const char *const words[] = {
		"if",      "elif", "else", "for",   "while", "try", "except",
		"finally", "with", "def",  "class", "async", "@",
	};
	size_t k;

	for (k = 0; k < RT_ARRAY_SIZE(words); k++)
		if (tok_is(p, 0, words[k]))
			return true;
	return false;
}

/* A logical line of the module level: simple statements split at ';'. */
static int module_line(struct pyparser *p)
{
	bool first = !p->seen_statement;
	size_t k, start = 0;
	int ret = 0;

	p->seen_statement = true;
	if (p->indented || opens_block(p))
		return 0;
	for (k = 0; k <= p->nr_toks && ret == 0; k++) {
		if (k < p->nr_toks && !(tok_is(p, k, ";") && !p->toks[k].depth))
			continue;
		ret = simple_statement(p, start, k, first && start == 0);
		start = k + 1;
	}
	return ret;
}

/* --- the revision ------------------------------------------------------ */

/* Whether the UTF-8 text at s[0..n) starts with a char str.strip() drops. */
static size_t py_space_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len;
	uint32_t cp;

	if (u[0] < 0x80)
		return u[0] && strchr(" \t\n\r\v\f\x1c\x1d\x1e\x1f", u[0]) ? 1 :
		                                                             0;
	len = utf8_len(u, n);
	cp = len ? utf8_value(u, len) : 0;
	if (cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
	    (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
	    cp == 0x202f || cp == 0x205f || cp == 0x3000)
		return len;
	return 0;
}

/* Python's str.strip() of `s`, copied into the arena. */
static char *py_strip(struct rt_arena *arena, const char *s, size_t n)
{
	size_t k, back;

	while (n && (k = py_space_len(s, n))) {
		s += k;
		n -= k;
	}
	while (n) {
		/* the start of the last character */
		back = 1;
		while (back < n && back < 4 &&
		       ((unsigned char)s[n - back] & 0xc0) == 0x80)
			back++;
		if (py_space_len(s + n - back, back) != back)
			break;
		n -= back;
	}
	return rt_arena_strndup(arena, s, n);
}

static const char **arena_list(struct rt_arena *arena,
                               const struct rt_strvec *items, size_t *nr)
{
	const char **list =
	        rt_arena_alloc(arena, rt_st_mult(items->nr + 1, sizeof(*list)));
	size_t k;

	for (k = 0; k < items->nr; k++)
		list[k] = rt_arena_strdup(arena, items->v[k]);
	*nr = items->nr;
	return list;
}

/* Alembic's legacy rule: `<hex>.py` without a `revision` uses the hex. */
static int id_from_filename(struct pyparser *p, struct rt_revision *rev)
{
	const char *slash = strrchr(p->path, '/');
	const char *name = slash ? slash + 1 : p->path;
	size_t n = strspn(name, "0123456789abcdef");
	int ret;

	if (n && !strcmp(name + n, ".py")) {
		rev->id = rt_arena_strndup(p->arena, name, n);
		return 0;
	}
	ret = rt_error_set_at(p->err, RT_EPARSE, p->path, 0,
	                      "Could not determine revision id from filename "
	                      "%s. Be sure the 'revision' variable is declared "
	                      "inside the script (please see 'Upgrading from "
	                      "Alembic 0.1 to 0.2' in the documentation).",
	                      name);
	return rt_error_hint(p->err, ret,
	                     "%s has no module-level `revision = '...'` "
	                     "assignment",
	                     p->path);
}

/*
 * Characters Alembic refuses in ids ('@', '-', '+'), plus ':' (ranges) and
 * whitespace, as for SQL scripts; listed in byte order.
 */
static int check_id(struct pyparser *p, const char *id, unsigned line)
{
	struct rt_buf list = RT_BUF_INIT;
	const char *c;
	int ret = 0;

	if (!*id)
		return rt_error_set_at(p->err, RT_EPARSE, p->path, line,
		                       "%s:%u: empty revision id; write the "
		                       "revision's id, e.g. revision = %s",
		                       p->path, line,
		                       var_examples[VAR_REVISION]);
	for (c = id; *c; c++)
		if (isspace((unsigned char)*c))
			break;
	if (*c)
		rt_buf_adds(&list, "' '");
	for (c = "+-:@"; *c; c++)
		if (strchr(id, *c))
			rt_buf_addf(&list, "%s'%c'", list.len ? ", " : "", *c);
	if (list.len)
		ret = rt_error_set_at(p->err, RT_EPARSE, p->path, line,
		                      "%s:%u: character(s) %s not allowed in "
		                      "revision identifier '%s'; ids may not "
		                      "contain '@', '-', '+', ':' or spaces",
		                      p->path, line, list.buf, id);
	rt_buf_release(&list);
	return ret;
}

/* The value of a list variable; empty strings are refused. */
static int take_list(struct pyparser *p, int v, const char ***out, size_t *nr)
{
	struct binding *b = &p->vars[v];
	struct rt_strvec none = RT_STRVEC_INIT;
	const struct rt_strvec *items = &b->val.items;
	size_t k;

	/* Alembic reads a lone '' as no parent / no dependency */
	if (b->val.kind == VAL_NONE ||
	    (b->val.kind == VAL_STR && !*items->v[0] && v != VAR_LABELS))
		items = &none;
	for (k = 0; k < items->nr; k++)
		if (!*items->v[k])
			return rt_error_set_at(
			        p->err, RT_EPARSE, p->path, b->line,
			        "%s:%u: an empty string in %s; remove it",
			        p->path, b->line, var_names[v]);
	*out = arena_list(p->arena, items, nr);
	return 0;
}

/* The error stored for a variable whose last assignment was unreadable. */
static int raise_binding(struct pyparser *p, int v)
{
	return rt_error_set_at(p->err, p->vars[v].code, p->path,
	                       p->vars[v].line, "%s", p->vars[v].message.buf);
}

/* The id: `revision`, or the file name; RT_EPARSE when neither works. */
static int take_id(struct pyparser *p, struct rt_revision *rev)
{
	struct binding *b = &p->vars[VAR_REVISION];

	if (!b->line)
		return id_from_filename(p, rev);
	if (b->code)
		return raise_binding(p, VAR_REVISION);
	if (b->val.kind != VAL_STR)
		return rt_error_set_at(p->err, RT_EPARSE, p->path, b->line,
		                       "%s:%u: revision must be a string, e.g. "
		                       "revision = %s",
		                       p->path, b->line,
		                       var_examples[VAR_REVISION]);
	rev->id = rt_arena_strdup(p->arena, b->val.items.v[0]);
	return 0;
}

/* Alembic: longdoc = the docstring .strip()ped; doc = up to "\n\n". */
static void take_doc(struct pyparser *p, struct rt_revision *rev)
{
	char *longdoc = py_strip(p->arena, p->doc.buf, p->doc.len);
	const char *blank = strstr(longdoc, "\n\n");

	rev->longdoc = longdoc;
	rev->doc = blank ? rt_arena_strndup(p->arena, longdoc,
	                                    (size_t)(blank - longdoc)) :
	                   longdoc;
}

/* Fill `rev` from what the module level assigned, in Alembic's order. */
static int fill_revision(struct pyparser *p, struct rt_revision *rev)
{
	int ret = take_id(p, rev), v;

	if (ret)
		return ret;
	if (!p->vars[VAR_DOWN].line) {
		ret = rt_error_set_at(
		        p->err, RT_EPARSE, p->path, 0,
		        "%s: no module-level down_revision (Alembic "
		        "fails on this file too); add "
		        "down_revision = None for a first "
		        "revision, or the parent's id",
		        p->path);
		return rt_error_mark_crash(p->err, ret);
	}
	for (v = VAR_DOWN; v < VAR_NR; v++)
		if (p->vars[v].code)
			return raise_binding(p, v);
	ret = check_id(p, rev->id, p->vars[VAR_REVISION].line);
	if (ret == 0)
		ret = take_list(p, VAR_DOWN, &rev->down_revisions,
		                &rev->nr_down);
	if (ret == 0)
		ret = take_list(p, VAR_LABELS, &rev->branch_labels,
		                &rev->nr_labels);
	if (ret == 0)
		ret = take_list(p, VAR_DEPENDS, &rev->depends_on,
		                &rev->nr_depends);
	if (ret)
		return ret;
	take_doc(p, rev);
	rev->is_python = true;
	rev->transactional = true;
	return 0;
}

static int read_module(struct pyparser *p)
{
	bool eof = false;
	int ret = 0;

	while (ret == 0) {
		ret = read_logical_line(p, &eof);
		if (ret || eof)
			break;
		if (p->nr_toks || p->indented)
			ret = module_line(p);
	}
	return ret;
}

int rt_pyscript_parse(struct rt_revision **out, struct rt_arena *arena,
                      const char *path, const char *text, size_t len,
                      struct rt_error *err)
{
	struct pyparser p;
	struct rt_revision *rev;
	int ret, v;

	*out = NULL;
	memset(&p, 0, sizeof(p));
	p.arena = arena;
	p.path = rt_arena_strdup(arena, path);
	p.err = err;
	p.line = 1;
	rt_buf_init(&p.src);
	rt_buf_init(&p.doc);
	for (v = 0; v < VAR_NR; v++) {
		p.vars[v].val.items = (struct rt_strvec)RT_STRVEC_INIT;
		rt_buf_init(&p.vars[v].message);
	}
	rev = rt_arena_alloc(arena, sizeof(*rev));
	rev->path = p.path;
	ret = decode_source(&p, text, len);
	if (ret == 0)
		ret = read_module(&p);
	if (ret == 0)
		ret = fill_revision(&p, rev);
	for (v = 0; v < VAR_NR; v++) {
		pyval_release(&p.vars[v].val);
		rt_buf_release(&p.vars[v].message);
	}
	free(p.toks);
	rt_buf_release(&p.doc);
	rt_buf_release(&p.src);
	if (ret == 0)
		*out = rev;
	return ret;
}
