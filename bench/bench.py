#!/usr/bin/env python3
"""bench/bench.py - the benchmark suite: retort beside Alembic, dbmate and
the raw database (sqlite3 / psql running the same SQL).

    bench/bench.py [options] RETORT

    --sizes "N ..."       numbers of revisions (default "10 100 1000 10000";
                          autogen: numbers of tables, those up to 1000)
    --groups "G ..."      what to run (default all):
                            status     current / dbmate status on an
                                       up-to-date SQLite database
                            graph      heads and history, linear and
                                       branchy histories
                            sqlite     upgrade head from empty, then
                                       downgrade base, on SQLite
                            postgresql the same on PostgreSQL
                            autogen    revision --autogenerate from an
                                       empty database and check on one at
                                       head, N tables, on SQLite and on
                                       PostgreSQL; Alembic's check is
                                       revision --autogenerate
    --tools "T ..."       limit the tools (retort alembic dbmate floor)
    --runs R              timed runs per tool and cell (default 10)
    --warmup W            untimed runs first (default 1)
    --cap SEC             do not run a tool at the next N when one run
                          there would take longer than this (default 60)
    --db-dir DIR          where the SQLite files live (default: a folder
                          in /dev/shm when it exists, else in --out)
    --no-callgrind        skip the instruction counts
    --no-hyperfine        skip the hyperfine cross-check
    --smoke               N=10, one run, no warm-up, no callgrind or
                          hyperfine: checks that the scripts work (seconds)
    --out DIR             where results go (default bench/results)

DBMATE names the dbmate binary (default: what bench/setup.sh installed);
ALEMBIC_PYTHON (default /usr/bin/python3) the Python that has Alembic.
PostgreSQL: RETORT_TEST_PG_URL (a superuser URL) when set, else a
throwaway server started with t/pg-server.sh and stopped at the end.
A tool that is missing is left out, with a note in the report.

Writes DIR/results.md (the report), DIR/bench.tsv (one line per cell),
DIR/ratios.tsv (pairwise ratios), DIR/runs.tsv (every timed run),
DIR/instructions.tsv, and the charts (bench/charts.py, gnuplot).
See bench/README.md for the method.
"""

import argparse
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse

import floor
import measure
import report

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
TOP_DIR = os.path.dirname(BENCH_DIR)
GROUPS = ("status", "graph", "sqlite", "postgresql", "autogen")
TOOLS = ("retort", "alembic", "dbmate", "floor")
AUTOGEN_MAX_N = 1000  # autogen runs the --sizes up to this many tables
SLOW_MS = 2000.0       # a run this long gets fewer repetitions ...
VERY_SLOW_MS = 20000.0  # ... and this long, two (its warm-up counts)
PG_DB = "retort_bench"
# autogen on PostgreSQL: the empty database, and one at head per tool
AUTOGEN_PG_DBS = ("retort_bench_ag_empty", "retort_bench_ag_retort",
                  "retort_bench_ag_alembic")


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


class Step:
    """One timed command of a tool within a round."""

    def __init__(self, scenario, argv, cwd, env=None, check=None,
                 stdin=None, repeat=1):
        self.scenario = scenario
        self.repeat = repeat  # runs of argv that make up the step
        self.argv = argv
        self.cwd = cwd
        self.env = env
        self.check = check
        self.stdin = stdin


class Cell:
    """A group of tools measured side by side on one project.

    Every round runs each tool's steps in turn (reset first), the tools in
    an order that rotates from round to round, so that a change in the
    machine's load hits every tool alike.
    """

    def __init__(self, group, dialect, shape, n):
        self.group = group
        self.dialect = dialect
        self.shape = shape
        self.n = n
        self.tools = {}       # tool -> [Step]
        self.reset = {}       # tool -> callable, run untimed before a round
        self.tool_name = {}   # tool -> the name in the report (floor -> sqlite3)
        # results: (scenario, tool) -> {round: Sample}
        self.samples = {}
        self.per_round_ms = {}  # tool -> wall ms of its steps in one run

    def add(self, tool, name, steps, reset=None):
        self.tools[tool] = steps
        self.tool_name[tool] = name
        if reset:
            self.reset[tool] = reset

    def label(self):
        where = (self.group if self.group == self.dialect
                 else "%s, %s" % (self.group, self.dialect))
        return "%s, %s, N=%d" % (where, self.shape, self.n)


