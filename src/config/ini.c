#include "util/compat.h"
/*
 * ini.c - a reader for the ConfigParser dialect of alembic.ini (ini.h).
 * The parser mirrors the line classification of Python's
 * configparser._read(); rt_ini_get() mirrors BasicInterpolation.  See
 * shared/reference/alembic.md section 3.2 for the rules reproduced here.
 */
#include "config/ini.h"
#include "error_raise.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/strvec.h"

/* Python's limit on nested %(name)s references (MAX_INTERPOLATION_DEPTH). */
#define INI_MAX_DEPTH 10

#define DEFAULT_SECTION "DEFAULT"

struct ini_entry {
	char *key; /* lower-cased */
	struct rt_buf value; /* raw, continuation lines joined by "\n" */
	unsigned line;
};

struct ini_section {
	char *name;
	unsigned line; /* of the first header */
	struct ini_entry *entries;
	size_t nr, alloc;
};

struct rt_ini {
	char *path;
	char *here;
	struct ini_section defaults;
	struct ini_section **sections;
	size_t nr, alloc;
};

/* State of one rt_ini_parse() run. */
struct ini_parser {
	struct rt_ini *ini;
	struct ini_section *sect; /* current section, NULL before the first */
	struct ini_entry *entry; /* key that continuation lines extend */
	size_t indent; /* indentation of the last key/header line */
	size_t blank_lines; /* blank lines pending inside `entry` */
	unsigned lineno;
};

/* The characters Python's str.strip() and `\s` treat as ASCII blanks. */
static bool ini_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f' || (c >= 0x1c && c <= 0x1f);
}

static void trim_span(const char **start, const char **end)
{
	while (*start < *end && ini_is_space(**start))
		(*start)++;
	while (*end > *start && ini_is_space((*end)[-1]))
		(*end)--;
}

static char *lower_dup(const char *s, size_t n)
{
	char *out = rt_xstrndup(s, n);

	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return out;
}

static void section_release(struct ini_section *s)
{
	for (size_t i = 0; i < s->nr; i++) {
		free(s->entries[i].key);
		rt_buf_release(&s->entries[i].value);
	}
	free(s->entries);
	free(s->name);
}

void rt_ini_free(struct rt_ini *ini)
{
	if (!ini)
		return;
	for (size_t i = 0; i < ini->nr; i++) {
		section_release(ini->sections[i]);
		free(ini->sections[i]);
	}
	free(ini->sections);
	section_release(&ini->defaults);
	free(ini->path);
	free(ini->here);
	free(ini);
}

static struct ini_section *find_section(const struct rt_ini *ini,
                                        const char *name)
{
	for (size_t i = 0; i < ini->nr; i++)
		if (!strcmp(ini->sections[i]->name, name))
			return ini->sections[i];
	return NULL;
}

static struct ini_entry *find_entry(const struct ini_section *s,
                                    const char *key)
{
	for (size_t i = 0; i < s->nr; i++)
		if (!strcmp(s->entries[i].key, key))
			return &s->entries[i];
	return NULL;
}

/*
 * Parsing.  Each line is one of: blank, comment, continuation of the
 * current key, [section] header, key line.  Python decides in that order,
 * and so do we.
 */

static int parse_error(struct ini_parser *p, struct rt_error *err,
                       const char *what)
{
	return rt_error_set_at(err, RT_EPARSE, p->ini->path, p->lineno,
	                       "%s:%u: %s", p->ini->path, p->lineno, what);
}

/*
 * Python's SECTCRE, `\[(?P<header>.+)\]` matched at the start: the name runs
 * to the LAST ']' on the line, and text after it is ignored (so
 * "[alembic]  # main" is section "alembic").
 */
static bool match_header(const char *s, const char *e, const char **name,
                         size_t *len)
{
	const char *close = e;

	if (s == e || *s != '[')
		return false;
	while (close > s + 1 && close[-1] != ']')
		close--;
	if (close <= s + 2)
		return false;
	*name = s + 1;
	*len = (size_t)(close - 1 - (s + 1));
	return true;
}

static int start_section(struct ini_parser *p, const char *name, size_t len,
                         struct rt_error *err)
{
	struct rt_ini *ini = p->ini;
	char *copy = rt_xstrndup(name, len);
	struct ini_section *s;

