/*
 * catalog_fixture.h - building catalogs by hand in unit tests.
 * Lists are comma-separated without blanks ("a,b").
 */
#ifndef RT_CATALOG_FIXTURE_H
#define RT_CATALOG_FIXTURE_H

#include "util/compat.h"
#include "schema/catalog.h"

void cf_split(struct rt_strvec *v, const char *csv);
struct rt_cat_column *cf_col(struct rt_cat_table *t, const char *name,
                             const char *type);
struct rt_cat_column *cf_col_nn(struct rt_cat_table *t, const char *name,
                                const char *type);
/* Replace a malloc'd string field (NULL clears it). */
void cf_set(char **field, const char *value);
void cf_pk(struct rt_cat_table *t, const char *name, const char *cols);
void cf_uq(struct rt_cat_table *t, const char *name, const char *cols);
struct rt_cat_fk *cf_fk(struct rt_cat_table *t, const char *name,
                        const char *cols, const char *ref,
                        const char *ref_cols);
struct rt_cat_index *cf_ix(struct rt_cat_table *t, const char *name,
                           bool unique, const char *keys, const char *where);
/* id INTEGER primary key, then `cols` as "name type" pairs. */
struct rt_cat_table *cf_simple(struct rt_catalog *cat, const char *name,
                               const char *cols);

#endif
