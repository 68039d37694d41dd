/*
 * url.h - SQLAlchemy-style database URLs.
 *
 *   sqlite:///relative/path.db   sqlite:////absolute/path.db   sqlite://
 *   sqlite:///path.db?mode=ro    (query parameters kept in `query`)
 *   postgresql://user:pass@host:port/db?sslmode=require
 *   postgres://...   postgresql+psycopg2://...  (the driver is ignored)
 *
 * User and password are percent-decoded.  rt_url_redact() gives the form
 * that may be printed (password replaced by XXXXX, as Alembic does).
 */
#ifndef RT_URL_H
#define RT_URL_H

#include "util/compat.h"
#include "util/strvec.h"

struct rt_error;

enum rt_dialect { RT_DIALECT_SQLITE, RT_DIALECT_POSTGRESQL };

struct rt_url {
	enum rt_dialect dialect;
	char *driver; /* "+driver" part, or NULL */
	char *username; /* decoded, or NULL */
	char *password; /* decoded, or NULL; never print it */
	char *host; /* or NULL */
	int port; /* 0 when absent */
	char *database; /* postgres: db name; sqlite: the file path as
	                   written (relative to the cwd), NULL for memory */
	bool sqlite_memory;
	/* query parameters, decoded, in order: keys[i] = values[i] */
	struct rt_strvec query_keys;
	struct rt_strvec query_values;
};

#define RT_URL_INIT                                                          \
 {                                                                           \
  RT_DIALECT_SQLITE, NULL, NULL, NULL, NULL, 0, NULL, false, RT_STRVEC_INIT, \
	  RT_STRVEC_INIT                                                     \
 }

/*
 * Parse `text` into `out` (which the caller initialised with RT_URL_INIT
 * and releases with rt_url_release, also on failure).  An unknown scheme
 * is RT_EUNSUPPORTED with a message listing the supported ones; a
 * malformed URL is RT_EPARSE.  Messages never contain the password.
 */
int rt_url_parse(struct rt_url *out, const char *text, struct rt_error *err);
void rt_url_release(struct rt_url *url);

/* `text` with the password replaced by XXXXX; caller frees. */
char *rt_url_redact(const char *text);

/* "sqlite" or "postgresql". */
const char *rt_dialect_name(enum rt_dialect d);

#endif
