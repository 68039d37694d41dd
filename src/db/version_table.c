/*
 * version_table.c - the alembic_version table: its SQL, rendered exactly as
 * Alembic (SQLAlchemy 1.4) prints it, and running that SQL through any
 * driver.  The same render functions feed offline --sql output, so the
 * online and offline texts cannot drift apart (alembic.md §8.1, §8.4, §9).
 */
#include "util/compat.h"
#include "db/driver.h"
#include "error_raise.h"

static const char *table_name(const struct rt_vt_name *vt)
{
	return vt->table ? vt->table : "alembic_version";
}

static void add_table(struct rt_buf *out, enum rt_dialect dialect,
                      const struct rt_vt_name *vt)
{
	rt_db__add_qualified(out, dialect, vt->schema, table_name(vt));
}

static void add_literal(struct rt_buf *out, const char *value)
{
	rt_buf_addch(out, '\'');
	rt_buf_add_sql_quoted(out, value);
	rt_buf_addch(out, '\'');
}

/* --- rendering ----------------------------------------------------------- */

void rt_vt_render_create(struct rt_buf *out, enum rt_dialect dialect,
                         const struct rt_vt_name *vt)
{
	struct rt_buf pk_name = RT_BUF_INIT;

	/* SQLAlchemy names the key "<table>_pkc", quoted on its own merits */
	rt_buf_addf(&pk_name, "%s_pkc", table_name(vt));
	rt_buf_adds(out, "CREATE TABLE ");
	add_table(out, dialect, vt);
	/* the space after each comma is part of SQLAlchemy's output */
	rt_buf_adds(out, " (\n\tversion_num VARCHAR(32) NOT NULL, \n"
	                 "\tCONSTRAINT ");
	rt_db__add_ident(out, dialect, pk_name.buf);
	rt_buf_adds(out, " PRIMARY KEY (version_num)\n)");
	rt_buf_release(&pk_name);
}

static void render_insert(struct rt_buf *out, enum rt_dialect dialect,
                          const struct rt_vt_name *vt, const char *to)
{
	rt_buf_adds(out, "INSERT INTO ");
	add_table(out, dialect, vt);
	rt_buf_adds(out, " (version_num) VALUES (");
	add_literal(out, to);
	rt_buf_addch(out, ')');
	/* SQLAlchemy 1.4 asks PostgreSQL for the new primary key back */
	if (dialect == RT_DIALECT_POSTGRESQL) {
		rt_buf_adds(out, " RETURNING ");
		add_table(out, dialect, vt);
		rt_buf_adds(out, ".version_num");
	}
}

static void render_update(struct rt_buf *out, enum rt_dialect dialect,
                          const struct rt_vt_name *vt, const char *from,
                          const char *to)
{
	rt_buf_adds(out, "UPDATE ");
	add_table(out, dialect, vt);
	rt_buf_adds(out, " SET version_num=");
	add_literal(out, to);
	rt_buf_adds(out, " WHERE ");
	add_table(out, dialect, vt);
	rt_buf_adds(out, ".version_num = ");
	add_literal(out, from);
}

static void render_delete(struct rt_buf *out, enum rt_dialect dialect,
                          const struct rt_vt_name *vt, const char *from)
{
	rt_buf_adds(out, "DELETE FROM ");
	add_table(out, dialect, vt);
	rt_buf_adds(out, " WHERE ");
	add_table(out, dialect, vt);
	rt_buf_adds(out, ".version_num = ");
	add_literal(out, from);
}

void rt_vt_render_op(struct rt_buf *out, enum rt_dialect dialect,
                     const struct rt_vt_name *vt, const struct rt_vt_op *op)
{
	switch (op->kind) {
	case RT_VT_INSERT:
		assert(op->to);
		render_insert(out, dialect, vt, op->to);
		return;
	case RT_VT_UPDATE:
		assert(op->from && op->to);
		render_update(out, dialect, vt, op->from, op->to);
		return;
	case RT_VT_DELETE:
		assert(op->from);
		render_delete(out, dialect, vt, op->from);
		return;
	}
	RT_BUG("unknown version table operation %d", (int)op->kind);
}

