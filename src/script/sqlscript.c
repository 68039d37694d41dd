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
	KEY_FOREIGN_KEYS,
	KEY_NR
};

#define KEY(name)        \
 {                       \
  name, sizeof(name) - 1 \
 }
static const struct {
	const char *name;
	size_t len;
} keys[KEY_NR] = {
	KEY("Revision ID:"),   KEY("Revises:"),    KEY("Create Date:"),
	KEY("Branch Labels:"), KEY("Depends On:"), KEY("Transactional:"),
	KEY("Foreign Keys:"),
};

/*
 * The state of one parse.  `text` is the normalised input (see
 * normalise_text), NUL-terminated; header values and section bounds point
 * into it, and only what the revision keeps is copied to the arena.
 */
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
	/* its value, stripped: key_value[k][0 .. key_len[k]) */
	const char *key_value[KEY_NR];
	size_t key_len[KEY_NR];
	struct rt_buf *doc;
	/* the sections: text[up_start .. up_end), text[down_start .. len) */
	size_t up_start, up_end, down_start;
	bool has_downgrade;
};

/*
 * Drop a UTF-8 byte order mark and turn CRLF into LF, in place (the
 * result is never longer), so the rest of the parser (and the SQL bodies)
 * only ever sees "\n" line ends, as Python's universal newlines would.
 * text[len] must be writable.
 */
static void normalise_text(struct parser *p, char *text, size_t len)
{
	size_t i, o = 0;

	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		text += 3;
		len -= 3;
	}
	p->text = text;
	if (!memchr(text, '\r', len)) {
		text[len] = '\0';
		p->len = len;
		return;
	}
	for (i = 0; i < len; i++) {
		if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')
			continue;
		text[o++] = text[i];
	}
	text[o] = '\0';
	p->len = o;
}

/* Advance to the next line; false at the end of the text. */
static inline bool next_line(struct parser *p)
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

/* What a line can be besides SQL or a comment. */
enum marker { NO_MARKER, UPGRADE_MARKER, DOWNGRADE_MARKER };

/*
 * Whether the current line is `-- +upgrade` or `-- +downgrade` followed
 * only by whitespace.  Every line of every script is asked, so the
 * common answer (not a marker) comes from its first bytes.
 */
