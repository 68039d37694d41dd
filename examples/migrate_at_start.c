/*
 * migrate_at_start.c - how a C program brings its database up to date
 * when it starts, with libretort.
 *
 *   cc migrate_at_start.c $(pkg-config --cflags --libs retort) -o app
 *   ./app /path/to/alembic.ini
 *
 * The library prints nothing itself: results and log records arrive
 * through the two callbacks, so the program decides where they go.
 */
#include <stdio.h>
#include <string.h>

#include <retort/retort.h>

static void on_output(void *baton, const char *text, size_t len)
{
	(void)baton;
	fwrite(text, 1, len, stdout);
}

static void on_log(void *baton, enum rt_log_level level, const char *logger,
                   const char *message)
{
	(void)baton;
	(void)logger;
	if (level >= RT_LOG_INFO)
		fprintf(stderr, "[migrate] %s\n", message);
}

int main(int argc, char **argv)
{
	struct rt_context_options opts = RT_CONTEXT_OPTIONS_INIT;
	struct rt_error err = RT_ERROR_INIT;
	struct rt_context *ctx = NULL;
	int status = 0;

	opts.config_path = argc > 1 ? argv[1] : "alembic.ini";
	opts.out = on_output;
	opts.log = on_log;
	if (rt_context_open(&ctx, &opts, &err) < 0 ||
	    rt_upgrade(ctx, "head", NULL, &err) < 0 ||
	    rt_current(ctx, false, &err) < 0) {
		fprintf(stderr, "migration failed: %s\n", err.message);
		status = 1;
	}
	rt_context_free(ctx);
	return status;
}
