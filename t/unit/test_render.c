/*
 * test_render.c - the SQL of schema changes (render_sqlite.c,
 * render_postgres.c): the exact text for representative changes in both
 * dialects, and round trips on real databases - the upgrade SQL run on a
 * database built from catalog A must give what a database built from B
 * has (read back with plain catalog queries: sqlite_schema and PRAGMAs,
 * pg_catalog), the downgrade SQL must give A again, and rows of the
 * tables both keep must survive.  Also: a rebuild of a parent table with
 * ON DELETE CASCADE children, run as the runner will (foreign keys off
 * before BEGIN), keeps every child row, while the same SQL inside a
 * transaction with foreign keys on deletes them; and a 1,000-table
 * schema diffs and renders (the time is printed; bench/ judges speed).
 *
 * PostgreSQL tests need the server of t/with-postgres.sh
 * ($RETORT_TEST_PG_URL) and are skipped without it.
 */
#include "util/compat.h"
#include <ctype.h>
#include <setjmp.h>
#include <time.h>
#include <cmocka.h>
#include "schema/diff.h"
#include "schema/render.h"
#include "db/db.h"
#include "db/driver.h"
#include "error_raise.h"
#include "util/alloc.h"

/* ---- building catalogs ------------------------------------------------ */

#include "catalog_fixture.h"
#include "pg_fixture.h"

/* ---- rendering -------------------------------------------------------- */

/* The SQL that turns `from` into `to`. */
static char *render(const struct rt_catalog *from, const struct rt_catalog *to,
                    bool *fk_off)
{
	struct rt_changes changes = RT_CHANGES_INIT;
	struct rt_error err = RT_ERROR_INIT;
	struct rt_buf out = RT_BUF_INIT;
	bool off = false;

	if (rt_schema_diff(&changes, from, to, &err) < 0)
		fail_msg("diff: %s", err.message);
	if (rt_schema_render(&out, &off, &changes, from, to, &err) < 0)
		fail_msg("render: %s", err.message);
	rt_changes_release(&changes);
	if (fk_off)
		*fk_off = off;
	return rt_buf_detach(&out);
}

/*
 * The SQL must be `expected`.  With RT_SHOW_SQL=FILE in the environment
 * it is appended to FILE instead of checked, to review a change of the
 * renderers and paste the new text here.
 */
static void expect_sql(const struct rt_catalog *from,
                       const struct rt_catalog *to, bool fk_off,
                       const char *expected)
{
	bool off;
	char *sql = render(from, to, &off);
	const char *show = getenv("RT_SHOW_SQL");

	if (show) {
		FILE *fp = fopen(show, "a");

		assert_non_null(fp);
		fprintf(fp, "---- %s\n%s", off ? "fk off" : "fk on", sql);
		fclose(fp);
		free(sql);
		return;
	}
	assert_string_equal(sql, expected);
	assert_int_equal(off, fk_off);
	free(sql);
}

struct pair {
	struct rt_catalog a, b, empty;
};

static int setup_sqlite(void **state)
{
	struct pair *p = rt_xcalloc(1, sizeof(*p));

	rt_catalog_init(&p->a, RT_DIALECT_SQLITE);
	rt_catalog_init(&p->b, RT_DIALECT_SQLITE);
	rt_catalog_init(&p->empty, RT_DIALECT_SQLITE);
	*state = p;
	return 0;
}

static int setup_pg(void **state)
{
	struct pair *p = rt_xcalloc(1, sizeof(*p));

	rt_catalog_init(&p->a, RT_DIALECT_POSTGRESQL);
	rt_catalog_init(&p->b, RT_DIALECT_POSTGRESQL);
	rt_catalog_init(&p->empty, RT_DIALECT_POSTGRESQL);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct pair *p = *state;

	rt_catalog_release(&p->a);
	rt_catalog_release(&p->b);
	rt_catalog_release(&p->empty);
	free(p);
	return 0;
}

/* ---- PostgreSQL text -------------------------------------------------- */

/* A schema with most of what the catalog can say, on PostgreSQL. */
static void pg_shop(struct rt_catalog *cat)
{
	struct rt_cat_table *t;
	struct rt_cat_column *c;
	struct rt_cat_sequence *s;
	struct rt_cat_fk *f;

	cf_split(&rt_catalog_add_enum(cat, "mood")->labels, "sad,ok,happy");
	s = rt_catalog_add_sequence(cat, "ticket");
	cf_set(&s->data_type, "bigint");
	s->start = 100;
	s->increment = 1;
	s->min_value = 1;
	s->max_value = 9223372036854775807LL;
	s->cache = 1;

	t = rt_catalog_add_table(cat, "user");
	cf_col_nn(t, "id", "integer")->serial = true;
	c = cf_col_nn(t, "name", "character varying(50)");
	cf_set(&c->collation, "C");
	cf_set(&c->comment, "shown to others");
	c = cf_col(t, "mood", "mood");
	cf_set(&c->default_expr, "'ok'::mood");
	cf_col_nn(t, "ticket", "bigint")->identity = RT_IDENTITY_BY_DEFAULT;
	c = cf_col(t, "name_len", "integer");
	cf_set(&c->generated, "length((name)::text)");
	c->generated_stored = true;
	cf_pk(t, "user_pkey", "id");
	cf_uq(t, "user_name_key", "name");
	rt_cat_table_add_check(t, "user_name_check",
	                       "length((name)::text) > 1");
	cf_set(&t->comment, "people");

	t = rt_catalog_add_table(cat, "address");
	cf_col_nn(t, "id", "integer");
	cf_col(t, "user_id", "integer");
	cf_col(t, "Street Name", "text");
	cf_pk(t, "address_pkey", "id");
	f = cf_fk(t, "address_user_id_fkey", "user_id", "user", "id");
	f->on_delete = RT_FK_CASCADE;
	f->deferrable = true;
	f->initially_deferred = true;
	cf_ix(t, "ix_address_street", false, "Street Name DESC",
	      "(\"Street Name\" IS NOT NULL)");
	cf_ix(t, "ix_address_user", false, "user_id", NULL)->method =
	        rt_xstrdup("hash");
	cf_ix(t, "ix_address_lower", true, "(lower(\"Street Name\"))", NULL);
	cf_set(&rt_catalog_add_view(cat, "user_names",
	                            " SELECT \"user\".name\n   FROM \"user\";")
	                ->comment,
	       "names only");
}

static void test_pg_create_and_drop(void **state)
{
	struct pair *p = *state;

	pg_shop(&p->b);
	expect_sql(
	        &p->empty, &p->b, false,
	        "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');\n"
	        "CREATE SEQUENCE ticket AS bigint INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 100 CACHE 1 NO CYCLE;\n"
	        "CREATE TABLE \"user\" (\n"
	        "\tid serial NOT NULL,\n"
	        "\tname character varying(50) COLLATE \"C\" NOT NULL,\n"
	        "\tmood mood DEFAULT 'ok'::mood,\n"
	        "\tticket bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,\n"
	        "\tname_len integer GENERATED ALWAYS AS (length((name)::text)) STORED,\n"
	        "\tCONSTRAINT user_pkey PRIMARY KEY (id),\n"
	        "\tCONSTRAINT user_name_key UNIQUE (name),\n"
	        "\tCONSTRAINT user_name_check CHECK (length((name)::text) > 1)\n"
	        ");\n"
	        "COMMENT ON TABLE \"user\" IS 'people';\n"
	        "COMMENT ON COLUMN \"user\".name IS 'shown to others';\n"
	        "CREATE TABLE address (\n"
	        "\tid integer NOT NULL,\n"
	        "\tuser_id integer,\n"
	        "\t\"Street Name\" text,\n"
	        "\tCONSTRAINT address_pkey PRIMARY KEY (id),\n"
	        "\tCONSTRAINT address_user_id_fkey FOREIGN KEY (user_id) REFERENCES \"user\" (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED\n"
	        ");\n"
	        "CREATE INDEX ix_address_street ON address (\"Street Name\" DESC) WHERE (\"Street Name\" IS NOT NULL);\n"
	        "CREATE INDEX ix_address_user ON address USING hash (user_id);\n"
	        "CREATE UNIQUE INDEX ix_address_lower ON address ((lower(\"Street Name\")));\n"
	        "CREATE VIEW user_names AS SELECT \"user\".name\n"
	        "   FROM \"user\";\n"
	        "COMMENT ON VIEW user_names IS 'names only';\n");
	expect_sql(
	        &p->b, &p->empty, false,
	        "DROP VIEW user_names;\n"
	        "DROP INDEX ix_address_street;\n"
	        "DROP INDEX ix_address_user;\n"
	        "DROP INDEX ix_address_lower;\n"
	        "-- retort: DESTRUCTIVE: drops table 'address' and every row in it\n"
	        "DROP TABLE address;\n"
	        "-- retort: DESTRUCTIVE: drops table 'user' and every row in it\n"
	        "DROP TABLE \"user\";\n"
	        "DROP TYPE mood;\n"
	        "DROP SEQUENCE ticket;\n");
}

/* Column changes of every kind, one column each. */
static void pg_columns(struct rt_catalog *cat, bool after)
{
	struct rt_cat_table *t;
	struct rt_cat_column *c;

	t = rt_catalog_add_table(cat, "t");
	c = cf_col_nn(t, "id", "integer");
	c->serial = !after;
	c = cf_col(t, "v", after ? "text" : "character varying(20)");
	cf_set(&c->default_expr,
	       after ? "'x'::text" : "'x'::character varying");
	cf_col(t, "n", after ? "smallint" : "integer")->not_null = after;
	c = cf_col(t, "idn", "bigint");
	c->not_null = true;
	c->identity = after ? RT_IDENTITY_ALWAYS : RT_IDENTITY_NONE;
	c = cf_col(t, "c", "text");
	cf_set(&c->collation, after ? "C" : NULL);
	cf_set(&c->default_expr, after ? NULL : "'c'::text");
	c = cf_col(t, "g", "integer");
	if (!after) {
		cf_set(&c->generated, "(n * 2)");
		c->generated_stored = true;
	}
	cf_col(t, after ? "renamed" : "plain", "text");
	cf_pk(t, "t_pkey", "id");
}

