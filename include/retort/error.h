/*
 * retort/error.h - how the library reports a failure.
 *
 * A failing function returns a negative RT_E* code and fills the
 * caller-owned `struct rt_error`.  The struct has fixed-size buffers, so
 * reporting never allocates and nothing needs freeing.  The first error
 * wins: once `code` is set, later raises leave the struct alone, so the
 * layer that knew the file and line keeps its message.  Start from
 * RT_ERROR_INIT and call rt_error_clear() before reusing a struct.
 *
 * `message` is one line without a trailing period, ready to be printed
 * after "FAILED: ".  `loc` names the user's input the error is about (an
 * ini file, a revision script) when there is one; messages already quote
 * the file and line, so callers need not print `loc` themselves.
 */
#ifndef RETORT_ERROR_H
#define RETORT_ERROR_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

enum rt_error_code {
	RT_OK = 0,
	RT_ERROR = -1, /* generic failure */
	RT_ENOTFOUND = -2, /* no such revision, file, key */
	RT_EAMBIGUOUS = -3, /* a prefix matches several revisions */
	RT_EEXISTS = -4, /* would overwrite something */
	RT_EMULTIHEAD = -5, /* one head expected, several present */
	RT_EPARSE = -6, /* syntax error in ini, script or URL */
	RT_EUNSUPPORTED = -7, /* valid, but retort does not do it (yet) */
	RT_ECONFIG = -8, /* configuration missing or inconsistent */
	RT_EDB = -9, /* the database reported an error */
	RT_EIO = -10, /* the operating system reported an error */
	RT_EGRAPH = -11, /* the revision graph is broken */
	RT_EUSER = -12, /* a callback asked to stop */
	RT_EUSAGE = -13, /* the arguments of a command are wrong */
	RT_ELOCKED = -14 /* a lock could not be taken in time */
};

struct rt_loc {
	char path[1024]; /* empty when unknown */
	unsigned line; /* 1-based; 0 = unknown */
};

struct rt_error {
	int code; /* 0 or a negative RT_E* */
	struct rt_loc loc; /* the user's input the error is about */
	char message[2048]; /* one line, no trailing period */
	const char *src_file; /* where retort raised it (debugging aid) */
	int src_line;
	/*
	 * True when Alembic 1.8 itself crashes with a Python traceback in
	 * this situation instead of printing "FAILED: ..." on stdout (a
	 * failing SQL statement, `heads` on a broken graph, some relative
	 * targets).  The CLI then prints its FAILED line on stderr, where
	 * the traceback would be, so stdout stays what Alembic leaves.
	 */
	int alembic_crash;
	/*
	 * More detail, for a second line: where the message must keep
	 * Alembic's exact text (e.g. "Cycle is detected in revisions
	 * (a, b)"), the files involved go here.  Empty when none.
	 */
	char hint[2048];
};

/* clang-format off */
#define RT_ERROR_INIT { 0, { { 0 }, 0 }, { 0 }, NULL, 0, 0, { 0 } }
/* clang-format on */

/* Reset `err` to RT_ERROR_INIT. */
RT_EXTERN void rt_error_clear(struct rt_error *err);

#ifdef __cplusplus
}
#endif

#endif
