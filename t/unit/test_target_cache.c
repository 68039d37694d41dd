/*
 * test_target_cache.c - the cache file of the desired schema's catalog
 * (schema/target_cache.c) and the codec under it
 * (schema/catalog_codec.c): a catalog comes back field for field; a
 * file is a hit under its own key only; damaged bytes and damaged files
 * are refused, never crash.  Loading through the cache on a server (a
 * hit, a miss after an edit or a change of settings, a failed load not
 * stored) is tested in test_target.c, beside the load itself.
 */
#include "util/compat.h"
#include <setjmp.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "catalog_fixture.h"
#include "error_raise.h"
#include "schema/catalog.h"
#include "schema/catalog_codec.h"
#include "schema/target_cache.h"
#include "tmpdir_fixture.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/cache_file.h"
#include "util/fs.h"

static char tmpdir[64];

static int setup_dir(void **state)
{
	(void)state;
	tmpdir_make(tmpdir, sizeof(tmpdir), "rt_tcache");
	return 0;
}

static int teardown_dir(void **state)
{
	(void)state;
	tmpdir_remove(tmpdir);
	return 0;
}

/* ---- a catalog with every field set ---------------------------------- */

static void full_catalog(struct rt_catalog *cat)
{
	struct rt_cat_table *t, *u;
	struct rt_cat_column *c;
	struct rt_cat_fk *fk;
	struct rt_cat_index *ix;
	struct rt_cat_view *v;
	struct rt_cat_sequence *s;

	rt_catalog_init(cat, RT_DIALECT_POSTGRESQL);
	t = rt_catalog_add_table(cat, "author");
	cf_set(&t->comment, "people who write");
	t->autoincrement = t->without_rowid = t->strict = true;
	c = cf_col_nn(t, "id", "integer");
	c->serial = true;
	c = cf_col(t, "name", "character varying(100)");
	cf_set(&c->default_expr, "'x'::character varying");
	cf_set(&c->collation, "\"C\"");
	cf_set(&c->comment, "");
	c = cf_col(t, "twice", "integer");
	cf_set(&c->generated, "(id * 2)");
	c->generated_stored = true;
	c = cf_col(t, "n", "bigint");
	c->identity = RT_IDENTITY_BY_DEFAULT;
	c = cf_col(t, "", ""); /* empty, not NULL */
	cf_pk(t, "author_pkey", "id");
	cf_uq(t, "uq_name", "name,n");
	cf_uq(t, NULL, "twice");
	rt_cat_table_add_check(t, "ck_n", "n > 0");
	rt_cat_table_add_check(t, NULL, "length(name) > 1");
	ix = cf_ix(t, "ix_lower", true, "(lower(name)) DESC,n",
	           "n IS NOT NULL");
	cf_set(&ix->method, "gin");
	cf_ix(t, "ix_plain", false, "n", NULL);

	u = rt_catalog_add_table(cat, "book");
	cf_col(u, "author_id", "integer")->identity = RT_IDENTITY_ALWAYS;
	fk = cf_fk(u, "fk_author", "author_id", "author", "id");
	fk->on_delete = RT_FK_CASCADE;
	fk->on_update = RT_FK_SET_DEFAULT;
	fk->deferrable = fk->initially_deferred = true;
	fk = cf_fk(u, NULL, "author_id", "other.people", "");
	fk->on_update = RT_FK_RESTRICT;

	v = rt_catalog_add_view(cat, "authors",
	                        "SELECT author.id\n FROM author");
	cf_set(&v->comment, "a view");
	rt_catalog_add_view(cat, "empty", "");
	cf_split(&rt_catalog_add_enum(cat, "mood")->labels, "sad,,ok");
	rt_catalog_add_enum(cat, "nothing");
	s = rt_catalog_add_sequence(cat, "ticket");
	cf_set(&s->data_type, "smallint");
	s->start = -9223372036854775807LL - 1;
	s->increment = -3;
	s->min_value = -100;
	s->max_value = 9223372036854775807LL;
	s->cache = 20;
	s->cycle = true;
	cf_set(&s->owned_by, "book.author_id");
	rt_catalog_add_sequence(cat, "bare");
	/* SQLite's, but the codec does not mind the dialect */
	rt_catalog_add_trigger(cat, "book_added", "book",
	                       "AFTER INSERT ON book BEGIN SELECT 1; END");
}

/* ---- equality, field by field ---------------------------------------- */

static void same_str(const char *a, const char *b, const char *what)
{
	if ((a == NULL) != (b == NULL) || (a && strcmp(a, b)))
		fail_msg("%s: '%s' and '%s'", what, a ? a : "(null)",
		         b ? b : "(null)");
}

static void same_list(const struct rt_strvec *a, const struct rt_strvec *b,
                      const char *what)
{
	assert_int_equal(a->nr, b->nr);
	for (size_t i = 0; i < a->nr; i++)
		same_str(a->v[i], b->v[i], what);
}

