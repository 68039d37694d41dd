"""The benchmark's report: results.md and the TSV files beside it.

Figures come from bench.py's cells: for every (scenario, tool) the timed
runs by round.  Ratios are taken round by round (tool A's run k against
tool B's run k, which ran close together in time), then their median, so
that a change in the machine's load between rounds cancels out.
"""

import datetime
import os
import platform
import subprocess

import measure

SCENARIO_TITLE = {
    "current": "current / status on an up-to-date database",
    "heads": "heads",
    "history": "history",
    "upgrade": "upgrade head from an empty database",
    "downgrade": "downgrade base from head",
    "autogenerate": "revision --autogenerate from an empty database",
    "check": "check on a database at head (Alembic 1.8: revision "
             "--autogenerate)",
}
AUTOGEN_TARGET_MS = 1000.0
# retort run without its caches (the autogen group on PostgreSQL)
NOCACHE = "retort-nocache"
FLOORS = ("sqlite3", "psql")
TARGET_MS = 50.0
TARGET_RSS_KIB = 20 * 1024


def write(b):
    cells = summarise(b)
    ratios = pair_ratios(b)
    write_tsv(b, cells, ratios)
    with open(os.path.join(b.out, "results.md"), "w") as f:
        Report(b, cells, ratios, f).write()


def summarise(b):
    """One dict per (cell, scenario, tool), in run order."""
    rows = []
    for c in b.cells:
        for (scenario, tool), rounds in c.samples.items():
            samples = list(rounds.values())
            s = measure.Summary([x.wall_ms for x in samples])
            rows.append({
                "scenario": scenario, "dialect": c.dialect,
                "shape": c.shape, "n": c.n, "tool": c.tool_name[tool],
                "runs": s.n, "median": s.median, "min": s.min,
                "max": s.max,
                "rss": max(x.rss_kib for x in samples),
                "user": measure.Summary([x.user_ms for x in samples]).median,
                "sys": measure.Summary([x.sys_ms for x in samples]).median,
            })
    return rows


def pair_ratios(b):
    """Alembic/retort and dbmate/retort (how many times faster retort is)
    and retort/floor (retort's cost over the database's own CLI)."""
    out = []
    for c in b.cells:
        scenarios = {s for s, _ in c.samples}
        for scenario in sorted(scenarios):
            base = c.samples.get((scenario, "retort"))
            if not base:
                continue
            base_ms = {r: s.wall_ms for r, s in base.items()}
            for tool in c.tools:
                if tool == "retort" or (scenario, tool) not in c.samples:
                    continue
                other = {r: s.wall_ms
                         for r, s in c.samples[(scenario, tool)].items()}
                name = c.tool_name[tool]
                if name in FLOORS:
                    num, den, vals = "retort", name, measure.paired_ratios(
                        base_ms, other)
                else:
                    num, den, vals = name, "retort", measure.paired_ratios(
                        other, base_ms)
                if not vals:
                    continue
                s = measure.Summary(vals)
                out.append({"scenario": scenario, "dialect": c.dialect,
                            "shape": c.shape, "n": c.n, "num": num,
                            "den": den, "median": s.median, "min": s.min,
                            "max": s.max, "pairs": s.n})
            # retort without its cache pays the floor: how it compares
            cold = c.samples.get((scenario, NOCACHE))
            for tool in c.tools:
                name = c.tool_name[tool]
                if not cold or name not in FLOORS or \
                        (scenario, tool) not in c.samples:
                    continue
                vals = measure.paired_ratios(
                    {r: x.wall_ms for r, x in cold.items()},
                    {r: x.wall_ms
                     for r, x in c.samples[(scenario, tool)].items()})
                if vals:
                    s = measure.Summary(vals)
                    out.append({"scenario": scenario, "dialect": c.dialect,
                                "shape": c.shape, "n": c.n, "num": NOCACHE,
                                "den": name, "median": s.median,
                                "min": s.min, "max": s.max, "pairs": s.n})
    return out


