#!/usr/bin/env python3
"""Check that a benchmark's floor sends what retort sends.

    floor.py [--floor-dir DIR] RETORT PROJECT_DIR upgrade|downgrade

The floor (PROJECT_DIR/floor/<direction>.sql, written by
`gen_project.py --floor`) is what running the migrations costs with no
migration tool around it: the statements retort sends on the connection
that migrates, in the same transactions, fed to sqlite3 or psql.  It is
only a fair floor while it matches retort statement for statement, so
this runs retort once with its SQL echo on (a copy of alembic.ini with
[logger_sqlalchemy] at INFO, as bench/pg.sh check_floor does) and
compares.  What retort echoes before "Will assume transactional DDL." is
its read-only planning connection, not the migration, and is left out.

The caller prepares the database first: empty for upgrade (retort
migrates to head), at head for downgrade (retort migrates to base).
Afterwards the database is where retort left it.

As a module (standard library only):

    from floor import verify_floor
    n = verify_floor(retort, project_dir, "upgrade")   # statements matched

raises ValueError at the first statement that differs (or when one side
has more), RuntimeError when retort itself fails.  As a script it exits 0
on a match and 1 with the message otherwise.
"""

import os
import re
import subprocess
import sys

START = "Will assume transactional DDL."
ECHO_LOGGER = "sqlalchemy.engine.Engine"
TARGET = {"upgrade": "head", "downgrade": "base"}
HINT = {d: " (was the database %s? if so, regenerate the floor or update "
           "floor_transactions() in bench/gen_project.py)" % state
        for d, state in (("upgrade", "empty"), ("downgrade", "at head"))}
# A log record's first line: "LEVEL [logger] message" (formatter_generic).
RECORD = re.compile(r"^(INFO|WARN|WARNING|ERROR|DEBUG|CRITICAL) +"
                    r"\[([^\]]*)\] (.*)$")


def echo_ini(ini_text):
    """alembic.ini with the sqlalchemy logger at INFO: retort's SQL echo."""
    out, section = [], None
    for line in ini_text.split("\n"):
        m = re.match(r"^\[([^\]]*)\]", line)
        if m:
            section = m.group(1)
        elif section == "logger_sqlalchemy" and re.match(r"^level\s*=", line):
            line = "level = INFO"
        out.append(line)
    return "\n".join(out)


def echoed_statements(log):
    """The statements retort echoed on its migration connection, in order."""
    records, cur = [], None
    for line in log.split("\n"):
        m = RECORD.match(line)
        if m:
            cur = [m.group(2), m.group(3)]
            records.append(cur)
        elif cur is not None:
            cur[1] += "\n" + line     # a statement over several lines
    starts = [i for i, (_, text) in enumerate(records) if text == START]
    if not starts:
        raise ValueError("retort's log has no %r line: is the ini's "
                         "[logger_alembic] at INFO?" % START)
    return [text.rstrip("\n") for logger, text in records[starts[0]:]
            if logger == ECHO_LOGGER]


def floor_statements(path):
    """The floor script's statements: each ends with ';' and a newline."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return [s for s in text.split(";\n") if s.strip()]


def transaction_of(stmts, index):
    """1-based number of the transaction statement `index` is in."""
    return sum(1 for s in stmts[:index + 1] if s.startswith("BEGIN"))


def run_echo(retort, project_dir, direction, echo_env=None):
    """Run retort once with SQL echo; its log (standard error)."""
    rdir = os.path.join(project_dir, "retort")
    with open(os.path.join(rdir, "alembic.ini"), encoding="utf-8") as f:
        ini = echo_ini(f.read())
    # Next to alembic.ini: %(here)s in it must stay the same directory.
    echo_path = os.path.join(rdir, ".floor-echo-%d.ini" % os.getpid())
    env = dict(os.environ)
    if echo_env:
        env.update(echo_env)
    try:
        with open(echo_path, "w", encoding="utf-8") as f:
            f.write(ini)
        r = subprocess.run([os.path.abspath(retort), "-c",
                            os.path.basename(echo_path), direction,
                            TARGET[direction]],
                           cwd=rdir, env=env, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    finally:
        try:
            os.unlink(echo_path)
        except FileNotFoundError:
            pass
    log = r.stderr.decode("utf-8", "replace")
    if r.returncode != 0:
        tail = "\n".join(log.rstrip("\n").split("\n")[-20:])
        raise RuntimeError("retort %s %s failed (exit %d):\n%s"
                           % (direction, TARGET[direction], r.returncode,
                              tail))
    return log


def verify_floor(retort, project_dir, direction, echo_env=None,
                 floor_dir=None):
    """Run retort (upgrade head or downgrade base) with SQL echo and compare
    what it sent with floor_dir/<direction>.sql (default
    project_dir/floor).  echo_env: variables added to the environment of
    that retort run.  Returns the number of statements; raises ValueError
    on the first difference, RuntimeError when retort fails."""
    if direction not in TARGET:
        raise ValueError("direction must be upgrade or downgrade, not %r"
                         % (direction,))
    floor_path = os.path.join(floor_dir or os.path.join(project_dir, "floor"),
                              direction + ".sql")
    floor = floor_statements(floor_path)
    echoed = echoed_statements(run_echo(retort, project_dir, direction,
                                        echo_env))
    for i, (a, b) in enumerate(zip(echoed, floor)):
        if a != b:
            raise ValueError(
                "%s: statement %d (transaction %d) differs from what retort "
                "sent%s:\n  retort: %s\n  floor:  %s"
                % (floor_path, i + 1, transaction_of(floor, i), HINT[direction],
                   a, b))
    if len(echoed) != len(floor):
        more, extra = ((("retort", echoed[len(floor)])
                        if len(echoed) > len(floor) else
                        ("the floor", floor[len(echoed)])))
        raise ValueError(
            "%s: retort sent %d statements, the floor has %d%s; the first "
            "one only %s has: %s"
            % (floor_path, len(echoed), len(floor), HINT[direction], more,
               extra))
    return len(floor)


def main(argv):
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--floor-dir", help="where <direction>.sql is "
                    "(default PROJECT_DIR/floor)")
    ap.add_argument("retort")
    ap.add_argument("project_dir")
    ap.add_argument("direction", choices=sorted(TARGET))
    args = ap.parse_args(argv)
    try:
        n = verify_floor(args.retort, args.project_dir, args.direction,
                         floor_dir=args.floor_dir)
    except (ValueError, RuntimeError, OSError) as e:
        print("floor.py: %s" % e, file=sys.stderr)
        return 1
    print("floor.py: %s: the floor matches retort (%d statements)"
          % (args.direction, n), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
