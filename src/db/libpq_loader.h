/*
 * libpq_loader.h - libpq, loaded when the first PostgreSQL connection is
 * opened instead of when retort starts (private to src/db/ and the unit
 * tests).
 *
 * Linking libpq makes the dynamic loader map and relocate some 25
 * libraries (OpenSSL, Kerberos, LDAP, GnuTLS...) at every start-up,
 * which costs several milliseconds even on runs that only use SQLite.
 * So retort does not link it: db/postgres.c calls libpq through the
 * table below, which dlopen() and dlsym() fill the first time a
 * connection needs it.  <libpq-fe.h> is still read at build time, for
 * the types and constants and for the prototypes the table's members
 * take their types from; at run time libpq (Debian package libpq5) is
 * needed only to reach a PostgreSQL server.
 */
#ifndef RT_DB_LIBPQ_LOADER_H
#define RT_DB_LIBPQ_LOADER_H

#include "util/compat.h"
#include <libpq-fe.h>

struct rt_error;

/* What dlopen() looks for; a port may define its own (libpq.5.dylib). */
#ifndef RT_LIBPQ_SONAME
# define RT_LIBPQ_SONAME "libpq.so.5"
#endif

/*
 * Every libpq function retort calls.  A function missing here fails the
 * link of build/retort (libpq is not on the link line), so a new call in
 * postgres.c cannot bypass the table unnoticed.
 */
#define RT_LIBPQ_FUNCTIONS(X) \
 X(PQconnectdbParams)         \
 X(PQstatus)                  \
 X(PQerrorMessage)            \
 X(PQsetNoticeProcessor)      \
 X(PQtransactionStatus)       \
 X(PQfinish)                  \
 X(PQexec)                    \
 X(PQresultStatus)            \
 X(PQresultErrorField)        \
 X(PQntuples)                 \
 X(PQnfields)                 \
 X(PQgetisnull)               \
 X(PQgetvalue)                \
 X(PQcmdTuples)               \
 X(PQcmdStatus)               \
 X(PQclear)

/*
 * One pointer per function, named like it and typed from its prototype
 * in <libpq-fe.h> (__typeof__, which GCC and clang have in every mode),
 * so a call through the table is checked exactly like a direct call.
 */
struct rt_libpq {
#define RT_LIBPQ_MEMBER(fn) __typeof__(fn) *fn;
	RT_LIBPQ_FUNCTIONS(RT_LIBPQ_MEMBER)
#undef RT_LIBPQ_MEMBER
};

/*
 * The table rt_libpq_load() fills.  Read it only after a successful
 * rt_libpq_load() in this thread, or in one that handed you a
 * connection; never write it.
 */
extern struct rt_libpq rt_libpq_table;

/*
 * Load libpq (RT_LIBPQ_SONAME) and fill rt_libpq_table, once per process:
 * safe to call from several threads, and every call after the first
 * returns the first one's result.  On failure: RT_EDB and "PostgreSQL
 * support needs libpq (Debian package libpq5): <why>".  The library stays
 * loaded until the process exits.
 */
int rt_libpq_load(struct rt_error *err);

/*
 * The work of rt_libpq_load() without the once: dlopen `soname` and fill
 * `table`.  On failure `table` is untouched and the library is closed
 * again.  For the unit tests, which try names that cannot work.
 */
int rt_libpq__open(struct rt_libpq *table, const char *soname,
                   struct rt_error *err);

#endif
