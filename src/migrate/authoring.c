/*
 * authoring.c - the commands that write files: `revision`, `merge` and
 * `init`.  Everything is checked before the file is written (unlike
 * Alembic, which can leave a broken script behind when a branch label is
 * taken): parents, ids, labels, dependencies and the target folder.
 */
#include "util/compat.h"
#include "migrate/autogen.h"
#include "migrate/context.h"
#include "retort/commands.h"
#include "error_raise.h"
#include "graph/revmap.h"
#include "script/script.h"
#include "util/alloc.h"
#include "util/fs.h"

#include <time.h>

/* Alembic's rule for ids, plus the length alembic_version can hold. */
static int check_rev_id(const struct rt_context *ctx, const char *id,
                        struct rt_error *err)
{
	struct rt_buf bad = RT_BUF_INIT;
	const struct rt_revision *existing;
	int ret = 0;

	if (rt_revision_id_forbidden(&bad, id))
		ret = rt_error_set(err, RT_EUSAGE,
		                   "Character(s) '%s' not allowed in revision "
		                   "identifier '%s'",
		                   bad.buf, id);
	else if (!*id || strchr(id, ':') || strpbrk(id, " \t\n,"))
		ret = rt_error_set(err, RT_EUSAGE,
		                   "revision identifier '%s' is not valid: use "
		                   "letters, digits and '_'",
		                   id);
	else if (strlen(id) > 32)
		ret = rt_error_set(err, RT_EUSAGE,
		                   "revision identifier '%s' is longer than 32 "
		                   "characters, which alembic_version "
		                   "(VARCHAR(32)) cannot store",
		                   id);
	else if ((existing = rt_revmap_get(ctx->map, id)) != NULL)
		ret = rt_error_set(err, RT_EEXISTS,
		                   "Revision %s already exists in %s; choose "
		                   "another --rev-id",
		                   id, existing->path);
	rt_buf_release(&bad);
	return ret;
}

/* The parents of the new revision (revision --head / merge REVISIONS). */
static int resolve_parents(struct rt_revlist *parents, struct rt_context *ctx,
                           const char *const *specs, bool splice,
                           struct rt_error *err)
{
	struct rt_revlist heads = RT_REVLIST_INIT;
	int ret = 0;

	if (!specs) {
		rt_revmap_heads(&heads, ctx->map, false);
		if (heads.nr > 1)
			ret = rt_error_set(err, RT_EMULTIHEAD,
			                   "Multiple heads are present; please "
			                   "specify the head revision on which "
			                   "the new revision should be based, "
			                   "or perform a merge.");
		for (size_t i = 0; ret == 0 && i < heads.nr; i++)
			rt_revlist_push(parents, heads.items[i]);
		goto out;
	}
	for (size_t i = 0; ret == 0 && specs[i]; i++)
		ret = rt_revmap_resolve(parents, ctx->map, specs[i], err);
	for (size_t i = 0; ret == 0 && i < parents->nr; i++) {
		const struct rt_revision *p = parents->items[i];
		for (size_t k = 0; ret == 0 && k < i; k++)
			if (parents->items[k] == p)
				ret = rt_error_set(err, RT_EUSAGE,
				                   "Duplicate head revisions "
				                   "specified");
		if (ret == 0 && !splice && !rt_revmap_is_head(ctx->map, p))
			ret = rt_error_set(err, RT_EUSAGE,
			                   "Revision %s is not a head "
			                   "revision; please specify --splice "
			                   "to create a new branch from this "
			                   "revision",
			                   p->id);
	}
out:
	rt_revlist_release(&heads);
	return ret;
}

/* Which label owns `label` already, if any (declared, not inherited). */
static const struct rt_revision *label_owner(const struct rt_context *ctx,
                                             const char *label)
{
	for (size_t i = 0; i < ctx->nr_revs; i++) {
		const struct rt_revision *rev = ctx->revs[i];
		for (size_t k = 0; k < rev->nr_labels; k++)
			if (!strcmp(rev->branch_labels[k], label))
				return rev;
	}
	return NULL;
}

/* --depends-on values: full ids, except a label stays a label. */
static int resolve_depends(struct rt_strvec *out, struct rt_context *ctx,
                           const char *const *specs, struct rt_error *err)
{
	int ret = 0;

	for (size_t i = 0; ret == 0 && specs && specs[i]; i++) {
		struct rt_revlist found = RT_REVLIST_INIT;
		const struct rt_revision *owner = label_owner(ctx, specs[i]);
		ret = rt_revmap_resolve(&found, ctx->map, specs[i], err);
		if (ret == 0 && owner)
			rt_strvec_push(out, specs[i]);
		for (size_t k = 0; ret == 0 && !owner && k < found.nr; k++)
			rt_strvec_push(out, found.items[k]->id);
		rt_revlist_release(&found);
	}
	return ret;
}