static void same_key(const struct rt_cat_key *a, const struct rt_cat_key *b)
{
	same_str(a->name, b->name, "key name");
	same_list(&a->columns, &b->columns, "key columns");
}

static void same_table(const struct rt_cat_table *a,
                       const struct rt_cat_table *b)
{
	same_str(a->name, b->name, "table");
	same_str(a->comment, b->comment, "table comment");
	assert_int_equal(a->autoincrement, b->autoincrement);
	assert_int_equal(a->without_rowid, b->without_rowid);
	assert_int_equal(a->strict, b->strict);
	assert_int_equal(a->nr_columns, b->nr_columns);
	for (size_t i = 0; i < a->nr_columns; i++) {
		const struct rt_cat_column *x = &a->columns[i],
		                           *y = &b->columns[i];

		same_str(x->name, y->name, "column");
		same_str(x->type, y->type, "type");
		same_str(x->default_expr, y->default_expr, "default");
		same_str(x->collation, y->collation, "collation");
		same_str(x->comment, y->comment, "column comment");
		same_str(x->generated, y->generated, "generated");
		assert_int_equal(x->not_null, y->not_null);
		assert_int_equal(x->identity, y->identity);
		assert_int_equal(x->serial, y->serial);
		assert_int_equal(x->generated_stored, y->generated_stored);
	}
	assert_int_equal(!a->primary_key, !b->primary_key);
	if (a->primary_key)
		same_key(a->primary_key, b->primary_key);
	assert_int_equal(a->nr_uniques, b->nr_uniques);
	for (size_t i = 0; i < a->nr_uniques; i++)
		same_key(&a->uniques[i], &b->uniques[i]);
	assert_int_equal(a->nr_fks, b->nr_fks);
	for (size_t i = 0; i < a->nr_fks; i++) {
		const struct rt_cat_fk *x = &a->fks[i], *y = &b->fks[i];

		same_str(x->name, y->name, "fk");
		same_list(&x->columns, &y->columns, "fk columns");
		same_str(x->ref_table, y->ref_table, "fk table");
		same_list(&x->ref_columns, &y->ref_columns, "fk ref columns");
		assert_int_equal(x->on_delete, y->on_delete);
		assert_int_equal(x->on_update, y->on_update);
		assert_int_equal(x->deferrable, y->deferrable);
		assert_int_equal(x->initially_deferred, y->initially_deferred);
	}
	assert_int_equal(a->nr_checks, b->nr_checks);
	for (size_t i = 0; i < a->nr_checks; i++) {
		same_str(a->checks[i].name, b->checks[i].name, "check");
		same_str(a->checks[i].expr, b->checks[i].expr, "check expr");
	}
	assert_int_equal(a->nr_indexes, b->nr_indexes);
	for (size_t i = 0; i < a->nr_indexes; i++) {
		const struct rt_cat_index *x = &a->indexes[i],
		                          *y = &b->indexes[i];

		same_str(x->name, y->name, "index");
		assert_int_equal(x->unique, y->unique);
		same_list(&x->keys, &y->keys, "index keys");
		same_str(x->where, y->where, "index where");
		same_str(x->method, y->method, "index method");
	}
}

static void same_catalog(const struct rt_catalog *a, const struct rt_catalog *b)
{
	assert_int_equal(a->dialect, b->dialect);
	assert_int_equal(a->nr_tables, b->nr_tables);
	for (size_t i = 0; i < a->nr_tables; i++)
		same_table(&a->tables[i], &b->tables[i]);
	assert_int_equal(a->nr_views, b->nr_views);
	for (size_t i = 0; i < a->nr_views; i++) {
		same_str(a->views[i].name, b->views[i].name, "view");
		same_str(a->views[i].definition, b->views[i].definition,
		         "view definition");
		same_str(a->views[i].comment, b->views[i].comment,
		         "view comment");
	}
	assert_int_equal(a->nr_enums, b->nr_enums);
	for (size_t i = 0; i < a->nr_enums; i++) {
		same_str(a->enums[i].name, b->enums[i].name, "enum");
		same_list(&a->enums[i].labels, &b->enums[i].labels, "labels");
	}
	assert_int_equal(a->nr_sequences, b->nr_sequences);
	for (size_t i = 0; i < a->nr_sequences; i++) {
		const struct rt_cat_sequence *x = &a->sequences[i],
		                             *y = &b->sequences[i];

		same_str(x->name, y->name, "sequence");
		same_str(x->data_type, y->data_type, "sequence type");
		assert_true(x->start == y->start);
		assert_true(x->increment == y->increment);
		assert_true(x->min_value == y->min_value);
		assert_true(x->max_value == y->max_value);
		assert_true(x->cache == y->cache);
		assert_int_equal(x->cycle, y->cycle);
		same_str(x->owned_by, y->owned_by, "owned by");
	}
	assert_int_equal(a->nr_triggers, b->nr_triggers);
	for (size_t i = 0; i < a->nr_triggers; i++) {
		same_str(a->triggers[i].name, b->triggers[i].name, "trigger");
		same_str(a->triggers[i].table, b->triggers[i].table,
		         "trigger table");
		same_str(a->triggers[i].definition, b->triggers[i].definition,
		         "trigger definition");
	}
}

