/*
 * graph_fixture.c - the hand-built revisions of graph_fixture.h.
 */
#include "util/compat.h"
#include <setjmp.h>
#include <cmocka.h>

#include "graph_fixture.h"

static const char **split_list(struct rt_arena *a, const char *s, size_t *nr)
{
	const char **v;
	size_t n = 1, k = 0;

	*nr = 0;
	if (!s || !*s)
		return NULL;
	for (const char *p = s; *p; p++)
		n += *p == ',';
	v = rt_arena_alloc(a, n * sizeof(*v));
	while (*s) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		v[k++] = rt_arena_strndup(a, s, len);
		s += len + (e ? 1 : 0);
	}
	*nr = k;
	return v;
}

/* One revision: parents, dependencies and labels comma-separated. */
void rev(struct fx *f, const char *id, const char *down, const char *deps,
         const char *labels, const char *doc)
{
	struct rt_revision *r = rt_arena_alloc(&f->arena, sizeof(*r));

	assert_true(f->nr < MAXREV);
	r->id = rt_arena_strdup(&f->arena, id);
	r->down_revisions = split_list(&f->arena, down, &r->nr_down);
	r->depends_on = split_list(&f->arena, deps, &r->nr_depends);
	r->branch_labels = split_list(&f->arena, labels, &r->nr_labels);
	r->doc = doc ? doc : "";
	r->longdoc = r->doc;
	r->path = rt_arena_strfmt(&f->arena, "/proj/versions/%s.sql", id);
	r->transactional = true;
	r->load_order = (unsigned)f->nr;
	f->revs[f->nr++] = r;
}

int build(struct fx *f)
{
	rt_error_clear(&f->err);
	return rt_revmap_build(&f->map, f->revs, f->nr, &f->err);
}

struct fx *fx_new(void)
{
	return calloc(1, sizeof(struct fx));
}

void fx_free(struct fx *f)
{
	rt_revmap_free(f->map);
	rt_arena_release(&f->arena);
	free(f);
}

const struct rt_revision *R(struct fx *f, const char *id)
{
	const struct rt_revision *r = rt_revmap_get(f->map, id);

	assert_non_null(r);
	return r;
}

/* "a b c" for a list of revisions (in the fixture's buffer). */
const char *ids(struct fx *f, struct rt_revlist *l)
{
	size_t off = 0;

	f->text[0] = '\0';
	for (size_t i = 0; i < l->nr; i++)
		off += (size_t)snprintf(f->text + off, sizeof(f->text) - off,
		                        "%s%s", i ? " " : "", l->items[i]->id);
	rt_revlist_release(l);
	return f->text;
}

/* The `br` project of alembic.md §0.2. */
void br(struct fx *f)
{
	rev(f, "aaaa00000001", NULL, NULL, NULL, "base rev");
	rev(f, "bbbb00000002", "aaaa00000001", NULL, NULL, "b1");
	rev(f, "cccc00000003", "aaaa00000001", NULL, NULL, "c1");
	rev(f, "dddd00000004", "bbbb00000002", NULL, NULL, "d after b");
	rev(f, "eeee00000005", "cccc00000003,dddd00000004", NULL, NULL,
	    "merge d and c");
	rev(f, "ffff00000006", "eeee00000005", NULL, NULL, "after merge");
}

/* The `lbl` project: three roots with labels and dependencies. */
void lbl(struct fx *f)
{
	rev(f, "5a0000000001", NULL, NULL, "shop", "shop base");
	rev(f, "5b0000000002", "5a0000000001", NULL, NULL, "shop two");
	rev(f, "5c0000000003", "5b0000000002", "7a0000000001", NULL,
	    "shop three");
	rev(f, "7a0000000001", NULL, NULL, "auth", "auth base");
	rev(f, "7b0000000002", "7a0000000001", "5b0000000002", NULL,
	    "auth two");
	rev(f, "7c0000000003", "7b0000000002", "lib", NULL, "auth three");
	rev(f, "9a0000000001", NULL, NULL, "lib", "lib base");
}

void lin(struct fx *f)
{
	rev(f, "1111aaaa0001", NULL, NULL, NULL, "create account table");
	rev(f, "2222bbbb0002", "1111aaaa0001", NULL, NULL, "add email");
	rev(f, "3333cccc0003", "2222bbbb0002", NULL, NULL, "add index");
}

void mh(struct fx *f)
{
	rev(f, "aaaa00000001", NULL, NULL, NULL, "base rev");
	rev(f, "bbbb00000002", "aaaa00000001", NULL, NULL, "b1");
	rev(f, "cccc00000003", "aaaa00000001", NULL, NULL, "c1");
	rev(f, "dddd00000004", "bbbb00000002", NULL, NULL, "d after b");
}

struct fx *make(void (*fill)(struct fx *))
{
	struct fx *f = fx_new();

	fill(f);
	assert_int_equal(build(f), 0);
	return f;
}
