/*
 * sqlsplit.c - statement splitting for offline output (sqlsplit.h).
 */
#include "util/compat.h"
#include "migrate/sqlsplit.h"
#include "util/buf.h"

#include <ctype.h>
#include <strings.h>

/* Skip a quoted run that starts at p (on the opening quote). */
static const char *skip_quoted(const char *p, char close)
{
	for (p++; *p; p++) {
		if (*p == close) {
			if (p[1] == close && close != ']') {
				p++; /* doubled quote */
				continue;
			}
			return p + 1;
		}
	}
	return p;
}

/* A dollar-quote opener "$tag$" at p: its length, or 0. */
static size_t dollar_tag_len(const char *p)
{
	size_t n = 1;

	if (*p != '$')
		return 0;
	while (isalnum((unsigned char)p[n]) || p[n] == '_')
		n++;
	if (p[n] != '$' || (n > 1 && isdigit((unsigned char)p[1])))
		return 0;
	return n + 1;
}

static const char *skip_dollar(const char *p, size_t taglen)
{
	const char *q = p + taglen;

	for (; *q; q++)
		if (!strncmp(q, p, taglen))
			return q + taglen;
	return q;
}

static bool is_ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' ||
	       (unsigned char)c >= 0x80;
}

/* A PostgreSQL E'...' string: backslash escapes a character. */
static const char *skip_escape_string(const char *p)
{
	for (p += 2; *p; p++) {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '\'' && p[1] == '\'')
			p++;
		else if (*p == '\'')
			return p + 1;
	}
	return p;
}

/* A PostgreSQL comment: they nest. */
static const char *skip_nested_comment(const char *p)
{
	int depth = 0;

	while (*p) {
		if (p[0] == '/' && p[1] == '*') {
			depth++;
			p += 2;
		} else if (p[0] == '*' && p[1] == '/') {
			p += 2;
			if (!--depth)
				return p;
		} else {
			p++;
		}
	}
	return p;
}

/*
 * Skip comments and quoted runs; returns p unchanged for other bytes.
 * `start` is where the text begins (to look one byte back); `pg` adds
 * PostgreSQL's lexical rules.
 */
static const char *skip_noncode(const char *p, const char *start, bool pg)
{
	size_t taglen;
	bool after_ident = p > start && is_ident_char(p[-1]);

	if (p[0] == '-' && p[1] == '-') {
		while (*p && *p != '\n')
			p++;
		return p;
	}
	if (pg && p[0] == '/' && p[1] == '*')
		return skip_nested_comment(p);
	if (p[0] == '/' && p[1] == '*') {
		const char *end = strstr(p + 2, "*/");
		return end ? end + 2 : p + strlen(p);
	}
	if (pg && (*p == 'E' || *p == 'e') && p[1] == '\'' && !after_ident)
		return skip_escape_string(p);
	if (*p == '\'' || *p == '"' || *p == '`')
		return skip_quoted(p, *p);
	if (*p == '[')
		return skip_quoted(p, ']');
	if (pg && after_ident)
		return p; /* "a$b$" is an identifier, not a dollar quote */
	taglen = dollar_tag_len(p);
	if (taglen)
		return skip_dollar(p, taglen);
	return p;
}

static bool word_at(const char *p, const char *word, const char *start)
{
	size_t n = strlen(word);

	if (p > start && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
		return false;
	return !strncasecmp(p, word, n) &&
	       !(isalnum((unsigned char)p[n]) || p[n] == '_');
}

/*
 * Whether a BEGIN at p opens a body whose own ';' do not end the
 * statement: SQLite's CREATE TRIGGER ... BEGIN ... END, and (pg) an
 * SQL-standard function body, BEGIN ATOMIC ... END.
 */
static bool opens_body(const char *start, const char *p, bool pg)
{
	struct rt_buf head = RT_BUF_INIT;
	const char *after = p + strlen("BEGIN");
	bool yes;

	if (pg) {
		while (isspace((unsigned char)*after))
			after++;
		if (!strncasecmp(after, "ATOMIC", 6) &&
		    !is_ident_char(after[6]))
			return true;
	}
	rt_buf_add(&head, start, (size_t)(p - start));
	for (size_t i = 0; i < head.len; i++)
		head.buf[i] = (char)tolower((unsigned char)head.buf[i]);
	yes = strstr(head.buf, "create") && strstr(head.buf, "trigger");
	rt_buf_release(&head);
	return yes;
}

/* Whether the piece has anything besides whitespace and comments. */
static bool has_code(const char *s)
{
	while (*s) {
		const char *next = skip_noncode(s, s, false);
		if (next != s && (s[0] == '-' || s[0] == '/')) {
			s = next;
			continue;
		}
		if (!isspace((unsigned char)*s))
			return true;
		s++;
	}
	return false;
}

static void push_piece(struct rt_strvec *out, const char *start,
                       const char *end)
{
	struct rt_buf sb = RT_BUF_INIT;

	rt_buf_add(&sb, start, (size_t)(end - start));
	rt_buf_trim(&sb);
	if (sb.len && has_code(sb.buf))
		rt_strvec_push(out, sb.buf);
	rt_buf_release(&sb);
}

void rt_sql_split(struct rt_strvec *out, const char *sql, bool pg)
{
	const char *start = sql, *p = sql;
	int depth = 0; /* BEGIN ... END nesting inside a trigger body */

	while (*p) {
		const char *next = skip_noncode(p, sql, pg);
		if (next != p) {
			p = next;
			continue;
		}
		if (word_at(p, "BEGIN", start) && opens_body(start, p, pg))
			depth++;
		else if (depth && word_at(p, "CASE", start))
			depth++; /* CASE ... END inside the body */
		else if (depth && word_at(p, "END", start))
			depth--;
		else if (*p == ';' && !depth) {
			push_piece(out, start, p);
			start = p + 1;
		}
		p++;
	}
	push_piece(out, start, p);
}

static unsigned newlines_in(const char *p, const char *end)
{
	unsigned n = 0;

	for (; p < end; p++)
		n += *p == '\n';
	return n;
}

/* Skip white space and comments, counting lines. */
static void skip_blank(struct rt_sql_cursor *c, const char *start)
{
	for (;;) {
		const char *next;

		if (isspace((unsigned char)*c->p)) {
			c->line += *c->p == '\n';
			c->p++;
			continue;
		}
		if (c->p[0] != '-' && c->p[0] != '/')
			return;
		next = skip_noncode(c->p, start, c->pg);
		if (next == c->p)
			return;
		c->line += newlines_in(c->p, next);
		c->p = next;
	}
}

bool rt_sql_next(struct rt_sql_stmt *st, struct rt_sql_cursor *c)
{
	for (;;) {
		const char *start, *p;
		int depth = 0;

		skip_blank(c, c->p);
		if (!*c->p)
			return false;
		start = p = c->p;
		st->text = start;
		st->line = c->line;
		while (*p && (*p != ';' || depth)) {
			const char *next = skip_noncode(p, start, c->pg);

			if (next != p) {
				p = next;
				continue;
			}
			if (word_at(p, "BEGIN", start) &&
			    opens_body(start, p, c->pg))
				depth++;
			else if (depth && word_at(p, "CASE", start))
				depth++;
			else if (depth && word_at(p, "END", start))
				depth--;
			p++;
		}
		st->len = (size_t)(p - start);
		while (st->len && isspace((unsigned char)start[st->len - 1]))
			st->len--;
		c->line += newlines_in(start, p);
		c->p = *p ? p + 1 : p;
		if (st->len)
			return true; /* else a lone ';': look further */
	}
}