/* ---- the codec ------------------------------------------------------- */

static void test_codec_round_trip(void **state)
{
	struct rt_catalog cat, back;
	struct rt_buf bytes = RT_BUF_INIT, again = RT_BUF_INIT;

	(void)state;
	full_catalog(&cat);
	rt_catalog_encode(&bytes, &cat);
	rt_catalog_init(&back, RT_DIALECT_SQLITE);
	assert_int_equal(rt_catalog_decode(&back, bytes.buf, bytes.len), 0);
	same_catalog(&cat, &back);
	/* and the same bytes again */
	rt_catalog_encode(&again, &back);
	assert_int_equal(again.len, bytes.len);
	assert_memory_equal(again.buf, bytes.buf, bytes.len);
	rt_catalog_release(&back);

	/* an empty catalog of the other dialect */
	rt_catalog_release(&cat);
	rt_catalog_init(&cat, RT_DIALECT_SQLITE);
	rt_buf_reset(&bytes);
	rt_catalog_encode(&bytes, &cat);
	rt_catalog_init(&back, RT_DIALECT_POSTGRESQL);
	assert_int_equal(rt_catalog_decode(&back, bytes.buf, bytes.len), 0);
	same_catalog(&cat, &back);
	rt_catalog_release(&back);
	rt_catalog_release(&cat);
	rt_buf_release(&bytes);
	rt_buf_release(&again);
}

/*
 * Every shorter prefix, one more byte, and every byte changed in turn:
 * a prefix or a longer input is refused; a changed byte is refused or
 * gives some catalog, and never reads outside the data (run it under
 * valgrind or ASan).
 */
static void test_codec_damage(void **state)
{
	struct rt_catalog cat, back;
	struct rt_buf bytes = RT_BUF_INIT;
	unsigned char *copy;

	(void)state;
	full_catalog(&cat);
	rt_catalog_encode(&bytes, &cat);
	for (size_t len = 0; len < bytes.len; len++) {
		copy = rt_xmalloc(len ? len : 1);
		memcpy(copy, bytes.buf, len);
		rt_catalog_init(&back, RT_DIALECT_POSTGRESQL);
		if (rt_catalog_decode(&back, copy, len) == 0)
			fail_msg("a prefix of %zu bytes of %zu decoded", len,
			         bytes.len);
		assert_int_equal(back.nr_tables, 0);
		free(copy);
	}
	copy = rt_xmalloc(bytes.len + 1);
	memcpy(copy, bytes.buf, bytes.len);
	copy[bytes.len] = 0;
	rt_catalog_init(&back, RT_DIALECT_POSTGRESQL);
	assert_int_equal(rt_catalog_decode(&back, copy, bytes.len + 1), -1);
	free(copy);
	for (size_t i = 0; i < bytes.len; i++) {
		copy = rt_xmalloc(bytes.len);
		memcpy(copy, bytes.buf, bytes.len);
		copy[i] ^= 0xa5;
		rt_catalog_init(&back, RT_DIALECT_POSTGRESQL);
		rt_catalog_decode(&back, copy, bytes.len);
		rt_catalog_release(&back);
		free(copy);
	}
	/* a count that promises more than there is fails at once */
	copy = rt_xmalloc(8);
	rt_put_le32(copy, RT_DIALECT_POSTGRESQL);
	rt_put_le32(copy + 4, 0xfffffffeu);
	rt_catalog_init(&back, RT_DIALECT_POSTGRESQL);
	assert_int_equal(rt_catalog_decode(&back, copy, 8), -1);
	free(copy);
	rt_catalog_release(&cat);
	rt_buf_release(&bytes);
}

/* ---- the cache file -------------------------------------------------- */

static void key_of(struct rt_buf *key, const char *text)
{
	rt_buf_reset(key);
	rt_buf_adds(key, text);
}

