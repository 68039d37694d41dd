#!/usr/bin/env python3
"""Draw the benchmark's charts from its figures.

    charts.py [--terminal pngcairo|png] [--keep-scripts] RESULTS_DIR

reads RESULTS_DIR/bench.tsv (written by bench/bench.py) and writes PNG
charts next to it with gnuplot (Debian package gnuplot-nox), then prints
the path of every chart it wrote, one a line.

bench.tsv is tab-separated with a header line; the columns are found by
name, so their order does not matter:

    scenario  current | heads | history | upgrade | downgrade |
              autogenerate | check
    dialect   sqlite | postgresql
    shape     linear | branchy | schema (the autogen group)
    n         number of revisions (schema: of tables)
    tool      retort | alembic | dbmate | sqlite3 | psql (the last two are
              the raw floor: the database's own client running the SQL)
    runs      number of timed runs
    median_ms, min_ms, max_ms   wall clock, milliseconds
    rss_kib   peak RSS of one run, KiB, or "-"
    note      free text or "-" (not drawn)

The charts:

    status.png            current, SQLite, linear: time against N per tool
                          (the floor too, when bench.tsv has it)
    graph.png             heads and history, SQLite, linear and branchy
    upgrade-sqlite.png    upgrade and downgrade, SQLite, linear
    upgrade-postgresql.png   the same on PostgreSQL
    memory.png            peak RSS against N, current and upgrade, SQLite
    headline.png          how many times faster retort is than Alembic per
                          scenario (autogenerate and check included), and
                          retort against the raw floor (the
                          pairwise ratios of ratios.tsv when it is there,
                          else the ratio of the medians)

A chart whose figures are missing is skipped with a note on stderr.  A
tool that has no row at some N (skipped there as too slow) simply has no
point there.

Nothing from bench.tsv reaches gnuplot as code: the figures are parsed
into numbers here and passed in inline data blocks, tool names must be
plain words (others are left out with a note), and gnuplot writes into a
private temporary directory, from which the PNG is moved to RESULTS_DIR,
so the directory's name never enters a gnuplot script.  gnuplot runs
without a shell.

--terminal forces a gnuplot terminal (default: pngcairo when gnuplot has
it, else png).  --keep-scripts also writes the gnuplot scripts, data
included, to RESULTS_DIR/charts/NAME.gp, to redraw a chart by hand
(gnuplot NAME.gp writes NAME.png in the current directory).

Only the Python standard library is used.
"""

import argparse
import csv
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

SCENARIOS = ["current", "heads", "history", "upgrade", "downgrade"]
DIALECTS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
FLOOR = {"sqlite": "sqlite3", "postgresql": "psql"}
FLOOR_TOOLS = set(FLOOR.values())

# What each scenario runs, for titles.
SCENARIO_TITLE = {
    "current": "current (status)",
    "heads": "heads",
    "history": "history",
    "upgrade": "upgrade head from empty",
    "downgrade": "downgrade base from head",
}

# One look per tool on every chart.  retort is the strong, thick line; the
# raw floor is grey and dashed; other tools get colours from the
# colour-blind safe Okabe-Ito palette.
TOOL_STYLE = {
    "retort": {"color": "#0072B2", "lw": 3.0, "pt": 7, "ps": 1.3, "dt": 1},
    "alembic": {"color": "#E69F00", "lw": 2.0, "pt": 5, "ps": 1.1, "dt": 1},
    "dbmate": {"color": "#009E73", "lw": 2.0, "pt": 9, "ps": 1.3, "dt": 1},
    "sqlite3": {"color": "#666666", "lw": 1.5, "pt": 13, "ps": 1.0, "dt": 2},
    "psql": {"color": "#666666", "lw": 1.5, "pt": 13, "ps": 1.0, "dt": 2},
}
SPARE_COLORS = ["#CC79A7", "#D55E00", "#56B4E9", "#000000", "#994F00"]
SPARE_POINTS = [11, 15, 4, 6, 8]
TOOL_ORDER = ["retort", "alembic", "dbmate", "sqlite3", "psql"]

# Tool names go into legends: plain words only.
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,39}$")

FONT = "DejaVu Sans"


def note(msg):
    print("charts.py: " + msg, file=sys.stderr)


# ---------------------------------------------------------------- input


class Cell:
    """One measured cell: the figures of one tool at one N."""

    def __init__(self, median, lo, hi, rss_kib):
        self.median = median
        self.lo = lo
        self.hi = hi
        self.rss_kib = rss_kib


