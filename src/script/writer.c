#include "util/compat.h"
/*
 * writer.c - the pieces `revision` and `merge` need to write a new script:
 * the slug of the message, the file name from file_template, the rendered
 * script.sql.tmpl, a fresh id and the Create Date text.  The `timezone`
 * setting is served at the end of the file by a small reader of the
 * system's TZif zone files and POSIX TZ rules.
 */
#include "script/script.h"
#include "error_raise.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fs.h"

#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_SLUG_LENGTH 40

/* ---- slug ---------------------------------------------------------- */

/*
 * Code points (>= U+0080) that Python's `\w` does not match, for the
 * blocks where messages plausibly have punctuation or symbols: Latin-1,
 * modifier letters and combining marks, Greek signs, general punctuation,
 * currency, letterlike symbols, arrows to dingbats, CJK punctuation,
 * fullwidth forms and emoji.  Taken from Python's unicodedata; every other
 * code point counts as a letter (all scripts' letters and digits are word
 * characters).
 */
static const uint32_t nonword_ranges[][2] = {
	{ 0x80, 0xa9 },       { 0xab, 0xb1 },       { 0xb4, 0xb4 },
	{ 0xb6, 0xb8 },       { 0xbb, 0xbb },       { 0xbf, 0xbf },
	{ 0xd7, 0xd7 },       { 0xf7, 0xf7 },       { 0x2c2, 0x2c5 },
	{ 0x2d2, 0x2df },     { 0x2e5, 0x2eb },     { 0x2ed, 0x2ed },
	{ 0x2ef, 0x36f },     { 0x375, 0x375 },     { 0x378, 0x379 },
	{ 0x37e, 0x37e },     { 0x380, 0x385 },     { 0x387, 0x387 },
	{ 0x38b, 0x38b },     { 0x38d, 0x38d },     { 0x3a2, 0x3a2 },
	{ 0x3f6, 0x3f6 },     { 0x2000, 0x206f },   { 0x2072, 0x2073 },
	{ 0x207a, 0x207e },   { 0x208a, 0x208f },   { 0x209d, 0x2101 },
	{ 0x2103, 0x2106 },   { 0x2108, 0x2109 },   { 0x2114, 0x2114 },
	{ 0x2116, 0x2118 },   { 0x211e, 0x2123 },   { 0x2125, 0x2125 },
	{ 0x2127, 0x2127 },   { 0x2129, 0x2129 },   { 0x212e, 0x212e },
	{ 0x213a, 0x213b },   { 0x2140, 0x2144 },   { 0x214a, 0x214d },
	{ 0x214f, 0x214f },   { 0x218a, 0x245f },   { 0x249c, 0x24e9 },
	{ 0x2500, 0x2775 },   { 0x2794, 0x2bff },   { 0x3000, 0x3004 },
	{ 0x3008, 0x3020 },   { 0x302a, 0x3030 },   { 0x3036, 0x3037 },
	{ 0x303d, 0x303f },   { 0xfe30, 0xfe6f },   { 0xff00, 0xff0f },
	{ 0xff1a, 0xff20 },   { 0xff3b, 0xff40 },   { 0xff5b, 0xff65 },
	{ 0x1f000, 0x1f0ff }, { 0x1f10d, 0x1faff },
};

static bool is_word_cp(uint32_t cp)
{
	size_t lo = 0, hi = RT_ARRAY_SIZE(nonword_ranges);

	if (cp < 0x80)
		return isalnum((int)cp) || cp == '_';
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cp < nonword_ranges[mid][0])
			hi = mid;
		else if (cp > nonword_ranges[mid][1])
			lo = mid + 1;
		else
			return false;
	}
	return true;
}

/*
 * Decode one UTF-8 sequence at `s` (not at its NUL).  A malformed byte is
 * returned as itself with length 1 and *valid false, so it is kept
 * verbatim and counted as a word character.
 */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp, bool *valid)
{
	size_t n, i;

	*valid = true;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		*cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		*cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		*cp = s[0] & 0x07;
	} else {
		goto bad;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && *cp < 0x800) || (n == 4 && *cp < 0x10000) ||
	    *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		goto bad;
	return n;
bad:
	*valid = false;
	*cp = s[0];
	return 1;
}

