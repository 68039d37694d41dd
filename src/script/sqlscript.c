#include "util/compat.h"
/*
 * sqlscript.c - parse one SQL revision script (SPEC.md §4): the leading
 * `--` comment block is the header (message plus "Key: value" lines, the
 * equivalent of an Alembic module docstring), then `-- +upgrade` and
 * `-- +downgrade` open the two SQL sections.  See script.h for the format.
 */
#include "script/script.h"
#include "error_raise.h"
#include "util/alloc.h"
#include "util/buf.h"

#include <ctype.h>
#include <strings.h>

/* alembic_version.version_num is VARCHAR(32). */
#define MAX_ID_CHARS 32

enum header_key {
	KEY_REVISION,
	KEY_REVISES,
	KEY_CREATE_DATE,
	KEY_BRANCH_LABELS,
	KEY_DEPENDS_ON,
	KEY_TRANSACTIONAL,
	KEY_NR
};

static const char *const key_names[KEY_NR] = {
	"Revision ID:",   "Revises:",    "Create Date:",
	"Branch Labels:", "Depends On:", "Transactional:",
};

/* The state of one parse; `text` is the normalised copy of the input. */
struct parser {
	struct rt_arena *arena;
	const char *path;
	struct rt_error *err;
	char *text;
	size_t len;
	size_t pos; /* start of the next line */
	unsigned line; /* number of the next line */
	/* the current line: text[start .. start+len) without its newline */
	size_t cur_start, cur_len;
	unsigned cur_line;
	/* line number where each header key was seen, 0 = not yet */
	unsigned key_line[KEY_NR];
	const char *key_value[KEY_NR];
	struct rt_buf doc;
};

/*
 * Copy the input into the arena without a UTF-8 byte order mark and with
 * CRLF turned into LF, so the rest of the parser (and the SQL bodies) only
 * ever sees "\n" line ends, as Python's universal newlines would.
 */
static void normalise_text(struct parser *p, const char *text, size_t len)
{
	size_t i, o = 0;

	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		text += 3;
		len -= 3;
	}
	p->text = rt_arena_alloc(p->arena, rt_st_add(len, 1));
	if (!memchr(text, '\r', len)) {
		memcpy(p->text, text, len);
		p->text[len] = '\0';
		p->len = len;
		return;
	}
	for (i = 0; i < len; i++) {
		if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
			continue;
		p->text[o++] = text[i];
	}
	p->text[o] = '\0';
	p->len = o;
}

/* Advance to the next line; false at the end of the text. */
static bool next_line(struct parser *p)
{
	const char *nl;

	if (p->pos >= p->len)
		return false;
	p->cur_start = p->pos;
	nl = memchr(p->text + p->pos, '\n', p->len - p->pos);
	p->cur_len = nl ? (size_t)(nl - p->text) - p->pos : p->len - p->pos;
	p->pos += p->cur_len + (nl ? 1 : 0);
	p->cur_line = p->line++;
	return true;
}

static const char *cur(const struct parser *p)
{
	return p->text + p->cur_start;
}

/* Whether the current line is `marker` followed only by whitespace. */
static bool line_is(const struct parser *p, const char *marker)
{
	size_t n = strlen(marker), i;

	if (p->cur_len < n || memcmp(cur(p), marker, n))
		return false;
	for (i = n; i < p->cur_len; i++)
		if (!isspace((unsigned char)cur(p)[i]))
			return false;
	return true;
}

static bool line_is_comment(const struct parser *p)
{
	return p->cur_len >= 2 && cur(p)[0] == '-' && cur(p)[1] == '-';
}

static bool line_is_blank(const struct parser *p)
{
	size_t i;

	for (i = 0; i < p->cur_len; i++)
		if (!isspace((unsigned char)cur(p)[i]))
			return false;
	return true;
}

/* `s[0..n)` with surrounding whitespace removed, copied into the arena. */
static char *arena_strip(struct rt_arena *arena, const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return rt_arena_strndup(arena, s, n);
}