/* The folder the new script goes into (alembic.md §6.3 --version-path). */
static int choose_dir(char **out, struct rt_context *ctx,
                      const struct rt_revision *first_parent,
                      const char *version_path, struct rt_error *err)
{
	const struct rt_strvec *dirs = &ctx->version_dirs;
	char *abs;

	*out = NULL;
	if (version_path) {
		abs = rt_path_absolute(version_path);
		if (!rt_strvec_contains(dirs, abs)) {
			int ret = rt_error_set(err, RT_EUSAGE,
			                       "Path %s is not represented in "
			                       "current version locations",
			                       version_path);
			free(abs);
			return ret;
		}
		*out = abs;
		return 0;
	}
	if (dirs->nr == 1) {
		*out = rt_xstrdup(dirs->v[0]);
		return 0;
	}
	if (!first_parent || dirs->nr == 0)
		return rt_error_set(err, RT_EUSAGE,
		                    "Multiple version locations present, "
		                    "please specify --version-path");
	*out = rt_path_dirname(first_parent->path);
	return 0;
}

static void status(struct rt_context *ctx, const char *text, bool newline)
{
	rt_context_puts(ctx, text);
	if (newline)
		rt_context_puts(ctx, "\n");
}

static int ensure_dir(struct rt_context *ctx, const char *dir,
                      struct rt_error *err)
{
	int ret;

	if (rt_fs_is_dir(dir))
		return 0;
	rt_context_printf(ctx, "Creating directory %s ...", dir);
	ret = rt_fs_mkdir(dir, err);
	status(ctx, ret < 0 ? "  FAILED" : "  done", true);
	return ret;
}

/* Read the project's template, or fall back to the built-in one. */
static void load_template(struct rt_buf *out, char **path,
                          struct rt_context *ctx)
{
	*path = rt_path_join(ctx->script_dir, "script.sql.tmpl");
	if (rt_fs_read_file(out, *path, NULL) < 0) {
		rt_buf_reset(out);
		rt_buf_adds(out, rt_script_default_template());
	}
}

struct new_script {
	struct rt_revlist parents;
	struct rt_strvec parent_ids;
	struct rt_strvec labels;
	struct rt_strvec depends;
	char *id;
	char *dir;
	char *date;
	char *slug;
	char *name;
	char *path;
	struct rt_buf tmpl;
	char *tmpl_path;
	struct rt_buf text;
};

static void new_script_release(struct new_script *ns)
{
	rt_revlist_release(&ns->parents);
	rt_strvec_clear(&ns->parent_ids);
	rt_strvec_clear(&ns->labels);
	rt_strvec_clear(&ns->depends);
	free(ns->id);
	free(ns->dir);
	free(ns->date);
	free(ns->slug);
	free(ns->name);
	free(ns->path);
	free(ns->tmpl_path);
	rt_buf_release(&ns->tmpl);
	rt_buf_release(&ns->text);
}

/* Everything is checked and computed here; nothing is written. */
static int prepare(struct new_script *ns, struct rt_context *ctx,
                   const struct rt_revision_options *opts, bool splice,
                   struct rt_error *err)
{
	const struct rt_revision *owner;
	struct timespec now;
	struct tm when;
	int ret;

	ns->id = opts->rev_id ? rt_xstrdup(opts->rev_id) : rt_script_new_id();
	ret = check_rev_id(ctx, ns->id, err);
	if (ret == 0)
		ret = resolve_parents(&ns->parents, ctx, opts->heads, splice,
		                      err);
	if (ret == 0 && opts->branch_label) {
		owner = label_owner(ctx, opts->branch_label);
		/* the script header lists labels separated by commas */
		if (!*opts->branch_label ||
		    strpbrk(opts->branch_label, ", \t\n@"))
			ret = rt_error_set(
			        err, RT_EUSAGE,
			        "branch label '%s' is not valid: use "
			        "letters, digits and '_' (no ',', "
			        "'@' or spaces)",
			        opts->branch_label);
		else if (owner)
			ret = rt_error_set(err, RT_EEXISTS,
			                   "Branch name '%s' in revision %s "
			                   "already used by revision %s (%s)",
			                   opts->branch_label, ns->id,
			                   owner->id, owner->path);
		rt_strvec_push(&ns->labels, opts->branch_label);
	}
	if (ret == 0)
		ret = resolve_depends(&ns->depends, ctx, opts->depends_on, err);
	if (ret == 0)
		ret = choose_dir(&ns->dir, ctx,
		                 ns->parents.nr ? ns->parents.items[0] : NULL,
		                 opts->version_path, err);
	/* one instant for both Create Date and %(epoch)s */
	clock_gettime(CLOCK_REALTIME, &now);
	if (ret == 0)
		ret = rt_script_date_at(&ns->date, &when,
		                        ctx->settings.timezone, now.tv_sec,
		                        now.tv_nsec / 1000, err);
	if (ret < 0)
		return ret;
	ns->slug = rt_script_slug(opts->message ? opts->message : "",
	                          ctx->settings.truncate_slug_length);
	ret = rt_script_filename(&ns->name, ctx->settings.file_template, ns->id,
	                         ns->slug, &when, now.tv_sec, err);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < ns->parents.nr; i++)
		rt_strvec_push(&ns->parent_ids, ns->parents.items[i]->id);
	load_template(&ns->tmpl, &ns->tmpl_path, ctx);
	return 0;
}