def write_tsv(b, cells, ratios):
    def dump(name, header, rows):
        with open(os.path.join(b.out, name), "w") as f:
            f.write("\t".join(header) + "\n")
            for r in rows:
                f.write("\t".join(fmt_tsv(x) for x in r) + "\n")

    dump("bench.tsv", ["scenario", "dialect", "shape", "n", "tool", "runs",
                       "median_ms", "min_ms", "max_ms", "rss_kib", "note"],
         [(r["scenario"], r["dialect"], r["shape"], r["n"], r["tool"],
           r["runs"], r["median"], r["min"], r["max"], r["rss"], "-")
          for r in cells])
    dump("ratios.tsv", ["scenario", "dialect", "shape", "n", "numerator",
                        "denominator", "median", "min", "max", "pairs"],
         [(r["scenario"], r["dialect"], r["shape"], r["n"], r["num"],
           r["den"], r["median"], r["min"], r["max"], r["pairs"])
          for r in ratios])
    dump("runs.tsv", ["scenario", "dialect", "shape", "n", "tool", "round",
                      "wall_ms", "user_ms", "sys_ms", "rss_kib"],
         b.runs_rows)
    dump("instructions.tsv", ["scenario", "dialect", "shape", "n",
                              "instructions"], b.instructions)


def fmt_tsv(x):
    if isinstance(x, float):
        return "%.3f" % x
    return str(x)


def ms(x):
    """Milliseconds, to about three significant digits."""
    if x >= 100:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    return "%.2f" % x


def times(x):
    return ("%.0fx" % x) if x >= 10 else ("%.2fx" % x)


def mib(kib):
    return "%.1f" % (kib / 1024.0)


def command_output(argv, **kw):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30,
                           **kw)
        out = (r.stdout or r.stderr).strip()
        return out.splitlines()[0] if out else "?"
    except (OSError, subprocess.SubprocessError):
        return "not installed"


