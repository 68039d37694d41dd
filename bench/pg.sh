#!/bin/bash
# bench/pg.sh - the PostgreSQL benchmark: `upgrade head` (and `downgrade
# base`) of N small revisions, timed for retort, for Alembic, and for psql
# running the same SQL in the same transactions (the floor).
#
#   bench/pg.sh [options] RETORT
#
#   --smoke              N=10, one run, no warm-up, no Alembic: checks that
#                        the scripts still work (a few seconds)
#   --sizes "N ..."      numbers of revisions (default "1000")
#   --runs R             timed rounds (default 5)
#   --warmup W           untimed rounds first (default 1)
#   --scenarios "S ..."  "upgrade downgrade" (default both)
#   --tools "T ..."      "retort psql alembic" (default all three)
#   --no-alembic         the same as leaving alembic out of --tools
#   --ddl table|table+index   what a revision does (default table+index)
#   --db NAME            the database dropped and created before every run
#                        (default retort_bench)
#   --out DIR            where pg_upgrade.md goes (default bench/results)
#
# The server: RETORT_TEST_PG_URL (a superuser URL, e.g. what
# t/pg-server.sh env prints) when set; otherwise pg.sh starts its own with
# t/pg-server.sh and stops it at the end.  Results: DIR/pg_upgrade.md (see
# bench/README.md), DIR/pg_upgrade.tsv (the summary), DIR/pg_upgrade.runs.tsv
# (every timed run); the generated projects stay in DIR/work/pg-<N>/.

set -euo pipefail
export LC_ALL=C

BENCH_DIR=$(cd "$(dirname "$0")" && pwd -P)
TOP_DIR=$(cd "$BENCH_DIR/.." && pwd -P)
ALEMBIC_PYTHON=${ALEMBIC_PYTHON:-/usr/bin/python3}
PYTHON=${PYTHON:-python3}
PSQL=${PSQL:-}

smoke=
sizes=1000
runs=5
warmup=1
scenarios="upgrade downgrade"
tools="retort psql alembic"
ddl=table+index
dbname=retort_bench
out=$BENCH_DIR/results

die () {
	echo "pg.sh: $*" >&2
	exit 1
}

# words TEXT: TEXT's words, one blank between them.
words () {
	local w

	read -r -a w <<<"$*"
	echo "${w[*]}"
}

usage () {
	sed -n -e '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) smoke=t ;;
	--sizes) sizes=$2; shift ;;
	--runs) runs=$2; shift ;;
	--warmup) warmup=$2; shift ;;
	--scenarios) scenarios=$2; shift ;;
	--tools) tools=$2; shift ;;
	--no-alembic) tools=${tools/alembic/} ;;
	--ddl) ddl=$2; shift ;;
	--db) dbname=$2; shift ;;
	--out) out=$2; shift ;;
	-h | --help) usage ;;
	--) shift; break ;;
	-*) echo "pg.sh: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
	shift
