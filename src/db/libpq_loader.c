/*
 * libpq_loader.c - dlopen() libpq the first time a PostgreSQL connection
 * is opened.  Read libpq_loader.h first.
 *
 * The library is opened RTLD_LAZY, as the dynamic loader treated it when
 * retort linked it, and RTLD_LOCAL, so its symbols (and OpenSSL's...)
 * stay out of the global scope.  The handle is never closed: the table
 * points into the library for the rest of the process, and memory
 * checkers count what ld.so keeps for it as reachable, not leaked.
 */
#include "util/compat.h"
#include <dlfcn.h>
#include <pthread.h>
#include "db/libpq_loader.h"
#include "error_raise.h"

struct rt_libpq rt_libpq_table;

/* Where each function's pointer goes in struct rt_libpq. */
static const struct libpq_symbol {
	const char *name;
	size_t offset;
} symbols[] = {
#define RT_LIBPQ_SYMBOL(fn) { #fn, offsetof(struct rt_libpq, fn) },
	RT_LIBPQ_FUNCTIONS(RT_LIBPQ_SYMBOL)
#undef RT_LIBPQ_SYMBOL
};

/*
 * dlsym() gives a void *; POSIX guarantees it converts to a function
 * pointer, which memcpy() does without the cast ISO C forbids.  That
 * needs every member to be a function pointer the size of a void *.
 */
_Static_assert(sizeof(struct rt_libpq) ==
                       sizeof(symbols) / sizeof(symbols[0]) * sizeof(void *),
               "struct rt_libpq holds exactly the function pointers listed");

static int load_failed(const char *soname, struct rt_error *err)
{
	const char *why = dlerror();

	return rt_error_set(err, RT_EDB,
	                    "PostgreSQL support needs libpq (Debian package "
	                    "libpq5): %s",
	                    why ? why : soname);
}

int rt_libpq__open(struct rt_libpq *table, const char *soname,
                   struct rt_error *err)
{
	struct rt_libpq found;
	void *handle = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);

	if (!handle)
		return load_failed(soname, err);
	for (size_t i = 0; i < RT_ARRAY_SIZE(symbols); i++) {
		void *sym = dlsym(handle, symbols[i].name);

		if (!sym) {
			int ret = load_failed(soname, err);

			dlclose(handle);
			return ret;
		}
		memcpy((char *)&found + symbols[i].offset, &sym, sizeof(sym));
	}
	*table = found;
	return 0;
}

/* The first caller's outcome, for every later caller (all threads). */
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static struct rt_error load_error = RT_ERROR_INIT;

static void load(void)
{
	rt_libpq__open(&rt_libpq_table, RT_LIBPQ_SONAME, &load_error);
}

int rt_libpq_load(struct rt_error *err)
{
	if (pthread_once(&load_once, load))
		return rt_error_set(err, RT_ERROR,
		                    "cannot load libpq: pthread_once failed");
	if (load_error.code)
		return rt_error_copy(err, &load_error);
	return 0;
}
