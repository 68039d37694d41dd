#include "util/compat.h"
/*
 * url.c - SQLAlchemy-style database URLs (url.h).  split_url() reproduces
 * how SQLAlchemy's URL regular expression carves a URL into parts; both
 * the parser and rt_url_redact() use it, so whatever the parser takes for
 * the password is exactly what redaction hides.
 */
#include "config/url.h"
#include "error_raise.h"
#include "util/alloc.h"
#include "util/buf.h"

#define URL_SUPPORTED                                         \
 "retort supports sqlite:///path.db, sqlite:// (in memory), " \
 "postgresql://user:pass@host:port/dbname"

struct url_span {
	const char *p;
	size_t n;
	bool set;
};

struct url_split {
	struct url_span scheme, user, password, host, port, database, query;
	bool trailing_garbage; /* text after "[ipv6]" that fits nowhere */
};

static void span_set(struct url_span *sp, const char *p, size_t n)
{
	sp->p = p;
	sp->n = n;
	sp->set = true;
}

static bool is_scheme_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '+';
}

/*
 * `user[:password]@`.  SQLAlchemy's pattern is `[^:/]*` for the user and
 * `[^@]*` for the password, so the password runs to the FIRST '@' after
 * the colon and may hold '/', '?' or ':'.  Without a password, the user
 * part ends at the last '@' before any ':' or '/'.  Returns where the host
 * starts.
 */
static const char *split_userinfo(struct url_split *u, const char *rest)
{
	const char *ue = rest + strcspn(rest, ":/"), *at;

	if (*ue == ':') {
		at = strchr(ue + 1, '@');
		if (at) {
			span_set(&u->user, rest, (size_t)(ue - rest));
			span_set(&u->password, ue + 1, (size_t)(at - ue - 1));
			return at + 1;
		}
	}
	for (at = ue; at > rest; at--) {
		if (at[-1] == '@') {
			span_set(&u->user, rest, (size_t)(at - 1 - rest));
			return at;
		}
	}
	return rest;
}

/* `[ipv6]` or a plain host; returns what follows it. */
static const char *split_host(struct url_split *u, const char *p)
{
	const char *lim, *close;
	size_t n;

	if (*p == '[') {
		lim = p + 1 + strcspn(p + 1, "/?");
		for (close = lim; close > p + 2; close--) {
			if (close[-1] == ']') {
				span_set(&u->host, p + 1,
				         (size_t)(close - 1 - (p + 1)));
				return close;
			}
		}
	}
	n = strcspn(p, "/:?");
	if (n)
		span_set(&u->host, p, n);
	return p + n;
}

/* False when `text` does not even start with `name://`. */
static bool split_url(struct url_split *u, const char *text)
{
	const char *p = text;

	memset(u, 0, sizeof(*u));
	while (is_scheme_char(*p))
		p++;
	if (p == text || strncmp(p, "://", 3) != 0)
		return false;
	span_set(&u->scheme, text, (size_t)(p - text));
	p = split_userinfo(u, p + 3);
	p = split_host(u, p);
	if (*p == ':') {
		span_set(&u->port, p + 1, strcspn(p + 1, "/?"));
		p += 1 + u->port.n;
	}
	if (*p == '/') {
		span_set(&u->database, p + 1, strcspn(p + 1, "?"));
		p += 1 + u->database.n;
	}
	if (*p == '?') {
		span_set(&u->query, p + 1, strlen(p + 1));
		p += 1 + u->query.n;
	}
	u->trailing_garbage = *p != '\0';
	return true;
}

/*
 * For text SQLAlchemy cannot parse at all (no "name://"), still hide what
 * looks like a password: the part between the last ':' before the first
 * '@' and that '@' (e.g. a mistyped "postgresql:/u:secret@host").
 */
static const char *guess_password(const char *text, size_t *len)
{
	const char *at = strchr(text, '@'), *colon = NULL;

	if (!at)
		return NULL;
	for (const char *p = text; p < at; p++)
		if (*p == ':')
			colon = p;
	if (!colon || colon + 1 == at)
		return NULL;
	*len = (size_t)(at - colon - 1);
	return colon + 1;
}