done
[ $# = 1 ] || usage
RETORT=$1
case "$RETORT" in
/*) ;;
*) RETORT=$(pwd -P)/$RETORT ;;
esac
[ -x "$RETORT" ] || die "no retort binary at $RETORT (run make first)"
case "$dbname" in
*[!a-z0-9_]* | '' | [0-9]*) die "--db: use lower-case letters, digits and _" ;;
esac
for s in $scenarios; do
	case "$s" in
	upgrade | downgrade) ;;
	*) die "unknown scenario '$s' (upgrade, downgrade)" ;;
	esac
done
for t in $tools; do
	case "$t" in
	retort | psql | alembic) ;;
	*) die "unknown tool '$t' (retort, psql, alembic)" ;;
	esac
done

if [ -n "$smoke" ]; then
	sizes=10
	runs=1
	warmup=0
	tools=${tools/alembic/}
fi
tools=$(words "$tools") # squeeze the blanks left by removals

# As root, install what a full run needs when it is missing: the Debian
# packages `time` (peak RSS) and `python3-psycopg2` (Alembic's
# PostgreSQL driver).  Without them the run goes on with less.
as_root_install () {
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 1
	echo "pg.sh: installing $* (Debian)" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1
}
if [ -z "$smoke" ] && [ ! -x /usr/bin/time ]; then
	as_root_install time || echo "pg.sh: no /usr/bin/time: no peak RSS" >&2
fi
have_time=
[ -x /usr/bin/time ] && have_time=t
case " $tools " in
*" alembic "*)
	if ! "$ALEMBIC_PYTHON" -c 'import alembic' 2>/dev/null; then
		echo "pg.sh: no Alembic for $ALEMBIC_PYTHON (Debian python3-alembic); leaving it out" >&2
		tools=$(words "${tools/alembic/}")
	elif ! "$ALEMBIC_PYTHON" -c 'import psycopg2' 2>/dev/null &&
		! { as_root_install python3-psycopg2 &&
			"$ALEMBIC_PYTHON" -c 'import psycopg2' 2>/dev/null; }; then
		echo "pg.sh: no psycopg2 for $ALEMBIC_PYTHON (Debian python3-psycopg2); leaving Alembic out" >&2
		tools=$(words "${tools/alembic/}")
	fi
	;;
esac
[ -n "$tools" ] || die "no tool left to time"

mkdir -p "$out/work" || die "cannot create $out"
out=$(cd "$out" && pwd -P)
raw=$out/work/raw-pg
rm -rf "$raw"
mkdir -p "$raw"
runs_tsv=$out/pg_upgrade.runs.tsv
printf 'n\tscenario\tround\ttool\twall_ms\tuser_ms\tsys_ms\tpeak_rss_kib\n' >"$runs_tsv"

# --- the server -------------------------------------------------------------

server_dir=
stop_server () {
	if [ -n "$server_dir" ]; then
		"$TOP_DIR/t/pg-server.sh" stop "$server_dir" ||
			echo "pg.sh: could not stop the server in $server_dir" >&2
		server_dir=
	fi
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "${RETORT_TEST_PG_URL:-}" ]; then
	server_dir=$(mktemp -d "${TMPDIR:-/tmp}/retort-bench-pg.XXXXXX") ||
		die "cannot create a directory for the server"
	"$TOP_DIR/t/pg-server.sh" start "$server_dir" 2>"$raw/server.err" || {
		cat "$raw/server.err" >&2
		die "could not start a PostgreSQL server (t/pg-server.sh)"
	}
	eval "$("$TOP_DIR/t/pg-server.sh" env "$server_dir")"
	server_note="started by pg.sh with t/pg-server.sh"
else
	server_note="given by RETORT_TEST_PG_URL"
fi
admin_url=$RETORT_TEST_PG_URL

# psql itself, not Debian's /usr/bin/psql: that is a Perl wrapper
# (pg_wrapper) which costs some 20 ms per start, which the floor must not
# pay.  $PSQL, else the server's own bin directory, else pg_config's.
if [ -z "$PSQL" ]; then
	for d in "${RETORT_TEST_PG_BIN:-}" "$(pg_config --bindir 2>/dev/null)"; do
		if [ -n "$d" ] && [ -x "$d/psql" ]; then
			PSQL=$d/psql
			break
		fi
	done
fi
[ -n "$PSQL" ] || PSQL=$(command -v psql) ||
	die "no psql (Debian package postgresql-client)"
# The same server and user, database $dbname (the password, if any, stays
# in the URL: never printed).
bench_url=$("$PYTHON" -c '
import sys, urllib.parse as up
p = up.urlsplit(sys.argv[1])
print(up.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$admin_url" "$dbname") ||
	die "cannot make the benchmark URL"

# admin_sql SQL...: run each SQL on the server's maintenance database.
admin_sql () {
	local args=() s

	for s in "$@"; do
		args+=(-c "$s")
	done
	"$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$admin_url" "${args[@]}" \
		>/dev/null 2>"$raw/admin.err" || {
		cat "$raw/admin.err" >&2
		return 1
	}
}

# bench_query SQL: one row of the benchmark database, fields joined by " ".
bench_query () {
	"$PSQL" -X -q -A -t -F ' ' -v ON_ERROR_STOP=1 -d "$bench_url" -c "$1" \
		2>"$raw/query.err" || {
		cat "$raw/query.err" >&2
		return 1
	}
}

# fresh_db: an empty database $dbname, its files written out (CHECKPOINT,
# so that the dirty pages of the previous run are not flushed during the
# next one).  Not timed.
fresh_db () {
	admin_sql "DROP DATABASE IF EXISTS $dbname" "CREATE DATABASE $dbname" ||
		die "cannot drop and create the database $dbname"
	admin_sql CHECKPOINT 2>/dev/null || true
}

# --- the tools --------------------------------------------------------------
#
# A tool is a function tool_<name> SCENARIO PROJECT that sets cmd_dir (where
# to run) and cmd (the command line).  Adding a tool (dbmate, ...) means
# adding such a function and, if it needs files, a generator option.

tool_retort () {
	local target=head

	[ "$1" = downgrade ] && target=base
	cmd_dir=$2/retort
	cmd=("$RETORT" "$1" "$target")
}

tool_psql () {
	cmd_dir=$2/psql
	cmd=("$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$bench_url" -f "$1.sql")
}

tool_alembic () {
	local target=head

	[ "$1" = downgrade ] && target=base
	cmd_dir=$2/alembic
	cmd=("$ALEMBIC_PYTHON" -m alembic "$1" "$target")
}

# Alembic's steady state reads its revisions from __pycache__, written by
# the first run (the warm-up): PYTHONDONTWRITEBYTECODE would stop that.
unset PYTHONDONTWRITEBYTECODE

# run_tool TOOL SCENARIO PROJECT [WRAP...]: run it, output discarded.
run_tool () {
	local cmd_dir cmd=()

	"tool_$1" "$2" "$3"
	shift 3
	(cd "$cmd_dir" && exec "$@" "${cmd[@]}") >/dev/null 2>"$raw/last.err"
}

# --- measuring --------------------------------------------------------------

now_us () {
	local t=$EPOCHREALTIME

	echo "${t/./}"
}

# cpu_ms FILE: "user system" in ms from what the builtin `times` wrote to
# FILE (its second line: the shell's waited-for children, grandchildren
# included).
cpu_ms () {
	awk 'NR == 2 {
		for (i = 1; i <= 2; i++) {
			split($i, a, "m"); sub("s", "", a[2])
			v[i] = (a[1] * 60 + a[2]) * 1000
		}
		printf "%.0f %.0f\n", v[1], v[2]
	}' "$1"
}

# timed TOOL SCENARIO PROJECT: run it once; sets $wall_us, $user_ms and
# $sys_ms (the CPU time of the tool's process, from the shell's `times`,
# in ms), and $rss_kib (its peak RSS, from /usr/bin/time, "-" without it).
# Every tool runs under /usr/bin/time alike, so its fork and exec cost all
# of them the same.
timed () {
	local tool=$1 t0 t1 rc=0 wrap=() u0 s0 u1 s1

	[ -n "$have_time" ] && wrap=(/usr/bin/time -f '%M' -o "$raw/time.out")
	rm -f "$raw/time.out"
	times >"$raw/times.0" # a builtin: runs in this shell, no fork
	t0=$(now_us)
	run_tool "$tool" "$2" "$3" "${wrap[@]}" || rc=$?
	t1=$(now_us)
	times >"$raw/times.1"
	if [ $rc != 0 ]; then
		echo "pg.sh: $tool $2 failed (exit $rc):" >&2
		tail -n 20 "$raw/last.err" >&2
		return 1
	fi
	wall_us=$((t1 - t0))
	read -r u0 s0 < <(cpu_ms "$raw/times.0")
	read -r u1 s1 < <(cpu_ms "$raw/times.1")
	user_ms=$((u1 - u0))
	sys_ms=$((s1 - s0))
	rss_kib=-
	if [ -n "$have_time" ] && [ -s "$raw/time.out" ]; then
		rss_kib=$(tail -n 1 "$raw/time.out")
	fi
}

# check_state N SCENARIO HEAD: the database is where the scenario leaves it.
check_state () {
	local n=$1 scenario=$2 head=$3 want got idx=0

	[ "$ddl" = table+index ] && idx=$n
	if [ "$scenario" = upgrade ]; then
		want="$n $idx $head"
	else
		want="0 0 "
	fi
	got=$(bench_query "SELECT
		(SELECT count(*) FROM pg_catalog.pg_class
		 WHERE relkind = 'r' AND relname LIKE 't\\_%'),
		(SELECT count(*) FROM pg_catalog.pg_class
		 WHERE relkind = 'i' AND relname LIKE 'ix\\_t\\_%'),
		(SELECT coalesce(string_agg(version_num, ','), '')
		 FROM alembic_version)") || return 1
	[ "$got" = "$want" ] || {
		echo "pg.sh: after $scenario the database holds '$got' (tables, indexes, version), not '$want'" >&2
		return 1
	}
}

# prepare SCENARIO PROJECT: the starting point, not timed: an empty
# database for upgrade; for downgrade, the same at head (made by psql).
prepare () {
	fresh_db
	if [ "$1" = downgrade ]; then
		run_tool psql upgrade "$2" || {
			cat "$raw/last.err" >&2
			die "could not bring $dbname to head for the downgrade"
		}
	fi
}

# check_floor SCENARIO PROJECT: the psql floor sends what retort sends on
# its migration connection.  retort runs once with SQL echo on (an ini
# with [logger_sqlalchemy] at INFO); the statements it echoes after
# "Will assume transactional DDL." must be the floor's, in order.
check_floor () {
	local scenario=$1 proj=$2 target=head

	[ "$scenario" = downgrade ] && target=base
	sed -e '/^\[logger_sqlalchemy\]/,/^\[/s/^level = .*/level = INFO/' \
		"$proj/retort/alembic.ini" >"$proj/retort/echo.ini"
	prepare "$scenario" "$proj"
	(cd "$proj/retort" && "$RETORT" -c echo.ini "$scenario" "$target") \
		>/dev/null 2>"$raw/echo.$scenario" || {
		tail -n 20 "$raw/echo.$scenario" >&2
		die "retort $scenario failed"
	}
	"$PYTHON" - "$raw/echo.$scenario" "$proj/psql/$scenario.sql" <<-\EOF ||
	import re, sys
	msgs, cur = [], None
	for line in open(sys.argv[1], encoding="utf-8").read().split("\n"):
	    m = re.match(r"^(INFO|WARN|WARNING|ERROR|DEBUG) +\[([^\]]*)\] (.*)$", line)
	    if m:
	        cur = [m.group(2), m.group(3)]
	        msgs.append(cur)
	    elif cur is not None:
	        cur[1] += "\n" + line
	start = [i for i, (lg, text) in enumerate(msgs)
	         if text.startswith("Will assume transactional DDL")]
	if not start:
	    sys.exit("no 'Will assume transactional DDL.' line in retort's log")
	echoed = [text.rstrip("\n") for lg, text in msgs[start[0]:]
	          if lg == "sqlalchemy.engine.Engine"]
	floor = [s for s in open(sys.argv[2], encoding="utf-8").read().split(";\n") if s.strip()]
	for i, (a, b) in enumerate(zip(echoed, floor)):
	    if a != b:
	        sys.exit("statement %d differs:\n  retort: %s\n  floor:  %s" % (i + 1, a, b))
	if len(echoed) != len(floor):
	    sys.exit("retort sent %d statements, the floor has %d" % (len(echoed), len(floor)))
	EOF
		die "the psql floor ($proj/psql/$scenario.sql) no longer matches what retort sends; update bench/gen_project.py (floor_transactions)"
	rm -f "$proj/retort/echo.ini"
}

