/*
 * timeone: run one command and report its wall clock, CPU time and peak
 * memory, for bench/bench.py.
 *
 *   timeone [-d DIR] [-i STDIN] [-o LOG] [-t SECONDS] -- COMMAND [ARG...]
 *
 * Prints one line on standard output:
 *
 *   <wall µs> <user µs> <system µs> <peak RSS KiB> <status>
 *
 * where status is the exit code, or 128+N when signal N killed the command
 * (-t SECONDS sends SIGKILL when it runs longer).  The command's output
 * goes to LOG (default /dev/null), its input comes from STDIN (default
 * /dev/null), and it runs in DIR.
 *
 * Why not time it from Python: a child of the Python driver starts as a
 * copy of a 20 MB process, and Linux counts that in the child's peak RSS
 * (ru_maxrss survives exec), so every tool would seem to need 20 MB.  This
 * process is small, so the figure is the command's own.  It also keeps the
 * driver's own work out of the timed window.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t child;

static void on_alarm(int sig)
{
	(void)sig;
	if (child > 0)
		kill(child, SIGKILL);
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long tv_us(struct timeval tv)
{
	return (long long)tv.tv_sec * 1000000 + tv.tv_usec;
}

static int usage(void)
{
	fprintf(stderr, "usage: timeone [-d DIR] [-i STDIN] [-o LOG] "
	                "[-t SECONDS] -- COMMAND [ARG...]\n");
	return 2;
}

/* Runs in the child: set up the files, then become the command. */
static void become(const char *dir, const char *in, const char *log,
                   char **argv)
{
	int fd;

	if (dir && chdir(dir) < 0) {
		fprintf(stderr, "timeone: %s: %s\n", dir, strerror(errno));
		_exit(127);
	}
	fd = open(in, O_RDONLY);
	if (fd < 0 || dup2(fd, 0) < 0) {
		fprintf(stderr, "timeone: %s: %s\n", in, strerror(errno));
		_exit(127);
	}
	close(fd);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0) {
		fprintf(stderr, "timeone: %s: %s\n", log, strerror(errno));
		_exit(127);
	}
	close(fd);
	execvp(argv[0], argv);
	fprintf(stderr, "timeone: %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *in = "/dev/null", *log = "/dev/null";
	unsigned timeout = 0;
	struct rusage ru;
	long long t0, t1;
	int opt, status;

	while ((opt = getopt(argc, argv, "+d:i:o:t:")) != -1) {
		switch (opt) {
		case 'd':
			dir = optarg;
			break;
		case 'i':
			in = optarg;
			break;
		case 'o':
			log = optarg;
			break;
		case 't':
			timeout = (unsigned)strtoul(optarg, NULL, 10);
			break;
		default:
			return usage();
		}
	}
	if (optind >= argc)
		return usage();

	signal(SIGALRM, on_alarm);
	t0 = now_us();
	child = fork();
	if (child < 0) {
		perror("timeone: fork");
		return 1;
	}
	if (child == 0)
		become(dir, in, log, argv + optind);
	if (timeout)
		alarm(timeout);
	while (wait4(child, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("timeone: wait4");
			return 1;
		}
	}
	t1 = now_us();
	printf("%lld %lld %lld %ld %d\n", t1 - t0, tv_us(ru.ru_utime),
	       tv_us(ru.ru_stime), ru.ru_maxrss,
	       WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
	                             WEXITSTATUS(status));
	return 0;
}