static void test_cache_hit_and_miss(void **state)
{
	struct rt_catalog cat, back;
	struct rt_buf key = RT_BUF_INIT;
	char *dir = rt_path_join(tmpdir, "not/yet");
	char *path = rt_target_cache_path(dir, "/project/schema.sql");
	char *other = rt_target_cache_path(dir, "/project/schema");
	struct stat st;

	(void)state;
	assert_true(rt_starts_with(path, dir));
	assert_non_null(strstr(path, "/target-"));
	assert_string_not_equal(path, other); /* one file per target */
	full_catalog(&cat);
	rt_catalog_init(&back, RT_DIALECT_POSTGRESQL);
	key_of(&key, "key one\n");
	/* nothing there yet */
	assert_int_equal(rt_target_cache_read(&back, path, &key), -1);
	assert_int_equal(rt_target_cache_write(path, &key, &cat), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* a hit */
	assert_int_equal(rt_target_cache_read(&back, path, &key), 0);
	same_catalog(&cat, &back);
	rt_catalog_release(&back);

	/* a miss: any other key, a longer one, a shorter one */
	key_of(&key, "key two\n");
	assert_int_equal(rt_target_cache_read(&back, path, &key), -1);
	key_of(&key, "key one\nmore");
	assert_int_equal(rt_target_cache_read(&back, path, &key), -1);
	key_of(&key, "key one");
	assert_int_equal(rt_target_cache_read(&back, path, &key), -1);
	assert_int_equal(back.nr_tables, 0);

	/* rewritten under the new key, the old one misses */
	assert_int_equal(rt_target_cache_write(path, &key, &cat), 0);
	assert_int_equal(rt_target_cache_read(&back, path, &key), 0);
	rt_catalog_release(&back);
	key_of(&key, "key one\n");
	assert_int_equal(rt_target_cache_read(&back, path, &key), -1);

	rt_catalog_release(&cat);
	rt_buf_release(&key);
	free(path);
	free(other);
	free(dir);
}

static void write_raw(const char *path, const void *data, size_t len)
{
	struct rt_error err = RT_ERROR_INIT;

	if (rt_fs_write_file(path, data, len, false, &err) < 0)
		fail_msg("%s", err.message);
}

/* Damaged, cut short, foreign or forged files are misses. */
static void test_cache_damaged_ignored(void **state)
{
	struct rt_catalog cat, back;
	struct rt_buf key = RT_BUF_INIT, good = RT_BUF_INIT;
	struct rt_buf bad = RT_BUF_INIT;
	struct rt_error err = RT_ERROR_INIT;
	char *path = rt_target_cache_path(tmpdir, "/p/schema.sql");

	(void)state;
	full_catalog(&cat);
	rt_catalog_init(&back, RT_DIALECT_POSTGRESQL);
	key_of(&key, "the key\n");
	assert_int_equal(rt_target_cache_write(path, &key, &cat), 0);
	if (rt_fs_read_file(&good, path, &err) < 0)
		fail_msg("%s", err.message);

	/* every byte changed in turn: the checksum tells */
	for (size_t i = 0; i < good.len; i += 7) {
		rt_buf_reset(&bad);
		rt_buf_add(&bad, good.buf, good.len);
		bad.buf[i] ^= 0x01;
		write_raw(path, bad.buf, bad.len);
		assert_int_equal(rt_target_cache_read(&back, path, &key), -1);
	}
	/* cut short anywhere, empty */
	for (size_t len = 0; len < good.len; len += 13) {
		write_raw(path, good.buf, len);
		assert_int_equal(rt_target_cache_read(&back, path, &key), -1);
	}
	/* a checksum that fits damaged contents: the catalog is refused */
	rt_buf_reset(&bad);
	rt_buf_add(&bad, good.buf, good.len - 8 - 20);
	rt_buf_add_le64(&bad, rt_checksum64(bad.buf, bad.len));
	write_raw(path, bad.buf, bad.len);
	assert_int_equal(rt_target_cache_read(&back, path, &key), -1);
	/* another magic (a header cache, say), checksum fixed up */
	rt_buf_reset(&bad);
	rt_buf_add(&bad, good.buf, good.len - 8);
	bad.buf[7] = 'X';
	rt_buf_add_le64(&bad, rt_checksum64(bad.buf, bad.len));
	write_raw(path, bad.buf, bad.len);
	assert_int_equal(rt_target_cache_read(&back, path, &key), -1);
	/* a folder where the file should be */
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(rt_target_cache_read(&back, path, &key), -1);
	assert_int_equal(rt_target_cache_write(path, &key, &cat), -1);
	rmdir(path);
	assert_int_equal(back.nr_tables, 0);
	/* and the good bytes are a hit again */
	write_raw(path, good.buf, good.len);
	assert_int_equal(rt_target_cache_read(&back, path, &key), 0);
	same_catalog(&cat, &back);

	rt_catalog_release(&back);
	rt_catalog_release(&cat);
	rt_buf_release(&key);
	rt_buf_release(&good);
	rt_buf_release(&bad);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codec_round_trip),
		cmocka_unit_test(test_codec_damage),
		cmocka_unit_test_setup_teardown(test_cache_hit_and_miss,
		                                setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_cache_damaged_ignored,
		                                setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