# --- the run ----------------------------------------------------------------

load_start=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo -)
for n in $sizes; do
	proj=$out/work/pg-$n
	echo "pg.sh: N=$n" >&2
	rm -rf "$proj"
	"$PYTHON" "$BENCH_DIR/gen_project.py" --shape linear --n "$n" \
		--out "$proj" --ddl "$ddl" --url "$bench_url" \
		--transaction-per-migration --psql || die "gen_project.py failed"
	head=$(cat "$proj/heads.txt")
	for scenario in $scenarios; do
		check_floor "$scenario" "$proj"
		for ((r = 1 - warmup; r <= runs; r++)); do
			for tool in $tools; do
				prepare "$scenario" "$proj"
				timed "$tool" "$scenario" "$proj" ||
					die "$tool $scenario failed at N=$n"
				check_state "$n" "$scenario" "$head" ||
					die "$tool $scenario left the database in the wrong state"
				[ "$r" -ge 1 ] || continue
				printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" \
					"$scenario" "$r" "$tool" \
					"$(awk -v u="$wall_us" 'BEGIN { printf "%.1f", u / 1000 }')" \
					"$user_ms" "$sys_ms" "$rss_kib" >>"$runs_tsv"
			done
		done
	done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo -)
admin_sql "DROP DATABASE IF EXISTS $dbname" || true