class Report:
    def __init__(self, b, cells, ratios, f):
        self.b = b
        self.cells = cells
        self.ratios = ratios
        self.f = f

    def w(self, line=""):
        self.f.write(line + "\n")

    def cell(self, scenario, dialect, shape, n, tool):
        for r in self.cells:
            if (r["scenario"], r["dialect"], r["shape"], r["n"],
                    r["tool"]) == (scenario, dialect, shape, n, tool):
                return r
        return None

    def ratio(self, scenario, dialect, shape, n, num, den):
        for r in self.ratios:
            if (r["scenario"], r["dialect"], r["shape"], r["n"], r["num"],
                    r["den"]) == (scenario, dialect, shape, n, num, den):
                return r
        return None

    def write(self):
        b = self.b
        self.w("# retort benchmark results")
        self.w()
        self.w("Written by `bench/bench.py` on %s (%s). Regenerate with "
               "`make bench`; the method is in bench/README.md."
               % (datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
                  "smoke run, not figures" if b.opts.smoke else "full run"))
        self.w()
        self.machine()
        self.targets()
        self.tables()
        self.growth()
        self.instructions()
        self.hyperfine()
        self.notes()
        self.left_out()

    # --- machine ---------------------------------------------------------------

    def machine(self):
        b = self.b
        cpu = "?"
        try:
            with open("/proc/cpuinfo") as f:
                for line in f:
                    if line.startswith("model name"):
                        cpu = line.split(":", 1)[1].strip()
                        break
        except OSError:
            pass
        mem = "?"
        try:
            with open("/proc/meminfo") as f:
                kib = int(f.readline().split()[1])
                mem = "%.1f GiB" % (kib / 1024.0 / 1024.0)
        except (OSError, ValueError, IndexError):
            pass
        commit = command_output(["git", "-C", os.path.dirname(os.path.abspath(__file__)),
                                 "describe", "--always", "--dirty"])
        alembic = command_output(
            [b.python, "-c", "import alembic, sqlalchemy, sys; "
             "print('Alembic %s, SQLAlchemy %s, Python %s' % (alembic."
             "__version__, sqlalchemy.__version__, sys.version.split()[0]))"])
        rows = [
            ("CPU", "%s, %d CPUs" % (cpu, os.cpu_count() or 0)),
            ("memory", mem),
            ("kernel", "%s %s" % (platform.system(), platform.release())),
            ("load average (start, end)", "%s; %s"
             % (b.load_start, b.load_end)),
            ("SQLite files in", "%s (%s)" % (b.db_dir_note(),
                                              fs_type(b.db_dir))),
            ("retort", "%s (commit %s)" % (command_output(
                [b.retort, "--version"]), commit)),
            ("Alembic", alembic),
            ("dbmate", command_output([b.dbmate, "--version"])
             if b.dbmate else "not installed"),
            ("sqlite3", command_output([b.sqlite3, "--version"])
             if b.sqlite3 else "not installed"),
            ("psql", command_output([b.psql, "--version"])
             if b.psql else "not installed"),
            ("PostgreSQL server", getattr(b, "pg_version", "not run")),
            ("hyperfine", command_output(["hyperfine", "--version"])),
            ("valgrind", command_output(["valgrind", "--version"])),
            ("runs", "%d timed after %d warm-up (fewer for slow tools, see "
             "bench/README.md); cap %g s" % (b.opts.runs, b.opts.warmup,
                                            b.opts.cap)),
        ]
        self.w("## Machine and versions")
        self.w()
        self.w("| | |")
        self.w("|---|---|")
        for k, v in rows:
            self.w("| %s | %s |" % (k, v.replace("|", "\\|")))
        self.w()

    # --- targets -----------------------------------------------------------------

    def targets(self):
        rows = []

        def add(what, measured, ok):
            rows.append((what, measured, "n/a" if ok is None else
                         ("met" if ok else "**missed**")))

        r = self.ratio("current", "sqlite", "linear", 10, "alembic", "retort")
        add("`current` at N=10: at least 50x faster than Alembic",
            "%s (retort %s ms, Alembic %s ms)" % (
                times(r["median"]),
                ms(self.cell("current", "sqlite", "linear", 10,
                             "retort")["median"]),
                ms(self.cell("current", "sqlite", "linear", 10,
                             "alembic")["median"])) if r else "not measured",
            r["median"] >= 50 if r else None)
        for shape in ("linear", "branchy"):
            for cmd in ("heads", "history"):
                c = self.cell(cmd, "sqlite", shape, 10000, "retort")
                r = self.ratio(cmd, "sqlite", shape, 10000, "alembic",
                               "retort")
                add("`%s` at N=10,000 (%s): under 50 ms, at least 100x "
                    "faster than Alembic" % (cmd, shape),
                    "%s ms, %s" % (ms(c["median"]), times(r["median"])
                                   if r else "Alembic not measured")
                    if c else "not measured",
                    (c["median"] < TARGET_MS and (r is None or
                                                  r["median"] >= 100))
                    if c else None)
        for dialect, floor in (("sqlite", "sqlite3"), ("postgresql", "psql")):
            r = self.ratio("upgrade", dialect, "linear", 1000, "retort",
                           floor)
            add("`upgrade head` at N=1,000 on %s: within 1.2x of %s"
                % ("SQLite" if dialect == "sqlite" else "PostgreSQL", floor),
                "%s (min %s, max %s)" % (times(r["median"]), times(r["min"]),
                                         times(r["max"]))
                if r else "not measured",
                r["median"] <= 1.2 if r else None)
        self.autogen_target(add)
        big = [r for r in self.cells if r["tool"] == "retort" and
               r["n"] == 10000]
        if big:
            top = max(big, key=lambda r: r["rss"])
            add("peak memory at N=10,000: under 20 MB",
                "%s MiB at most (%s, %s %s)" % (mib(top["rss"]),
                                                top["scenario"],
                                                top["dialect"], top["shape"]),
                top["rss"] < TARGET_RSS_KIB)
        else:
            add("peak memory at N=10,000: under 20 MB", "not measured", None)
        worst = self.worst_growth()
        add("every figure of retort grows linearly with N or better",
            worst[1], worst[0])
        self.w("## Targets")
        self.w()
        self.w("| target | measured | |")
        self.w("|---|---|---|")
        for row in rows:
            self.w("| %s | %s | %s |" % row)
        self.w()

    def autogen_target(self, add):
        for dialect, name in (("sqlite", "SQLite"),
                              ("postgresql", "PostgreSQL")):
            what = ("`revision --autogenerate` and `check` on a 1,000-table "
                    "schema (%s): well under a second" % name)
            parts, worst = [], 0.0
            for sc in ("autogenerate", "check"):
                c = self.cell(sc, dialect, "schema", 1000, "retort")
                if not c:
                    break
                worst = max(worst, c["median"])
                a = self.cell(sc, dialect, "schema", 1000, "alembic")
                r = self.ratio(sc, dialect, "schema", 1000, "alembic",
                               "retort")
                cold = self.cell(sc, dialect, "schema", 1000, NOCACHE)
                parts.append("`%s` %s ms (slowest %s)%s%s" % (
                    sc, ms(c["median"]), ms(c["max"]),
                    "; without its cache %s ms" % ms(cold["median"])
                    if cold else "",
                    "; Alembic %s ms, %s" % (ms(a["median"]),
                                             times(r["median"]))
                    if a and r else ""))
            if len(parts) < 2:
                add(what, "not measured", None)
                continue
            add(what, ", ".join(parts), worst < AUTOGEN_TARGET_MS)

    # --- the figures ---------------------------------------------------------------

    def tables(self):
        groups = [
            ("Start-up and status (SQLite, linear history)",
             [("current", "sqlite", "linear")]),
            ("heads and history, linear history",
             [("heads", "sqlite", "linear"), ("history", "sqlite", "linear")]),
            ("heads and history, branched history (lanes and merges)",
             [("heads", "sqlite", "branchy"),
              ("history", "sqlite", "branchy")]),
            ("upgrade and downgrade on SQLite",
             [("upgrade", "sqlite", "linear"),
              ("downgrade", "sqlite", "linear")]),
            ("upgrade and downgrade on PostgreSQL",
             [("upgrade", "postgresql", "linear"),
              ("downgrade", "postgresql", "linear")]),
            ("revision --autogenerate and check, N-table schema (SQLite; "
             "N counts tables)",
             [("autogenerate", "sqlite", "schema"),
              ("check", "sqlite", "schema")]),
            ("revision --autogenerate and check, N-table schema "
             "(PostgreSQL; N counts tables)",
             [("autogenerate", "postgresql", "schema"),
              ("check", "postgresql", "schema")]),
        ]
        self.w("## Figures")
        self.w()
        self.w("Wall clock in milliseconds: median of the timed runs, "
               "[fastest, slowest]. The ratio column compares each tool "
               "with retort run by run: for Alembic and dbmate how many "
               "times slower than retort they are, for the floor (the "
               "database's own command line running the same statements "
               "in the same transactions) retort's time over the floor's. "
               "Peak RSS is the largest of the runs.")
        self.w()
        for title, keys in groups:
            rows = [r for r in self.cells
                    if (r["scenario"], r["dialect"], r["shape"]) in keys]
            if not rows:
                continue
            self.w("### " + title)
            self.w()
            self.w("| scenario | N | tool | median ms | [min, max] | runs "
                   "| ratio | peak RSS MiB |")
            self.w("|---|--:|---|--:|---|--:|---|--:|")
            for r in sorted(rows, key=lambda r: (
                    keys.index((r["scenario"], r["dialect"], r["shape"])),
                    r["n"], tool_order(r["tool"]))):
                self.w("| %s | %d | %s | %s | [%s, %s] | %d | %s | %s |" % (
                    r["scenario"], r["n"], r["tool"], ms(r["median"]),
                    ms(r["min"]), ms(r["max"]), r["runs"],
                    self.ratio_text(r), mib(r["rss"])))
            self.w()

    def ratio_text(self, r):
        t = r["tool"]
        if t == "retort":
            return ""
        if t in FLOORS:
            x = self.ratio(r["scenario"], r["dialect"], r["shape"], r["n"],
                           "retort", t)
            return "retort/%s %s" % (t, times(x["median"])) if x else ""
        x = self.ratio(r["scenario"], r["dialect"], r["shape"], r["n"], t,
                       "retort")
        text = "%s retort's time" % times(x["median"]) if x else ""
        if t == NOCACHE:
            for floor in FLOORS:
                f = self.ratio(r["scenario"], r["dialect"], r["shape"],
                               r["n"], t, floor)
                if f:
                    text += "; %s/%s %s" % (t, floor, times(f["median"]))
        return text

    # --- growth -------------------------------------------------------------------

    def growth_rows(self):
        series = {}
        for r in self.cells:
            key = (r["scenario"], r["dialect"], r["shape"], r["tool"])
            series.setdefault(key, []).append(r)
        out = []
        for key, rows in series.items():
            rows.sort(key=lambda r: r["n"])
            steps = []
            for a, c in zip(rows, rows[1:]):
                kt = measure.growth_exponent(a["n"], a["median"], c["n"],
                                             c["median"])
                km = measure.growth_exponent(a["n"], a["rss"], c["n"],
                                             c["rss"])
                steps.append((a["n"], c["n"], kt, km))
            if steps:
                out.append((key, steps))
        return out

    def floor_k(self, key, a, c):
        """The floor's time exponent for the same step, or None."""
        for fkey, steps in self.growth_rows():
            if fkey[:3] == key[:3] and fkey[3] in FLOORS:
                for fa, fc, kt, _ in steps:
                    if (fa, fc) == (a, c):
                        return kt
        return None

    def judge(self, key, a, c, kt, km):
        """(exponent that counts, note) for one step of a series.

        Where the floor ran the same step, time that grows faster than
        linear is the database's when retort's exponent is within 0.15 of
        the floor's: sqlite3 and psql pay it too (SQLite's DDL, for one,
        does work in proportion to the schema's size).
        """
        fk = self.floor_k(key, a, c)
        if kt is not None and kt > 1.1 and fk is not None and \
                kt - fk <= 0.15:
            return (max(1.0, km or 0), "time as the floor's (k = %.2f)" % fk)
        return (max(kt or 0, km or 0), None)

    def worst_growth(self):
        worst = None
        followed = []
        for key, steps in self.growth_rows():
            if key[3] != "retort":
                continue
            for a, c, kt, km in steps:
                k, note = self.judge(key, a, c, kt, km)
                if note:
                    followed.append("%s %s N=%d to %d" % (key[0], key[1], a,
                                                          c))
                if worst is None or k > worst[0]:
                    worst = (k, "%s %s %s, N=%d to %d" % (
                        key[0], key[1], key[2], a, c))
        if worst is None:
            return (None, "not measured (needs two sizes)")
        text = "largest exponent k = %.2f (%s)" % worst
        if followed:
            text += ("; super-linear only where the database's own CLI is "
                     "too, by the same exponent: " + ", ".join(followed))
        # Noise on figures that hardly grow can read as k slightly over 1.
        return (worst[0] <= 1.1, text)

    def growth(self):
        rows = self.growth_rows()
        if not rows:
            return
        self.w("## Growth with N")
        self.w()
        self.w("The exponent k of each step, from time ~ N^k between two "
               "sizes: 1 is linear, 0 is flat (start-up bound), over 1 "
               "super-linear. Time is the median wall clock; memory the "
               "peak RSS. Where a step of retort is super-linear and the "
               "floor's (sqlite3, psql) is too, by about as much, the cost "
               "is the database's, and the verdict says so.")
        self.w()
        self.w("| scenario | database | history | tool | time k per step "
               "| memory k per step | verdict |")
        self.w("|---|---|---|---|---|---|---|")
        for key, steps in sorted(rows, key=lambda x: (
                x[0][0], x[0][1], x[0][2], tool_order(x[0][3]))):
            kt = ", ".join("%s" % fmt_k(s[2]) for s in steps)
            km = ", ".join("%s" % fmt_k(s[3]) for s in steps)
            worst = 0.0
            notes = []
            for a, c, k_t, k_m in steps:
                if key[3] == "retort":
                    k, note = self.judge(key, a, c, k_t, k_m)
                    if note:
                        notes.append("N=%d..%d: %s" % (a, c, note))
                else:
                    k = max(k_t or 0, k_m or 0)
                worst = max(worst, k)
            verdict = ("super-linear" if worst > 1.1 else
                       "linear" if worst > 0.8 else "better than linear")
            if notes:
                verdict += "; " + "; ".join(notes)
            span = "N=%d..%d" % (steps[0][0], steps[-1][1])
            self.w("| %s | %s | %s | %s | %s (%s) | %s | %s |" % (
                key[0], key[1], key[2], key[3], kt, span, km, verdict))
        self.w()

    def instructions(self):
        if not self.b.instructions:
            return
        self.w("## Instructions (callgrind)")
        self.w()
        self.w("Instructions retort executes in one run, from `valgrind "
               "--tool=callgrind` (SQLite library included): unlike time, "
               "this does not depend on the machine's load.")
        self.w()
        self.w("| scenario | history | N | instructions | per revision "
               "(autogen: per table) |")
        self.w("|---|---|--:|--:|--:|")
        for sc, _, shape, n, count in self.b.instructions:
            self.w("| %s | %s | %d | %s | %s |" % (
                sc, shape, n, "{:,}".format(count),
                "{:,}".format(count // n)))
        self.w()

    def hyperfine(self):
        if not self.b.hyperfine:
            return
        self.w("## hyperfine cross-check")
        self.w()
        self.w("The same retort commands timed by hyperfine (`-N`, 3 "
               "warm-ups, 30 runs), as a check on bench.py's own loop. "
               "hyperfine runs retort back to back; bench.py interleaves it "
               "with the other tools, so retort often starts after a run "
               "of Alembic has read its own 20,000 files and had the CPU "
               "caches to itself. Where the two differ, the interleaved "
               "figure is the one the targets use: it is the colder and "
               "the fairer.")
        self.w()
        self.w("| scenario | history | N | mean ± sd ms | median ms "
               "| [min, max] |")
        self.w("|---|---|--:|---|--:|---|")
        for h in self.b.hyperfine:
            self.w("| %s | %s | %d | %s ± %s | %s | [%s, %s] |" % (
                h["scenario"], h["shape"], h["n"], ms(h["mean"]),
                ms(h["stddev"]), ms(h["median"]), ms(h["min"]),
                ms(h["max"])))
        self.w()

    def notes(self):
        b = self.b
        self.w("## Notes")
        self.w()
        self.w("* The SQLite files live in %s (%s): a commit does not wait "
               "for the disk there, so the figures are the tools' own cost; "
               "on a disk every tool would wait alike for each commit's "
               "fsync and the ratios would shrink towards 1."
               % (b.db_dir_note(), fs_type(b.db_dir)))
        if getattr(b, "pg_settings", None):
            self.w("* PostgreSQL server settings: %s." % b.pg_settings)
        self.w("* Every tool runs each revision in its own transaction: "
               "retort by default, Alembic with "
               "`transaction_per_migration=True`, dbmate by default, and "
               "the floor scripts with the BEGIN/COMMIT retort sends "
               "(checked against retort's SQL echo by bench/floor.py).")
        self.w("* `current` for dbmate is `dbmate status`; for the floor, "
               "`sqlite3 DB 'SELECT version_num FROM alembic_version'`: "
               "starting a process and reading one row.")
        self.w("* dbmate has no command that undoes more than one migration "
               "(`dbmate rollback` undoes the latest), so its `downgrade "
               "base` is N runs of `dbmate rollback`; it runs with "
               "`--no-dump-schema`.")
        self.w("* Alembic runs from its `__pycache__` (written by the "
               "warm-up run), its steady state; retort likewise from its "
               "header cache (`RETORT_CACHE_DIR`, filled by the warm-up "
               "run), which it validates by one `fstatat` per script, so "
               "`heads`, `history` and `current` from 256 scripts on "
               "stat the scripts instead of reading them.")
        if any(c.group == "autogen" for c in b.cells):
            self.w("* autogen (history `schema`): a desired schema of N "
                   "tables (`bench/gen_project.py --autogen`), each with an "
                   "INTEGER primary key, a NOT NULL VARCHAR(50) with an "
                   "index, a TEXT column under a named UNIQUE constraint, "
                   "an INTEGER under a named CHECK and a foreign key to "
                   "the previous table, ON DELETE CASCADE: `target_schema "
                   "= schema.sql` for retort, the same as SQLAlchemy "
                   "declarative models (`target_metadata = Base.metadata`) "
                   "for Alembic. `autogenerate` is `revision "
                   "--autogenerate -m x` on an empty database (the script "
                   "it writes must create the N tables); `check` runs on "
                   "a database each tool brought to head with its own "
                   "autogenerated revision. Alembic 1.8 has no `check` "
                   "command (it came in 1.9), so its `check` is `revision "
                   "--autogenerate` on the database at head: the same "
                   "comparison, writing a revision with nothing in it. "
                   "Each script written is verified and deleted after the "
                   "run, untimed. Alembic's env.py raises Python's "
                   "recursion limit: SQLAlchemy reflects the tables a "
                   "foreign key names recursively, and the chain of "
                   "foreign keys overflows the default limit from about "
                   "200 tables on (RecursionError). The floor is the "
                   "database running the desired schema in one "
                   "transaction, as retort's scratch load does: `sqlite3 "
                   ":memory:`; on PostgreSQL `psql` in a fresh schema, "
                   "rolled back. On SQLite both retort commands pay it "
                   "first. On PostgreSQL retort keeps the desired "
                   "schema's catalog in its cache (filled by the warm-up "
                   "run, like the header cache) and reads it back while "
                   "the files and the server's settings are unchanged; "
                   "`retort-nocache` is retort run with `RETORT_CACHE_DIR=` "
                   "empty, as the first run after an edit of the schema "
                   "does, and pays the floor.")
        self.w()

    def left_out(self):
        b = self.b
        notes = ["%s: %s" % (t, why) for t, why in b.missing.items()]
        for (key, tool), why in sorted(b.stop_at.items()):
            notes.append("%s in %s: %s" % (tool_label(b, tool), key, why))
        if not notes:
            return
        self.w("## Left out")
        self.w()
        for n in notes:
            self.w("* " + n)
        self.w()


def tool_label(b, tool):
    return {"floor": "the floor (sqlite3/psql)"}.get(tool, tool)


def tool_order(name):
    order = ("retort", NOCACHE, "sqlite3", "psql", "dbmate", "alembic")
    return order.index(name) if name in order else len(order)


def fmt_k(k):
    return "-" if k is None else "%.2f" % k


def fs_type(path):
    try:
        best = ("", "?")
        with open("/proc/mounts") as f:
            for line in f:
                parts = line.split()
                mnt, typ = parts[1], parts[2]
                if (path == mnt or path.startswith(mnt.rstrip("/") + "/")) \
                        and len(mnt) > len(best[0]):
                    best = (mnt, typ)
        return best[1]
    except OSError:
        return "?"