void rt_vt_render_drop(struct rt_buf *out, enum rt_dialect dialect,
                       const struct rt_vt_name *vt)
{
	rt_buf_adds(out, "DROP TABLE ");
	add_table(out, dialect, vt);
}

/* --- running ------------------------------------------------------------- */

/*
 * Read-only commands (current, history) must never change the database,
 * even by accident (Alembic's `current` once created the table, #694).
 */
static int refuse_read_only(struct rt_db *db, const struct rt_vt_name *vt,
                            struct rt_error *err)
{
	if (!db->read_only)
		return 0;
	return rt_error_set(err, RT_ERROR,
	                    "refusing to change the version table '%s': the "
	                    "database was opened for a read-only command",
	                    table_name(vt));
}

int rt_vt_exists(bool *out, struct rt_db *db, const struct rt_vt_name *vt,
                 struct rt_error *err)
{
	return rt_db__table_exists(out, db, vt->schema, table_name(vt), err);
}

int rt_vt_create(struct rt_db *db, const struct rt_vt_name *vt,
                 struct rt_error *err)
{
	struct rt_buf sql = RT_BUF_INIT;
	int ret;

	ret = refuse_read_only(db, vt, err);
	if (ret < 0)
		return ret;
	rt_vt_render_create(&sql, db->dialect, vt);
	ret = rt_db_exec(db, sql.buf, NULL, err);
	rt_buf_release(&sql);
	return ret;
}

int rt_vt_read(struct rt_strvec *out, struct rt_db *db,
               const struct rt_vt_name *vt, struct rt_error *err)
{
	struct rt_buf sql = RT_BUF_INIT;
	int ret;

	/* no ORDER BY: `downgrade -1` with several heads uses this order */
	rt_buf_adds(&sql, "SELECT ");
	add_table(&sql, db->dialect, vt);
	rt_buf_adds(&sql, ".version_num FROM ");
	add_table(&sql, db->dialect, vt);
	ret = rt_db__query_column(out, db, sql.buf, err);
	rt_buf_release(&sql);
	return ret;
}

/* Alembic's exact wording, so scripts that grep for it keep working. */
static int not_one_row(const struct rt_vt_name *vt, const struct rt_vt_op *op,
                       long found, struct rt_error *err)
{
	if (op->kind == RT_VT_UPDATE)
		return rt_error_set(err, RT_ERROR,
		                    "Online migration expected to match one "
		                    "row when updating '%s' to '%s' in '%s'; "
		                    "%ld found",
		                    op->from, op->to, table_name(vt), found);
	return rt_error_set(err, RT_ERROR,
	                    "Online migration expected to match one row when "
	                    "deleting '%s' in '%s'; %ld found",
	                    op->from, table_name(vt), found);
}

int rt_vt_apply(struct rt_db *db, const struct rt_vt_name *vt,
                const struct rt_vt_op *op, struct rt_error *err)
{
	struct rt_buf sql = RT_BUF_INIT;
	long changes = 0;
	int ret;

	ret = refuse_read_only(db, vt, err);
	if (ret < 0)
		return ret;
	rt_vt_render_op(&sql, db->dialect, vt, op);
	ret = rt_db_exec(db, sql.buf, &changes, err);
	if (ret < 0)
		goto out;
	if (op->kind != RT_VT_INSERT && changes != 1)
		ret = not_one_row(vt, op, changes, err);
out:
	rt_buf_release(&sql);
	return ret;
}

int rt_vt_purge(struct rt_db *db, const struct rt_vt_name *vt,
                struct rt_error *err)
{
	struct rt_buf sql = RT_BUF_INIT;
	int ret;

	ret = refuse_read_only(db, vt, err);
	if (ret < 0)
		return ret;
	rt_buf_adds(&sql, "DELETE FROM ");
	add_table(&sql, db->dialect, vt);
	ret = rt_db_exec(db, sql.buf, NULL, err);
	rt_buf_release(&sql);
	return ret;
}