/*
 * Split a comma-separated header value into a NULL-terminated arena array
 * (never NULL itself, so callers may iterate either by count or to the
 * terminator).  Items are stripped; empty items are dropped.
 */
static const char **split_list(struct rt_arena *arena, const char *value,
                               size_t *nr)
{
	const char **items;
	const char *s = value ? value : "";
	size_t count = 1, n = 0;
	const char *c;

	for (c = s; *c; c++)
		if (*c == ',')
			count++;
	items = rt_arena_alloc(arena, rt_st_mult(count + 1, sizeof(*items)));
	while (true) {
		const char *end = strchr(s, ',');
		size_t ilen = end ? (size_t)(end - s) : strlen(s);
		char *item = arena_strip(arena, s, ilen);

		if (*item)
			items[n++] = item;
		if (!end)
			break;
		s = end + 1;
	}
	items[n] = NULL;
	*nr = n;
	return items;
}

/* Record a "Key: value" header line; RT_EPARSE for a repeated key. */
static int take_header_key(struct parser *p, const char *content, size_t n)
{
	size_t k, klen;

	while (n && isspace((unsigned char)*content)) {
		content++;
		n--;
	}
	for (k = 0; k < KEY_NR; k++) {
		klen = strlen(key_names[k]);
		if (n >= klen && !memcmp(content, key_names[k], klen))
			break;
	}
	if (k == KEY_NR)
		return 0; /* the message or an unknown key: kept in longdoc */
	if (p->key_line[k])
		return rt_error_set_at(p->err, RT_EPARSE, p->path, p->cur_line,
		                       "%s:%u: duplicate '-- %s' line (first "
		                       "on line %u); keep only one",
		                       p->path, p->cur_line, key_names[k],
		                       p->key_line[k]);
	p->key_line[k] = p->cur_line;
	p->key_value[k] = arena_strip(p->arena, content + klen, n - klen);
	return 0;
}

static int downgrade_first(struct parser *p)
{
	return rt_error_set_at(p->err, RT_EPARSE, p->path, p->cur_line,
	                       "%s:%u: '-- +downgrade' comes before "
	                       "'-- +upgrade'; put the upgrade section first",
	                       p->path, p->cur_line);
}

/*
 * Read the header: the leading run of `--` lines, stopping before the
 * `-- +upgrade` marker.  Each line joins `doc` with its comment marker
 * ("-- ", or "--" alone) removed.
 */
static int parse_header(struct parser *p)
{
	while (p->pos < p->len) {
		size_t save_pos = p->pos;
		unsigned save_line = p->line;
		const char *content;
		size_t n;
		int ret;

		next_line(p);
		if (!line_is_comment(p) || line_is(p, "-- +upgrade")) {
			p->pos = save_pos;
			p->line = save_line;
			break;
		}
		if (line_is(p, "-- +downgrade"))
			return downgrade_first(p);
		content = cur(p) + 2;
		n = p->cur_len - 2;
		if (n && *content == ' ') {
			content++;
			n--;
		}
		rt_buf_add(&p->doc, content, n);
		rt_buf_addch(&p->doc, '\n');
		ret = take_header_key(p, content, n);
		if (ret)
			return ret;
	}
	return 0;
}

/* Characters Alembic refuses in ids, plus ':' (ranges) and whitespace. */
static bool bad_id_char(unsigned char c)
{
	return c == '@' || c == '-' || c == '+' || c == ':' || isspace(c);
}