static inline enum marker line_marker(const struct parser *p)
{
	const char *s = cur(p);
	size_t n = p->cur_len, i;
	enum marker m;

	if (n < 11 || s[0] != '-' || s[1] != '-' || s[2] != ' ' || s[3] != '+')
		return NO_MARKER;
	if (!memcmp(s + 4, "upgrade", 7)) {
		m = UPGRADE_MARKER;
		i = 11;
	} else if (n >= 13 && !memcmp(s + 4, "downgrade", 9)) {
		m = DOWNGRADE_MARKER;
		i = 13;
	} else {
		return NO_MARKER;
	}
	for (; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return NO_MARKER;
	return m;
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

/* Narrow `*s[0..*n)` to its part without surrounding whitespace. */
static void strip(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* `s[0..n)` with surrounding whitespace removed, copied into the arena. */
static char *arena_strip(struct rt_arena *arena, const char *s, size_t n)
{
	strip(&s, &n);
	return rt_arena_strndup(arena, s, n);
}

/*
 * Split a comma-separated header value `s[0..n)` (NULL: absent) into a
 * NULL-terminated arena array (never NULL itself, so callers may iterate
 * either by count or to the terminator).  Items are stripped; empty items
 * are dropped.
 */
static const char **split_list(struct rt_arena *arena, const char *s, size_t n,
                               size_t *nr)
{
	/* shared by every empty list: nothing ever writes to one */
	static const char *none[1];
	const char **items;
	const char *end;
	size_t count = 1, k = 0;

	if (!s || !n) {
		*nr = 0;
		return none;
	}
	end = s + n;
	for (const char *c = s; c < end; c++)
		if (*c == ',')
			count++;
	items = rt_arena_alloc(arena, rt_st_mult(count + 1, sizeof(*items)));
	while (true) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *item = s;
		size_t ilen = (size_t)((comma ? comma : end) - s);

		strip(&item, &ilen);
		if (ilen)
			items[k++] = rt_arena_strndup(arena, item, ilen);
		if (!comma)
			break;
		s = comma + 1;
	}
	items[k] = NULL;
	*nr = k;
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
		klen = keys[k].len;
		if (n >= klen && *content == *keys[k].name &&
		    !memcmp(content, keys[k].name, klen))
			break;
	}
	if (k == KEY_NR)
		return 0; /* the message or an unknown key: kept in longdoc */
	if (p->key_line[k])
		return rt_error_set_at(p->err, RT_EPARSE, p->path, p->cur_line,
		                       "%s:%u: duplicate '-- %s' line (first "
		                       "on line %u); keep only one",
		                       p->path, p->cur_line, keys[k].name,
		                       p->key_line[k]);
	p->key_line[k] = p->cur_line;
	content += klen;
	n -= klen;
	strip(&content, &n);
	p->key_value[k] = content;
	p->key_len[k] = n;
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
		enum marker marker;
		const char *content;
		size_t n;
		int ret;

		next_line(p);
		marker = line_marker(p);
		if (!line_is_comment(p) || marker == UPGRADE_MARKER) {
			p->pos = save_pos;
			p->line = save_line;
			break;
		}
		if (marker == DOWNGRADE_MARKER)
			return downgrade_first(p);
		content = cur(p) + 2;
		n = p->cur_len - 2;
		if (n && *content == ' ') {
			content++;
			n--;
		}
		/* room for it was made once (see rt_sqlscript_parse_buf) */
		memcpy(p->doc->buf + p->doc->len, content, n);
		p->doc->len += n;
		p->doc->buf[p->doc->len++] = '\n';
		p->doc->buf[p->doc->len] = '\0';
		ret = take_header_key(p, content, n);
		if (ret)
			return ret;
	}
	return 0;
}

/* Characters Alembic refuses in ids, plus ':' (ranges) and whitespace. */
static inline bool bad_id_char(unsigned char c)
{
	/* printable ASCII is never a space, in any locale */
	if (c > ' ' && c < 0x7f)
		return c == '@' || c == '-' || c == '+' || c == ':';
	return isspace(c);
}

