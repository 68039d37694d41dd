/*
 * cmd_edit.c - `retort edit REV`: open the revision's script in an editor.
 * The editor is chosen as Alembic chooses it: $EDITOR, then $VISUAL (a
 * path, or a name looked up on PATH), then the first of sensible-editor,
 * editor, nano, vim and code found on PATH.
 */
#include "util/compat.h"
#include "cli/cli.h"
#include "util/alloc.h"
#include "util/buf.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static bool is_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, X_OK) == 0;
}

/* `name` as given when it is a file, else found on PATH; caller frees. */
static char *find_program(const char *name)
{
	const char *path = getenv("PATH");
	struct rt_buf candidate = RT_BUF_INIT;

	if (!name || !*name)
		return NULL;
	if (is_executable(name))
		return rt_xstrdup(name);
	if (strchr(name, '/') || !path)
		return NULL;
	while (*path) {
		const char *end = strchr(path, ':');
		size_t len = end ? (size_t)(end - path) : strlen(path);

		rt_buf_reset(&candidate);
		rt_buf_add(&candidate, len ? path : ".", len ? len : 1);
		rt_buf_addf(&candidate, "/%s", name);
		if (is_executable(candidate.buf))
			return rt_buf_detach(&candidate);
		path += len + (end ? 1 : 0);
		if (!end)
			break;
	}
	rt_buf_release(&candidate);
	return NULL;
}

static char *choose_editor(void)
{
	static const char *const fallbacks[] = { "sensible-editor", "editor",
		                                 "nano", "vim", "code" };
	char *found = find_program(getenv("EDITOR"));

	if (!found)
		found = find_program(getenv("VISUAL"));
	for (size_t i = 0; !found && i < RT_ARRAY_SIZE(fallbacks); i++)
		found = find_program(fallbacks[i]);
	return found;
}

/* Run `editor path` and wait; a message on failure, NULL on success. */
static char *run_editor(const char *editor, const char *path)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return rt_xstrfmt("fork failed: %s", strerror(errno));
	if (pid == 0) {
		execl(editor, editor, path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return rt_xstrfmt("waitpid failed: %s",
			                  strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return NULL;
	return rt_xstrfmt("Command '['%s', '%s']' returned non-zero exit "
	                  "status %d.",
	                  editor, path,
	                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static int do_edit(struct rt_context *ctx, void *data, struct rt_error *err)
{
	struct rt_strvec *rev = data;
	char **paths = NULL;
	char *editor = NULL;
	char *failure = NULL;
	int ret = rt_edit_paths(ctx, rev->v[0], &paths, err);

	if (ret < 0)
		return ret;
	editor = choose_editor();
	if (!editor)
		failure = rt_xstrfmt("No suitable editor found. Please set the "
		                     "\"EDITOR\" or \"VISUAL\" environment "
		                     "variables");
	for (size_t i = 0; !failure && paths[i]; i++)
		failure = run_editor(editor, paths[i]);
	if (failure) {
		/* the CLI's own failure: reported like a library error */
		snprintf(err->message, sizeof(err->message),
		         "Error executing editor (%s)", failure);
		err->code = RT_ERROR;
		ret = RT_ERROR;
	}
	free(failure);
	free(editor);
	rt_free_paths(paths);
	return ret;
}

int cmd_edit(int argc, const char **argv, struct rt_cli *cli)
{
	struct rt_strvec rev = RT_STRVEC_INIT;
	const struct cli_positional args[] = {
		{ "rev", 1, 1, &rev, "an id or prefix, head, current, ..." },
		{ NULL, 0, 0, NULL, NULL }
	};
	const struct cli_spec spec = { "edit",
		                       "Open a revision script in $EDITOR.",
		                       NULL, args };
	int ret = cli_run(&spec, cli, argc, argv, do_edit, &rev);

	rt_strvec_clear(&rev);
	return ret;
}