static int check_id(struct parser *p, const char *id)
{
	unsigned line = p->key_line[KEY_REVISION];
	struct rt_buf bad = RT_BUF_INIT;
	size_t chars = 0;
	bool present[256] = { false };
	const char *c;
	unsigned ch;
	int ret = 0;

	if (!*id)
		return rt_error_set_at(p->err, RT_EPARSE, p->path, line,
		                       "%s:%u: empty revision id; write the "
		                       "revision's id after '-- Revision ID:'",
		                       p->path, line);
	/* list each offending character once, in byte order as Alembic does */
	for (c = id; *c; c++)
		present[(unsigned char)*c] = true;
	for (ch = 1; ch < 256; ch++) {
		if (present[ch] && bad_id_char((unsigned char)ch)) {
			if (bad.len)
				rt_buf_adds(&bad, ", ");
			rt_buf_addf(&bad, "'%c'", ch == '\t' ? ' ' : (int)ch);
		}
	}
	if (bad.len) {
		ret = rt_error_set_at(p->err, RT_EPARSE, p->path, line,
		                      "%s:%u: character(s) %s not allowed in "
		                      "revision identifier '%s'; ids may not "
		                      "contain '@', '-', '+', ':' or spaces",
		                      p->path, line, bad.buf, id);
		goto out;
	}
	/* count characters, not bytes: VARCHAR(32) counts characters */
	for (c = id; *c; c++)
		if (((unsigned char)*c & 0xc0) != 0x80)
			chars++;
	if (chars > MAX_ID_CHARS)
		ret = rt_error_set_at(
		        p->err, RT_EPARSE, p->path, line,
		        "%s:%u: revision id '%s' is longer than "
		        "%d characters (alembic_version.version_num"
		        " is VARCHAR(%d)); use a shorter id",
		        p->path, line, id, MAX_ID_CHARS, MAX_ID_CHARS);
out:
	rt_buf_release(&bad);
	return ret;
}

static int parse_transactional(struct parser *p, bool *out)
{
	static const char *const no[] = { "false", "no", "off", "0" };
	static const char *const yes[] = { "true", "yes", "on", "1" };
	const char *v = p->key_value[KEY_TRANSACTIONAL];
	unsigned line = p->key_line[KEY_TRANSACTIONAL];
	size_t i;

	*out = true;
	if (!line)
		return 0;
	for (i = 0; i < RT_ARRAY_SIZE(no); i++) {
		if (!strcasecmp(v, no[i])) {
			*out = false;
			return 0;
		}
		if (!strcasecmp(v, yes[i]))
			return 0;
	}
	return rt_error_set_at(
	        p->err, RT_EPARSE, p->path, line,
	        "%s:%u: invalid value '%s' for '-- Transactional:'"
	        "; write true or false",
	        p->path, line, v);
}

/* Fill the header fields of `rev` from what parse_header() collected. */
static int apply_header(struct parser *p, struct rt_revision *rev)
{
	const char *id = p->key_value[KEY_REVISION];
	char *longdoc;
	const char *blank;
	int ret;

	if (!p->key_line[KEY_REVISION])
		return rt_error_set_at(
		        p->err, RT_EPARSE, p->path, 1,
		        "%s:%u: no '-- Revision ID:' line in the "
		        "header; every revision script needs one",
		        p->path, 1u);
	ret = check_id(p, id);
	if (ret)
		return ret;
	ret = parse_transactional(p, &rev->transactional);
	if (ret)
		return ret;
	rev->id = id;
	rev->down_revisions =
	        split_list(p->arena, p->key_value[KEY_REVISES], &rev->nr_down);
	rev->branch_labels = split_list(
	        p->arena, p->key_value[KEY_BRANCH_LABELS], &rev->nr_labels);
	rev->depends_on = split_list(p->arena, p->key_value[KEY_DEPENDS_ON],
	                             &rev->nr_depends);
	/* Python's docstring.strip(), then the text before the first "\n\n" */
	longdoc = arena_strip(p->arena, p->doc.buf, p->doc.len);
	blank = strstr(longdoc, "\n\n");
	rev->longdoc = longdoc;
	rev->doc = blank ? rt_arena_strndup(p->arena, longdoc,
	                                    (size_t)(blank - longdoc)) :
	                   longdoc;
	return 0;
}

/*
 * Between the header and `-- +upgrade` only blank lines and comments may
 * stand: SQL there would belong to no section and silently never run.
 */
