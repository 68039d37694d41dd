#include "util/compat.h"
/*
 * inspector.c - rt_schema_inspect(): pick the inspector for the
 * connection's dialect (inspect.h).
 */
#include "schema/inspect.h"
#include "db/db.h"
#include "error_raise.h"

int rt_schema_inspect(struct rt_catalog *cat, struct rt_db *db,
                      const char *schema, const char *const *exclude,
                      struct rt_error *err)
{
	enum rt_dialect dialect = rt_db_dialect(db);

	if (cat->dialect != dialect)
		return rt_error_set(
		        err, RT_ERROR,
		        "cannot read a %s database into a %s catalog",
		        rt_dialect_name(dialect),
		        rt_dialect_name(cat->dialect));
	switch (dialect) {
	case RT_DIALECT_SQLITE:
		if (schema)
			return rt_error_set(err, RT_EUNSUPPORTED,
			                    "cannot inspect schema '%s': an "
			                    "SQLite connection has one schema "
			                    "to compare, its main database",
			                    schema);
		return rt_schema_inspect_sqlite(cat, db, exclude, err);
	case RT_DIALECT_POSTGRESQL:
		return rt_schema_inspect_postgres(cat, db, schema, exclude,
		                                  err);
	}
	return rt_error_set(err, RT_EUNSUPPORTED, "unknown database dialect");
}
