#include "util/compat.h"
/*
 * render.c - rt_schema_render(): hand the changes to the renderer of the
 * catalogs' dialect (render_sqlite.c, render_postgres.c).
 */
#include "schema/render.h"
#include "error_raise.h"

int rt_schema_render(struct rt_buf *out, bool *needs_fk_off,
                     const struct rt_changes *changes,
                     const struct rt_catalog *from, const struct rt_catalog *to,
                     struct rt_error *err)
{
	*needs_fk_off = false;
	if (from->dialect != to->dialect)
		return rt_error_set(err, RT_ERROR,
		                    "cannot render changes between a %s and a "
		                    "%s schema",
		                    rt_dialect_name(from->dialect),
		                    rt_dialect_name(to->dialect));
	switch (to->dialect) {
	case RT_DIALECT_SQLITE:
		return rt_schema_render_sqlite(out, needs_fk_off, changes, from,
		                               to, err);
	case RT_DIALECT_POSTGRESQL:
		return rt_schema_render_postgres(out, changes, from, to, err);
	}
	return rt_error_set(err, RT_EUNSUPPORTED,
	                    "no SQL renderer for database dialect %d",
	                    (int)to->dialect);
}