def parse_float(text):
    """A finite float, or None for "-", empty or nonsense."""
    try:
        v = float(text)
    except ValueError:
        return None
    if math.isnan(v) or math.isinf(v):
        return None
    return v


def read_tsv(path):
    """Return {(scenario, dialect, shape, tool): {n: Cell}}."""
    data = {}
    with open(path, newline="", encoding="utf-8", errors="replace") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None:
            return data
        col = {name.strip().lower(): i for i, name in enumerate(header)}
        need = ["scenario", "dialect", "shape", "n", "tool", "median_ms"]
        missing = [c for c in need if c not in col]
        if missing:
            raise ValueError("no column %s in the header" % ", ".join(missing))

        def field(row, name):
            i = col.get(name)
            if i is None or i >= len(row):
                return ""
            return row[i].strip()

        bad_names = set()
        for lineno, row in enumerate(reader, start=2):
            if not row or not "".join(row).strip():
                continue
            scenario = field(row, "scenario").lower()
            dialect = field(row, "dialect").lower()
            shape = field(row, "shape").lower()
            tool = field(row, "tool")
            if not NAME_RE.match(tool):
                if tool not in bad_names:
                    note("%s:%d: tool name %r is not a plain word, left out"
                         % (path, lineno, tool))
                    bad_names.add(tool)
                continue
            n = parse_float(field(row, "n"))
            median = parse_float(field(row, "median_ms"))
            if n is None or n < 1 or n != int(n) or median is None or median <= 0:
                note("%s:%d: no usable n or median_ms, line left out"
                     % (path, lineno))
                continue
            n = int(n)
            lo = parse_float(field(row, "min_ms"))
            hi = parse_float(field(row, "max_ms"))
            if lo is None or lo <= 0 or lo > median:
                lo = median
            if hi is None or hi < median:
                hi = median
            rss = parse_float(field(row, "rss_kib"))
            if rss is not None and rss <= 0:
                rss = None
            key = (scenario, dialect, shape, tool)
            cells = data.setdefault(key, {})
            if n in cells:
                note("%s:%d: second row for %s %s %s %s N=%d, the last one counts"
                     % (path, lineno, scenario, dialect, shape, tool, n))
            cells[n] = Cell(median, lo, hi, rss)
    return data


def tools_of(data, scenario, dialect, shape):
    """The tools with figures for this cell group, in legend order."""
    found = {k[3] for k in data
             if k[0] == scenario and k[1] == dialect and k[2] == shape}
    known = [t for t in TOOL_ORDER if t in found and t not in FLOOR_TOOLS]
    floor = [t for t in TOOL_ORDER if t in found and t in FLOOR_TOOLS]
    return known + sorted(found - set(TOOL_ORDER)) + floor


# Every tool name in bench.tsv, sorted: tools without a style of their own
# get spare colours in this order.
ALL_TOOLS = []


def style_of(tool):
    if tool in TOOL_STYLE:
        return TOOL_STYLE[tool]
    # Other tools: a colour of their own, the same on every chart.
    extra = sorted(t for t in ALL_TOOLS if t not in TOOL_STYLE)
    i = extra.index(tool) if tool in extra else 0
    return {"color": SPARE_COLORS[i % len(SPARE_COLORS)], "lw": 2.0,
            "pt": SPARE_POINTS[i % len(SPARE_POINTS)], "ps": 1.2, "dt": 1}


def legend_name(tool):
    if tool in FLOOR_TOOLS:
        return tool + " (raw floor)"
    return tool


# -------------------------------------------------------------- gnuplot


def gp_str(text):
    """text as a gnuplot single-quoted string (no escapes inside but '')."""
    text = text.replace("\n", " ").replace("\r", " ")
    return "'" + text.replace("'", "''") + "'"


def num(v):
    return repr(float(v))