static void test_pg_alter_columns(void **state)
{
	struct pair *p = *state;

	pg_columns(&p->a, false);
	pg_columns(&p->b, true);
	expect_sql(
	        &p->a, &p->b, false,
	        "-- retort: DESTRUCTIVE: drops column 't.plain' and every value in it\n"
	        "-- retort: 't.plain' removed and 't.renamed' added with the same type: if this is a rename, replace both statements by ALTER TABLE t RENAME COLUMN plain TO renamed, or the values of 't.plain' are lost.\n"
	        "ALTER TABLE t DROP COLUMN plain;\n"
	        "-- retort: 't.renamed' may be 't.plain' renamed: see the note at its DROP COLUMN.\n"
	        "ALTER TABLE t ADD COLUMN renamed text;\n"
	        "ALTER TABLE t ALTER COLUMN g DROP EXPRESSION;\n"
	        "ALTER TABLE t ALTER COLUMN id DROP DEFAULT;\n"
	        "DO $$ BEGIN EXECUTE 'DROP SEQUENCE ' || pg_get_serial_sequence('t', 'id'); END $$;\n"
	        "ALTER TABLE t ALTER COLUMN v DROP DEFAULT;\n"
	        "ALTER TABLE t ALTER COLUMN v TYPE text USING v::text;\n"
	        "ALTER TABLE t ALTER COLUMN v SET DEFAULT 'x'::text;\n"
	        "-- retort: DESTRUCTIVE: changes the type of 't.n' from integer to smallint, which may fail or lose data\n"
	        "ALTER TABLE t ALTER COLUMN n TYPE smallint USING n::smallint;\n"
	        "ALTER TABLE t ALTER COLUMN n SET NOT NULL;\n"
	        "ALTER TABLE t ALTER COLUMN idn ADD GENERATED ALWAYS AS IDENTITY;\n"
	        "SELECT setval(pg_get_serial_sequence('t', 'idn'), COALESCE(max(idn), 0) + 1, false) FROM t;\n"
	        "ALTER TABLE t ALTER COLUMN c DROP DEFAULT;\n"
	        "ALTER TABLE t ALTER COLUMN c TYPE text COLLATE \"C\";\n");
	expect_sql(
	        &p->b, &p->a, false,
	        "-- retort: DESTRUCTIVE: drops column 't.g' and every value in it\n"
	        "ALTER TABLE t DROP COLUMN g;\n"
	        "-- retort: DESTRUCTIVE: drops column 't.renamed' and every value in it\n"
	        "-- retort: 't.renamed' removed and 't.plain' added with the same type: if this is a rename, replace both statements by ALTER TABLE t RENAME COLUMN renamed TO plain, or the values of 't.renamed' are lost.\n"
	        "ALTER TABLE t DROP COLUMN renamed;\n"
	        "-- retort: 't.plain' may be 't.renamed' renamed: see the note at its DROP COLUMN.\n"
	        "ALTER TABLE t ADD COLUMN plain text;\n"
	        "CREATE SEQUENCE t_id_seq AS integer OWNED BY t.id;\n"
	        "ALTER TABLE t ALTER COLUMN id SET DEFAULT nextval('t_id_seq'::regclass);\n"
	        "SELECT setval('t_id_seq', COALESCE(max(id), 0) + 1, false) FROM t;\n"
	        "-- retort: DESTRUCTIVE: changes the type of 't.v' from text to character varying(20), which may fail or lose data\n"
	        "ALTER TABLE t ALTER COLUMN v DROP DEFAULT;\n"
	        "ALTER TABLE t ALTER COLUMN v TYPE character varying(20) USING v::character varying(20);\n"
	        "ALTER TABLE t ALTER COLUMN v SET DEFAULT 'x'::character varying;\n"
	        "ALTER TABLE t ALTER COLUMN n TYPE integer USING n::integer;\n"
	        "ALTER TABLE t ALTER COLUMN n DROP NOT NULL;\n"
	        "ALTER TABLE t ALTER COLUMN idn DROP IDENTITY;\n"
	        "ALTER TABLE t ALTER COLUMN c TYPE text COLLATE \"default\";\n"
	        "ALTER TABLE t ALTER COLUMN c SET DEFAULT 'c'::text;\n"
	        "ALTER TABLE t ADD COLUMN g integer GENERATED ALWAYS AS ((n * 2)) STORED;\n");
}

static void test_pg_enums(void **state)
{
	struct pair *p = *state;
	struct rt_cat_table *t;
	struct rt_cat_column *c;

	cf_split(&rt_catalog_add_enum(&p->a, "mood")->labels, "sad,happy");
	cf_split(&rt_catalog_add_enum(&p->a, "size")->labels, "s,m,l");
	cf_split(&rt_catalog_add_enum(&p->b, "mood")->labels,
	         "awful,sad,ok,happy");
	cf_split(&rt_catalog_add_enum(&p->b, "size")->labels, "s,l");
	t = rt_catalog_add_table(&p->a, "shirt");
	c = cf_col(t, "size", "size");
	cf_set(&c->default_expr, "'m'::size");
	cf_col(t, "sizes", "size[]");
	t = rt_catalog_add_table(&p->b, "shirt");
	c = cf_col(t, "size", "size");
	cf_set(&c->default_expr, "'s'::size");
	cf_col(t, "sizes", "size[]");
	expect_sql(
	        &p->a, &p->b, false,
	        "-- retort: PostgreSQL cannot use a value added by ALTER TYPE ... ADD VALUE before the transaction commits (and before version 12 cannot add one inside a transaction): if this revision also uses the new value, move these statements to a revision of their own.\n"
	        "ALTER TYPE mood ADD VALUE 'awful' BEFORE 'sad';\n"
	        "ALTER TYPE mood ADD VALUE 'ok' AFTER 'sad';\n"
	        "-- retort: enum 'size' loses or reorders values: it is re-created and its columns converted through text (DESTRUCTIVE: rows that hold a removed value make this fail).\n"
	        "ALTER TYPE size RENAME TO size_retort_old;\n"
	        "CREATE TYPE size AS ENUM ('s', 'l');\n"
	        "ALTER TABLE shirt ALTER COLUMN size DROP DEFAULT;\n"
	        "ALTER TABLE shirt ALTER COLUMN size TYPE size USING size::text::size;\n"
	        "ALTER TABLE shirt ALTER COLUMN size SET DEFAULT 's'::size;\n"
	        "ALTER TABLE shirt ALTER COLUMN sizes TYPE size[] USING sizes::text[]::size[];\n"
	        "DROP TYPE size_retort_old;\n"
	        "ALTER TABLE shirt ALTER COLUMN size SET DEFAULT 's'::size;\n");
}

/* Tables x and y, each with an FK to the other. */
static void build_cycle_into(struct rt_catalog *cat)
{
	bool pg = cat->dialect == RT_DIALECT_POSTGRESQL;
	struct rt_cat_table *t;

	t = rt_catalog_add_table(cat, "x");
	cf_col_nn(t, "id", pg ? "integer" : "INTEGER");
	cf_col(t, "y_id", pg ? "integer" : "INTEGER");
	cf_pk(t, pg ? "x_pkey" : NULL, "id");
	cf_fk(t, pg ? "x_y_id_fkey" : NULL, "y_id", "y", "id");
	t = rt_catalog_add_table(cat, "y");
	cf_col_nn(t, "id", pg ? "integer" : "INTEGER");
	cf_col(t, "x_id", pg ? "integer" : "INTEGER");
	cf_pk(t, pg ? "y_pkey" : NULL, "id");
	cf_fk(t, pg ? "y_x_id_fkey" : NULL, "x_id", "x", "id");
}

/* Two new tables that reference each other, a table renamed maybe. */
static void test_pg_cycle_and_rename(void **state)
{
	struct pair *p = *state;
	struct rt_cat_table *t;

	t = rt_catalog_add_table(&p->a, "Person");
	cf_col_nn(t, "id", "integer");
	cf_col(t, "name", "text");
	t = rt_catalog_add_table(&p->b, "people");
	cf_col_nn(t, "id", "integer");
	cf_col(t, "name", "text");
	build_cycle_into(&p->b);
	expect_sql(
	        &p->a, &p->b, false,
	        "-- retort: DESTRUCTIVE: drops table 'Person' and every row in it\n"
	        "-- retort: 'Person' removed and 'people' added with the same columns: if this is a rename, replace both statements by ALTER TABLE \"Person\" RENAME TO people, or the rows of 'Person' are lost.\n"
	        "DROP TABLE \"Person\";\n"
	        "-- retort: 'people' may be 'Person' renamed: see the note at the DROP TABLE of 'Person'.\n"
	        "CREATE TABLE people (\n"
	        "\tid integer NOT NULL,\n"
	        "\tname text\n"
	        ");\n"
	        "CREATE TABLE y (\n"
	        "\tid integer NOT NULL,\n"
	        "\tx_id integer,\n"
	        "\tCONSTRAINT y_pkey PRIMARY KEY (id)\n"
	        ");\n"
	        "CREATE TABLE x (\n"
	        "\tid integer NOT NULL,\n"
	        "\ty_id integer,\n"
	        "\tCONSTRAINT x_pkey PRIMARY KEY (id),\n"
	        "\tCONSTRAINT x_y_id_fkey FOREIGN KEY (y_id) REFERENCES y (id)\n"
	        ");\n"
	        "ALTER TABLE y ADD CONSTRAINT y_x_id_fkey FOREIGN KEY (x_id) REFERENCES x (id);\n");
	expect_sql(
	        &p->b, &p->a, false,
	        "ALTER TABLE y DROP CONSTRAINT y_x_id_fkey;\n"
	        "-- retort: DESTRUCTIVE: drops table 'x' and every row in it\n"
	        "DROP TABLE x;\n"
	        "-- retort: DESTRUCTIVE: drops table 'y' and every row in it\n"
	        "DROP TABLE y;\n"
	        "-- retort: DESTRUCTIVE: drops table 'people' and every row in it\n"
	        "-- retort: 'people' removed and 'Person' added with the same columns: if this is a rename, replace both statements by ALTER TABLE people RENAME TO \"Person\", or the rows of 'people' are lost.\n"
	        "DROP TABLE people;\n"
	        "-- retort: 'Person' may be 'people' renamed: see the note at the DROP TABLE of 'people'.\n"
	        "CREATE TABLE \"Person\" (\n"
	        "\tid integer NOT NULL,\n"
	        "\tname text\n"
	        ");\n");
}