# --- the report -------------------------------------------------------------

cpu=$(sed -n -e 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
commit=$(git -C "$TOP_DIR" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] &&
	{ ! git -C "$TOP_DIR" diff --quiet HEAD -- src include 2>/dev/null ||
		[ -n "$(git -C "$TOP_DIR" ls-files --others --exclude-standard -- src include 2>/dev/null)" ]; }; then
	commit="$commit + uncommitted changes in src/ or include/"
fi
server_version=$(bench_query 'SHOW server_version' 2>/dev/null ||
	"$PSQL" -X -A -t -d "$admin_url" -c 'SHOW server_version')
settings=$("$PSQL" -X -q -A -t -F ' ' -d "$admin_url" -c "SELECT string_agg(name || '=' || current_setting(name), ', ' ORDER BY name) FROM pg_catalog.pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'wal_level')" 2>/dev/null || echo unknown)
alembic_versions=-
case " $tools " in
*" alembic "*)
	alembic_versions="Alembic $("$ALEMBIC_PYTHON" -c 'import alembic; print(alembic.__version__)'), SQLAlchemy $("$ALEMBIC_PYTHON" -c 'import sqlalchemy; print(sqlalchemy.__version__)'), psycopg2 $("$ALEMBIC_PYTHON" -c 'import psycopg2; print(psycopg2.__version__.split()[0])'), $("$ALEMBIC_PYTHON" --version 2>&1)"
	;;
