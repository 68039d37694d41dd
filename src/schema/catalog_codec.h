/*
 * catalog_codec.h - a catalog (catalog.h) as bytes and back, for the
 * cache of the desired schema (target_cache.c).
 *
 * Every field of every item is written, in the catalog's own order, so
 * decoding gives back a catalog equal to the one encoded, field for
 * field (NULL strings stay NULL, "" stays "").  The bytes: numbers
 * little-endian, a string as u32 length (0xffffffff for NULL) then its
 * bytes and a NUL, a list as u32 count then its items; catalog_codec.c
 * lists the fields.
 *
 * Decoding trusts nothing: every length and count is checked against the
 * end of the data, so damaged bytes give -1, never a crash or a huge
 * allocation.
 */
#ifndef RT_SCHEMA_CATALOG_CODEC_H
#define RT_SCHEMA_CATALOG_CODEC_H

#include "util/compat.h"
#include "schema/catalog.h"

/* Append `cat` to `out`. */
void rt_catalog_encode(struct rt_buf *out, const struct rt_catalog *cat);

/*
 * Decode `len` bytes (all of them: trailing bytes are an error) into
 * `cat`, which the caller has initialised and which must be empty.  -1
 * when they are not a catalog; `cat` is then left empty.
 */
int rt_catalog_decode(struct rt_catalog *cat, const void *data, size_t len);

#endif