/* A sequence owned by a column of a table created in the same step. */
static void pg_owned_sequence(struct rt_catalog *cat)
{
	struct rt_cat_sequence *s = rt_catalog_add_sequence(cat, "n_counter");
	struct rt_cat_table *t;

	cf_set(&s->data_type, "integer");
	s->start = s->increment = s->min_value = s->cache = 1;
	s->max_value = 2147483647;
	cf_set(&s->owned_by, "n.id");
	t = rt_catalog_add_table(cat, "n");
	cf_col_nn(t, "id", "integer")->default_expr =
	        rt_xstrdup("nextval('n_counter'::regclass)");
	cf_pk(t, "n_pkey", "id");
}

static void test_pg_owned_sequence(void **state)
{
	struct pair *p = *state;

	pg_owned_sequence(&p->b);
	expect_sql(
	        &p->empty, &p->b, false,
	        "CREATE SEQUENCE n_counter AS integer INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1 NO CYCLE;\n"
	        "CREATE TABLE n (\n"
	        "\tid integer DEFAULT nextval('n_counter'::regclass) NOT NULL,\n"
	        "\tCONSTRAINT n_pkey PRIMARY KEY (id)\n"
	        ");\n"
	        "ALTER SEQUENCE n_counter OWNED BY n.id;\n");
	expect_sql(
	        &p->b, &p->empty, false,
	        "-- retort: DESTRUCTIVE: drops table 'n' and every row in it\n"
	        "DROP TABLE n;\n"
	        "DROP SEQUENCE IF EXISTS n_counter;\n");
}

/*
 * A child with (when `keys`) FKs to a table of the schema whose name
 * looks qualified, and to two tables of other schemas, named as the
 * inspector names them (ref_table in catalog.h): each part quoted.
 */
static void pg_dotted(struct rt_catalog *cat, bool keys)
{
	struct rt_cat_table *t;

	t = rt_catalog_add_table(cat, "other.t");
	cf_col_nn(t, "id", "integer");
	cf_pk(t, "other.t_pkey", "id");
	t = rt_catalog_add_table(cat, "child");
	cf_col(t, "own", "integer");
	cf_col(t, "far", "integer");
	cf_col(t, "odd", "integer");
	if (!keys)
		return;
	cf_fk(t, "child_own_fkey", "own", "other.t", "id");
	cf_fk(t, "child_far_fkey", "far", "other.t2", "id");
	cf_fk(t, "child_odd_fkey", "odd", "\"Odd.S\".\"x.\"\"y\"", NULL);
}

static void test_pg_other_schema_fk(void **state)
{
	struct pair *p = *state;

	pg_dotted(&p->a, false);
	pg_dotted(&p->b, true);
	expect_sql(
	        &p->empty, &p->b, false,
	        "CREATE TABLE \"other.t\" (\n"
	        "\tid integer NOT NULL,\n"
	        "\tCONSTRAINT \"other.t_pkey\" PRIMARY KEY (id)\n"
	        ");\n"
	        "CREATE TABLE child (\n"
	        "\town integer,\n"
	        "\tfar integer,\n"
	        "\todd integer,\n"
	        "\tCONSTRAINT child_own_fkey FOREIGN KEY (own) REFERENCES \"other.t\" (id),\n"
	        "\tCONSTRAINT child_far_fkey FOREIGN KEY (far) REFERENCES other.t2 (id),\n"
	        "\tCONSTRAINT child_odd_fkey FOREIGN KEY (odd) REFERENCES \"Odd.S\".\"x.\"\"y\"\n"
	        ");\n");
	expect_sql(
	        &p->a, &p->b, false,
	        "ALTER TABLE child ADD CONSTRAINT child_own_fkey FOREIGN KEY (own) REFERENCES \"other.t\" (id);\n"
	        "ALTER TABLE child ADD CONSTRAINT child_far_fkey FOREIGN KEY (far) REFERENCES other.t2 (id);\n"
	        "ALTER TABLE child ADD CONSTRAINT child_odd_fkey FOREIGN KEY (odd) REFERENCES \"Odd.S\".\"x.\"\"y\";\n");
}

/* ---- SQLite text ------------------------------------------------------ */

static void sqlite_shop(struct rt_catalog *cat)
{
	struct rt_cat_table *t;
	struct rt_cat_column *c;
	struct rt_cat_fk *f;

	t = rt_catalog_add_table(cat, "user");
	cf_col(t, "id", "INTEGER");
	c = cf_col_nn(t, "name", "VARCHAR(50)");
	cf_set(&c->collation, "NOCASE");
	c = cf_col(t, "created", "TEXT");
	cf_set(&c->default_expr, "CURRENT_TIMESTAMP");
	c = cf_col(t, "score", "REAL");
	cf_set(&c->default_expr, "1 + 1"); /* as PRAGMA table_info prints it */
	c = cf_col(t, "name_len", "INTEGER");
	cf_set(&c->generated, "length(name)");
	cf_pk(t, NULL, "id");
	t->autoincrement = true;
	cf_uq(t, "uq_name", "name");
	rt_cat_table_add_check(t, NULL, "score >= 0");

	t = rt_catalog_add_table(cat, "tag");
	cf_col_nn(t, "name", "TEXT");
	cf_col(t, "user_id", "INTEGER");
	cf_pk(t, NULL, "name");
	f = cf_fk(t, NULL, "user_id", "user", "id");
	f->on_delete = RT_FK_SET_NULL;
	f->deferrable = true;
	f->initially_deferred = true;
	t->without_rowid = true;
	t->strict = true;
	cf_ix(t, "ix_tag_user", false, "user_id DESC", "user_id IS NOT NULL");
	cf_ix(t, "ix_tag_lower", true, "(lower(name))", NULL);
	rt_catalog_add_view(cat, "names", "SELECT name FROM \"user\"");
}

static void test_sqlite_create_and_drop(void **state)
{
	struct pair *p = *state;

	sqlite_shop(&p->b);
	expect_sql(
	        &p->empty, &p->b, false,
	        "CREATE TABLE user (\n"
	        "\tid INTEGER PRIMARY KEY AUTOINCREMENT,\n"
	        "\tname VARCHAR(50) NOT NULL COLLATE NOCASE,\n"
	        "\tcreated TEXT DEFAULT CURRENT_TIMESTAMP,\n"
	        "\tscore REAL DEFAULT (1 + 1),\n"
	        "\tname_len INTEGER GENERATED ALWAYS AS (length(name)) VIRTUAL,\n"
	        "\tCONSTRAINT uq_name UNIQUE (name),\n"
	        "\tCHECK (score >= 0)\n"
	        ");\n"
	        "CREATE TABLE tag (\n"
	        "\tname TEXT NOT NULL,\n"
	        "\tuser_id INTEGER,\n"
	        "\tPRIMARY KEY (name),\n"
	        "\tFOREIGN KEY (user_id) REFERENCES user (id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED\n"
	        ") WITHOUT ROWID, STRICT;\n"
	        "CREATE INDEX ix_tag_user ON tag (user_id DESC) WHERE user_id IS NOT NULL;\n"
	        "CREATE UNIQUE INDEX ix_tag_lower ON tag ((lower(name)));\n"
	        "CREATE VIEW names AS SELECT name FROM \"user\";\n");
	/* tag goes first, so nothing references user when it goes */
	expect_sql(
	        &p->b, &p->empty, false,
	        "DROP VIEW names;\n"
	        "DROP INDEX ix_tag_user;\n"
	        "DROP INDEX ix_tag_lower;\n"
	        "-- retort: DESTRUCTIVE: drops table 'tag' and every row in it\n"
	        "DROP TABLE tag;\n"
	        "-- retort: DESTRUCTIVE: drops table 'user' and every row in it\n"
	        "DROP TABLE user;\n");
}

/* Adding and dropping columns: ALTER TABLE when SQLite allows it. */
static void test_sqlite_alter_or_rebuild(void **state)
{
	struct pair *p = *state;
	struct rt_cat_table *t;
	struct rt_cat_column *c;

	/* a: ALTER is enough: nullable, constant default, virtual */
	t = cf_simple(&p->a, "a", "x TEXT,gone TEXT");
	t = cf_simple(&p->b, "a", "x TEXT,n INTEGER");
	c = cf_col_nn(t, "d", "TEXT");
	cf_set(&c->default_expr, "'none'");
	c = cf_col(t, "v", "INTEGER");
	cf_set(&c->generated, "n * 2");
	/* b: NOT NULL without a default, and an indexed column dropped */
	t = cf_simple(&p->a, "b", "x TEXT,y TEXT");
	cf_ix(t, "ix_b_y", false, "y", NULL);
	t = cf_simple(&p->b, "b", "x TEXT");
	cf_col_nn(t, "z", "TEXT");
	expect_sql(
	        &p->a, &p->b, true,
	        "DROP INDEX ix_b_y;\n"
	        "-- retort: DESTRUCTIVE: drops column 'a.gone' and every value in it\n"
	        "-- retort: 'a.gone' removed and 'a.d' added with the same type: if this is a rename, replace both statements by ALTER TABLE a RENAME COLUMN gone TO d, or the values of 'a.gone' are lost.\n"
	        "ALTER TABLE a DROP COLUMN gone;\n"
	        "ALTER TABLE a ADD COLUMN n INTEGER;\n"
	        "-- retort: 'a.d' may be 'a.gone' renamed: see the note at its DROP COLUMN.\n"
	        "ALTER TABLE a ADD COLUMN d TEXT NOT NULL DEFAULT 'none';\n"
	        "-- retort: DESTRUCTIVE: drops column 'b.y' and every value in it\n"
	        "-- retort: 'b.y' removed and 'b.z' added with the same type: if this is a rename, add 'z' to the INSERT's column list and 'y' to its SELECT list below, or the values of 'b.y' are lost.\n"
	        "-- retort: rebuilding table 'b', as SQLite's ALTER TABLE cannot drop an indexed column ('y'); foreign keys must be off (header `-- Foreign Keys: off`), and the runner checks them with PRAGMA foreign_key_check before it commits.\n"
	        "CREATE TABLE _retort_new_b (\n"
	        "\tid INTEGER NOT NULL,\n"
	        "\tx TEXT,\n"
	        "\tz TEXT NOT NULL,\n"
	        "\tPRIMARY KEY (id)\n"
	        ");\n"
	        "INSERT INTO _retort_new_b (id, x) SELECT id, x FROM b;\n"
	        "DROP TABLE b;\n"
	        "ALTER TABLE _retort_new_b RENAME TO b;\n"
	        "ALTER TABLE a ADD COLUMN v INTEGER GENERATED ALWAYS AS (n * 2) VIRTUAL;\n");
}