class Script:
    """A gnuplot script under construction."""

    def __init__(self, width, height, terminal, scale=1.0):
        self.width = width
        self.height = height
        self.scale = scale      # of fonts and of the margins around them
        self.lines = []
        self.blocks = 0
        if terminal == "pngcairo":
            self.add("set terminal pngcairo size %d,%d noenhanced "
                     "font %s linewidth 1 rounded background '#ffffff'"
                     % (width, height, self.font(11)))
        else:
            self.add("set terminal png size %d,%d noenhanced "
                     "font %s 11 background '#ffffff'"
                     % (width, height, gp_str("DejaVuSans")))
        self.add("set output 'chart.png'")
        self.add("set encoding utf8")

    def font(self, pt, bold=False):
        return gp_str("%s%s,%s" % (FONT, " Bold" if bold else "",
                                   fmt_g(pt * self.scale)))

    def px(self, pixels):
        """pixels (at scale 1) as a fraction of the width."""
        return pixels * self.scale / self.width

    def py(self, pixels):
        return pixels * self.scale / self.height

    def add(self, line):
        self.lines.append(line)

    def block(self, rows):
        """An inline data block of numbers (and quoted labels made here);
        returns its name."""
        self.blocks += 1
        name = "$D%d" % self.blocks
        self.add(name + " << EOD")
        for row in rows:
            self.add(" ".join(row))
        self.add("EOD")
        return name

    def text(self):
        return "\n".join(self.lines) + "\nunset multiplot\nunset output\n"


def gnuplot_terminal(forced):
    if shutil.which("gnuplot") is None:
        raise RuntimeError("gnuplot not found (Debian: apt-get install gnuplot-nox)")
    proc = subprocess.run(["gnuplot"], input="print GPVAL_TERMINALS\n",
                          capture_output=True, text=True)
    terms = (proc.stdout + proc.stderr).split()
    if forced:
        if forced not in terms:
            raise RuntimeError("gnuplot has no terminal %r" % forced)
        return forced
    if "pngcairo" in terms:
        return "pngcairo"
    if "png" in terms:
        return "png"
    raise RuntimeError("gnuplot has neither the pngcairo nor the png terminal")


def render(script, name, outdir, keep_dir):
    """Run gnuplot on script in a private directory and move the PNG to
    outdir/name.png; returns the path, or None on failure."""
    text = script.text()
    if keep_dir:
        os.makedirs(keep_dir, exist_ok=True)
        with open(os.path.join(keep_dir, name + ".gp"), "w") as fh:
            fh.write(text.replace("set output 'chart.png'",
                                  "set output %s" % gp_str(name + ".png")))
    with tempfile.TemporaryDirectory(prefix="retort-charts-") as tmp:
        proc = subprocess.run(["gnuplot"], input=text, cwd=tmp,
                              capture_output=True, text=True)
        png = os.path.join(tmp, "chart.png")
        if proc.stderr.strip():
            for line in proc.stderr.strip().splitlines():
                note("%s: gnuplot: %s" % (name, line))
        if proc.returncode != 0 or not os.path.isfile(png) \
                or os.path.getsize(png) == 0:
            note("%s: gnuplot failed (exit %d), chart not written"
                 % (name, proc.returncode))
            return None
        dest = os.path.join(outdir, name + ".png")
        part = os.path.join(outdir, "." + name + ".png.part")
        shutil.copyfile(png, part)
        os.replace(part, dest)
        return dest


# ----------------------------------------------------------------- axes


def fmt_g(v):
    return "%.3g" % v


def n_label(n):
    if n >= 1000 and n % 1000 == 0:
        return "%dk" % (n // 1000)
    return "%d" % n


def ms_label(v):
    if v >= 1000:
        return fmt_g(v / 1000.0) + " s"
    return fmt_g(v) + " ms"


def mib_label(v):
    return fmt_g(v) + " MiB"


def log_tics(lo, hi):
    """Tic values for a log axis from lo to hi: [(value, major)].  Decades
    are major; between them 2 and 5 are major too when the axis spans few
    decades, else 2 to 9 are minor (unlabelled)."""
    span = math.log10(hi / lo)
    if span > 2.5:
        major, minor = [1], [2, 3, 4, 5, 6, 7, 8, 9]
    elif span > 1.2:
        major, minor = [1, 3], [2, 4, 5, 6, 7, 8, 9]
    else:
        major, minor = [1, 2, 5], [3, 4, 6, 7, 8, 9]
    tics = []
    for e in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1):
        for m in sorted(major + minor):
            v = m * 10.0 ** e
            if lo <= v * (1 + 1e-9) and v <= hi * (1 + 1e-9):
                tics.append((v, m in major))
    return tics


def log_range(values, pad_lo=1.5, pad_hi=1.5):
    """A log axis range around values, stretched to the next decade when
    that is close, so that both ends tend to have a labelled tic."""
    lo = min(values) / pad_lo
    hi = max(values) * pad_hi
    d = 10.0 ** math.floor(math.log10(lo))
    if lo / d < 2.2:
        lo = d
    u = 10.0 ** math.ceil(math.log10(hi))
    if u / hi < 2.2:
        hi = u
    return lo, hi