static int check_id(struct parser *p, const char *id)
{
	unsigned line = p->key_line[KEY_REVISION];
	struct rt_buf bad = RT_BUF_INIT;
	size_t chars = 0;
	bool present[256];
	bool any_bad = false;
	const char *c;
	unsigned ch;
	int ret = 0;

	if (!*id)
		return rt_error_set_at(p->err, RT_EPARSE, p->path, line,
		                       "%s:%u: empty revision id; write the "
		                       "revision's id after '-- Revision ID:'",
		                       p->path, line);
	/* nearly every id is fine: see that first, cheaply */
	for (c = id; *c && !any_bad; c++)
		any_bad = bad_id_char((unsigned char)*c);
	/* list each offending character once, in byte order as Alembic does */
	if (any_bad) {
		memset(present, 0, sizeof(present));
		for (c = id; *c; c++)
			present[(unsigned char)*c] = true;
	}
	for (ch = 1; any_bad && ch < 256; ch++) {
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

/*
 * A yes/no header value; absent = `dflt`.  `yes_word`/`no_word` are what
 * the error suggests ("true"/"false", "on"/"off").
 */
static int parse_switch(struct parser *p, enum header_key key, bool dflt,
                        const char *yes_word, const char *no_word, bool *out)
{
	static const char *const no[] = { "false", "no", "off", "0" };
	static const char *const yes[] = { "true", "yes", "on", "1" };
	const char *v = p->key_value[key];
	size_t n = p->key_len[key];
	unsigned line = p->key_line[key];
	size_t i;

	*out = dflt;
	if (!line)
		return 0;
	for (i = 0; i < RT_ARRAY_SIZE(no); i++) {
		if (strlen(no[i]) == n && !strncasecmp(v, no[i], n)) {
			*out = false;
			return 0;
		}
		if (strlen(yes[i]) == n && !strncasecmp(v, yes[i], n)) {
			*out = true;
			return 0;
		}
	}
	return rt_error_set_at(p->err, RT_EPARSE, p->path, line,
	                       "%s:%u: invalid value '%.*s' for '-- %s'"
	                       "; write %s or %s",
	                       p->path, line, (int)n, v, keys[key].name,
	                       yes_word, no_word);
}

/* Fill the header fields of `rev` from what parse_header() collected. */
static int apply_header(struct parser *p, struct rt_revision *rev)
{
	const char *id;
	char *longdoc;
	const char *blank;
	bool foreign_keys_on;
	int ret;

	if (!p->key_line[KEY_REVISION])
		return rt_error_set_at(
		        p->err, RT_EPARSE, p->path, 1,
		        "%s:%u: no '-- Revision ID:' line in the "
		        "header; every revision script needs one",
		        p->path, 1u);
	id = rt_arena_strndup(p->arena, p->key_value[KEY_REVISION],
	                      p->key_len[KEY_REVISION]);
	ret = check_id(p, id);
	if (ret)
		return ret;
	ret = parse_switch(p, KEY_TRANSACTIONAL, true, "true", "false",
	                   &rev->transactional);
	if (!ret)
		ret = parse_switch(p, KEY_FOREIGN_KEYS, true, "on", "off",
		                   &foreign_keys_on);
	if (ret)
		return ret;
	rev->foreign_keys_off = !foreign_keys_on;
	if (rev->foreign_keys_off && !rev->transactional)
		return rt_error_set_at(
		        p->err, RT_EPARSE, p->path,
		        p->key_line[KEY_FOREIGN_KEYS],
		        "%s:%u: '-- Foreign Keys: off' needs the script's "
		        "transaction (the keys are checked before it "
		        "commits); remove '-- Transactional: false' or "
		        "split the script",
		        p->path, p->key_line[KEY_FOREIGN_KEYS]);
	rev->id = id;
	rev->down_revisions =
	        split_list(p->arena, p->key_value[KEY_REVISES],
	                   p->key_len[KEY_REVISES], &rev->nr_down);
	rev->branch_labels =
	        split_list(p->arena, p->key_value[KEY_BRANCH_LABELS],
	                   p->key_len[KEY_BRANCH_LABELS], &rev->nr_labels);
	rev->depends_on =
	        split_list(p->arena, p->key_value[KEY_DEPENDS_ON],
	                   p->key_len[KEY_DEPENDS_ON], &rev->nr_depends);
	/* Python's docstring.strip(), then the text before the first "\n\n" */
	longdoc = arena_strip(p->arena, p->doc->buf, p->doc->len);
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
		enum marker marker = line_marker(p);

		if (marker == UPGRADE_MARKER)
			return 0;
		if (marker == DOWNGRADE_MARKER)
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
		found = line_marker(p) == UPGRADE_MARKER;
	p->pos = save_pos;
	p->line = save_line;
	return found;
}

/* A marker met inside the section it would open again. */
static int second_marker(struct parser *p, const char *section)
{
	return rt_error_set_at(p->err, RT_EPARSE, p->path, p->cur_line,
	                       "%s:%u: a second '-- +%s' line; a script has "
	                       "one %s section",
	                       p->path, p->cur_line, section, section);
}

/*
 * Find the end of a section body: every line up to the next marker (or
 * the end).  On return the current line is the marker that ended it, if
 * any; the body is text[*start .. *end).
 */
static int read_section(struct parser *p, bool is_upgrade, size_t *start,
                        size_t *end, unsigned *first_line, bool *at_downgrade)
{
	*start = p->pos;
	*end = p->len;
	*first_line = p->line;
	*at_downgrade = false;
	while (next_line(p)) {
		enum marker marker = line_marker(p);

		if (marker == UPGRADE_MARKER)
			return second_marker(p, "upgrade");
		if (marker != DOWNGRADE_MARKER)
			continue;
		if (!is_upgrade)
			return second_marker(p, "downgrade");
		*end = p->cur_start;
		*at_downgrade = true;
		break;
	}
	return 0;
}

static int parse_sections(struct parser *p, struct rt_revision *rev)
{
	unsigned after_header = p->line;
	size_t down_end;
	bool at_end;
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
	ret = read_section(p, true, &p->up_start, &p->up_end,
	                   &rev->upgrade_line, &p->has_downgrade);
	if (ret || !p->has_downgrade) {
		rev->downgrade_line = 0;
		return ret;
	}
	return read_section(p, false, &p->down_start, &down_end,
	                    &rev->downgrade_line, &at_end);
}

/*
 * Give the revision its SQL: one arena copy of everything from the
 * upgrade body on, cut after the upgrade body (where the downgrade
 * marker was, so the downgrade body stays intact).
 */
static void keep_sections(struct parser *p, struct rt_revision *rev)
{
	char *body = rt_arena_strndup(p->arena, p->text + p->up_start,
	                              p->len - p->up_start);

	body[p->up_end - p->up_start] = '\0';
	rev->upgrade_sql = body;
	rev->downgrade_sql =
	        p->has_downgrade ? body + (p->down_start - p->up_start) : "";
}

/* The line of the first NUL byte in text[0..len), or 0 when there is none. */
static unsigned nul_line(const char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len);
	unsigned line = 1;

	if (!nul)
		return 0;
	for (const char *c = text; c < nul; c++)
		line += *c == '\n';
	return line;
}

int rt_sqlscript_parse_buf(struct rt_revision **out, struct rt_arena *arena,
                           const char *path, char *text, size_t len,
                           bool keep_sql, struct rt_buf *scratch,
                           struct rt_error *err)
{
	struct parser p = { 0 };
	struct rt_revision *rev;
	unsigned line = nul_line(text, len);
	int ret;

	*out = NULL;
	if (line)
		return rt_error_set_at(
		        err, RT_EPARSE, path, line,
		        "%s:%u: NUL byte in the script; revision "
		        "scripts must be text files",
		        path, line);
	p.arena = arena;
	p.path = rt_arena_strdup(arena, path);
	p.err = err;
	p.line = 1;
	p.doc = scratch;
	rt_buf_reset(scratch);
	/* the header's text, markers removed, is never longer than the text */
	rt_buf_grow(scratch, len + 1);
	normalise_text(&p, text, len);

	rev = rt_arena_alloc(arena, sizeof(*rev));
	rev->path = p.path;
	ret = parse_header(&p);
	if (!ret)
		ret = apply_header(&p, rev);
	if (!ret)
		ret = parse_sections(&p, rev);
	if (ret)
		return ret;
	if (keep_sql)
		keep_sections(&p, rev);
	*out = rev;
	return 0;
}

int rt_sqlscript_parse(struct rt_revision **out, struct rt_arena *arena,
                       const char *path, const char *text, size_t len,
                       struct rt_error *err)
{
	struct rt_buf copy = RT_BUF_INIT, doc = RT_BUF_INIT;
	int ret;

	rt_buf_grow(&copy, len); /* writable even when empty */
	rt_buf_add(&copy, text, len);
	ret = rt_sqlscript_parse_buf(out, arena, path, copy.buf, len, true,
	                             &doc, err);
	rt_buf_release(&copy);
	rt_buf_release(&doc);
	return ret;
}