	if (!strcmp(copy, DEFAULT_SECTION)) {
		/* Python allows [DEFAULT] more than once; keys still clash. */
		free(copy);
		p->sect = &ini->defaults;
		return 0;
	}
	s = find_section(ini, copy);
	if (s) {
		rt_error_set_at(err, RT_EPARSE, ini->path, p->lineno,
		                "%s:%u: section [%s] appears twice (first at "
		                "line %u); merge the two sections into one",
		                ini->path, p->lineno, copy, s->line);
		free(copy);
		return RT_EPARSE;
	}
	s = rt_xcalloc(1, sizeof(*s));
	s->name = copy;
	s->line = p->lineno;
	RT_ALLOC_GROW(ini->sections, ini->nr + 1, ini->alloc);
	ini->sections[ini->nr++] = s;
	p->sect = s;
	return 0;
}

static int add_key(struct ini_parser *p, const char *s, const char *e,
                   struct rt_error *err)
{
	const char *sep = s, *ks = s, *ke, *vs, *ve = e;
	struct ini_entry *dup, *entry;
	char *key;

	while (sep < e && *sep != '=' && *sep != ':')
		sep++;
	if (sep == e)
		return parse_error(p, err,
		                   "line is not `key = value`, a [section] "
		                   "header or a comment; indent it to "
		                   "continue the value above, or start it "
		                   "with '#' to make it a comment");
	ke = sep;
	trim_span(&ks, &ke);
	if (ks == ke)
		return parse_error(p, err,
		                   "no key name before the '=' or ':'; "
		                   "write `key = value`");
	vs = sep + 1;
	trim_span(&vs, &ve);
	key = lower_dup(ks, (size_t)(ke - ks));
	dup = find_entry(p->sect, key);
	if (dup) {
		rt_error_set_at(err, RT_EPARSE, p->ini->path, p->lineno,
		                "%s:%u: key '%s' appears twice in section "
		                "[%s] (first at line %u); remove one of them",
		                p->ini->path, p->lineno, key,
		                p->sect->name ? p->sect->name : DEFAULT_SECTION,
		                dup->line);
		free(key);
		return RT_EPARSE;
	}
	RT_ALLOC_GROW(p->sect->entries, p->sect->nr + 1, p->sect->alloc);
	entry = &p->sect->entries[p->sect->nr++];
	entry->key = key;
	entry->line = p->lineno;
	rt_buf_init(&entry->value);
	rt_buf_add(&entry->value, vs, (size_t)(ve - vs));
	p->entry = entry;
	return 0;
}

/* A continuation line: blank lines seen since the last text are kept. */
static void continue_value(struct ini_parser *p, const char *s, size_t len)
{
	for (; p->blank_lines; p->blank_lines--)
		rt_buf_addch(&p->entry->value, '\n');
	rt_buf_addch(&p->entry->value, '\n');
	rt_buf_add(&p->entry->value, s, len);
}

static int parse_line(struct ini_parser *p, const char *line, const char *end,
                      struct rt_error *err)
{
	const char *s = line, *e = end, *name;
	size_t indent, len;

	if (memchr(line, '\0', (size_t)(end - line)))
		return parse_error(p, err,
		                   "line contains a NUL byte; save the file "
		                   "as plain text");
	trim_span(&s, &e);
	if (s < e && (*s == '#' || *s == ';'))
		return 0; /* comments neither end nor extend a value */
	if (s == e) {
		if (p->entry)
			p->blank_lines++;
		return 0;
	}
	indent = (size_t)(s - line);
	if (p->entry && indent > p->indent) {
		continue_value(p, s, (size_t)(e - s));
		return 0;
	}
	p->indent = indent;
	p->entry = NULL;
	p->blank_lines = 0;
	if (match_header(s, e, &name, &len))
		return start_section(p, name, len, err);
	if (!p->sect)
		return parse_error(p, err,
		                   "`key = value` line before any [section] "
		                   "header; put a header such as [alembic] "
		                   "above it");
	return add_key(p, s, e, err);
}

/* End of the line starting at `s`: Python splits on \n, \r\n and \r. */
static const char *line_end(const char *s, const char *end)
{
	while (s < end && *s != '\n' && *s != '\r')
		s++;
	return s;
}