char *rt_url_redact(const char *text)
{
	struct url_split u;
	const char *pw = NULL;
	size_t len = 0;

	if (split_url(&u, text)) {
		if (u.password.set && u.password.n) {
			pw = u.password.p;
			len = u.password.n;
		}
	} else {
		pw = guess_password(text, &len);
	}
	if (!pw)
		return rt_xstrdup(text);
	return rt_xstrfmt("%.*sXXXXX%s", (int)(pw - text), text, pw + len);
}

const char *rt_dialect_name(enum rt_dialect d)
{
	switch (d) {
	case RT_DIALECT_SQLITE:
		return "sqlite";
	case RT_DIALECT_POSTGRESQL:
		return "postgresql";
	}
	RT_BUG("unknown dialect %d", (int)d);
}

void rt_url_release(struct rt_url *url)
{
	if (!url)
		return;
	free(url->driver);
	free(url->username);
	free(url->password);
	free(url->host);
	free(url->database);
	rt_strvec_clear(&url->query_keys);
	rt_strvec_clear(&url->query_values);
	url->dialect = RT_DIALECT_SQLITE;
	url->driver = url->username = url->password = NULL;
	url->host = url->database = NULL;
	url->port = 0;
	url->sqlite_memory = false;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decode a span like Python's urllib.parse.unquote (a '%' not
 * followed by two hex digits stays as it is); with `plus_is_space`, also
 * '+' -> ' ' as in query strings.  Returns NULL for "%00", which a C string
 * cannot carry.
 */
static char *decode(const char *s, size_t n, bool plus_is_space)
{
	struct rt_buf out = RT_BUF_INIT;
	int hi, lo;

	for (size_t i = 0; i < n; i++) {
		hi = s[i] == '%' && i + 2 < n ? hex_value(s[i + 1]) : -1;
		lo = hi < 0 ? -1 : hex_value(s[i + 2]);
		if (lo < 0) {
			rt_buf_addch(&out,
			             plus_is_space && s[i] == '+' ? ' ' : s[i]);
			continue;
		}
		if (hi == 0 && lo == 0) {
			rt_buf_release(&out);
			return NULL;
		}
		rt_buf_addch(&out, hi * 16 + lo);
		i += 2;
	}
	return rt_buf_detach(&out);
}

static int nul_error(const char *shown, struct rt_error *err)
{
	return rt_error_set(err, RT_EPARSE,
	                    "database URL '%s' contains '%%00' (a NUL byte), "
	                    "which cannot be passed to the database; remove it",
	                    shown);
}

/* Decoded copy of a span; NULL (and success) when it is absent or empty. */
static int decode_span(char **out, const struct url_span *sp, const char *shown,
                       struct rt_error *err)
{
	*out = NULL;
	if (!sp->set || !sp->n)
		return 0;
	*out = decode(sp->p, sp->n, false);
	return *out ? 0 : nul_error(shown, err);
}

/*
 * `k=v&k2=v2`, read like Python's parse_qsl() with default options (which
 * SQLAlchemy uses): a piece without '=' or with an empty value is dropped.
 */
static int parse_query(struct rt_url *out, const struct url_span *q,
                       const char *shown, struct rt_error *err)
{
	const char *p = q->p, *end = q->p + q->n, *amp, *eq;
	char *key, *value;

	for (; p < end; p = amp + 1) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (!amp)
			amp = end;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (!eq || eq + 1 == amp)
			continue;
		key = decode(p, (size_t)(eq - p), true);
		value = decode(eq + 1, (size_t)(amp - eq - 1), true);
		if (!key || !value) {
			free(key);
			free(value);
			return nul_error(shown, err);
		}
		rt_strvec_push_nodup(&out->query_keys, key);
		rt_strvec_push_nodup(&out->query_values, value);
	}
	return 0;
}

static int parse_port(struct rt_url *out, const struct url_span *sp,
                      const char *shown, struct rt_error *err)
{
	char digits[8];
	long port;

	if (!sp->set)
		return 0;
	if (!sp->n)
		return rt_error_set(err, RT_EPARSE,
		                    "the port in database URL '%s' is empty; "
		                    "write host:port, e.g. localhost:5432, or "
		                    "drop the ':'",
		                    shown);
	for (size_t i = 0; i < sp->n; i++)
		if (sp->p[i] < '0' || sp->p[i] > '9')
			return rt_error_set(err, RT_EPARSE,
			                    "the port in database URL '%s' is "
			                    "not a number; write host:port, "
			                    "e.g. localhost:5432",
			                    shown);
	if (sp->n >= sizeof(digits))
		port = 0;
	else {
		memcpy(digits, sp->p, sp->n);
		digits[sp->n] = '\0';
		port = strtol(digits, NULL, 10);
	}
	if (port < 1 || port > 65535)
		return rt_error_set(err, RT_EPARSE,
		                    "the port in database URL '%s' is out of "
		                    "range; use a port between 1 and 65535",
		                    shown);
	out->port = (int)port;
	return 0;
}

