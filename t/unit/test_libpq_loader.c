#include "util/compat.h"
/*
 * test_libpq_loader.c - loading libpq on the first PostgreSQL connection
 * (src/db/libpq_loader.c): the table is complete, loading is once and
 * thread-safe, and a library that cannot be loaded, or is not libpq,
 * gives the message that tells users what to install.
 *
 * The failures are tried with rt_libpq__open() and names that cannot
 * work; t4006-pg-libpq-lazy.sh shows the message reaching the user.
 */
#include <pthread.h>
#include <setjmp.h>
#include <cmocka.h>

#include "db/libpq_loader.h"
#include "retort/error.h"

#define NEEDS_LIBPQ "PostgreSQL support needs libpq (Debian package libpq5): "

static bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool table_is_empty(const struct rt_libpq *t)
{
#define RT_TEST_SLOT_EMPTY(fn) \
 if (t->fn)                    \
  return false;
	RT_LIBPQ_FUNCTIONS(RT_TEST_SLOT_EMPTY)
#undef RT_TEST_SLOT_EMPTY
	return true;
}

static bool table_is_full(const struct rt_libpq *t)
{
#define RT_TEST_SLOT_FULL(fn) \
 if (!t->fn)                  \
  return false;
	RT_LIBPQ_FUNCTIONS(RT_TEST_SLOT_FULL)
#undef RT_TEST_SLOT_FULL
	return true;
}

static void test_load_fills_every_function(void **state)
{
	struct rt_error err = RT_ERROR_INIT;

	(void)state;
	if (rt_libpq_load(&err) < 0)
		fail_msg("%s", err.message);
	assert_true(table_is_full(&rt_libpq_table));
	/* the pointers are libpq's: PQstatus(NULL) is documented as BAD */
	assert_int_equal(rt_libpq_table.PQstatus(NULL), CONNECTION_BAD);
	/* a second call is the first one's result */
	assert_int_equal(rt_libpq_load(&err), 0);
	assert_int_equal(err.code, 0);
}

static void *load_in_thread(void *arg)
{
	struct rt_error err = RT_ERROR_INIT;

	*(int *)arg = rt_libpq_load(&err);
	return NULL;
}

/* The first connections may be opened by several threads at once. */
static void test_load_from_threads(void **state)
{
	pthread_t threads[8];
	int results[8];

	(void)state;
	for (size_t i = 0; i < RT_ARRAY_SIZE(threads); i++) {
		results[i] = 1;
		assert_int_equal(pthread_create(&threads[i], NULL,
		                                load_in_thread, &results[i]),
		                 0);
	}
	for (size_t i = 0; i < RT_ARRAY_SIZE(threads); i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(results[i], 0);
	}
	assert_true(table_is_full(&rt_libpq_table));
}

static void test_missing_library(void **state)
{
	struct rt_libpq table = { 0 };
	struct rt_error err = RT_ERROR_INIT;
	const char *name = "libretort-test-no-such-libpq.so.5";

	(void)state;
	assert_int_equal(rt_libpq__open(&table, name, &err), RT_EDB);
	assert_int_equal(err.code, RT_EDB);
	if (!starts_with(err.message, NEEDS_LIBPQ) ||
	    !strstr(err.message, name))
		fail_msg("unexpected message: %s", err.message);
	assert_true(table_is_empty(&table));
}

/* A library that loads but lacks libpq's functions (libc, here). */
static void test_library_without_the_functions(void **state)
{
	struct rt_libpq table = { 0 };
	struct rt_error err = RT_ERROR_INIT;

	(void)state;
	assert_int_equal(rt_libpq__open(&table, "libc.so.6", &err), RT_EDB);
	if (!starts_with(err.message, NEEDS_LIBPQ) ||
	    !strstr(err.message, "PQconnectdbParams"))
		fail_msg("unexpected message: %s", err.message);
	assert_true(table_is_empty(&table));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* first, so that the threads race for the first load */
		cmocka_unit_test(test_load_from_threads),
		cmocka_unit_test(test_load_fills_every_function),
		cmocka_unit_test(test_missing_library),
		cmocka_unit_test(test_library_without_the_functions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