def set_x_revisions(s, ns, labels=True):
    lo, hi = min(ns) / 1.6, max(ns) * 1.6
    s.add("set logscale x 10")
    s.add("set xrange [%s:%s]" % (num(lo), num(hi)))
    tics = [n for n in (1, 10, 100, 1000, 10000, 100000, 1000000)
            if lo <= n <= hi]
    tics += [n for n in sorted(ns) if n not in tics]
    s.add("set xtics (%s) nomirror scale 1,0"
          % ", ".join("%s %d" % (gp_str(n_label(n) if labels else ""), n)
                      for n in sorted(tics)))
    s.add("unset mxtics")
    if labels:
        s.add("set xlabel 'revisions (N, log scale)' offset 0,0.3")
    else:
        s.add("unset xlabel")


def set_y_log(s, lo, hi, label_fn, labels=True):
    s.add("set logscale y 10")
    s.add("set yrange [%s:%s]" % (num(lo), num(hi)))
    tics = log_tics(lo, hi)
    s.add("set ytics (%s) nomirror"
          % ", ".join("%s %s %d" % (gp_str(label_fn(v) if labels and major else ""),
                                    num(v), 0 if major else 1)
                      for v, major in tics))
    s.add("unset mytics")


def set_y_linear(s, hi, label_fn, labels=True):
    s.add("unset logscale y")
    step = nice_step(hi / 5.0)
    top = math.ceil(hi * 1.08 / step) * step
    s.add("set yrange [0:%s]" % num(top))
    tics = []
    v = 0.0
    while v <= top * (1 + 1e-9):
        tics.append(v)
        v += step
    s.add("set ytics (%s) nomirror"
          % ", ".join("%s %s" % (gp_str(label_fn(t) if labels else ""), num(t))
                      for t in tics))
    s.add("set mytics 2")


def nice_step(raw):
    e = 10.0 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * e >= raw:
            return m * e
    return 10 * e


def common_style(s):
    s.add("set border 3 lw 1 lc rgb '#444444'")
    s.add("set style line 100 lt 1 lw 1 lc rgb '#dcdcdc' dt solid")
    s.add("set style line 101 lt 1 lw 1 lc rgb '#f0f0f0' dt solid")
    s.add("set grid xtics ytics mxtics mytics back ls 100, ls 101")
    s.add("set tics textcolor rgb '#333333'")
    s.add("set bars small")
    s.add("set pointintervalbox 0")


def panel_margins(s, i, count, left, right, bottom, top, gap):
    width = (right - left - gap * (count - 1)) / count
    x0 = left + i * (width + gap)
    s.add("set lmargin at screen %s" % num(x0))
    s.add("set rmargin at screen %s" % num(x0 + width))
    s.add("set bmargin at screen %s" % num(bottom))
    s.add("set tmargin at screen %s" % num(top))


def legend(s, entries, x, y):
    """A key of its own, at screen position (x, y) (top left corner):
    drawn with invisible curves outside the axes so that every panel can
    share one.  entries: [(title, style dict, with)]."""
    s.add("set key at screen %s,%s left top Left reverse noautotitle "
          "samplen 3 spacing 1.35 width 1 font %s"
          % (num(x), num(y), s.font(11)))
    parts = []
    for title, st, how in entries:
        parts.append("NaN with %s %s title %s" % (how, line_spec(st), gp_str(title)))
    return parts


def line_spec(st):
    return ("lw %s lc rgb %s dt %d pt %d ps %s"
            % (num(st["lw"]), gp_str(st["color"]), st["dt"], st["pt"], num(st["ps"])))


def series_block(s, cells):
    rows = []
    for n in sorted(cells):
        c = cells[n]
        rows.append([str(n), num(c.median), num(c.lo), num(c.hi)])
    return s.block(rows)


def time_range(groups):
    vals = []
    for cells in groups:
        for c in cells.values():
            vals += [c.lo, c.hi, c.median]
    return vals


# --------------------------------------------------------------- charts
#
# Every chart is a multiplot of one or more panels with margins set in
# screen coordinates, the shared key at the right, so that panels line up
# and share one y axis (labelled on the leftmost panel only).

KEY_W = 215  # pixels reserved on the right for the key


def depth(curve):
    """Drawing order: other tools, then retort, then the raw floor, thin
    and dashed, on top: retort is often within a few percent of the floor,
    and the floor's dashes stay visible over retort's thick line."""
    tool = curve[0]
    return 2 if tool in FLOOR_TOOLS else 1 if tool == "retort" else 0