/* One rebuild for everything that happens to a table. */
static void test_sqlite_rebuild(void **state)
{
	struct pair *p = *state;
	struct rt_cat_table *t;
	struct rt_cat_column *c;

	t = cf_simple(&p->a, "counter", "n INTEGER,label TEXT,old TEXT");
	t->autoincrement = true;
	cf_ix(t, "ix_counter_n", false, "n", NULL);
	cf_ix(t, "ix_counter_label", false, "label", NULL);
	t = cf_simple(&p->b, "counter", "n TEXT,label TEXT,new TEXT");
	t->autoincrement = true;
	c = rt_cat_table_find_column(t, "label");
	c->not_null = true;
	cf_set(&c->default_expr, "'?'");
	rt_cat_table_add_check(t, NULL, "n <> ''");
	cf_ix(t, "ix_counter_label", false, "label", NULL);
	cf_ix(t, "ix_counter_new", false, "new", NULL);
	expect_sql(
	        &p->a, &p->b, true,
	        "DROP INDEX ix_counter_n;\n"
	        "-- retort: DESTRUCTIVE: drops column 'counter.old' and every value in it\n"
	        "-- retort: 'counter.old' removed and 'counter.new' added with the same type: if this is a rename, add 'new' to the INSERT's column list and 'old' to its SELECT list below, or the values of 'counter.old' are lost.\n"
	        "-- retort: rebuilding table 'counter', as SQLite's ALTER TABLE cannot change a column; foreign keys must be off (header `-- Foreign Keys: off`), and the runner checks them with PRAGMA foreign_key_check before it commits.\n"
	        "CREATE TABLE _retort_new_counter (\n"
	        "\tid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,\n"
	        "\tn TEXT,\n"
	        "\tlabel TEXT NOT NULL DEFAULT '?',\n"
	        "\tnew TEXT,\n"
	        "\tCHECK (n <> '')\n"
	        ");\n"
	        "INSERT INTO _retort_new_counter (id, n, label) SELECT id, n, IFNULL(label, '?') FROM counter;\n"
	        "DELETE FROM sqlite_sequence WHERE name = '_retort_new_counter';\n"
	        "INSERT INTO sqlite_sequence (name, seq) SELECT '_retort_new_counter', seq FROM sqlite_sequence WHERE name = 'counter';\n"
	        "DROP TABLE counter;\n"
	        "ALTER TABLE _retort_new_counter RENAME TO counter;\n"
	        "CREATE INDEX ix_counter_label ON counter (label);\n"
	        "CREATE INDEX ix_counter_new ON counter (new);\n");
}

/* ---- live databases --------------------------------------------------- */

/*
 * Two databases of one dialect: `m` is migrated up and down, `f` is
 * built fresh from the target to compare with.  SQLite: two in-memory
 * databases; PostgreSQL: one connection and two schemas.
 */
struct live {
	enum rt_dialect dialect;
	bool any_column_order; /* see sqlite_table_facts() */
	struct pg_fixture *server; /* PostgreSQL */
	struct rt_db *m, *f, *pg;
};

static void must(struct rt_db *db, const char *sql)
{
	struct rt_error err = RT_ERROR_INIT;

	if (rt_db_exec_script(db, sql, NULL, 1, &err) < 0)
		fail_msg("%s (in: %.200s)", err.message, sql);
}

static int collect(void *baton, size_t nr, const char *const *values,
                   struct rt_error *err)
{
	struct rt_buf *sb = baton;

	(void)err;
	for (size_t i = 0; i < nr; i++)
		rt_buf_addf(sb, "%s%s", i ? "|" : "",
		            values[i] ? values[i] : "NULL");
	rt_buf_addch(sb, '\n');
	return 0;
}

/* Append every row of `sql`, one line each, columns split by '|'. */
static void rows(struct rt_buf *out, struct rt_db *db, const char *sql)
{
	struct rt_error err = RT_ERROR_INIT;

	if (rt_db_query(db, sql, collect, out, &err) < 0)
		fail_msg("%s (in: %.200s)", err.message, sql);
}

static char *one_value(struct rt_db *db, const char *sql)
{
	struct rt_buf out = RT_BUF_INIT;

	rows(&out, db, sql);
	rt_buf_rtrim(&out);
	return rt_buf_detach(&out);
}

static struct rt_db *open_sqlite(void)
{
	struct rt_url url = RT_URL_INIT;
	struct rt_error err = RT_ERROR_INIT;
	struct rt_db *db = NULL;

	url.dialect = RT_DIALECT_SQLITE;
	url.sqlite_memory = true;
	if (rt_db_open(&db, &url, NULL, &err) < 0)
		fail_msg("open: %s", err.message);
	/* as applications have it: enforcement on */
	must(db, "PRAGMA foreign_keys=ON");
	return db;
}

static void use_schema(struct live *l, struct rt_db *which)
{
	if (l->dialect == RT_DIALECT_POSTGRESQL)
		must(l->pg, which == l->m ? "SET search_path TO rt_render_m" :
		                            "SET search_path TO rt_render_f");
}

/* Empty `which` (the migrated or the fresh database). */
static void reset(struct live *l, struct rt_db **which)
{
	if (l->dialect == RT_DIALECT_SQLITE) {
		rt_db_close(*which);
		*which = open_sqlite();
		return;
	}
	use_schema(l, *which);
	must(l->pg, *which == l->m ? "DROP SCHEMA IF EXISTS rt_render_m "
	                             "CASCADE; CREATE SCHEMA rt_render_m" :
	                             "DROP SCHEMA IF EXISTS rt_render_f "
	                             "CASCADE; CREATE SCHEMA rt_render_f");
}

static int setup_live_sqlite(void **state)
{
	struct live *l = rt_xcalloc(1, sizeof(*l));

	l->dialect = RT_DIALECT_SQLITE;
	l->m = open_sqlite();
	l->f = open_sqlite();
	*state = l;
	return 0;
}

static int setup_live_pg(void **state)
{
	struct pg_fixture *server =
	        pg_fixture_new("rt_render_m, rt_render_f", NULL);
	struct live *l = rt_xcalloc(1, sizeof(*l));

	l->dialect = RT_DIALECT_POSTGRESQL;
	l->server = server;
	/* one connection; m is it, f (NULL) stands for the other schema */
	l->pg = server->db;
	l->m = l->pg;
	l->f = NULL;
	reset(l, &l->f);
	*state = l;
	return 0;
}

static int teardown_live(void **state)
{
	struct live *l = *state;

	if (!l)
		return 0;
	if (l->dialect == RT_DIALECT_SQLITE) {
		rt_db_close(l->m);
		rt_db_close(l->f);
	} else {
		pg_fixture_free(l->server);
	}
	free(l);
	return 0;
}

static struct rt_db *db_of(struct live *l, struct rt_db *which)
{
	use_schema(l, which);
	return l->dialect == RT_DIALECT_SQLITE ? which : l->pg;
}

/*
 * Run migration SQL as the runner will: in one transaction; on SQLite
 * with `-- Foreign Keys: off`, enforcement switched off before BEGIN,
 * PRAGMA foreign_key_check (no row) before COMMIT, on again after.
 */
static void apply(struct live *l, struct rt_db *which, const char *sql,
                  bool fk_off)
{
	struct rt_db *db = db_of(l, which);
	struct rt_error err = RT_ERROR_INIT;

	if (fk_off && l->dialect == RT_DIALECT_SQLITE)
		must(db, "PRAGMA foreign_keys=OFF");
	if (rt_db_begin(db, &err) < 0)
		fail_msg("BEGIN: %s", err.message);
	if (*sql && rt_db_exec_script(db, sql, "migration.sql", 1, &err) < 0)
		fail_msg("%s (in: %.200s)", err.message, sql);
	if (fk_off && l->dialect == RT_DIALECT_SQLITE) {
		char *v = one_value(db, "PRAGMA foreign_key_check");

		assert_string_equal(v, "");
		free(v);
	}
	if (rt_db_commit(db, &err) < 0)
		fail_msg("COMMIT: %s", err.message);
	if (fk_off && l->dialect == RT_DIALECT_SQLITE)
		must(db, "PRAGMA foreign_keys=ON");
}

