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

/* Skip comments and quoted runs; returns p unchanged for other bytes. */
static const char *skip_noncode(const char *p)
{
	size_t taglen;

	if (p[0] == '-' && p[1] == '-') {
		while (*p && *p != '\n')
			p++;
		return p;
	}
	if (p[0] == '/' && p[1] == '*') {
		const char *end = strstr(p + 2, "*/");
		return end ? end + 2 : p + strlen(p);
	}
	if (*p == '\'' || *p == '"' || *p == '`')
		return skip_quoted(p, *p);
	if (*p == '[')
		return skip_quoted(p, ']');
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

/* Whether the statement text so far is a CREATE ... TRIGGER. */
static bool is_trigger(const char *start, const char *p)
{
	struct rt_buf head = RT_BUF_INIT;
	bool yes;

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
		const char *next = skip_noncode(s);
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

void rt_sql_split(struct rt_strvec *out, const char *sql)
{
	const char *start = sql, *p = sql;
	int depth = 0; /* BEGIN ... END nesting inside a trigger body */

	while (*p) {
		const char *next = skip_noncode(p);
		if (next != p) {
			p = next;
			continue;
		}
		if (word_at(p, "BEGIN", start) && is_trigger(start, p))
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