static const char *next_line(const char *eol, const char *end)
{
	if (eol < end && *eol == '\r' && eol + 1 < end && eol[1] == '\n')
		return eol + 2;
	return eol < end ? eol + 1 : eol;
}

static char *here_of(const char *path)
{
	char *dir, *abs;

	if (!*path)
		return rt_xstrdup("");
	dir = rt_path_dirname(path);
	abs = rt_path_absolute(dir);
	free(dir);
	return abs;
}

int rt_ini_parse(struct rt_ini **out, const char *path, const char *text,
                 size_t len, struct rt_error *err)
{
	struct ini_parser p = { 0 };
	const char *s = text, *end = text + len, *eol;
	int ret = 0;

	*out = NULL;
	p.ini = rt_xcalloc(1, sizeof(*p.ini));
	p.ini->path = rt_xstrdup(path ? path : "<string>");
	p.ini->here = here_of(path ? path : "");
	/* A UTF-8 byte-order mark (Windows editors) is not content. */
	if (len >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
		s += 3;
	while (s < end) {
		eol = line_end(s, end);
		p.lineno++;
		ret = parse_line(&p, s, eol, err);
		if (ret)
			goto out;
		s = next_line(eol, end);
	}
out:
	if (ret)
		rt_ini_free(p.ini);
	else
		*out = p.ini;
	return ret;
}

int rt_ini_load(struct rt_ini **out, const char *path, struct rt_error *err)
{
	struct rt_buf text = RT_BUF_INIT;
	int ret;

	*out = NULL;
	ret = rt_fs_read_file(&text, path, err);
	if (!ret)
		ret = rt_ini_parse(out, path, text.buf, text.len, err);
	rt_buf_release(&text);
	return ret;
}

const char *rt_ini_path(const struct rt_ini *ini)
{
	return ini->path;
}

const char *rt_ini_here(const struct rt_ini *ini)
{
	return ini->here;
}

bool rt_ini_has_section(const struct rt_ini *ini, const char *section)
{
	/* As in Python, DEFAULT is not a section of its own. */
	return find_section(ini, section) != NULL;
}

/*
 * The section `name` refers to: [DEFAULT] itself, a real section, or NULL
 * when there is no such section (then nothing is found, not even DEFAULT
 * values: Python raises NoSectionError there).
 */
static const struct ini_section *lookup_section(const struct rt_ini *ini,
                                                const char *name)
{
	if (!strcmp(name, DEFAULT_SECTION))
		return &ini->defaults;
	return find_section(ini, name);
}

static const struct ini_entry *lookup(const struct rt_ini *ini,
                                      const struct ini_section *sect,
                                      const char *key)
{
	const struct ini_entry *e = find_entry(sect, key);

	return e ? e : find_entry(&ini->defaults, key);
}

unsigned rt_ini_line(const struct rt_ini *ini, const char *section,
                     const char *key)
{
	const struct ini_section *sect = lookup_section(ini, section);
	const struct ini_entry *e;
	char *lkey;

	if (!sect)
		return 0;
	lkey = lower_dup(key, strlen(key));
	e = lookup(ini, sect, lkey);
	free(lkey);
	return e ? e->line : 0;
}

void rt_ini_keys(struct rt_strvec *out, const struct rt_ini *ini,
                 const char *section)
{
	const struct ini_section *sect = lookup_section(ini, section);

	if (!sect)
		return;
	for (size_t i = 0; i < sect->nr; i++)
		rt_strvec_push(out, sect->entries[i].key);
	if (sect == &ini->defaults)
		return;
	for (size_t i = 0; i < ini->defaults.nr; i++)
		if (!find_entry(sect, ini->defaults.entries[i].key))
			rt_strvec_push(out, ini->defaults.entries[i].key);
}

/*
 * Interpolation.  `top` is the key rt_ini_get() was asked for (named in
 * the recursion error, as Python does); `cur` is the key whose raw value
 * is being expanded (named in syntax and missing-key errors, since that is
 * the line the user has to fix).
 */
struct interp {
	const struct rt_ini *ini;
	const struct ini_section *sect;
	const char *sect_name;
	const struct ini_entry *top;
	struct rt_buf *out;
};

static int interp_value(struct interp *in, const struct ini_entry *cur,
                        int depth, struct rt_error *err);

static int bad_percent(struct interp *in, const struct ini_entry *cur,
                       bool is_ref, struct rt_error *err)
{
	if (is_ref)
		return rt_error_set_at(
		        err, RT_EPARSE, in->ini->path, cur->line,
		        "%s:%u: bad '%%(' reference in value of '%s': write "
		        "'%%(name)s' to insert another key, or '%%%%' for a "
		        "literal percent sign",
		        in->ini->path, cur->line, cur->key);
	return rt_error_set_at(err, RT_EPARSE, in->ini->path, cur->line,
	                       "%s:%u: bad '%%' in value of '%s': write '%%%%' "
	                       "for a literal percent sign",
	                       in->ini->path, cur->line, cur->key);
}

static int missing_ref(struct interp *in, const struct ini_entry *cur,
                       const char *name, size_t len, struct rt_error *err)
{
	const char *where =
	        in->sect == &in->ini->defaults ? "" : " or [DEFAULT]";

	return rt_error_set_at(err, RT_EPARSE, in->ini->path, cur->line,
	                       "%s:%u: value of '%s' refers to '%%(%.*s)s', "
	                       "which is not set; define it in [%s]%s, or "
	                       "write '%%%%' for a literal percent sign",
	                       in->ini->path, cur->line, cur->key, (int)len,
	                       name, in->sect_name, where);
}

/* Expand one `%(name)s` reference whose name is name[0..len). */
static int interp_ref(struct interp *in, const struct ini_entry *cur,
                      const char *name, size_t len, int depth,
                      struct rt_error *err)
{
	char *key = lower_dup(name, len);
	const struct ini_entry *ref = lookup(in->ini, in->sect, key);
	int ret = 0;

	if (!ref && !strcmp(key, "here")) {
		/* Taken literally: a '%' in the directory is not syntax. */
		rt_buf_adds(in->out, in->ini->here);
	} else if (!ref) {
		ret = missing_ref(in, cur, name, len, err);
	} else if (strchr(ref->value.buf, '%')) {
		ret = interp_value(in, ref, depth + 1, err);
	} else {
		rt_buf_add(in->out, ref->value.buf, ref->value.len);
	}
	free(key);
	return ret;
}

static int interp_value(struct interp *in, const struct ini_entry *cur,
                        int depth, struct rt_error *err)
{
	const char *s = cur->value.buf, *pct, *close;
	int ret;

	if (depth > INI_MAX_DEPTH)
		return rt_error_set_at(
		        err, RT_EPARSE, in->ini->path, in->top->line,
		        "%s:%u: recursion limit exceeded while expanding the "
		        "value of '%s': '%%(name)s' references nest more than "
		        "%d deep; check for a key that refers to itself",
		        in->ini->path, in->top->line, in->top->key,
		        INI_MAX_DEPTH);
	while ((pct = strchr(s, '%')) != NULL) {
		rt_buf_add(in->out, s, (size_t)(pct - s));
		if (pct[1] == '%') {
			rt_buf_addch(in->out, '%');
			s = pct + 2;
			continue;
		}
		if (pct[1] != '(')
			return bad_percent(in, cur, false, err);
		close = strchr(pct + 2, ')');
		if (!close || close == pct + 2 || close[1] != 's')
			return bad_percent(in, cur, true, err);
		ret = interp_ref(in, cur, pct + 2, (size_t)(close - pct - 2),
		                 depth, err);
		if (ret)
			return ret;
		s = close + 2;
	}
	rt_buf_adds(in->out, s);
	return 0;
}

int rt_ini_get(char **out, const struct rt_ini *ini, const char *section,
               const char *key, struct rt_error *err)
{
	struct rt_buf buf = RT_BUF_INIT;
	struct interp in = { ini, NULL, section, NULL, &buf };
	char *lkey = lower_dup(key, strlen(key));
	int ret = 0;

	*out = NULL;
	in.sect = lookup_section(ini, section);
	if (!in.sect)
		goto out;
	in.top = lookup(ini, in.sect, lkey);
	if (!in.top) {
		if (!strcmp(lkey, "here"))
			*out = rt_xstrdup(ini->here);
		goto out;
	}
	ret = interp_value(&in, in.top, 1, err);
	if (!ret)
		*out = rt_buf_detach(&buf);
out:
	rt_buf_release(&buf);
	free(lkey);
	return ret;
}
