#include "util/compat.h"
/*
 * revlist.c - the growable list of borrowed revision pointers declared in
 * revision.h.  The list owns only its array, never the revisions.
 */
#include "graph/revision.h"
#include "util/alloc.h"

void rt_revlist_push(struct rt_revlist *list, const struct rt_revision *rev)
{
	RT_ALLOC_GROW(list->items, list->nr + 1, list->alloc);
	list->items[list->nr++] = rev;
}

bool rt_revlist_contains(const struct rt_revlist *list,
                         const struct rt_revision *rev)
{
	for (size_t i = 0; i < list->nr; i++)
		if (list->items[i] == rev)
			return true;
	return false;
}

void rt_revlist_release(struct rt_revlist *list)
{
	if (!list)
		return;
	free(list->items);
	list->items = NULL;
	list->nr = 0;
	list->alloc = 0;
}