/*
 * Write the new script; `body` (NULL: empty sections) is what
 * autogenerate found.
 */
static int write_script(struct rt_context *ctx,
                        const struct rt_revision_options *opts, bool splice,
                        const struct rt_autogenerated *body,
                        struct rt_error *err)
{
	struct new_script ns = { 0 };
	struct rt_newrev nr = { 0 };
	char *file = NULL;
	int ret;

	rt_strvec_init(&ns.parent_ids);
	rt_strvec_init(&ns.labels);
	rt_strvec_init(&ns.depends);
	rt_buf_init(&ns.tmpl);
	rt_buf_init(&ns.text);
	ret = rt_context_load_project(ctx, err);
	if (ret == 0)
		ret = prepare(&ns, ctx, opts, splice, err);
	if (ret < 0)
		goto out;
	nr.id = ns.id;
	nr.message = opts->message;
	nr.down_revisions = ns.parent_ids.v;
	nr.branch_labels = ns.labels.v;
	nr.depends_on = ns.depends.v;
	nr.create_date = ns.date;
	if (body) {
		nr.upgrade_sql = body->upgrade_sql.buf;
		nr.downgrade_sql = body->downgrade_sql.buf;
		nr.foreign_keys_off = body->foreign_keys_off;
	}
	ret = rt_script_render(&ns.text, ns.tmpl.buf, ns.tmpl_path, &nr, err);
	if (ret < 0)
		goto out;
	ret = ensure_dir(ctx, ns.dir, err);
	if (ret < 0)
		goto out;
	file = rt_xstrfmt("%s.sql", ns.name);
	ns.path = rt_path_join(ns.dir, file);
	rt_context_printf(ctx, "Generating %s ...", ns.path);
	ret = rt_fs_write_file(ns.path, ns.text.buf, ns.text.len, true, err);
	status(ctx, ret < 0 ? "  FAILED" : "  done", true);
out:
	free(file);
	new_script_release(&ns);
	return ret;
}

int rt_revision(struct rt_context *ctx, const struct rt_revision_options *opts,
                struct rt_error *err)
{
	struct rt_autogenerated body;
	int ret;

	if (!opts->autogenerate)
		return write_script(ctx, opts, opts->splice, NULL, err);
	/* compare first: a database behind the heads writes nothing */
	ret = rt_autogenerate(&body, ctx, err);
	if (ret == 0)
		ret = write_script(ctx, opts, opts->splice, &body, err);
	rt_autogenerated_release(&body);
	return ret;
}

int rt_merge(struct rt_context *ctx, const struct rt_revision_options *opts,
             struct rt_error *err)
{
	if (!opts->heads || !opts->heads[0])
		return rt_error_set(err, RT_EUSAGE,
		                    "merge needs at least one revision to "
		                    "merge, e.g. 'heads'");
	return write_script(ctx, opts, false, NULL, err);
}

static void init_status(void *baton, const char *text, bool newline)
{
	struct rt_context *ctx = baton;

	status(ctx, text, newline);
}

int rt_init(const char *dir, const char *ini_path, rt_output_fn out,
            void *out_baton, struct rt_error *err)
{
	struct rt_context ctx = { 0 };
	char *abs_ini;
	int ret;

	ctx.out = out;
	ctx.out_baton = out_baton;
	if (!ini_path)
		ini_path = "alembic.ini";
	ret = rt_script_init_layout(dir, ini_path, init_status, &ctx, err);
	if (ret < 0)
		return ret;
	abs_ini = rt_path_absolute(ini_path);
	rt_context_printf(&ctx,
	                  "Please edit configuration/connection/logging "
	                  "settings in '%s' before proceeding.\n",
	                  abs_ini);
	free(abs_ini);
	return 0;
}