def panel_title(s, title, count):
    if count > 1:
        s.add("set title %s font %s offset 0,-0.3"
              % (gp_str(title), s.font(12)))
    else:
        s.add("unset title")


def time_chart(terminal, title, panels, ns_all, width, height, series_fn):
    """panels: [(panel title, [(tool, shape, cells)])]; returns a Script.

    series_fn(tool, shape) -> (legend title, style dict) for a curve."""
    s = Script(width, height, terminal, 1.0 if width <= 900 else 1.12)
    common_style(s)
    vals = []
    for _, curves in panels:
        vals += time_range([c for _, _, c in curves])
    lo, hi = log_range(vals, 1.5, 1.5)
    count = len(panels)
    left = s.px(80)
    right = 1 - s.px(KEY_W)
    top = 1 - s.py(78 if count > 1 else 52)
    bottom = s.py(62)
    s.add("set multiplot title %s font %s" % (gp_str(title), s.font(13)))
    # Key order: as given by the first appearance of each curve.
    seen = []
    entries = []
    for _, curves in panels:
        for tool, shape, _ in curves:
            if (tool, shape) in seen:
                continue
            seen.append((tool, shape))
            t, st = series_fn(tool, shape)
            entries.append((t, st, "linespoints"))
    for i, (ptitle, curves) in enumerate(panels):
        panel_margins(s, i, count, left, right, bottom, top, 0.025)
        panel_title(s, ptitle, count)
        set_x_revisions(s, ns_all)
        set_y_log(s, lo, hi, ms_label, labels=(i == 0))
        plots = []
        for tool, shape, cells in sorted(curves, key=depth):
            st = series_fn(tool, shape)[1]
            d = series_block(s, cells)
            plots.append("%s using 1:2:3:4 with yerrorlines %s notitle"
                         % (d, line_spec(st)))
        if i == count - 1:
            plots += legend(s, entries, right + s.px(12), top)
        else:
            s.add("unset key")
        s.add("plot " + ", \\\n     ".join(plots))
    return s


def cells_for(data, scenario, dialect, shape, tool):
    return data.get((scenario, dialect, shape, tool), {})


def chart_status(data, terminal):
    sc, dia, shape = "current", "sqlite", "linear"
    # The floor, when measured, is sqlite3 reading alembic_version.
    tools = tools_of(data, sc, dia, shape)
    if not tools:
        return None, "no rows for current on SQLite, linear"
    curves = [(t, shape, cells_for(data, sc, dia, shape, t)) for t in tools]
    ns = sorted({n for _, _, c in curves for n in c})
    title = ("current (status) on SQLite, linear history: "
             "median wall clock, bars min–max")
    return time_chart(terminal, title, [("current", curves)], ns,
                      900, 540,
                      lambda t, sh: (legend_name(t), style_of(t))), None


def shape_style(tool, shape):
    st = dict(style_of(tool))
    if shape == "branchy":
        # Same colour, dashed, hollow points: the same tool on the harder
        # graph.
        st["dt"] = 4 if st["dt"] == 1 else st["dt"]
        st["pt"] = {7: 6, 5: 4, 9: 8, 13: 12, 11: 10}.get(st["pt"], st["pt"])
    return st


def chart_graph(data, terminal):
    dia = "sqlite"
    panels = []
    ns = set()
    for sc in ("heads", "history"):
        curves = []
        for tool in ("retort", "alembic"):
            for shape in ("linear", "branchy"):
                cells = cells_for(data, sc, dia, shape, tool)
                if cells:
                    curves.append((tool, shape, cells))
                    ns |= set(cells)
        # Other tools that ran the graph commands (not the floor, which
        # has no graph).
        extra = [t for t in sorted({k[3] for k in data if k[0] == sc and k[1] == dia})
                 if t not in ("retort", "alembic") and t not in FLOOR_TOOLS]
        for tool in extra:
            for shape in ("linear", "branchy"):
                cells = cells_for(data, sc, dia, shape, tool)
                if cells:
                    curves.append((tool, shape, cells))
                    ns |= set(cells)
        if curves:
            panels.append((sc, curves))
    if not panels:
        return None, "no rows for heads or history on SQLite"
    title = ("heads and history on SQLite, linear and branchy graphs: "
             "median wall clock, bars min–max")
    return time_chart(terminal, title, panels, sorted(ns),
                      1100 if len(panels) > 1 else 900, 540,
                      lambda t, sh: ("%s, %s" % (t, sh), shape_style(t, sh))), None