static void utf8_encode(struct rt_buf *out, uint32_t cp)
{
	if (cp < 0x80) {
		rt_buf_addch(out, (int)cp);
	} else if (cp < 0x800) {
		rt_buf_addch(out, (int)(0xc0 | (cp >> 6)));
		rt_buf_addch(out, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		rt_buf_addch(out, (int)(0xe0 | (cp >> 12)));
		rt_buf_addch(out, (int)(0x80 | ((cp >> 6) & 0x3f)));
		rt_buf_addch(out, (int)(0x80 | (cp & 0x3f)));
	} else {
		rt_buf_addch(out, (int)(0xf0 | (cp >> 18)));
		rt_buf_addch(out, (int)(0x80 | ((cp >> 12) & 0x3f)));
		rt_buf_addch(out, (int)(0x80 | ((cp >> 6) & 0x3f)));
		rt_buf_addch(out, (int)(0x80 | (cp & 0x3f)));
	}
}

/* Upper/lower case pairs that alternate even/odd (or odd/even). */
static const uint32_t alternating_case[][2] = {
	{ 0x100, 0x12f },   { 0x132, 0x137 },   { 0x139, 0x148 },
	{ 0x14a, 0x177 },   { 0x179, 0x17e },   { 0x460, 0x481 },
	{ 0x48a, 0x4bf },   { 0x4c1, 0x4ce },   { 0x4d0, 0x52f },
	{ 0x1e00, 0x1e95 }, { 0x1ea0, 0x1eff },
};

/*
 * Python's str.lower() for the scripts messages are mostly written in:
 * ASCII, Latin-1, Latin Extended-A and Additional (Vietnamese), Greek and
 * Cyrillic.  Other code points are kept as they are.
 */
static uint32_t lower_cp(uint32_t cp)
{
	size_t i;

	if (cp < 0x80)
		return (uint32_t)tolower((int)cp);
	if ((cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ||
	    (cp >= 0x391 && cp <= 0x3ab && cp != 0x3a2) ||
	    (cp >= 0x410 && cp <= 0x42f))
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	if (cp == 0x178)
		return 0xff;
	if (cp == 0x386)
		return 0x3ac;
	if (cp >= 0x388 && cp <= 0x38a)
		return cp + 0x25;
	if (cp == 0x38c)
		return 0x3cc;
	if (cp == 0x38e || cp == 0x38f)
		return cp + 0x3f;
	if (cp == 0x4c0)
		return 0x4cf;
	for (i = 0; i < RT_ARRAY_SIZE(alternating_case); i++)
		if (cp >= alternating_case[i][0] &&
		    cp <= alternating_case[i][1] &&
		    (cp - alternating_case[i][0]) % 2 == 0)
			return cp + 1;
	return cp;
}

static void add_lower(struct rt_buf *out, uint32_t cp, bool valid)
{
	if (!valid)
		rt_buf_addch(out, (int)cp);
	else if (cp == 0x130) /* 'İ' lowers to "i" + combining dot above */
		rt_buf_adds(out, "i\xcc\x87");
	else
		utf8_encode(out, lower_cp(cp));
}

/* Byte length of the first `n` code points of `s`. */
static size_t utf8_prefix(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = 0;
	uint32_t cp;
	bool valid;

	while (n-- && p[len])
		len += utf8_decode(p + len, &cp, &valid);
	return len;
}

static size_t utf8_count(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = 0, count = 0;
	uint32_t cp;
	bool valid;

	while (p[len]) {
		len += utf8_decode(p + len, &cp, &valid);
		count++;
	}
	return count;
}

char *rt_script_slug(const char *message, int truncate_len)
{
	const unsigned char *p =
	        (const unsigned char *)(message ? message : "");
	struct rt_buf slug = RT_BUF_INIT;
	size_t limit =
	        truncate_len > 0 ? (size_t)truncate_len : DEFAULT_SLUG_LENGTH;
	bool in_word = false;

	while (*p) {
		uint32_t cp;
		bool valid;
		size_t n = utf8_decode(p, &cp, &valid);

		if (!valid || is_word_cp(cp)) {
			/* runs of word characters, joined by '_' */
			if (!in_word && slug.len)
				rt_buf_addch(&slug, '_');
			add_lower(&slug, cp, valid);
			in_word = true;
		} else {
			in_word = false;
		}
		p += n;
	}
	if (utf8_count(slug.buf) > limit) {
		/* cut at `limit` characters, back to the last '_', plus '_' */
		size_t cut = utf8_prefix(slug.buf, limit), us = cut;

		while (us && slug.buf[us - 1] != '_')
			us--;
		rt_buf_setlen(&slug, us ? us - 1 : cut);
		rt_buf_addch(&slug, '_');
	}
	return rt_buf_detach(&slug);
}

/* ---- file name ----------------------------------------------------- */

/* One `%(name)spec` of a file_template, split into its parts. */
struct fmt_token {
	const char *start; /* the '%' */
	size_t len; /* through the conversion character */
	const char *name;
	size_t name_len;
	char flags[8];
	char width[4];
	char precision[4]; /* digits after '.', or "" */
	bool has_precision;
	char conv;
};

/* RT_ECONFIG naming the token: "file_template: <what> '<token>'; <hint>" */
static int bad_token(const struct fmt_token *t, const char *what,
                     const char *hint, struct rt_error *err)
{
	return rt_error_set(err, RT_ECONFIG, "file_template: %s '%.*s'; %s",
	                    what, (int)t->len, t->start, hint);
}

static const char token_hint[] = "write tokens as %(rev)s or %(month).2d";

/* Copy a run of characters from `set` at *p into `dst` (size `size`). */
static bool take_run(const char **p, const char *set, char *dst, size_t size)
{
	size_t n = 0;

	while (**p && strchr(set, **p)) {
		if (n + 1 >= size)
			return false;
		dst[n++] = *(*p)++;
	}
	dst[n] = '\0';
	return true;
}

/*
 * Parse the Python %-format token at `s` (s[0] == '%', s[1] == '('):
 * flags, width, precision, an ignored length modifier, a conversion.
 */
static int parse_token(struct fmt_token *t, const char *s, struct rt_error *err)
{
	const char *p = s + 2, *close = strchr(p, ')');
	bool ok;

	memset(t, 0, sizeof(*t));
	t->start = s;
	t->len = strlen(s);
	if (!close)
		return bad_token(t, "unterminated token", token_hint, err);
	t->name = p;
	t->name_len = (size_t)(close - p);
	p = close + 1;
	ok = take_run(&p, "#0- +", t->flags, sizeof(t->flags)) &&
	     take_run(&p, "0123456789", t->width, sizeof(t->width));
	if (ok && *p == '.') {
		p++;
		t->has_precision = true;
		ok = take_run(&p, "0123456789", t->precision,
		              sizeof(t->precision));
	}
	if (ok && *p && strchr("hlL", *p))
		p++;
	t->conv = *p;
	t->len = (size_t)(p - s) + (*p ? 1 : 0);
	if (!ok || !*p)
		return bad_token(t, "malformed token", token_hint, err);
	return 0;
}

/* Append `text` as the %s conversion of `t` (only '-' matters for it). */
static void add_string(struct rt_buf *out, const struct fmt_token *t,
                       const char *text)
{
	int width = (int)strtol(t->width, NULL, 10);
	int prec = t->has_precision ? (int)strtol(t->precision, NULL, 10) :
	                              INT_MAX;

	if (strchr(t->flags, '-'))
		rt_buf_addf(out, "%-*.*s", width, prec, text);
	else
		rt_buf_addf(out, "%*.*s", width, prec, text);
}

/*
 * rt_buf_addf with a format built at run time: add_number() assembles it
 * from checked flags, digits and one integer conversion only.
 */
#if defined(__GNUC__) || defined(__clang__)
# pragma GCC diagnostic push
# pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
static void add_built_format(struct rt_buf *out, const char *spec,
                             long long value)
{
	rt_buf_addf(out, spec, value);
}
#if defined(__GNUC__) || defined(__clang__)
# pragma GCC diagnostic pop
#endif

static int add_number(struct rt_buf *out, const struct fmt_token *t,
                      long long value, struct rt_error *err)
{
	char spec[32], num[32];
	const char *f;
	size_t n = 0;

	if (t->conv == 's' || t->conv == 'r' || t->conv == 'a') {
		snprintf(num, sizeof(num), "%lld", value);
		add_string(out, t, num);
		return 0;
	}
	if (!strchr("diuxX", t->conv))
		return bad_token(t, "unsupported conversion in", token_hint,
		                 err);
	spec[n++] = '%';
	for (f = t->flags; *f; f++)
		if (*f != '#' || t->conv == 'x' || t->conv == 'X')
			spec[n++] = *f;
	n += (size_t)snprintf(spec + n, sizeof(spec) - n, "%s%s%s%s", t->width,
	                      t->has_precision ? "." : "", t->precision,
	                      t->conv == 'x' ? "llx" :
	                      t->conv == 'X' ? "llX" :
	                                       "lld");
	/* Python prints negative hex as "-1f", C as two's complement */
	if ((t->conv == 'x' || t->conv == 'X') && value < 0)
		return bad_token(t, "negative number for", "use %(name)d", err);
	add_built_format(out, spec, value);
	return 0;
}

static bool token_is(const struct fmt_token *t, const char *name)
{
	return strlen(name) == t->name_len &&
	       !memcmp(t->name, name, t->name_len);
}

static int expand_token(struct rt_buf *out, const struct fmt_token *t,
                        const char *rev, const char *slug,
                        const struct tm *when, time_t epoch,
                        struct rt_error *err)
{
	const struct {
		const char *name;
		long long value;
	} numbers[] = {
		{ "epoch", (long long)epoch },
		{ "year", when->tm_year + 1900LL },
		{ "month", when->tm_mon + 1LL },
		{ "day", when->tm_mday },
		{ "hour", when->tm_hour },
		{ "minute", when->tm_min },
		{ "second", when->tm_sec },
	};
	size_t i;

	if (token_is(t, "rev") || token_is(t, "slug")) {
		if (t->conv != 's')
			return bad_token(t, "unsupported conversion in",
			                 "rev and slug are text: write %(rev)s "
			                 "and %(slug)s",
			                 err);
		add_string(out, t, token_is(t, "rev") ? rev : slug);
		return 0;
	}
	for (i = 0; i < RT_ARRAY_SIZE(numbers); i++)
		if (token_is(t, numbers[i].name))
			return add_number(out, t, numbers[i].value, err);
	return bad_token(t, "unknown token",
	                 "known tokens are rev, slug, epoch, year, month, day, "
	                 "hour, minute, second",
	                 err);
}

int rt_script_filename(char **out, const char *file_template, const char *rev,
                       const char *slug, const struct tm *when, time_t epoch,
                       struct rt_error *err)
{
	struct rt_buf name = RT_BUF_INIT;
	const char *p = file_template;
	struct fmt_token t;
	struct tm zero;
	int ret = 0;

	*out = NULL;
	if (!when) {
		/* only rev and slug are meaningful without a date */
		memset(&zero, 0, sizeof(zero));
		when = &zero;
	}
	while (*p) {
		if (*p != '%') {
			rt_buf_addch(&name, *p++);
			continue;
		}
		if (p[1] == '%') {
			rt_buf_addch(&name, '%');
			p += 2;
			continue;
		}
		if (p[1] != '(') {
			ret = rt_error_set(err, RT_ECONFIG,
			                   "file_template: a '%%' must start a "
			                   "token such as %%(rev)s; write %%%% "
			                   "for a literal '%%'");
			goto out;
		}
		ret = parse_token(&t, p, err);
		if (!ret)
			ret = expand_token(&name, &t, rev, slug, when, epoch,
			                   err);
		if (ret)
			goto out;
		p += t.len;
	}
	*out = rt_buf_detach(&name);
out:
	rt_buf_release(&name);
	return ret;
}

/* ---- rendering the template --------------------------------------- */

static const char default_template[] = "-- ${message}\n"
                                       "--\n"
                                       "-- Revision ID: ${up_revision}\n"
                                       "-- Revises: ${down_revision}\n"
                                       "-- Create Date: ${create_date}\n"
                                       "-- Branch Labels: ${branch_labels}\n"
                                       "-- Depends On: ${depends_on}\n"
                                       "-- Foreign Keys: ${foreign_keys}\n"
                                       "\n"
                                       "-- +upgrade\n"
                                       "${upgrades}\n"
                                       "\n"
                                       "-- +downgrade\n"
                                       "${downgrades}\n";

const char *rt_script_default_template(void)
{
	return default_template;
}

enum placeholder {
	PH_MESSAGE,
	PH_UP_REVISION,
	PH_DOWN_REVISION,
	PH_CREATE_DATE,
	PH_BRANCH_LABELS,
	PH_DEPENDS_ON,
	PH_UPGRADES,
	PH_DOWNGRADES,
	PH_FOREIGN_KEYS,
	PH_NR
};

static const char *const placeholder_names[PH_NR] = {
	"message",     "up_revision",   "down_revision",
	"create_date", "branch_labels", "depends_on",
	"upgrades",    "downgrades",    "foreign_keys",
};

static void join_list(struct rt_buf *out, const char *const *items)
{
	size_t i;

	for (i = 0; items && items[i]; i++) {
		if (i)
			rt_buf_adds(out, ", ");
		rt_buf_adds(out, items[i]);
	}
}

/* The template's own line break follows a body; it needs no other. */
static void drop_newlines(struct rt_buf *sb)
{
	while (sb->len &&
	       (sb->buf[sb->len - 1] == '\n' || sb->buf[sb->len - 1] == '\r'))
		rt_buf_setlen(sb, sb->len - 1);
}

/* Every placeholder's text; SQL bodies lose their trailing newlines. */
static void fill_values(struct rt_buf *v, const struct rt_newrev *nr)
{
	size_t i;

	for (i = 0; i < PH_NR; i++)
		rt_buf_init(&v[i]);
	rt_buf_adds(&v[PH_MESSAGE], nr->message && *nr->message ?
	                                    nr->message :
	                                    "empty message");
	rt_buf_adds(&v[PH_UP_REVISION], nr->id ? nr->id : "");
	join_list(&v[PH_DOWN_REVISION], nr->down_revisions);
	rt_buf_adds(&v[PH_CREATE_DATE], nr->create_date ? nr->create_date : "");
	join_list(&v[PH_BRANCH_LABELS], nr->branch_labels);
	join_list(&v[PH_DEPENDS_ON], nr->depends_on);
	rt_buf_adds(&v[PH_UPGRADES], nr->upgrade_sql ? nr->upgrade_sql : "");
	rt_buf_adds(&v[PH_DOWNGRADES],
	            nr->downgrade_sql ? nr->downgrade_sql : "");
	drop_newlines(&v[PH_UPGRADES]);
	drop_newlines(&v[PH_DOWNGRADES]);
	if (nr->foreign_keys_off)
		rt_buf_adds(&v[PH_FOREIGN_KEYS], "off");
}

struct render {
	const char *tmpl_path;
	unsigned line;
	struct rt_buf *values;
	struct rt_error *err;
	bool has_foreign_keys; /* the template has ${foreign_keys} */
};

/*
 * Identify the placeholder at `s` ("${...}", within the line ending at
 * `end`); *len is set to its length.  Text after a '|' (a Mako filter,
 * as in script.py.mako) is ignored: the values are already text.
 */
static int find_placeholder(struct render *r, const char *s, const char *end,
                            size_t *len, enum placeholder *out)
{
	const char *close = memchr(s, '}', (size_t)(end - s));
	const char *name = s + 2, *name_end;
	size_t i, n;

	if (!close)
		return rt_error_set_at(r->err, RT_EPARSE, r->tmpl_path, r->line,
		                       "%s:%u: unterminated placeholder '%.*s' "
		                       "in the script template; close it with "
		                       "'}'",
		                       r->tmpl_path, r->line, (int)(end - s),
		                       s);
	*len = (size_t)(close - s) + 1;
	name_end = memchr(name, '|', (size_t)(close - name));
	if (!name_end)
		name_end = close;
	while (name < name_end && isspace((unsigned char)*name))
		name++;
	while (name_end > name && isspace((unsigned char)name_end[-1]))
		name_end--;
	n = (size_t)(name_end - name);
	for (i = 0; i < PH_NR; i++) {
		if (strlen(placeholder_names[i]) == n &&
		    !memcmp(placeholder_names[i], name, n)) {
			*out = (enum placeholder)i;
			return 0;
		}
	}
	return rt_error_set_at(
	        r->err, RT_EPARSE, r->tmpl_path, r->line,
	        "%s:%u: unknown placeholder '%.*s' in the script "
	        "template; known ones are ${message}, "
	        "${up_revision}, ${down_revision}, "
	        "${create_date}, ${branch_labels}, "
	        "${depends_on}, ${upgrades}, ${downgrades}, "
	        "${foreign_keys}",
	        r->tmpl_path, r->line, (int)*len, s);
}

/*
 * Whether the line [s, end) must be left out: it holds ${branch_labels}
 * or ${depends_on} and that value is empty.  Also checks every
 * placeholder of the line.
 */
static int line_omitted(struct render *r, const char *s, const char *end,
                        bool *omit)
{
	const char *p = s;
	enum placeholder ph;
	size_t len;
	int ret;

	*omit = false;
	while ((p = memchr(p, '$', (size_t)(end - p))) != NULL) {
		if (p + 1 >= end || p[1] != '{') {
			p++;
			continue;
		}
		ret = find_placeholder(r, p, end, &len, &ph);
		if (ret)
			return ret;
		if ((ph == PH_BRANCH_LABELS || ph == PH_DEPENDS_ON ||
		     ph == PH_FOREIGN_KEYS) &&
		    !r->values[ph].len)
			*omit = true;
		if (ph == PH_FOREIGN_KEYS)
			r->has_foreign_keys = true;
		p += len;
	}
	return 0;
}

/*
 * Append a value.  In a comment line ("-- ${message}") every further line
 * of a multi-line value gets the line's comment marker, so the header
 * stays one comment block.
 */
static void add_value(struct rt_buf *out, size_t line_start,
                      const struct rt_buf *value)
{
	const char *prefix = out->buf + line_start;
	size_t plen = 0, i;
	char *marker;

	if (out->len - line_start >= 2 && prefix[0] == '-' &&
	    prefix[1] == '-') {
		plen = 2;
		while (line_start + plen < out->len &&
		       (prefix[plen] == ' ' || prefix[plen] == '\t'))
			plen++;
	}
	if (!plen || !memchr(value->buf, '\n', value->len)) {
		rt_buf_add(out, value->buf, value->len);
		return;
	}
	marker = rt_xstrndup(prefix, plen);
	for (i = 0; i < value->len; i++) {
		char c = value->buf[i];

		if (c == '\r' && i + 1 < value->len &&
		    value->buf[i + 1] == '\n')
			continue;
		rt_buf_addch(out, c);
		if (c != '\n')
			continue;
		/* "--" alone on an empty line: no trailing whitespace */
		if (i + 1 >= value->len || value->buf[i + 1] == '\n' ||
		    value->buf[i + 1] == '\r')
			rt_buf_adds(out, "--");
		else
			rt_buf_adds(out, marker);
	}
	free(marker);
}

static int render_line(struct render *r, struct rt_buf *out, const char *s,
                       const char *end)
{
	size_t line_start = out->len;
	enum placeholder ph;
	const char *p = s;
	size_t len;
	int ret;

	while (p < end) {
		if (*p != '$' || p + 1 >= end || p[1] != '{') {
			rt_buf_addch(out, *p++);
			continue;
		}
		ret = find_placeholder(r, p, end, &len, &ph);
		if (ret)
			return ret;
		add_value(out, line_start, &r->values[ph]);
		p += len;
	}
	return 0;
}

/*
 * A template written before ${foreign_keys} existed: the header line a
 * table rebuild needs goes right after the "-- Revision ID:" line, as
 * leaving it out would let the rebuild run with enforcement on.
 */
static int add_foreign_keys_line(struct render *r, struct rt_buf *out,
                                 size_t start)
{
	static const char key[] = "-- Revision ID:";
	static const char line[] = "-- Foreign Keys: off\n";
	size_t pos = start;

	while (pos < out->len) {
		const char *s = out->buf + pos;
		const char *nl = memchr(s, '\n', out->len - pos);
		size_t next = nl ? (size_t)(nl - out->buf) + 1 : out->len;

		if (!strncmp(s, key, strlen(key)) && nl) {
			rt_buf_insert(out, next, line, strlen(line));
			return 0;
		}
		pos = next;
	}
	return rt_error_set_at(
	        r->err, RT_EPARSE, r->tmpl_path, 0,
	        "%s: this revision rebuilds a SQLite table and "
	        "needs a '-- Foreign Keys: off' header line, but "
	        "the script template has no ${foreign_keys} "
	        "placeholder and no '-- Revision ID:' line to "
	        "put it after; add '-- Foreign Keys: "
	        "${foreign_keys}' to its header",
	        r->tmpl_path);
}

int rt_script_render(struct rt_buf *out, const char *tmpl,
                     const char *tmpl_path, const struct rt_newrev *nr,
                     struct rt_error *err)
{
	struct rt_buf values[PH_NR];
	struct render r = { tmpl_path ? tmpl_path : "script.sql.tmpl", 0,
		            values, err, false };
	size_t start_len = out->len, i;
	const char *p = tmpl;
	int ret = 0;

	fill_values(values, nr);
	while (*p) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);
		bool omit;

		r.line++;
		ret = line_omitted(&r, p, end, &omit);
		if (ret)
			break;
		if (!omit) {
			ret = render_line(&r, out, p, end);
			if (ret)
				break;
			rt_buf_addch(out, '\n');
		}
		p = nl ? nl + 1 : end;
	}
	if (!ret && nr->foreign_keys_off && !r.has_foreign_keys)
		ret = add_foreign_keys_line(&r, out, start_len);
	if (ret) {
		rt_buf_setlen(out, start_len);
	} else {
		/* exactly one newline at the end, whatever the template has */
		while (out->len > start_len &&
		       isspace((unsigned char)out->buf[out->len - 1]))
			rt_buf_setlen(out, out->len - 1);
		rt_buf_addch(out, '\n');
	}
	for (i = 0; i < PH_NR; i++)
		rt_buf_release(&values[i]);
	return ret;
}