/* "SELECT * FROM <function>('<table>') <tail>" */
static void pragma_rows(struct rt_buf *out, struct rt_db *db,
                        const char *columns, const char *function,
                        const char *table, const char *tail)
{
	struct rt_buf q = RT_BUF_INIT;

	rt_buf_addf(&q, "SELECT %s FROM %s(", columns, function);
	rt_db_add_literal(&q, table);
	rt_buf_addf(&q, ") AS l %s", tail);
	rows(out, db, q.buf);
	rt_buf_release(&q);
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The CHECK clauses of a definition with blanks removed, sorted, and
 * whether it says AUTOINCREMENT: what the PRAGMAs do not tell.
 */
static void checks_of(struct rt_buf *out, const char *compact)
{
	struct rt_strvec checks = RT_STRVEC_INIT;

	for (const char *p = compact; (p = strstr(p, "CHECK(")); p++) {
		const char *q = p + 5;
		int depth = 0;

		do {
			depth += *q == '(' ? 1 : *q == ')' ? -1 : 0;
			q++;
		} while (*q && depth);
		rt_strvec_push_nodup(&checks, rt_xstrndup(p, (size_t)(q - p)));
	}
	if (checks.nr > 1)
		qsort(checks.v, checks.nr, sizeof(*checks.v), cmp_strp);
	for (size_t i = 0; i < checks.nr; i++)
		rt_buf_addf(out, "  %s\n", checks.v[i]);
	if (strstr(compact, "AUTOINCREMENT"))
		rt_buf_adds(out, "  AUTOINCREMENT\n");
	rt_strvec_clear(&checks);
}

/*
 * One table.  The definition is compared with blanks removed: ALTER
 * TABLE ADD/DROP COLUMN edit the stored text in place, so only blanks
 * differ from a fresh one.  With `any_order`, columns are compared by
 * name and only the definition's CHECKs: ADD COLUMN appends, where a
 * fresh table may have the column elsewhere.
 */
static void sqlite_table_facts(struct rt_buf *out, struct rt_db *db,
                               const char *table, bool any_order)
{
	struct rt_buf q = RT_BUF_INIT, compact = RT_BUF_INIT;
	char *sql;

	rt_buf_addf(out, "table %s\n", table);
	rt_buf_adds(&q, "SELECT sql FROM sqlite_schema WHERE name = ");
	rt_db_add_literal(&q, table);
	sql = one_value(db, q.buf);
	for (const char *p = strchr(sql, '('); p && *p; p++)
		if (!isspace((unsigned char)*p))
			rt_buf_addch(&compact, *p);
	free(sql);
	if (any_order) {
		checks_of(out, compact.buf);
		pragma_rows(out, db,
		            "name, type, \"notnull\", dflt_value, pk, hidden",
		            "pragma_table_xinfo", table, "ORDER BY name");
	} else {
		rt_buf_addf(out, "  %s\n", compact.buf);
		pragma_rows(out, db, "*", "pragma_table_xinfo", table, "");
	}
	pragma_rows(out, db,
	            "\"table\", \"from\", \"to\", on_update, on_delete, "
	            "match",
	            "pragma_foreign_key_list", table,
	            "ORDER BY \"table\", \"from\"");
	/* automatic indexes by what they index: their numbers follow the
	   order of the constraints */
	pragma_rows(
	        out, db,
	        "CASE WHEN name LIKE 'sqlite_autoindex%' THEN 'auto' ELSE "
	        "name END, \"unique\", origin, partial, (SELECT "
	        "group_concat(coalesce(name, '?') || ' ' || \"desc\" || ' ' "
	        "|| coll, ',') FROM pragma_index_xinfo(l.name) WHERE key)",
	        "pragma_index_list", table, "ORDER BY 1, 5");
	pragma_rows(out, db, "wr, strict", "pragma_table_list", table,
	            "WHERE schema = 'main'");
	rt_buf_release(&q);
	rt_buf_release(&compact);
}

static int add_name(void *baton, size_t nr, const char *const *values,
                    struct rt_error *err)
{
	(void)nr;
	(void)err;
	rt_strvec_push(baton, values[0]);
	return 0;
}

/* What the catalog queries say about a database, as text to compare. */
static char *facts(struct live *l, struct rt_db *which)
{
	struct rt_db *db = db_of(l, which);
	struct rt_buf out = RT_BUF_INIT;

	if (l->dialect == RT_DIALECT_SQLITE) {
		struct rt_strvec tables = RT_STRVEC_INIT;
		struct rt_error err = RT_ERROR_INIT;

		rows(&out, db,
		     "SELECT type, name, tbl_name, CASE WHEN type <> 'table' "
		     "THEN sql END FROM sqlite_schema WHERE name NOT LIKE "
		     "'sqlite_%' ORDER BY type, name");
		if (rt_db_query(db,
		                "SELECT name FROM sqlite_schema WHERE type = "
		                "'table' AND name NOT LIKE 'sqlite_%' ORDER BY "
		                "name",
		                add_name, &tables, &err) < 0)
			fail_msg("%s", err.message);
		for (size_t i = 0; i < tables.nr; i++)
			sqlite_table_facts(&out, db, tables.v[i],
			                   l->any_column_order);
		rt_strvec_clear(&tables);
		return rt_buf_detach(&out);
	}
	rows(&out, db,
	     "SELECT c.relname, c.relkind, a.attname, "
	     "format_type(a.atttypid, a.atttypmod), a.attnotnull, "
	     "pg_get_expr(d.adbin, d.adrelid), a.attidentity, "
	     "a.attgenerated, co.collname, col_description(c.oid, a.attnum) "
	     "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
	     "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = "
	     "a.attnum LEFT JOIN pg_collation co ON co.oid = a.attcollation "
	     "WHERE c.relnamespace = current_schema()::regnamespace AND "
	     "c.relkind IN ('r', 'v') AND a.attnum > 0 AND NOT "
	     "a.attisdropped ORDER BY 1, 3");
	rows(&out, db,
	     "SELECT conrelid::regclass::text, conname, "
	     "pg_get_constraintdef(oid) FROM pg_constraint WHERE "
	     "connamespace = current_schema()::regnamespace ORDER BY 1, 2");
	rows(&out, db,
	     "SELECT c.relname, replace(pg_get_indexdef(c.oid), "
	     "current_schema() || '.', '') FROM pg_index i JOIN pg_class c "
	     "ON c.oid = i.indexrelid WHERE c.relnamespace = "
	     "current_schema()::regnamespace ORDER BY 1");
	rows(&out, db,
	     "SELECT c.relname, c.relkind, pg_get_viewdef(c.oid), "
	     "obj_description(c.oid, 'pg_class') FROM pg_class c WHERE "
	     "c.relnamespace = current_schema()::regnamespace AND c.relkind "
	     "IN ('r', 'v') ORDER BY 1");
	rows(&out, db,
	     "SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY "
	     "e.enumsortorder) FROM pg_type t JOIN pg_enum e ON e.enumtypid "
	     "= t.oid WHERE t.typnamespace = current_schema()::regnamespace "
	     "GROUP BY 1 ORDER BY 1");
	rows(&out, db,
	     "SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, "
	     "s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle "
	     "FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid WHERE "
	     "c.relnamespace = current_schema()::regnamespace ORDER BY 1");
	return rt_buf_detach(&out);
}

/* "t=3 u=0": the row counts of the tables both catalogs keep. */
static char *counts(struct live *l, struct rt_db *which,
                    const struct rt_catalog *a, const struct rt_catalog *b)
{
	struct rt_db *db = db_of(l, which);
	struct rt_buf out = RT_BUF_INIT, q = RT_BUF_INIT;

	for (size_t i = 0; i < a->nr_tables; i++) {
		const char *name = a->tables[i].name;
		char *v;

		if (!rt_catalog_find_table(b, name))
			continue;
		rt_buf_reset(&q);
		rt_buf_adds(&q, "SELECT count(*) FROM ");
		rt_db__add_ident(&q, l->dialect, name);
		v = one_value(db, q.buf);
		rt_buf_addf(&out, "%s=%s ", name, v);
		free(v);
	}
	rt_buf_release(&q);
	return rt_buf_detach(&out);
}

/*
 * Build A (and fill it with `rows_sql`), upgrade to B and compare with a
 * database built from B, downgrade and compare with what A was; the
 * tables both keep keep their rows.
 */
static void round_trip(struct live *l, const struct rt_catalog *a,
                       const struct rt_catalog *b, const char *rows_sql)
{
	struct rt_catalog empty;
	char *sql, *fa, *fb, *now, *ca, *cnow;
	bool off;

	rt_catalog_init(&empty, l->dialect);
	reset(l, &l->m);
	sql = render(&empty, a, &off);
	apply(l, l->m, sql, off);
	free(sql);
	if (rows_sql)
		must(db_of(l, l->m), rows_sql);
	fa = facts(l, l->m);
	ca = counts(l, l->m, a, b);

	sql = render(a, b, &off);
	apply(l, l->m, sql, off);
	free(sql);
	reset(l, &l->f);
	sql = render(&empty, b, &off);
	apply(l, l->f, sql, off);
	free(sql);
	fb = facts(l, l->f);
	now = facts(l, l->m);
	assert_string_equal(now, fb);
	cnow = counts(l, l->m, a, b);
	assert_string_equal(cnow, ca);
	free(now);
	free(cnow);

	sql = render(b, a, &off);
	apply(l, l->m, sql, off);
	free(sql);
	now = facts(l, l->m);
	assert_string_equal(now, fa);
	cnow = counts(l, l->m, a, b);
	assert_string_equal(cnow, ca);
	free(now);
	free(cnow);
	free(fa);
	free(fb);
	free(ca);
	rt_catalog_release(&empty);
}

/* Catalog pairs for the round trips, built in `a` and `b`. */
struct live_pair {
	struct rt_catalog a, b;
};

static void live_pair_init(struct live_pair *lp, enum rt_dialect dialect)
{
	rt_catalog_init(&lp->a, dialect);
	rt_catalog_init(&lp->b, dialect);
}

static void live_pair_release(struct live_pair *lp)
{
	rt_catalog_release(&lp->a);
	rt_catalog_release(&lp->b);
}

/* ---- round trips on SQLite -------------------------------------------- */

static void test_live_sqlite_create(void **state)
{
	struct live *l = *state;
	struct live_pair lp;

	live_pair_init(&lp, RT_DIALECT_SQLITE);
	sqlite_shop(&lp.b);
	round_trip(l, &lp.a, &lp.b, NULL);
	live_pair_release(&lp);
}

static void sqlite_alter_pair(struct live_pair *lp)
{
	struct rt_cat_table *t;
	struct rt_cat_column *c;

	t = cf_simple(&lp->a, "a", "x TEXT,gone TEXT");
	t = cf_simple(&lp->b, "a", "x TEXT,n INTEGER");
	c = cf_col_nn(t, "d", "TEXT");
	cf_set(&c->default_expr, "'none'");
	c = cf_col(t, "v", "INTEGER");
	cf_set(&c->generated, "n * 2");
	t = cf_simple(&lp->a, "b", "x TEXT,y TEXT");
	cf_ix(t, "ix_b_y", false, "y", NULL);
	t = cf_simple(&lp->b, "b", "x TEXT");
	c = cf_col_nn(t, "z", "TEXT");
	cf_set(&c->default_expr, "'z'");
}

static void test_live_sqlite_alter(void **state)
{
	struct live *l = *state;
	struct live_pair lp;

	live_pair_init(&lp, RT_DIALECT_SQLITE);
	sqlite_alter_pair(&lp);
	round_trip(l, &lp.a, &lp.b,
	           "INSERT INTO a (id, x, gone) VALUES (1, 'a', 'g'), "
	           "(2, NULL, NULL);"
	           "INSERT INTO b (id, x, y) VALUES (1, 'b', 'y');");
	live_pair_release(&lp);
}

static void sqlite_counter_pair(struct live_pair *lp)
{
	struct rt_cat_table *t;
	struct rt_cat_column *c;

	t = cf_simple(&lp->a, "counter", "n INTEGER,label TEXT,old TEXT");
	t->autoincrement = true;
	cf_ix(t, "ix_counter_n", false, "n", NULL);
	cf_ix(t, "ix_counter_label", false, "label", NULL);
	t = cf_simple(&lp->b, "counter", "n TEXT,label TEXT,new TEXT");
	t->autoincrement = true;
	t->strict = true;
	c = rt_cat_table_find_column(t, "label");
	c->not_null = true;
	cf_set(&c->default_expr, "'?'");
	rt_cat_table_add_check(t, NULL, "n <> ''");
	cf_ix(t, "ix_counter_label", false, "label", NULL);
	cf_ix(t, "ix_counter_new", false, "new", NULL);
}

static void test_live_sqlite_rebuild(void **state)
{
	struct live *l = *state;
	struct live_pair lp;
	char *v;

	live_pair_init(&lp, RT_DIALECT_SQLITE);
	sqlite_counter_pair(&lp);
	round_trip(l, &lp.a, &lp.b,
	           "INSERT INTO counter (id, n, label, old) VALUES "
	           "(1, 10, 'x', 'o'), (2, 20, NULL, NULL), (7, 30, 'z', "
	           "NULL); DELETE FROM counter WHERE id = 7;");
	/* AUTOINCREMENT still knows 7 was used; NULL labels took '?' */
	v = one_value(l->m, "SELECT seq FROM sqlite_sequence WHERE name = "
	                    "'counter'");
	assert_string_equal(v, "7");
	free(v);
	v = one_value(l->m, "SELECT group_concat(id || ':' || n || ':' || "
	                    "label) FROM counter");
	assert_string_equal(v, "1:10:x,2:20:?");
	free(v);
	live_pair_release(&lp);
}

/* Keys, checks, FKs and a view over the changed tables. */
static void sqlite_keys_pair(struct live_pair *lp, bool after)
{
	struct rt_catalog *cat = after ? &lp->b : &lp->a;
	struct rt_cat_table *t;
	struct rt_cat_fk *f;

	t = cf_simple(cat, "parent", "code TEXT");
	cf_uq(t, NULL, "code");
	if (after) {
		rt_cat_table_find_column(t, "code")->not_null = true;
		rt_cat_table_add_check(t, "ck_code", "length(code) > 0");
	}
	t = cf_simple(cat, "child", "parent_id INTEGER,note TEXT");
	f = cf_fk(t, NULL, "parent_id", "parent", "id");
	f->on_delete = after ? RT_FK_SET_NULL : RT_FK_CASCADE;
	if (after)
		cf_ix(t, "ix_child_parent", false, "parent_id", NULL);
	rt_catalog_add_view(cat, "notes",
	                    "SELECT p.code, c.note FROM child AS c JOIN "
	                    "parent AS p ON p.id = c.parent_id");
}

static void test_live_sqlite_keys(void **state)
{
	struct live *l = *state;
	struct live_pair lp;

	live_pair_init(&lp, RT_DIALECT_SQLITE);
	sqlite_keys_pair(&lp, false);
	sqlite_keys_pair(&lp, true);
	round_trip(l, &lp.a, &lp.b,
	           "INSERT INTO parent VALUES (1, 'one'), (2, 'two');"
	           "INSERT INTO child VALUES (1, 1, 'a'), (2, 1, 'b'), "
	           "(3, 2, 'c');");
	live_pair_release(&lp);
}

/* A parent dropped under a kept child; two new tables in a cycle. */
static void test_live_sqlite_drop_referenced(void **state)
{
	struct live *l = *state;
	struct live_pair lp;
	struct rt_cat_table *t;

	live_pair_init(&lp, RT_DIALECT_SQLITE);
	cf_simple(&lp.a, "p", "x TEXT");
	t = cf_simple(&lp.a, "c", "p_id INTEGER");
	cf_fk(t, NULL, "p_id", "p", "id");
	cf_simple(&lp.b, "c", "p_id INTEGER");
	build_cycle_into(&lp.b);
	round_trip(l, &lp.a, &lp.b,
	           "INSERT INTO p VALUES (1, 'x');"
	           "INSERT INTO c VALUES (1, NULL), (2, NULL);");
	live_pair_release(&lp);
}

/*
 * The trap: rebuilding a parent whose children have ON DELETE CASCADE.
 * Run as the runner will (enforcement off before BEGIN), every child row
 * survives; run inside a transaction with enforcement on, DROP TABLE
 * deletes the parent's rows first and the cascade empties the child.
 */
static void cascade_pair(struct live_pair *lp)
{
	struct rt_cat_table *t;

	cf_simple(&lp->a, "parent", "name TEXT");
	t = cf_simple(&lp->b, "parent", "name TEXT");
	rt_cat_table_find_column(t, "name")->not_null = true;
	t = cf_simple(&lp->a, "child", "parent_id INTEGER,note TEXT");
	cf_fk(t, NULL, "parent_id", "parent", "id")->on_delete = RT_FK_CASCADE;
	t = cf_simple(&lp->b, "child", "parent_id INTEGER,note TEXT");
	cf_fk(t, NULL, "parent_id", "parent", "id")->on_delete = RT_FK_CASCADE;
}

static const char cascade_rows[] =
        "INSERT INTO parent VALUES (1, 'a'), (2, 'b'), (3, 'c');"
        "INSERT INTO child VALUES (1, 1, 'x'), (2, 1, 'y'), (3, 2, 'z'), "
        "(4, 3, 'w'), (5, 3, 'v'), (6, NULL, 'orphan');";

static const char child_rows[] =
        "SELECT count(*) || ': ' || group_concat(id || '/' || "
        "coalesce(parent_id, '-') || '/' || note, ' ') FROM (SELECT * "
        "FROM child ORDER BY id)";

static void test_cascade_children_survive(void **state)
{
	struct live *l = *state;
	struct live_pair lp;
	struct rt_catalog empty;
	char *sql, *before, *after;
	bool off;

	live_pair_init(&lp, RT_DIALECT_SQLITE);
	rt_catalog_init(&empty, RT_DIALECT_SQLITE);
	cascade_pair(&lp);
	sql = render(&empty, &lp.a, &off);
	must(l->m, sql);
	free(sql);
	must(l->m, cascade_rows);
	before = one_value(l->m, child_rows);
	assert_string_equal(before, "6: 1/1/x 2/1/y 3/2/z 4/3/w 5/3/v "
	                            "6/-/orphan");
	sql = render(&lp.a, &lp.b, &off);
	assert_true(off);
	assert_non_null(strstr(sql, "DROP TABLE parent;"));
	/* no PRAGMA statement: the runner does that outside the
	   transaction (the text only mentions it in a comment) */
	assert_null(strstr(sql, "\nPRAGMA"));
	assert_false(rt_starts_with(sql, "PRAGMA"));
	/* the runner's way: off before BEGIN, check, COMMIT, on again */
	apply(l, l->m, sql, off);
	after = one_value(l->m, child_rows);
	assert_string_equal(after, before);
	free(after);
	after = one_value(l->m, "PRAGMA foreign_keys");
	assert_string_equal(after, "1");
	free(after);

	/* the trap: the same SQL in a transaction with enforcement on */
	reset(l, &l->f);
	free(sql);
	sql = render(&empty, &lp.a, &off);
	must(l->f, sql);
	free(sql);
	must(l->f, cascade_rows);
	sql = render(&lp.a, &lp.b, &off);
	must(l->f, "BEGIN");
	must(l->f, sql);
	after = one_value(l->f, child_rows);
	assert_string_equal(after, "1: 6/-/orphan");
	free(after);
	must(l->f, "ROLLBACK");
	after = one_value(l->f, child_rows);
	assert_string_equal(after, before);
	free(after);
	free(before);
	free(sql);
	rt_catalog_release(&empty);
	live_pair_release(&lp);
}

/* ---- round trips on PostgreSQL ---------------------------------------- */

static void test_live_pg_create(void **state)
{
	struct live *l = *state;
	struct live_pair lp;

	live_pair_init(&lp, RT_DIALECT_POSTGRESQL);
	pg_shop(&lp.b);
	round_trip(l, &lp.a, &lp.b, NULL);
	live_pair_release(&lp);
}

static void test_live_pg_columns(void **state)
{
	struct live *l = *state;
	struct live_pair lp;

	live_pair_init(&lp, RT_DIALECT_POSTGRESQL);
	pg_columns(&lp.a, false);
	pg_columns(&lp.b, true);
	/* a view on the columns whose type changes */
	rt_catalog_add_view(&lp.a, "tv", "SELECT v, n FROM t");
	rt_catalog_add_view(&lp.b, "tv", "SELECT v, n FROM t");
	round_trip(l, &lp.a, &lp.b,
	           "INSERT INTO t (v, n, idn, c, plain) VALUES "
	           "('a', 1, 10, 'c1', 'p1'), ('b', 2, 20, NULL, NULL)");
	live_pair_release(&lp);
}

static void test_live_pg_enums(void **state)
{
	struct live *l = *state;
	struct live_pair lp;
	struct rt_cat_table *t;
	struct rt_cat_column *c;

	live_pair_init(&lp, RT_DIALECT_POSTGRESQL);
	cf_split(&rt_catalog_add_enum(&lp.a, "mood")->labels, "sad,happy");
	cf_split(&rt_catalog_add_enum(&lp.a, "size")->labels, "s,m,l");
	cf_split(&rt_catalog_add_enum(&lp.b, "mood")->labels,
	         "awful,sad,ok,happy");
	cf_split(&rt_catalog_add_enum(&lp.b, "size")->labels, "s,l");
	for (int i = 0; i < 2; i++) {
		t = rt_catalog_add_table(i ? &lp.b : &lp.a, "shirt");
		cf_col_nn(t, "id", "integer");
		c = cf_col(t, "size", "size");
		cf_set(&c->default_expr, "'s'::size");
		cf_col(t, "sizes", "size[]");
		cf_col(t, "mood", "mood");
		cf_pk(t, "shirt_pkey", "id");
		cf_ix(t, "ix_shirt_size", false, "size", NULL);
		rt_catalog_add_view(i ? &lp.b : &lp.a, "small",
		                    "SELECT id FROM shirt WHERE size = "
		                    "'s'::size");
	}
	round_trip(l, &lp.a, &lp.b,
	           "INSERT INTO shirt VALUES (1, 's', '{s,l}', 'sad'), "
	           "(2, 'l', '{}', 'happy'), (3, DEFAULT, NULL, NULL)");
	live_pair_release(&lp);
}

static void test_live_pg_owned_sequence(void **state)
{
	struct live *l = *state;
	struct live_pair lp;

	live_pair_init(&lp, RT_DIALECT_POSTGRESQL);
	pg_owned_sequence(&lp.b);
	round_trip(l, &lp.a, &lp.b, NULL);
	live_pair_release(&lp);
}

static void test_live_pg_cycle_and_rename(void **state)
{
	struct live *l = *state;
	struct live_pair lp;
	struct rt_cat_table *t;

	live_pair_init(&lp, RT_DIALECT_POSTGRESQL);
	t = rt_catalog_add_table(&lp.a, "Person");
	cf_col_nn(t, "id", "integer");
	cf_col(t, "name", "text");
	cf_ix(t, "ix_name", false, "name", NULL);
	t = rt_catalog_add_table(&lp.b, "people");
	cf_col_nn(t, "id", "integer");
	cf_col(t, "name", "text");
	cf_ix(t, "ix_name", false, "name", NULL);
	build_cycle_into(&lp.b);
	round_trip(l, &lp.a, &lp.b, "INSERT INTO \"Person\" VALUES (1, 'ann')");
	live_pair_release(&lp);
}

/* Keys that change under FKs that do not; comments; a sequence. */
static void pg_keys(struct rt_catalog *cat, bool after)
{
	struct rt_cat_table *t;
	struct rt_cat_sequence *s;
	struct rt_cat_fk *f;

	s = rt_catalog_add_sequence(cat, "counter");
	cf_set(&s->data_type, after ? "integer" : "bigint");
	s->start = s->min_value = s->cache = 1;
	s->increment = after ? 5 : 1;
	s->max_value = 1000000;
	s->cycle = after;
	t = rt_catalog_add_table(cat, "parent");
	cf_col_nn(t, "id", "integer");
	cf_col_nn(t, "code", "text");
	cf_col(t, "extra", after ? "text" : "integer");
	cf_pk(t, "parent_pkey", after ? "id,code" : "id");
	cf_uq(t, after ? "parent_code_uq" : "parent_code_key", "code");
	cf_set(&t->comment, after ? "the parents" : NULL);
	t = rt_catalog_add_table(cat, "child");
	cf_col_nn(t, "id", "integer");
	cf_col(t, "parent_code", "text");
	cf_pk(t, "child_pkey", "id");
	f = cf_fk(t, "child_parent_code_fkey", "parent_code", "parent", "code");
	f->on_update = RT_FK_CASCADE;
	rt_cat_table_add_check(t, "child_code_check",
	                       after ? "parent_code <> ''" :
	                               "parent_code IS NOT NULL");
	cf_set(&rt_catalog_add_view(cat, "codes", "SELECT code FROM parent")
	                ->comment,
	       after ? "codes" : NULL);
}

static void test_live_pg_keys(void **state)
{
	struct live *l = *state;
	struct live_pair lp;

	live_pair_init(&lp, RT_DIALECT_POSTGRESQL);
	pg_keys(&lp.a, false);
	pg_keys(&lp.b, true);
	round_trip(l, &lp.a, &lp.b,
	           "INSERT INTO parent VALUES (1, 'a', NULL), (2, 'b', 2);"
	           "INSERT INTO child VALUES (1, 'a'), (2, 'b')");
	live_pair_release(&lp);
}

/* ---- random pairs ----------------------------------------------------- */

/*
 * Random schemas A and B (B is A with a few things changed), built into
 * catalogs and sent on a round trip.  Everything is chosen so that rows
 * survive every change: NOT NULL columns have defaults, values are
 * numbers (which every type takes), FK columns hold NULL, CHECKs hold.
 */
#define NR_TABLES 5
#define NR_COLS   4

struct col_spec {
	bool present, not_null, collate;
	unsigned type, default_variant;
};

struct index_spec {
	bool present, unique, partial;
	unsigned col;
};

struct table_spec {
	bool present, fk, unique[NR_COLS], check, view, view2, autoinc;
	unsigned fk_target, fk_action, check_variant;
	struct col_spec col[NR_COLS];
	struct index_spec ix[2];
};

struct schema_spec {
	struct table_spec t[NR_TABLES];
};

static uint64_t rnd_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static unsigned rnd(uint64_t *s, unsigned n)
{
	return (unsigned)(rnd_next(s) % n);
}

static void random_column(uint64_t *s, struct col_spec *c)
{
	c->present = rnd(s, 4) != 0;
	c->not_null = rnd(s, 3) == 0;
	c->collate = rnd(s, 5) == 0;
	c->type = rnd(s, 4);
	c->default_variant = rnd(s, 2);
}

static void random_table(uint64_t *s, struct table_spec *t)
{
	t->present = rnd(s, 5) != 0;
	for (unsigned k = 0; k < NR_COLS; k++) {
		random_column(s, &t->col[k]);
		t->unique[k] = rnd(s, 6) == 0;
	}
	t->fk = rnd(s, 2);
	t->fk_target = rnd(s, NR_TABLES);
	t->fk_action = rnd(s, 3);
	t->check = rnd(s, 2);
	t->check_variant = rnd(s, 2);
	t->view = rnd(s, 3) == 0;
	t->view2 = rnd(s, 2);
	t->autoinc = rnd(s, 4) == 0;
	for (unsigned k = 0; k < 2; k++) {
		t->ix[k].present = rnd(s, 2);
		t->ix[k].unique = rnd(s, 3) == 0;
		t->ix[k].partial = rnd(s, 3) == 0;
		t->ix[k].col = rnd(s, NR_COLS);
	}
}

/* Change one thing of `spec` at random. */
static void mutate(uint64_t *s, struct schema_spec *spec)
{
	struct table_spec *t = &spec->t[rnd(s, NR_TABLES)];
	struct col_spec *c = &t->col[rnd(s, NR_COLS)];

	switch (rnd(s, 14)) {
	case 12:
		c->default_variant ^= 1;
		c->collate ^= rnd(s, 2);
		break;
	case 13:
		t->view2 ^= 1;
		break;
	case 0:
		random_table(s, t);
		break;
	case 1:
		t->present = !t->present;
		break;
	case 2:
		c->present = !c->present;
		break;
	case 3:
		c->type = rnd(s, 4);
		break;
	case 4:
		c->not_null = !c->not_null;
		break;
	case 5:
		t->fk = !t->fk;
		t->fk_action = rnd(s, 3);
		break;
	case 6:
		t->fk_target = rnd(s, NR_TABLES);
		break;
	case 7:
		t->unique[rnd(s, NR_COLS)] ^= 1;
		break;
	case 8:
		t->check_variant = rnd(s, 2);
		t->check = rnd(s, 2);
		break;
	case 9:
		t->ix[rnd(s, 2)].unique ^= 1;
		break;
	case 10:
		t->ix[rnd(s, 2)].present ^= 1;
		break;
	default:
		t->view = !t->view;
		t->autoinc = !t->autoinc;
		break;
	}
}

static const char *const sqlite_types[] = { "INTEGER", "TEXT", "REAL",
	                                    "VARCHAR(10)" };
static const char *const pg_types[] = { "integer", "text", "bigint",
	                                "character varying(10)" };

static void build_spec(struct rt_catalog *cat, const struct schema_spec *spec)
{
	bool pg = cat->dialect == RT_DIALECT_POSTGRESQL;

	for (unsigned i = 0; i < NR_TABLES; i++) {
		const struct table_spec *ts = &spec->t[i];
		struct rt_cat_table *t;
		char name[16], cname[96], buf[160];

		if (!ts->present)
			continue;
		snprintf(name, sizeof(name), "t%u", i);
		t = rt_catalog_add_table(cat, name);
		cf_col_nn(t, "id", pg ? "integer" : "INTEGER");
		snprintf(buf, sizeof(buf), "%s_pkey", name);
		cf_pk(t, pg ? buf : NULL, "id");
		t->autoincrement = !pg && ts->autoinc;
		for (unsigned k = 0; k < NR_COLS; k++) {
			const struct col_spec *cs = &ts->col[k];
			struct rt_cat_column *c;
			/* a new NOT NULL column gets its default in every
			   row, which a unique one cannot take */
			bool unique = ts->unique[k] ||
			              (ts->ix[0].present && ts->ix[0].unique &&
			               ts->ix[0].col == k) ||
			              (ts->ix[1].present && ts->ix[1].unique &&
			               ts->ix[1].col == k);

			if (!cs->present)
				continue;
			snprintf(cname, sizeof(cname), "c%u", k);
			c = cf_col(t, cname,
			           (pg ? pg_types : sqlite_types)[cs->type]);
			if (cs->not_null && !unique) {
				c->not_null = true;
				cf_set(&c->default_expr,
				       cs->default_variant ? "1" : "0");
			}
			/* text types only: PostgreSQL collates nothing else */
			if (cs->collate && (cs->type == 1 || cs->type == 3))
				cf_set(&c->collation, pg ? "C" : "NOCASE");
			if (ts->unique[k]) {
				snprintf(buf, sizeof(buf), "%s_%s_key", name,
				         cname);
				cf_uq(t, pg ? buf : NULL, cname);
			}
		}
		cf_col(t, "ref", pg ? "integer" : "INTEGER");
		if (ts->fk && spec->t[ts->fk_target].present) {
			struct rt_cat_fk *f;

			snprintf(buf, sizeof(buf), "t%u", ts->fk_target);
			snprintf(cname, sizeof(cname), "%s_ref_fkey", name);
			f = cf_fk(t, pg ? cname : NULL, "ref", buf, "id");
			f->on_delete = ts->fk_action == 1 ? RT_FK_CASCADE :
			               ts->fk_action == 2 ? RT_FK_SET_NULL :
			                                    RT_FK_NO_ACTION;
		}
		if (ts->check) {
			snprintf(buf, sizeof(buf), "%s_check", name);
			rt_cat_table_add_check(t, pg ? buf : NULL,
			                       ts->check_variant ? "id >= 0" :
			                                           "id > -1");
		}
		for (unsigned k = 0; k < 2; k++) {
			const struct index_spec *is = &ts->ix[k];

			snprintf(cname, sizeof(cname), "c%u", is->col);
			if (!is->present || !ts->col[is->col].present)
				continue;
			snprintf(buf, sizeof(buf), "ix_%s_%u", name, k);
			cf_ix(t, buf, is->unique, cname,
			      is->partial ? "id > 0" : NULL);
		}
		if (ts->view) {
			snprintf(buf, sizeof(buf), "v%u", i);
			snprintf(cname, sizeof(cname), "SELECT id, ref FROM %s",
			         name);
			rt_catalog_add_view(cat, buf, cname);
			/* and one that reads the view and another table */
			if (ts->view2 && spec->t[ts->fk_target].present) {
				snprintf(buf, sizeof(buf), "w%u", i);
				snprintf(
				        cname, sizeof(cname),
				        "SELECT v.id FROM v%u AS v JOIN t%u AS o "
				        "ON o.id = v.ref",
				        i, ts->fk_target);
				rt_catalog_add_view(cat, buf, cname);
			}
		}
	}
}

/* Three rows in each table of A: ids 1..3, numbers everywhere. */
static char *spec_rows(const struct schema_spec *spec)
{
	struct rt_buf out = RT_BUF_INIT;

	for (unsigned i = 0; i < NR_TABLES; i++) {
		const struct table_spec *ts = &spec->t[i];

		if (!ts->present)
			continue;
		for (unsigned r = 1; r <= 3; r++) {
			rt_buf_addf(&out, "INSERT INTO t%u (id", i);
			for (unsigned k = 0; k < NR_COLS; k++)
				if (ts->col[k].present)
					rt_buf_addf(&out, ", c%u", k);
			rt_buf_addf(&out, ") VALUES (%u", r);
			for (unsigned k = 0; k < NR_COLS; k++)
				if (ts->col[k].present)
					rt_buf_addf(&out, ", %u", r * 10 + k);
			rt_buf_adds(&out, ");\n");
		}
	}
	return rt_buf_detach(&out);
}

/*
 * `count` pairs; RT_RANDOM_PAIRS=N in the environment runs N instead,
 * RT_RANDOM_SEED=S starts elsewhere, to search longer.
 */
static void random_round_trips(struct live *l, unsigned count)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	const char *env;

	if ((env = getenv("RT_RANDOM_PAIRS")))
		count = (unsigned)strtoul(env, NULL, 10);
	if ((env = getenv("RT_RANDOM_SEED")))
		seed ^= strtoull(env, NULL, 10) * 0x2545f4914f6cdd1dULL;

	l->any_column_order = true;
	for (unsigned n = 0; n < count; n++) {
		struct schema_spec sa, sb;
		struct live_pair lp;
		unsigned changes = 1 + rnd(&seed, 5);
		char *rows_sql;

		for (unsigned i = 0; i < NR_TABLES; i++)
			random_table(&seed, &sa.t[i]);
		sb = sa;
		for (unsigned k = 0; k < changes; k++)
			mutate(&seed, &sb);
		if (getenv("RT_RANDOM_VERBOSE"))
			print_message("# random pair %u\n", n);
		live_pair_init(&lp, l->dialect);
		build_spec(&lp.a, &sa);
		build_spec(&lp.b, &sb);
		rows_sql = spec_rows(&sa);
		round_trip(l, &lp.a, &lp.b, rows_sql);
		free(rows_sql);
		live_pair_release(&lp);
	}
}