def chart_upgrade(data, terminal, dia):
    shape = "linear"
    panels = []
    ns = set()
    for sc in ("upgrade", "downgrade"):
        tools = tools_of(data, sc, dia, shape)
        curves = [(t, shape, cells_for(data, sc, dia, shape, t)) for t in tools]
        if curves:
            panels.append((SCENARIO_TITLE[sc], curves))
            for _, _, c in curves:
                ns |= set(c)
    if not panels:
        return None, "no rows for upgrade or downgrade on %s" % DIALECTS[dia]
    title = ("upgrade and downgrade on %s, linear history: "
             "median wall clock, bars min–max" % DIALECTS[dia])
    return time_chart(terminal, title, panels, sorted(ns),
                      1100 if len(panels) > 1 else 900, 540,
                      lambda t, sh: (legend_name(t), style_of(t))), None


def chart_memory(data, terminal):
    dia, shape = "sqlite", "linear"
    panels = []
    ns = set()
    vals = []
    for sc in ("current", "upgrade"):
        curves = []
        for tool in tools_of(data, sc, dia, shape):
            pts = {n: c.rss_kib / 1024.0
                   for n, c in cells_for(data, sc, dia, shape, tool).items()
                   if c.rss_kib is not None}
            if pts:
                curves.append((tool, pts))
                ns |= set(pts)
                vals += pts.values()
        if curves:
            panels.append((SCENARIO_TITLE[sc], curves))
    if not panels:
        return None, "no peak RSS for current or upgrade on SQLite"
    width = 1100 if len(panels) > 1 else 900
    height = 540
    s = Script(width, height, terminal, 1.0 if width <= 900 else 1.12)
    common_style(s)
    log_y = max(vals) / min(vals) > 12
    s.add("set multiplot title %s font %s"
          % (gp_str("peak memory (RSS) of one run on SQLite, linear history"
                    + (" (log scale)" if log_y else "")),
             s.font(13)))
    left = s.px(80)
    right = 1 - s.px(KEY_W)
    top = 1 - s.py(78 if len(panels) > 1 else 52)
    bottom = s.py(62)
    entries = []
    seen = []
    for _, curves in panels:
        for tool, _ in curves:
            if tool not in seen:
                seen.append(tool)
                entries.append((legend_name(tool), style_of(tool), "linespoints"))
    for i, (ptitle, curves) in enumerate(panels):
        panel_margins(s, i, len(panels), left, right, bottom, top, 0.025)
        panel_title(s, ptitle, len(panels))
        set_x_revisions(s, sorted(ns))
        if log_y:
            lo, hi = log_range(vals, 1.4, 1.4)
            set_y_log(s, lo, hi, mib_label, labels=(i == 0))
        else:
            set_y_linear(s, max(vals), mib_label, labels=(i == 0))
        plots = []
        for tool, pts in sorted(curves, key=depth):
            d = s.block([[str(n), num(pts[n])] for n in sorted(pts)])
            plots.append("%s using 1:2 with linespoints %s notitle"
                         % (d, line_spec(style_of(tool))))
        if i == len(panels) - 1:
            plots += legend(s, entries, right + s.px(12), top)
        else:
            s.add("unset key")
        s.add("plot " + ", \\\n     ".join(plots))
    return s, None


def pick_n(retort, other, prefer=1000):
    """The N to compare at: prefer, if both tools have it, else the
    largest N both have."""
    common = set(retort) & set(other)
    if not common:
        return None
    return prefer if prefer in common else max(common)


def ratio_label(r):
    if r >= 100:
        return "%.0fx" % r
    if r >= 10:
        return "%.0fx" % r
    return "%.1fx" % r


# gnuplot's "character" unit for offsets on pngcairo at 11 pt, in pixels,
# and the widths of the characters of a ratio label in DejaVu Sans Bold
# 12 pt (measured on the output), to place the text that follows it.
CHAR_UNIT = 9.3
BOLD_WIDTH = {".": 5.0, " ": 4.5, "(": 5.5, ")": 5.5}


def bold_width(text):
    return sum(BOLD_WIDTH.get(ch, 10.0) for ch in text)


def read_ratios(outdir):
    """ratios.tsv (pairwise, round by round) as {(scenario, dialect, shape,
    n, numerator, denominator): median}; {} when it is not there."""
    out = {}
    try:
        with open(os.path.join(outdir, "ratios.tsv"), encoding="utf-8") as f:
            header = f.readline().rstrip("\n").split("\t")
            for line in f:
                row = dict(zip(header, line.rstrip("\n").split("\t")))
                try:
                    key = (row["scenario"], row["dialect"], row["shape"],
                           int(row["n"]), row["numerator"],
                           row["denominator"])
                    out[key] = float(row["median"])
                except (KeyError, ValueError):
                    continue
    except OSError:
        pass
    return out