/* ---- ids ----------------------------------------------------------- */

char *rt_script_new_id(void)
{
	unsigned char bytes[6];
	size_t got = 0;
	char *id;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	while (fd >= 0 && got < sizeof(bytes)) {
		ssize_t n = read(fd, bytes + got, sizeof(bytes) - got);

		if (n <= 0 && !(n < 0 && errno == EINTR))
			break;
		if (n > 0)
			got += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	/* no /dev (a bare chroot): the kernel's getrandom via libc */
	if (got < sizeof(bytes) && getentropy(bytes, sizeof(bytes)) != 0)
		RT_BUG("no source of random bytes for a revision id");
	id = rt_xmalloc(2 * sizeof(bytes) + 1);
	for (got = 0; got < sizeof(bytes); got++)
		snprintf(id + 2 * got, 3, "%02x", bytes[got]);
	return id;
}

/* ---- Create Date and time zones ------------------------------------ */

/* Where zone files live, in the order python-dateutil looks. */
static const char *const zone_dirs[] = {
	"/usr/share/zoneinfo",
	"/usr/lib/zoneinfo",
	"/usr/share/lib/zoneinfo",
	"/etc/zoneinfo",
};

/* A day of the year in a POSIX TZ rule: Jn, n or Mm.w.d, plus a time. */
struct tz_day {
	char kind; /* 'J', 'n' or 'M' */
	int a, b, c; /* Jn/n: a = n; Mm.w.d: a = m, b = w, c = d */
	long secs; /* local time of day of the change (default 02:00) */
};

/* A POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3"); offsets east of UTC. */
struct tz_rule {
	long std_off, dst_off;
	bool has_dst;
	struct tz_day start, end;
};

static bool parse_tz_name(const char **p)
{
	const char *s = *p;

	if (*s == '<') {
		s = strchr(s, '>');
		if (!s)
			return false;
		*p = s + 1;
		return true;
	}
	while (isalpha((unsigned char)*s))
		s++;
	if (s - *p < 3)
		return false;
	*p = s;
	return true;
}

/* [+-]hh[:mm[:ss]] into seconds (the sign as written). */
static bool parse_hms(const char **p, long *out)
{
	const char *s = *p;
	long sign = 1, part[3] = { 0, 0, 0 };
	int i;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (i = 0; i < 3; i++) {
		char *end;

		if (i && *s != ':')
			break;
		if (i)
			s++;
		if (!isdigit((unsigned char)*s))
			return false;
		part[i] = strtol(s, &end, 10);
		if (end - s > 3 || part[i] > 167)
			return false;
		s = end;
	}
	*out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	*p = s;
	return true;
}

static bool parse_tz_day(const char **p, struct tz_day *d)
{
	const char *s = *p;
	char *end;

	memset(d, 0, sizeof(*d));
	d->secs = 7200;
	if (*s == 'M') {
		d->kind = 'M';
		d->a = (int)strtol(s + 1, &end, 10);
		if (*end != '.')
			return false;
		d->b = (int)strtol(end + 1, &end, 10);
		if (*end != '.')
			return false;
		d->c = (int)strtol(end + 1, &end, 10);
		if (d->a < 1 || d->a > 12 || d->b < 1 || d->b > 5 || d->c < 0 ||
		    d->c > 6)
			return false;
	} else {
		d->kind = *s == 'J' ? 'J' : 'n';
		if (*s == 'J')
			s++;
		if (!isdigit((unsigned char)*s))
			return false;
		d->a = (int)strtol(s, &end, 10);
		if (d->a > 365 || (d->kind == 'J' && d->a < 1))
			return false;
	}
	s = end;
	if (*s == '/') {
		s++;
		if (!parse_hms(&s, &d->secs))
			return false;
	}
	*p = s;
	return true;
}

/*
 * Parse a POSIX TZ string.  `gmt_style`: a bare "UTC+3"/"GMT+3" means
 * three hours *east*, as python-dateutil reads it (POSIX would say west).
 */
static bool parse_tz_rule(const char *s, struct tz_rule *r, bool gmt_style)
{
	const char *name = s;
	long off;

	memset(r, 0, sizeof(*r));
	if (!parse_tz_name(&s) || !parse_hms(&s, &off))
		return false;
	r->std_off = -off;
	if (gmt_style &&
	    (!strncmp(name, "UTC", 3) || !strncmp(name, "GMT", 3)) &&
	    !isalpha((unsigned char)name[3]))
		r->std_off = off;
	if (!*s)
		return true;
	if (!parse_tz_name(&s))
		return false;
	r->has_dst = true;
	r->dst_off = r->std_off + 3600;
	if (*s && *s != ',') {
		if (!parse_hms(&s, &off))
			return false;
		r->dst_off = -off;
	}
	if (!*s) /* no rule given: the US one, as glibc assumes */
		s = ",M3.2.0,M11.1.0";
	if (*s++ != ',' || !parse_tz_day(&s, &r->start) || *s++ != ',' ||
	    !parse_tz_day(&s, &r->end))
		return false;
	return *s == '\0';
}

/* Days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Seconds since the epoch of the change `d` in year `y`, local clock. */
static int64_t tz_day_time(int64_t y, const struct tz_day *d)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30,
		                     31, 31, 30, 31, 30, 31 };
	int64_t days = days_from_civil(y, 1, 1);

	if (d->kind == 'J') {
		days += d->a - 1 + (is_leap(y) && d->a >= 60);
	} else if (d->kind == 'n') {
		days += d->a;
	} else {
		int64_t first = days_from_civil(y, d->a, 1);
		int last = mdays[d->a - 1] + (d->a == 2 && is_leap(y));
		/* 1970-01-01 was a Thursday (4) */
		int wday1 = (int)(((first % 7) + 11) % 7);
		int mday = 1 + (d->c - wday1 + 7) % 7 + (d->b - 1) * 7;

		while (mday > last)
			mday -= 7;
		days = first + mday - 1;
	}
	return days * 86400 + d->secs;
}

