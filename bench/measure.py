"""Timing one process, and the statistics the benchmark reports.

A run is timed by bench/timeone.c, a small C program compiled on first
use: it forks, execs the command, and reads the clock and the child's
resource usage (wait4) when it ends.  Every tool pays the same fork and
exec, no shell or Python runs inside the timed window, and the peak RSS
(ru_maxrss) is the command's own: a child forked straight from this
Python process would inherit its 20 MB in that figure.

Standard library only.
"""

import math
import os
import statistics
import subprocess

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
_timer = None


class RunFailed(Exception):
    """A timed command exited non-zero, was killed, or timed out."""


class Sample:
    """One timed run."""

    __slots__ = ("wall_ms", "user_ms", "sys_ms", "rss_kib")

    def __init__(self, wall_ms, user_ms, sys_ms, rss_kib):
        self.wall_ms = wall_ms
        self.user_ms = user_ms
        self.sys_ms = sys_ms
        self.rss_kib = rss_kib


def build_timer(work):
    """Compile bench/timeone.c into WORK (when it changed); keep its path."""
    global _timer
    src = os.path.join(BENCH_DIR, "timeone.c")
    exe = os.path.join(work, "timeone")
    if (not os.path.exists(exe) or
            os.path.getmtime(exe) < os.path.getmtime(src)):
        cc = os.environ.get("CC", "cc")
        r = subprocess.run([cc, "-O2", "-Wall", "-Wextra", "-Werror", "-o",
                            exe, src], capture_output=True, text=True)
        if r.returncode != 0:
            raise RunFailed("cannot compile %s:\n%s" % (src, r.stderr))
    _timer = exe


def run(argv, cwd, env, log_path, timeout=None, stdin_path=None):
    """Run ARGV in CWD with ENV, output to LOG_PATH; return a Sample.

    Raises RunFailed (with the log's last lines) when the command fails or
    takes longer than TIMEOUT seconds.
    """
    cmd = [_timer, "-d", cwd, "-o", log_path]
    if stdin_path:
        cmd += ["-i", stdin_path]
    if timeout:
        cmd += ["-t", str(int(timeout))]
    r = subprocess.run(cmd + ["--"] + list(argv), env=env,
                       capture_output=True, text=True)
    fields = r.stdout.split()
    if r.returncode != 0 or len(fields) != 5:
        raise RunFailed("timeone failed on %s: %s" % (" ".join(argv),
                                                     r.stderr.strip()))
    wall, user, system, rss, status = (int(x) for x in fields)
    if status == 128 + 9 and timeout and wall >= timeout * 1e6:
        raise RunFailed("%s timed out after %g s\n%s"
                        % (" ".join(argv), timeout, tail(log_path)))
    if status != 0:
        raise RunFailed("%s (in %s) exited with %d:\n%s"
                        % (" ".join(argv), cwd, status, tail(log_path)))
    return Sample(wall / 1000.0, user / 1000.0, system / 1000.0, rss)


def tail(path, lines=15):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


class Summary:
    """Median, min and max of a list of numbers."""

    def __init__(self, values):
        self.n = len(values)
        self.median = statistics.median(values)
        self.min = min(values)
        self.max = max(values)


def paired_ratios(a_rounds, b_rounds):
    """Ratio a/b for every round in which both ran (dicts round -> ms)."""
    return [a_rounds[r] / b_rounds[r] for r in sorted(a_rounds)
            if r in b_rounds and b_rounds[r] > 0]


def growth_exponent(n1, t1, n2, t2):
    """k in t ~ n^k between two sizes: 1 is linear, below 1 better."""
    if t1 <= 0 or t2 <= 0 or n1 == n2:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)