/* "sqlite[+driver]" or "postgres[ql][+driver]"; RT_EUNSUPPORTED otherwise. */
static int parse_scheme(struct rt_url *out, const struct url_span *sp,
                        const char *shown, struct rt_error *err)
{
	const char *plus = memchr(sp->p, '+', sp->n);
	size_t n = plus ? (size_t)(plus - sp->p) : sp->n;

	if (n == 6 && !memcmp(sp->p, "sqlite", 6))
		out->dialect = RT_DIALECT_SQLITE;
	else if ((n == 10 && !memcmp(sp->p, "postgresql", 10)) ||
	         (n == 8 && !memcmp(sp->p, "postgres", 8)))
		out->dialect = RT_DIALECT_POSTGRESQL;
	else
		return rt_error_set(
		        err, RT_EUNSUPPORTED,
		        "unsupported database URL '%s': " URL_SUPPORTED, shown);
	if (!plus)
		return 0;
	if (plus + 1 == sp->p + sp->n)
		return rt_error_set(err, RT_EPARSE,
		                    "database URL '%s' has no driver name "
		                    "after '+'; write e.g. postgresql://... "
		                    "(retort ignores the driver anyway)",
		                    shown);
	out->driver = rt_xstrndup(plus + 1, (size_t)(sp->p + sp->n - plus - 1));
	return 0;
}

/*
 * SQLite: only a path (as written, not decoded: SQLAlchemy passes it on
 * untouched).  No path, an empty one or ":memory:" means in memory.
 */
static int parse_sqlite(struct rt_url *out, const struct url_split *u,
                        const char *shown, struct rt_error *err)
{
	const struct url_span *db = &u->database;

	/* SQLAlchemy tests these for truth, so "sqlite://@/x.db" passes. */
	if (u->user.n || u->password.n || u->host.n || u->port.n)
		return rt_error_set(err, RT_EPARSE,
		                    "invalid SQLite URL '%s': write "
		                    "sqlite:///relative/path.db, "
		                    "sqlite:////absolute/path.db or sqlite:// "
		                    "(in memory)",
		                    shown);
	if (!db->set || !db->n || (db->n == 8 && !memcmp(db->p, ":memory:", 8)))
		out->sqlite_memory = true;
	else
		out->database = rt_xstrndup(db->p, db->n);
	return 0;
}

static int parse_postgres(struct rt_url *out, const struct url_split *u,
                          const char *shown, struct rt_error *err)
{
	int ret;

	ret = decode_span(&out->username, &u->user, shown, err);
	if (!ret)
		ret = decode_span(&out->password, &u->password, shown, err);
	if (!ret)
		ret = decode_span(&out->database, &u->database, shown, err);
	if (!ret && u->host.n)
		out->host = rt_xstrndup(u->host.p, u->host.n);
	if (!ret)
		ret = parse_port(out, &u->port, shown, err);
	return ret;
}

int rt_url_parse(struct rt_url *out, const char *text, struct rt_error *err)
{
	char *shown = rt_url_redact(text);
	struct url_split u;
	int ret;

	if (!split_url(&u, text)) {
		ret = rt_error_set(
		        err, RT_EUNSUPPORTED,
		        "unsupported database URL '%s': " URL_SUPPORTED, shown);
		goto out;
	}
	ret = parse_scheme(out, &u.scheme, shown, err);
	if (ret)
		goto out;
	if (u.trailing_garbage) {
		ret = rt_error_set(err, RT_EPARSE,
		                   "database URL '%s' has text after the "
		                   "[host] part that is neither :port, "
		                   "/database nor ?query",
		                   shown);
		goto out;
	}
	if (out->dialect == RT_DIALECT_SQLITE)
		ret = parse_sqlite(out, &u, shown, err);
	else
		ret = parse_postgres(out, &u, shown, err);
	if (!ret && u.query.set)
		ret = parse_query(out, &u.query, shown, err);
out:
	free(shown);
	return ret;
}