static void test_live_sqlite_random(void **state)
{
	random_round_trips(*state, 300);
}

static void test_live_pg_random(void **state)
{
	random_round_trips(*state, 60);
}

/* ---- speed ------------------------------------------------------------ */

static double ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) * 1e3 +
	       (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

/*
 * 1,000 tables, each referencing the one before and indexed twice, and
 * 50 views; `after` changes a tenth of them (a new column, a type
 * change, a new index), drops ten and adds ten.
 */
static void big_schema(struct rt_catalog *cat, bool after)
{
	bool pg = cat->dialect == RT_DIALECT_POSTGRESQL;

	for (int i = 0; i < 1000; i++) {
		char name[32], ref[32], ixname[64];
		struct rt_cat_table *t;

		if (after && i % 100 == 99)
			continue; /* dropped */
		snprintf(name, sizeof(name), "table_%04d", i);
		t = rt_catalog_add_table(cat, name);
		cf_col_nn(t, "id", pg ? "integer" : "INTEGER");
		cf_col(t, "name", pg ? "text" : "TEXT");
		cf_col(t, "amount",
		       after && i % 20 == 5 ? (pg ? "bigint" : "REAL") :
		                              (pg ? "integer" : "INTEGER"));
		cf_col(t, "ref_id", pg ? "integer" : "INTEGER");
		if (after && i % 10 == 3)
			cf_col(t, "added", pg ? "text" : "TEXT");
		cf_pk(t, pg ? "pk" : NULL, "id");
		if (i > 0) {
			snprintf(ref, sizeof(ref), "table_%04d", i - 1);
			cf_fk(t, NULL, "ref_id", ref, "id");
		}
		snprintf(ixname, sizeof(ixname), "ix_%s_name", name);
		cf_ix(t, ixname, false, "name", NULL);
		snprintf(ixname, sizeof(ixname), "ix_%s_amount", name);
		cf_ix(t, ixname, after && i % 10 == 7, "amount", NULL);
	}
	if (after)
		for (int i = 0; i < 10; i++) {
			char name[32];

			snprintf(name, sizeof(name), "new_%02d", i);
			cf_col(rt_catalog_add_table(cat, name), "x", "TEXT");
		}
	for (int i = 0; i < 50; i++) {
		char name[32], def[80];

		snprintf(name, sizeof(name), "view_%02d", i);
		snprintf(def, sizeof(def), "SELECT id, name FROM table_%04d",
		         i * 20 + 5);
		rt_catalog_add_view(cat, name, def);
	}
}

static void time_one(enum rt_dialect dialect)
{
	struct rt_catalog a, b, empty;
	struct timespec start;
	double create_ms, change_ms;
	char *sql;
	bool off;

	rt_catalog_init(&a, dialect);
	rt_catalog_init(&b, dialect);
	rt_catalog_init(&empty, dialect);
	big_schema(&a, false);
	big_schema(&b, true);
	clock_gettime(CLOCK_MONOTONIC, &start);
	sql = render(&empty, &a, &off);
	create_ms = ms_since(&start);
	assert_non_null(strstr(sql, "CREATE TABLE table_0999"));
	free(sql);
	clock_gettime(CLOCK_MONOTONIC, &start);
	sql = render(&a, &b, &off);
	change_ms = ms_since(&start);
	free(sql);
	print_message("# %s, 1,000 tables: diff+render from nothing %.1f ms, "
	              "of changes %.1f ms\n",
	              rt_dialect_name(dialect), create_ms, change_ms);
	rt_catalog_release(&a);
	rt_catalog_release(&b);
	rt_catalog_release(&empty);
}

static void test_thousand_tables(void **state)
{
	(void)state;
	time_one(RT_DIALECT_SQLITE);
	time_one(RT_DIALECT_POSTGRESQL);
}

int main(void)
{
#define TEXT_TEST(fn, setup) \
 cmocka_unit_test_setup_teardown(fn, setup, teardown)
#define LIVE_TEST(fn, setup) \
 cmocka_unit_test_setup_teardown(fn, setup, teardown_live)
	const struct CMUnitTest tests[] = {
		TEXT_TEST(test_pg_create_and_drop, setup_pg),
		TEXT_TEST(test_pg_alter_columns, setup_pg),
		TEXT_TEST(test_pg_enums, setup_pg),
		TEXT_TEST(test_pg_cycle_and_rename, setup_pg),
		TEXT_TEST(test_pg_owned_sequence, setup_pg),
		TEXT_TEST(test_pg_other_schema_fk, setup_pg),
		TEXT_TEST(test_sqlite_create_and_drop, setup_sqlite),
		TEXT_TEST(test_sqlite_alter_or_rebuild, setup_sqlite),
		TEXT_TEST(test_sqlite_rebuild, setup_sqlite),
		LIVE_TEST(test_live_sqlite_create, setup_live_sqlite),
		LIVE_TEST(test_live_sqlite_alter, setup_live_sqlite),
		LIVE_TEST(test_live_sqlite_rebuild, setup_live_sqlite),
		LIVE_TEST(test_live_sqlite_keys, setup_live_sqlite),
		LIVE_TEST(test_live_sqlite_drop_referenced, setup_live_sqlite),
		LIVE_TEST(test_cascade_children_survive, setup_live_sqlite),
		LIVE_TEST(test_live_pg_create, setup_live_pg),
		LIVE_TEST(test_live_pg_columns, setup_live_pg),
		LIVE_TEST(test_live_pg_enums, setup_live_pg),
		LIVE_TEST(test_live_pg_cycle_and_rename, setup_live_pg),
		LIVE_TEST(test_live_pg_owned_sequence, setup_live_pg),
		LIVE_TEST(test_live_pg_keys, setup_live_pg),
		LIVE_TEST(test_live_sqlite_random, setup_live_sqlite),
		LIVE_TEST(test_live_pg_random, setup_live_pg),
		cmocka_unit_test(test_thousand_tables),
	};
#undef TEXT_TEST
#undef LIVE_TEST

	return cmocka_run_group_tests(tests, NULL, NULL);
}