RATIOS = {}


def paired(sc, dia, n, num, den, fallback, shape="linear"):
    """The pairwise ratio from ratios.tsv, else the ratio of the medians."""
    return RATIOS.get((sc, dia, shape, n, num, den), fallback)


def chart_headline(data, terminal):
    rows = []   # (label, n, alembic/retort, (retort/floor, n) or None)
    tables = False  # whether a row's N counts tables (autogen)
    cases = [(sc, "sqlite", "linear") for sc in ("current", "heads", "history")]
    cases += [(sc, dia, "linear") for dia in DIALECTS
              for sc in ("upgrade", "downgrade")]
    # the autogen group: N is a number of tables there
    cases += [(sc, dia, "schema") for dia in DIALECTS
              for sc in ("autogenerate", "check")]
    for sc, dia, shape in cases:
        retort = cells_for(data, sc, dia, shape, "retort")
        alembic = cells_for(data, sc, dia, shape, "alembic")
        floor = cells_for(data, sc, dia, shape, FLOOR[dia])
        n = pick_n(retort, alembic)
        if n is None:
            continue
        ratio = paired(sc, dia, n, "alembic", "retort",
                       alembic[n].median / retort[n].median, shape)
        fr = None
        if sc in ("upgrade", "downgrade"):
            nf = n if n in floor else pick_n(retort, floor)
            if nf:
                fr = (paired(sc, dia, nf, "retort", FLOOR[dia],
                             retort[nf].median / floor[nf].median), nf)
        # The graph commands do not touch the database beyond one read;
        # upgrade and downgrade are named with theirs.
        label = sc if sc in ("current", "heads", "history") \
            else "%s, %s" % (sc, DIALECTS[dia])
        rows.append((label, n, ratio, fr))
        tables = tables or shape == "schema"
    if not rows:
        return None, "no scenario has both retort and alembic figures (linear)"

    ns = {r[1] for r in rows} | {r[3][1] for r in rows if r[3]}
    same_n = len(ns) == 1
    labels = [r[0] if same_n else "%s (N=%s)" % (r[0], n_label(r[1])) for r in rows]
    ends = []
    for r in rows:
        text = ratio_label(r[2]) + ("" if r[2] >= 1 else " (slower)")
        floor_text = None
        if r[3]:
            floor_text = "%.2fx floor" % r[3][0]
            if r[3][1] != r[1]:
                floor_text += " (N=%s)" % n_label(r[3][1])
        ends.append((text, floor_text))

    # About 900x400; less high for a few bars, higher for many.
    width = 900
    height = 130 + 54 * len(rows) if len(rows) < 5 else max(400, 120 + 40 * len(rows))
    s = Script(width, height, terminal)
    # Average widths of a character in pixels (DejaVu Sans at 11 pt, 12 pt,
    # 12 pt bold), measured on pngcairo output, a little generous.
    char11, char12 = 8.2, 9.4
    left = (max(len(l) for l in labels) * char12 + 22) / width
    right = 1 - 16.0 / width
    top = 1 - 46.0 / height
    bottom = 58.0 / height
    plot_px = (right - left) * width
    # The x range must leave room for the text at the end of each bar.
    ratios = [r[2] for r in rows]
    xlo = min(1.0, min(ratios)) / 1.12
    decades = math.log10(max(ratios) / xlo) * 1.05
    for r, (text, floor_text) in zip(rows, ends):
        need = (bold_width(text) + 10 + (len(floor_text) * char11 + 14 if floor_text else 0))
        if need < plot_px * 0.9:
            decades = max(decades, math.log10(max(r[2], 1.0) / xlo) / (1 - need / plot_px))
    xhi = xlo * 10.0 ** decades

    title = "retort vs Alembic: how many times faster (median wall clock, linear history"
    if tables:
        title = ("retort vs Alembic: how many times faster (median wall clock, "
                 "N revisions or tables")
    title += ", N = %d)" % ns.pop() if same_n else ")"
    s.add("set multiplot title %s font %s" % (gp_str(title), s.font(13)))
    s.add("set lmargin at screen %s" % num(left))
    s.add("set rmargin at screen %s" % num(right))
    s.add("set tmargin at screen %s" % num(top))
    s.add("set bmargin at screen %s" % num(bottom))
    s.add("set logscale x 10")
    s.add("set xrange [%s:%s]" % (num(xlo), num(xhi)))
    s.add("set yrange [%s:%s]" % (num(len(rows) + 0.6), num(0.4)))
    xt = [v for v in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000)
          if xlo <= v <= xhi]
    if len(xt) > 7:
        xt = [v for v in xt if str(v)[0] == "1"]
    s.add("set xtics (%s) nomirror scale 0.5 textcolor rgb '#777777'"
          % ", ".join("%s %d" % (gp_str("%dx" % v), v) for v in xt))
    s.add("unset xlabel")
    s.add("set ytics (%s) scale 0 nomirror textcolor rgb '#222222' font %s"
          % (", ".join("%s %d" % (gp_str(l), i) for i, l in enumerate(labels, start=1)),
             s.font(12)))
    s.add("set border 1 lc rgb '#aaaaaa'")
    s.add("set grid xtics lc rgb '#e6e6e6' lw 1")
    s.add("unset key")
    for i, (r, (text, floor_text)) in enumerate(zip(rows, ends), start=1):
        # A bar below 1x (retort slower) runs leftwards from 1x: its text
        # goes right of 1x all the same.
        at = max(r[2], 1.0)
        s.add("set label %s at first %s,%d left offset character 0.5,0 "
              "font %s textcolor rgb '#111111' front"
              % (gp_str(text), num(at), i, s.font(12, bold=True)))
        if floor_text:
            s.add("set label %s at first %s,%d left offset character %s,0 "
                  "font %s textcolor rgb '#666666' front"
                  % (gp_str(floor_text), num(at), i,
                     num(0.5 + (bold_width(text) + 11) / CHAR_UNIT), s.font(11)))
    foot = "bar: Alembic time / retort time, log scale"
    if any(e[1] for e in ends):
        foot += ".  floor: retort time / time of sqlite3 or psql running the same SQL"
    s.add("set label %s at screen %s,%s left font %s textcolor rgb '#777777'"
          % (gp_str(foot), num(12.0 / width), num(14.0 / height), s.font(10)))
    color = TOOL_STYLE["retort"]["color"]
    bars = s.block([[str(i), num(r[2])] for i, r in enumerate(rows, start=1)])
    s.add("plot %s using (sqrt($2)):1:(1):2:($1-0.3):($1+0.3) with boxxyerror "
          "fs solid 1.0 noborder lc rgb %s" % (bars, gp_str(color)))
    return s, None