static int skip_to_upgrade(struct parser *p)
{
	while (next_line(p)) {
		if (line_is(p, "-- +upgrade"))
			return 0;
		if (line_is(p, "-- +downgrade"))
			return downgrade_first(p);
		if (!line_is_blank(p) && !line_is_comment(p))
			return rt_error_set_at(
			        p->err, RT_EPARSE, p->path, p->cur_line,
			        "%s:%u: SQL before '-- +upgrade' "
			        "belongs to no section; move it "
			        "below the '-- +upgrade' line",
			        p->path, p->cur_line);
	}
	RT_BUG("'-- +upgrade' vanished after has_upgrade_marker()");
}

/* Whether any line from the current position on is `-- +upgrade`. */
static bool has_upgrade_marker(struct parser *p)
{
	size_t save_pos = p->pos;
	unsigned save_line = p->line;
	bool found = false;

	while (!found && next_line(p))
		found = line_is(p, "-- +upgrade");
	p->pos = save_pos;
	p->line = save_line;
	return found;
}

/*
 * Read a section body: every line up to the next marker (or the end).
 * On return the current line is the marker that ended it, if any.
 */
static int second_marker(struct parser *p, const char *section)
{
	return rt_error_set_at(p->err, RT_EPARSE, p->path, p->cur_line,
	                       "%s:%u: a second '-- +%s' line; a script has "
	                       "one %s section",
	                       p->path, p->cur_line, section, section);
}

static int read_section(struct parser *p, bool is_upgrade, const char **sql,
                        unsigned *first_line, bool *at_downgrade)
{
	size_t start = p->pos, end = p->len;

	*first_line = p->line;
	*at_downgrade = false;
	while (next_line(p)) {
		if (line_is(p, "-- +upgrade"))
			return second_marker(p, "upgrade");
		if (!line_is(p, "-- +downgrade"))
			continue;
		if (!is_upgrade)
			return second_marker(p, "downgrade");
		end = p->cur_start;
		*at_downgrade = true;
		break;
	}
	*sql = rt_arena_strndup(p->arena, p->text + start, end - start);
	return 0;
}

static int parse_sections(struct parser *p, struct rt_revision *rev)
{
	unsigned after_header = p->line;
	bool at_downgrade;
	int ret;

	/* point at the line after the header, but not past the last line */
	if (p->pos >= p->len && after_header > 1)
		after_header--;
	if (!has_upgrade_marker(p))
		return rt_error_set_at(
		        p->err, RT_EPARSE, p->path, after_header,
		        "%s:%u: no '-- +upgrade' line; the upgrade"
		        " SQL must follow a '-- +upgrade' line",
		        p->path, after_header);
	ret = skip_to_upgrade(p);
	if (ret)
		return ret;
	ret = read_section(p, true, &rev->upgrade_sql, &rev->upgrade_line,
	                   &at_downgrade);
	if (ret)
		return ret;
	if (!at_downgrade) {
		rev->downgrade_sql = "";
		rev->downgrade_line = 0;
		return 0;
	}
	return read_section(p, false, &rev->downgrade_sql, &rev->downgrade_line,
	                    &at_downgrade);
}

int rt_sqlscript_parse(struct rt_revision **out, struct rt_arena *arena,
                       const char *path, const char *text, size_t len,
                       struct rt_error *err)
{
	struct parser p = { 0 };
	struct rt_revision *rev;
	const char *nul = memchr(text, '\0', len);
	int ret;

	*out = NULL;
	if (nul) {
		unsigned line = 1;
		const char *c;

		for (c = text; c < nul; c++)
			line += *c == '\n';
		return rt_error_set_at(
		        err, RT_EPARSE, path, line,
		        "%s:%u: NUL byte in the script; revision "
		        "scripts must be text files",
		        path, line);
	}
	p.arena = arena;
	p.path = rt_arena_strdup(arena, path);
	p.err = err;
	p.line = 1;
	rt_buf_init(&p.doc);
	normalise_text(&p, text, len);

	rev = rt_arena_alloc(arena, sizeof(*rev));
	rev->path = p.path;
	ret = parse_header(&p);
	if (!ret)
		ret = apply_header(&p, rev);
	if (!ret)
		ret = parse_sections(&p, rev);
	rt_buf_release(&p.doc);
	if (!ret)
		*out = rev;
	return ret;
}