class Bench:
    def __init__(self, opts):
        self.opts = opts
        self.retort = os.path.abspath(opts.retort)
        self.out = os.path.abspath(opts.out)
        self.work = os.path.join(self.out, "work")
        self.env = dict(os.environ)
        # Alembic's steady state reads its revisions from __pycache__,
        # written by the warm-up run: PYTHONDONTWRITEBYTECODE stops that.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        # retort's likewise comes from its header cache (RETORT_CACHE_DIR),
        # filled by the warm-up run; kept with the bench's own files.
        self.env["RETORT_CACHE_DIR"] = os.path.join(self.work, "cache")
        self.env["LC_ALL"] = "C"
        self.cells = []
        self.skipped = []      # (group, tool, why)
        self.missing = {}      # tool -> why it is left out
        self.stop_at = {}      # (group, tool) -> why it stops growing
        self.instructions = []  # (scenario, dialect, shape, n, count)
        self.hyperfine = []     # dicts
        self.server_dir = None
        self.pg = None
        self.runs_rows = []

    # --- the tools ---------------------------------------------------------

    def find_tools(self):
        o = self.opts
        if not os.access(self.retort, os.X_OK):
            sys.exit("bench: no retort binary at %s (run make first)"
                     % self.retort)
        self.python = os.environ.get("ALEMBIC_PYTHON", "/usr/bin/python3")
        if "alembic" in o.tools and subprocess.run(
                [self.python, "-c", "import alembic"],
                capture_output=True).returncode != 0:
            self.missing["alembic"] = ("no Alembic for %s (Debian "
                                       "python3-alembic)" % self.python)
        self.dbmate = os.environ.get("DBMATE") or self.setup_dbmate_path()
        if "dbmate" in o.tools and not (self.dbmate and
                                        os.access(self.dbmate, os.X_OK)):
            self.missing["dbmate"] = ("no dbmate (bench/setup.sh installs "
                                      "it from npm)")
        self.sqlite3 = shutil.which("sqlite3")
        if "floor" in o.tools and not self.sqlite3:
            self.missing["sqlite3"] = "no sqlite3 command (Debian sqlite3)"
        self.psql = self.find_psql()

    def setup_dbmate_path(self):
        script = os.path.join(BENCH_DIR, "setup.sh")
        if not os.path.exists(script):
            return None
        r = subprocess.run(["bash", script, "--dbmate-path"],
                           capture_output=True, text=True)
        path = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
        return path if r.returncode == 0 and path else None

    def find_psql(self):
        # psql itself, not Debian's /usr/bin/psql: that is a Perl wrapper
        # costing ~20 ms a start, which the floor must not pay.
        dirs = [os.environ.get("RETORT_TEST_PG_BIN", "")]
        base = "/usr/lib/postgresql"
        if os.path.isdir(base):
            vers = sorted(os.listdir(base), key=lambda v: int(v)
                          if v.isdigit() else 0, reverse=True)
            dirs += [os.path.join(base, v, "bin") for v in vers]
        for d in dirs:
            if d and os.access(os.path.join(d, "psql"), os.X_OK):
                return os.path.join(d, "psql")
        return shutil.which("psql")

    def has(self, tool, dialect="sqlite"):
        if tool not in self.opts.tools:
            return False
        if tool == "floor":
            return bool(self.sqlite3 if dialect == "sqlite" else self.psql)
        return tool not in self.missing

    def remove_db_dir(self):
        """The SQLite files' folder, when bench.py made it."""
        if getattr(self, "db_dir", None) and not self.opts.db_dir:
            shutil.rmtree(self.db_dir, ignore_errors=True)

    def db_dir_note(self):
        return self.opts.db_dir or os.path.dirname(self.db_dir)

    # --- PostgreSQL --------------------------------------------------------

    def start_pg(self):
        if os.environ.get("RETORT_TEST_PG_URL"):
            self.pg = os.environ["RETORT_TEST_PG_URL"]
            self.note_pg_version("given by RETORT_TEST_PG_URL")
            return True
        script = os.path.join(TOP_DIR, "t", "pg-server.sh")
        self.server_dir = tempfile.mkdtemp(prefix="retort-bench-pg.")
        r = subprocess.run(["bash", script, "start", self.server_dir],
                           capture_output=True, text=True)
        if r.returncode != 0:
            log("could not start PostgreSQL (t/pg-server.sh):\n" + r.stderr)
            self.server_dir = None
            return False
        r = subprocess.run(["bash", script, "env", self.server_dir],
                           capture_output=True, text=True, check=True)
        for line in r.stdout.splitlines():
            line = line.strip()
            if line.startswith("export "):
                line = line[len("export "):]
            if "=" in line:
                k, v = line.split("=", 1)
                if k == "RETORT_TEST_PG_URL":
                    self.pg = v.strip("'\"")
        if not self.pg:
            return False
        self.note_pg_version("started by bench.py with t/pg-server.sh")
        return True

    def note_pg_version(self, how):
        r = subprocess.run([self.psql, "-X", "-A", "-t", "-d", self.pg, "-c",
                            "SHOW server_version"], capture_output=True,
                           text=True)
        self.pg_version = "PostgreSQL %s (%s)" % (r.stdout.strip(), how)
        r = subprocess.run([self.psql, "-X", "-A", "-t", "-d", self.pg, "-c",
                            "SELECT string_agg(name || '=' || setting, ', ' "
                            "ORDER BY name) FROM pg_settings WHERE name IN "
                            "('fsync', 'synchronous_commit', "
                            "'full_page_writes', 'shared_buffers')"],
                           capture_output=True, text=True)
        self.pg_settings = r.stdout.strip() or "?"

    def stop_pg(self):
        if self.server_dir:
            subprocess.run(["bash", os.path.join(TOP_DIR, "t",
                                                 "pg-server.sh"),
                            "stop", self.server_dir], capture_output=True)
            shutil.rmtree(self.server_dir, ignore_errors=True)
            self.server_dir = None
            self.pg = None  # a later group starts one again

    def pg_url(self, db, scheme=None, params=None):
        p = urllib.parse.urlsplit(self.pg)
        q = p.query
        if params:
            q = (q + "&" if q else "") + params
        return urllib.parse.urlunsplit(
            p._replace(scheme=scheme or p.scheme, path="/" + db, query=q))

    def pg_admin(self, *sql):
        argv = [self.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d",
                self.pg]
        for s in sql:
            argv += ["-c", s]
        r = subprocess.run(argv, capture_output=True, text=True)
        if r.returncode != 0:
            raise measure.RunFailed("psql: " + r.stderr.strip())

    def pg_query(self, sql, db=PG_DB):
        r = subprocess.run([self.psql, "-X", "-q", "-A", "-t", "-d",
                            self.pg_url(db), "-c", sql],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise measure.RunFailed("psql: " + r.stderr.strip())
        return r.stdout.strip()

    def pg_fresh(self):
        self.pg_admin("DROP DATABASE IF EXISTS %s" % PG_DB,
                      "CREATE DATABASE %s" % PG_DB)
        # Write the previous run's dirty pages out now, not in the next.
        self.pg_admin("CHECKPOINT")

    # --- projects ----------------------------------------------------------

    def generate(self, shape, n, dialect, extra=()):
        tag = "%s-%s-%d" % (dialect, shape, n)
        proj = os.path.join(self.work, tag)
        if dialect == "sqlite":
            dbdir = os.path.join(self.db_dir, tag)
            os.makedirs(dbdir, exist_ok=True)
            url = "sqlite:///" + os.path.join(dbdir, "bench.db")
        else:
            url = self.pg_url(PG_DB)
        stamp = os.path.join(proj, ".generated")
        want = "%s %s" % (url, " ".join(extra))
        if os.path.exists(stamp) and open(stamp).read() == want:
            return proj
        shutil.rmtree(proj, ignore_errors=True)
        argv = [sys.executable, os.path.join(BENCH_DIR, "gen_project.py"),
                "--shape", shape, "--n", str(n), "--out", proj,
                "--ddl", "table+index", "--url", url,
                "--transaction-per-migration"] + list(extra)
        subprocess.run(argv, check=True)
        with open(stamp, "w") as f:
            f.write(want)
        return proj

    def head_of(self, proj):
        with open(os.path.join(proj, "heads.txt")) as f:
            return f.read().split()

    # --- the state checks ---------------------------------------------------

    def sqlite_state(self, path, version_table):
        if not os.path.exists(path):
            return (0, 0, [])
        con = sqlite3.connect(path)
        try:
            cur = con.execute("SELECT type, count(*) FROM sqlite_master "
                              "WHERE name LIKE 't\\_%' ESCAPE '\\' OR "
                              "name LIKE 'ix\\_%' ESCAPE '\\' GROUP BY type")
            counts = dict(cur.fetchall())
            try:
                col = ("version_num" if version_table == "alembic_version"
                       else "version")
                rows = [r[0] for r in con.execute(
                    "SELECT %s FROM %s" % (col, version_table))]
            except sqlite3.OperationalError:
                rows = []
        finally:
            con.close()
        return (counts.get("table", 0), counts.get("index", 0), rows)

    def pg_state(self, version_table, db=PG_DB):
        col = ("version_num" if version_table == "alembic_version"
               else "version")
        out = self.pg_query(
            "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace s "
            "ON s.oid = c.relnamespace WHERE s.nspname = 'public' AND "
            "c.relkind = 'r' AND c.relname LIKE 't\\_%'), "
            "(SELECT count(*) FROM pg_class c JOIN pg_namespace s ON "
            "s.oid = c.relnamespace WHERE s.nspname = 'public' AND "
            "c.relkind = 'i' AND c.relname LIKE 'ix\\_%')", db)
        tables, indexes = (int(x) for x in out.split("|"))
        try:
            rows = self.pg_query("SELECT %s FROM %s" % (col, version_table),
                                 db).split()
        except measure.RunFailed:
            rows = []
        return (tables, indexes, rows)

    def checker(self, dialect, db, version_table, n, want_rows):
        """A check that the database holds N tables+indexes (or none).
        DB: the SQLite file; on PostgreSQL PG_DB, or a (dialect, name)
        pair of project_db()."""
        def check():
            if isinstance(db, tuple):
                got = self.db_state(db, version_table)
            elif dialect == "sqlite":
                got = self.sqlite_state(db, version_table)
            else:
                got = self.pg_state(version_table)
            want = (n, n, want_rows)
            if version_table == "schema_migrations":
                # dbmate keeps one row per applied migration
                got = got[:2] + (len(got[2]),)
                want = (n, n, n)
            if got != want:
                raise measure.RunFailed(
                    "the database holds %r (tables, indexes, versions), "
                    "not %r" % (got, want))
        return check

    # --- cells ---------------------------------------------------------------

    def dbmate_argv(self, url, proj, *cmd):
        return [self.dbmate, "--url", url, "--migrations-dir",
                os.path.join(proj, "dbmate", "db", "migrations"),
                "--no-dump-schema"] + list(cmd)

    def alembic_argv(self, *cmd):
        return [self.python, "-m", "alembic"] + list(cmd)

    def cell_status(self, n):
        """current on an up-to-date database (SQLite), and the floor."""
        c = Cell("status", "sqlite", "linear", n)
        proj = self.generate("linear", n, "sqlite", ["--dbmate"])
        db = self.sqlite_db(proj)
        dbm = db[:-3] + "-dbmate.db"
        # An up-to-date database, made once, untimed.
        if self.sqlite_state(db, "alembic_version")[2] != self.head_of(proj):
            self.remove_sqlite(db)
            self.untimed([self.retort, "upgrade", "head"],
                         os.path.join(proj, "retort"))
        c.add("retort", "retort",
              [Step("current", [self.retort, "current"],
                    os.path.join(proj, "retort"))])
        if self.has("alembic"):
            c.add("alembic", "alembic",
                  [Step("current", self.alembic_argv("current"),
                        os.path.join(proj, "alembic"))])
        if self.has("dbmate"):
            url = "sqlite:" + dbm
            if self.sqlite_state(dbm, "schema_migrations")[0] != n:
                self.remove_sqlite(dbm)
                self.untimed(self.dbmate_argv(url, proj, "up"), proj)
            c.add("dbmate", "dbmate",
                  [Step("current", self.dbmate_argv(url, proj, "status"),
                        proj)])
        if self.has("floor"):
            c.add("floor", "sqlite3",
                  [Step("current", [self.sqlite3, db, "SELECT version_num "
                                    "FROM alembic_version"], proj)])
        return c

    def cell_graph(self, shape, n):
        c = Cell("graph", "sqlite", shape, n)
        proj = self.generate(shape, n, "sqlite")
        c.add("retort", "retort",
              [Step(cmd, [self.retort, cmd], os.path.join(proj, "retort"))
               for cmd in ("heads", "history")])
        if self.has("alembic"):
            c.add("alembic", "alembic",
                  [Step(cmd, self.alembic_argv(cmd),
                        os.path.join(proj, "alembic"))
                   for cmd in ("heads", "history")])
        return c

    def sqlite_db(self, proj):
        with open(os.path.join(proj, ".generated")) as f:
            url = f.read().split()[0]
        return url[len("sqlite:///"):]

    def remove_sqlite(self, path):
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                os.unlink(path + suffix)
            except FileNotFoundError:
                pass

    def untimed(self, argv, cwd):
        measure.run(argv, cwd, self.env, os.path.join(self.work, "setup.log"))

    def cell_apply(self, dialect, n):
        """upgrade head from empty, then downgrade base, each tool."""
        c = Cell(dialect, dialect, "linear", n)
        proj = self.generate("linear", n, dialect,
                             ["--dbmate", "--floor", dialect])
        head = self.head_of(proj)
        if dialect == "sqlite":
            db = self.sqlite_db(proj)
            dbm = db[:-3] + "-dbmate.db"

            def reset_vt():
                self.remove_sqlite(db)

            def reset_dbm():
                self.remove_sqlite(dbm)
            reset = {"retort": reset_vt, "alembic": reset_vt,
                     "floor": reset_vt, "dbmate": reset_dbm}
            dbmate_url = "sqlite:" + dbm
        else:
            db = dbm = None
            reset = dict.fromkeys(TOOLS, self.pg_fresh)
            dbmate_url = self.pg_url(PG_DB, "postgres", "sslmode=disable")

        def checks(vt, dbfile):
            return (self.checker(dialect, dbfile, vt, n, head),
                    self.checker(dialect, dbfile, vt, 0, []))

        up, down = checks("alembic_version", db)
        if self.has("floor", dialect):
            self.verify_floor(proj, reset["floor"])
        c.add("retort", "retort",
              [Step("upgrade", [self.retort, "upgrade", "head"],
                    os.path.join(proj, "retort"), check=up),
               Step("downgrade", [self.retort, "downgrade", "base"],
                    os.path.join(proj, "retort"), check=down)],
              reset["retort"])
        if self.has("alembic"):
            c.add("alembic", "alembic",
                  [Step("upgrade", self.alembic_argv("upgrade", "head"),
                        os.path.join(proj, "alembic"), check=up),
                   Step("downgrade", self.alembic_argv("downgrade", "base"),
                        os.path.join(proj, "alembic"), check=down)],
                  reset["alembic"])
        if self.has("floor", dialect):
            fl = os.path.join(proj, "floor")
            if dialect == "sqlite":
                steps = [Step(s, [self.sqlite3, "-bail", db], fl,
                              stdin=os.path.join(fl, s + ".sql"), check=ck)
                         for s, ck in (("upgrade", up), ("downgrade", down))]
                name = "sqlite3"
            else:
                steps = [Step(s, [self.psql, "-X", "-q", "-v",
                                  "ON_ERROR_STOP=1", "-d",
                                  self.pg_url(PG_DB), "-f", s + ".sql"],
                              fl, check=ck)
                         for s, ck in (("upgrade", up), ("downgrade", down))]
                name = "psql"
            c.add("floor", name, steps, reset["floor"])
        if self.has("dbmate"):
            mup, mdown = checks("schema_migrations", dbm)
            c.add("dbmate", "dbmate",
                  [Step("upgrade", self.dbmate_argv(dbmate_url, proj,
                                                    "migrate"),
                        proj, check=mup),
                   # `dbmate rollback` undoes the latest migration and
                   # has no count: back to base is N runs of it.
                   Step("downgrade", self.dbmate_argv(
                       dbmate_url, proj, "rollback"), proj, check=mdown,
                       repeat=n)],
                  reset["dbmate"])
        return c

    # --- autogenerate --------------------------------------------------------

    def generate_autogen(self, n, dialect):
        """The --autogen projects for N tables, made once per dialect: on
        SQLite three database files, on PostgreSQL three databases (the
        empty one, and one at head for each tool)."""
        tag = "%s-autogen-%d" % (dialect, n)
        proj = os.path.join(self.work, tag)
        if dialect == "sqlite":
            dbdir = os.path.join(self.db_dir, tag)
            os.makedirs(dbdir, exist_ok=True)
            urls = ["sqlite:///" + os.path.join(dbdir, name + ".db")
                    for name in ("empty", "retort-head", "alembic-head")]
        else:
            urls = [self.pg_url(db) for db in AUTOGEN_PG_DBS]
        stamp = os.path.join(proj, ".generated")
        want = "autogen " + " ".join(urls)
        if os.path.exists(stamp) and open(stamp).read() == want:
            return proj
        shutil.rmtree(proj, ignore_errors=True)
        subprocess.run([sys.executable,
                        os.path.join(BENCH_DIR, "gen_project.py"),
                        "--autogen", "--n", str(n), "--out", proj,
                        "--url", urls[0], "--retort-head-url", urls[1],
                        "--alembic-head-url", urls[2]], check=True)
        with open(stamp, "w") as f:
            f.write(want)
        return proj

    def project_db(self, project_dir):
        """The database of a generated project's alembic.ini: (dialect,
        the SQLite file or the PostgreSQL database's name)."""
        with open(os.path.join(project_dir, "alembic.ini")) as f:
            for line in f:
                if line.startswith("sqlalchemy.url = sqlite:///"):
                    return ("sqlite",
                            line.split("sqlite:///", 1)[1].strip())
                if line.startswith("sqlalchemy.url = postgresql://"):
                    url = line.split("=", 1)[1].strip()
                    return ("postgresql",
                            urllib.parse.urlsplit(url).path.lstrip("/"))
        raise measure.RunFailed("no SQLite or PostgreSQL URL in "
                                "%s/alembic.ini" % project_dir)

    def db_state(self, where, version_table="alembic_version"):
        """(tables, indexes, version rows) of project_db()'s database."""
        dialect, db = where
        if dialect == "sqlite":
            return self.sqlite_state(db, version_table)
        return self.pg_state(version_table, db)

    def db_empty(self, where):
        """Make project_db()'s database an empty one."""
        dialect, db = where
        if dialect == "sqlite":
            self.remove_sqlite(db)
        else:
            self.pg_admin("DROP DATABASE IF EXISTS %s" % db,
                          "CREATE DATABASE %s" % db)

    @staticmethod
    def scripts(project_dir):
        vdir = os.path.join(project_dir, "versions")
        return sorted(f for f in os.listdir(vdir)
                      if f.endswith((".sql", ".py")))

    @staticmethod
    def drop_scripts(project_dir, names):
        """Delete revision scripts NAMES and their compiled copies."""
        vdir = os.path.join(project_dir, "versions")
        cache = os.path.join(vdir, "__pycache__")
        for name in names:
            os.unlink(os.path.join(vdir, name))
            stem = name.rsplit(".", 1)[0] + "."
            if os.path.isdir(cache):
                for pyc in os.listdir(cache):
                    if pyc.startswith(stem):
                        os.unlink(os.path.join(cache, pyc))

    def at_head(self, project_dir, argv_of, n):
        """Bring a -head project's database to head, untimed, once.

        The tool autogenerates its own initial revision from the empty
        database and upgrades to it; the database must then hold the N
        tables and indexes.  Kept while it does, for the next run.
        """
        db = self.project_db(project_dir)
        have = self.scripts(project_dir)
        if len(have) == 1:
            rev = have[0].split("_", 1)[0]
            if self.db_state(db) == (n, n, [rev]):
                return have
        self.drop_scripts(project_dir, have)
        self.db_empty(db)
        self.untimed(argv_of("revision", "--autogenerate", "-m", "initial"),
                     project_dir)
        self.untimed(argv_of("upgrade", "head"), project_dir)
        have = self.scripts(project_dir)
        got = self.db_state(db)
        if len(have) != 1 or got != (n, n, [have[0].split("_", 1)[0]]):
            raise measure.RunFailed(
                "%s: after autogenerating and upgrading, the versions "
                "folder holds %r and the database %r (tables, indexes, "
                "versions)" % (project_dir, have, got))
        return have

    def cell_autogen(self, n, dialect):
        """revision --autogenerate from an empty database and check on one
        at head, for an N-table schema (gen_project.py --autogen).

        Alembic 1.8 has no `check` (it came in 1.9): its check is
        `revision --autogenerate` on the database at head, the same
        comparison, writing an empty revision.  Every script a run writes
        is verified and deleted after it, untimed, so that each run starts
        from the same files.

        retort runs with its caches, filled by the warm-up run, as
        everywhere in the bench; on PostgreSQL that includes the cached
        catalog of the desired schema, so `retort-nocache`
        (RETORT_CACHE_DIR empty) shows too what a run costs when the
        schema has just been edited: the server creating it all.
        """
        c = Cell("autogen", dialect, "schema", n)
        proj = self.generate_autogen(n, dialect)

        def revision_check(project_dir, tool, keep, count_re, want, what):
            """After a timed autogenerate: one new script, holding WANT
            matches of COUNT_RE; the database untouched.  Deletes it."""
            db = self.project_db(project_dir)
            state = self.db_state(db)

            def check():
                new = [s for s in self.scripts(project_dir)
                       if s not in keep]
                if len(new) != 1:
                    raise measure.RunFailed("%d new scripts in %s/versions, "
                                            "not 1" % (len(new), project_dir))
                with open(os.path.join(project_dir, "versions",
                                       new[0])) as f:
                    text = f.read()
                self.drop_scripts(project_dir, new)
                got = len(re.findall(count_re, text, re.M))
                if got != want:
                    raise measure.RunFailed("the new script %s holds %d %s, "
                                            "not %d" % (new[0], got, what,
                                                        want))
                after = self.db_state(db)
                if after != state:
                    raise measure.RunFailed("the database went from %r to "
                                            "%r" % (state, after))
            return check

        def log_says(tool, text):
            def check():
                with open(os.path.join(self.work, "last-%s.log" % tool)) as f:
                    if text not in f.read():
                        raise measure.RunFailed("the output does not say %r"
                                                % text)
            return check

        def both(*checks):
            def check():
                for ck in checks:
                    ck()
            return check

        def resetter(empty_dir, head_dir, head_keep):
            def reset():
                if dialect == "sqlite":
                    self.db_empty(self.project_db(empty_dir))
                for d, keep in ((empty_dir, []), (head_dir, head_keep)):
                    stray = [s for s in self.scripts(d) if s not in keep]
                    if stray:
                        self.drop_scripts(d, stray)
            return reset

        if dialect == "postgresql":
            # the empty database, made once: autogenerate leaves it so
            self.db_empty(self.project_db(os.path.join(proj, "retort")))
        retort_argv = lambda *a: [self.retort] + list(a)
        tools = [("retort", "retort", "retort", retort_argv, None,
                  r"^CREATE TABLE ", "CREATE TABLE statements")]
        if dialect == "postgresql":
            tools.append(("retort-nocache", "retort-nocache", "retort",
                          retort_argv, dict(self.env, RETORT_CACHE_DIR=""),
                          r"^CREATE TABLE ", "CREATE TABLE statements"))
        if self.has("alembic"):
            tools.append(("alembic", "alembic", "alembic", self.alembic_argv,
                          None, r"^\s*op\.create_table\(",
                          "op.create_table()"))
        heads = {}  # project -> its head script (two tools share retort's)
        for tool, name, project, argv_of, env, count_re, what in tools:
            empty = os.path.join(proj, project)
            head = os.path.join(proj, project + "-head")
            if project not in heads:
                resetter(empty, head, [])()
                heads[project] = self.at_head(head, argv_of, n)
            keep = heads[project]
            reset = resetter(empty, head, keep)
            steps = [Step("autogenerate",
                          argv_of("revision", "--autogenerate", "-m", "x"),
                          empty, env=env, check=revision_check(
                              empty, tool, [], count_re, n, what))]
            if project == "retort":
                steps.append(Step(
                    "check", argv_of("check"), head, env=env,
                    check=both(log_says(tool, "No new upgrade operations "
                                              "detected."),
                               self.checker(dialect, self.project_db(head),
                                            "alembic_version", n,
                                            [keep[0].split("_", 1)[0]]))))
            else:
                # nothing to do: no op.* call in the new script at all
                steps.append(Step(
                    "check", argv_of("revision", "--autogenerate", "-m",
                                     "check"), head,
                    check=revision_check(head, tool, keep, r"^\s*op\.", 0,
                                         "op.* calls")))
            c.add(tool, name, steps, reset)
        if self.has("floor", dialect):
            # the floor: the database itself running the desired schema
            # in one transaction, as retort's scratch load does
            # (gen_project.py writes floor-load.sql); both commands pay it
            # once when they load the schema
            load = os.path.join(proj, "floor-load.sql")
            if dialect == "sqlite":
                steps = [Step(sc, [self.sqlite3, ":memory:"], proj,
                              stdin=load)
                         for sc in ("autogenerate", "check")]
                c.add("floor", "sqlite3", steps)
            else:
                where = self.project_db(os.path.join(proj, "retort"))
                steps = [Step(sc, [self.psql, "-X", "-q", "-v",
                                   "ON_ERROR_STOP=1", "-d",
                                   self.pg_url(where[1]), "-f", load], proj)
                         for sc in ("autogenerate", "check")]
                c.add("floor", "psql", steps)
        return c

    def verify_floor(self, proj, reset):
        """The floor scripts send what retort sends (bench/floor.py)."""
        reset()
        for direction in ("upgrade", "downgrade"):
            try:
                floor.verify_floor(self.retort, proj, direction)
            except (ValueError, RuntimeError) as e:
                sys.exit("bench: %s" % e)

    # --- running a cell ------------------------------------------------------

    def run_steps(self, cell, tool):
        """One run of a tool: reset, then its steps; (ms, samples)."""
        if tool in cell.reset:
            cell.reset[tool]()
        logf = os.path.join(self.work, "last-%s.log" % tool)
        total = 0.0
        got = []
        for step in cell.tools[tool]:
            env = self.env if step.env is None else step.env
            s = measure.run(step.argv, step.cwd, env, logf,
                            timeout=self.opts.cap * 5, stdin_path=step.stdin)
            for _ in range(step.repeat - 1):
                more = measure.run(step.argv, step.cwd, env, logf,
                                   timeout=self.opts.cap * 5,
                                   stdin_path=step.stdin)
                s = measure.Sample(s.wall_ms + more.wall_ms,
                                   s.user_ms + more.user_ms,
                                   s.sys_ms + more.sys_ms,
                                   max(s.rss_kib, more.rss_kib))
            if step.check:
                try:
                    step.check()
                except measure.RunFailed as e:
                    raise measure.RunFailed("%s %s (%s): %s" % (
                        cell.tool_name[tool], step.scenario, cell.label(), e))
            total += s.wall_ms
            got.append((step.scenario, s))
        return total, got

    def run_cell(self, cell):
        """Warm up, then timed rounds, the tools interleaved.

        The last warm-up run tells how many timed runs a tool gets: --runs,
        3 when one run takes over SLOW_MS, and when it takes over
        VERY_SLOW_MS two: the warm-up run itself and one more.  Rounds are
        numbered per tool from 0, so round k of two tools ran close
        together in time: that is what the pairwise ratios use.
        """
        o = self.opts
        tools = list(cell.tools)
        log("%s: %s" % (cell.label(), ", ".join(cell.tool_name[t]
                                                   for t in tools)))
        warm = max(1, o.warmup)
        kept = {}
        for w in range(warm):
            for t in rotate(tools, w):
                ms, got = self.run_steps(cell, t)
                cell.per_round_ms[t] = ms
                if w == warm - 1 and (o.warmup == 0 or ms >= VERY_SLOW_MS):
                    kept[t] = got
        want = {}
        for t in tools:
            ms = cell.per_round_ms[t]
            if o.warmup == 0:
                want[t] = o.runs
            elif ms >= VERY_SLOW_MS:
                # the warm-up run and one more, in the other order: with
                # one run each, whoever ran first would carry the cold
                # start (the database server's caches, autovacuum)
                want[t] = 2
            elif ms >= SLOW_MS:
                want[t] = min(3, o.runs)
            else:
                want[t] = o.runs
        done = dict.fromkeys(tools, 0)
        for t, got in kept.items():
            self.record(cell, t, 0, got)
            done[t] = 1
        rnd = 0
        while any(done[t] < want[t] for t in tools):
            for t in rotate(tools, rnd):
                if done[t] < want[t]:
                    _, got = self.run_steps(cell, t)
                    self.record(cell, t, done[t], got)
                    done[t] += 1
            rnd += 1
        self.cells.append(cell)

    def record(self, cell, tool, rnd, got):
        for scenario, s in got:
            cell.samples.setdefault((scenario, tool), {})[rnd] = s
            self.runs_rows.append((scenario, cell.dialect, cell.shape,
                                   cell.n, cell.tool_name[tool], rnd,
                                   s.wall_ms, s.user_ms, s.sys_ms,
                                   s.rss_kib))

    # --- the plan ------------------------------------------------------------

    def grows(self, key, tool, cell):
        """Whether TOOL may run at the next size of KEY's series.  The
        floor keeps running while retort does: without it, retort's
        growth at that size could not be told from the database's."""
        if tool == "floor" and "retort" in cell.tools:
            return
        ms = cell.per_round_ms.get(tool)
        if ms is not None and ms * 10 > self.opts.cap * 1000:
            self.stop_at[(key, tool)] = (
                "not run above N=%d: one run there took %.1f s, so the next "
                "size would take over --cap %g s" % (cell.n, ms / 1000,
                                                     self.opts.cap))

    def series(self, key, make, sizes):
        """Run make(n) for every size, dropping tools that got too slow."""
        for n in sizes:
            cell = make(n)
            for tool in list(cell.tools):
                if (key, tool) in self.stop_at:
                    del cell.tools[tool]
            try:
                self.run_cell(cell)
            except measure.RunFailed as e:
                sys.exit("bench: %s" % e)
            for tool in cell.tools:
                self.grows(key, tool, cell)

    def extras(self):
        """callgrind instruction counts and the hyperfine cross-check."""
        o = self.opts
        big = max(o.sizes)
        if not o.no_callgrind and shutil.which("valgrind"):
            for c in self.cells:
                # the server is gone by now
                if c.dialect == "postgresql":
                    continue
                if c.group == "sqlite" and c.n > 1000:
                    continue
                for step in c.tools["retort"]:
                    self.callgrind(c, step)
        if not o.no_hyperfine and shutil.which("hyperfine"):
            for c in self.cells:
                pick = ((c.group == "status" and c.n == min(o.sizes)) or
                        (c.group == "graph" and c.n == big and
                         c.shape == "linear"))
                if pick:
                    for step in c.tools["retort"]:
                        self.hyperfine_one(c, step)

    def callgrind(self, cell, step):
        if cell.group == "autogen":
            # no stray script, an empty database; the same after
            cell.reset["retort"]()
        if cell.group == "sqlite":
            # from the state the step expects
            self.remove_sqlite(self.sqlite_db(os.path.dirname(step.cwd)))
            if step.scenario == "downgrade":
                self.untimed([self.retort, "upgrade", "head"], step.cwd)
        out = os.path.join(self.work, "callgrind.out")
        r = subprocess.run(["valgrind", "--tool=callgrind",
                            "--callgrind-out-file=" + out] + step.argv,
                           cwd=step.cwd, env=self.env,
                           capture_output=True, text=True)
        count = None
        for line in r.stderr.splitlines():
            if "Collected :" in line:
                count = int(line.split(":")[-1].strip())
        if r.returncode == 0 and count:
            self.instructions.append((step.scenario, cell.dialect,
                                      cell.shape, cell.n, count))
        else:
            log("callgrind %s failed:\n%s" % (step.scenario, r.stderr[-2000:]))
        try:
            os.unlink(out)
        except FileNotFoundError:
            pass
        if cell.group == "autogen":
            cell.reset["retort"]()

    def hyperfine_one(self, cell, step):
        js = os.path.join(self.work, "hyperfine.json")
        r = subprocess.run(["hyperfine", "-N", "--style", "none", "--warmup",
                            "3", "--runs", "30", "--export-json", js,
                            " ".join(step.argv)],
                           cwd=step.cwd, env=self.env, capture_output=True,
                           text=True)
        if r.returncode != 0:
            log("hyperfine failed: " + r.stderr[-500:])
            return
        import json
        with open(js) as f:
            res = json.load(f)["results"][0]
        self.hyperfine.append({
            "scenario": step.scenario, "shape": cell.shape, "n": cell.n,
            "mean": res["mean"] * 1000, "stddev": res["stddev"] * 1000,
            "median": res["median"] * 1000, "min": res["min"] * 1000,
            "max": res["max"] * 1000, "runs": len(res["times"])})

    def main(self):
        o = self.opts
        os.makedirs(self.work, exist_ok=True)
        measure.build_timer(self.work)
        self.db_dir = o.db_dir or (
            tempfile.mkdtemp(prefix="retort-bench.", dir="/dev/shm")
            if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK)
            else os.path.join(self.work, "db"))
        os.makedirs(self.db_dir, exist_ok=True)
        self.find_tools()
        for t, why in self.missing.items():
            log("leaving out %s: %s" % (t, why))
        self.load_start = loadavg()
        sizes = o.sizes
        if "status" in o.groups:
            self.series("status", self.cell_status, sizes)
        if "graph" in o.groups:
            for shape in ("linear", "branchy"):
                self.series("graph-" + shape,
                            lambda n, s=shape: self.cell_graph(s, n), sizes)
        if "sqlite" in o.groups:
            self.series("sqlite", lambda n: self.cell_apply("sqlite", n),
                        sizes)
        if "postgresql" in o.groups:
            if not self.psql:
                self.missing["psql"] = "no psql (Debian postgresql-client)"
            elif self.start_pg():
                try:
                    self.series("postgresql",
                                lambda n: self.cell_apply("postgresql", n),
                                sizes)
                finally:
                    self.stop_pg()
            else:
                self.missing["postgresql"] = "no PostgreSQL server"
        if "autogen" in o.groups:
            tables = [n for n in sizes if n <= AUTOGEN_MAX_N]
            if len(tables) < len(sizes):
                self.missing["autogen above N=%d" % AUTOGEN_MAX_N] = (
                    "not run at N=%s (the group stops at %d tables)"
                    % (", ".join(str(n) for n in sizes
                                 if n > AUTOGEN_MAX_N), AUTOGEN_MAX_N))
            self.series("autogen", lambda n: self.cell_autogen(n, "sqlite"),
                        tables)
            if not self.psql:
                self.missing["autogen on PostgreSQL"] = (
                    "no psql (Debian postgresql-client)")
            elif self.start_pg():
                try:
                    self.series("autogen-postgresql",
                                lambda n: self.cell_autogen(n, "postgresql"),
                                tables)
                finally:
                    self.stop_pg()
            else:
                self.missing["autogen on PostgreSQL"] = "no PostgreSQL server"
        self.extras()
        self.load_end = loadavg()
        report.write(self)
        charts = os.path.join(BENCH_DIR, "charts.py")
        if not o.smoke and shutil.which("gnuplot") and os.path.exists(charts):
            subprocess.run([sys.executable, charts, self.out])
        log("wrote %s" % os.path.join(self.out, "results.md"))