# ----------------------------------------------------------------- main


def main(argv):
    ap = argparse.ArgumentParser(
        prog="charts.py",
        description="Draw PNG charts of RESULTS_DIR/bench.tsv with gnuplot.")
    ap.add_argument("results_dir", metavar="RESULTS_DIR")
    ap.add_argument("--terminal", choices=["pngcairo", "png"],
                    help="gnuplot terminal (default: pngcairo if available)")
    ap.add_argument("--keep-scripts", action="store_true",
                    help="also write the gnuplot scripts to RESULTS_DIR/charts/")
    args = ap.parse_args(argv)

    outdir = args.results_dir
    tsv = os.path.join(outdir, "bench.tsv")
    try:
        data = read_tsv(tsv)
    except (OSError, ValueError) as e:
        note("cannot read %s: %s" % (tsv, e))
        return 1
    if not data:
        note("%s has no figures, no charts" % tsv)
        return 0
    ALL_TOOLS[:] = sorted({k[3] for k in data})
    RATIOS.update(read_ratios(outdir))
    try:
        terminal = gnuplot_terminal(args.terminal)
    except (RuntimeError, OSError) as e:
        note(str(e))
        return 1
    keep = os.path.join(outdir, "charts") if args.keep_scripts else None

    jobs = [
        ("status", lambda: chart_status(data, terminal)),
        ("graph", lambda: chart_graph(data, terminal)),
        ("upgrade-sqlite", lambda: chart_upgrade(data, terminal, "sqlite")),
        ("upgrade-postgresql", lambda: chart_upgrade(data, terminal, "postgresql")),
        ("memory", lambda: chart_memory(data, terminal)),
        ("headline", lambda: chart_headline(data, terminal)),
    ]
    status = 0
    for name, job in jobs:
        script, why = job()
        if script is None:
            note("%s.png skipped: %s" % (name, why))
            continue
        path = render(script, name, outdir, keep)
        if path is None:
            status = 1
        else:
            print(path)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
