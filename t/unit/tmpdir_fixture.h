/*
 * tmpdir_fixture.h - a throwaway folder for the unit tests that read
 * scripts from disk (test_sqlscript.c, test_pyscript.c, test_scan.c).
 *
 *	static char tmpdir[64];
 *	tmpdir_make(tmpdir, sizeof(tmpdir), "rt_scan");   in a setup
 *	tmpdir_remove(tmpdir);                            in its teardown
 */
#ifndef RT_TMPDIR_FIXTURE_H
#define RT_TMPDIR_FIXTURE_H

#include "util/compat.h"

/* Create /tmp/<prefix>_XXXXXX (a new, empty folder); its path in buf. */
void tmpdir_make(char *buf, size_t size, const char *prefix);

/* Remove the folder and everything in it; a failure is only reported. */
void tmpdir_remove(const char *path);

#endif