esac

mode=""
[ -n "$smoke" ] && mode=" --smoke"
"$PYTHON" - "$runs_tsv" "$out/pg_upgrade.tsv" "$out/pg_upgrade.md" <<EOF || die "could not write the report"
import statistics, sys

runs_tsv, sum_tsv, md = sys.argv[1:4]
TOOLS = "$tools".split()
FLOOR = "psql"
facts = [
    ("CPU", "${cpu:-unknown}, $(nproc) CPU(s); $(uname -sr)"),
    ("load average (1, 5, 15 min)", "at start $load_start; at end $load_end"),
    ("PostgreSQL", "$server_version ($server_note; $settings), over TCP to 127.0.0.1"),
    ("retort", "$("$RETORT" --version 2>/dev/null | head -n 1), git commit $commit"),
    ("psql", "$("$PSQL" --version) ($PSQL)"),
    ("Alembic", "$alembic_versions"),
    ("method", "$warmup warm-up + $runs timed round(s); each round runs the tools in the order $tools, each from a fresh database (DROP/CREATE DATABASE and CHECKPOINT, not timed); revisions: --ddl $ddl"),
]

rows = [l.rstrip("\n").split("\t") for l in open(runs_tsv)]
head, rows = rows[0], rows[1:]
col = {k: i for i, k in enumerate(head)}
cases = []
for r in rows:
    key = (int(r[col["n"]]), r[col["scenario"]])
    if key not in cases:
        cases.append(key)

def num(v):
    return None if v in ("-", "") else float(v)

def samples(n, sc, tool, what):
    return [num(r[col[what]]) for r in rows
            if int(r[col["n"]]) == n and r[col["scenario"]] == sc
            and r[col["tool"]] == tool and num(r[col[what]]) is not None]

def per_round(n, sc, a, b):
    """a/b for each round where both ran."""
    by = {}
    for r in rows:
        if int(r[col["n"]]) == n and r[col["scenario"]] == sc:
            by.setdefault(r[col["round"]], {})[r[col["tool"]]] = float(r[col["wall_ms"]])
    return [t[a] / t[b] for t in by.values() if a in t and b in t and t[b] > 0]

