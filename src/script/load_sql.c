#include "util/compat.h"
/*
 * load_sql.c - read one script's SQL sections just before its step runs.
 *
 * Every command loads the scripts without their SQL (rt_scan_headers()),
 * so a run of 10,000 revisions does not hold 10,000 scripts' SQL in
 * memory for its whole length; each step reads its own script again
 * here.  The load checked every script in full already, so this read
 * only fails if the file changed or went away since: then the step stops
 * before it runs, as the plan no longer matches the scripts.
 */
#include "script/script.h"
#include "error_raise.h"
#include "util/fs.h"

/* The same list, in the same order. */
static bool same_list(const char *const *a, size_t na, const char *const *b,
                      size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return true;
}

/* What the graph was built from is what the file says now. */
static bool same_graph_facts(const struct rt_revision *was,
                             const struct rt_revision *now)
{
	return !strcmp(was->id, now->id) &&
	       same_list(was->down_revisions, was->nr_down, now->down_revisions,
	                 now->nr_down) &&
	       same_list(was->depends_on, was->nr_depends, now->depends_on,
	                 now->nr_depends) &&
	       same_list(was->branch_labels, was->nr_labels, now->branch_labels,
	                 now->nr_labels) &&
	       was->transactional == now->transactional;
}

int rt_script_load_sql(const struct rt_revision **out, struct rt_arena *arena,
                       const struct rt_revision *rev, struct rt_error *err)
{
	struct rt_buf text = RT_BUF_INIT, scratch = RT_BUF_INIT;
	struct rt_revision *now = NULL;
	int ret;

	*out = NULL;
	ret = rt_fs_read_file(&text, rev->path, err);
	if (ret == 0) {
		rt_buf_grow(&text, 1); /* the parser writes text[len] */
		ret = rt_sqlscript_parse_buf(&now, arena, rev->path, text.buf,
		                             text.len, true, &scratch, err);
	}
	if (ret == 0 && !same_graph_facts(rev, now))
		ret = rt_error_set_at(
		        err, RT_EGRAPH, rev->path, 0,
		        "%s changed while retort was running: its header no "
		        "longer says what it said when revision %s was "
		        "planned; run the command again",
		        rev->path, rev->id);
	if (ret == 0)
		*out = now;
	rt_buf_release(&text);
	rt_buf_release(&scratch);
	return ret;
}