def rotate(items, k):
    k %= len(items) if items else 1
    return items[k:] + items[:k]


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "-"


def parse_args(argv):
    ap = argparse.ArgumentParser(usage=__doc__.split("\n\n")[1].strip())
    ap.add_argument("retort")
    ap.add_argument("--sizes", default="10 100 1000 10000")
    ap.add_argument("--groups", default=" ".join(GROUPS))
    ap.add_argument("--tools", default=" ".join(TOOLS))
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--cap", type=float, default=60.0)
    ap.add_argument("--db-dir")
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--no-hyperfine", action="store_true")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--out", default=os.path.join(BENCH_DIR, "results"))
    o = ap.parse_args(argv)
    try:
        o.sizes = sorted(int(x) for x in o.sizes.replace(",", " ").split())
    except ValueError:
        ap.error("--sizes: numbers, e.g. \"10 100 1000\" or 10,100,1000")
    if not o.sizes or min(o.sizes) < 1:
        ap.error("--sizes: at least one size, each at least 1")
    o.groups = o.groups.split()
    o.tools = o.tools.split()
    for g in o.groups:
        if g not in GROUPS:
            ap.error("--groups: unknown group %r (%s)" % (g, ", ".join(GROUPS)))
    for t in o.tools:
        if t not in TOOLS:
            ap.error("--tools: unknown tool %r (%s)" % (t, ", ".join(TOOLS)))
    if "retort" not in o.tools:
        ap.error("--tools: retort is what is measured; keep it")
    if o.runs < 1 or o.warmup < 0:
        ap.error("--runs must be at least 1, --warmup at least 0")
    if o.smoke:
        o.sizes = [10]
        o.runs = 1
        o.warmup = 0
        o.no_callgrind = o.no_hyperfine = True
    return o


def main(argv):
    opts = parse_args(argv)
    bench = Bench(opts)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        bench.main()
    except KeyboardInterrupt:
        return 130
    finally:
        bench.stop_pg()
        bench.remove_db_dir()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