def fmt_ms(v):
    return "-" if v is None else "%.1f" % v

def med(v):
    return statistics.median(v) if v else None

summary = []
for n, sc in cases:
    for tool in TOOLS:
        wall = samples(n, sc, tool, "wall_ms")
        if not wall:
            continue
        cpu = [u + s for u, s in zip(samples(n, sc, tool, "user_ms"),
                                      samples(n, sc, tool, "sys_ms"))]
        rss = samples(n, sc, tool, "peak_rss_kib")
        summary.append(dict(n=n, scenario=sc, tool=tool, runs=len(wall),
                            median=med(wall), min=min(wall), max=max(wall),
                            cpu=med(cpu), rss=max(rss) if rss else None))

def ratio_cell(n, sc, a, b):
    v = per_round(n, sc, a, b)
    if not v:
        return "-", None
    m = statistics.median(v)
    return "%.3f (%.3f–%.3f)" % (m, min(v), max(v)), m

with open(sum_tsv, "w") as f:
    f.write("n\tscenario\ttool\truns\tmedian_ms\tmin_ms\tmax_ms\tclient_cpu_ms\tpeak_rss_kib\tratio_to_psql\tratio_alembic_to_retort\n")
    for s in summary:
        _, rp = ratio_cell(s["n"], s["scenario"], s["tool"], FLOOR)
        _, ar = ratio_cell(s["n"], s["scenario"], "alembic", "retort") if s["tool"] == "alembic" else (None, None)
        f.write("\t".join(str(x) for x in (
            s["n"], s["scenario"], s["tool"], s["runs"], fmt_ms(s["median"]),
            fmt_ms(s["min"]), fmt_ms(s["max"]),
            "-" if s["cpu"] is None else "%.0f" % s["cpu"],
            "-" if s["rss"] is None else "%.0f" % s["rss"],
            "-" if rp is None else "%.4f" % rp,
            "-" if ar is None else "%.4f" % ar)) + "\n")

with open(md, "w") as f:
    w = lambda s="": f.write(s + "\n")
    w("# retort PostgreSQL benchmark")
    w()
    w("Generated $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/pg.sh$mode\`.")
    w()
    w("## Machine and versions")
    w()
    for k, v in facts:
        w("- %s: %s" % (k, v))
    w()
    w("## Ratios")
    w()
    w("Wall clock, computed round by round (the tools of one round ran back to back), then the median over the rounds; in brackets the smallest and largest round. retort/psql is retort's cost over the floor: psql sending the same statements in the same transactions.")
    w()
    w("| N | scenario | retort/psql | retort overhead over psql | Alembic/retort |")
    w("|---:|---|---:|---:|---:|")
    for n, sc in cases:
        rp, rpm = ratio_cell(n, sc, "retort", FLOOR)
        ar, _ = ratio_cell(n, sc, "alembic", "retort")
        over = "-" if rpm is None else "%+.1f %%" % ((rpm - 1) * 100)
        w("| %d | %s | %s | %s | %s |" % (n, sc, rp, over, ar))
    w()
    w("## Times")
    w()
    w("Milliseconds, wall clock from process start to exit. Client CPU is the tool's own user + system time (median; the server's work is not in it); peak RSS is the largest of the runs (/usr/bin/time).")
    w()
    w("| N | scenario | tool | runs | median ms | min–max ms | client CPU ms | peak RSS KiB |")
    w("|---:|---|---|---:|---:|---:|---:|---:|")
    for s in summary:
        w("| %d | %s | %s | %d | %s | %s–%s | %s | %s |" % (
            s["n"], s["scenario"], s["tool"], s["runs"], fmt_ms(s["median"]),
            fmt_ms(s["min"]), fmt_ms(s["max"]),
            "-" if s["cpu"] is None else "%.0f" % s["cpu"],
            "-" if s["rss"] is None else "%.0f" % s["rss"]))
    w()
    w("What each tool sends: see bench/README.md. Every run: pg_upgrade.runs.tsv; this table: pg_upgrade.tsv.")
EOF
echo "pg.sh: wrote $out/pg_upgrade.md" >&2