static long tz_rule_offset(const struct tz_rule *r, int64_t t)
{
	int64_t y, start, end;
	struct tm tm;
	time_t local = (time_t)(t + r->std_off);
	bool dst;

	if (!r->has_dst || !gmtime_r(&local, &tm))
		return r->std_off;
	y = tm.tm_year + 1900LL;
	start = tz_day_time(y, &r->start) - r->std_off;
	end = tz_day_time(y, &r->end) - r->dst_off;
	if (start < end)
		dst = t >= start && t < end;
	else
		dst = t < end || t >= start;
	return dst ? r->dst_off : r->std_off;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* The counts of a TZif header (RFC 8536 §3.1) and its data block size. */
struct tzif_counts {
	uint32_t isut, isstd, leap, time, type, chars;
};

static bool tzif_header(const unsigned char *p, size_t len,
                        struct tzif_counts *c, size_t tsize, size_t *block)
{
	if (len < 44 || memcmp(p, "TZif", 4))
		return false;
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chars = be32(p + 40);
	if (c->type == 0 || c->type > 256 || c->time > 100000 ||
	    c->leap > 100000 || c->chars > 100000 || c->isut > 256 ||
	    c->isstd > 256)
		return false;
	*block = c->time * (tsize + 1) + c->type * 6 + c->chars +
	         c->leap * (tsize + 4) + c->isstd + c->isut;
	return len - 44 >= *block;
}

/*
 * UTC offset at `t` from a TZif file: the type of the last transition at
 * or before `t`; after the last one, the POSIX rule in the footer.
 */
static bool tzif_offset(const unsigned char *p, size_t len, int64_t t,
                        long *off)
{
	struct tzif_counts c;
	size_t block, tsize = 4, lo = 0, hi, i;
	const unsigned char *times, *idx, *types, *footer, *fend;
	struct tz_rule rule;
	unsigned type = 0;

	if (!tzif_header(p, len, &c, 4, &block))
		return false;
	if (p[4] >= '2') {
		p += 44 + block;
		len -= 44 + block;
		tsize = 8;
		if (!tzif_header(p, len, &c, 8, &block))
			return false;
	}
	times = p + 44;
	idx = times + c.time * tsize;
	types = idx + c.time;
	for (i = 0; i < c.time; i++)
		if (idx[i] >= c.type)
			return false;
	hi = c.time;
	while (lo < hi) { /* count transitions at or before t */
		size_t mid = (lo + hi) / 2;
		int64_t tt = tsize == 8 ? be64(times + mid * 8) :
		                          (int32_t)be32(times + mid * 4);

		if (tt <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo)
		type = idx[lo - 1];
	footer = p + 44 + block;
	fend = tsize == 8 && len > 44 + block + 1 && *footer == '\n' ?
	               memchr(footer + 1, '\n', len - 44 - block - 1) :
	               NULL;
	if (lo == c.time && fend && fend > footer + 1) {
		char *s = rt_xstrndup((const char *)footer + 1,
		                      (size_t)(fend - footer - 1));
		bool ok = parse_tz_rule(s, &rule, false);

		free(s);
		if (ok) {
			*off = tz_rule_offset(&rule, t);
			return true;
		}
	}
	*off = (int32_t)be32(types + type * 6);
	return true;
}

static bool zone_file_offset(const char *path, int64_t t, long *off)
{
	struct rt_buf data = RT_BUF_INIT;
	struct stat st;
	bool ok;

	/* zone files are small regular files; never read a device */
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > 1024 * 1024)
		return false;
	ok = rt_fs_read_file(&data, path, NULL) == 0 &&
	     tzif_offset((const unsigned char *)data.buf, data.len, t, off);
	rt_buf_release(&data);
	return ok;
}

/* "+01:00", "-0530", "+01": a fixed offset (retort's own extension). */
static bool fixed_offset(const char *name, long *off)
{
	const char *s = name;
	long v;

	if ((*s != '+' && *s != '-') || !parse_hms(&s, &v) || *s ||
	    labs(v) >= 24 * 3600)
		return false;
	*off = v;
	return true;
}

/* python-dateutil's gettz(name) lookup, reduced to the UTC offset. */
static bool zone_offset_once(const char *name, int64_t t, long *off)
{
	struct tz_rule rule;
	bool found = false;
	size_t i;

	if (*name == ':')
		name++;
	if (*name == '/')
		return zone_file_offset(name, t, off);
	for (i = 0; i < RT_ARRAY_SIZE(zone_dirs) && !found; i++) {
		char *path = rt_path_join(zone_dirs[i], name);
		char *sp;

		found = zone_file_offset(path, t, off);
		for (sp = path; !found && *sp; sp++)
			if (*sp == ' ')
				*sp = '_';
		if (!found && strcmp(path + strlen(zone_dirs[i]) + 1, name))
			found = zone_file_offset(path, t, off);
		free(path);
	}
	if (found)
		return true;
	if (strpbrk(name, "0123456789")) {
		if (fixed_offset(name, off))
			return true;
		if (parse_tz_rule(name, &rule, true)) {
			*off = tz_rule_offset(&rule, t);
			return true;
		}
		return false;
	}
	if (!strcmp(name, "UTC") || !strcmp(name, "GMT")) {
		*off = 0;
		return true;
	}
	return false;
}

/* Try the name as written, then upper-cased (as Alembic does). */
static bool zone_offset(const char *name, int64_t t, long *off)
{
	char *upper;
	bool found;
	size_t i;

	if (zone_offset_once(name, t, off))
		return true;
	upper = rt_xstrdup(name);
	for (i = 0; upper[i]; i++)
		upper[i] = (char)toupper((unsigned char)upper[i]);
	found = strcmp(upper, name) && zone_offset_once(upper, t, off);
	free(upper);
	return found;
}

/* Python's str(datetime): microseconds only when non-zero. */
static void format_date(struct rt_buf *out, const struct tm *tm, long usec)
{
	rt_buf_addf(out, "%04d-%02d-%02d %02d:%02d:%02d", tm->tm_year + 1900,
	            tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min,
	            tm->tm_sec);
	if (usec)
		rt_buf_addf(out, ".%06ld", usec);
}

/* Python's "+HH:MM" utcoffset, with ":SS" only when there are seconds. */
static void format_offset(struct rt_buf *out, long off)
{
	long a = labs(off);

	rt_buf_addf(out, "%c%02ld:%02ld", off < 0 ? '-' : '+', a / 3600,
	            a / 60 % 60);
	if (a % 60)
		rt_buf_addf(out, ":%02ld", a % 60);
}

int rt_script_date_at(char **out, struct tm *when, const char *tz, time_t sec,
                      long usec, struct rt_error *err)
{
	struct rt_buf text = RT_BUF_INIT;
	struct tm tm;
	long off = 0;
	time_t shifted;

	*out = NULL;
	if (tz && *tz) {
		if (!zone_offset(tz, (int64_t)sec, &off))
			return rt_error_set(err, RT_ECONFIG,
			                    "Can't locate timezone: %s", tz);
		shifted = sec + off;
		if (!gmtime_r(&shifted, &tm))
			return rt_error_set(err, RT_ERROR,
			                    "cannot convert the current time");
	} else if (!localtime_r(&sec, &tm)) {
		return rt_error_set(err, RT_ERROR,
		                    "cannot convert the current time");
	}
	format_date(&text, &tm, usec);
	if (tz && *tz)
		format_offset(&text, off);
	if (when)
		*when = tm;
	*out = rt_buf_detach(&text);
	return 0;
}

int rt_script_create_date(char **out, struct tm *when, const char *tz,
                          struct rt_error *err)
{
	struct timespec now;

	if (clock_gettime(CLOCK_REALTIME, &now) < 0)
		return rt_error_set(err, RT_EIO, "cannot read the clock: %s",
		                    strerror(errno));
	return rt_script_date_at(out, when, tz, now.tv_sec, now.tv_nsec / 1000,
	                         err);
}
